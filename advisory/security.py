"""Security baseline: response headers, sign-in plumbing and error pages that never leak a trace."""

from __future__ import annotations

import datetime as dt
import logging

from flask import (
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from advisory.api.problems import from_exception, is_api_request, problem
from advisory.extensions import db, login_manager
from advisory.inputs import has_control_characters
from advisory.services.accounts import load_user, start_session

# The key in the signed session cookie that names the recorded sign-in (LoginSession.id).
SESSION_ID_KEY = "_sid"
# Pages a user who must change the password may still reach.
_PASSWORD_CHANGE_ENDPOINTS = {"auth.password", "auth.logout", "static", "main.health"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

log = logging.getLogger(__name__)

_CONTROL_CHARACTER_MESSAGE = _l(
    "Your input contains a control character (an invisible special character, often "
    "copied from another program), so nothing was saved. Remove it and send again."
)


def init_app(app: Flask) -> None:
    """Wire headers, the user loader and the error handlers."""
    app.before_request(_refuse_control_characters)
    app.before_request(_require_password_change)
    app.after_request(_set_headers)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_sign_in_first)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def session_lifetime() -> dt.timedelta:
    """Return how long one sign-in lasts at most (PERMANENT_SESSION_LIFETIME, a working day)."""
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return lifetime if isinstance(lifetime, dt.timedelta) else dt.timedelta(seconds=lifetime)


def _load_user(token: str):
    return load_user(db.session, token, session.get(SESSION_ID_KEY), session_lifetime())


def _refuse_control_characters():
    """Refuse NUL bytes and other control characters in the path, query and form data.

    No name, answer, reason or key needs them; the databases and XLSX cannot store some of
    them. Tab and line breaks stay allowed (text areas send them).
    """
    values = [request.path]
    for data in (request.args, request.form):
        for key, items in data.lists():
            values.append(key)
            values.extend(items)
    if not any(has_control_characters(value) for value in values):
        return None
    if is_api_request():
        return problem(400, str(_CONTROL_CHARACTER_MESSAGE))
    if _wants_json():
        return jsonify({"status": "invalid", "message": str(_CONTROL_CHARACTER_MESSAGE)}), 422
    return render_template("errors/error.html", code=400, message=_CONTROL_CHARACTER_MESSAGE), 400


def _require_password_change():
    """Send a user whose password an administrator set to the password page first."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _PASSWORD_CHANGE_ENDPOINTS
        and not is_api_request()  # the API ignores the cookie; tokens are checked there
    ):
        if _wants_json():
            return jsonify({"error": "password change required"}), 403
        return redirect(url_for("auth.password"))
    return None


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype in ("text/html", "application/json", "application/problem+json"):
        headers.setdefault("Cache-Control", "no-store")
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    return response


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.path.endswith(".json")


def _error_page(code: int, message: str | None = None):
    if _wants_json():
        from advisory.wording import error_text

        return jsonify({"error": message or str(error_text(code)[1])}), code
    return render_template("errors/error.html", code=code, message=message), code


def _sign_in_first():
    """Send visitors to sign-in; the start page needs no "please sign in" notice."""
    if request.path != "/":
        flash(login_manager.login_message, login_manager.login_message_category)
    target = request.full_path if request.path != "/" else None
    return redirect(url_for("auth.login", next=target))


def _csrf_error(error: CSRFError):
    log.info("CSRF check failed: %s", error.description)
    if _wants_json():
        return _error_page(400)
    flash(
        _l(
            "Your form had expired or came from another page, so nothing was saved. "
            "Please check your input and send it again."
        ),
        "error",
    )
    return render_template("errors/error.html", code=400), 400


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if is_api_request():
        return from_exception(error)
    if error.code == 401:
        return redirect(url_for("auth.login", next=request.full_path))
    from advisory.views import InvalidInput

    if isinstance(error, InvalidInput):
        return _error_page(error.code, str(error.description))
    return _error_page(error.code)


def _unexpected_error(error: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if is_api_request():
        return problem(500)
    return _error_page(500)


def sign_in(user) -> None:
    """Start a fresh session (a new cookie) recorded on the server, so it can be ended there."""
    session.clear()
    session[SESSION_ID_KEY] = start_session(db.session, user, session_lifetime())
    login_user(user)
