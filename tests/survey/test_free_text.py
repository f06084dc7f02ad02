"""Free-text answers: analysts see them only for areas of at least five respondents, redact them, and reports
print the redacted version (DESIGN.md §3.3)."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import Answer, Response
from survey.services.report_data import render_report
from survey.services.responses import insert_response
from survey.services.rounds import get_round
from tests.factories import IFO_WITH_FREE_TEXT, add_user, open_round, post_form, sign_in

ROUND = "ifo-2026"


async def _texts(session, area: str, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    survey_round = await get_round(session, ROUND)
    for text in texts:
        await insert_response(
            session,
            IFO_WITH_FREE_TEXT,
            round_id=survey_round.id,
            kommunkod="2085",
            unit_id=None,
            area=area,
            answers={"kontakt": "ganska_latt", "ovrigt": text},
        )
    await session.commit()


async def _setup(client, platform, session) -> None:  # type: ignore[no-untyped-def]
    await open_round(session, ROUND, questionnaire=IFO_WITH_FREE_TEXT)
    await _texts(session, "ekonomiskt_bistand", [f"Bra bemötande på kontoret, svar {n}" for n in range(4)])
    await _texts(session, "ekonomiskt_bistand", ["Min handläggare Kalle Svensson ringer aldrig tillbaka"])
    await _texts(session, "missbruk", ["Jag bor på Storgatan 5 och ingen hjälper mig"] * 3)
    await add_user(platform, session, "ali@ludvika.se", "analyst")
    await sign_in(client, "ali@ludvika.se")


async def test_texts_show_only_for_areas_with_five_respondents(client, platform, session) -> None:
    await _setup(client, platform, session)
    page = (await client.get(f"/staff/rounds/{ROUND}/free-text")).text
    assert "Kalle Svensson" in page and page.count("Bra bemötande på kontoret") == 4 * 2  # quote + textarea
    assert "Storgatan" not in page
    assert "För få svarande för att visa texterna." in page


async def test_texts_are_listed_in_random_id_order_never_arrival(client, platform, session) -> None:
    await _setup(client, platform, session)
    page = (await client.get(f"/staff/rounds/{ROUND}/free-text")).text
    shown = re.findall(r'name="response" value="([0-9a-f]{32})"', page)
    assert len(shown) == 5 and shown == sorted(shown)


async def test_an_analyst_redacts_a_text_and_the_report_prints_only_the_redacted_one(client, platform, session) -> None:
    await _setup(client, platform, session)
    response_id = await session.scalar(select(Answer.response_id).where(Answer.text.like("%Kalle%")))
    saved = await post_form(
        client,
        f"/staff/rounds/{ROUND}/free-text",
        {
            "response": response_id,
            "question": "ovrigt",
            "text": "Min handläggare [namn] ringer aldrig tillbaka",
            "action": "save",
        },
        page=f"/staff/rounds/{ROUND}/free-text",
    )
    assert saved.status_code == 303
    html = (await _report(session, platform, "html")).decode()
    assert "Min handläggare [namn] ringer aldrig tillbaka" in html
    assert "Kalle" not in html and "Storgatan" not in html
    assert "Övriga synpunkter" in html
    stored = await session.scalar(
        select(Answer.text).where(Answer.response_id == response_id, Answer.question == "ovrigt")
    )
    assert "Kalle Svensson" in stored  # the answer as given is kept; only the report's version changes

    await post_form(
        client,
        f"/staff/rounds/{ROUND}/free-text",
        {"response": response_id, "question": "ovrigt", "action": "omit"},
        page=f"/staff/rounds/{ROUND}/free-text",
    )
    html = (await _report(session, platform, "html")).decode()
    assert "ringer aldrig tillbaka" not in html and "Bra bemötande på kontoret, svar 0" in html


async def test_a_text_in_an_area_below_the_threshold_cannot_be_redacted_either(client, platform, session) -> None:
    await _setup(client, platform, session)
    hidden = await session.scalar(select(Answer.response_id).where(Answer.text.like("%Storgatan%")))
    refused = await post_form(
        client,
        f"/staff/rounds/{ROUND}/free-text",
        {"response": hidden, "question": "ovrigt", "text": "x", "action": "save"},
        page=f"/staff/rounds/{ROUND}/free-text",
    )
    assert refused.status_code == 404
    assert "Storgatan" not in refused.text


async def test_a_formula_typed_by_a_respondent_stays_text_in_the_spreadsheet(client, platform, session) -> None:
    await _setup(client, platform, session)
    await _texts(session, "ekonomiskt_bistand", ['=HYPERLINK("http://example.com","klicka")'])
    book = load_workbook(io.BytesIO(await _report(session, platform, "xlsx")))
    sheet = book["Övriga synpunkter"]
    cells = [row[1] for row in sheet.iter_rows(min_row=3)]
    formula = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    assert await session.scalar(select(Response.id).limit(1)) is not None


async def _report(session, platform, format: str) -> bytes:  # type: ignore[no-untyped-def]
    return await render_report(
        session,
        platform.questionnaires,
        platform.catalogs,
        round_key=ROUND,
        kommunkod="2085",
        format=format,
        locale="sv",
    )
