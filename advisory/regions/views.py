"""District and region view: figures from the inventory summaries, a map without tiles."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import AssessmentStatus, Role
from advisory.region_charts import DistributionRow, MapPoint, distribution_svg, map_svg
from advisory.regions.forms import RegionForm
from advisory.services import regions as service
from advisory.views import require_area
from advisory.wording import level_label, progress_label, status_label

bp = Blueprint("regions", __name__, url_prefix="/regions")


def _lang() -> str:
    return str(get_locale() or "de")


def _form() -> RegionForm:
    municipal = Role(current_user.role).is_municipal
    districts = [] if municipal else service.districts_in_scope(db.session, current_user)
    states = [] if municipal else service.states_in_scope(db.session, current_user)
    args = MultiDict(request.args)
    # A district may also be named ("Donnersbergkreis") instead of given by its key.
    code = service.resolve_district(districts, args.get("district", ""))
    if code is not None:
        args["district"] = code
    form = RegionForm(districts, states, args)
    form.validate()
    return form


def _legend() -> dict[int | None, str]:
    legend: dict[int | None, str] = {n: level_label(n) for n in range(1, 6)}
    legend[None] = _("no level yet")
    return legend


def _decimal():
    """Return a fast one-decimal formatter in the user's language (thousands of table cells)."""
    comma = _lang() == "de"

    def decimal(value: float | None) -> str:
        if value is None:
            return "–"
        text = f"{value:.1f}"
        return text.replace(".", ",") if comma else text

    return decimal


def _words() -> dict:
    """Return the status and level names once per page instead of once per table cell."""
    statuses = {status.value: status_label(status.value) for status in AssessmentStatus}
    statuses[service.NOT_STARTED] = progress_label(service.NOT_STARTED)
    levels = {n: level_label(n) for n in range(1, 6)}
    levels[None] = "–"
    # One URL built, the others by filling in the id (url_for per row costs more than the page).
    template = url_for("assessments.results", assessment_id=999999999)
    return {
        "statuses": statuses,
        "levels": levels,
        "decimal": _decimal(),
        "results_url": lambda assessment_id: template.replace("999999999", str(assessment_id)),
    }


@bp.get("/")
@require_area("regions")
def view():
    form = _form()
    try:
        region = service.region_view(
            db.session, current_user, form.filters(), current_questionnaire(), _lang()
        )
    except service.RegionError:
        abort(404)
    legend = _legend()
    overall_label = _("Overall level")
    rows = [DistributionRow(overall_label, region.overall.counts)] + [
        DistributionRow(stats.title, stats.counts) for stats in region.domains
    ]
    data_word = _("synthetic") if region.synthetic else _("real")
    chart = distribution_svg(
        rows,
        _("Maturity levels per domain"),
        _(
            "Stacked bars: how many municipalities reached level 1 to 5 per domain "
            "(%(data)s inventories); the same numbers are in the table below.",
            data=data_word,
        ),
        {n: str(n) for n in range(1, 6)},
    )
    figure = None
    if region.named and region.listed and region.mapped:
        names = {**legend}  # level → its name, looked up once instead of once per point
        points = [
            MapPoint(f"{m.name}: {names[m.level]}", m.latitude, m.longitude, m.level)
            for m in region.mapped
        ]
        figure = map_svg(
            points,
            _("Map of the municipalities by overall level"),
            _(
                "%(count)s municipalities drawn at their position from the official directory; "
                "shape and colour show the overall level. The table below lists the same.",
                count=len(points),
            ),
            legend,
        )
    return render_template(
        "regions/view.html",
        form=form,
        region=region,
        chart=chart,
        figure=figure,
        legend=legend,
        overall_label=overall_label,
        districts=service.district_summaries(region)
        if region.named and not region.district_code
        else [],
        min_group=service.MIN_GROUP,
        max_listed=service.MAX_LISTED,
        **_words(),
        gap_level=service.GAP_LEVEL,
    ), 400 if form.errors else 200
