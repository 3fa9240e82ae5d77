"""User accounts: creation, sign-in with a failure limit, password change, roles, scopes, audit."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from advisory.inputs import has_control_characters
from advisory.models import (
    Association,
    AuditEvent,
    LoginSession,
    Municipality,
    Role,
    RoleScope,
    ScopeKind,
    User,
    utcnow,
)

MIN_PASSWORD_LENGTH = 12
# zxcvbn's scale: 3 = "safely unguessable: moderate protection from offline attacks".
MIN_PASSWORD_SCORE = 3
# Passwords printed in the README and by `advisory seed-demo`: known to everybody.
PUBLISHED_PASSWORDS = ("Demo-Passwort-2026",)
MAX_NAME_LENGTH = 200
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


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.lower())


def check_password_policy(
    password: str, *, email: str = "", name: str = "", field: str = "password"
) -> None:
    """Refuse passwords that are short, common, or derived from the account or this service.

    Uses the zxcvbn strength estimator (dictionaries of common passwords, names and words,
    repetitions, sequences, dates) with the account's e-mail address and name as context, and
    refuses the published demo password and anything built on it.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", field=field)
    if has_control_characters(password):
        raise AccountError("control_characters", field=field)
    flat = _letters(password)
    local_part = email.partition("@")[0]
    personal = [email, local_part, name, *name.split(), *re.split(r"[._+-]", local_part)]
    personal = [_letters(p) for p in personal if len(_letters(p)) >= 4]
    published = [_letters(p)[:-4] for p in PUBLISHED_PASSWORDS]  # "demopasswort" in any year
    if any(p in flat for p in personal):
        raise AccountError("password_personal", field=field)
    if any(p in flat for p in published):
        raise AccountError("password_published", field=field)
    context = [*personal, *published, "advisory", "smartcity", "kommune", "gemeinde"]
    from zxcvbn import zxcvbn  # its word lists take 10 MB: loaded when a password is set

    if zxcvbn(password[:100], user_inputs=context)["score"] < MIN_PASSWORD_SCORE:
        raise AccountError("password_weak", field=field)


def check_name(name: str) -> str:
    """Return a person's name stripped; refuse empty, overlong or control characters."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise AccountError("name_required", field="name")
    if has_control_characters(name):
        raise AccountError("control_characters", field="name")
    return name


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
    association: Association | None = None,
    check_password: bool = True,
    own_password: bool | None = None,
) -> User:
    """Create an account; municipal roles need a municipality, advisors and trainers a scope.

    An account someone else creates must choose its own password at the first sign-in, unless
    `own_password` says the password is the user's own (an accepted invitation).
    `check_password=False` only for the published demo accounts.
    """
    email = normalise_email(email)
    if has_control_characters(email):
        raise AccountError("control_characters", field="email")
    if session.scalar(select(User).where(User.email == email)):
        raise AccountError("email_taken", field="email")
    name = check_name(name)
    if check_password:
        check_password_policy(password, email=email, name=name)
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role,
        must_change_password=(actor is not None) if own_password is None else not own_password,
    )
    _apply_role(session, user, role, municipality, scopes, association)
    session.add(user)
    session.flush()
    record_event(
        session,
        "user_created",
        actor=actor,
        email=email,
        detail={"name": name, **_role_detail(user)},
    )
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
    association: Association | None = None,
) -> None:
    """Change name, role, scope and whether the account may sign in; role changes are audited."""
    before = _role_detail(user)
    if user.id == actor.id and (role is not Role.ADMIN or not active):
        raise AccountError("cannot_demote_self", field="role")
    name = check_name(name)
    if name != user.name:
        record_event(
            session,
            "name_changed",
            actor=actor,
            email=user.email,
            detail={"before": {"name": user.name}, "after": {"name": name}},
        )
    user.name = name
    user.role = role
    _apply_role(session, user, role, municipality, scopes, association)
    was_active, user.active = user.active, active
    if not active:
        end_sessions(session, user)
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


def _apply_role(session, user, role, municipality, scopes, association=None) -> None:
    role = Role(role)
    if role.is_municipal and municipality is None:
        raise AccountError("municipality_required", field="municipality")
    if role.is_association and association is None:
        raise AccountError("association_required", field="association")
    user.association = association if role.is_association else None
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
    if user.association is not None:
        return {
            "role": str(user.role),
            "association": user.association.code,
            "scopes": [],
        }
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

    After `max_failures` failed attempts for one account from one network address within
    `lock_minutes`, further attempts from that address are refused until the window has passed,
    even with the right password. The lock is per account and address, so that a stranger
    cannot lock the owner out; an administrator can lift it (`unlock`). The number of attempts
    per address over all accounts is limited separately (advisory.ratelimit).
    """
    email = normalise_email(email)
    until = locked_until(
        session, email, remote_addr, max_failures=max_failures, lock_minutes=lock_minutes
    )
    if until is not None:
        raise LoginLockedError(until)
    user = session.scalar(select(User).where(User.email == email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        record_event(session, "login_failed", email=email, remote_addr=remote_addr)
        session.commit()
        return None
    record_event(session, "login", actor=user, email=email, remote_addr=remote_addr)
    session.commit()
    return user


def locked_until(
    session: Session,
    email: str,
    remote_addr: str | None,
    *,
    max_failures: int,
    lock_minutes: int,
) -> dt.datetime | None:
    """Return until when sign-in for the account from the address is paused, or None."""
    window_start = utcnow() - dt.timedelta(minutes=lock_minutes)
    # A success from the same address, an administrator's unlock or new password start afresh.
    last_reset = session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.subject_email == email,
            (AuditEvent.kind.in_(("login_unlocked", "password_reset")))
            | ((AuditEvent.kind == "login") & (AuditEvent.remote_addr == remote_addr)),
        )
    )
    since = max(window_start, last_reset) if last_reset else window_start
    failures = session.scalars(
        select(AuditEvent.at)
        .where(
            AuditEvent.kind == "login_failed",
            AuditEvent.subject_email == email,
            AuditEvent.remote_addr == remote_addr,
            AuditEvent.at > since,
        )
        .order_by(AuditEvent.at)
    ).all()
    if len(failures) >= max_failures:
        return failures[-max_failures] + dt.timedelta(minutes=lock_minutes)
    return None


