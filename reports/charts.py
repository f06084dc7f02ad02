"""Charts (matplotlib's object API, never pyplot: pyplot keeps global state and is unsafe in a server).

Per question: a horizontal bar per area for this year, a lighter bar for last year, a black tick for
rikssnitt and whiskers for the 95 % interval; an area without a shown figure says "för få svar" instead of a
bar. Colours from the Okabe–Ito palette (safe for colour-blind readers), told apart by lightness too, so the
chart also reads in greyscale.

Funnel plots for the comparison with other municipalities (funnel_chart, funnel_grid, describe_funnel) follow
at the end: there the focus municipality, its group and the others differ in marker shape, fill and size."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib
from babel.numbers import format_decimal
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from analysis.funnel import position as funnel_position
from reports.data import ComparisonLine, Funnel, FunnelPoint, QuestionSection, ReportData
from reports.formatting import Gettext, percent, position_words, share_percent

THIS_YEAR = "#0072B2"
LAST_YEAR = "#A6D2EE"
RIKSSNITT = "#000000"
BAR = 0.38
LABEL_WIDTH = 26
"""Characters per line of an area name beside its bars; longer names wrap rather than squeeze the plot."""


def question_chart(section: QuestionSection, *, locale: str, gettext: Gettext, previous_label: str | None) -> MplFigure:
    rows = list(section.rows)
    figure = MplFigure(figsize=(7.2, 0.62 * len(rows) + 1.1), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    for y, row in zip(positions, rows, strict=True):
        current = row.current
        if current.shown:
            error = None
            if current.ci_low is not None and current.ci_high is not None and current.share is not None:
                error = [[(current.share - current.ci_low) * 100], [(current.ci_high - current.share) * 100]]
            axes.barh(
                y + BAR / 2, current.percent, height=BAR, color=THIS_YEAR, xerr=error, ecolor="#333333", capsize=3
            )
            label_x = max(current.percent, (current.ci_high or 0) * 100) + 1.5
            axes.text(label_x, y + BAR / 2, percent(current.percent, locale), va="center", fontsize=8)
        else:
            axes.text(1, y + BAR / 2, gettext("för få svar"), va="center", fontsize=8, style="italic", color="#333333")
        if row.previous is not None and row.previous.shown:
            axes.barh(
                y - BAR / 2, row.previous.percent, height=BAR, color=LAST_YEAR, edgecolor="#4a7fa6", linewidth=0.5
            )
        if row.rikssnitt is not None:
            axes.plot([row.rikssnitt, row.rikssnitt], [y - 0.02, y + BAR + 0.06], color=RIKSSNITT, linewidth=2.5)
    axes.set_yticks(positions, [textwrap.fill(row.name, LABEL_WIDTH) for row in rows], fontsize=8)
    axes.set_ylim(-0.6, len(rows) - 0.4)  # rows without a bar keep their place and their label
    axes.set_xlim(0, 115)
    axes.set_xticks([0, 25, 50, 75, 100], [percent(v, locale) for v in (0, 25, 50, 75, 100)], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    handles = [axes.bar(0, 0, color=THIS_YEAR, label=gettext("I år"))]
    if previous_label:
        handles.append(axes.bar(0, 0, color=LAST_YEAR, label=previous_label))
    handles.append(axes.plot([], [], color=RIKSSNITT, linewidth=2, label=gettext("Rikssnitt"))[0])
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, fontsize=7, frameon=False)
    return figure


TREND_STYLES = ("-", "--", "-.", ":")
TREND_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Okabe–Ito; line styles and markers repeat with them so lines stay apart in greyscale too."""
TREND_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def trend_chart(data: ReportData, *, locale: str) -> MplFigure:
    """IFO-totalt per question across every round so far; a suppressed round leaves a gap in its line."""
    figure = MplFigure(figsize=(7.2, 3.6), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(data.trend_rounds)))
    for i, (label, values) in enumerate(data.trend):
        points = [float("nan") if v is None else v for v in values]
        axes.plot(
            positions,
            points,
            label=label,
            color=TREND_COLOURS[i % len(TREND_COLOURS)],
            linestyle=TREND_STYLES[i % len(TREND_STYLES)],
            marker=TREND_MARKERS[i % len(TREND_MARKERS)],
        )
    axes.set_xticks(positions, list(data.trend_rounds), fontsize=8)
    axes.set_ylim(0, 100)
    axes.set_yticks([0, 25, 50, 75, 100], [percent(v, locale) for v in (0, 25, 50, 75, 100)], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="lower left", ncols=2)
    return figure


