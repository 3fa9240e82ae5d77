"""The solution and training catalogue: browse, compare, and curators review."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from advisory.access import may_enter
from advisory.catalogue import forms, labels
from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import Role
from advisory.services.catalogue import (
    EXPIRING_WITHIN_DAYS,
    CurationError,
    EntryError,
    current_catalogue,
    filter_solutions,
    find_training,
    list_training,
    record_review,
    review_history,
    review_queue,
    save_solution,
    save_training,
)
from advisory.services.procurement import type_id_for_category
from advisory.views import require_area
from recommendations.catalogue_loader import solution_data, training_data

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
    "open_source_licence": _l(
        "Open source cannot be met: the entry's licence is not an open-source licence. "
        "Choose not met, or first correct licence and open source in the entry."
    ),
}


def _lang() -> str:
    return str(get_locale() or "de")


def _domains() -> dict[str, object]:
    return {d.id: d.title for d in current_questionnaire().domains}


@bp.context_processor
def _vocabularies():
    may_curate = current_user.is_authenticated and may_enter(current_user, "catalogue_review")
    return {
        "labels": labels,
        "label": labels.label,
        "domain_titles": _domains(),
        "lang": _lang(),
        "may_curate": may_curate,
    }


@bp.get("/")
@login_required
def solutions():
    catalogue = current_catalogue(db.session)
    args = request.args
    population_text = args.get("population", "").replace(".", "").replace(" ", "").strip()
    population = int(population_text) if population_text.isdigit() else None
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
        tender_type=next(filter(None, map(type_id_for_category, found.categories)), None),
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
    fields = forms.solution_fields(_domain_names(), new=False)
    return _entry_form(
        fields,
        forms.form_values(fields, solution_data(found)),
        lambda data: save_solution(db.session, catalogue, data, current_user, existing=found),
        title=_("Edit %(name)s", name=found.name),
        done=lambda saved: url_for(".solution", solution_id=saved.id),
        cancel=url_for(".solution", solution_id=found.id),
    )


@bp.route("/solutions/new", methods=["GET", "POST"])
@require_area("catalogue_review")
def new_solution():
    catalogue = current_catalogue(db.session)
    fields = forms.solution_fields(_domain_names(), new=True)
    return _entry_form(
        fields,
        forms.form_values(fields, {"size_fit": {"min_population": 0}}),
        lambda data: save_solution(db.session, catalogue, data, current_user),
        title=_("New solution"),
        done=lambda saved: url_for(".solution", solution_id=saved.id),
        cancel=url_for(".solutions"),
    )


@bp.route("/trainings/new", methods=["GET", "POST"])
@require_area("catalogue_review")
def new_training():
    catalogue = current_catalogue(db.session)
    fields = forms.training_fields(_domain_names(), new=True)
    return _entry_form(
        fields,
        forms.form_values(fields, {"language": "de", "certificate": False, "verified": False}),
        lambda data: save_training(db.session, catalogue, data, current_user),
        title=_("New training"),
        done=lambda saved: url_for(".queue"),
        cancel=url_for(".trainings"),
    )


@bp.route("/trainings/<training_id>/edit", methods=["GET", "POST"])
@require_area("catalogue_review")
def edit_training(training_id: str):
    catalogue = current_catalogue(db.session)
    found = find_training(db.session, catalogue, training_id)
    if found is None:
        abort(404)
    fields = forms.training_fields(_domain_names(), new=False)
    return _entry_form(
        fields,
        forms.form_values(fields, training_data(found)),
        lambda data: save_training(db.session, catalogue, data, current_user, existing=found),
        title=_("Edit %(name)s", name=found.title.get(_lang())),
        done=lambda saved: url_for(".trainings"),
        cancel=url_for(".trainings"),
    )


@bp.post("/trainings/<training_id>/list")
@require_area("catalogue_review")
def list_training_view(training_id: str):
    if list_training(db.session, training_id, current_user):
        flash(_("The training is listed and can now be recommended."), "success")
    else:
        flash(_("There is no training waiting to be listed under this name."), "error")
    return redirect(url_for(".queue"))


@bp.get("/queue")
@require_area("catalogue_review")
def queue():
    catalogue = current_catalogue(db.session)
    today = dt.date.today()
    return render_template(
        "catalogue/queue.html",
        queue=review_queue(db.session, catalogue, today),
        requirements=catalogue.requirements,
        within=EXPIRING_WITHIN_DAYS,
    )


def _domain_names() -> dict[str, str]:
    return {d.id: d.title.get(_lang()) for d in current_questionnaire().domains}


def _entry_form(fields, values, save, *, title: str, done, cancel: str):
    """Show an entry form; on POST save it (EntryError becomes field errors) and redirect."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        data, values = forms.posted_data(fields, request.form)
        try:
            saved = save(data)
        except EntryError as error:
            for path, message in error.problems.items():
                errors.setdefault(forms.field_of(path, fields), labels.problem_text(message))
        else:
            flash(_("The entry has been saved and recorded in the audit log."), "success")
            return redirect(done(saved))
    return render_template(
        "catalogue/entry_form.html",
        fields=fields,
        values=values,
        errors=errors,
        title=title,
        cancel=cancel,
    ), 422 if errors else 200


def _solution_or_404(catalogue, solution_id: str):
    found = next((s for s in catalogue.solutions if s.id == solution_id), None)
    if found is None:
        abort(404)
    return found
