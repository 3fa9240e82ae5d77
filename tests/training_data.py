"""Test data for the team and training areas: staff and a planned session with a participant."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import Municipality, Role, User
from advisory.services.accounts import create_user
from advisory.services.team import add_staff
from advisory.services.training import assign_staff, create_session

TRAINING = "egov-campus"
_counter = itertools.count(1)


def planner(session) -> User:
    """Return a fresh administrator who may plan sessions anywhere."""
    return create_user(
        session,
        email=f"planner{next(_counter)}@example.org",
        name="Planer",
        password="correct horse battery",
        role=Role.ADMIN,
    )


def municipality(session, ags: str) -> Municipality:
    return session.scalar(select(Municipality).where(Municipality.ags == ags))


def in_days(days: int, hour: int = 9) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def make_training(app, *ags: str, seats: int = 10, days: int = 30) -> dict[str, int]:
    """Plan a session for the municipalities with one staff member of the first assigned."""
    with app.app_context():
        actor = planner(db.session)
        places = [municipality(db.session, a) for a in ags]
        ts = create_session(
            db.session,
            actor,
            training_id=TRAINING,
            starts_at=in_days(days),
            ends_at=in_days(days, 12),
            online=False,
            place="Rathaus, Sitzungssaal",
            seats=seats,
            trainer_name="Tina Trainer",
            registration_deadline=dt.date.today() + dt.timedelta(days=days - 7),
            municipality_ids=[m.id for m in places],
        )
        person = add_staff(
            db.session, places[0], name="Paula Person", function="Hauptamt", email=None
        )
        (participant,) = assign_staff(db.session, actor, ts, [person.id])
        return {"session_id": ts.id, "participant_id": participant.id, "staff_id": person.id}


def fill_inventory(session, ags: str, email: str) -> tuple[User, int]:
    """Create the municipality's editor and an inventory with the rural demo answers."""
    from advisory.content import current_questionnaire
    from advisory.demo import demo_set
    from advisory.services.assessments import import_answers, start_assessment

    place = municipality(session, ags)
    editor = create_user(
        session,
        email=email,
        name=f"Redaktion {place.name}",
        password="correct horse battery",
        role=Role.MUNICIPAL_EDITOR,
        municipality=place,
    )
    assessment = start_assessment(session, place, editor, current_questionnaire())
    import_answers(
        session, assessment, current_questionnaire(), demo_set("rural")["answers"], editor
    )
    return editor, assessment.id
