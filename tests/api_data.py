"""Helpers for API tests: a personal token for a user, and a client that sends it."""

from __future__ import annotations

from advisory.extensions import db
from advisory.models import User
from advisory.services.api_tokens import create_api_token


def token_for(app, user: User, name: str = "test") -> str:
    """Create a personal API token for the user and return its secret."""
    with app.app_context():
        secret, _row = create_api_token(db.session, db.session.get(User, user.id), name)
        return secret


def bearer(secret: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", "Accept-Language": lang}
