"""The municipal team: invitations of colleagues, domain assignments and the staff list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from advisory.models import (
    DomainAssignment,
    Municipality,
    OneTimeToken,
    Role,
    StaffMember,
    User,
    utcnow,
)
from advisory.services import mail
from advisory.services.accounts import (
    AccountError,
    check_password_policy,
    create_user,
    normalise_email,
    record_event,
)
from advisory.services.tokens import consume_token, create_token, verify_token

INVITATION = "invitation"
INVITABLE_ROLES = (Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER)


class TeamError(ValueError):
    """A team change was refused; the message is a key of wording.team_error_text."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.field = field


@dataclass(frozen=True)
class Invitation:
    link: str
    emailed: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class PendingInvitation:
    email: str
    role: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class AssignedDomain:
    """A domain assigned to the user, with progress in the municipality's open inventory."""

    assessment_id: int | None
    domain_id: str
    title: str
    answered: int
    shown: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.shown) if self.shown else 0


def invite_colleague(
    session: Session,
    actor: User,
    *,
    email: str,
    role: Role,
    days: int,
    link_for: Callable[[str], str],
    message: Callable[[str, dt.datetime], tuple[str, str]],
) -> Invitation:
    """Create a one-time invitation to the actor's municipality; e-mail it when mail is on.

    `link_for` turns the secret into the sign-up URL; `message` gives subject and body.
    """
    email = normalise_email(email)
    role = Role(role)
    if role not in INVITABLE_ROLES or actor.municipality_id is None:
        raise TeamError("bad_role", field="role")
    if session.scalar(select(User.id).where(User.email == email)):
        raise TeamError("email_taken", field="email")
    secret, row = create_token(
        session,
        INVITATION,
        {"email": email, "role": str(role), "municipality_id": actor.municipality_id},
        lifetime=dt.timedelta(days=days),
        actor=actor,
    )
    record_event(
        session, "invitation_created", actor=actor, email=email, detail={"role": str(role)}
    )
    session.commit()
    link = link_for(secret)
    subject, body = message(link, row.expires_at)
    emailed = mail.send_mail(email, subject, body)
    return Invitation(link=link, emailed=emailed, expires_at=row.expires_at)


def pending_invitations(session: Session, municipality: Municipality) -> list[PendingInvitation]:
    """Return the invitations to the municipality that are neither used nor expired."""
    rows = session.scalars(
        select(OneTimeToken)
        .where(
            OneTimeToken.purpose == INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > utcnow(),
        )
        .order_by(OneTimeToken.created_at)
    )
    return [
        PendingInvitation(r.payload["email"], r.payload["role"], r.expires_at)
        for r in rows
        if r.payload.get("municipality_id") == municipality.id
    ]


def invitation(session: Session, secret: str) -> OneTimeToken:
    """Return a valid invitation (TokenError when unknown, used or expired)."""
    return verify_token(session, INVITATION, secret)


def accept_invitation(session: Session, secret: str, *, name: str, password: str) -> User:
    """Create the invitee's account with their own password; the link cannot be used again."""
    invitation(session, secret)
    check_password_policy(password)
    row = consume_token(session, INVITATION, secret)
    payload = row.payload
    municipality = session.get(Municipality, payload["municipality_id"])
    inviter = session.get(User, row.created_by_id) if row.created_by_id else None
    try:
        user = create_user(
            session,
            email=payload["email"],
            name=name,
            password=password,
            role=Role(payload["role"]),
            municipality=municipality,
            actor=inviter,
            own_password=True,
        )
    except AccountError:
        session.rollback()
        raise
    record_event(session, "invitation_accepted", actor=user, email=user.email)
    session.commit()
    return user


def colleagues(session: Session, municipality: Municipality) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.municipality_id == municipality.id, User.active.is_(True))
            .order_by(User.name)
        )
    )


def domain_assignments(session: Session, municipality: Municipality) -> dict[str, User]:
    """Return domain id → assigned colleague."""
    rows = session.scalars(
        select(DomainAssignment).where(DomainAssignment.municipality_id == municipality.id)
    )
    return {row.domain_id: row.user for row in rows}


def assign_domains(
    session: Session, actor: User, municipality: Municipality, wanted: dict[str, int | None]
) -> None:
    """Assign each domain to a colleague of the municipality (None removes the assignment)."""
    allowed = {u.id for u in colleagues(session, municipality)}
    current = {
        row.domain_id: row
        for row in session.scalars(
            select(DomainAssignment).where(DomainAssignment.municipality_id == municipality.id)
        )
    }
    for domain_id, user_id in wanted.items():
        if user_id is not None and user_id not in allowed:
            raise TeamError("not_a_colleague", field=domain_id)
        row = current.get(domain_id)
        if user_id is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                DomainAssignment(
                    municipality_id=municipality.id,
                    domain_id=domain_id,
                    user_id=user_id,
                    assigned_by_id=actor.id,
                )
            )
        elif row.user_id != user_id:
            row.user_id, row.assigned_by_id, row.assigned_at = user_id, actor.id, utcnow()
    session.commit()


def assigned_to(session: Session, user: User, lang: str) -> list[AssignedDomain]:
    """Return the domains assigned to the user, with progress in the open inventory."""
    from advisory.content import current_questionnaire
    from advisory.content import questionnaire as pinned
    from advisory.services.assessments import (
        answer_rows,
        domain_states,
        municipality_facts,
        open_assessment,
        progress,
    )

    rows = session.scalars(select(DomainAssignment).where(DomainAssignment.user_id == user.id))
    domain_ids = [row.domain_id for row in rows]
    if not domain_ids or user.municipality is None:
        return []
    assessment = open_assessment(session, user.municipality)
    if assessment is None:
        questionnaire = current_questionnaire()
        counts: dict[str, tuple[int, int]] = {}
    else:
        questionnaire = pinned(assessment.questionnaire_id, assessment.questionnaire_version)
        sections, _visible = progress(
            questionnaire,
            answer_rows(session, assessment),
            municipality_facts(user.municipality),
            domain_states(session, assessment),
        )
        counts = {s.id: (s.answered, s.shown) for s in sections}
    titles = {d.id: d.title.get(lang) for d in questionnaire.domains}
    return [
        AssignedDomain(
            assessment.id if assessment else None,
            domain_id,
            titles.get(domain_id, domain_id),
            *counts.get(domain_id, (0, 0)),
        )
        for domain_id in sorted(domain_ids, key=list(titles).index if titles else None)
        if domain_id in titles
    ]


def staff_of(session: Session, municipality_ids) -> list[StaffMember]:
    """Return the staff of the given municipalities (an id list or subquery), by name."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.municipality_id.in_(municipality_ids))
            .order_by(StaffMember.name)
        )
    )


def add_staff(
    session: Session, municipality: Municipality, *, name: str, function: str, email: str | None
) -> StaffMember:
    """Add a person to the municipality's staff list."""
    name, function = name.strip(), function.strip()
    if not name:
        raise TeamError("name_required", field="name")
    person = StaffMember(
        municipality_id=municipality.id,
        name=name,
        function=function,
        email=normalise_email(email) if email else None,
    )
    session.add(person)
    session.commit()
    return person


def delete_staff(session: Session, person: StaffMember) -> None:
    """Delete the person; their training places stay (and keep counting) without a name."""
    from advisory.models import SessionParticipant

    session.execute(
        update(SessionParticipant)
        .where(SessionParticipant.staff_id == person.id)
        .values(staff_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(StaffMember).where(StaffMember.id == person.id))
    session.commit()