def svg(figure: MplFigure) -> str:
    """The chart as SVG text with real text (not paths): smaller, sharper, and readable by a screen reader."""
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "brukarenkat"}):
        figure.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg") :]


def describe(section: QuestionSection, *, locale: str, gettext: Gettext) -> str:
    """The chart's alternative text: what it shows, in words (WCAG 1.1.1)."""
    parts = []
    for row in section.rows:
        value = percent(row.current.percent, locale) if row.current.shown else gettext("för få svar")
        parts.append(f"{row.name}: {value}")
    return gettext("Andel positiva svar per område.") + " " + "; ".join(parts) + "."


# Funnel plots (issue 8): each municipality's share against its number of answers, inside the control limits
# around the national share. Markers differ in shape, fill and size, not in colour alone, so that the focus
# municipality, its group and the others stay apart in greyscale print and for colour-blind readers.
FUNNEL_OTHER = "#6E6E6E"
FUNNEL_GROUP = "#0072B2"
FUNNEL_FOCUS = "#D55E00"
FUNNEL_LINE = "#000000"
FUNNEL_LIMIT = "#3B3B3B"
MARKERS = {
    # role: marker, area (points²), face, edge, edge width, z-order
    "other": ("o", 16, "none", FUNNEL_OTHER, 0.8, 3),  # small hollow grey circles: the background
    "group": ("s", 30, FUNNEL_GROUP, "white", 0.5, 4),  # filled squares, Okabe–Ito blue: dark in greyscale
    "focus": ("D", 95, FUNNEL_FOCUS, "black", 1.0, 5),  # a large diamond, Okabe–Ito vermillion, black edge
}
LIMIT_STYLES: dict[float, Any] = {0.95: (0, (5, 3)), 0.998: (0, (1, 2))}
"""95 % dashed, 99.8 % dotted (Spiegelhalter's warning and alarm limits), as the report's text describes them."""
N_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
PERCENT_STEPS = (5, 10, 20, 25)


def _funnel_x(axes: Any, points: Sequence[FunnelPoint], *, locale: str, fontsize: float, compact: bool) -> None:
    """The number of answers on a log scale.

    Municipalities' n run from the threshold (5) to several thousand: on a linear axis nearly every point would
    crowd against the left edge, where the funnel is widest and the eye needs the most room. The limits narrow
    as 1/√n, so on a log axis the funnel opens evenly across the plot and a doubling of n is the same step
    wherever it happens. The ticks are plain numbers in the locale's form (5, 10, 50, 1 000), never 10³.
    """
    ns = [p.valid for p in points] or [5, 100]
    low, high = min(ns) / 1.35, max(ns) * 1.35
    if high / low < 20:  # a few municipalities of similar size: still show a stretch of the funnel's shape
        middle = math.sqrt(low * high)
        low, high = min(low, middle / 4.5), max(high, middle * 4.5)
    axes.set_xscale("log")
    axes.set_xlim(low, high)
    ticks = [t for t in N_TICKS if low <= t <= high]
    for keep in ("15", "1") if compact else ("125", "15", "1"):
        if len(ticks) <= (4 if compact else 7):
            break
        ticks = [t for t in ticks if str(t)[0] in keep]
    axes.set_xticks(ticks, [format_decimal(t, locale=locale) for t in ticks], fontsize=fontsize)
    axes.xaxis.set_minor_formatter(NullFormatter())


def _funnel_y(axes: Any, funnel: Funnel, *, locale: str, fontsize: float) -> None:
    """The share in percent, zoomed to the points and to the 95 % limits across the plot, with a margin.

    Zoomed rather than 0–100: municipalities mostly lie between 60 and 95 %, and on a full scale their
    differences and the funnel's shape would shrink into a band. The dotted 99.8 % limits may leave the plot
    at its left edge (few answers), where they are widest and say least. A little room beyond 0 and 100 % keeps
    a marker on the edge whole."""
    x_low, x_high = axes.get_xlim()
    values = [p.share * 100 for p in funnel.points] + [funnel.centre * 100]
    for curve in funnel.curves:
        if curve.level < 0.99:
            inside = [i for i, n in enumerate(curve.n) if x_low <= n <= x_high]
            values += [curve.low[i] * 100 for i in inside] + [curve.high[i] * 100 for i in inside]
    low, high = min(values), max(values)
    margin = max((high - low) * 0.06, 2.0)
    low, high = max(low - margin, 0.0), min(high + margin, 100.0)
    step = next((s for s in PERCENT_STEPS if (high - low) / s <= 6), 25)
    ticks = list(range(math.ceil(low / step) * step, math.floor(high) + 1, step))
    pad = (high - low) * 0.03
    axes.set_ylim(low - pad, high + pad)
    axes.set_yticks(ticks, [percent(t, locale) for t in ticks], fontsize=fontsize)


