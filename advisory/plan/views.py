"""Action plan pages: every recommended step with status, owner, due date and notes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from advisory.access import can_edit_answers, can_view
from advisory.extensions import db
from advisory.models import Assessment
from advisory.services.assessments import get_assessment
from advisory.services.plan import PlanError, plan_view, save_plan_item
from advisory.services.results import compute_results
from advisory.views import require_area
from advisory.wording import plan_status_choices

bp = Blueprint("plan", __name__)


def _assessment(assessment_id: int) -> Assessment:
    assessment = get_assessment(db.session, assessment_id)
    if assessment is None or not can_view(current_user, assessment.municipality):
        abort(404)
    return assessment


@bp.get("/assessments/<int:assessment_id>/plan")
@require_area("municipalities")
def page(assessment_id: int):
    assessment = _assessment(assessment_id)
    lang = str(get_locale() or "de")
    view = plan_view(db.session, assessment, compute_results(db.session, assessment))
    return render_template(
        "plan/plan.html",
        assessment=assessment,
        view=view,
        lang=lang,
        statuses=plan_status_choices(),
        may_edit=can_edit_answers(current_user, assessment.municipality),
    )


@bp.post("/assessments/<int:assessment_id>/plan")
@require_area("municipalities")
def save(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not can_edit_answers(current_user, assessment.municipality):
        abort(403)
    results = compute_results(db.session, assessment)
    key = request.form.get("key", "")
    lang = str(get_locale() or "de")
    keys = {r.key: r.text.get(lang) for r in results.evaluation.recommendations}
    try:
        save_plan_item(db.session, assessment, key, request.form.to_dict(), current_user, keys)
    except PlanError as error:
        flash(str(error.args[0]), "error")
        return redirect(url_for(".page", assessment_id=assessment.id), 303)
    flash(_("The action plan has been saved."), "success")
    anchor = "#step-" + key.replace(":", "-")
    return redirect(url_for(".page", assessment_id=assessment.id) + anchor, 303)
