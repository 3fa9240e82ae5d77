"""The assessment report: plain report data built from the results, rendered as HTML, PDF and files.

`build_report` turns an assessment into a frozen `Report`; `render_*` turn a Report into a page,
a document or PDF bytes; `render_format` is the one entry point of the web downloads and the CLI.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from advisory.models import Assessment
from advisory.reporting.build import build_report, report_from_results
from advisory.reporting.data import Report
from advisory.reporting.render import (
    chart_images,
    clear_pdf_cache,
    figures,
    html_to_pdf,
    render_document,
    render_html_file,
    render_page,
    render_pdf,
)

FORMATS = ("pdf", "html", "xlsx", "csv", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Report",
    "build_report",
    "chart_images",
    "clear_pdf_cache",
    "download_name",
    "figures",
    "html_to_pdf",
    "render_document",
    "render_format",
    "render_html_file",
    "render_page",
    "render_pdf",
    "report_from_results",
]


def render_format(
    session: Session, assessment: Assessment, fmt: str, lang: str = "de", *, with_names=False
) -> bytes:
    """Return the assessment's report or export in `fmt` (one of FORMATS) as bytes.

    `with_names`: the municipality's own full edition names the staff booked for trainings.
    """
    from advisory import exports

    if fmt == "json":
        return exports.assessment_json(session, assessment)
    report = build_report(session, assessment, lang, with_names=with_names)
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "html":
        return render_html_file(report).encode("utf-8")
    if fmt == "xlsx":
        return exports.report_xlsx(report)
    if fmt == "csv":
        return exports.answers_csv(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def download_name(assessment: Assessment, fmt: str, lang: str = "de") -> str:
    """Return a file name such as 'bericht-07333001-2026-11-29.pdf' (ASCII only)."""
    stem = "bericht" if lang == "de" else "report"
    if fmt in ("json", "csv"):
        stem = "inventur" if lang == "de" else "inventory"
    return f"{stem}-{assessment.municipality.ags}-{assessment.id}.{fmt}"
