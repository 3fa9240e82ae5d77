"""The report of an assessment as a web page, a PDF and data exports (XLSX, CSV, JSON).

PDFs are rendered by the background worker (`advisory worker`): the page asks for a report
job, the job page shows its progress and offers the download; web workers never render them.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from advisory.access import can_view
from advisory.extensions import db
from advisory.models import Assessment
from advisory.report.forms import ReportJobForm
from advisory.reporting import MEDIA_TYPES, build_report, download_name, render_format, render_page
from advisory.services import report_jobs
from advisory.services.assessments import get_assessment
from advisory.views import require_area
from advisory.wording import REPORT_EDITIONS, report_job_message

bp = Blueprint("report", __name__)


def _assessment(assessment_id: int) -> Assessment:
    """Load an assessment the current user may see (404 otherwise), as the results page does."""
    assessment = get_assessment(db.session, assessment_id)
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
    lang = _lang()
    report = build_report(db.session, assessment, lang, with_names=_own(assessment))
    form = ReportJobForm(lang=lang)
    return render_page(report, assessment_id=assessment.id, job_form=form)


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
    """The PDF at once when it is cached (or rendered eagerly); otherwise its job's page."""
    assessment = _assessment(assessment_id)
    edition = request.args.get("edition", "full")
    try:
        job = report_jobs.request_report(
            db.session, current_user, assessment, edition=edition, language=_lang()
        )
    except report_jobs.ReportJobError:
        abort(400)
    found = report_jobs.report_file(db.session, current_user, job.id, assessment.id)
    if found is None:
        return redirect(url_for(".job", assessment_id=assessment.id, job_id=job.id))
    return _pdf_response(*found)


@bp.post("/assessments/<int:assessment_id>/report/jobs")
@require_area("municipalities")
def request_job(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = ReportJobForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for(".page", assessment_id=assessment.id))
    job = report_jobs.request_report(
        db.session, current_user, assessment, edition=form.edition.data, language=form.lang.data
    )
    return redirect(url_for(".job", assessment_id=assessment.id, job_id=job.id))


def _job(assessment_id: int, job_id: int) -> report_jobs.JobView:
    try:
        return report_jobs.job_status(db.session, current_user, job_id, assessment_id)
    except report_jobs.JobNotFound:
        abort(404)


@bp.get("/assessments/<int:assessment_id>/report/jobs/<int:job_id>")
@require_area("municipalities")
def job(assessment_id: int, job_id: int):
    assessment = _assessment(assessment_id)
    view = _job(assessment.id, job_id)
    form = ReportJobForm(edition=view.edition, lang=view.lang)
    return render_template(
        "reports/job.html",
        assessment=assessment,
        job=view,
        edition=REPORT_EDITIONS[view.edition],
        message=report_job_message(view),
        form=form,
    )


@bp.get("/assessments/<int:assessment_id>/report/jobs/<int:job_id>/status")
@require_area("municipalities")
def job_status(assessment_id: int, job_id: int):
    view = _job(assessment_id, job_id)
    response = jsonify(
        status=view.status,
        step=view.step,
        steps=view.steps,
        message=report_job_message(view),
        download=url_for(".job_file", assessment_id=assessment_id, job_id=job_id)
        if view.ready
        else None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/assessments/<int:assessment_id>/report/jobs/<int:job_id>/report.pdf")
@require_area("municipalities")
def job_file(assessment_id: int, job_id: int):
    try:
        found = report_jobs.report_file(db.session, current_user, job_id, assessment_id)
    except report_jobs.JobNotFound:
        abort(404)
    if found is None:
        return redirect(url_for(".job", assessment_id=assessment_id, job_id=job_id))
    return _pdf_response(*found)


def _pdf_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype=MEDIA_TYPES["pdf"])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


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
