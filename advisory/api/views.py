"""Endpoints of /api/v1: parse, check access (advisory.access), call a service, return data."""

from __future__ import annotations

import datetime as dt

from flask import abort, make_response, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import select

from advisory.access import can_edit_answers, can_view
from advisory.api import schemas as s
from advisory.api.auth import ANY_ROLE, api_user, area, authenticate_request
from advisory.api.problems import MEDIA_TYPE, problem
from advisory.content import current_questionnaire, questionnaire, questionnaire_to_start
from advisory.extensions import db
from advisory.models import Assessment, Municipality
from advisory.services import assessments as service
from advisory.services.catalogue import current_catalogue, filter_solutions
from advisory.services.lifecycle import may_edit_answers
from advisory.services.municipalities import search_municipalities
from advisory.services.plan import plan_view
from advisory.services.report_jobs import (
    JobNotFound,
    job_status,
    latest_jobs,
    report_file,
    request_report,
)
from advisory.services.results import compute_results, results_as_dict
from advisory.wording import report_job_message
from questionnaires import AnswerError, validate_answer

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Municipalities, inventories, answers, results, plans and the catalogue.",
)
bp.before_request(authenticate_request)


def problems(*codes: int):
    """Document the problem responses an operation can give (401 and 429 always)."""

    def decorator(view):
        for code in sorted({401, 429, *codes}):
            view = bp.alt_response(code, schema=s.ProblemSchema, content_type=MEDIA_TYPE)(view)
        return view

    return decorator


def _lang() -> str:
    return str(get_locale() or "de")


def _municipality(ags: str) -> Municipality:
    municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags[:8]))
    if municipality is None or not can_view(api_user(), municipality):
        abort(404)
    return municipality


def _inventory(assessment_id: int, *, edit: bool = False) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_view(api_user(), assessment.municipality):
        abort(404)
    if edit and not may_edit_answers(api_user(), assessment):
        abort(403)
    return assessment


def _inventory_data(assessment: Assessment) -> dict:
    return {
        "id": assessment.id,
        "municipality_ags": assessment.municipality.ags,
        "municipality_name": assessment.municipality.name,
        "questionnaire_id": assessment.questionnaire_id,
        "questionnaire_version": assessment.questionnaire_version,
        "status": str(assessment.status),
        "revision": assessment.revision,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "may_edit": may_edit_answers(api_user(), assessment),
    }


def _answer_data(question_id: str, row) -> dict:
    return {
        "question_id": question_id,
        "answer": {"status": row.status, "value": row.value} if row else None,
        "revision": row.revision if row else 0,
        "updated_at": row.updated_at if row else None,
        "updated_by": row.updated_by.name if row and row.updated_by else None,
    }


@bp.get("/me")
@bp.response(200, s.UserSchema)
@problems()
@area(ANY_ROLE)
def me():
    """The account the token belongs to."""
    user = api_user()
    own = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": str(user.role),
        "municipality_ags": own.ags if own else None,
        "language": user.language,
    }


@bp.get("/municipalities")
@bp.arguments(s.SearchArgs, location="query", unknown=RAISE)
@bp.response(200, s.MunicipalitySchema(many=True))
@problems(403, 422)
@area("municipalities")
def municipalities(args):
    """Search the directory by name, postal code or official key (AGS)."""
    user = api_user()
    return [
        {
            "ags": m.ags,
            "name": m.name,
            "district": m.district_name,
            "state": m.state_name,
            "population": m.population,
            "postal_code": m.postal_code,
            "accessible": can_view(user, m),
        }
        for m in search_municipalities(db.session, args["q"].strip(), limit=args["limit"])
    ]


@bp.get("/municipalities/<ags>/inventories")
@bp.response(200, s.InventorySchema(many=True))
@problems(403, 404)
@area("municipalities")
def inventories(ags: str):
    """The municipality's inventories, newest first."""
    municipality = _municipality(ags)
    return [_inventory_data(a) for a in service.assessments_of(db.session, municipality)]


@bp.post("/municipalities/<ags>/inventories")
@bp.response(201, s.InventorySchema)
@problems(403, 404, 409)
@area("municipalities")
def create_inventory(ags: str):
    """Start a new inventory (answers of the previous one are carried over).

    Only one inventory per municipality can be open: if one is, the answer is 409 and names it.
    """
    municipality = _municipality(ags)
    if not can_edit_answers(api_user(), municipality):
        abort(403)
    existing = service.open_assessment(db.session, municipality)
    if existing is not None:
        return problem(
            409,
            _(
                "An inventory is already in progress (number %(id)s); continue that one.",
                id=existing.id,
            ),
            inventory_id=existing.id,
        )
    newest = service.assessments_of(db.session, municipality)
    previous = (
        questionnaire(newest[0].questionnaire_id, newest[0].questionnaire_version)
        if newest
        else None
    )
    assessment = service.start_assessment(
        db.session,
        municipality,
        api_user(),
        questionnaire_to_start(None) or current_questionnaire(),
        previous,
    )
    return _inventory_data(assessment)


