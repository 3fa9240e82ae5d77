"""One-time link tokens: created for a purpose, stored only as a hash, expiring, used once.

Invitations use them now; password-reset links will use the same functions with their own
purpose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from advisory.models import OneTimeToken, User, utcnow


class TokenError(ValueError):
    """The link is unknown, meant for something else, expired or already used (see `reason`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def hash_token(token: str) -> str:
    """Return the stored form of a token (SHA-256; tokens are long random values)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    purpose: str,
    payload: dict,
    *,
    lifetime: dt.timedelta,
    actor: User | None = None,
) -> tuple[str, OneTimeToken]:
    """Store a new token's hash and return the secret (shown once) with its row (not committed)."""
    secret = secrets.token_urlsafe(32)
    row = OneTimeToken(
        purpose=purpose,
        token_hash=hash_token(secret),
        payload=dict(payload),
        created_by_id=actor.id if actor else None,
        expires_at=utcnow() + lifetime,
    )
    session.add(row)
    session.flush()
    return secret, row


def verify_token(session: Session, purpose: str, secret: str) -> OneTimeToken:
    """Return the token's row if it is valid for the purpose; raise TokenError otherwise."""
    row = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(secret)))
    if row is None or row.purpose != purpose:
        raise TokenError("unknown")
    if row.used_at is not None:
        raise TokenError("used")
    if row.expires_at <= utcnow():
        raise TokenError("expired")
    return row


def consume_token(session: Session, purpose: str, secret: str) -> OneTimeToken:
    """Verify the token and mark it used, so that a second use fails even at the same time."""
    row = verify_token(session, purpose, secret)
    marked = session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:
        raise TokenError("used")
    session.refresh(row)
    return row
