"""Sign-in, sign-out, password change and forgotten passwords."""

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

from advisory.auth.forms import ForgotPasswordForm, LoginForm, PasswordForm, ResetPasswordForm
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
from advisory.services.mail import mail_enabled
from advisory.services.password_reset import request_reset, reset_link, reset_with_link
from advisory.services.tokens import TokenError
from advisory.views import is_safe_redirect
from advisory.wording import account_error_text, reset_link_error_text

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
    return render_template(
        "auth/login.html", form=form, error=error, mail_enabled=mail_enabled()
    ), status


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


def _reset_message(link: str, expires_at) -> tuple[str, str]:
    subject = _("Reset your password for the Smart City Advisory")
    body = _(
        "Someone asked to reset the password of your account at the Smart City Advisory.\n\n"
        "Open this link to choose a new password:\n%(link)s\n\n"
        "The link can be used once and is valid until %(until)s. If you did not ask for it, "
        "ignore this message; your password stays as it is.",
        link=link,
        until=format_datetime(expires_at, "short"),
    )
    return subject, body


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.password"))
    if not mail_enabled():
        return render_template("auth/forgot_password.html", form=None, sent=False)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(
            db.session,
            form.email.data,
            link_for=lambda secret: url_for("auth.reset_password", token=secret, _external=True),
            message=_reset_message,
            remote_addr=request.remote_addr,
        )
        return render_template("auth/forgot_password.html", form=None, sent=True)
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form, sent=False), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        reset_link(db.session, token)
    except TokenError as error:
        return render_template(
            "auth/reset_password.html", form=None, problem=reset_link_error_text(error.reason)
        ), 410 if error.reason != "unknown" else 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_with_link(db.session, token, form.password.data)
        except AccountError as error:
            form.password.errors.append(account_error_text(str(error)))
        except TokenError as error:
            return render_template(
                "auth/reset_password.html", form=None, problem=reset_link_error_text(error.reason)
            ), 410
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, problem=None), status
