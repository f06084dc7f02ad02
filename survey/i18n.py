"""Languages: which are enabled and complete, locale negotiation, gettext per request, text direction.

Catalogs are compiled from the .po files in memory at start-up, so there are no generated .mo files to
forget; fuzzy entries are left out, as gettext would.
"""

from __future__ import annotations

import gettext
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from questionnaires import Questionnaire
from questionnaires.extract import respondent_texts

SOURCE_LOCALE = "sv"
"""Both gettext domains are written in Swedish: translators in Swedish social services work from Swedish."""

DOMAINS = ("messages", "questionnaires", "staff")
"""`staff` (the staff UI) does not count towards a respondent language being complete."""


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    """What the catalogs folder, the `?lang=` choice and the cookie use: a CLDR locale (`fa_AF`), or for a
    variety CLDR does not have, a name of our own (`sv_lattlast`, lättläst svenska) with `locale` set."""
    name: str
    """The language's own name ("العربية", not "Arabic")."""
    direction: str
    """"ltr" or "rtl", from CLDR through babel; never guessed from the text."""
    locale: str = ""
    """The CLDR locale behind it: text direction, number formats and `<html lang>`; `code` when empty."""

    @property
    def cldr(self) -> str:
        return self.locale or self.code

    @property
    def tag(self) -> str:
        """The BCP 47 tag for `lang` attributes: `fa-AF`; lättläst svenska is `sv`."""
        return self.cldr.replace("_", "-")


def text_direction(code: str) -> str:
    return Locale.parse(code).text_direction


def translations_root() -> Traversable:
    """The shipped translations folder; a municipality's reviewed catalogs replace the files in it."""
    return resources.files("translations")


def enabled_languages(root: Traversable | None = None) -> list[Language]:
    root = root or translations_root()
    raw = tomllib.loads((root / "languages.toml").read_text(encoding="utf-8"))
    languages = []
    for entry in raw["languages"]:
        locale = entry.get("locale", "")
        try:
            direction = text_direction(locale or entry["code"])
        except (UnknownLocaleError, ValueError) as error:
            raise ValueError(f"languages.toml: unknown locale {locale or entry['code']!r}") from error
        languages.append(Language(code=entry["code"], name=entry["name"], direction=direction, locale=locale))
    return languages


def _read_catalog(root: Traversable, language: Language, domain: str) -> Catalog | None:
    po = root / language.code / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return None
    with po.open("rb") as handle:
        return read_po(handle, locale=language.cldr, domain=domain)


def _compile(catalog: Catalog | None) -> gettext.NullTranslations:
    if catalog is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def _translated(catalog: Catalog | None, entries: Iterable[tuple[str | None, str | tuple[str, ...]]]) -> bool:
    """Whether every (context, msgid) has a non-fuzzy translation in the catalog."""
    if catalog is None:
        return False
    for context, msgid in entries:
        message = catalog.get(msgid, context=context)
        if message is None or message.fuzzy:
            return False
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            return False
    return True


class Catalogs:
    """Compiled catalogs of every enabled language, read once when the app starts."""

    def __init__(self, root: Traversable | None = None) -> None:
        root = root or translations_root()
        self.languages = {lang.code: lang for lang in enabled_languages(root)}
        self._sources = {
            (code, d): _read_catalog(root, language, d) for code, language in self.languages.items() for d in DOMAINS
        }
        self._compiled = {key: _compile(catalog) for key, catalog in self._sources.items()}
        template = root / "messages.pot"
        with template.open("rb") as handle:
            self._ui_texts = [(m.context, m.id) for m in read_po(handle) if m.id]
        self._offered: dict[str, list[Language]] = {}
        """Catalogs do not change while the app runs, so completeness is worked out once per questionnaire."""

    def messages(self, code: str) -> gettext.NullTranslations:
        return self._compiled[(code, "messages")]

    def staff(self, code: str) -> gettext.NullTranslations:
        return self._compiled[(code, "staff")]

    def questionnaire_gettext(self, code: str) -> gettext.NullTranslations:
        return self._compiled[(code, "questionnaires")]

    def offered_for(self, questionnaire: Questionnaire) -> list[Language]:
        """Languages in which this questionnaire can be answered from the first page to the last:
        every text of the questionnaire its pages show and every string of the UI (messages.pot) translated.
        The total label of reports is not among them: a report falls back to Swedish for it."""
        if questionnaire.ident not in self._offered:
            self._offered[questionnaire.ident] = self._complete_languages(questionnaire)
        return self._offered[questionnaire.ident]

    def _complete_languages(self, questionnaire: Questionnaire) -> list[Language]:
        texts = respondent_texts(questionnaire)
        return [
            language
            for code, language in self.languages.items()
            if code == SOURCE_LOCALE
            or (
                _translated(self._sources[(code, "questionnaires")], texts)
                and _translated(self._sources[(code, "messages")], self._ui_texts)
            )
        ]


def negotiate(accept_language: str | None, offered: list[str], default: str) -> str:
    """The best of `offered` for an Accept-Language header, or `default`."""
    wanted: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag:
            wanted.append((quality, tag.strip().replace("-", "_")))
    for _, tag in sorted(wanted, key=lambda item: -item[0]):
        for code in offered:
            if tag.lower() == code.lower() or tag.split("_")[0].lower() == code.lower():
                return code
    return default if default in offered else (offered[0] if offered else default)
