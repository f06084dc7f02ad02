"""The register of Sweden's municipalities (kommunkod, name, län) shipped as data in survey/data."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import NamedTuple


class MunicipalityRecord(NamedTuple):
    kommunkod: str
    name: str
    lan_code: str
    lan_name: str


def read_municipalities() -> list[MunicipalityRecord]:
    """All 290 municipalities, in kommunkod order, from SCB's kommunkoder."""
    text = (resources.files("survey") / "data" / "municipalities.csv").read_text(encoding="utf-8")
    return [MunicipalityRecord(**row) for row in csv.DictReader(io.StringIO(text))]
