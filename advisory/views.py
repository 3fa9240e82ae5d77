"""Small helpers every area's views share: access by area, safe redirects."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest

from advisory.access import may_enter


class InvalidInput(BadRequest):
    """A 400 whose description is a clear sentence for the user (shown on the error page)."""


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


def is_safe_redirect(target: object) -> bool:
    """Tell whether a redirect target is a plain path on this site.

    Refuses anything a browser could read as another host: schemes, '//host', backslashes
    (read as slashes), whitespace and control characters (browsers drop tabs and newlines, so
    '/%09/evil.example' decoded becomes '//evil.example'), and overlong targets.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if len(target) > 2000:
        return False
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not parts.path.startswith("//")
