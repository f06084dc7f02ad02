"""ReportData: everything a report shows, decided before rendering. Renderers only lay it out; they never
query, compute shares or decide suppression, so that every format shows exactly the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from analysis.ranks import Rank


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
    comparison: ComparisonSection | None = None
    """This municipality against the others on the platform (and imported ones), IFO-totalt per question."""


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """One shown municipality in a funnel plot."""

    label: str
    share: float
    valid: int
    role: str
    """`focus` (the municipality the plot is for), `group` (a member of the chosen group) or `other`."""


@dataclass(frozen=True, slots=True)
class FunnelCurve:
    """The lower and upper control limit at one level (0.95, 0.998) for each n."""

    level: float
    n: tuple[int, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Funnel:
    title: str
    centre: float
    """The national share the limits are drawn around (0–1)."""
    centre_label: str
    """What the centre is: rikssnitt computed on the platform, or imported with its source."""
    points: tuple[FunnelPoint, ...]
    curves: tuple[FunnelCurve, ...]
    group_label: str | None = None


@dataclass(frozen=True, slots=True)
class ComparisonLine:
    """One question (IFO-totalt) of the municipality against the others."""

    key: str
    short: str
    own: Figure
    rank: Rank | None
    """Place 1 is the highest share; low–high is the 95 % interval of the place under resampling."""
    position: str | None
    """analysis.funnel.Position's value (above_998 … below_998), worded by the renderer; None when hidden."""
    national: Figure
    """Every shown municipality pooled, or the imported rikssnitt (then without n)."""
    group_pooled: Figure | None
    group_mean: float | None
    """The unweighted mean of the group members' shares (0–1), as Kolada computes group averages."""
    funnel: Funnel


@dataclass(frozen=True, slots=True)
class ComparisonSection:
    area: str
    """The area compared (its name), usually IFO-totalt."""
    group: str | None
    """The group's label (a län or a named group)."""
    group_members: int
    group_shown: int
    municipalities_shown: int
    municipalities_too_few: int
    sources: tuple[str, ...]
    """Where figures not from the platform come from ("Kolada"), each printed as "Källa: …"."""
    lines: tuple[ComparisonLine, ...]
