"""The municipality directory: search and profile pages."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advisory.access import can_edit_answers, can_view, can_view_association
from advisory.content import offered_choices
from advisory.extensions import db
from advisory.models import Municipality
from advisory.services.assessments import assessments_of
from advisory.services.associations import association_by_code, search_associations
from advisory.services.municipalities import neighbours, search_municipalities
from advisory.views import require_area
from advisory.wording import association_kind

bp = Blueprint("municipalities", __name__, url_prefix="/municipalities")

MAX_QUERY = 100


def _query() -> str:
    return request.args.get("q", "").strip()[:MAX_QUERY]


@bp.get("/")
@require_area("municipalities")
def search():
    query = _query()
    results = search_municipalities(db.session, query, limit=25) if query else []
    found = search_associations(db.session, query, limit=10) if query else []
    return render_template(
        "municipalities/search.html",
        query=query,
        results=[(m, can_view(current_user, m)) for m in results],
        associations=[(a, can_view_association(current_user, a)) for a in found],
    )


@bp.get("/search.json")
@require_area("municipalities")
def search_json():
    results = search_municipalities(db.session, _query(), limit=10)
    # The directory search page also offers associations (clearly named as such); forms that
    # pick a municipality do not ask for them.
    shared = (
        search_associations(db.session, _query(), limit=3)
        if request.args.get("associations") == "1"
        else []
    )
    municipalities = [
        {
            "ags": m.ags,
            "name": m.name,
            "district": m.district_name,
            "state": m.state_name,
            "population": m.population,
            "postal_code": m.postal_code,
            "url": url_for("municipalities.show", ags=m.ags) if can_view(current_user, m) else None,
        }
        for m in results
    ]
    # Associations after the municipalities: a name first means the municipality.
    associations = [
        {
            "kind": "association",
            "code": a.code,
            "name": f"{a.name} ({association_kind(a.kind)})",
            "district": _("association of municipalities"),
            "state": "",
            "url": url_for("associations.show", code=a.code)
            if can_view_association(current_user, a)
            else None,
        }
        for a in shared
    ]
    return jsonify(municipalities + associations)


@bp.get("/<ags>")
@require_area("municipalities")
def show(ags: str):
    municipality = _municipality_or_404(ags)
    if not can_view(current_user, municipality):
        abort(404)
    association = (
        association_by_code(db.session, municipality.association_code)
        if municipality.in_association
        else None
    )
    return render_template(
        "municipalities/show.html",
        municipality=municipality,
        association=association,
        association_visible=association is not None
        and can_view_association(current_user, association),
        neighbours=neighbours(db.session, municipality),
        assessments=assessments_of(db.session, municipality),
        may_start=can_edit_answers(current_user, municipality),
        offered=offered_choices(str(get_locale() or "de")),
    )


def _municipality_or_404(ags: str) -> Municipality:
    municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
    if municipality is None:
        abort(404)
    return municipality
