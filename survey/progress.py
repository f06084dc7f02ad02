"""Answers in progress: kept in a signed cookie scoped to the survey link's path, never on the server.

The cookie is bound to the token it was written for, lives only for the browser session, and is deleted
on submit, so nothing of one respondent's answers stays behind for the next user of a shared tablet.
"""

from __future__ import annotations

import hashlib
import re

from litestar.datastructures import Cookie

from survey.tokens import Signer

COOKIE = "answers"
MAX_COOKIE_BYTES = 3800
"""Browsers keep cookies up to 4096 bytes; above this the answers no longer fit (long free texts)."""


COOKIE_PATH_TOKEN = re.compile(r"[A-Za-z0-9_.-]{1,1000}")
"""What a token we minted looks like (itsdangerous, URL-safe). Anything else in the address was made up, and must
never reach a cookie's Path: it could carry `;` and cookie attributes, or characters a header cannot hold."""


def can_be_cookie_path(token: str) -> bool:
    return COOKIE_PATH_TOKEN.fullmatch(token) is not None


def _binding(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def read_answers(signer: Signer, token: str, cookie_value: str | None) -> dict[str, str]:
    if not cookie_value:
        return {}
    payload = signer.unsign(cookie_value)
    if not isinstance(payload, dict) or payload.get("t") != _binding(token) or not isinstance(payload.get("a"), dict):
        return {}
    return {str(k): str(v) for k, v in payload["a"].items()}


def answers_cookie(signer: Signer, token: str, answers: dict[str, str], *, secure: bool) -> Cookie:
    value = signer.sign({"t": _binding(token), "a": answers})
    if len(value) > MAX_COOKIE_BYTES:
        raise ValueError(f"answers take {len(value)} bytes, more than a cookie holds ({MAX_COOKIE_BYTES})")
    return Cookie(key=COOKIE, value=value, path=f"/s/{token}", httponly=True, samesite="lax", secure=secure)


def cleared_cookie(token: str, *, secure: bool) -> Cookie:
    return Cookie(key=COOKIE, value="", path=f"/s/{token}", max_age=0, httponly=True, samesite="lax", secure=secure)
