"""Administration of accounts, roles and scopes, and the security audit log."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advisory.admin.forms import (
    ActionForm,
    NewUserForm,
    QuestionnaireUploadForm,
    ResetPasswordForm,
    UserForm,
)
from advisory.extensions import db
from advisory.models import Role, User
from advisory.services.accounts import (
    AccountError,
    audit_log,
    create_user,
    end_sessions_by_admin,
    parse_scopes,
    reset_password,
    unlock,
    update_user,
)
from advisory.services.associations import resolve_association
from advisory.services.municipalities import resolve_municipality
from advisory.services.questionnaire_files import (
    UploadError,
    export_zip,
    offered_versions,
    upload_zip,
)
from advisory.views import require_area
from advisory.wording import account_error_text, audit_details, event_label

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
    # A submitted form is read from the request only: filling it from the account too would
    # put the Municipality object into the text field when the field is missing.
    form = UserForm() if request.method == "POST" else UserForm(obj=user)
    if not form.is_submitted():
        form.municipality.data = user.municipality.ags if user.municipality else ""
        form.scopes.data = " ".join(s.code for s in user.scopes)
        form.association.data = user.association.code if user.association else ""
    if form.validate_on_submit() and _save(form, user):
        flash(_("The account %(email)s has been updated.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, action=ActionForm()
    ), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require_area("admin")
def reset_user_password(user_id: int):
    """Set a new password for someone who forgot theirs; they change it at the next sign-in."""
    user = db.session.get(User, user_id) or abort(404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(db.session, user, form.password.data, actor=current_user)
        except AccountError as error:
            db.session.rollback()
            form.password.errors = [*form.password.errors, account_error_text(str(error))]
        else:
            flash(
                _(
                    "A new password has been set for %(email)s. Every session of the account "
                    "has ended; the person must choose their own password at the next sign-in.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/reset_password.html", form=form, user=user
    ), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/unlock")
@require_area("admin")
def unlock_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        unlock(db.session, user, actor=current_user)
        flash(_("Sign-in for %(email)s is possible again.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/sessions")
@require_area("admin")
def end_user_sessions(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        end_sessions_by_admin(db.session, user, actor=current_user)
        flash(_("Every session of %(email)s has ended.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _save(form: UserForm, user: User | None) -> bool:
    """Create or update the account from the form; put errors next to their fields."""
    role = Role(form.role.data)
    municipality = None
    try:
        if role.is_municipal:
            municipality = resolve_municipality(db.session, form.municipality.data or "")
        association = (
            resolve_association(db.session, form.association.data or "")
            if role.is_association
            else None
        )
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
                association=association,
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
                association=association,
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
    entries = [
        {
            "at": event.at,
            "event": event_label(event.kind),
            "actor": actor,
            "target": event.subject_email or "",
            "address": event.remote_addr or "",
            "details": audit_details(event.detail),
        }
        for event, actor in audit_log(db.session, limit=200)
    ]
    return render_template("admin/audit.html", entries=entries)


@bp.route("/questionnaires", methods=["GET", "POST"])
@require_area("admin")
def questionnaires():
    form = QuestionnaireUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            added = upload_zip(form.archive.data.read())
        except UploadError as error:
            problems = error.problems
        else:
            if added:
                flash(_("Uploaded and offered: %(files)s", files=", ".join(added)), "success")
            else:
                flash(_("These files are offered already; nothing was changed."), "info")
            return redirect(url_for(".questionnaires"))
    status = 400 if problems or form.errors else 200
    return render_template(
        "admin/questionnaires.html",
        form=form,
        problems=problems,
        versions=offered_versions(db.session, str(get_locale() or "de")),
    ), status


@bp.get("/questionnaires/<questionnaire_id>.zip")
@require_area("admin")
def export_questionnaire(questionnaire_id: str):
    try:
        data = export_zip(questionnaire_id)
    except LookupError:
        abort(404)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{questionnaire_id}.zip"'},
    )
