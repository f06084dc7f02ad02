"""Secondary suppression: shown totals and shown parts must never give away a suppressed part.

If a total is shown and exactly one of its non-empty parts is hidden, total − (the other parts) is that part.
So whenever that happens, the smallest shown part is hidden too (least information lost), or the total itself
when no part is shown. A table is described
as lines, each a total and the parts that add up to it (areas → IFO-totalt, kön → area, units → municipality);
lines are protected again and again until nothing changes, which also covers two-way tables (area × kön).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from analysis.shares import Share, Suppression

K = TypeVar("K", bound=Hashable)

Line = tuple[K, Sequence[K]]
"""A total's key and the keys of the parts it is the sum of (the parts must cover the total entirely)."""


def is_hidden(share: Share) -> bool:
    """Suppressed with somebody behind it; an empty part hides nothing (its complement is simply zero)."""
    return share.suppressed is not None and share.valid + share.excluded > 0


def protect(shares: Mapping[K, Share], lines: Sequence[Line[K]]) -> dict[K, Share]:
    """The shares with complement suppression added until no line gives a hidden part away."""
    protected = dict(shares)
    changed = True
    while changed:
        changed = False
        for total_key, part_keys in lines:
            if protected[total_key].suppressed is not None:
                continue
            hidden = [key for key in part_keys if is_hidden(protected[key])]
            shown = [key for key in part_keys if protected[key].suppressed is None]
            if len(hidden) != 1:
                continue
            # Hide the smallest shown part; with none shown, the total is the hidden part itself.
            victim = min(shown, key=lambda key: (protected[key].valid, str(key))) if shown else total_key
            protected[victim] = protected[victim].suppress(Suppression.COMPLEMENT)
            changed = True
    return protected


def recoverable(shares: Mapping[K, Share], lines: Sequence[Line[K]]) -> list[K]:
    """Hidden parts that subtraction would give away: empty after `protect` (used by the tests)."""
    found = []
    for total_key, part_keys in lines:
        if shares[total_key].suppressed is None:
            hidden = [key for key in part_keys if is_hidden(shares[key])]
            if len(hidden) == 1:
                found += hidden
    return found
