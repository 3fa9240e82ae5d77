"""The advisors' portfolio dashboard: the list, a heat map, a comparison and the exports."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from advisory.charts import ChartSeries, HeatmapRow, compare_radar_figure, heatmap_figure
from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import Role
from advisory.portfolio.cache import FragmentCache
from advisory.portfolio.forms import SORT_LABELS, FilterForm
from advisory.services import portfolio as service
from advisory.views import require_area
from advisory.wording import level_label, size_label, status_label

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

HEATMAP_ROWS = 50


def _lang() -> str:
    return str(get_locale() or "de")


def _form() -> FilterForm:
    form = FilterForm(request.args)
    form.validate()
    return form


def _url(endpoint: str = ".dashboard", **changes) -> str:
    """Return the URL of the endpoint with the current filters and the given changes."""
    args = {k: v for k, v in request.args.items() if v != "" and k not in changes}
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(endpoint, **args)


def _domains() -> list[tuple[str, str]]:
    lang = _lang()
    return [(d.id, d.title.get(lang)) for d in current_questionnaire().domains]


def _json(figure) -> str:
    return figure.to_json().replace("</", "<\\/")


def _cache() -> FragmentCache:
    """Return this app's cache of rendered dashboard parts (one per app and worker process)."""
    app = current_app._get_current_object()
    return app.extensions.setdefault("portfolio_cache", FragmentCache())


@bp.get("/")
@require_area("portfolio")
def dashboard():
    version = body = None
    if current_app.config.get("PORTFOLIO_CACHE"):
        version = service.data_version(db.session)
        key = (service.audience(current_user), _lang(), request.query_string)
    if version is not None:
        body = _cache().get(key, version)  # only pages without form errors are kept
    status = 200
    if body is None:
        form = _form()
        body = _dashboard_body(form)
        if form.errors:
            status = 400
        elif version is not None:
            _cache().put(key, version, body)
    return render_template("portfolio/dashboard.html", body=body), status


def _dashboard_body(form: FilterForm) -> Markup:
    """Render everything below the page heading: counts, filters, table and pager."""
    filters = form.filters()
    page = service.portfolio_page(db.session, current_user, filters)
    sort_links = {
        key: _url(
            sort=key,
            order="desc" if filters.sort == key and not filters.descending else "asc",
            page=None,
        )
        for key in SORT_LABELS
    }
    # The output of an autoescaped template: safe to insert into the page frame as it is.
    return Markup(  # noqa: S704
        render_template(
            "portfolio/_dashboard_body.html",
            form=form,
            filters=filters,
            result=page,
            sort_links=sort_links,
            status_links={key: _url(status=key, page=None) for key in page.status_counts},
            all_statuses_link=_url(status="", page=None),
            previous_link=_url(page=page.page - 1) if page.page > 1 else None,
            next_link=_url(page=page.page + 1) if page.page < page.pages else None,
            export_csv=_url(".export_csv", page=None, per_page=None),
            export_xlsx=_url(".export_xlsx", page=None, per_page=None),
            heatmap_link=_url(".heatmap"),
            read_only=current_user.role != Role.ADVISOR,
        )
    )


@bp.get("/heatmap")
@require_area("portfolio")
def heatmap():
    form = _form()
    filters = form.filters(per_page=HEATMAP_ROWS)
    page = service.portfolio_page(db.session, current_user, filters, with_domains=True)
    grid = service.domain_grid(page.rows, _domains())
    figure = heatmap_figure(
        [HeatmapRow(row.name, tuple(level for _s, level, _a in cells)) for row, cells in grid.rows],
        [title for _id, title in grid.domains],
        _lang(),
    )
    return render_template(
        "portfolio/heatmap.html",
        form=form,
        result=page,
        grid=grid,
        figure=_json(figure),
        dashboard_link=_url(".dashboard"),
        previous_link=_url(".heatmap", page=page.page - 1) if page.page > 1 else None,
        next_link=_url(".heatmap", page=page.page + 1) if page.page < page.pages else None,
    ), 400 if form.errors else 200


@bp.get("/compare")
@require_area("portfolio")
def compare():
    keys = [k.strip() for k in request.args.getlist("m") if k.strip()][:20]
    rows = service.compared_rows(db.session, current_user, keys)
    rows = [row for row in rows if row.assessment_id is not None]
    error = None
    if len(rows) < 2:
        error = _("Choose at least two municipalities that have an inventory.")
    elif len(rows) > service.MAX_COMPARE:
        error = _("Choose at most six municipalities to compare.")
    if len(rows) < len(set(keys)) and error is None:
        error = _(
            "Some of the chosen municipalities have no inventory or are not in your portfolio."
        )
    grid = service.domain_grid(rows[: service.MAX_COMPARE], _domains())
    figure = compare_radar_figure(
        [ChartSeries(row.name, tuple(lvl for _s, lvl, _a in cells)) for row, cells in grid.rows],
        [title for _id, title in grid.domains],
    )
    # Nothing chosen yet is no mistake: the page then says how to choose.
    failed = len(grid.rows) < 2 or len(rows) > service.MAX_COMPARE
    status = 400 if keys and failed else 200
    return render_template(
        "portfolio/compare.html",
        grid=grid,
        error=error,
        figure=_json(figure) if len(grid.rows) >= 2 else None,
    ), status


def _export(form: FilterForm):
    rows = service.portfolio_rows(db.session, current_user, form.filters())
    words = {
        "columns": [
            _("Key (AGS)"),
            _("Municipality"),
            _("District"),
            _("Association of municipalities"),
            _("Inhabitants"),
            _("Size"),
            _("Status"),
            _("Completion (%)"),
            _("Score"),
            _("Overall level"),
            _("Don't know"),
            _("Last activity (UTC)"),
        ],
        "size": size_label,
        "status": status_label,
        "level": level_label,
    }
    return service.export_table(rows, _domains(), words)


def _download(data: bytes, mimetype: str, extension: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="portfolio.{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/export.csv")
@require_area("portfolio")
def export_csv():
    header, rows = _export(_form())
    return _download(service.table_csv(header, rows), "text/csv; charset=utf-8", "csv")


@bp.get("/export.xlsx")
@require_area("portfolio")
def export_xlsx():
    header, rows = _export(_form())
    return _download(
        service.table_xlsx(header, rows, _("Portfolio")),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )
