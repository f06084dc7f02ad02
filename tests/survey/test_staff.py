"""The staff UI through HTTP, against a real database: signing in, CSRF, units, users, rounds, card batches and
the counts of answers coming in."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey.auth import SESSION_COOKIE
from survey.models import TokenBatch, Unit, User
from survey.services.users import FAILURES_BEFORE_LOCK
from tests.factories import PASSWORD, add_unit, add_user, join, open_round, post_form, sign_in


async def test_signing_in_sets_a_session_scoped_to_the_staff_pages(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "admin")
    response = await sign_in(client, "Anna@Ludvika.se ")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/"
    cookie = response.headers["set-cookie"]
    assert (
        SESSION_COOKIE in cookie
        and "Path=/staff" in cookie
        and "HttpOnly" in cookie
        and "samesite=strict" in cookie.lower()
    )
    start = await client.get("/staff/")
    assert start.status_code == 200
    assert "Anna" in start.text


async def test_a_wrong_password_says_no_more_than_that(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "admin")
    wrong = await sign_in(client, "anna@ludvika.se", "not the password at all")
    unknown = await sign_in(client, "nobody@ludvika.se", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert _error(wrong.text) == _error(unknown.text) != ""
    assert (await client.get("/staff/")).status_code == 303


def _error(page: str) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


async def test_repeated_failures_lock_the_account_even_for_the_right_password(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "admin")
    for _ in range(FAILURES_BEFORE_LOCK):
        assert (await sign_in(client, "anna@ludvika.se", "wrong password guess")).status_code == 401
    assert (await sign_in(client, "anna@ludvika.se")).status_code == 401
    user = await session.scalar(select(User).where(User.email == "anna@ludvika.se"))
    await session.refresh(user)
    assert user.locked_until is not None


async def test_logins_from_one_address_are_rate_limited(client) -> None:
    statuses = [(await sign_in(client, f"guess{n}@example.se", "wrong password guess")).status_code for n in range(25)]
    assert 429 in statuses
    assert statuses[:10] == [401] * 10


async def test_pages_need_a_session_and_forms_need_the_csrf_token(client, platform, session) -> None:
    assert (await client.get("/staff/units")).headers["location"].startswith("/staff/login")
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    refused = await client.post("/staff/units", data={"name": "HVB Solrosen"})
    assert refused.status_code == 403
    forged = await client.post("/staff/units", data={"name": "HVB Solrosen", "_csrf_token": "0" * 128})
    assert forged.status_code == 403
    assert await session.scalar(select(func.count()).select_from(Unit)) == 0
    accepted = await post_form(client, "/staff/units", {"name": "HVB Notgårdshemmet", "area": "ensamkommande"})
    assert accepted.status_code == 303
    unit = await session.scalar(select(Unit))
    assert (unit.kommunkod, unit.key, unit.name) == ("2085", "hvb_notgardshemmet", "HVB Notgårdshemmet")


async def test_a_session_ends_when_the_account_is_closed(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "admin")
    bo = await add_user(platform, session, "bo@ludvika.se", "analyst")
    await sign_in(client, "bo@ludvika.se")
    assert (await client.get("/staff/rounds")).status_code == 200
    bo_session = client.cookies[SESSION_COOKIE]
    await sign_in(client, "anna@ludvika.se")
    closed = await post_form(client, f"/staff/users/{bo.id}/deactivate", page="/staff/users")
    assert closed.status_code == 303
    client.cookies.set(SESSION_COOKIE, bo_session, path="/staff")
    assert (await client.get("/staff/rounds")).status_code == 303
    assert (await sign_in(client, "bo@ludvika.se")).status_code == 401


async def test_logging_out_ends_the_session_even_for_a_copied_cookie(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    copied = client.cookies[SESSION_COOKIE]
    out = await post_form(client, "/staff/logout")
    assert out.status_code == 303 and out.headers["location"] == "/staff/login"
    client.cookies.set(SESSION_COOKIE, copied, path="/staff")
    assert (await client.get("/staff/rounds")).status_code == 303


async def test_an_admin_creates_unit_staff_tied_to_a_unit(client, platform, session) -> None:
    unit = await add_unit(session)
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    created = await post_form(
        client,
        "/staff/users",
        {
            "name": "Eva",
            "email": "eva@ludvika.se",
            "role": "unit_staff",
            "units": str(unit.id),
            "password": "eva's first password",
        },
        page="/staff/users",
    )
    assert created.status_code == 303
    users = (await client.get("/staff/users")).text
    assert "eva@ludvika.se" in users and "Personal på enhet" in users
    short = await post_form(
        client,
        "/staff/users",
        {"name": "Kort", "email": "kort@ludvika.se", "role": "analyst", "password": "short"},
        page="/staff/users",
    )
    assert short.status_code == 400
    assert "minst 12 tecken" in short.text


async def test_an_admin_joins_units_mints_cards_and_sees_answers_come_in(client, platform, session) -> None:
    await open_round(session)
    hvb = await add_unit(session)
    office = await add_unit(session, key="ekonomiskt_bistand", name="Ekonomiskt bistånd")
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    not_joined = await post_form(
        client, "/staff/rounds/ifo-2026/batches", {"unit": str(hvb.id), "area": "ungdomar", "count": "3"}
    )
    assert not_joined.status_code == 400
    joined = await post_form(client, "/staff/rounds/ifo-2026/join", {"units": str(hvb.id)})
    assert joined.status_code == 303
    too_many = await post_form(client, "/staff/rounds/ifo-2026/batches", {"unit": f"{hvb.id}:ungdomar", "count": "501"})
    assert too_many.status_code == 400 and "1 till 500 kort" in too_many.text
    minted = await post_form(
        client, "/staff/rounds/ifo-2026/batches", {"unit": str(hvb.id), "area": "ungdomar", "count": "3"}
    )
    assert minted.status_code == 303
    batch = await session.scalar(select(TokenBatch))
    assert (batch.unit_id, batch.area, batch.size, batch.handed_out, batch.kind) == (hvb.id, "ungdomar", 3, 3, "cards")
    assert office.id != hvb.id

    pdf = await client.get(f"/staff/batches/{batch.id}/cards.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    codes = [platform.card_codes.code(batch.id, index) for index in range(3)]
    for code in codes[:2]:
        await _answer_by_code(client, code)
    page = (await client.get("/staff/rounds/ifo-2026")).text
    assert "Utdelade: 3 · Svar: 2" in page and "67 %" in page

    counted = await post_form(client, f"/staff/batches/{batch.id}/handed-out", {"handed_out": "2"})
    assert counted.status_code == 303
    assert "Utdelade: 2 · Svar: 2" in (await client.get("/staff/rounds/ifo-2026")).text
    voided = await post_form(client, f"/staff/batches/{batch.id}/void")
    assert voided.status_code == 303
    refused = await client.get(f"/k/{codes[2].replace('-', '')}", follow_redirects=True)  # a voided card
    assert refused.status_code == 410


async def _answer_by_code(client, code: str) -> None:  # type: ignore[no-untyped-def]
    """A respondent types the card's code on the home page and answers one question."""
    typed = await client.post("/kod", data={"code": code.lower().replace("-", " ")})
    assert typed.status_code == 303
    survey = typed.headers["location"]
    await client.post(f"{survey}/1", data={"answer": "ja_mycket"})
    submitted = await client.post(f"{survey}/submit")
    assert submitted.status_code == 303 and submitted.headers["location"].endswith("/thanks")


