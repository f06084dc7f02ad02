"""The frozen objects a questionnaire version is made of.

Keys are stable identifiers: results join across years by question, option and area key, so a key
never changes meaning. A changed wording is a new version file, never an edit of a published one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """How an option counts in "andel positiva svar"."""

    POSITIVE = "positive"
    """In the numerator and the denominator."""
    NEGATIVE = "negative"
    """In the denominator only (the change question's "Ingen skillnad" is one)."""
    EXCLUDED = "excluded"
    """Left out of the denominator: "Vet inte", "Har inte fått någon hjälp"."""
    NONE = "none"
    """Background options (kön) that are not judged at all."""


class Presentation(StrEnum):
    """How a scale is drawn on the respondent's screen; the answers and how they count are the same."""

    PLAIN = "plain"
    """A list of options with their labels (the default)."""
    SMILEYS = "smileys"
    """For children: a happy, a neutral and a sad face in that order, each with its label, and any excluded
    option ("Vet inte") as a question mark after them."""


FACES = ("happy", "neutral", "sad")
"""The faces of a smiley scale, in the order of its answer steps (options not excluded)."""
UNSURE_FACE = "unsure"
"""The picture of an excluded option ("Vet inte") on a smiley scale: a question mark, not a face."""


class QuestionKind(StrEnum):
    RATING = "rating"
    """A quality question reported as a positive share."""
    BACKGROUND = "background"
    """A question used to break results down (kön), never reported as a share."""
    INDEX = "index"
    """A numeric scale (e.g. 1–10) feeding an index such as NKI."""
    TEXT = "text"
    """Optional free text, shown to staff only under the suppression rules."""


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    code: int
    """The number printed next to the option on the paper form; used when importing paper answers."""
    label: str
    role: Role


@dataclass(frozen=True, slots=True)
class Scale:
    key: str
    options: tuple[Option, ...]
    presentation: Presentation = Presentation.PLAIN

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def option_by_code(self, code: int) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def face(self, key: str) -> str:
        """The picture of an option on a smiley scale ("happy", "neutral", "sad", "unsure"); "" otherwise.

        Faces follow the answer steps in order, so the validator's rules on a smiley scale (three steps, the
        first positive, the other two not) are what keep a sad face from ever counting as positive."""
        if self.presentation is not Presentation.SMILEYS:
            return ""
        faces = dict(zip((o.key for o in self.options if o.role is not Role.EXCLUDED), FACES, strict=False))
        return faces.get(key) or (UNSURE_FACE if self.option(key) is not None else "")


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    kind: QuestionKind
    text: str
    scale: Scale | None
    """None for free-text questions."""
    short: str = ""
    """A short label for report tables ("Få kontakt")."""
    help: str = ""
    max_length: int = 0
    """For free text: the longest answer accepted, in characters."""

    def accepts(self, value: str) -> bool:
        """Whether `value` is a possible answer: an option key, or for free text a short enough string."""
        if self.kind is QuestionKind.TEXT:
            return 0 < len(value) <= self.max_length
        return self.scale is not None and self.scale.option(value) is not None


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    """An index computed from numeric questions, e.g. NKI = (mean − 1) × 100 / (max − 1)."""

    key: str
    kind: str
    name: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    key: str
    version: int
    title: str
    intro: str
    areas: tuple[Area, ...]
    scales: tuple[Scale, ...]
    questions: tuple[Question, ...]
    indices: tuple[IndexDefinition, ...] = field(default=())
    total_label: str = "Totalt"
    """The name of the column (row) that pools every included area in results and reports: "IFO-totalt"."""

    @property
    def ident(self) -> str:
        """ "ifo@1": the questionnaire key and version, as stored on a survey round."""
        return f"{self.key}@{self.version}"

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def area(self, key: str) -> Area | None:
        return next((a for a in self.areas if a.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """The whole definition as plain data (for `questionnaires show --json` and the API).

        Background questions (kön) are listed apart from the questions that are reported as shares.
        """
        return {
            "key": self.key,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "total_label": self.total_label,
            "areas": [{"key": a.key, "name": a.name} for a in self.areas],
            "questions": [_question_dict(q) for q in self.questions if q.kind is not QuestionKind.BACKGROUND],
            "background": [_question_dict(q) for q in self.questions if q.kind is QuestionKind.BACKGROUND],
            "indices": [
                {"key": i.key, "kind": i.kind, "name": i.name, "questions": list(i.questions)} for i in self.indices
            ],
        }


def _question_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "kind": question.kind.value,
        "text": question.text,
        "short": question.short,
    }
    if question.scale is not None:
        data["scale"] = question.scale.key
        data["presentation"] = question.scale.presentation.value
        data["options"] = [
            {"key": o.key, "code": o.code, "label": o.label, "role": o.role.value} for o in question.scale.options
        ]
    if question.kind is QuestionKind.TEXT:
        data["max_length"] = question.max_length
    return data
