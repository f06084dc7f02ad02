"""XLSX for further work: real numbers with percent formats, a summary sheet and one sheet per question.
A suppressed figure is an empty cell with a note saying why; its number is nowhere in the file."""

from __future__ import annotations

import gettext
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.data import ComparisonSection, Figure, ReportData
from reports.formatting import Gettext, position_words, translator

PERCENT = "0%"
MAX_SHEET_NAME = 31
"""Excel refuses longer sheet names."""


def render(data: ReportData, translations: gettext.NullTranslations | None = None) -> bytes:
    _ = translator(translations).gettext
    book = Workbook()
    summary = book.active
    summary.title = _("Sammanfattning")[:MAX_SHEET_NAME]
    _summary(summary, data, _)
    if data.comparison is not None:
        _comparison(book.create_sheet(_("Jämförelse")[:MAX_SHEET_NAME]), data, data.comparison, _)
    for section in data.sections:
        sheet = book.create_sheet(section.short[:MAX_SHEET_NAME] or section.key)
        sheet.append([section.text])
        sheet["A1"].font = Font(bold=True)
        sheet.append(
            [_("Område"), _("Föregående år"), _("I år"), _("Antal svar"), _("Rikssnitt"), _("KI låg"), _("KI hög")]
        )
        for row in section.rows:
            sheet.append([row.name])
            line = sheet.max_row
            _put(sheet, line, 2, row.previous.share if row.previous else None, row.previous, _)
            _put(sheet, line, 3, row.current.share, row.current, _)
            _put(sheet, line, 4, row.current.valid, row.current, _, number_format="0")
            if row.rikssnitt is not None:
                sheet.cell(line, 5, row.rikssnitt / 100).number_format = PERCENT
            _put(sheet, line, 6, row.current.ci_low, row.current, _, number_format="0.0%")
            _put(sheet, line, 7, row.current.ci_high, row.current, _, number_format="0.0%")
        if section.analysis:
            sheet.append([])
            sheet.append([_("Analys, kommentarer och åtgärder")])
            sheet.append([section.analysis])
        sheet.column_dimensions["A"].width = 48
    if data.free_texts:
        _free_texts(book.create_sheet(_("Övriga synpunkter")[:MAX_SHEET_NAME]), data, _)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _free_texts(sheet: Worksheet, data: ReportData, _: Gettext) -> None:
    sheet.append([data.free_texts[0].question])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Område"), _("Svar")])
    for group in data.free_texts:
        for text in group.texts:
            sheet.append([group.area])
            cell = sheet.cell(sheet.max_row, 2)
            cell.value = text
            cell.data_type = "s"  # a respondent's "=HYPERLINK(…)" stays text, never a formula
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100


def _comparison(sheet: Worksheet, data: ReportData, comparison: ComparisonSection, _: Gettext) -> None:
    """One row per question: the municipality's share, rank with interval and funnel position, the group (pooled
    and as the unweighted mean of its municipalities' shares) and the national figure. A hidden own figure leaves
    its share, n, rank and position empty, the share's cell with a note."""
    title = f"{_('Jämförelse med andra kommuner')} – {data.municipality} – {comparison.area} – {data.round_key}"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    group = comparison.group or _("Gruppen")
    sheet.append(
        [
            _("Fråga"),
            _("Andel positiva"),
            _("Antal svar"),
            _("Plats"),
            _("Plats, intervall från"),
            _("Plats, intervall till"),
            _("Antal kommuner"),
            _("Mot rikssnitt"),
            _("%(group)s, poolat") % {"group": group},
            _("%(group)s, antal svar") % {"group": group},
            _("%(group)s, medel av kommunernas andelar") % {"group": group},
            _("Rikssnitt"),
            _("Rikssnitt, antal svar"),
        ]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in comparison.lines:
        sheet.append([line.short])
        row = sheet.max_row
        own = line.own
        _put(sheet, row, 2, own.share, own, _)
        _put(sheet, row, 3, own.valid, own, _, number_format="0")
        if own.shown and line.rank is not None:
            for column, value in enumerate((line.rank.rank, line.rank.low, line.rank.high, line.rank.of), start=4):
                sheet.cell(row, column, value).number_format = "0"
        if own.shown and line.position:
            sheet.cell(row, 8, position_words(line.position, _))
        pooled = line.group_pooled
        if pooled is not None:
            _put(sheet, row, 9, pooled.share, pooled, _)
            _put(sheet, row, 10, pooled.valid, pooled, _, number_format="0")
        if line.group_mean is not None:
            sheet.cell(row, 11, line.group_mean).number_format = PERCENT
        national = line.national
        if national.shown:
            share = national.share if national.share is not None else (national.percent or 0) / 100
            sheet.cell(row, 12, share).number_format = PERCENT
            if national.valid is not None:
                sheet.cell(row, 13, national.valid).number_format = "0"
    sheet.append([])
    for source in comparison.sources:
        sheet.append([_("Källa: %(source)s") % {"source": source}])
    sheet.column_dimensions["A"].width = 28
    for letter in "HIJKL":
        sheet.column_dimensions[letter].width = 18


def _summary(sheet: Worksheet, data: ReportData, _: Gettext) -> None:
    sheet.append([f"{data.title} – {data.municipality} – {data.round_key}"])
    sheet["A1"].font = Font(bold=True)
    if not data.sections:
        return
    rows = data.sections[0].rows
    sheet.append([_("Fråga"), *(row.name for row in rows), _("Måltal")])
    for section in data.sections:
        sheet.append([section.short or section.key])
        line = sheet.max_row
        for column, row in enumerate(section.rows, start=2):
            _put(sheet, line, column, row.current.share, row.current, _)
        if section.target is not None:
            sheet.cell(line, len(rows) + 2, section.target.percent / 100).number_format = PERCENT
    sheet.column_dimensions["A"].width = 28


def _put(
    sheet: Worksheet,
    line: int,
    column: int,
    value: float | int | None,
    fig: Figure | None,
    _: Gettext,
    number_format: str = PERCENT,
) -> None:
    """A figure's value, or an empty cell with a note when it is suppressed."""
    if fig is None:
        return
    cell = sheet.cell(line, column)
    if not fig.shown:
        cell.comment = Comment(_("För få svar"), "Brukarenkät")
        return
    cell.value = value
    cell.number_format = number_format
