"""Charts (matplotlib's object API, never pyplot: pyplot keeps global state and is unsafe in a server).

Per question: a horizontal bar per area for this year, a lighter bar for last year, a black tick for
rikssnitt and whiskers for the 95 % interval; an area without a shown figure says "för få svar" instead of a
bar. Colours from the Okabe–Ito palette (safe for colour-blind readers), told apart by lightness too, so the
chart also reads in greyscale."""

from __future__ import annotations

import io
import textwrap

import matplotlib
from matplotlib.figure import Figure as MplFigure

from reports.data import QuestionSection, ReportData
from reports.formatting import Gettext, percent

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
