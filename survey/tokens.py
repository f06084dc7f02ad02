"""Signed survey tokens and signed cookies (itsdangerous), one salt per purpose; no database here.

A token says where an answer belongs (round, municipality, area, unit, batch) and carries a random nonce.
Only sha256(nonce) is ever stored, when the token is redeemed, and never next to the answer.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

NONCE_BYTES = 16
"""128 random bits: guessing another respondent's unused token is out of reach."""

SURVEY_TOKEN = "brukarenkat.survey-token"  # noqa: S105 - a salt naming a purpose, not a secret
ANSWERS_COOKIE = "brukarenkat.answers-in-progress"
KIOSK_LINK = "brukarenkat.kiosk-link"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    round_key: str
    kommunkod: str
    area: str
    unit_id: int | None
    batch_id: int
    nonce: str
    counted_on_use: bool = False
    """A kiosk's offline token: minted ahead into the tablet's slice, so it counts as handed out only when it is
    used (answered or burned), not when minted (survey.services.kiosk_offline)."""

    @property
    def nonce_hash(self) -> bytes:
        """What `redeemed_tokens` stores: enough to refuse a second use, useless for finding the card."""
        return hashlib.sha256(self.nonce.encode("ascii")).digest()


class Signer:
    """Signs and verifies values for one purpose; a bad signature gives None, never an exception."""

    def __init__(self, secret_key: str, purpose: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=purpose)

    def sign(self, value: Any) -> str:
        return self._serializer.dumps(value)

    def unsign(self, signed: str) -> Any | None:
        try:
            return self._serializer.loads(signed)
        except (BadSignature, UnicodeDecodeError, ValueError):
            return None


class TokenMinter:
    """Mints and verifies survey tokens for one secret key."""

    def __init__(self, secret_key: str) -> None:
        self._signer = Signer(secret_key, SURVEY_TOKEN)

    def mint(
        self,
        *,
        round_key: str,
        kommunkod: str,
        area: str,
        unit_id: int | None,
        batch_id: int,
        nonce: str | None = None,
        counted_on_use: bool = False,
    ) -> str:
        """A signed token; `nonce` is random unless given (a printed card derives its own, see survey.cards)."""
        if nonce is None:
            nonce = secrets.token_urlsafe(NONCE_BYTES)
        # A list, not a dict: the token goes into a QR code, and every character makes the code denser. An offline
        # kiosk token has a seventh element; every other token stays as short as it was.
        payload: list[Any] = [round_key, kommunkod, area, unit_id, batch_id, nonce]
        if counted_on_use:
            payload.append(1)
        return self._signer.sign(payload)

    def verify(self, token: str) -> TokenClaims | None:
        """The token's claims, or None when it was not signed by us (tampered, truncated, made up)."""
        payload = self._signer.unsign(token)
        if not isinstance(payload, list) or len(payload) not in (6, 7) or (len(payload) == 7 and payload[6] != 1):
            return None
        round_key, kommunkod, area, unit_id, batch_id, nonce = payload[:6]
        if not all(isinstance(v, str) for v in (round_key, kommunkod, area, nonce)):
            return None
        if not isinstance(batch_id, int) or not (unit_id is None or isinstance(unit_id, int)):
            return None
        return TokenClaims(round_key, kommunkod, area, unit_id, batch_id, nonce, counted_on_use=len(payload) == 7)
