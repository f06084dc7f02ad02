"""ReportData: everything a report shows, decided before rendering. Renderers only lay it out; they never
query, compute shares or decide suppression, so that every format shows exactly the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Figure:
    """One share as reports show it; `percent is None` means suppressed ("för få svar" / "-")."""

    percent: int | None
    valid: int | None = None
    share: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def shown(self) -> bool:
        return self.percent is not None


HIDDEN = Figure(percent=None)


@dataclass(frozen=True, slots=True)
class AreaRow:
    key: str
    """Area key, or `total` for all included areas together (the questionnaire's total label, e.g. IFO-totalt)."""
    name: str
    current: Figure
    previous: Figure | None = None
    rikssnitt: int | None = None
    """Rikssnitt in whole percent, when known."""
    kvinna: Figure | None = None
    man: Figure | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A måltal: the share the municipality aims for on a question (IFO-totalt)."""

    percent: int
    met: bool | None
    """None when the share it is measured against is suppressed."""


@dataclass(frozen=True, slots=True)
class QuestionSection:
    key: str
    short: str
    text: str
    positive: tuple[str, ...]
    """Labels of the options counted as positive ("Mycket nöjd", "Ganska nöjd")."""
    rows: tuple[AreaRow, ...]
    analysis: str = ""
    """The staff's "Analys, kommentarer och åtgärder" for this question."""
    target: Target | None = None

    @property
    def total(self) -> AreaRow:
        return next(row for row in self.rows if row.key == "total")


@dataclass(frozen=True, slots=True)
class FreeTextArea:
    """An area's free-text answers for a report ("Övriga synpunkter"), already redacted and thresholded."""

    area: str
    question: str
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    locale: str
    title: str
    municipality: str
    kommunkod: str
    round_key: str
    period_start: dt.date
    period_end: dt.date
    questionnaire: str
    """The questionnaire's ident, e.g. ifo@1."""
    questionnaire_title: str
    sections: tuple[QuestionSection, ...]
    respondents: int
    """Answers received in the included areas."""
    previous_round: str | None = None
    offered: int | None = None
    """Survey links handed out (bortfall: respondents of offered); None when not known (paper)."""
    rikssnitt_source: str | None = None
    excluded_areas: tuple[str, ...] = ()
    """Names of areas left out for fewer than `min_valid` respondents."""
    min_valid: int = 5
    unit: str | None = None
    trend_rounds: tuple[str, ...] = ()
    """Every round of the questionnaire up to this one, oldest first, for the trend chart."""
    trend: tuple[tuple[str, tuple[int | None, ...]], ...] = ()
    """Per question (its short label): IFO-totalt in each of `trend_rounds`; None where suppressed."""
    generated_on: dt.date = field(default_factory=dt.date.today)
    free_texts: tuple[FreeTextArea, ...] = ()
    """Free-text answers as the analyst redacted them, per area of at least `min_valid` respondents."""
