"""The trainers' workspace: needs of the portfolio, sessions, participants and training plans."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from advisory.access import can_view, municipality_condition
from advisory.models import (
    Assessment,
    Municipality,
    ParticipantStatus,
    Role,
    SessionMunicipality,
    SessionParticipant,
    StaffMember,
    TrainingSession,
    User,
    utcnow,
)
from advisory.services.catalogue import current_catalogue

#: Statuses that hold a seat (a waiting person gets one when a seat frees up).
SEATED = (
    ParticipantStatus.ASSIGNED,
    ParticipantStatus.CONFIRMED,
    ParticipantStatus.ATTENDED,
    ParticipantStatus.COMPLETED,
)
#: Statuses that count as booked (a seat or a place on the waiting list).
ACTIVE = (*SEATED, ParticipantStatus.WAITING)
#: Where each status may go next.
NEXT_STATUS = {
    ParticipantStatus.WAITING: (ParticipantStatus.CANCELLED,),
    ParticipantStatus.ASSIGNED: (ParticipantStatus.CONFIRMED, ParticipantStatus.CANCELLED),
    ParticipantStatus.CONFIRMED: (
        ParticipantStatus.ATTENDED,
        ParticipantStatus.NO_SHOW,
        ParticipantStatus.CANCELLED,
    ),
    ParticipantStatus.ATTENDED: (ParticipantStatus.COMPLETED,),
    ParticipantStatus.COMPLETED: (),
    ParticipantStatus.NO_SHOW: (),
    ParticipantStatus.CANCELLED: (),
}


class TrainingError(ValueError):
    """A training change was refused; the message is a key of wording.training_error_text."""

    def __init__(self, code: str, field: str | None = None, **values):
        super().__init__(code)
        self.field = field
        self.values = values


# ---------------------------------------------------------------- needs


@dataclass(frozen=True)
class Need:
    """One training recommended for one municipality, with the domain and rule that asked."""

    ags: str
    municipality: str
    district_code: str
    district: str
    training_id: str
    training: str
    domain: str
    because: str
    assessment_id: int


@dataclass(frozen=True)
class Cohort:
    """Municipalities of one district that need the same training: one shared session."""

    district_code: str
    district: str
    training_id: str
    training: str
    municipalities: tuple[tuple[str, str], ...]  # (AGS, name)

    @property
    def ags(self) -> list[str]:
        return [ags for ags, _name in self.municipalities]


_needs_cache: OrderedDict[tuple, tuple[Need, ...]] = OrderedDict()
_needs_lock = threading.Lock()
NEEDS_CACHE_SIZE = 512


def _inventory_needs(session: Session, assessment: Assessment, lang: str) -> tuple[Need, ...]:
    """Return the training needs of one inventory, cached per inventory revision and day."""
    from advisory.services.results import compute_results

    key = (assessment.id, assessment.revision, dt.date.today(), lang)
    with _needs_lock:
        if key in _needs_cache:
            _needs_cache.move_to_end(key)
            return _needs_cache[key]
    results = compute_results(session, assessment)
    titles = {d.id: d.title.get(lang) for d in results.questionnaire.domains}
    m = assessment.municipality
    needs = tuple(
        Need(
            m.ags,
            m.name,
            m.district_code,
            m.district_name,
            r.target,
            results.catalogue.training(r.target).title.get(lang),
            titles.get(r.domain, r.domain),
            r.because.get(lang),
            assessment.id,
        )
        for r in results.evaluation.recommendations
        if r.kind == "training"
    )
    with _needs_lock:
        _needs_cache[key] = needs
        while len(_needs_cache) > NEEDS_CACHE_SIZE:
            _needs_cache.popitem(last=False)
    return needs


def portfolio_needs(
    session: Session,
    user: User,
    lang: str,
    *,
    district: str | None = None,
    training: str | None = None,
) -> list[Need]:
    """Return the trainings recommended by the newest inventory of each visible municipality."""
    newest = (
        select(func.max(Assessment.id))
        .join(Municipality, Municipality.id == Assessment.municipality_id)
        .where(municipality_condition(user))
        .group_by(Assessment.municipality_id)
    )
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.id.in_(newest))
        .options(joinedload(Assessment.municipality))
    ).all()
    needs = [n for a in assessments for n in _inventory_needs(session, a, lang)]
    return sorted(
        (
            n
            for n in needs
            if (not district or n.district_code == district)
            and (not training or n.training_id == training)
        ),
        key=lambda n: (n.district, n.training, n.municipality),
    )


def cohorts(needs: list[Need]) -> list[Cohort]:
    """Propose a shared session where two or more municipalities of a district need a training."""
    groups: dict[tuple[str, str], dict[str, Need]] = defaultdict(dict)
    for need in needs:
        groups[(need.district_code, need.training_id)].setdefault(need.ags, need)
    return [
        Cohort(
            first.district_code,
            first.district,
            first.training_id,
            first.training,
            tuple((n.ags, n.municipality) for n in members.values()),
        )
        for members in groups.values()
        if len(members) >= 2
        for first in [next(iter(members.values()))]
    ]


# ---------------------------------------------------------------- sessions


def may_manage(user: User) -> bool:
    """Trainers and administrators plan sessions and record attendance."""
    return Role(user.role) in (Role.TRAINER, Role.ADMIN)


def can_see_session(user: User, ts: TrainingSession) -> bool:
    role = Role(user.role)
    if role is Role.ADMIN:
        return True
    if role is Role.TRAINER:
        return any(can_view(user, link.municipality) for link in ts.municipalities)
    if role.is_municipal:
        return any(link.municipality_id == user.municipality_id for link in ts.municipalities)
    return False


def can_see_staff(user: User, municipality: Municipality) -> bool:
    """Names of staff: the municipality itself, trainers of its portfolio and administrators."""
    role = Role(user.role)
    if role.is_municipal or role in (Role.TRAINER, Role.ADMIN):
        return can_view(user, municipality)
    return False


def can_assign_staff(user: User, municipality: Municipality) -> bool:
    role = Role(user.role)
    if role is Role.MUNICIPAL_EDITOR:
        return user.municipality_id == municipality.id
    return may_manage(user) and can_view(user, municipality)


def create_session(
    session: Session,
    actor: User,
    *,
    training_id: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    online: bool,
    place: str | None,
    seats: int,
    trainer_name: str,
    registration_deadline: dt.date,
    municipality_ids: list[int],
) -> TrainingSession:
    """Plan a session of a catalogue training for one or more municipalities of the portfolio."""
    try:
        current_catalogue(session).training(training_id)
    except KeyError:
        raise TrainingError("unknown_training", field="training") from None
    if starts_at <= utcnow():
        raise TrainingError("in_past", field="starts")
    if ends_at <= starts_at:
        raise TrainingError("ends_before_start", field="ends")
    if registration_deadline > starts_at.date():
        raise TrainingError("deadline_after_start", field="registration_deadline")
    if seats < 1:
        raise TrainingError("no_seats", field="seats")
    if not online and not (place or "").strip():
        raise TrainingError("place_required", field="place")
    municipalities = [session.get(Municipality, i) for i in dict.fromkeys(municipality_ids)]
    if not municipalities:
        raise TrainingError("municipality_required", field="municipalities")
    if any(m is None or not can_view(actor, m) for m in municipalities):
        raise TrainingError("municipality_out_of_scope", field="municipalities")
    ts = TrainingSession(
        training_id=training_id,
        starts_at=starts_at,
        ends_at=ends_at,
        online=online,
        place=None if online else place.strip(),
        seats=seats,
        trainer_name=trainer_name.strip(),
        registration_deadline=registration_deadline,
        created_by_id=actor.id,
        municipalities=[SessionMunicipality(municipality_id=m.id) for m in municipalities],
    )
    session.add(ts)
    session.commit()
    return ts


def sessions_for(session: Session, user: User) -> list[TrainingSession]:
    """Return the sessions the user may see, soonest first."""
    query = select(TrainingSession).order_by(TrainingSession.starts_at)
    role = Role(user.role)
    if role is not Role.ADMIN:
        visible = (
            select(SessionMunicipality.session_id)
            .join(Municipality, Municipality.id == SessionMunicipality.municipality_id)
            .where(municipality_condition(user))
        )
        query = query.where(TrainingSession.id.in_(visible))
    return list(session.scalars(query))


def check_training_deletable(session: Session, training_id: str) -> None:
    """Refuse to delete a catalogue training while sessions of it exist."""
    count = session.scalar(
        select(func.count())
        .select_from(TrainingSession)
        .where(TrainingSession.training_id == training_id)
    )
    if count:
        raise TrainingError("training_has_sessions", count=count)


# ---------------------------------------------------------------- participants


def seated(ts: TrainingSession) -> int:
    return sum(1 for p in ts.participants if p.status in SEATED)


def assign_staff(
    session: Session, actor: User, ts: TrainingSession, staff_ids: list[int]
) -> list[SessionParticipant]:
    """Give each person a seat, or a place on the waiting list when the seats are taken.

    Refused as a whole (nothing saved) when a person belongs to a municipality the session is
    not for or the actor may not assign, is already in the session, or is booked elsewhere at
    the same time.
    """
    if not staff_ids:
        raise TrainingError("staff_required", field="staff")
    if not may_manage(actor) and dt.date.today() > ts.registration_deadline:
        raise TrainingError("registration_closed", field="staff")
    linked = {link.municipality_id for link in ts.municipalities}
    added = []
    for staff_id in dict.fromkeys(staff_ids):
        person = session.get(StaffMember, staff_id)
        municipality = session.get(Municipality, person.municipality_id) if person else None
        if (
            person is None
            or person.municipality_id not in linked
            or not can_assign_staff(actor, municipality)
        ):
            session.rollback()
            raise TrainingError("staff_out_of_scope", field="staff")
        if any(p.staff_id == staff_id and p.status in ACTIVE for p in ts.participants):
            session.rollback()
            raise TrainingError("already_assigned", field="staff", name=person.name)
        clash = session.scalar(
            select(TrainingSession)
            .join(SessionParticipant)
            .where(
                SessionParticipant.staff_id == staff_id,
                SessionParticipant.status.in_(ACTIVE),
                TrainingSession.id != ts.id,
                TrainingSession.starts_at < ts.ends_at,
                TrainingSession.ends_at > ts.starts_at,
            )
        )
        if clash is not None:
            session.rollback()
            raise TrainingError("double_booked", field="staff", name=person.name)
        status = ParticipantStatus.ASSIGNED if seated(ts) < ts.seats else ParticipantStatus.WAITING
        participant = SessionParticipant(
            staff_id=staff_id,
            municipality_id=person.municipality_id,
            status=status,
            assigned_by_id=actor.id,
        )
        ts.participants.append(participant)
        session.flush()
        added.append(participant)
    session.commit()
    return added


def allowed_next(user: User, participant: SessionParticipant) -> tuple[ParticipantStatus, ...]:
    """Return the statuses the user may move the participant to.

    Trainers and administrators record everything; the municipality's editor confirms or
    cancels places of their own staff.
    """
    following = NEXT_STATUS[ParticipantStatus(participant.status)]
    if may_manage(user):
        return following
    if (
        Role(user.role) is Role.MUNICIPAL_EDITOR
        and participant.municipality_id == user.municipality_id
    ):
        return tuple(
            s for s in following if s in (ParticipantStatus.CONFIRMED, ParticipantStatus.CANCELLED)
        )
    return ()


def set_status(
    session: Session,
    actor: User,
    participant: SessionParticipant,
    status: ParticipantStatus,
    completed_on: dt.date | None = None,
) -> SessionParticipant | None:
    """Move a participant on (assigned → confirmed → attended → completed, or no-show/cancelled).

    A cancelled seat goes to the first person on the waiting list, who is returned.
    """
    status = ParticipantStatus(status)
    current = ParticipantStatus(participant.status)
    if status not in NEXT_STATUS[current]:
        raise TrainingError("bad_transition", field="status")
    if status not in allowed_next(actor, participant):
        raise TrainingError("not_allowed", field="status")
    ts = participant.session
    if status in (ParticipantStatus.ATTENDED, ParticipantStatus.NO_SHOW) and (
        ts.starts_at > utcnow()
    ):
        raise TrainingError("not_started", field="status")
    participant.status = status
    if status is ParticipantStatus.COMPLETED:
        participant.completed_on = completed_on or dt.date.today()
    promoted = None
    if current in SEATED and status is ParticipantStatus.CANCELLED:
        promoted = next((p for p in ts.participants if p.status == ParticipantStatus.WAITING), None)
        if promoted is not None:
            promoted.status = ParticipantStatus.ASSIGNED
    session.commit()
    return promoted


# ---------------------------------------------------------------- plans and reports


@dataclass(frozen=True)
class PlanEntry:
    """One person's place in one session, as the municipality's training plan shows it."""

    session_id: int
    training_id: str
    training: str
    starts_at: dt.datetime
    where: str | None
    person: str | None  # None once the person was deleted from the staff list
    function: str | None
    status: str
    completed_on: dt.date | None


def training_plan(session: Session, municipality: Municipality, lang: str) -> list[PlanEntry]:
    """Return who of the municipality goes to which session, when, and with what status."""
    catalogue = current_catalogue(session)
    query = (
        select(SessionParticipant)
        .join(TrainingSession)
        .where(SessionParticipant.municipality_id == municipality.id)
        .options(joinedload(SessionParticipant.session), joinedload(SessionParticipant.staff))
        .order_by(TrainingSession.starts_at, SessionParticipant.id)
    )
    entries = []
    for p in session.scalars(query):
        ts = p.session
        entries.append(
            PlanEntry(
                ts.id,
                ts.training_id,
                _title(catalogue, ts.training_id, lang),
                ts.starts_at,
                ts.place,
                p.staff.name if p.staff else None,
                p.staff.function if p.staff else None,
                str(p.status),
                p.completed_on,
            )
        )
    return entries


def completed_since(
    session: Session, municipality: Municipality, since: dt.datetime, lang: str
) -> list[PlanEntry]:
    """Return the trainings the staff completed on or after a day (the last inventory)."""
    return [
        e
        for e in training_plan(session, municipality, lang)
        if e.status == ParticipantStatus.COMPLETED
        and e.completed_on is not None
        and e.completed_on >= since.date()
    ]


def plan_counts(
    session: Session, municipality_id: int, *, with_names: bool
) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """Return training id → (assigned, completed, names) for the report's training plan."""
    rows = session.execute(
        select(TrainingSession.training_id, SessionParticipant.status, StaffMember.name)
        .join(SessionParticipant.session)
        .outerjoin(StaffMember, StaffMember.id == SessionParticipant.staff_id)
        .where(
            SessionParticipant.municipality_id == municipality_id,
            SessionParticipant.status.in_(ACTIVE),
        )
        .order_by(StaffMember.name)
    ).all()
    result: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    for training_id, status, name in rows:
        assigned, completed, names = result.get(training_id, (0, 0, ()))
        result[training_id] = (
            assigned + 1,
            completed + (status == ParticipantStatus.COMPLETED),
            names + ((name,) if with_names and name else ()),
        )
    return result


def _title(catalogue, training_id: str, lang: str) -> str:
    try:
        return catalogue.training(training_id).title.get(lang)
    except KeyError:
        return training_id


#: The questionnaire domain whose page shows the trainings completed since the last inventory.
SKILLS_DOMAIN = "skills"


def completed_for_section(
    session: Session, user: User, assessment: Assessment, section_id: str, lang: str
) -> list[PlanEntry]:
    """On the skills page of a follow-up inventory: trainings completed since the previous one.

    Names only for those who may see the municipality's staff.
    """
    if section_id != SKILLS_DOMAIN or assessment.previous_id is None:
        return []
    previous = session.get(Assessment, assessment.previous_id)
    if previous is None:
        return []
    entries = completed_since(session, assessment.municipality, previous.created_at, lang)
    if can_see_staff(user, assessment.municipality):
        return entries
    return [replace(e, person=None, function=None) for e in entries]
