"""A client whose links keep failing their check is slowed down, in memory only: nothing about it is stored."""

from __future__ import annotations

import time

from survey.throttle import FailedChecks
from tests.survey.test_anonymity import _dump_every_table


def test_failures_past_the_free_ones_wait_longer_each_time_and_are_forgotten_after_the_window():
    checks = FailedChecks(free=3, window=60, max_delay=1.0)
    delays = [checks.delay_after_failure("10.0.0.1", now=float(n)) for n in range(8)]
    assert delays == [0, 0, 0, 0.125, 0.25, 0.5, 1.0, 1.0]
    assert checks.delay_after_failure("10.0.0.2", now=8.0) == 0, "another address has its own count"
    assert checks.delay_after_failure("10.0.0.1", now=200.0) == 0, "a minute later it starts again"


def test_only_so_many_addresses_are_remembered():
    checks = FailedChecks(free=1, addresses=2)
    for address in ("a", "b", "c"):
        checks.delay_after_failure(address, now=0.0)
    assert checks.delay_after_failure("a", now=1.0) == 0, "the oldest address was forgotten"


async def test_tampered_links_and_made_up_codes_are_slowed_down_and_nothing_is_stored(client, platform, session):
    before = await _dump_every_table(session)
    started = time.monotonic()
    for n in range(12):
        reply = await client.get(f"/api/v1/survey/not-a-token-{n}")
        assert reply.status_code == 400
    for n in range(2):
        assert (await client.get(f"/k/AAAA-AAAA-AAAA-AAAA{n}")).status_code == 400
    # 10 free, then 0.125 + 0.25 + 0.5 + 1 s for the 11th to 14th failure from this client
    assert time.monotonic() - started >= 1.8
    assert await _dump_every_table(session) == before