async def test_a_mistyped_code_asks_again_and_reveals_nothing(client, platform, session) -> None:
    page = await client.post("/kod", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert page.status_code == 400
    assert "Koden stämmer inte" in page.text


async def test_unit_staff_see_only_their_own_units(client, platform, session) -> None:
    await open_round(session)
    mine = await add_unit(session)
    theirs = await add_unit(session, key="kallan", name="Missbruksenheten Källan")
    await join(session, "ifo-2026", "2085", [mine.id, theirs.id])
    await add_user(platform, session, "eva@ludvika.se", "unit_staff", unit_ids=(mine.id,))
    await sign_in(client, "eva@ludvika.se")
    own = await post_form(
        client, "/staff/rounds/ifo-2026/batches", {"unit": str(mine.id), "area": "ungdomar", "count": "2"}
    )
    assert own.status_code == 303
    other = await post_form(
        client, "/staff/rounds/ifo-2026/batches", {"unit": str(theirs.id), "area": "ungdomar", "count": "2"}
    )
    assert other.status_code == 404
    page = (await client.get("/staff/rounds/ifo-2026")).text
    assert "HVB Solrosen" in page and "Källan" not in page
    assert (await client.get("/staff/units")).status_code == 403
    assert PASSWORD not in page


async def test_a_member_changes_their_password_and_other_sessions_end(client, platform, session) -> None:
    await add_user(platform, session, "anna@ludvika.se", "unit_staff")
    await sign_in(client, "anna@ludvika.se")
    other_device = client.cookies[SESSION_COOKIE]
    wrong = await post_form(
        client,
        "/staff/password",
        {"current": "not my password", "new": "a brand new passphrase", "repeated": "a brand new passphrase"},
        page="/staff/password",
    )
    assert wrong.status_code == 400 and "nuvarande lösenordet stämmer inte" in wrong.text
    changed = await post_form(
        client,
        "/staff/password",
        {"current": PASSWORD, "new": "a brand new passphrase", "repeated": "a brand new passphrase"},
        page="/staff/password",
    )
    assert changed.status_code == 303
    assert (await client.get("/staff/password")).status_code == 200  # this device got a fresh session
    client.cookies.set(SESSION_COOKIE, other_device, path="/staff")
    assert (await client.get("/staff/rounds")).status_code == 303
    assert (await sign_in(client, "anna@ludvika.se")).status_code == 401
    assert (await sign_in(client, "anna@ludvika.se", "a brand new passphrase")).status_code == 303


async def test_an_admin_renames_a_unit_and_resets_a_forgotten_password(client, platform, session) -> None:
    unit_id = (await add_unit(session)).id
    await add_user(platform, session, "anna@ludvika.se", "admin")
    bo_id = (await add_user(platform, session, "bo@ludvika.se", "analyst")).id
    for _ in range(FAILURES_BEFORE_LOCK):
        await sign_in(client, "bo@ludvika.se", "a forgotten password")
    await sign_in(client, "anna@ludvika.se")
    renamed = await post_form(
        client, f"/staff/units/{unit_id}", {"name": "HVB Solrosen Norra", "area": "ensamkommande"}, page="/staff/units"
    )
    assert renamed.status_code == 303
    session.expire_all()
    edited = await session.get(Unit, unit_id)
    assert (edited.name, edited.area, edited.key) == ("HVB Solrosen Norra", "ensamkommande", "hvb_solrosen")
    reset = await post_form(
        client, f"/staff/users/{bo_id}/password", {"password": "a new first password"}, page="/staff/users"
    )
    assert reset.status_code == 303
    await post_form(client, "/staff/logout")
    assert (await sign_in(client, "bo@ludvika.se", "a new first password")).status_code == 303
