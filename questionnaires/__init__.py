"""Questionnaires as data: one TOML file per questionnaire version, loaded into frozen objects.

Pure: imports nothing of the web app or the database, so analysis and reports can use it too.
"""

from questionnaires.loader import QuestionnaireError, load_file, load_shipped, parse
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

__all__ = [
    "Area",
    "IndexDefinition",
    "Option",
    "Presentation",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireError",
    "Role",
    "Scale",
    "load_file",
    "load_shipped",
    "parse",
    "validate",
]
