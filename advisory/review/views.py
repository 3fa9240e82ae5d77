"""Submitting an inventory and the advisor's review: review mode, evidence, findings, visit,
life-cycle steps and the interview guide."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from advisory.access import can_edit_answers, can_review, can_view
from advisory.assessments.answer_forms import read_answer
from advisory.content import questionnaire
from advisory.extensions import db
from advisory.models import Assessment, Evidence
from advisory.review import pages
from advisory.services import evidence as evidence_service
from advisory.services import lifecycle
from advisory.services import review as service
from advisory.services.assessments import AnswerConflictError, AssessmentError, get_assessment
from advisory.views import require_area
from advisory.wording import evidence_error_text, step_done_text, step_error_text
from questionnaires import AnswerError

bp = Blueprint("review", __name__)


def _lang() -> str:
    return str(get_locale() or "de")


def _assessment(assessment_id: int) -> Assessment:
    """Load an assessment the user may see (404 otherwise)."""
    assessment = get_assessment(db.session, assessment_id)
    if assessment is None or not can_view(current_user, assessment.municipality):
        abort(404)
    return assessment


def _reviewable(assessment_id: int, *, now: bool = False) -> Assessment:
    """Load an assessment the user may review (403 otherwise); `now`: review mode must be on."""
    assessment = _assessment(assessment_id)
    if not can_review(current_user, assessment.municipality):
        abort(403)
    if now and not lifecycle.may_review(current_user, assessment):
        # Review mode is on only while the inventory is in review.
        abort(403)
    return assessment


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@require_area("municipalities")
def submit(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not can_edit_answers(current_user, assessment.municipality):
        abort(403)
    if request.method == "POST":
        return _step(assessment, "submit", request.form.get("comment", ""))
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    return render_template(
        "review/submit.html",
        **pages.submit_page(db.session, assessment, q, current_user, _lang()),
    )


@bp.post("/assessments/<int:assessment_id>/lifecycle")
@require_area("municipalities")
def step(assessment_id: int):
    assessment = _assessment(assessment_id)
    return _step(assessment, request.form.get("step", ""), request.form.get("comment", ""))


def _step(assessment: Assessment, name: str, comment: str):
    try:
        lifecycle.transition(db.session, assessment, name, current_user, comment[:5000])
    except lifecycle.TransitionError as error:
        if str(error) == "not_allowed":
            abort(403)
        flash(step_error_text(str(error)), "error")
        back = request.form.get("back", "")
        if back == "submit":
            return redirect(url_for(".submit", assessment_id=assessment.id))
        if can_review(current_user, assessment.municipality):
            return redirect(url_for(".overview", assessment_id=assessment.id))
        return redirect(url_for("assessments.overview", assessment_id=assessment.id))
    flash(step_done_text(name), "success")
    if name in ("start_review", "reopen"):
        return redirect(url_for(".overview", assessment_id=assessment.id))
    if name in ("validate", "request_changes"):
        return redirect(url_for(".overview", assessment_id=assessment.id))
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>/review")
@require_area("municipalities")
def overview(assessment_id: int):
    assessment = _reviewable(assessment_id)
    return render_template(
        "review/overview.html",
        **pages.overview_page(db.session, assessment, current_user, _lang()),
    )


@bp.get("/assessments/<int:assessment_id>/review/sections/<section_id>")
@require_area("municipalities")
def section(assessment_id: int, section_id: str):
    assessment = _reviewable(assessment_id)
    data = pages.section_page(db.session, assessment, section_id, current_user, _lang())
    if data is None:
        abort(404)
    return render_template("review/section.html", **data)


@bp.post("/assessments/<int:assessment_id>/review/answers/<question_id>")
@require_area("municipalities")
def save_answer(assessment_id: int, question_id: str):
    assessment = _reviewable(assessment_id, now=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(question_id)
    if question is None:
        abort(404)
    confirm = request.form.get("action") == "confirm"
    revision = request.form.get(f"rev-{question.id}", "0")
    try:
        answer = None if confirm else read_answer(question, request.form)
        result = service.save_review(
            db.session,
            assessment,
            question,
            answer,
            confirm=confirm,
            note=request.form.get("note", ""),
            follow_up=request.form.get("follow_up") == "1",
            expected_revision=int(revision) if revision.isdigit() else -1,
            user=current_user,
        )
    except AnswerError as error:
        return _answer_problem(assessment, question, 422, error.message(_lang()))
    except AssessmentError:
        message = _("There is no self-assessed answer to confirm; enter the reviewed value.")
        return _answer_problem(assessment, question, 422, message)
    except AnswerConflictError as conflict:
        info = pages.review_conflict(question, conflict.current, _lang())
        if _wants_json():
            return jsonify({"status": "conflict", **info}), 409
        flash(
            _("Someone else reviewed this answer meanwhile: %(theirs)s. Check it and save again.")
            % {"theirs": info["theirs"]},
            "error",
        )
        return _back_to(assessment, question)
    if _wants_json():
        return jsonify(
            {
                "status": "saved" if result.changed else "unchanged",
                "revision": result.row.revision,
            }
        )
    flash(_("The review of this answer has been saved."), "success")
    return _back_to(assessment, question)


def _answer_problem(assessment, question, code: int, message: str):
    if _wants_json():
        return jsonify({"status": "invalid", "message": message}), code
    flash(message, "error")
    return _back_to(assessment, question)


def _section_url(assessment: Assessment, question) -> str:
    """Return the address of the question on its review page."""
    section_id = "profile" if question.is_profile else question.domain
    anchor = "#r-" + question.id.replace(".", "-")
    return url_for(".section", assessment_id=assessment.id, section_id=section_id) + anchor


def _back_to(assessment: Assessment, question) -> Response:
    return redirect(_section_url(assessment, question))


@bp.post("/assessments/<int:assessment_id>/review/answers/<question_id>/evidence")
@require_area("municipalities")
def add_evidence(assessment_id: int, question_id: str):
    assessment = _reviewable(assessment_id, now=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(question_id)
    if question is None:
        abort(404)
    limit = int(current_app.config.get("EVIDENCE_MAX_BYTES", evidence_service.MAX_BYTES))
    # Leave room for the rest of the form; larger files are refused with a clear message.
    request.max_content_length = limit + 64 * 1024
    try:
        file = request.files.get("file")
        upload = (
            evidence_service.Upload(file.filename or "", file.read())
            if file is not None and file.filename
            else None
        )
        evidence_service.add_evidence(
            db.session,
            assessment,
            question.id,
            user=current_user,
            folder=_folder(),
            url=request.form.get("url", ""),
            text=request.form.get("text", ""),
            upload=upload,
            max_bytes=limit,
        )
    except RequestEntityTooLarge:
        flash(evidence_error_text("too_large", limit=max(1, limit // (1024 * 1024))), "error")
    except evidence_service.EvidenceError as error:
        flash(evidence_error_text(error.code, **error.details), "error")
    else:
        flash(_("The evidence has been added."), "success")
    return _back_to(assessment, question)


def _folder():
    return evidence_service.evidence_dir(
        current_app.config.get("EVIDENCE_FOLDER") or current_app.instance_path + "/evidence"
    )


def content_disposition(filename: str) -> str:
    """Return an attachment header that carries any file name safely (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@bp.get("/assessments/<int:assessment_id>/evidence/<int:evidence_id>")
@require_area("municipalities")
def evidence_file(assessment_id: int, evidence_id: int):
    assessment = _assessment(assessment_id)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.assessment_id != assessment.id or evidence.kind != "file":
        abort(404)
    path = evidence_service.file_path(_folder(), evidence)
    if not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype=evidence.media_type)
    response.headers["Content-Disposition"] = content_disposition(evidence.filename or "evidence")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(
    "/assessments/<int:assessment_id>/evidence/<int:evidence_id>/delete", methods=["GET", "POST"]
)
@require_area("municipalities")
def delete_evidence(assessment_id: int, evidence_id: int):
    """Ask before deleting (a page, so that it works without JavaScript), then delete."""
    assessment = _reviewable(assessment_id)
    evidence = evidence_service.evidence_item(db.session, assessment, evidence_id)
    if evidence is None:
        abort(404)
    if not lifecycle.may_review(current_user, assessment):
        abort(403)  # evidence can only be deleted while the review is open
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(evidence.question_id)
    if request.method == "POST":
        evidence_service.delete_evidence(db.session, evidence, user=current_user, folder=_folder())
        flash(_("The evidence has been deleted."), "success")
        if question is None:  # a question of an older questionnaire version
            return redirect(url_for(".overview", assessment_id=assessment.id))
        return _back_to(assessment, question)
    back = url_for(".overview", assessment_id=assessment.id)
    if question is not None:
        back = _section_url(assessment, question)
    return render_template(
        "review/delete_evidence.html",
        assessment=assessment,
        evidence=pages.evidence_lines([evidence], evidence.question_id)[0],
        question_text=question.text.get(_lang()) if question else evidence.question_id,
        back=back,
    )


