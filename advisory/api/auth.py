"""Who is calling the API: a personal token in `Authorization: Bearer …`, never the cookie.

The token's user is loaded on every request, so that a changed role or scope applies at once.
Because the API reads no cookie, cross-site requests cannot act for a signed-in browser, and
the API blueprint is exempt from CSRF.
"""

from __future__ import annotations

import hashlib

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from advisory.access import may_enter
from advisory.api.problems import problem
from advisory.extensions import db
from advisory.models import User
from advisory.services.api_tokens import authenticate

# Views say which area of advisory.access.AREAS they belong to; None: every signed-in role.
ANY_ROLE = None


def area(name: str | None):
    """Mark a view as belonging to an area of advisory.access.AREAS (checked before it runs)."""

    def decorator(view):
        view.api_area = name
        return view

    return decorator


def bearer_token() -> str | None:
    """Return the secret from the Authorization header, if it carries a bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Count API requests per token (a hash of it), and per address without one."""
    secret = bearer_token()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:32]
    return "address:" + (get_remote_address() or "unknown")


def authenticate_request():
    """Before each API request: find the token's user and check the view's area."""
    secret = bearer_token()
    found = authenticate(db.session, secret) if secret else None
    if found is None:
        return problem(401, headers={"WWW-Authenticate": 'Bearer realm="advisory"'})
    user, token = found
    if user.must_change_password:
        return problem(
            403,
            _(
                "An administrator has set your password. Sign in on the website and choose "
                "your own password first; then the token works again."
            ),
        )
    g.api_user, g.api_token = user, token
    view = current_app.view_functions.get(request.endpoint or "")
    name = getattr(view, "api_area", ANY_ROLE)
    if name is not ANY_ROLE and not may_enter(user, name):
        return problem(403)
    return None


def api_user() -> User:
    """Return the user of the token of this request."""
    user = g.get("api_user")
    if user is None:  # only reachable if a view ran without authenticate_request
        abort(401)
    return user
