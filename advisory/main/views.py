"""Home, health check, language choice and the about page."""

from __future__ import annotations

import re
from functools import cache

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select, text

from advisory.access import can_edit_answers, visible_municipality_ids
from advisory.content import offered_choices
from advisory.extensions import db
from advisory.models import Municipality, Role
from advisory.services.assessments import inventories_in
from advisory.services.portfolio import PortfolioFilters, portfolio_page
from advisory.services.team import assigned_to
from advisory.views import is_safe_redirect

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    role = Role(current_user.role)
    inventories, portfolio = [], None
    if role.is_municipal:
        inventories = inventories_in(db.session, visible_municipality_ids(current_user))
    elif role.has_scope or role is Role.ADMIN:
        # The first rows of the portfolio dashboard: waiting for the advisor first.
        portfolio = portfolio_page(db.session, current_user, PortfolioFilters(per_page=10))
    return render_template(
        "main/index.html",
        role=role,
        portfolio=portfolio,
        inventories=inventories,
        may_start=role.is_municipal and can_edit_answers(current_user, current_user.municipality)
        if current_user.municipality
        else False,
        state_names=_state_names(current_user),
        offered=offered_choices(str(get_locale() or "de")),
        assigned=assigned_to(db.session, current_user, str(get_locale() or "de"))
        if role.is_municipal
        else [],
    )


def _state_names(user) -> dict[str, str]:
    """Name the states of a portfolio ('09' is Bayern)."""
    codes = {s.code[:2] for s in user.scopes}
    if not codes:
        return {}
    rows = db.session.execute(
        select(Municipality.state_code, Municipality.state_name)
        .where(Municipality.state_code.in_(codes))
        .distinct()
    )
    return dict(rows.all())


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return jsonify({"status": "error", "database": "error"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    target = request.form.get("next", "")
    return redirect(target if is_safe_redirect(target) else url_for("main.index"))


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    """Serve plotly.js from the installed plotly package: no CDN, cached by browsers."""
    response = current_app.response_class(_plotly_js(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/vendor/plotly.css")
def plotly_css():
    """Serve plotly.js's own style rules as a stylesheet: a strict CSP blocks injecting them."""
    response = current_app.response_class(_plotly_css(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@cache
def _plotly_js() -> bytes:
    import plotly.offline

    return plotly.offline.get_plotlyjs().encode()


@cache
def _plotly_css() -> bytes:
    """Extract the rules plotly.js would add at run time (its `X .main-svg` table)."""
    source = _plotly_js().decode()
    start = source.find('{"X,X div"')
    end = source.find("}", source.find('"Y .notifier-close:hover"'))
    if start < 0 or end < 0:
        current_app.logger.warning("plotly.js style rules not found; charts may look unstyled")
        return b""
    rules = re.findall(r'"([^"]+)":(\'[^\']*\'|"[^"]*")', source[start + 1 : end])
    lines = [
        f"{selector.replace('X', '.js-plotly-plot .plotly').replace('Y', '.plotly-notifier')}"
        f" {{{declarations[1:-1]}}}"
        for selector, declarations in rules
    ]
    return "\n".join(lines).encode()


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "main/accessibility.html", contact=current_app.config.get("CONTACT_EMAIL")
    )


@bp.get("/about")
def about():
    return render_template("main/about.html")