def _marker(role: str, label: str, scale: float) -> Line2D:
    marker, area, face, edge, width, _z = MARKERS[role]
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=math.sqrt(area * scale),
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=width,
        label=label,
    )


def _funnel_handles(
    funnels: Sequence[Funnel], *, centre: str, gettext: Gettext, scale: float
) -> tuple[list[Line2D], list[Line2D]]:
    """Legend entries for what the plots show, as two rows: the lines, then the markers from the focus out."""
    lines = [Line2D([], [], color=FUNNEL_LINE, linewidth=1.4, label=centre)]
    levels = sorted({curve.level for funnel in funnels for curve in funnel.curves})
    for level in levels:
        label = gettext("99,8 % kontrollgräns") if level > 0.99 else gettext("95 % kontrollgräns")
        lines.append(
            Line2D([], [], color=FUNNEL_LIMIT, linewidth=1.1, linestyle=LIMIT_STYLES.get(level, "-."), label=label)
        )
    points = [p for funnel in funnels for p in funnel.points]
    markers = []
    focus = next((p for p in points if p.role == "focus"), None)
    if focus is not None:
        markers.append(_marker("focus", focus.label, scale))
    if any(p.role == "group" for p in points):
        group = next((f.group_label for f in funnels if f.group_label), None)
        markers.append(_marker("group", group or gettext("Gruppen"), scale))
    if any(p.role == "other" for p in points):
        markers.append(_marker("other", gettext("Övriga kommuner"), scale))
    return lines, markers


def _rows_first(rows: Sequence[list[Line2D]]) -> tuple[list[Line2D], int]:
    """Handles ordered so that a legend (which fills column by column) shows each list as one row."""
    columns = max(len(row) for row in rows)
    blank = Line2D([], [], linestyle="none", label=" ")
    padded = [row + [blank] * (columns - len(row)) for row in rows]
    return [row[c] for c in range(columns) for row in padded], columns


def _draw_funnel(axes: Any, funnel: Funnel, *, locale: str, scale: float, fontsize: float, compact: bool) -> None:
    _funnel_x(axes, funnel.points, locale=locale, fontsize=fontsize, compact=compact)
    x_low, x_high = axes.get_xlim()
    axes.axhline(funnel.centre * 100, color=FUNNEL_LINE, linewidth=1.4 * math.sqrt(scale), zorder=2)
    for curve in funnel.curves:
        style = LIMIT_STYLES.get(curve.level, "-.")
        for side in (curve.low, curve.high):
            axes.plot(
                list(curve.n),
                [v * 100 for v in side],
                color=FUNNEL_LIMIT,
                linestyle=style,
                linewidth=1.1 * math.sqrt(scale),
                zorder=2,
            )
    for role in ("other", "group", "focus"):
        points = [p for p in funnel.points if p.role == role]
        if points:
            marker, area, face, edge, width, z = MARKERS[role]
            axes.scatter(
                [p.valid for p in points],
                [p.share * 100 for p in points],
                marker=marker,
                s=area * scale,
                facecolors=face,
                edgecolors=edge,
                linewidths=width,
                zorder=z,
            )
    axes.set_xlim(x_low, x_high)  # the limit curves run from n = 1 and beyond the largest: keep to the points
    _funnel_y(axes, funnel, locale=locale, fontsize=fontsize)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)


def _annotate_focus(axes: Any, funnel: Funnel, *, fontsize: float) -> None:
    """The focus municipality's name beside its diamond, on the far side from the centre line (towards the
    middle instead when the point is near the frame), in a white box so that no line crosses the letters."""
    point = next((p for p in funnel.points if p.role == "focus"), None)
    if point is None:
        return
    y_low, y_high = axes.get_ylim()
    x_low, x_high = axes.get_xlim()
    y = point.share * 100
    above = y >= funnel.centre * 100
    near_frame = y > y_high - (y_high - y_low) * 0.15 if above else y < y_low + (y_high - y_low) * 0.15
    up = above != near_frame
    right = math.log(point.valid / x_low) / math.log(x_high / x_low) < 0.75
    axes.annotate(
        point.label,
        (point.valid, y),
        xytext=(16 if right else -16, 16 if up else -16),
        textcoords="offset points",
        ha="left" if right else "right",
        va="center",
        fontsize=fontsize + 1,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#999999", "linewidth": 0.5},
        arrowprops={"arrowstyle": "-", "color": "black", "linewidth": 0.8, "shrinkA": 0, "shrinkB": 6},
        zorder=6,
    )


