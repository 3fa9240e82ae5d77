"""User accounts: creation, sign-in with a failure limit, password change, roles, scopes, audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from advisory.models import AuditEvent, Municipality, Role, RoleScope, ScopeKind, User, utcnow

MIN_PASSWORD_LENGTH = 12
# A hash to compare against when the user does not exist, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """An account change was refused; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class LoginLockedError(Exception):
    """Too many failed sign-ins; `until` says when trying again is possible."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    code: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str) -> None:
    """Refuse passwords that are too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", field="password")


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    municipality: Municipality | None = None,
    scopes: list[Scope] = (),
    actor: User | None = None,
) -> User:
    """Create an account; municipal roles need a municipality, advisors and trainers a scope."""
    email = normalise_email(email)
    if session.scalar(select(User).where(User.email == email)):
        raise AccountError("email_taken", field="email")
    check_password_policy(password)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=generate_password_hash(password),
        role=role,
    )
    _apply_role(session, user, role, municipality, scopes)
    session.add(user)
    session.flush()
    record_event(session, "user_created", actor=actor, email=email, detail=_role_detail(user))
    session.commit()
    return user


def update_user(
    session: Session,
    user: User,
    *,
    name: str,
    role: Role,
    municipality: Municipality | None,
    scopes: list[Scope],
    active: bool,
    actor: User,
) -> None:
    """Change name, role, scope and whether the account may sign in; role changes are audited."""
    before = _role_detail(user)
    if user.id == actor.id and (role is not Role.ADMIN or not active):
        raise AccountError("cannot_demote_self", field="role")
    user.name = name.strip()
    user.role = role
    _apply_role(session, user, role, municipality, scopes)
    was_active, user.active = user.active, active
    after = _role_detail(user)
    if before != after:
        record_event(
            session,
            "role_changed",
            actor=actor,
            email=user.email,
            detail={"before": before, "after": after},
        )
    if was_active != active:
        record_event(
            session,
            "account_enabled" if active else "account_disabled",
            actor=actor,
            email=user.email,
        )
    session.commit()


def _apply_role(session, user, role, municipality, scopes) -> None:
    role = Role(role)
    if role.is_municipal and municipality is None:
        raise AccountError("municipality_required", field="municipality")
    if role.has_scope and not scopes:
        raise AccountError("scope_required", field="scopes")
    user.municipality = municipality if role.is_municipal else None
    wanted = {(s.kind, s.code) for s in scopes} if role.has_scope else set()
    for existing in list(user.scopes):
        if (existing.kind, existing.code) not in wanted:
            user.scopes.remove(existing)
    have = {(s.kind, s.code) for s in user.scopes}
    for kind, code in sorted(wanted - have):
        user.scopes.append(RoleScope(kind=kind, code=code))


def _role_detail(user: User) -> dict:
    return {
        "role": str(user.role),
        "municipality": user.municipality.ags if user.municipality else None,
        "scopes": sorted(f"{s.kind}:{s.code}" for s in user.scopes),
    }


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    remote_addr: str | None,
    max_failures: int,
    lock_minutes: int,
) -> User | None:
    """Return the user for valid credentials, None otherwise; raise LoginLockedError when locked.

    After `max_failures` failed attempts for one address (account name) within `lock_minutes`,
    further attempts are refused until the window has passed, even with the right password.
    """
    email = normalise_email(email)
    now = utcnow()
    window_start = now - dt.timedelta(minutes=lock_minutes)
    last_success = session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.kind == "login", AuditEvent.subject_email == email
        )
    )
    since = max(window_start, last_success) if last_success else window_start
    failures = session.scalars(
        select(AuditEvent.at)
        .where(
            AuditEvent.kind == "login_failed",
            AuditEvent.subject_email == email,
            AuditEvent.at > since,
        )
        .order_by(AuditEvent.at)
    ).all()
    if len(failures) >= max_failures:
        raise LoginLockedError(failures[-max_failures] + dt.timedelta(minutes=lock_minutes))
    user = session.scalar(select(User).where(User.email == email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        record_event(session, "login_failed", email=email, remote_addr=remote_addr)
        session.commit()
        return None
    record_event(session, "login", actor=user, email=email, remote_addr=remote_addr)
    session.commit()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions of the user end."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("wrong_password", field="current_password")
    if current == new:
        raise AccountError("password_unchanged", field="new_password")
    try:
        check_password_policy(new)
    except AccountError as error:
        raise AccountError(str(error), field="new_password") from None
    user.password_hash = generate_password_hash(new)
    user.password_changed_at = utcnow()
    user.session_version += 1
    record_event(session, "password_changed", actor=user, email=user.email)
    session.commit()


def record_event(
    session: Session,
    kind: str,
    *,
    actor: User | None = None,
    email: str | None = None,
    remote_addr: str | None = None,
    detail: dict | None = None,
) -> None:
    """Append one entry to the security audit log (committed by the caller)."""
    session.add(
        AuditEvent(
            kind=kind,
            actor_id=actor.id if actor else None,
            subject_email=email,
            remote_addr=remote_addr,
            detail=detail or {},
        )
    )


def load_user(session: Session, token: str) -> User | None:
    """Return the user of a session token 'id:version', None if it is stale or unknown."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def parse_scopes(text: str) -> list[Scope]:
    """Parse a portfolio of keys: '09' a state, '09162' a district, '09162000' a municipality."""
    scopes = []
    for token in text.replace(",", " ").split():
        if not token.isdigit() or len(token) not in (2, 5, 8):
            raise AccountError("bad_scope", field="scopes")
        kind = {2: ScopeKind.STATE, 5: ScopeKind.DISTRICT, 8: ScopeKind.MUNICIPALITY}[len(token)]
        scopes.append(Scope(kind, token))
    return scopes
