"""The municipality register, loaded by the first migration."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from survey.models import Municipality


async def test_all_290_municipalities_are_loaded_with_their_lan(session):
    municipalities = list(await session.scalars(select(Municipality)))
    assert len(municipalities) == 290  # SCB: Sweden has had 290 kommuner since 2003 (Knivsta)
    assert all(m.kommunkod[:2] == m.lan_code for m in municipalities)
    per_lan = Counter(m.lan_name for m in municipalities)
    assert len(per_lan) == 21
    assert per_lan["Västra Götalands län"] == 49 and per_lan["Gotlands län"] == 1
    ludvika = await session.get(Municipality, "2085")
    assert (ludvika.name, ludvika.lan_name) == ("Ludvika", "Dalarnas län")
