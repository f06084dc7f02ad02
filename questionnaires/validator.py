"""Check a questionnaire's raw TOML data and list every problem, not just the first.

Works on the raw mapping (not the frozen objects) so that it can also report what would stop the objects
from being built: a misspelt field, an unknown role, a scale that does not exist.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
"""ASCII Swedish keys (`ekonomiskt_bistand`): stable identifiers that survive any change of wording."""

MAX_FREE_TEXT = 2000
"""Longest free-text answer a questionnaire may allow; longer texts are essays that identify their writer."""

KINDS = {"rating", "background", "index", "text"}
ROLES = {"positive", "negative", "excluded", "none"}
INDEX_KINDS = {"nki"}
PRESENTATIONS = {"plain", "smileys"}
"""How a scale is drawn: a plain list of options, or faces for children (see `_check_smileys`)."""
SMILEY_STEPS = 3
"""A smiley scale's answer steps: a happy, a neutral and a sad face."""
RESERVED_AREAS = {"total"}
"""The key results and reports use for all included areas pooled; an area of that name would be lost in it."""

TOP_FIELDS = {"key", "version", "title", "intro", "total_label", "areas", "scales", "questions", "indices"}
AREA_FIELDS = {"key", "name"}
SCALE_FIELDS = {"options", "presentation"}
OPTION_FIELDS = {"key", "code", "label", "role"}
QUESTION_FIELDS = {"key", "kind", "text", "short", "help", "scale", "max_length"}
INDEX_FIELDS = {"key", "kind", "name", "questions"}


def validate(raw: dict[str, Any]) -> list[str]:
    """Every problem in a questionnaire definition, each naming where it is; empty when it is sound."""
    problems: list[str] = []
    problems += _unknown_fields("questionnaire", raw, TOP_FIELDS)
    problems += _check_key("key", raw.get("key"))
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"version: must be a whole number from 1, got {version!r}")
    for field in ("title", "intro"):
        if not _text(raw.get(field)):
            problems.append(f"{field}: must be a non-empty text")
    if "total_label" in raw and not _text(raw["total_label"]):
        problems.append("total_label: must be a non-empty text (the name of all areas together, e.g. IFO-totalt)")
    problems += _check_areas(raw.get("areas"))
    scales = raw.get("scales")
    if not isinstance(scales, dict):
        problems.append("scales: must be a table of named scales")
        scales = {}
    problems += _check_scales(scales)
    problems += _check_questions(raw.get("questions"), scales)
    problems += _check_indices(raw.get("indices", []), raw.get("questions"))
    return problems


def _check_areas(areas: Any) -> list[str]:
    if not isinstance(areas, list) or not areas:
        return ["areas: at least one area (område) is needed"]
    problems: list[str] = []
    for i, area in enumerate(areas):
        where = f"areas[{i}]"
        if not isinstance(area, dict):
            problems.append(f"{where}: must be a table")
            continue
        problems += _unknown_fields(where, area, AREA_FIELDS)
        problems += _check_key(f"{where}.key", area.get("key"))
        if isinstance(area.get("key"), str) and area["key"] in RESERVED_AREAS:
            problems.append(f"{where}.key: {area.get('key')!r} is reserved for all areas together (total_label)")
        if not _text(area.get("name")):
            problems.append(f"{where}.name: must be a non-empty text")
    problems += _duplicates("areas", [a.get("key") for a in areas if isinstance(a, dict)])
    return problems


def _check_scales(scales: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, scale in scales.items():
        where = f"scales.{key}"
        problems += _check_key(where, key)
        if not isinstance(scale, dict):
            problems.append(f"{where}: must be a table with options")
            continue
        problems += _unknown_fields(where, scale, SCALE_FIELDS)
        options = scale.get("options")
        if not isinstance(options, list) or len(options) < 2:
            problems.append(f"{where}.options: a scale needs at least two options")
            continue
        for i, option in enumerate(options):
            problems += _check_option(f"{where}.options[{i}]", option)
        valid = [o for o in options if isinstance(o, dict)]
        problems += _duplicates(f"{where}.options key", [o.get("key") for o in valid])
        problems += _duplicates(f"{where}.options code", [o.get("code") for o in valid])
        presentation = scale.get("presentation", "plain")
        if presentation not in PRESENTATIONS:
            choices = ", ".join(sorted(PRESENTATIONS))
            problems.append(f"{where}.presentation: unknown presentation {presentation!r} (use one of {choices})")
        elif presentation == "smileys":
            problems += _check_smileys(where, valid)
    return problems


def _check_smileys(where: str, options: list[dict[str, Any]]) -> list[str]:
    """Faces are given to the answer steps in order (happy, neutral, sad), so the order and roles must fit them:
    three steps, the happy face positive and the neutral and sad ones not (a neutral "Lite" is not a positive
    answer, as ifo's "Ingen skillnad" is not), then any excluded options ("Vet inte"), drawn as a question mark.
    """
    roles = [o.get("role", "none") for o in options]
    steps = [role for role in roles if role != "excluded"]
    if len(steps) != SMILEY_STEPS:
        return [f"{where}: a smiley scale has {SMILEY_STEPS} answer steps (happy, neutral, sad), not {len(steps)}"]
    if steps != ["positive", "negative", "negative"]:
        return [
            f"{where}: a smiley scale's steps must be positive, negative, negative (happy, neutral, sad), got "
            + ", ".join(steps)
        ]
    if roles[:SMILEY_STEPS] != steps:
        return [f"{where}: a smiley scale lists its excluded options after the three faces"]
    return []


def _check_option(where: str, option: Any) -> list[str]:
    if not isinstance(option, dict):
        return [f"{where}: must be a table"]
    problems = _unknown_fields(where, option, OPTION_FIELDS)
    problems += _check_key(f"{where}.key", option.get("key"))
    code = option.get("code")
    if not isinstance(code, int) or isinstance(code, bool) or code < 0:
        problems.append(f"{where}.code: must be the whole number printed on the paper form, got {code!r}")
    if not _text(option.get("label")):
        problems.append(f"{where}.label: must be a non-empty text")
    role = option.get("role", "none")
    if role not in ROLES:
        problems.append(f"{where}.role: unknown role {role!r} (use one of {', '.join(sorted(ROLES))})")
    return problems


def _check_questions(questions: Any, scales: dict[str, Any]) -> list[str]:
    if not isinstance(questions, list) or not questions:
        return ["questions: at least one question is needed"]
    problems: list[str] = []
    for i, question in enumerate(questions):
        if not isinstance(question, dict):
            problems.append(f"questions[{i}]: must be a table")
            continue
        where = f"questions[{i}] ({question.get('key', '?')})"
        problems += _unknown_fields(where, question, QUESTION_FIELDS)
        problems += _check_key(f"{where}.key", question.get("key"))
        if not _text(question.get("text")):
            problems.append(f"{where}.text: must be a non-empty text (the Swedish wording)")
        kind = question.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}.kind: unknown kind {kind!r} (use one of {', '.join(sorted(KINDS))})")
            continue
        problems += _check_question_scale(where, kind, question, scales)
    problems += _duplicates("questions", [q.get("key") for q in questions if isinstance(q, dict)])
    return problems


