"""Small helpers every area's views share: access by area, safe redirects."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from advisory.access import may_enter


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


def is_safe_redirect(target: str) -> bool:
    """Tell whether a redirect target stays on this site (a path, not another host)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target