@bp.get("/inventories/<int:assessment_id>")
@bp.response(200, s.InventorySchema)
@problems(403, 404)
@area("municipalities")
def inventory(assessment_id: int):
    """One inventory with its status and revision."""
    return _inventory_data(_inventory(assessment_id))


@bp.get("/inventories/<int:assessment_id>/answers")
@bp.response(200, s.AnswerSchema(many=True))
@problems(403, 404)
@area("municipalities")
def answers(assessment_id: int):
    """Every stored answer of the inventory with its revision."""
    rows = service.answer_rows(db.session, _inventory(assessment_id))
    return [_answer_data(qid, row) for qid, row in sorted(rows.items())]


def _question(assessment: Assessment, question_id: str):
    q = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    question = q.find_question(question_id)
    if question is None:
        abort(404)
    return question


@bp.get("/inventories/<int:assessment_id>/answers/<question_id>")
@bp.response(200, s.AnswerSchema)
@problems(403, 404)
@area("municipalities")
def answer(assessment_id: int, question_id: str):
    """One answer (null when not answered) and its revision."""
    assessment = _inventory(assessment_id)
    question = _question(assessment, question_id)
    return _answer_data(question.id, service.answer_rows(db.session, assessment).get(question.id))


@bp.put("/inventories/<int:assessment_id>/answers/<question_id>")
@bp.arguments(s.AnswerWriteSchema)
@bp.response(200, s.AnswerSchema)
@problems(403, 404, 409, 422)
@area("municipalities")
def write_answer(data, assessment_id: int, question_id: str):
    """Change one answer; send the revision you read.

    If someone changed the answer since, nothing is saved and the answer is 409 with the
    current answer in `current`.
    """
    assessment = _inventory(assessment_id, edit=True)
    question = _question(assessment, question_id)
    try:
        new = validate_answer(question, data["answer"]) if data["answer"] is not None else None
    except AnswerError as error:
        message = error.message(_lang())
        return problem(422, message, errors={"answer": message})
    try:
        service.save_answer(db.session, assessment, question, new, data["revision"], api_user())
    except service.AnswerConflictError as conflict:
        current = _answer_data(question.id, conflict.current)
        current["revision"] = conflict.revision
        return problem(
            409,
            _(
                "Someone changed this answer meanwhile (now revision %(revision)s). Nothing "
                "was saved: compare with the current answer and send yours again with its "
                "revision.",
                revision=conflict.revision,
            ),
            current=s.AnswerSchema().dump(current),
        )
    row = service.answer_rows(db.session, assessment).get(question.id)
    return _answer_data(question.id, row)


def _results(assessment: Assessment):
    return compute_results(db.session, assessment)


@bp.get("/inventories/<int:assessment_id>/results")
@bp.response(200, s.ResultsSchema)
@problems(403, 404)
@area("municipalities")
def results(assessment_id: int):
    """Score and maturity level (1–5) overall and per domain."""
    lang = _lang()
    computed = _results(_inventory(assessment_id))
    data = results_as_dict(computed, lang)
    titles = {d.id: d.title.get(lang) for d in computed.questionnaire.domains}
    return {
        "questionnaire_id": data["questionnaire"]["id"],
        "questionnaire_version": data["questionnaire"]["version"],
        "computed_on": computed.computed_on,
        "overall": data["overall"],
        "domains": [{**d, "title": titles.get(d["id"], d["id"])} for d in data["domains"]],
    }


@bp.get("/inventories/<int:assessment_id>/recommendations")
@bp.response(200, s.RecommendationSchema(many=True))
@problems(403, 404)
@area("municipalities")
def recommendations(assessment_id: int):
    """Recommended solutions, trainings and steps, quick wins first."""
    data = results_as_dict(_results(_inventory(assessment_id)), _lang())
    return data["recommendations"]


@bp.get("/inventories/<int:assessment_id>/plan")
@bp.response(200, s.PlanSchema)
@problems(403, 404)
@area("municipalities")
def plan(assessment_id: int):
    """The action plan: every recommended step with status, owner, due date and notes."""
    assessment = _inventory(assessment_id)
    view = plan_view(db.session, assessment, _results(assessment))
    lang = _lang()
    return {
        "entries": [
            {
                "key": e.key,
                "text": e.recommendation.text.get(lang),
                "status": e.status,
                "owner": e.owner or None,
                "due": e.due,
                "notes": e.notes or None,
            }
            for e in view.entries
        ],
        "counts": view.counts,
    }


