"""Forgotten passwords: a one-time link by e-mail, then a new password of the user's choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from advisory.models import OneTimeToken, User, utcnow
from advisory.services import mail
from advisory.services.accounts import (
    check_password_policy,
    end_sessions,
    normalise_email,
    record_event,
)
from advisory.services.tokens import TokenError, consume_token, create_token, verify_token

PASSWORD_RESET = "password_reset"  # noqa: S105 (a token purpose, not a password)
LIFETIME = dt.timedelta(hours=1)


def request_reset(
    session: Session,
    email: str,
    *,
    link_for: Callable[[str], str],
    message: Callable[[str, dt.datetime], tuple[str, str]],
    remote_addr: str | None = None,
) -> None:
    """Mail a one-time reset link when mail is on and an active account has the address.

    The caller shows the same answer whatever happened, so nobody learns whether an account
    exists. `link_for` turns the secret into the URL; `message` gives subject and body.
    """
    if not mail.mail_enabled():
        return
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    found = user is not None and user.active
    record_event(
        session,
        "password_reset_requested",
        actor=user if found else None,
        email=email,
        remote_addr=remote_addr,
        detail={"account": found},
    )
    if not found:
        session.commit()
        return
    secret, row = create_token(session, PASSWORD_RESET, {"user_id": user.id}, lifetime=LIFETIME)
    session.commit()
    subject, body = message(link_for(secret), row.expires_at)
    mail.send_mail(user.email, subject, body)


def reset_link(session: Session, secret: str) -> OneTimeToken:
    """Return a valid reset link's token (TokenError when unknown, used or expired)."""
    return verify_token(session, PASSWORD_RESET, secret)


def reset_with_link(session: Session, secret: str, password: str) -> User:
    """Set the new password of the link's user; every session of the user ends.

    Raises TokenError for a bad link and AccountError (field "password") for a refused password.
    """
    user = session.get(User, reset_link(session, secret).payload["user_id"])
    if user is None or not user.active:
        raise TokenError("unknown")
    check_password_policy(password, email=user.email, name=user.name)
    consume_token(session, PASSWORD_RESET, secret)
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    end_sessions(session, user)
    record_event(session, "password_reset_by_link", actor=user, email=user.email)
    session.commit()
    return user
