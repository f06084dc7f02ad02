"""Settings: one frozen dataclass, read from the environment only by the CLI (prefix BRUKARENKAT_)."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, fields
from typing import Any

ENV_PREFIX = "BRUKARENKAT_"
MIN_API_KEY = 24
"""An API key reads a municipality's results: long enough that guessing is hopeless."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///data/brukarenkat.db"
    """SQLAlchemy URL. SQLite (`sqlite+aiosqlite:///path`) by default; PostgreSQL in production
    (`postgresql+asyncpg://user:password@host/db`)."""

    secret_key: str = ""
    """Signs survey tokens and the respondent's answers-in-progress cookie. Required; at least 32
    characters. Changing it invalidates every token handed out."""

    base_url: str = "http://127.0.0.1:8000"
    """Public address of the platform, used to print survey links and QR codes."""

    default_locale: str = "sv"
    """Language of the respondent pages when the browser asks for none that a questionnaire offers."""

    secure_cookies: bool = False
    """Mark cookies Secure (HTTPS only). Turn on in production behind TLS."""

    sqlite_synchronous: str = "FULL"
    """SQLite `PRAGMA synchronous` in WAL mode. FULL syncs the WAL on every commit, so an answer the
    server has acknowledged survives a crash or power loss; NORMAL is faster and survives a crash of
    the server process but may lose the last commits on power loss."""

    free_failed_checks: int = 10
    """Survey links or card codes from one client address that may fail their check in a minute before each
    further failure is answered more slowly (up to 4 s). Counted in memory only, never in the database."""

    kiosk_offline_tokens: int = 30
    """How many single-use tokens a kiosk tablet with JavaScript keeps in hand, so that respondents can start
    while the network is down; topped up whenever it is online. 0 turns the offline kiosk off (every start then
    asks the server, as without JavaScript)."""

    api_keys: str = ""
    """Keys for reading results through the API, as `kommunkod:key` pairs separated by commas; a key
    given as `*:key` reads every municipality. Sent as `Authorization: Bearer <key>`. Empty: no API access
    to results. (Staff accounts and roles replace this in the staff UI.)"""

    audio_dir: str = "audio"
    """Folder of recorded audio for the "Lyssna" buttons, as `<questionnaire>/<language>/<text key>.mp3` (or
    .m4a, .ogg, .opus, .wav). Read when the app starts; where a text has no recording, or the folder is missing,
    the browser's speech synthesis reads instead."""

    accessibility_contact: str = ""
    """Where respondents report an accessibility problem, shown on the accessibility statement
    (`/tillganglighet`, required by DOS-lagen): an email address or a web address (`https://…`). Empty: the
    statement asks them to tell the staff who gave them the link or card."""

    debug: bool = False
    """Show tracebacks in error pages. Never in production: they can reveal answers."""

    def __post_init__(self) -> None:
        if len(self.secret_key) < 32:
            raise ValueError(
                f"secret_key must be at least 32 characters (got {len(self.secret_key)}); set {ENV_PREFIX}SECRET_KEY"
            )
        for key, scope in self.api_key_scopes().items():
            if not (scope == "*" or (len(scope) == 4 and scope.isdigit())) or len(key) < MIN_API_KEY:
                raise ValueError(
                    f"api_keys: {scope!r} must be a kommunkod or *, with a key of {MIN_API_KEY}+ characters"
                )
        if not 0 <= self.kiosk_offline_tokens <= 200:
            raise ValueError(f"kiosk_offline_tokens must be from 0 to 200, got {self.kiosk_offline_tokens}")
        if self.sqlite_synchronous.upper() not in {"FULL", "NORMAL", "EXTRA"}:
            raise ValueError(f"sqlite_synchronous must be FULL, NORMAL or EXTRA, got {self.sqlite_synchronous!r}")

    def api_key_scopes(self) -> dict[str, str]:
        """Each API key with the kommunkod it may read (`*` for all)."""
        pairs = (pair.partition(":") for pair in self.api_keys.split(",") if pair.strip())
        return {key.strip(): scope.strip() for scope, _, key in pairs}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from BRUKARENKAT_* variables; `overrides` win (the CLI passes its own defaults)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is None:
                continue
            if field.type == "bool":
                values[field.name] = _parse_bool(field.name, raw)
            elif field.type == "int":
                if not raw.strip().isdecimal():
                    raise ValueError(f"{ENV_PREFIX}{field.name.upper()} must be a whole number, got {raw!r}")
                values[field.name] = int(raw)
            else:
                values[field.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def setting_docs() -> dict[str, str]:
    """Each setting's environment variable and its docstring, for the README test and `--help`."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        if isinstance(node, ast.AnnAssign) and isinstance(following, ast.Expr):
            name = node.target.id  # type: ignore[attr-defined]
            docs[ENV_PREFIX + name.upper()] = " ".join(following.value.value.split())  # type: ignore[attr-defined]
    return docs


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{ENV_PREFIX}{name.upper()} must be true or false, got {raw!r}")
