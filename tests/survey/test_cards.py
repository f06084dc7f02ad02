"""Card codes: typed by hand, read back leniently, refused when mistyped or made up; nonces fixed per card."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.cards import ALPHABET, CODE_LENGTH, MAC_BITS, MAX_BATCH_ID, MAX_CARDS_PER_BATCH, CardCodes
from survey.tokens import TokenMinter

KEY = "k" * 40
CODES = CardCodes(KEY)
LOOK_ALIKES = "0OQD1ILJ5S2Z8BUV"

batch_ids = st.integers(min_value=0, max_value=2**20 - 1)
indexes = st.integers(min_value=0, max_value=2047)


def test_limits_are_those_the_design_promises():
    assert MAX_BATCH_ID == 2**20 - 1
    assert MAX_CARDS_PER_BATCH == 2048
    assert MAC_BITS >= 40


def test_the_alphabet_has_no_look_alikes_and_no_repeats():
    assert not set(LOOK_ALIKES) & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 20
    assert all(c.isascii() and (c.isdigit() or c.isupper()) for c in ALPHABET)


@given(batch_ids, indexes)
def test_a_code_reads_back_to_its_batch_and_index(batch_id, index):
    code = CODES.code(batch_id, index)
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{5}}", code)
    assert CODES.parse(code) == (batch_id, index)


@pytest.mark.parametrize("batch_id", [0, 1, 2**20 - 1])
@pytest.mark.parametrize("index", [0, 1, 2047])
def test_extremes_read_back(batch_id, index):
    assert CODES.parse(CODES.code(batch_id, index)) == (batch_id, index)


@given(batch_ids, indexes)
def test_a_code_is_read_however_a_person_types_it(batch_id, index):
    code = CODES.code(batch_id, index)
    plain = code.replace("-", "")
    for typed in (
        code.lower(),
        plain,
        plain.lower(),
        " ".join(code.split("-")),
        f"  {code.lower()}\n",
        code.replace("-", " – "),
        " ".join(plain),
        code.replace("-", "."),
    ):
        assert CODES.parse(typed) == (batch_id, index), typed


def test_full_width_characters_from_a_phone_keyboard_are_read():
    code = CODES.code(4711, 17)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)  # "Ａ", "６", "－"
    assert CODES.parse(full_width) == (4711, 17)


def test_every_single_character_substitution_is_refused():
    code = CODES.code(4711, 17)
    symbols = [i for i, c in enumerate(code) if c != "-"]
    tried = 0
    for position in symbols:
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            assert CODES.parse(changed) is None, changed
            tried += 1
    assert tried == CODE_LENGTH * (len(ALPHABET) - 1)


def test_swapped_neighbours_a_dropped_or_an_extra_symbol_are_refused():
    plain = CODES.code(4711, 17).replace("-", "")
    for i in range(len(plain) - 1):
        if plain[i] != plain[i + 1]:
            assert CODES.parse(plain[:i] + plain[i + 1] + plain[i] + plain[i + 2 :]) is None
        assert CODES.parse(plain[:i] + plain[i + 1 :]) is None
        assert CODES.parse(plain[:i] + "A" + plain[i:]) is None


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "-",
        "AAAA-AAAA-AAAA-AAAAA",
        "YYYY-YYYY-YYYY-YYYYY",
        "AHKW-E6AR-6XRW-FAH40",
        "ÅHKW-E6AR-6XRW-FAH4M",
        "x" * 500,
    ],
)
def test_malformed_or_made_up_codes_are_refused(typed):
    assert CODES.parse(typed) is None


def test_a_look_alike_typed_for_a_symbol_is_refused_not_skipped():
    code = CODES.code(4711, 17)
    for look_alike in LOOK_ALIKES:
        assert CODES.parse(code[:5] + look_alike + code[6:]) is None
        assert CODES.parse(code + look_alike) is None


@given(batch_ids, indexes)
def test_a_code_of_another_key_is_refused(batch_id, index):
    assert CardCodes("x" * 40).parse(CODES.code(batch_id, index)) is None


def test_codes_of_one_batch_do_not_share_a_prefix():
    """Neighbouring cards must not look alike, or one is typed for the other."""
    codes = [CODES.code(4711, index) for index in range(50)]
    assert len({code[:4] for code in codes}) > 40


@pytest.mark.parametrize(("batch_id", "index"), [(-1, 0), (2**20, 0), (0, -1), (0, 2048), (2**40, 2**40)], ids=str)
def test_out_of_range_batch_or_index_raises(batch_id, index):
    with pytest.raises(ValueError):
        CODES.code(batch_id, index)
    with pytest.raises(ValueError):
        CODES.nonce(batch_id, index)


def test_a_nonce_is_fixed_per_card_and_key_and_as_strong_as_a_random_one():
    nonce = CODES.nonce(4711, 17)
    assert nonce == CardCodes(KEY).nonce(4711, 17)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce)
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 16
    assert CardCodes("x" * 40).nonce(4711, 17) != nonce


def test_nonces_differ_between_cards():
    nonces = {CODES.nonce(batch_id, index) for batch_id in (0, 1, 4711, 2**20 - 1) for index in range(0, 2048, 64)}
    assert len(nonces) == 4 * 32
    assert CODES.nonce(1, 0) != CODES.nonce(0, 1)


def test_a_card_mints_the_same_token_every_time_and_it_carries_the_card_nonce():
    minter = TokenMinter(KEY)
    nonce = CODES.nonce(7, 17)
    claims = {"round_key": "ifo-2017", "kommunkod": "2085", "area": "missbruk", "unit_id": 3, "batch_id": 7}
    first, second = minter.mint(**claims, nonce=nonce), minter.mint(**claims, nonce=nonce)
    assert first == second
    verified = minter.verify(first)
    assert verified is not None
    assert verified.nonce == nonce
    assert verified.batch_id == 7
    assert minter.verify(minter.mint(**claims)).nonce != nonce
