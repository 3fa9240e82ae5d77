"""Personal API tokens: create (the secret is shown once), list, revoke, and authenticate."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from advisory.models import ApiToken, User, utcnow
from advisory.services.tokens import hash_token

# Every secret starts with this, so that secret scanners and people recognise it.
PREFIX = "adv_"
# A token's last use is written at most this often (not on every request).
LAST_USE_PRECISION = dt.timedelta(minutes=1)
MAX_TOKENS = 20


class ApiTokenError(ValueError):
    """A token could not be created; the message is a code the view translates."""


def create_api_token(
    session: Session, user: User, name: str, expires_on: dt.date | None = None
) -> tuple[str, ApiToken]:
    """Store a new token for the user and return its secret (shown once) and its row."""
    name = name.strip()
    if not name:
        raise ApiTokenError("name_missing")
    if expires_on is not None and expires_on <= utcnow().date():
        raise ApiTokenError("expiry_past")
    if len(active_tokens(session, user)) >= MAX_TOKENS:
        raise ApiTokenError("too_many")
    secret = PREFIX + secrets.token_urlsafe(32)
    expires_at = dt.datetime.combine(expires_on, dt.time.min, tzinfo=dt.UTC) if expires_on else None
    row = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=hash_token(secret),
        prefix=secret[:12],
        expires_at=expires_at,
    )
    session.add(row)
    session.commit()
    return secret, row


def active_tokens(session: Session, user: User) -> list[ApiToken]:
    """Return the user's tokens that were not revoked, newest first (expired ones included)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; return False if there is no such token."""
    done = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return done.rowcount == 1


def authenticate(session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """Return the user and token for a secret, or None if it is unknown, revoked or expired.

    The user is loaded fresh, so that a changed role or scope applies to the next request and
    a deactivated account's tokens stop working at once.
    """
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = utcnow()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or row.last_used_at < now - LAST_USE_PRECISION:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return user, row
