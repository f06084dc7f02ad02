"""Numbers that people type into forms and files write into cells, checked before they meet a column.

Every id and count of ours is an `Integer` column, which PostgreSQL keeps as int4: a larger number is a database
error there (and past 2**63 on SQLite too), not a row that is merely missing. One check for every field keeps
that out of the handlers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_INTEGER = 2**31 - 1
"""The largest value an `Integer` column holds on PostgreSQL."""


def whole_number(text: object) -> int | None:
    """`text` as a whole number from 0 to `MAX_INTEGER`, or None when it is not one.

    The decimal digits of any script count (Arabic-Indic `٣` is 3, as `int()` reads it); superscripts such as
    `²`, signs, decimals and more digits than `MAX_INTEGER` has do not.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text.isdecimal() or len(text) > len(str(MAX_INTEGER)):
        return None
    value = int(text)
    return value if value <= MAX_INTEGER else None


def within_integer(value: int) -> bool:
    """Whether a number already parsed (a JSON integer, a path id) fits an `Integer` column."""
    return -MAX_INTEGER <= value <= MAX_INTEGER


def whole_numbers(values: Iterable[object]) -> list[int]:
    """The values of a list of ticked boxes (unit ids) that are whole numbers; any other value names no row and
    is left out, as a box not ticked."""
    return [number for value in values if (number := whole_number(value)) is not None]


def decimal_number(value: Any) -> Decimal | None:
    """A share or figure from a file: a JSON number, or text with a decimal point or comma (`86,5`). None for
    anything else, NaN and Infinity included: they parse, but cannot be compared with a range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", ".")
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
