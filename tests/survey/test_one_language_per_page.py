"""No Swedish in the middle of a survey: every respondent page, shown in each offered language, has no visible
string left as it reads on the Swedish page (the same page, the same answers).

Strings that are the same in every language are listed in SAME_EVERYWHERE with the reason.
"""

from __future__ import annotations

import html
import re

import pytest

from questionnaires import QuestionKind, Questionnaire, load_shipped
from survey.i18n import Catalogs
from tests.factories import open_round, tokens

CATALOGS = Catalogs()
CASES = [
    pytest.param(questionnaire, language, id=f"{ident}-{language.code}")
    for ident, questionnaire in sorted(load_shipped().items())
    for language in CATALOGS.offered_for(questionnaire)
    if language.cldr != "sv"  # lättläst svenska shares words with Swedish by design
]
SAME_EVERYWHERE = {language.name for language in CATALOGS.languages.values()} | {
    "Brukarenkät",  # the service's name, kept as a name by some translations
    "Digg",
    "www.digg.se",
}
SAME_IN = {"en": {"Man"}}
"""Words one language shares with Swedish."""
TEXT = re.compile(r">([^<>]+)<")


def visible_strings(page: str) -> set[str]:
    """The text between tags (no scripts or styles), each trimmed; only strings with two letters or more."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    strings = {html.unescape(match).strip() for match in TEXT.findall(page)}
    return {s for s in strings if sum(c.isalpha() for c in s) >= 2}


async def _pages(client, q: Questionnaire, token: str, lang: str, tag: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every page a respondent sees on one link, in one language, with the same answers given; the browser asks
    for that language too (a broken link has no language cookie, so the browser's wish is all there is)."""
    client.headers["accept-language"] = tag
    await client.get(f"/s/{token}?lang={lang}")
    pages = {"welcome": (await client.get(f"/s/{token}")).text}
    for number, question in enumerate(q.questions, start=1):
        pages[f"question {number}"] = (await client.get(f"/s/{token}/{number}")).text
        answer = "1234" if question.kind is QuestionKind.TEXT else question.scale.options[0].key
        await client.post(f"/s/{token}/{number}", data={"answer": answer})
    pages["review"] = (await client.get(f"/s/{token}/review")).text
    pages["statement"] = (await client.get(f"/s/{token}/tillganglighet?fran=2")).text
    await client.post(f"/s/{token}/submit")
    pages["thanks"] = (await client.get(f"/s/{token}/thanks")).text
    pages["already answered"] = (await client.get(f"/s/{token}")).text
    pages["tampered link"] = (await client.get(f"/s/{token}x")).text
    pages["home"] = (await client.get(f"/tillganglighet?lang={lang}")).text
    return pages


@pytest.mark.parametrize(("questionnaire", "language"), CASES)
async def test_no_page_shows_a_swedish_string_in_another_language(
    client, platform, session, questionnaire, language
) -> None:
    await open_round(session, questionnaire=questionnaire)
    area = questionnaire.areas[0].key
    swedish_token, token = await tokens(platform, session, count=2, area=area)
    swedish = await _pages(client, questionnaire, swedish_token, "sv", "sv")
    translated = await _pages(client, questionnaire, token, language.code, language.tag)
    same = SAME_EVERYWHERE | SAME_IN.get(language.code, set())
    left = {
        name: sorted((visible_strings(page) & visible_strings(swedish[name])) - same)
        for name, page in translated.items()
    }
    assert {name: strings for name, strings in left.items() if strings} == {}
    assert f'lang="{language.tag}"' in translated["question 1"]