def _check_question_scale(where: str, kind: str, question: dict[str, Any], scales: dict[str, Any]) -> list[str]:
    if kind == "text":
        problems = [f"{where}.scale: a free-text question has no scale"] if "scale" in question else []
        length = question.get("max_length")
        if not isinstance(length, int) or not 0 < length <= MAX_FREE_TEXT:
            problems.append(f"{where}.max_length: must be a whole number from 1 to {MAX_FREE_TEXT}, got {length!r}")
        return problems
    if "max_length" in question:
        return [f"{where}.max_length: only free-text questions have a max_length"]
    scale_key = question.get("scale")
    scale = scales.get(scale_key) if isinstance(scale_key, str) else None
    if not isinstance(scale, dict) or not isinstance(scale.get("options"), list):
        return [f"{where}.scale: scale {scale_key!r} is not defined under [scales]"]
    roles = [o.get("role", "none") for o in scale["options"] if isinstance(o, dict)]
    if kind == "rating":
        if "positive" not in roles:
            return [f"{where}: scale {scale_key!r} has no positive option, so no positive share can be computed"]
        if "negative" not in roles:
            return [f"{where}: scale {scale_key!r} has no negative option, so every answer would be positive"]
        if "none" in roles:
            return [f"{where}: every option of rating scale {scale_key!r} needs a role"]
    elif kind == "background" and set(roles) != {"none"}:
        return [f"{where}: background scale {scale_key!r} must not give its options a role"]
    elif kind == "index":
        return _check_index_scale(where, scale_key, scale["options"])
    return []


def _check_index_scale(where: str, scale_key: str, options: list[Any]) -> list[str]:
    codes = sorted(o.get("code") for o in options if isinstance(o, dict) and isinstance(o.get("code"), int))
    if not codes or codes != list(range(1, len(codes) + 1)):
        return [f"{where}: index scale {scale_key!r} must have the codes 1, 2, … n (got {codes})"]
    return []


def _check_indices(indices: Any, questions: Any) -> list[str]:
    if not isinstance(indices, list):
        return ["indices: must be a list of tables"]
    kinds = {q.get("key"): q.get("kind") for q in questions or [] if isinstance(q, dict)}
    problems: list[str] = []
    for i, index in enumerate(indices):
        where = f"indices[{i}]"
        if not isinstance(index, dict):
            problems.append(f"{where}: must be a table")
            continue
        problems += _unknown_fields(where, index, INDEX_FIELDS)
        problems += _check_key(f"{where}.key", index.get("key"))
        if index.get("kind") not in INDEX_KINDS:
            problems.append(f"{where}.kind: unknown index kind {index.get('kind')!r}")
        if not _text(index.get("name")):
            problems.append(f"{where}.name: must be a non-empty text")
        members = index.get("questions")
        if not isinstance(members, list) or not members:
            problems.append(f"{where}.questions: list the index questions it is computed from")
            continue
        for key in members:
            if kinds.get(key) != "index":
                problems.append(f"{where}.questions: {key!r} is not a question of kind 'index'")
    problems += _duplicates("indices", [x.get("key") for x in indices if isinstance(x, dict)])
    return problems


def _check_key(where: str, key: Any) -> list[str]:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        return [f"{where}: {key!r} is not a key (lower-case ASCII letters, digits and _, starting with a letter)"]
    return []


def _unknown_fields(where: str, table: dict[str, Any], known: set[str]) -> list[str]:
    return [f"{where}: unknown field {name!r}" for name in sorted(set(table) - known)]


def _duplicates(where: str, keys: list[Any]) -> list[str]:
    return [f"{where}: {key!r} appears {n} times" for key, n in Counter(keys).items() if n > 1 and key is not None]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
