"""Every GET route of the API, generated from the app's route table, with one municipality's key and another
municipality's names in every parameter: 401 without a key, 403 for another municipality's results, report or
focus, and never another municipality's responses or free text; the `*` key reads every aggregate."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient

from survey.app import create_app
from survey.config import Settings
from tests.conftest import SECRET
from tests.survey.test_staff_isolation import FOREIGN, MARKERS, _two_municipalities

HOME_KEY = "ludvika-key-0123456789abcdef"
NATIONAL_KEY = "national-key-0123456789abcdef"
API = "/api/v1"
FOREIGN_PARAMETERS = {
    "round": "ifo-2026",
    "municipality": FOREIGN,
    "area": "ungdomar",
    "question": "kontakt",
    "group": "lan",
    "format": "json",
}
"""Query values naming the other municipality wherever a parameter can name one."""
PATH_VALUES = {"ident": "ifo@2", "token": "not-a-token"}


def api_get_routes() -> list[tuple[str, list[str]]]:
    """(path, required query parameters) of every GET route under /api/v1, read from the app itself."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:////tmp/brukarenkat-route-table.db", secret_key=SECRET))
    found = []
    for route in app.routes:
        if not route.path.startswith(API) or "schema" in route.path:
            continue
        handler = getattr(route, "route_handler_map", {}).get("GET")
        if handler is None:
            continue
        parameters = [name for name in handler[0].parsed_fn_signature.parameters if name in FOREIGN_PARAMETERS]
        found.append((route.path, parameters))
    return sorted(found)


ROUTES = api_get_routes()


def test_the_generator_finds_the_results_and_comparison_routes() -> None:
    paths = {path for path, _ in ROUTES}
    assert {f"{API}/results", f"{API}/report", f"{API}/compare"} <= paths


def _url(path: str, parameters: list[str]) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace(f"{{{name}:str}}", value)
    query = "&".join(f"{name}={FOREIGN_PARAMETERS[name]}" for name in parameters)
    return f"{path}?{query}" if query else path


async def test_no_api_route_gives_one_municipality_anothers_rows(settings, platform, session) -> None:
    foreign = await _two_municipalities(platform, session)
    keyed = replace(settings, api_keys=f"2085:{HOME_KEY}, *:{NATIONAL_KEY}")
    failures = []
    async with AsyncTestClient(app=create_app(keyed), base_url="http://testserver.local") as client:
        for path, parameters in ROUTES:
            url = _url(path, parameters)
            home = await client.get(url, headers={"authorization": f"Bearer {HOME_KEY}"})
            if "municipality" in parameters and home.status_code != 403:
                failures.append(f"{url}: Ludvika's key got {home.status_code} for Göteborg")
            leaked = [m for m in (*MARKERS, *foreign.response_ids) if m in home.text]
            if leaked:
                failures.append(f"{url}: shows {leaked}")
            national = await client.get(url, headers={"authorization": f"Bearer {NATIONAL_KEY}"})
            if national.status_code >= 500:
                failures.append(f"{url}: the national key got {national.status_code}")
            if any(m in national.text for m in (MARKERS[3], *foreign.response_ids)):
                failures.append(f"{url}: the national key sees answers or free text")
        # without a focus of its own choosing, Ludvika's key compares Ludvika, and sees Göteborg as an aggregate
        own = await client.get(
            f"{API}/compare?round=ifo-2026&area=ungdomar&question=kontakt",
            headers={"authorization": f"Bearer {HOME_KEY}"},
        )
        goteborg = next(m for m in own.json()["municipalities"] if m["kommunkod"] == FOREIGN)
        assert (goteborg["valid"], goteborg["percent"], goteborg["focus"]) == (6, 100, False)
        assert (await client.get(f"{API}/compare?round=ifo-2026&question=kontakt")).status_code == 401
    assert failures == []


@pytest.mark.parametrize("key", [HOME_KEY, NATIONAL_KEY])
async def test_a_municipality_below_the_threshold_is_only_a_name(settings, platform, session, key) -> None:
    await _two_municipalities(platform, session)
    keyed = replace(settings, api_keys=f"2085:{HOME_KEY}, *:{NATIONAL_KEY}")
    async with AsyncTestClient(app=create_app(keyed), base_url="http://testserver.local") as client:
        reply = await client.get(
            f"{API}/compare?round=ifo-2026&area=vardnadshavare&question=kontakt",
            headers={"authorization": f"Bearer {key}"},
        )
    assert reply.status_code == 200
    goteborg = next(m for m in reply.json()["municipalities"] if m["kommunkod"] == FOREIGN)
    assert goteborg["too_few_answers"], "Göteborg has no vårdnadshavare: listed as too few, with no figure"
    assert {goteborg[k] for k in ("share", "percent", "valid", "ci_low", "ci_high", "rank", "position")} == {None}
