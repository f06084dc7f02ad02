"""Survey tokens: signed, carrying where the answer belongs, and refused when anything is changed."""

from __future__ import annotations

import base64

from survey.tokens import Signer, TokenMinter

KEY = "k" * 40


def mint(minter: TokenMinter) -> str:
    return minter.mint(round_key="ifo-2017", kommunkod="2085", area="missbruk", unit_id=3, batch_id=7)


def test_a_minted_token_verifies_to_its_claims_with_a_fresh_nonce_each_time():
    minter = TokenMinter(KEY)
    first, second = minter.verify(mint(minter)), minter.verify(mint(minter))
    assert (first.round_key, first.kommunkod, first.area, first.unit_id, first.batch_id) == (
        "ifo-2017",
        "2085",
        "missbruk",
        3,
        7,
    )
    assert first.nonce != second.nonce
    assert len(base64.urlsafe_b64decode(first.nonce + "==")) == 16


def test_changing_any_character_makes_the_token_invalid():
    minter = TokenMinter(KEY)
    token = mint(minter)
    for position in range(0, len(token), 7):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        assert minter.verify(changed) is None, position


def test_a_token_from_another_key_or_purpose_is_refused():
    assert TokenMinter("x" * 40).verify(mint(TokenMinter(KEY))) is None
    cookie_signed = Signer(KEY, "brukarenkat.answers-in-progress").sign(["ifo-2017", "2085", "missbruk", 3, 7, "n"])
    assert TokenMinter(KEY).verify(cookie_signed) is None


def test_garbage_gives_none_not_an_exception():
    minter = TokenMinter(KEY)
    for garbage in ["", ".", "abc", "a.b.c", "%%%", "ÅÄÖ.ÅÄÖ", "W10.x" * 30]:
        assert minter.verify(garbage) is None


def test_the_stored_hash_is_sha256_of_the_nonce():
    import hashlib

    claims = TokenMinter(KEY).verify(mint(TokenMinter(KEY)))
    assert claims.nonce_hash == hashlib.sha256(claims.nonce.encode()).digest()
