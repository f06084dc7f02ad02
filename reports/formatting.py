"""Numbers and dates as the report's locale writes them (babel): "86 %" with a no-break space in Swedish."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from reports.data import Figure

Gettext = Callable[[str], str]


def percent(value: int | None, locale: str) -> str:
    """A whole percent (already rounded half up in analysis) in the locale's form; "-" when suppressed."""
    return "-" if value is None else format_percent(Decimal(value) / 100, locale=locale)


def figure(fig: Figure | None, locale: str) -> str:
    """ "86 % (123)": the share with its number of valid answers, as the published tables write it."""
    if fig is None or not fig.shown:
        return "-"
    return f"{percent(fig.percent, locale)} ({format_decimal(fig.valid or 0, locale=locale)})"


def decimal(value: float | None, locale: str, digits: int = 3) -> str:
    if value is None:
        return ""
    return format_decimal(round(Decimal(value), digits), format="0." + "0" * digits, locale=locale)


def date(value: dt.date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def translator(translations: gettext.NullTranslations | None) -> gettext.NullTranslations:
    """The report's catalog; without one, the Swedish source strings."""
    return translations or gettext.NullTranslations()
