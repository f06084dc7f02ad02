"""Server-rendered pages: one Jinja environment per language, each with its own gettext catalogs."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from survey.i18n import Catalogs


class Pages:
    def __init__(self, catalogs: Catalogs) -> None:
        self._environments = {code: self._environment(catalogs, code) for code in catalogs.languages}
        self._staff = {code: self._environment(catalogs, code, staff=True) for code in catalogs.languages}

    @staticmethod
    def _environment(catalogs: Catalogs, code: str, *, staff: bool = False) -> Environment:
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
        )
        return environment

    def render(self, template: str, *, locale: str, **context: Any) -> str:
        environments = self._staff if template.startswith("staff/") else self._environments
        return environments[locale].get_template(template).render(locale=locale, **context)
