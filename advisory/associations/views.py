"""An association's page: its members with their inventories, and its shared inventory."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from advisory.access import can_edit_association, can_view, can_view_association
from advisory.assessments.answer_forms import QuestionState
from advisory.assessments.views import _save_page
from advisory.content import current_questionnaire, questionnaire
from advisory.extensions import db
from advisory.models import Association
from advisory.services import associations as service
from advisory.services.assessments import answer_rows
from advisory.views import require_area
from advisory.wording import association_kind
from questionnaires import visible_questions

bp = Blueprint("associations", __name__, url_prefix="/associations")


def _lang() -> str:
    return str(get_locale() or "de")


def _association(code: str) -> Association:
    """Load an association the current user may see (404 otherwise)."""
    association = service.association_by_code(db.session, code[:9])
    if association is None or not can_view_association(current_user, association):
        abort(404)
    return association


@bp.get("/<code>")
@require_area("associations")
def show(code: str):
    association = _association(code)
    inventory = service.association_inventory(db.session, association)
    sections = []
    if inventory is not None:
        q = questionnaire(inventory.questionnaire_id, inventory.questionnaire_version)
        sections = service.shared_sections(db.session, inventory, q)
    return render_template(
        "associations/show.html",
        association=association,
        kind=association_kind(association.kind),
        district=service.district_name(db.session, association),
        inventory=inventory,
        sections=sections,
        members=[
            (line, can_view(current_user, line.municipality))
            for line in service.member_lines(db.session, association)
        ],
        may_edit=can_edit_association(current_user, association),
        lang=_lang(),
    )


@bp.post("/<code>/inventory")
@require_area("associations")
def start(code: str):
    association = _association(code)
    if not can_edit_association(current_user, association):
        abort(403)
    try:
        service.start_association_inventory(
            db.session, association, current_user, current_questionnaire()
        )
    except service.AssociationError:
        flash(_("The shared inventory is already in progress."), "info")
    else:
        flash(
            _("The shared inventory has been started. Its answers count for every member."),
            "success",
        )
    return redirect(url_for(".show", code=association.code))


@bp.route("/<code>/inventory/<section_id>", methods=["GET", "POST"])
@require_area("associations")
def section(code: str, section_id: str):
    association = _association(code)
    inventory = service.association_inventory(db.session, association)
    if inventory is None:
        abort(404)
    may_edit = can_edit_association(current_user, association)
    if request.method == "POST" and not may_edit:
        abort(403)
    q = questionnaire(inventory.questionnaire_id, inventory.questionnaire_version)
    sections = service.shared_sections(db.session, inventory, q)
    if section_id not in {s.id for s in sections}:
        abort(404)
    domain = q.domain(section_id)
    shared = tuple(x for x in domain.questions if x.answered_by == "administration")
    errors, conflicts = {}, {}
    if request.method == "POST":
        errors, conflicts = _save_page(inventory, shared)
        if not errors and not conflicts:
            flash(_("Your answers have been saved. They count for every member."), "success")
            return redirect(url_for(".section", code=association.code, section_id=section_id))
    rows = answer_rows(db.session, inventory)
    answers = {qid: row for qid, row in rows.items()}
    visible = visible_questions(
        q,
        {qid: {"status": r.status, "value": r.value} for qid, r in answers.items()},
        service.association_facts(db.session, association),
    )
    form = request.form if request.method == "POST" else None
    lang = _lang()
    order = [s.id for s in sections]
    index = order.index(section_id)
    return render_template(
        "associations/section.html",
        association=association,
        kind=association_kind(association.kind),
        inventory=inventory,
        questionnaire=q,
        domain=domain,
        questions=shared,
        section=next(s for s in sections if s.id == section_id),
        states={x.id: QuestionState(x, rows.get(x.id), form, lang) for x in shared},
        visible=visible,
        errors=errors,
        conflicts=conflicts,
        may_edit=may_edit,
        previous_section=sections[index - 1] if index > 0 else None,
        next_section=sections[index + 1] if index + 1 < len(sections) else None,
        lang=lang,
    ), 422 if errors or conflicts else 200
