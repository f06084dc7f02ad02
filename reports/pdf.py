"""The report as a tagged PDF (PDF/UA-1) for the nämnd, rendered from the HTML report by WeasyPrint."""

from __future__ import annotations

import gettext

from weasyprint import HTML

from reports import html
from reports.data import ReportData


def render(data: ReportData, translations: gettext.NullTranslations | None = None) -> bytes:
    page = html.render(data, translations).decode("utf-8")
    return HTML(string=page).write_pdf(pdf_variant="pdf/ua-1") or b""