def funnel_chart(funnel: Funnel, *, locale: str, gettext: Gettext, size: tuple[float, float] = (7.2, 4.4)) -> MplFigure:
    """One funnel plot: every shown municipality's share (y) against its number of answers (x, log scale),
    the rikssnitt line, the 95 % (dashed) and 99.8 % (dotted) limits, the focus municipality named beside its
    diamond, and a legend below the plot."""
    figure = MplFigure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    _draw_funnel(axes, funnel, locale=locale, scale=1.0, fontsize=8, compact=False)
    _annotate_focus(axes, funnel, fontsize=8)
    axes.set_xlabel(gettext("Antal svar (logaritmisk skala)"), fontsize=8)
    axes.set_ylabel(gettext("Andel positiva svar"), fontsize=8)
    if funnel.title:
        axes.set_title(funnel.title, fontsize=10, loc="left")
    centre = f"{gettext('Rikssnitt')} ({share_percent(funnel.centre, locale)})"
    handles, columns = _rows_first(_funnel_handles([funnel], centre=centre, gettext=gettext, scale=1.0))
    axes.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=columns, fontsize=7.5, frameon=False
    )
    return figure


def funnel_grid(lines: Sequence[ComparisonLine], *, locale: str, gettext: Gettext) -> MplFigure:
    """Small multiples for the report: one small funnel per question in two columns, titled with the question's
    short label, each zoomed to its own data; one legend for all, in the empty cell when the count is odd, else
    above the plots. Seven questions fit one A4 page in portrait (7.2 × 8.7 inches, scaled to the text width)."""
    columns = 2 if len(lines) > 1 else 1
    rows = max(math.ceil(len(lines) / columns), 1)
    spare = rows * columns - len(lines)
    height = 3.8 if columns == 1 else 2.1 * rows + (0.3 if spare else 0.8)
    figure = MplFigure(figsize=(7.2, height), layout="constrained")
    cells = [axes for row in figure.subplots(rows, columns, squeeze=False) for axes in row]
    for axes, line in zip(cells, lines, strict=False):
        _draw_funnel(axes, line.funnel, locale=locale, scale=0.55, fontsize=7, compact=True)
        axes.set_title(textwrap.fill(line.short, 48), fontsize=8.5, loc="left")
    for axes in cells[len(lines) :]:
        axes.set_axis_off()
    figure.supxlabel(gettext("Antal svar (logaritmisk skala)"), fontsize=8)
    figure.supylabel(gettext("Andel positiva svar"), fontsize=8)
    if not lines:
        return figure
    line_handles, marker_handles = _funnel_handles(
        [line.funnel for line in lines], centre=gettext("Rikssnitt"), gettext=gettext, scale=0.9
    )
    if spare:
        cells[-1].legend(handles=line_handles + marker_handles, loc="center", fontsize=8, frameon=False)
    else:
        handles, ncols = _rows_first([line_handles, marker_handles])
        # Above the plots: below them, constrained layout puts the legend over the shared x label.
        figure.legend(handles=handles, loc="outside upper center", ncols=ncols, fontsize=7.5, frameon=False)
    return figure


def describe_funnel(funnel: Funnel, *, locale: str, gettext: Gettext, position: str | None = None) -> str:
    """The funnel's alternative text (WCAG 1.1.1): how many municipalities, the centre, the spread, and where the
    focus municipality lies. `position` is analysis.funnel.Position's value as analysis decided it (the report
    passes its ComparisonLine's); without it, the focus point is placed by analysis.funnel.position itself, the
    same exact limits, so the words cannot disagree with the table."""
    points = funnel.points
    parts = [
        gettext("Trattdiagram: andel positiva svar mot antal svar för %(count)s kommuner.")
        % {"count": format_decimal(len(points), locale=locale)},
        f"{funnel.centre_label}: {share_percent(funnel.centre, locale)}.",
    ]
    if points:
        parts.append(
            gettext("Andelarna går från %(low)s till %(high)s.")
            % {
                "low": share_percent(min(p.share for p in points), locale),
                "high": share_percent(max(p.share for p in points), locale),
            }
        )
    focus = next((p for p in points if p.role == "focus"), None)
    if focus is not None:
        if position is None:
            position = funnel_position(round(focus.share * focus.valid), focus.valid, funnel.centre).value
        parts.append(
            gettext("%(name)s: %(share)s av %(valid)s svar, %(position)s.")
            % {
                "name": focus.label,
                "share": share_percent(focus.share, locale),
                "valid": format_decimal(focus.valid, locale=locale),
                "position": position_words(position, gettext),
            }
        )
    return " ".join(parts)