def unlock(session: Session, user: User, actor: User | None) -> None:
    """Lift every sign-in pause of the account (an administrator's action, audited)."""
    record_event(session, "login_unlocked", actor=actor, email=user.email)
    session.commit()


def change_password(
    session: Session, user: User, current: str, new: str, *, keep_session: str | None = None
) -> None:
    """Set a new password after checking the current one; other sessions of the user end.

    `keep_session` is the id of the session the change was made in; it stays signed in.
    """
    if not check_password_hash(user.password_hash, current):
        raise AccountError("wrong_password", field="current_password")
    if current == new:
        raise AccountError("password_unchanged", field="new_password")
    check_password_policy(new, email=user.email, name=user.name, field="new_password")
    user.password_hash = generate_password_hash(new)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    end_sessions(session, user, keep=keep_session)
    record_event(session, "password_changed", actor=user, email=user.email)
    session.commit()


def reset_password(session: Session, user: User, new: str, actor: User | None) -> None:
    """Set a password chosen by an administrator; the user must change it at the next sign-in.

    Every session of the user ends, and any sign-in pause of the account is lifted.
    """
    check_password_policy(new, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(new)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    end_sessions(session, user)
    record_event(session, "password_reset", actor=actor, email=user.email)
    session.commit()


# --- Server-side sessions -----------------------------------------------------------------------


def start_session(session: Session, user: User, max_age: dt.timedelta | None = None) -> str:
    """Record a new sign-in of the user and return its random id (kept in the cookie).

    Sign-ins older than `max_age` (which no longer give access) are removed on the way.
    """
    token = secrets.token_urlsafe(32)
    if max_age is not None:
        session.execute(delete(LoginSession).where(LoginSession.created_at < utcnow() - max_age))
    session.add(LoginSession(id=token, user_id=user.id))
    session.commit()
    return token


def end_session(session: Session, token: str | None) -> None:
    """End one sign-in: a copy of its cookie gives no access any more."""
    if token:
        session.execute(
            update(LoginSession)
            .where(LoginSession.id == token, LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_sessions(session: Session, user: User, keep: str | None = None) -> None:
    """End every sign-in of the user (but `keep`); the caller commits."""
    condition = [LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)]
    if keep:
        condition.append(LoginSession.id != keep)
    session.execute(update(LoginSession).where(*condition).values(ended_at=utcnow()))
    user.session_version += 1


def end_sessions_by_admin(session: Session, user: User, actor: User | None) -> None:
    """An administrator signs the user out everywhere (audited)."""
    end_sessions(session, user)
    record_event(session, "sessions_ended", actor=actor, email=user.email)
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


# Built once (every signed-in request runs it): SQLAlchemy then skips working out its cache key.
_SIGNED_IN = select(User, LoginSession).where(
    User.id == bindparam("user"),
    LoginSession.id == bindparam("sign_in"),
    LoginSession.user_id == User.id,
)


def load_user(
    session: Session,
    token: str,
    session_id: str | None = None,
    max_age: dt.timedelta | None = None,
) -> User | None:
    """Return the user of a session, None if it was ended, is older than `max_age` or unknown.

    `token` is 'user id:session version' from Flask-Login, `session_id` the id of the recorded
    sign-in kept in the same signed cookie; both must still be valid.
    """
    user_id, _, version = token.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 10 or len(version) > 10 or not isinstance(session_id, str):
        return None
    # One query for the user and the sign-in (every signed-in request asks).
    found = session.execute(_SIGNED_IN, {"user": int(user_id), "sign_in": session_id[:64]}).first()
    if found is None:
        return None
    user, sign_in = found
    if user.session_version != int(version) or not user.active or sign_in.ended_at is not None:
        return None
    if max_age is not None and sign_in.created_at < utcnow() - max_age:
        return None
    return user


def audit_log(session: Session, limit: int = 200) -> list[tuple[AuditEvent, str]]:
    """Return the newest audit events with who did it ('name <email>', or '' for the system)."""
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
    ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = {
        u.id: f"{u.name} <{u.email}>" for u in session.scalars(select(User).where(User.id.in_(ids)))
    }
    return [(e, actors.get(e.actor_id, "")) for e in events]


def parse_scopes(text: str) -> list[Scope]:
    """Parse a portfolio of keys: '09' a state, '09162' a district, '09162000' a municipality."""
    scopes = []
    for token in text.replace(",", " ").split():
        if not token.isdigit() or len(token) not in (2, 5, 8):
            raise AccountError("bad_scope", field="scopes")
        kind = {2: ScopeKind.STATE, 5: ScopeKind.DISTRICT, 8: ScopeKind.MUNICIPALITY}[len(token)]
        scopes.append(Scope(kind, token))
    return scopes
