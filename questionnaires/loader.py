"""Read questionnaire TOML files into frozen `Questionnaire` objects, refusing any file with a problem."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from questionnaires.model import (
    Area,
    IndexDefinition,
    Option,
    Presentation,
    Question,
    QuestionKind,
    Questionnaire,
    Role,
    Scale,
)
from questionnaires.validator import validate


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; `problems` lists every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def parse(raw: dict[str, Any], *, source: str = "<data>") -> Questionnaire:
    """Build a questionnaire from raw TOML data, or raise `QuestionnaireError` listing every problem."""
    problems = validate(raw)
    if problems:
        raise QuestionnaireError(source, problems)
    scales = {key: _scale(key, data) for key, data in raw["scales"].items()}
    return Questionnaire(
        key=raw["key"],
        version=raw["version"],
        title=raw["title"].strip(),
        intro=raw["intro"].strip(),
        areas=tuple(Area(key=a["key"], name=a["name"]) for a in raw["areas"]),
        total_label=raw.get("total_label", "Totalt").strip(),
        scales=tuple(scales.values()),
        questions=tuple(_question(q, scales) for q in raw["questions"]),
        indices=tuple(
            IndexDefinition(key=i["key"], kind=i["kind"], name=i["name"], questions=tuple(i["questions"]))
            for i in raw.get("indices", [])
        ),
    )


def load_file(path: Path) -> Questionnaire:
    """Load one version file; its name must be `<key>-<version>.toml` so a file cannot hide another version."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise QuestionnaireError(path.name, [f"not valid TOML: {error}"]) from error
    questionnaire = parse(raw, source=path.name)
    expected = f"{questionnaire.key}-{questionnaire.version}.toml"
    if path.name != expected:
        raise QuestionnaireError(path.name, [f"file name must be {expected!r} for key and version inside it"])
    return questionnaire


def shipped_files() -> list[Path]:
    """The questionnaire version files that ship with the platform."""
    folder = resources.files("questionnaires") / "definitions"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".toml"))


def load_shipped() -> dict[str, Questionnaire]:
    """Every shipped questionnaire version, keyed by its ident (`ifo@1`)."""
    loaded = (load_file(path) for path in shipped_files())
    return {q.ident: q for q in loaded}


def _scale(key: str, data: dict[str, Any]) -> Scale:
    options = tuple(
        Option(key=o["key"], code=o["code"], label=o["label"], role=Role(o.get("role", "none")))
        for o in data["options"]
    )
    return Scale(key=key, options=options, presentation=Presentation(data.get("presentation", "plain")))


def _question(data: dict[str, Any], scales: dict[str, Scale]) -> Question:
    return Question(
        key=data["key"],
        kind=QuestionKind(data["kind"]),
        text=data["text"].strip(),
        scale=scales.get(data.get("scale", "")),
        short=data.get("short", ""),
        help=data.get("help", ""),
        max_length=data.get("max_length", 0),
    )
