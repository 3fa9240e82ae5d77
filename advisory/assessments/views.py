"""Answering an inventory: overview, one page per domain, autosave, conflicts and history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advisory.access import can_edit_answers, can_view
from advisory.assessments.answer_forms import QuestionState, describe, read_answer, submitted
from advisory.assessments.fragments import question_html, recommendations_html
from advisory.chart_json import bars_json, radar_json
from advisory.charts import ChartDomain
from advisory.content import questionnaire, questionnaire_to_start
from advisory.extensions import db
from advisory.inputs import MAX_ID, parse_int
from advisory.models import Assessment, Municipality
from advisory.review.pages import results_extras, status_box
from advisory.services import assessments as service
from advisory.services.assessments import get_assessment
from advisory.services.associations import inheritance, member_rows, source_label
from advisory.services.lifecycle import may_edit_answers
from advisory.services.peers import peer_medians
from advisory.services.plan import plan_view
from advisory.services.results import compute_results, set_targets
from advisory.services.training import completed_for_section
from advisory.views import require_area
from advisory.wording import level_labeller
from questionnaires import AnswerError, Question
from recommendations.scoring import MIN_COVERAGE

bp = Blueprint("assessments", __name__)

PROFILE = "profile"


def _lang() -> str:
    return str(get_locale() or "de")


def _assessment(assessment_id: int, *, edit: bool = False) -> Assessment:
    """Load an assessment the current user may see (404 otherwise), or edit (403 otherwise)."""
    assessment = get_assessment(db.session, assessment_id)
    if assessment is None or not can_view(current_user, assessment.municipality):
        abort(404)
    if edit and not _may_edit(assessment):
        abort(403)
    return assessment


def _may_edit(assessment: Assessment) -> bool:
    return may_edit_answers(current_user, assessment)


def _section(questionnaire_, section_id: str):
    if section_id == PROFILE:
        return questionnaire_.profile
    for domain in questionnaire_.domains:
        if domain.id == section_id:
            return domain
    abort(404)


@bp.post("/municipalities/<ags>/assessments")
@require_area("municipalities")
def start(ags: str):
    municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
    if municipality is None or not can_view(current_user, municipality):
        abort(404)
    if not can_edit_answers(current_user, municipality):
        abort(403)
    existing = service.open_assessment(db.session, municipality)
    if existing is not None:
        flash(_("An inventory is already in progress; it has been opened."), "info")
        return redirect(url_for("assessments.overview", assessment_id=existing.id))
    chosen = questionnaire_to_start(request.form.get("questionnaire") or None)
    if chosen is None:
        flash(_("This questionnaire is not offered. Please choose one from the list."), "error")
        return redirect(url_for("municipalities.show", ags=municipality.ags))
    newest = service.assessments_of(db.session, municipality)
    # Answers carry over only between versions of the same questionnaire.
    previous_questionnaire = (
        questionnaire(newest[0].questionnaire_id, newest[0].questionnaire_version)
        if newest and newest[0].questionnaire_id == chosen.id
        else None
    )
    assessment = service.start_assessment(
        db.session, municipality, current_user, chosen, previous_questionnaire
    )
    flash(
        _("The inventory has been started. Begin with the profile of your municipality."), "success"
    )
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>")
@require_area("municipalities")
def overview(assessment_id: int):
    assessment = _assessment(assessment_id)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    rows, inherited = member_rows(
        db.session, assessment, q, service.answer_rows(db.session, assessment)
    )
    facts = service.municipality_facts(assessment.municipality)
    sections, visible = service.progress(
        q, rows, facts, service.domain_states(db.session, assessment)
    )
    open_questions = [
        (section, question)
        for section in [q.profile, *q.domains]
        for question in section.questions
        if question.id in visible
        and question.id not in rows
        and not (inherited and question.id in inherited.question_ids)
        and not _domain_na(sections, getattr(section, "id", PROFILE))
    ]
    resume = _resume_section(rows, q, sections)
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        questionnaire=q,
        sections=sections,
        titles={PROFILE: q.profile.title, **{d.id: d.title for d in q.domains}},
        open_questions=open_questions[:50],
        open_count=len(open_questions),
        resume=resume,
        may_edit=_may_edit(assessment),
        lang=_lang(),
        inherited_from=source_label(inherited.association) if inherited else None,
        box=status_box(db.session, assessment, current_user, _lang()),
    )


def _domain_na(sections, section_id: str) -> bool:
    return any(s.id == section_id and s.not_applicable for s in sections)


def _resume_section(rows, q, sections) -> str:
    """Return the section edited last if unfinished, else the first unfinished one."""
    if rows:
        last = max(rows.values(), key=lambda r: r.updated_at)
        question = q.find_question(last.question_id)
        if question is not None:
            section_id = PROFILE if question.is_profile else question.domain
            if not next(s for s in sections if s.id == section_id).complete:
                return section_id
    return next((s.id for s in sections if not s.complete), PROFILE)


@bp.route("/assessments/<int:assessment_id>/sections/<section_id>", methods=["GET", "POST"])
@require_area("municipalities")
def section(assessment_id: int, section_id: str):
    assessment = _assessment(assessment_id, edit=request.method == "POST")
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    current = _section(q, section_id)
    errors: dict[str, str] = {}
    conflicts: dict[str, dict] = {}
    if request.method == "POST":
        shared = _inherited_ids(assessment, q)
        own = tuple(x for x in current.questions if x.id not in shared)
        errors, conflicts = _save_page(assessment, own)
        if not errors and not conflicts:
            flash(_("Your answers have been saved."), "success")
            target = request.form.get("next_section")
            if target:
                return redirect(url_for(".section", assessment_id=assessment.id, section_id=target))
            return redirect(url_for(".section", assessment_id=assessment.id, section_id=section_id))
    return _render_section(
        assessment,
        q,
        current,
        section_id,
        errors,
        conflicts,
        status=422 if errors or conflicts else 200,
    )


def _inherited_ids(assessment: Assessment, q) -> frozenset[str]:
    """Return the questions this member inventory takes from its association (read-only)."""
    inherited = inheritance(db.session, assessment, q)
    return inherited.question_ids if inherited else frozenset()


def _save_page(assessment: Assessment, questions: tuple[Question, ...]):
    """Save every question of the submitted page that changed; collect errors and conflicts."""
    errors: dict[str, str] = {}
    conflicts: dict[str, dict] = {}
    discard = set(request.form.getlist("discard"))
    for question in questions:
        if not submitted(question, request.form) or question.id in discard:
            continue
        try:
            answer = read_answer(question, request.form)
            revision = _revision(question)
        except AnswerError as error:
            errors[question.id] = error.message(_lang())
            continue
        try:
            service.save_answer(db.session, assessment, question, answer, revision, current_user)
        except service.AnswerConflictError as conflict:
            conflicts[question.id] = _conflict_info(question, conflict)
    return errors, conflicts


def _revision(question: Question) -> int:
    """Return the revision the page showed; a malformed one is a 422 with a clear message."""
    text = request.form.get(f"rev-{question.id}", "0")
    revision = parse_int(text, high=MAX_ID)
    if revision is None:
        raise AnswerError(
            question.id,
            "Die Seite war unvollständig. Bitte neu laden und die Antwort erneut eingeben.",
            "The page was incomplete. Please reload it and enter the answer again.",
        )
    return revision


def _conflict_info(question: Question, conflict) -> dict:
    lang = _lang()
    row = conflict.current
    return {
        "revision": row.revision if row else conflict.revision,
        "theirs": describe(question, row.status if row else None, row.value if row else None, lang),
        "by": row.updated_by.name if row and row.updated_by else None,
        "at": row.updated_at if row else None,
        "answer": {"status": row.status, "value": row.value} if row else None,
    }


def _render_section(
    assessment, q, current, section_id, errors, conflicts, status=200, na_error=None
):
    page = service.section_page(db.session, assessment, q, section_id, current.questions)
    rows, inherited = page.rows, page.inherited
    order = [PROFILE, *(d.id for d in q.domains)]
    index = order.index(section_id)
    form = request.form if request.method == "POST" else None
    lang = _lang()
    return render_template(
        "assessments/section.html",
        assessment=assessment,
        questionnaire=q,
        section=current,
        section_id=section_id,
        progress=page.progress,
        states={q.id: QuestionState(q, rows.get(q.id), form, lang) for q in current.questions},
        question_html=question_html,
        version_key=(q.id, q.version),
        visible=page.visible,
        errors=errors,
        conflicts=conflicts,
        submitted_form=form,
        previous_section=order[index - 1] if index > 0 else None,
        next_section=order[index + 1] if index + 1 < len(order) else None,
        titles={PROFILE: q.profile.title, **{d.id: d.title for d in q.domains}},
        may_edit=_may_edit(assessment),
        lang=lang,
        na_error=na_error,
        inherited=inherited.question_ids if inherited else frozenset(),
        inherited_from=source_label(inherited.association) if inherited else None,
        completed_trainings=completed_for_section(
            db.session, current_user, assessment, section_id, lang
        ),
    ), status


@bp.post("/assessments/<int:assessment_id>/answers/<question_id>")
@require_area("municipalities")
def save_one(assessment_id: int, question_id: str):
    """Autosave one answer (JSON); the page falls back to a whole-form save without JavaScript."""
    assessment = _assessment(assessment_id, edit=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(question_id)
    if question is None:
        abort(404)
    if question.id in _inherited_ids(assessment, q):
        message = _("This answer comes from the shared administration; only it can change it.")
        return jsonify({"status": "invalid", "message": message}), 403
    try:
        answer = read_answer(question, request.form)
        revision = _revision(question)
    except AnswerError as error:
        return jsonify({"status": "invalid", "message": error.message(_lang())}), 422
    try:
        result = service.save_answer(
            db.session, assessment, question, answer, revision, current_user
        )
    except service.AnswerConflictError as conflict:
        info = _conflict_info(question, conflict)
        # Only what the conflict dialog shows and needs to resolve it.
        fields = ("revision", "theirs", "by", "answer")
        return jsonify({"status": "conflict", **{key: info[key] for key in fields}}), 409
    answers = result.answers
    if answers is None:
        answers = service.load_answers(db.session, assessment)
    visible = service.visible_for(q, answers, service.municipality_facts(assessment.municipality))
    return jsonify(
        {
            "status": "saved" if result.changed else "unchanged",
            "revision": result.revision,
            "visible": sorted(visible),
        }
    )


@bp.post("/assessments/<int:assessment_id>/sections/<section_id>/applicability")
@require_area("municipalities")
def applicability(assessment_id: int, section_id: str):
    assessment = _assessment(assessment_id, edit=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    domain = _section(q, section_id)
    if section_id == PROFILE or not domain.allow_not_applicable:
        abort(404)
    not_applicable = request.form.get("not_applicable") == "1"
    try:
        service.set_domain_applicability(
            db.session,
            assessment,
            section_id,
            not_applicable=not_applicable,
            reason=request.form.get("reason", "")[:2000],
            user=current_user,
        )
    except service.AssessmentError:
        message = _("Please give a reason why this domain does not apply to your municipality.")
        return _render_section(
            assessment, q, domain, section_id, {}, {}, status=422, na_error=message
        )
    else:
        flash(
            _("The domain is marked as not applicable and is left out of the score.")
            if not_applicable
            else _("The domain applies again."),
            "success",
        )
    return redirect(url_for(".section", assessment_id=assessment.id, section_id=section_id))


@bp.get("/assessments/<int:assessment_id>/answers/<question_id>/history")
@require_area("municipalities")
def history(assessment_id: int, question_id: str):
    assessment = _assessment(assessment_id)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(question_id)
    if question is None:
        abort(404)
    lang = _lang()
    changes = [
        {
            "at": change.changed_at,
            "by": change.changed_by.name if change.changed_by else "",
            "old": describe(question, change.old_status, change.old_value, lang),
            "new": describe(question, change.new_status, change.new_value, lang),
            "kind": change.kind,
        }
        for change in service.answer_history(db.session, assessment, question_id)
    ]
    return render_template(
        "assessments/history.html",
        assessment=assessment,
        question=question,
        changes=changes,
        lang=lang,
        section_id=PROFILE if question.is_profile else question.domain,
    )


@bp.get("/assessments/<int:assessment_id>/results")
@require_area("municipalities")
def results(assessment_id: int):
    assessment = _assessment(assessment_id)
    computed = compute_results(db.session, assessment)
    lang = _lang()
    peers = peer_medians(db.session, assessment.municipality, synthetic=assessment.synthetic)
    chart_domains = [
        ChartDomain(d.title.get(lang), d.score, d.level, d.target, peers.level(d.id))
        for d in computed.scores.domains
        if d.applicable
    ]
    scoring = computed.questionnaire.scoring
    plan = plan_view(db.session, assessment, computed)
    return render_template(
        "assessments/results.html",
        assessment=assessment,
        results=computed,
        radar=radar_json(chart_domains, lang, scoring.max_level),
        bars=bars_json(chart_domains, lang, _band_starts(scoring)),
        level_label=level_labeller(scoring, lang),
        levels=scoring.levels,
        own_levels=scoring.labels,
        may_edit=_may_edit(assessment),
        lang=lang,
        peers=peers,
        plan=plan,
        recommendations_html=recommendations_html(assessment.id, computed, plan, lang),
        min_coverage=round(100 * MIN_COVERAGE),
        question_titles=lambda ids: [
            computed.questionnaire.find_question(i).text.get(lang) for i in ids
        ],
        **results_extras(db.session, assessment, computed, lang),
    )


def _band_starts(scoring) -> tuple[float, ...]:
    return tuple(band.from_ for band in scoring.bands)


@bp.post("/assessments/<int:assessment_id>/targets")
@require_area("municipalities")
def targets(assessment_id: int):
    assessment = _assessment(assessment_id, edit=True)
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    chosen: dict[str, int | None] = {}
    for domain in q.domains:
        text = request.form.get(f"target-{domain.id}", "")
        chosen[domain.id] = int(text) if text in {str(n) for n in q.scoring.levels} else None
    set_targets(db.session, assessment, chosen, current_user)
    flash(_("The target levels have been saved."), "success")
    return redirect(url_for(".results", assessment_id=assessment.id) + "#targets")
