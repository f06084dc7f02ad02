"""The report formats: an identifier, a file suffix and a media type, and `render(data, translations)`."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass

from reports import csv_table, html, kolada, pdf, xlsx
from reports.data import ReportData

Renderer = Callable[[ReportData, gettext.NullTranslations | None], bytes]


@dataclass(frozen=True, slots=True)
class Format:
    key: str
    suffix: str
    media_type: str
    render: Renderer


FORMATS = {
    f.key: f
    for f in (
        Format("html", ".html", "text/html; charset=utf-8", html.render),
        Format("pdf", ".pdf", "application/pdf", pdf.render),
        Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.render),
        Format("csv", ".csv", "text/csv; charset=utf-8", csv_table.render),
        Format("kolada", ".json", "application/json", kolada.render),
    )
}