def _job_data(job) -> dict:
    return {
        "id": job.id,
        "inventory_id": job.assessment_id,
        "edition": job.edition,
        "language": job.lang,
        "status": str(job.status),
        "step": job.step,
        "steps": job.steps,
        "message": report_job_message(job),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download": url_for(".report_pdf", assessment_id=job.assessment_id, job_id=job.id)
        if job.ready
        else None,
    }


def _job(assessment_id: int, job_id: int):
    _inventory(assessment_id)
    try:
        return job_status(db.session, api_user(), job_id, assessment_id)
    except JobNotFound:
        abort(404)


@bp.get("/inventories/<int:assessment_id>/reports")
@bp.response(200, s.ReportJobSchema(many=True))
@problems(403, 404)
@area("municipalities")
def reports(assessment_id: int):
    """The latest PDF report jobs of an inventory, newest first."""
    assessment = _inventory(assessment_id)
    return [_job_data(job) for job in latest_jobs(db.session, api_user(), assessment)]


@bp.post("/inventories/<int:assessment_id>/reports")
@bp.arguments(s.ReportRequestSchema)
@bp.response(202, s.ReportJobSchema)
@problems(403, 404, 422)
@area("municipalities")
def request_report_job(data, assessment_id: int):
    """Ask for a PDF report: a background job renders it; poll the job until it is ready.

    An unchanged report is served from the finished job of an earlier request at once.
    """
    assessment = _inventory(assessment_id)
    job = request_report(
        db.session,
        api_user(),
        assessment,
        edition=data["edition"],
        language=data["language"] or _lang(),
    )
    return _job_data(job_status(db.session, api_user(), job.id, assessment.id))


@bp.get("/inventories/<int:assessment_id>/reports/<int:job_id>")
@bp.response(200, s.ReportJobSchema)
@problems(403, 404)
@area("municipalities")
def report_job(assessment_id: int, job_id: int):
    """Where a report job stands (queued, running step x of y, ready, failed)."""
    return _job_data(_job(assessment_id, job_id))


@bp.get("/inventories/<int:assessment_id>/reports/<int:job_id>/pdf")
@bp.response(
    200,
    content_type="application/pdf",
    description="The PDF report",
)
@problems(403, 404, 409)
@area("municipalities")
def report_pdf(assessment_id: int, job_id: int):
    """Download the finished PDF; 409 while the job is not ready yet."""
    _job(assessment_id, job_id)
    found = report_file(db.session, api_user(), job_id, assessment_id)
    if found is None:
        return problem(409, _("The PDF is not ready yet. Ask for the job's status again later."))
    pdf, filename = found
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/catalogue/solutions")
@bp.arguments(s.SolutionArgs, location="query", unknown=RAISE)
@bp.response(200, s.SolutionSchema(many=True))
@problems(422)
@area(ANY_ROLE)
def solutions(args):
    """Solutions of the catalogue with their listing status, listed ones first."""
    catalogue = current_catalogue(db.session)
    pairs = filter_solutions(
        catalogue, dt.date.today(), domain=args["domain"], listed_only=args["listed_only"]
    )
    return [_solution_data(solution, status.status) for solution, status in pairs]


@bp.get("/catalogue/solutions/<solution_id>")
@bp.response(200, s.SolutionSchema)
@problems(404)
@area(ANY_ROLE)
def solution(solution_id: str):
    """One solution of the catalogue."""
    catalogue = current_catalogue(db.session)
    try:
        found = catalogue.solution(solution_id)
    except KeyError:
        abort(404)
    return _solution_data(found, catalogue.listing_status(found, dt.date.today()).status)


def _solution_data(solution, listing: str) -> dict:
    return {
        "id": solution.id,
        "name": solution.name,
        "summary": solution.summary.get(_lang()),
        "domains": list(solution.domains),
        "categories": list(solution.categories),
        "licence": solution.licence,
        "open_source": solution.open_source,
        "open_standards": list(solution.open_standards),
        "hosting": list(solution.hosting),
        "cost_band": solution.cost_band,
        "website": solution.website,
        "listing": listing,
    }


@bp.get("/catalogue/trainings")
@bp.response(200, s.TrainingSchema(many=True))
@problems()
@area(ANY_ROLE)
def trainings():
    """Trainings of the catalogue."""
    lang = _lang()
    return [
        {
            "id": t.id,
            "title": t.title.get(lang),
            "provider": t.provider,
            "topics": list(t.topics),
            "domains": list(t.domains),
            "level": t.level,
            "format": t.format,
            "cost_band": t.cost_band,
            "certificate": t.certificate,
            "language": t.language,
            "url": t.url,
        }
        for t in current_catalogue(db.session).trainings
    ]
