"""The report of an assessment as a web page, a PDF and data exports (XLSX, CSV, JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import get_locale
from flask_login import current_user

from advisory.access import can_view
from advisory.extensions import db
from advisory.models import Assessment
from advisory.reporting import MEDIA_TYPES, build_report, download_name, render_format, render_page
from advisory.views import require_area

bp = Blueprint("report", __name__)


def _assessment(assessment_id: int) -> Assessment:
    """Load an assessment the current user may see (404 otherwise), as the results page does."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_view(current_user, assessment.municipality):
        abort(404)
    return assessment


def _own(assessment: Assessment) -> bool:
    """Tell whether this is the municipality's own full edition (names of trainees shown)."""
    return current_user.municipality_id == assessment.municipality_id


def _lang() -> str:
    asked = request.args.get("lang", "")
    return asked if asked in ("de", "en") else str(get_locale() or "de")


@bp.get("/assessments/<int:assessment_id>/report")
@require_area("municipalities")
def page(assessment_id: int):
    assessment = _assessment(assessment_id)
    report = build_report(db.session, assessment, _lang(), with_names=_own(assessment))
    return render_page(report, assessment_id=assessment.id)


def _download(assessment_id: int, fmt: str) -> Response:
    assessment = _assessment(assessment_id)
    lang = _lang()
    body = render_format(db.session, assessment, fmt, lang, with_names=_own(assessment))
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{download_name(assessment, fmt, lang)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@require_area("municipalities")
def pdf(assessment_id: int):
    return _download(assessment_id, "pdf")


@bp.get("/assessments/<int:assessment_id>/report.xlsx")
@require_area("municipalities")
def xlsx(assessment_id: int):
    return _download(assessment_id, "xlsx")


@bp.get("/assessments/<int:assessment_id>/report.csv")
@require_area("municipalities")
def csv(assessment_id: int):
    return _download(assessment_id, "csv")


@bp.get("/assessments/<int:assessment_id>/report.json")
@require_area("municipalities")
def json(assessment_id: int):
    return _download(assessment_id, "json")
