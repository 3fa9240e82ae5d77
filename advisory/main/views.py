"""Home, health check, language choice and the about page."""

from __future__ import annotations

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
from flask_login import current_user, login_required
from sqlalchemy import select, text

from advisory.access import visible_municipality_ids
from advisory.extensions import db
from advisory.models import Municipality, Role
from advisory.web import is_safe_redirect

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    role = Role(current_user.role)
    municipalities = []
    if role.is_municipal or role.has_scope:
        municipalities = db.session.scalars(
            select(Municipality)
            .where(Municipality.id.in_(visible_municipality_ids(current_user)))
            .order_by(Municipality.population.desc())
            .limit(50)
        ).all()
    return render_template("main/index.html", role=role, municipalities=municipalities)


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


@bp.get("/about")
def about():
    return render_template("main/about.html")
