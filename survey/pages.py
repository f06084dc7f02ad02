"""Server-rendered pages: one Jinja environment per language, each with its own gettext catalogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from survey.audio import AudioIndex
from survey.i18n import Catalogs


class Pages:
    def __init__(self, catalogs: Catalogs, audio: AudioIndex | None = None) -> None:
        audio = AudioIndex() if audio is None else audio
        self._environments = {code: self._environment(catalogs, audio, code) for code in catalogs.languages}
        self._staff = {code: self._environment(catalogs, audio, code, staff=True) for code in catalogs.languages}

    @staticmethod
    def _environment(catalogs: Catalogs, audio: AudioIndex, code: str, *, staff: bool = False) -> Environment:
        environment = Environment(
            loader=PackageLoader("survey", "templates"),
            autoescape=select_autoescape(default=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        ui = catalogs.staff(code) if staff else catalogs.messages(code)
        environment.install_gettext_translations(ui, newstyle=True)  # type: ignore[attr-defined]
        questionnaire_texts = catalogs.questionnaire_gettext(code)
        language = catalogs.languages[code]
        environment.globals.update(
            lang=language.tag,
            dir=language.direction,
            qt=questionnaire_texts.pgettext,
            recording=_recording(audio, code),
        )
        return environment

    def render(self, template: str, *, locale: str, **context: Any) -> str:
        environments = self._staff if template.startswith("staff/") else self._environments
        return environments[locale].get_template(template).render(locale=locale, **context)


def _recording(audio: AudioIndex, code: str) -> Callable[[str], Markup]:
    """`recording("ifo:kontakt")` in a template: ` data-audio="<urls>"` for the element holding that text when a
    recording of it exists in this language (read-aloud.js plays it), else nothing."""

    def attribute(context: str) -> Markup:
        urls = audio.urls_for_context(code, context)
        return Markup(' data-audio="{}"').format(" ".join(urls)) if urls else Markup("")

    return attribute
