"""The solution and training catalogue: browse, compare, and curators review."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from advisory.catalogue import labels
from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.inputs import parse_int
from advisory.models import Role
from advisory.services.catalogue import (
    CurationError,
    current_catalogue,
    editable_values,
    filter_solutions,
    record_edit,
    record_review,
    review_history,
)
from advisory.views import InvalidInput, require_area

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

REVIEW_ERRORS = {
    "evidence_required": _l(
        "Name the evidence for this verdict (a document, a page, a test report)."
    ),
    "unknown_status": _l("Choose one of the offered verdicts."),
    "new_evidence_required": _l(
        "The verdict changed, but the evidence did not: write the evidence for the new verdict "
        "in both languages."
    ),
    "future_date": _l("The review date cannot lie in the future."),
    "text_required": _l("Enter the text in German and in English."),
    "unknown_choice": _l("Choose one of the offered values."),
    "hosting_required": _l("Choose at least one way to run the solution."),
    "bad_size": _l(
        "Enter whole numbers of inhabitants; the maximum (if any) must not be below the minimum."
    ),
    "bad_url": _l("Enter a full web address starting with https://."),
}


def _lang() -> str:
    return str(get_locale() or "de")


def _domains() -> dict[str, object]:
    return {d.id: d.title for d in current_questionnaire().domains}


@bp.context_processor
def _vocabularies():
    return {"labels": labels, "label": labels.label, "domain_titles": _domains(), "lang": _lang()}


@bp.get("/")
@login_required
def solutions():
    catalogue = current_catalogue(db.session)
    args = request.args
    population_text = args.get("population", "").replace(".", "").replace(" ", "").strip()
    population = parse_int(population_text, high=10**9) if population_text else None
    if population_text and population is None:
        raise InvalidInput(
            _(
                "The number of inhabitants must be a whole number such as 12000. "
                "Correct it in the filter."
            )
        )
    if "population" not in args and current_user.municipality is not None:
        population = current_user.municipality.population
    results = filter_solutions(
        catalogue,
        dt.date.today(),
        domain=args.get("domain", ""),
        standard=args.get("standard", ""),
        open_source=args.get("open_source", ""),
        hosting=args.get("hosting", ""),
        population=population,
        listed_only=args.get("listed") == "1",
    )
    return render_template(
        "catalogue/solutions.html",
        results=results,
        args=args,
        population=population,
        total=len(catalogue.solutions),
        requirements=catalogue.requirements,
    )


@bp.get("/solutions/<solution_id>")
@login_required
def solution(solution_id: str):
    catalogue = current_catalogue(db.session)
    found = _solution_or_404(catalogue, solution_id)
    return render_template(
        "catalogue/solution.html",
        solution=found,
        status=catalogue.listing_status(found, dt.date.today()),
        requirements=catalogue.requirements,
        history=review_history(db.session, found.id),
        may_review=current_user.role in (Role.CURATOR, Role.ADMIN),
    )


@bp.get("/compare")
@login_required
def compare():
    catalogue = current_catalogue(db.session)
    wanted = request.args.getlist("id")[:4]
    chosen = [s for s in catalogue.solutions if s.id in wanted]
    if len(chosen) < 2:
        flash(_("Choose two to four solutions to compare."), "error")
        return redirect(url_for(".solutions"))
    today = dt.date.today()
    return render_template(
        "catalogue/compare.html",
        chosen=chosen,
        statuses={s.id: catalogue.listing_status(s, today) for s in chosen},
        requirements=catalogue.requirements,
    )


@bp.get("/trainings")
@login_required
def trainings():
    catalogue = current_catalogue(db.session)
    domain = request.args.get("domain", "")
    role = request.args.get("role", "")
    items = [
        t
        for t in catalogue.trainings
        if (not domain or domain in t.domains) and (not role or role in t.target_roles)
    ]
    return render_template("catalogue/trainings.html", trainings=items, args=request.args)


@bp.get("/requirements")
@login_required
def requirements():
    return render_template(
        "catalogue/requirements.html", requirements=current_catalogue(db.session).requirements
    )


@bp.route("/solutions/<solution_id>/review", methods=["GET", "POST"])
@require_area("catalogue_review")
def review(solution_id: str):
    catalogue = current_catalogue(db.session)
    found = _solution_or_404(catalogue, solution_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        statuses = {
            r.id: (
                form.get(f"status-{r.id}", ""),
                form.get(f"evidence_de-{r.id}", "")[:2000],
                form.get(f"evidence_en-{r.id}", "")[:2000],
            )
            for r in catalogue.requirements.requirements
        }
        try:
            reviewed_on = dt.date.fromisoformat(form.get("reviewed_on", ""))
        except ValueError:
            errors["reviewed_on"] = _("Enter the date of the review, for example 2026-11-28.")
        else:
            try:
                record_review(
                    db.session,
                    catalogue,
                    found,
                    statuses,
                    reviewed_on=reviewed_on,
                    curator=current_user,
                )
            except CurationError as error:
                errors[error.field] = str(REVIEW_ERRORS[str(error)])
            else:
                flash(_("The review has been saved and recorded in the audit log."), "success")
                return redirect(url_for(".solution", solution_id=found.id))
    return render_template(
        "catalogue/review.html",
        solution=found,
        requirements=catalogue.requirements,
        errors=errors,
        form=request.form if request.method == "POST" else None,
        today=dt.date.today().isoformat(),
    ), 422 if errors else 200


@bp.route("/solutions/<solution_id>/edit", methods=["GET", "POST"])
@require_area("catalogue_review")
def edit(solution_id: str):
    catalogue = current_catalogue(db.session)
    found = _solution_or_404(catalogue, solution_id)
    values = editable_values(found)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _edit_values(request.form)
        try:
            record_edit(db.session, found, values, current_user)
        except CurationError as error:
            errors[error.field] = str(REVIEW_ERRORS[str(error)])
        else:
            flash(
                _("The entry has been changed and the change recorded in the audit log."), "success"
            )
            return redirect(url_for(".solution", solution_id=found.id))
    return render_template(
        "catalogue/edit.html", solution=found, values=values, errors=errors
    ), 422 if errors else 200


def _edit_values(form) -> dict[str, object]:
    def number(name: str) -> int | str | None:
        text = form.get(name, "").replace(".", "").replace(" ", "").strip()
        if not text:
            return None
        number = parse_int(text, high=10**9)
        return text if number is None else number

    def text(name: str) -> dict[str, str]:
        return {
            "de": form.get(f"{name}_de", "")[:5000].strip(),
            "en": form.get(f"{name}_en", "")[:5000].strip(),
        }

    return {
        "summary": text("summary"),
        "description": text("description"),
        "cost_band": form.get("cost_band", ""),
        "cost_note": text("cost_note"),
        "hosting": form.getlist("hosting"),
        "open_standards": form.getlist("open_standards"),
        "min_population": number("min_population") or 0,
        "max_population": number("max_population"),
        "website": form.get("website", "").strip()[:500] or None,
    }


def _solution_or_404(catalogue, solution_id: str):
    found = next((s for s in catalogue.solutions if s.id == solution_id), None)
    if found is None:
        abort(404)
    return found
