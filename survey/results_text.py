"""The results document as a plain-text table for the terminal: "86 (123)" per cell, "-" when suppressed."""

from __future__ import annotations

from typing import Any

from analysis import TOTAL
from questionnaires import Questionnaire


def cell_text(cell: dict[str, Any]) -> str:
    """As the published tables write it: percent with n in parentheses, "-" for too few answers."""
    return "-" if cell["suppressed"] else f"{cell['percent']} ({cell['valid']})"


def results_table(document: dict[str, Any], questionnaire: Questionnaire) -> str:
    columns = [*document["results"]]
    names = {a.key: a.key for a in questionnaire.areas} | {TOTAL: questionnaire.total_label}
    width = max(len(q.short or q.key) for q in questionnaire.questions) + 2
    lines = [
        f"{document['round']} · {document['municipality']['kommunkod']} {document['municipality']['name']}"
        + (f" · {document['unit']['name']}" if document["unit"] else ""),
        "".ljust(width) + "".join(names[c][:18].rjust(20) for c in columns),
    ]
    for question in questionnaire.questions:
        if question.key not in document["results"][TOTAL]:
            continue
        row = "".join(cell_text(document["results"][c][question.key]).rjust(20) for c in columns)
        lines.append((question.short or question.key).ljust(width) + row)
    if document["excluded_areas"]:
        lines.append(
            f"\nLeft out (fewer than {document['min_valid']} respondents): " + ", ".join(document["excluded_areas"])
        )
    return "\n".join(lines)
