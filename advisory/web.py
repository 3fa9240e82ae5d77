"""Blueprint registration and the small helpers every area's views share."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from advisory.access import may_enter
from advisory.directory import ATTRIBUTION

_ERRORS = {
    400: (
        _l("The request could not be processed"),
        _l(
            "Something in the request was not as expected. Go back, check your input and try again."
        ),
    ),
    403: (
        _l("Access denied"),
        _l("Your account may not open this page. If you need access, ask your administrator."),
    ),
    404: (
        _l("Page not found"),
        _l(
            "This page does not exist or is not available to you. Check the address or start again "
            "from the home page."
        ),
    ),
    405: (
        _l("Action not allowed"),
        _l("This page cannot be used this way. Start again from the home page."),
    ),
    413: (
        _l("Upload too large"),
        _l("The data sent was larger than allowed. Send a smaller file or less text."),
    ),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "The error has been logged. Nothing you confirmed as saved is lost. Please try again "
            "in a moment; if it happens again, tell your administrator the time it happened."
        ),
    ),
    503: (_l("Service unavailable"), _l("The service is briefly unavailable. Please try again.")),
}


_EVENTS = {
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "user_created": _l("Account created"),
    "role_changed": _l("Role or scope changed"),
    "account_enabled": _l("Account enabled"),
    "account_disabled": _l("Account disabled"),
    "catalogue_review": _l("Catalogue review recorded"),
    "catalogue_edit": _l("Catalogue entry changed"),
}


_ASSESSMENT_STATUS = {
    "in_progress": _l("in progress"),
    "submitted": _l("submitted"),
    "in_review": _l("in review"),
    "validated": _l("validated"),
}
_PROGRESS = {
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "complete": _l("complete"),
    "not_applicable": _l("not applicable"),
}


# Maturity levels after ITU-T Y.4904, as named in DOMAIN.md.
_LEVELS = {
    1: _l("1 – Planning"),
    2: _l("2 – Alignment"),
    3: _l("3 – Development"),
    4: _l("4 – Integration"),
    5: _l("5 – Optimization"),
}
_HORIZONS = {
    "quick_win": _l("Quick wins (0–6 months)"),
    "next_step": _l("Next steps (6–18 months)"),
    "later": _l("Later (after 18 months)"),
}
_KINDS = {
    "solution": _l("Solution"),
    "training": _l("Training"),
    "step": _l("Organisational step"),
    "link_domains": _l("Link data"),
    "cooperate": _l("Co-operation"),
}


def level_label(level: int | None, missing: str = "–") -> str:
    """Name a maturity level ('3 – Umsetzen'); `missing` when there is none."""
    return str(_LEVELS.get(level, missing))


def horizon_label(horizon: str) -> str:
    return str(_HORIZONS.get(horizon, horizon))


def kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))


def error_text(code: int) -> tuple[str, str]:
    """Return the heading and the advice shown for an HTTP error."""
    return _ERRORS.get(code, _ERRORS[400] if code < 500 else _ERRORS[500])


def require_area(area: str):
    """Let a view be reached only by signed-in users whose role may enter the area."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not may_enter(current_user, area):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def register_blueprints(app: Flask) -> None:
    """Register every area of the application."""
    from advisory.admin.views import bp as admin
    from advisory.assessments.views import bp as assessments
    from advisory.auth.views import bp as auth
    from advisory.catalogue.views import bp as catalogue
    from advisory.main.views import bp as main
    from advisory.municipalities.views import bp as municipalities
    from advisory.report.views import bp as report

    for blueprint in (main, auth, municipalities, assessments, catalogue, admin, report):
        app.register_blueprint(blueprint)
    from advisory import wording
    from advisory.admin.forms import ROLE_LABELS

    app.jinja_env.globals.update(
        error_text=error_text,
        attribution=ATTRIBUTION,
        current_locale=lambda: str(get_locale()),
        role_label=lambda role: ROLE_LABELS.get(role, role),
        event_label=lambda kind: _EVENTS.get(kind, kind),
        status_label=lambda status: _ASSESSMENT_STATUS.get(status, status),
        progress_label=lambda status: _PROGRESS.get(status, status),
        level_label=level_label,
        horizon_label=horizon_label,
        kind_label=kind_label,
        licence_label=wording.licence_label,
        condition_label=wording.condition_label,
        trace_label=wording.trace_label,
    )
    app.jinja_env.filters.update(format_number=format_decimal, format_decimal=format_decimal)
    app.jinja_env.add_extension("jinja2.ext.do")


def is_safe_redirect(target: str) -> bool:
    """Tell whether a redirect target stays on this site (a path, not another host)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target


_ACCOUNT_ERRORS = {
    "password_too_short": _l("The password must have at least 12 characters."),
    "wrong_password": _l("The current password is not correct."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "email_taken": _l("An account with this email address already exists."),
    "municipality_required": _l(
        "Municipal roles belong to one municipality: choose it from the directory."
    ),
    "municipality_not_found": _l(
        "No municipality matches. Check the spelling or enter the 8-digit key (AGS)."
    ),
    "municipality_ambiguous": _l(
        "Several municipalities match. Choose one of the suggestions or enter its 8-digit key "
        "(AGS)."
    ),
    "scope_required": _l(
        "Advisors and trainers need a portfolio: enter at least one state, district or "
        "municipality key."
    ),
    "bad_scope": _l(
        "Enter keys separated by spaces: 2 digits for a state (09), 5 for a district (09162), "
        "8 for a municipality (09162000)."
    ),
    "cannot_demote_self": _l(
        "You cannot remove your own administrator role or disable your own account; ask another "
        "administrator."
    ),
}


def account_error_text(code: str) -> str:
    """Return the user-facing sentence for an account error code."""
    return str(_ACCOUNT_ERRORS.get(code, code))
