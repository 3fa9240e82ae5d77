"""Administration of accounts, roles and scopes, and the security audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advisory.admin.forms import NewUserForm, UserForm
from advisory.extensions import db
from advisory.models import AuditEvent, Role, User
from advisory.services.accounts import AccountError, create_user, parse_scopes, update_user
from advisory.services.municipalities import resolve_municipality
from advisory.views import require_area
from advisory.wording import account_error_text

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require_area("admin")
def users():
    accounts = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=accounts)


@bp.route("/users/new", methods=["GET", "POST"])
@require_area("admin")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit() and _save(form, None):
        flash(_("The account %(email)s has been created.", email=form.email.data), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=None
    ), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_area("admin")
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    if not form.is_submitted():
        form.municipality.data = user.municipality.ags if user.municipality else ""
        form.scopes.data = " ".join(s.code for s in user.scopes)
    if form.validate_on_submit() and _save(form, user):
        flash(_("The account %(email)s has been updated.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user
    ), 422 if form.errors else 200


def _save(form: UserForm, user: User | None) -> bool:
    """Create or update the account from the form; put errors next to their fields."""
    role = Role(form.role.data)
    municipality = None
    try:
        if role.is_municipal:
            municipality = resolve_municipality(db.session, form.municipality.data or "")
        scopes = parse_scopes(form.scopes.data or "") if role.has_scope else []
        if user is None:
            create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=role,
                municipality=municipality,
                scopes=scopes,
                actor=current_user,
            )
        else:
            update_user(
                db.session,
                user,
                name=form.name.data,
                role=role,
                municipality=municipality,
                scopes=scopes,
                active=form.active.data,
                actor=current_user,
            )
    except AccountError as error:
        db.session.rollback()
        field = getattr(form, error.field or "name")
        field.errors = [*field.errors, account_error_text(str(error))]
        return False
    return True


@bp.get("/audit")
@require_area("admin")
def audit():
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc()).limit(200)).all()
    return render_template("admin/audit.html", events=events)
