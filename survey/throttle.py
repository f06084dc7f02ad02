"""Slowing down a client that keeps sending links that fail their check (guessing or tampering with tokens),
without storing anything about it in the database: counts live in this process's memory only, for a minute."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque

FREE_FAILURES = 10
"""Failed checks a minute that cost nothing: a person mistyping a card code, or a tablet's stale link."""
WINDOW_SECONDS = 60.0
MAX_DELAY_SECONDS = 4.0
ADDRESSES = 10_000
"""The most addresses remembered at once; the longest quiet one is forgotten first."""


class FailedChecks:
    """Per address, the times of its recent failed link checks; past FREE_FAILURES in a minute, each further failed
    check waits before it is answered, twice as long each time up to MAX_DELAY_SECONDS. A guess costs the guesser
    time; the answer and the status stay the same, so a person who mistypes is never locked out."""

    def __init__(
        self,
        *,
        free: int = FREE_FAILURES,
        window: float = WINDOW_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        addresses: int = ADDRESSES,
    ) -> None:
        self.free, self.window, self.max_delay, self.addresses = free, window, max_delay, addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def delay_after_failure(self, address: str, now: float | None = None) -> float:
        """Record a failed check from `address`; how long its answer should wait."""
        now = time.monotonic() if now is None else now
        times = self._failures.pop(address, None) or deque()
        while times and now - times[0] > self.window:
            times.popleft()
        times.append(now)
        self._failures[address] = times
        while len(self._failures) > self.addresses:
            self._failures.popitem(last=False)
        over = len(times) - self.free
        return 0.0 if over <= 0 else min(self.max_delay, 0.125 * 2 ** (over - 1))

    async def failed(self, address: str) -> None:
        delay = self.delay_after_failure(address)
        if delay:
            await asyncio.sleep(delay)
