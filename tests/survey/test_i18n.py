"""Languages: offered only when complete, chosen by the respondent or their browser, direction from CLDR."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from questionnaires import load_shipped
from survey.i18n import Catalogs, negotiate, text_direction, translations_root
from tests.factories import IFO, open_round, tokens

ROOT = Path(__file__).parent.parent.parent


def test_direction_comes_from_the_locale():
    assert text_direction("sv") == "ltr"
    assert text_direction("ar") == "rtl"
    assert text_direction("fa_AF") == "rtl"  # Dari: babel has no "prs"
    assert text_direction("ti") == "ltr"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("en-GB,en;q=0.9", "en"), ("de-DE, sv;q=0.5", "sv"), ("ar", "sv"), ("", "sv"), ("en;q=0.1, sv;q=0.9", "sv")],
)
def test_negotiation_picks_the_best_offered_language(header, expected):
    assert negotiate(header, ["sv", "en"], "sv") == expected


ENABLED = ["sv", "sv_lattlast", "en", "ar", "so", "fa_AF", "fa", "ti", "fi", "se"]


def test_ten_languages_are_enabled_each_in_its_own_name_and_direction():
    languages = Catalogs().languages
    assert list(languages) == ENABLED
    assert (
        languages["fa_AF"].name == "دری" and languages["fa_AF"].direction == "rtl" and languages["fa_AF"].tag == "fa-AF"
    )
    assert languages["sv_lattlast"].tag == "sv" and languages["ti"].name == "ትግርኛ"


def test_every_enabled_language_is_offered_for_ifo_when_complete():
    assert [language.code for language in Catalogs().offered_for(IFO)] == ENABLED


def test_every_shipped_questionnaire_is_offered_in_every_enabled_language():
    """barn@1 and placerad@1 as much as ifo: their texts are translated (as drafts) into every language."""
    catalogs = Catalogs()
    for ident, questionnaire in load_shipped().items():
        assert [language.code for language in catalogs.offered_for(questionnaire)] == ENABLED, ident


def _translations_with(tmp_path: Path, domain: str, change: Callable[[Catalog], None]) -> Path:
    """A copy of the shipped translations with one change made to the English catalog of `domain`."""
    root = tmp_path / "translations"
    shutil.copytree(Path(str(translations_root())), root)
    po = root / "en" / "LC_MESSAGES" / f"{domain}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    change(catalog)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return root


def test_a_language_missing_one_questionnaire_text_is_not_offered(tmp_path: Path):
    def blank(catalog: Catalog) -> None:
        catalog.get("Ingen skillnad", context="ifo:forandring.ingen_skillnad").string = ""

    root = _translations_with(tmp_path, "questionnaires", blank)
    assert [language.code for language in Catalogs(root).offered_for(IFO)] == [c for c in ENABLED if c != "en"]


def test_a_fuzzy_ui_string_keeps_the_language_from_being_offered(tmp_path: Path):
    root = _translations_with(tmp_path, "messages", lambda catalog: catalog.get("Nästa").flags.add("fuzzy"))
    assert [language.code for language in Catalogs(root).offered_for(IFO)] == [c for c in ENABLED if c != "en"]


def test_an_untranslated_staff_page_does_not_hold_back_a_respondent_language(tmp_path: Path):
    """The staff UI is its own domain: a language respondents can use needs none of its strings."""

    def blank_all(catalog: Catalog) -> None:
        for message in catalog:
            if message.id:
                message.string = ""

    root = _translations_with(tmp_path, "staff", blank_all)
    assert [language.code for language in Catalogs(root).offered_for(IFO)] == ENABLED


def test_the_message_templates_are_up_to_date_with_the_code(tmp_path: Path):
    """Fails when a string was added to a template or to Python without running `make messages`."""
    for config, template in (
        ("babel.cfg", "messages.pot"),
        ("babel-questionnaires.cfg", "questionnaires.pot"),
        ("babel-staff.cfg", "staff.pot"),
    ):
        fresh = tmp_path / template
        command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", config, "-k", "N_"]
        subprocess.run([*command, "-o", str(fresh), "."], cwd=ROOT, check=True, capture_output=True)
        with fresh.open("rb") as handle:
            current = {(m.context, m.id) for m in read_po(handle) if m.id}
        with (ROOT / "translations" / template).open("rb") as handle:
            shipped = {(m.context, m.id) for m in read_po(handle) if m.id}
        assert current == shipped, f"run `make messages`: {template} differs by {current ^ shipped}"


async def test_the_browser_language_is_used_and_the_respondent_can_switch(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    english = await client.get(f"/s/{token}", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en" dir="ltr">' in english.text
    assert "What do you think of social services?" in english.text

    switched = await client.get(f"/s/{token}?lang=sv", headers={"accept-language": "en"})
    assert switched.status_code == 303
    question = await client.get(f"/s/{token}/7", headers={"accept-language": "en"})
    assert '<html lang="sv"' in question.text
    assert "Ingen skillnad" in question.text

    await client.get(f"/s/{token}?lang=en")
    question = await client.get(f"/s/{token}/7")
    assert "No difference" in question.text and "Question 7 of 8" in question.text
    assert (await client.get(f"/s/{token}?lang=xx")).status_code == 200, "an unknown language is ignored"


async def test_the_chosen_language_stays_with_the_link_not_the_device(client, platform, session):
    await open_round(session)
    first, second = await tokens(platform, session, count=2)
    chosen = await client.get(f"/s/{first}?lang=en")
    assert f"Path=/s/{first}" in chosen.headers["set-cookie"]
    assert "Question 1 of 8" in (await client.get(f"/s/{first}/1")).text
    submitted = await client.post(f"/s/{first}/submit")
    assert "Thank you for your answers!" in (await client.get(submitted.headers["location"])).text
    assert "Fråga 1 av 8" in (await client.get(f"/s/{second}/1")).text, "the next respondent starts in Swedish"