@bp.post("/assessments/<int:assessment_id>/review/findings")
@require_area("municipalities")
def add_finding(assessment_id: int):
    assessment = _reviewable(assessment_id, now=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    domain_id = request.form.get("domain_id", "")
    try:
        service.add_finding(
            db.session,
            assessment,
            q,
            domain_id=domain_id,
            kind=request.form.get("kind", ""),
            severity=request.form.get("severity", ""),
            text=request.form.get("text", ""),
            user=current_user,
        )
    except AssessmentError as error:
        if str(error) == "unknown_domain":
            abort(404)
        message = _("Please choose the kind and severity and describe the finding.")
        if _wants_json():
            return jsonify({"status": "invalid", "message": message}), 422
        flash(message, "error")
    else:
        if _wants_json():  # sent from the browser's queue of changes made offline
            return jsonify({"status": "saved"})
        flash(_("The finding has been recorded."), "success")
    return redirect(
        url_for(".section", assessment_id=assessment.id, section_id=domain_id) + "#findings"
    )


@bp.post("/assessments/<int:assessment_id>/review/findings/<int:finding_id>/delete")
@require_area("municipalities")
def delete_finding(assessment_id: int, finding_id: int):
    assessment = _reviewable(assessment_id, now=True)
    domain_id = request.form.get("domain_id", "")
    if not service.delete_finding(db.session, assessment, finding_id):
        abort(404)
    if _wants_json():
        return jsonify({"status": "saved"})
    flash(_("The finding has been deleted."), "success")
    return redirect(
        url_for(".section", assessment_id=assessment.id, section_id=domain_id) + "#findings"
    )


@bp.post("/assessments/<int:assessment_id>/review/record")
@require_area("municipalities")
def save_record(assessment_id: int):
    assessment = _reviewable(assessment_id, now=True)
    text = request.form.get("visit_date", "").strip()
    try:
        visit_date = dt.date.fromisoformat(text) if text else None
    except ValueError:
        message = _("Please enter the date of the visit as YYYY-MM-DD, e.g. 2026-12-03.")
        if _wants_json():
            return jsonify({"status": "invalid", "message": message}), 422
        flash(message, "error")
        return redirect(url_for(".overview", assessment_id=assessment.id) + "#record")
    current = service.record(db.session, assessment)
    if _wants_json() and request.form.get("rev-record", "") != service.record_revision(current):
        # Sent from the offline queue, but someone saved the record since the page was loaded.
        return jsonify(
            {
                "status": "conflict",
                "revision": service.record_revision(current),
                "theirs": (current.summary or current.visit_place or "–")[:200],
                "by": current.updated_by.name if current.updated_by else None,
            }
        ), 409
    row = service.save_record(
        db.session,
        assessment,
        summary=request.form.get("summary", ""),
        visit_date=visit_date,
        visit_place=request.form.get("visit_place", ""),
        participants=request.form.get("participants", ""),
        user=current_user,
    )
    if _wants_json():
        return jsonify({"status": "saved", "revision": service.record_revision(row)})
    flash(_("The summary and the visit record have been saved."), "success")
    return redirect(url_for(".overview", assessment_id=assessment.id) + "#record")


@bp.get("/assessments/<int:assessment_id>/review/guide.pdf")
@require_area("municipalities")
def guide(assessment_id: int):
    assessment = _reviewable(assessment_id)
    chosen = request.args.getlist("domain")
    pdf = pages.guide_pdf(db.session, assessment, chosen, _lang())
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="gespraechsleitfaden-{assessment.municipality.ags}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
