"""Settings: read from BRUKARENKAT_* only by the CLI, refused when unsafe."""

from __future__ import annotations

import pytest

from survey.config import Settings

KEY = "s" * 32


def test_settings_come_from_prefixed_variables():
    settings = Settings.from_env(
        {
            "BRUKARENKAT_SECRET_KEY": KEY,
            "BRUKARENKAT_SECURE_COOKIES": "true",
            "SECRET_KEY": "ignored",
            "BRUKARENKAT_BASE_URL": "https://x.se",
        }
    )
    assert settings.secret_key == KEY
    assert settings.secure_cookies is True
    assert settings.base_url == "https://x.se"
    assert settings.is_sqlite


@pytest.mark.parametrize("key", ["", "short", "x" * 31])
def test_a_short_secret_key_is_refused(key):
    with pytest.raises(ValueError, match="secret_key must be at least 32 characters"):
        Settings(secret_key=key)


def test_a_bad_boolean_names_the_variable():
    with pytest.raises(ValueError, match="BRUKARENKAT_DEBUG must be true or false, got 'maybe'"):
        Settings.from_env({"BRUKARENKAT_SECRET_KEY": KEY, "BRUKARENKAT_DEBUG": "maybe"})


def test_an_unknown_sqlite_synchronous_level_is_refused():
    with pytest.raises(ValueError, match="sqlite_synchronous must be FULL, NORMAL or EXTRA"):
        Settings(secret_key=KEY, sqlite_synchronous="OFF")
