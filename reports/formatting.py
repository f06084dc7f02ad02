"""Numbers and dates as the report's locale writes them (babel): "86 %" with a no-break space in Swedish."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from analysis.funnel import Position
from reports.data import Figure, Rank

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a msgid for extraction (`pybabel extract -k N_`); it is translated where it is shown."""
    return message


POSITION_LABELS: dict[str, str] = {
    Position.ABOVE_998.value: N_("klart över rikssnitt (99,8 %)"),
    Position.ABOVE_95.value: N_("över rikssnitt (95 %)"),
    Position.WITHIN.value: N_("inom det väntade"),
    Position.BELOW_95.value: N_("under rikssnitt (95 %)"),
    Position.BELOW_998.value: N_("klart under rikssnitt (99,8 %)"),
}
"""A funnel position (analysis.funnel.Position's value) in words, as Swedish msgids: pass through gettext."""


def percent(value: int | None, locale: str) -> str:
    """A whole percent (already rounded half up in analysis) in the locale's form; "-" when suppressed."""
    return "-" if value is None else format_percent(Decimal(value) / 100, locale=locale)


def figure(fig: Figure | None, locale: str) -> str:
    """ "86 % (123)": the share with its number of valid answers, as the published tables write it."""
    if fig is None or not fig.shown:
        return "-"
    if fig.valid is None:  # an imported figure (a published rikssnitt) comes without its n
        return percent(fig.percent, locale)
    return f"{percent(fig.percent, locale)} ({format_decimal(fig.valid, locale=locale)})"


def share_percent(value: float | None, locale: str) -> str:
    """A share given as 0–1 (e.g. an unweighted mean of shares) in whole percent, rounded half up."""
    if value is None:
        return "-"
    whole = int((Decimal(repr(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return percent(whole, locale)


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def position_words(value: str | None, _: Gettext) -> str:
    """ "inom det väntade": a funnel position in words; empty when there is none (a hidden figure)."""
    return _(POSITION_LABELS[value]) if value else ""


def rank_text(value: Rank | None, locale: str, _: Gettext) -> str:
    """ "plats 12 (8–31) av 87": the place with its 95 % interval; empty when there is none (a hidden figure)."""
    if value is None:
        return ""
    return _("plats %(rank)s (%(low)s–%(high)s) av %(of)s") % {
        "rank": number(value.rank, locale),
        "low": number(value.low, locale),
        "high": number(value.high, locale),
        "of": number(value.of, locale),
    }


def decimal(value: float | None, locale: str, digits: int = 3) -> str:
    if value is None:
        return ""
    return format_decimal(round(Decimal(value), digits), format="0." + "0" * digits, locale=locale)


def date(value: dt.date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def translator(translations: gettext.NullTranslations | None) -> gettext.NullTranslations:
    """The report's catalog; without one, the Swedish source strings."""
    return translations or gettext.NullTranslations()
