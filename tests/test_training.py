"""The trainers' workspace: needs and cohorts, sessions, seats and waiting list, status, files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import update

from advisory.extensions import db
from advisory.models import (
    ParticipantStatus,
    Role,
    SessionParticipant,
    TrainingSession,
    User,
)
from advisory.services.team import add_staff
from advisory.services.training import (
    TrainingError,
    assign_staff,
    check_training_deletable,
    cohorts,
    create_session,
    plan_counts,
    portfolio_needs,
    set_status,
)
from tests.conftest import Auth
from tests.training_data import (
    TRAINING,
    fill_inventory,
    in_days,
    make_training,
    municipality,
    planner,
)

OWN, NEIGHBOUR, FOREIGN = "07333001", "07333006", "09162000"


def plan(session, actor, *ags, seats=10, days=30, **changes):
    values = dict(
        training_id=TRAINING,
        starts_at=in_days(days),
        ends_at=in_days(days, 12),
        online=True,
        place=None,
        seats=seats,
        trainer_name="Tina Trainer",
        registration_deadline=dt.date.today() + dt.timedelta(days=max(days - 7, 0)),
        municipality_ids=[municipality(session, a).id for a in ags],
    )
    values.update(changes)
    return create_session(session, actor, **values)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"starts_at": in_days(-1)}, "in_past"),
        ({"ends_at": in_days(30, 8)}, "ends_before_start"),
        ({"seats": 0}, "no_seats"),
        ({"training_id": "no-such-training"}, "unknown_training"),
        ({"online": False, "place": " "}, "place_required"),
        (
            {"registration_deadline": dt.date.today() + dt.timedelta(days=40)},
            "deadline_after_start",
        ),
    ],
)
def test_a_session_with_bad_data_is_refused_with_a_reason(app, changes, code):
    with app.app_context(), pytest.raises(TrainingError, match=code):
        plan(db.session, planner(db.session), OWN, **changes)


def test_a_trainer_plans_only_for_the_portfolio(app, make_user):
    trainer = make_user(Role.TRAINER, scopes="07333")
    with app.app_context():
        actor = db.session.get(User, trainer.id)
        with pytest.raises(TrainingError, match="municipality_out_of_scope"):
            plan(db.session, actor, OWN, FOREIGN)
        assert plan(db.session, actor, OWN, NEIGHBOUR).id


def test_seats_fill_then_the_waiting_list_moves_up_on_cancellation(app):
    with app.app_context():
        actor = planner(db.session)
        ts = plan(db.session, actor, OWN, seats=1)
        place = municipality(db.session, OWN)
        first, second = (
            add_staff(db.session, place, name=n, function="Hauptamt", email=None)
            for n in ("Anna", "Bert")
        )
        a, b = assign_staff(db.session, actor, ts, [first.id, second.id])
        assert (a.status, b.status) == ("assigned", "waiting")
        promoted = set_status(db.session, actor, a, ParticipantStatus.CANCELLED)
        assert promoted.id == b.id and b.status == "assigned"


def test_double_booking_and_staff_outside_the_session_are_refused(app):
    with app.app_context():
        actor = planner(db.session)
        morning = plan(db.session, actor, OWN)
        overlapping = plan(
            db.session, actor, OWN, starts_at=in_days(30, 11), ends_at=in_days(30, 13)
        )
        person = add_staff(
            db.session, municipality(db.session, OWN), name="Anna", function="X", email=None
        )
        stranger = add_staff(
            db.session, municipality(db.session, FOREIGN), name="Zora", function="X", email=None
        )
        assign_staff(db.session, actor, morning, [person.id])
        with pytest.raises(TrainingError, match="double_booked"):
            assign_staff(db.session, actor, overlapping, [person.id])
        with pytest.raises(TrainingError, match="already_assigned"):
            assign_staff(db.session, actor, morning, [person.id])
        with pytest.raises(TrainingError, match="staff_out_of_scope"):
            assign_staff(db.session, actor, morning, [stranger.id])


def test_status_runs_from_assigned_to_completed_only_in_order(app):
    training = make_training(app, OWN)
    with app.app_context():
        actor = planner(db.session)
        p = db.session.get(SessionParticipant, training["participant_id"])
        with pytest.raises(TrainingError, match="bad_transition"):
            set_status(db.session, actor, p, ParticipantStatus.COMPLETED)
        set_status(db.session, actor, p, ParticipantStatus.CONFIRMED)
        with pytest.raises(TrainingError, match="not_started"):
            set_status(db.session, actor, p, ParticipantStatus.ATTENDED)
        db.session.execute(
            update(TrainingSession).values(starts_at=in_days(-1), ends_at=in_days(-1, 12))
        )
        set_status(db.session, actor, p, ParticipantStatus.ATTENDED)
        set_status(db.session, actor, p, ParticipantStatus.COMPLETED, dt.date(2026, 11, 30))
        assert p.completed_on == dt.date(2026, 11, 30)
        assert plan_counts(db.session, p.municipality_id, with_names=True)[TRAINING] == (
            1,
            1,
            ("Paula Person",),
        )
        assert plan_counts(db.session, p.municipality_id, with_names=False)[TRAINING][2] == ()
        with pytest.raises(TrainingError, match="training_has_sessions"):
            check_training_deletable(db.session, TRAINING)
        check_training_deletable(db.session, "openhpi")


def test_needs_list_the_portfolio_and_propose_a_district_cohort(app, make_user):
    trainer = make_user(Role.TRAINER, scopes="07333")
    with app.app_context():
        fill_inventory(db.session, OWN, "own@example.org")
        fill_inventory(db.session, NEIGHBOUR, "neighbour@example.org")
        fill_inventory(db.session, FOREIGN, "foreign@example.org")
        needs = portfolio_needs(db.session, db.session.get(User, trainer.id), "de")
        assert {n.ags for n in needs} == {OWN, NEIGHBOUR}
        assert all(n.domain and n.because for n in needs)
        proposed = {c.training_id: c.ags for c in cohorts(needs)}
        assert sorted(proposed[TRAINING]) == [OWN, NEIGHBOUR]


def test_editor_sees_own_names_only_and_trainer_outside_portfolio_sees_nothing(app, make_user):
    training = make_training(app, OWN, NEIGHBOUR)
    with app.app_context():
        actor = planner(db.session)
        ts = db.session.get(TrainingSession, training["session_id"])
        other = add_staff(
            db.session,
            municipality(db.session, NEIGHBOUR),
            name="Nora Nachbar",
            function="X",
            email=None,
        )
        assign_staff(db.session, actor, ts, [other.id])
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    page = auth.client.get(f"/training/sessions/{training['session_id']}").get_data(as_text=True)
    assert "Paula Person" in page and "Nora Nachbar" not in page
    assert "1 Teilnehmende aus einer anderen Kommune" in page
    outsider = make_user(Role.TRAINER, scopes="09")
    auth = Auth(app.test_client())
    auth.login(outsider.email)
    assert auth.client.get(f"/training/sessions/{training['session_id']}").status_code == 404
    assert "Paula Person" not in auth.client.get("/training/sessions").get_data(as_text=True)
    assert (
        auth.client.get(f"/training/sessions/{training['session_id']}/attendance.pdf").status_code
        == 404
    )


def test_the_calendar_file_and_the_attendance_list_download(app, make_user):
    training = make_training(app, OWN)
    trainer = make_user(Role.TRAINER, scopes="07333")
    auth = Auth(app.test_client())
    auth.login(trainer.email)
    ics = auth.client.get(f"/training/sessions/{training['session_id']}.ics")
    assert ics.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(ics.data).walk("VEVENT")
    assert "eGov-Campus" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == in_days(30)
    pdf = auth.client.get(f"/training/sessions/{training['session_id']}/attendance.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Teilnahmeliste" in text and "Paula Person" in text and "Unterschrift" in text


def test_bad_session_form_input_gets_a_form_error(app, make_user):
    trainer = make_user(Role.TRAINER, scopes="07333")
    auth = Auth(app.test_client())
    auth.login(trainer.email)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    response = auth.post(
        "/training/sessions/new",
        {
            "training": TRAINING,
            "municipalities": f"{OWN} {FOREIGN}",
            "day": yesterday,
            "starts": "09:00",
            "ends": "12:00",
            "online": "y",
            "seats": "10",
            "trainer_name": "T",
            "registration_deadline": yesterday,
        },
    )
    assert response.status_code == 422
    assert "muss in der Zukunft beginnen" in response.get_data(as_text=True)


def test_the_next_inventory_shows_trainings_completed_since_the_last_one(app, make_user):
    from advisory.content import current_questionnaire
    from advisory.models import Assessment, AssessmentStatus
    from advisory.services.assessments import start_assessment

    training = make_training(app, OWN)
    with app.app_context():
        editor, first_id = fill_inventory(db.session, OWN, "skills-editor@example.org")
        actor = planner(db.session)
        db.session.execute(
            update(TrainingSession).values(starts_at=in_days(-1), ends_at=in_days(-1, 12))
        )
        p = db.session.get(SessionParticipant, training["participant_id"])
        for status in ("confirmed", "attended", "completed"):
            set_status(db.session, actor, p, ParticipantStatus(status))
        db.session.execute(
            update(Assessment)
            .where(Assessment.id == first_id)
            .values(status=AssessmentStatus.VALIDATED)
        )
        db.session.commit()
        place = municipality(db.session, OWN)
        second = start_assessment(db.session, place, editor, current_questionnaire()).id
        editor_email = editor.email
    advisor = make_user(Role.ADVISOR, scopes="07333")
    auth = Auth(app.test_client())
    auth.login(editor_email)
    page = auth.client.get(f"/assessments/{second}/sections/skills").get_data(as_text=True)
    assert "Seit der letzten Inventur abgeschlossene Schulungen" in page
    assert "Paula Person" in page
    first = auth.client.get(f"/assessments/{first_id}/sections/skills").get_data(as_text=True)
    assert "Seit der letzten Inventur" not in first
    auth = Auth(app.test_client())
    auth.login(advisor.email)
    page = auth.client.get(f"/assessments/{second}/sections/skills").get_data(as_text=True)
    assert "eine Person" in page and "Paula Person" not in page


def test_editors_cannot_assign_after_the_registration_deadline(app, make_user):
    training = make_training(app, OWN, days=3)  # deadline four days ago
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=OWN)
    with app.app_context():
        ts = db.session.get(TrainingSession, training["session_id"])
        person = add_staff(
            db.session, municipality(db.session, OWN), name="Spät", function="X", email=None
        )
        with pytest.raises(TrainingError, match="registration_closed"):
            assign_staff(db.session, db.session.get(User, editor.id), ts, [person.id])
        assert assign_staff(db.session, planner(db.session), ts, [person.id])
