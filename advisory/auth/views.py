"""Sign-in, sign-out and password change."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from advisory.auth.forms import LoginForm, PasswordForm
from advisory.extensions import db
from advisory.security import SESSION_ID_KEY, sign_in
from advisory.services.accounts import (
    AccountError,
    LoginLockedError,
    authenticate,
    change_password,
    end_session,
    record_event,
)
from advisory.views import is_safe_redirect
from advisory.wording import account_error_text

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.email.data,
                form.password.data,
                remote_addr=request.remote_addr,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        except LoginLockedError as locked:
            error = _(
                "Too many failed sign-in attempts. For your protection, sign-in for this account "
                "is paused until %(time)s. Try again then, or ask your administrator to reset "
                "your password.",
                time=format_datetime(locked.until, "short"),
            )
        else:
            if user is None:
                error = _(
                    "Email address or password is not correct. Check both and try again; "
                    "after several failed attempts sign-in is paused for a while."
                )
            else:
                sign_in(user)
                if user.must_change_password:
                    flash(
                        _(
                            "An administrator has set your password. Please choose your own "
                            "password now."
                        ),
                        "info",
                    )
                    return redirect(url_for("auth.password"))
                target = form.next.data or ""
                return redirect(target if is_safe_redirect(target) else url_for("main.index"))
    status = 200 if error is None and not form.errors else 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    record_event(
        db.session,
        "logout",
        actor=current_user,
        email=current_user.email,
        remote_addr=request.remote_addr,
    )
    end_session(db.session, session.get(SESSION_ID_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session=session.get(SESSION_ID_KEY),
            )
        except AccountError as error:
            getattr(form, error.field).errors.append(account_error_text(str(error)))
        else:
            login_user(
                current_user._get_current_object()
            )  # keep this session valid with the new session version
            flash(
                _("Your password has been changed. Other sessions have been signed out."), "success"
            )
            return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
