"""Printed survey cards: a short code a person can type by hand, and the card's token nonce; no database here.

A card carries its batch and its place in the batch, so the code needs no lookup table, and a MAC, so that
a made-up or mistyped code is refused before anything else is looked at. The nonce is derived from the same
two numbers, so the QR link and the typed code of one card redeem the same single-use token, and a batch's
PDF can be downloaded again and shows the same cards.

Alphabet (20 symbols): ``3 4 6 7 9 A C E F G H K M N P R T W X Y``. That is digits and capital letters
without the look-alikes 0 O Q D, 1 I L J, 5 S, 2 Z, 8 B, U V. Each symbol carries log2(20) ≈ 4.32 bits.

Bit budget: a code is 17 symbols (20**17 ≈ 2**73.5), holding one 73-bit integer:

- 42 bits MAC (HMAC-SHA256, truncated), in the high bits so that the cards of one batch do not share a
  prefix: neighbouring cards look unrelated and are not mistaken for each other,
- 20 bits batch id (0 … 2**20 - 1),
- 11 bits index of the card in its batch (0 … 2047).

16 symbols would carry only 69 bits, leaving 38 for the MAC; with 42 bits a guessed code is accepted with a
chance of one in 4·10**12. The code is printed as ``XXXX-XXXX-XXXX-XXXXX``: three groups of four and a last
group of five, rather than a lone trailing symbol that is easy to overlook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

ALPHABET = "34679ACEFGHKMNPRTWXY"
"""Fixed order: changing it changes every printed code."""

LOOK_ALIKES = frozenset("0OQD1ILJ5S2Z8BUV")

BATCH_BITS = 20
INDEX_BITS = 11
MAC_BITS = 42
CODE_LENGTH = 17
GROUPS = (4, 4, 4, 5)

MAX_BATCH_ID = 2**BATCH_BITS - 1
MAX_CARDS_PER_BATCH = 2**INDEX_BITS
"""Index 0 … 2047: the most cards one batch can print."""

NONCE_BYTES = 16
"""As many bits as a random token nonce (survey.tokens.NONCE_BYTES)."""

_MAC_PURPOSE = b"brukarenkat.card-code.mac"
_NONCE_PURPOSE = b"brukarenkat.card-code.nonce"

assert len(ALPHABET) == len(set(ALPHABET)) == 20 and not LOOK_ALIKES & set(ALPHABET)
assert sum(GROUPS) == CODE_LENGTH and len(ALPHABET) ** CODE_LENGTH >= 2 ** (BATCH_BITS + INDEX_BITS + MAC_BITS)

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}


def _derive(secret_key: str, purpose: bytes) -> bytes:
    """One key per purpose, so that a MAC can never be replayed as a nonce or the other way round."""
    return hmac.new(secret_key.encode("utf-8"), purpose, hashlib.sha256).digest()


def _message(batch_id: int, index: int) -> bytes:
    if not 0 <= batch_id <= MAX_BATCH_ID:
        raise ValueError(f"batch id {batch_id} is outside 0…{MAX_BATCH_ID}")
    if not 0 <= index < MAX_CARDS_PER_BATCH:
        raise ValueError(f"card index {index} is outside 0…{MAX_CARDS_PER_BATCH - 1}")
    return batch_id.to_bytes(4, "big") + index.to_bytes(2, "big")


class CardCodes:
    """Codes and nonces of printed cards for one secret key."""

    def __init__(self, secret_key: str) -> None:
        self._mac_key = _derive(secret_key, _MAC_PURPOSE)
        self._nonce_key = _derive(secret_key, _NONCE_PURPOSE)

    def _mac(self, batch_id: int, index: int) -> int:
        digest = hmac.new(self._mac_key, _message(batch_id, index), hashlib.sha256).digest()
        return int.from_bytes(digest, "big") >> (256 - MAC_BITS)

    def code(self, batch_id: int, index: int) -> str:
        """The printed code, e.g. ``AHKW-E6AR-6XRW-FAH4M``; ValueError when batch or index is out of range."""
        value = (((self._mac(batch_id, index) << BATCH_BITS) | batch_id) << INDEX_BITS) | index
        symbols = []
        for _ in range(CODE_LENGTH):
            value, digit = divmod(value, len(ALPHABET))
            symbols.append(ALPHABET[digit])
        text = "".join(reversed(symbols))
        groups, start = [], 0
        for size in GROUPS:
            groups.append(text[start : start + size])
            start += size
        return "-".join(groups)

    def parse(self, typed: str) -> tuple[int, int] | None:
        """(batch id, index) of a typed code, or None when it is malformed or not one of ours.

        Case and anything that is not a letter or digit (spaces, hyphens, dashes, dots) are ignored, and
        full-width forms are read as the ASCII ones, so "ahkw e6ar 6xrw fah4m" and "AHKW–E6AR–6XRW–FAH4M" are
        both read. A letter or digit outside the alphabet makes the code malformed rather than being skipped.
        """
        if len(typed) > 200:
            return None
        symbols = [c for c in unicodedata.normalize("NFKC", typed).upper() if c.isalnum()]
        if len(symbols) != CODE_LENGTH or any(c not in _VALUES for c in symbols):
            return None
        value = 0
        for c in symbols:
            value = value * len(ALPHABET) + _VALUES[c]
        if value >> (BATCH_BITS + INDEX_BITS + MAC_BITS):
            return None
        index = value & (MAX_CARDS_PER_BATCH - 1)
        batch_id = (value >> INDEX_BITS) & MAX_BATCH_ID
        mac = value >> (INDEX_BITS + BATCH_BITS)
        expected = self._mac(batch_id, index)
        size = (MAC_BITS + 7) // 8
        if not hmac.compare_digest(mac.to_bytes(size, "big"), expected.to_bytes(size, "big")):
            return None
        return batch_id, index

    def nonce(self, batch_id: int, index: int) -> str:
        """The card's token nonce: 128 bits, url-safe, always the same for the same card and key."""
        digest = hmac.new(self._nonce_key, _message(batch_id, index), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:NONCE_BYTES]).rstrip(b"=").decode("ascii")
