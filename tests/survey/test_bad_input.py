"""Inputs the fuzzer (tests/faults/test_fuzz.py) found answered with a 500, each refused now where it comes in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Kiosk, RedeemedToken, Response, TokenBatch
from survey.services.imports import ImportRejected, import_responses, import_rikssnitt
from tests.factories import add_unit, add_user, open_round, post_form, sign_in, tokens


async def test_a_made_up_link_that_no_cookie_path_can_hold_gets_the_problem_page_and_no_cookie(client):
    """Before: the page deleting the link's cookies put the made-up text into Set-Cookie's Path and failed to
    encode it (a `;` would have added cookie attributes)."""
    for made_up in ("%F1%81%BC%95", "abc%3B%20Path%3D%2F", "%C3%96TT"):
        reply = await client.get(f"/s/{made_up}")
        assert reply.status_code == 400, made_up
        assert "<html lang=" in reply.text
        assert not reply.headers.get_list("set-cookie"), made_up


async def test_an_id_past_the_id_columns_range_is_not_found(client, platform, session):
    """Before: SQLite could not bind 10**30 and PostgreSQL's int4 overflowed, both as a 500."""
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    for huge in (2**31, 10**30, -(2**31)):
        reply = await post_form(client, f"/staff/users/{huge}/deactivate")
        assert reply.status_code == 404, (huge, reply.text[:200])
    reply = await post_form(client, f"/staff/users/{2**31 - 1}/deactivate")
    assert reply.status_code == 404, "the largest id is looked up, and names no user"


async def test_a_nul_in_a_body_or_an_address_is_refused_before_it_reaches_the_database(client, platform, session):
    """Before: PostgreSQL refused NUL in text with an error the app answered with a 500, after the token was
    checked; now nothing is tried, and nothing stored."""
    await open_round(session)
    (token,) = await tokens(platform, session)
    body = '{"answers": {"kontakt": "mycket_latt\\u0000"}, "submission_key": "' + "k" * 24 + '"}'
    reply = await client.post(f"/api/v1/survey/{token}", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 400 and "NUL" in reply.json()["detail"]
    reply = await client.post(f"/s/{token}/1", content=b"answer=a%00b&nav=next",
                              headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert reply.status_code == 400
    assert (await client.get("/s/made%00up")).status_code == 404
    for table in (Response, Answer, RedeemedToken):
        assert await session.scalar(select(func.count()).select_from(table)) == 0
    reply = await client.post(f"/api/v1/survey/{token}", json={"answers": {"kontakt": "mycket_latt"}})
    assert reply.status_code == 201, "the same link still works with a clean body"


async def test_a_refused_respondent_request_gets_a_page_in_the_respondents_language(client, platform, session):
    """Too large, unparseable or with a NUL: the respondent sees, in their language, that nothing was stored; the
    API keeps its JSON problem document."""
    await open_round(session)
    (token,) = await tokens(platform, session)
    form = {"content-type": "application/x-www-form-urlencoded"}
    for body, status in ((b"answer=a%00b", 400), (b"answer=" + b"x" * 70_000, 413)):
        reply = await client.post(f"/s/{token}/1", content=body, headers={**form, "cookie": "lang=en"})
        assert reply.status_code == status
        assert reply.headers["content-type"].startswith("text/html")
        assert '<html lang="en"' in reply.text and "Svaren" not in reply.text
    reply = await client.post(f"/api/v1/survey/{token}", content=b"{" * 70_000, headers={**form})
    assert reply.status_code == 413 and reply.json()["status_code"] == 413
    assert await session.scalar(select(func.count()).select_from(Response)) == 0


async def test_a_share_that_is_not_a_number_and_a_superscript_digit_are_reported_not_crashed_on(platform, session):
    """Before: `Decimal("NaN")` cannot be compared with a range, and `"²".isdigit()` is true while `int("²")` fails."""
    await open_round(session)
    text = "question,area,share,valid\nkontakt,IFO-totalt,NaN,10\nnojd,IFO-totalt,80,²\n"
    with pytest.raises(ImportRejected) as rejected:
        await import_rikssnitt(session, platform.questionnaires, round_key="ifo-2026", text=text)
    problems = " ".join(rejected.value.problems)
    assert "'NaN' must be a percentage" in problems and "valid '²'" in problems


async def test_a_number_past_what_a_column_holds_is_refused_as_input(client, platform, session):
    """Before: a 5000-digit unit or count made `int()` itself fail, and a unit id past int4 failed on PostgreSQL's
    bind, both as a 500; now each is the form's own message, and nothing is written."""
    await open_round(session)
    hvb = await add_unit(session)
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    assert (await post_form(client, "/staff/rounds/ifo-2026/join", {"units": str(hvb.id)})).status_code == 303
    for huge in (str(2**31), "9" * 5000):
        for path in ("/staff/rounds/ifo-2026/batches", "/staff/rounds/ifo-2026/kiosks"):
            reply = await post_form(client, path, {"unit": huge, "count": "3"})
            assert reply.status_code == 400 and "Välj en enhet" in reply.text, (path, huge[:12])
        reply = await post_form(client, "/staff/rounds/ifo-2026/batches", {"unit": str(hvb.id), "count": huge})
        assert reply.status_code == 400 and "Skriv hur många kort" in reply.text
        reply = await post_form(client, "/staff/rounds/ifo-2026/join", {"units": huge})
        assert reply.status_code == 303, "a unit that cannot exist is not joined, as one not ticked"
    assert await session.scalar(select(func.count()).select_from(TokenBatch)) == 0
    assert await session.scalar(select(func.count()).select_from(Kiosk)) == 0


async def test_a_number_past_what_a_column_holds_is_a_problem_of_the_imported_file(platform, session):
    """Before: the 5000-digit code and count failed in `int()`, the 2**31 count in PostgreSQL's int4, as a 500."""
    await open_round(session)
    for huge in (str(2**31), "9" * 5000):
        text = f"question,area,share,valid\nkontakt,IFO-totalt,80,{huge}\n"
        with pytest.raises(ImportRejected) as rejected:
            await import_rikssnitt(session, platform.questionnaires, round_key="ifo-2026", text=text)
        assert "must be a whole number of answers" in " ".join(rejected.value.problems)
        text = f"municipality,area,kontakt\n2085,vardnadshavare,{huge}\n"
        with pytest.raises(ImportRejected) as rejected:
            await import_responses(session, platform.questionnaires, round_key="ifo-2026", text=text)
        assert "is not a code of this question" in " ".join(rejected.value.problems)
    assert await session.scalar(select(func.count()).select_from(Response)) == 0
