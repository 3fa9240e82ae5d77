"""The trainers' workspace (needs, sessions, participants, downloads) and the training plan."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from advisory.access import can_view
from advisory.extensions import db
from advisory.models import (
    Municipality,
    ParticipantStatus,
    SessionParticipant,
    TrainingSession,
)
from advisory.services import training
from advisory.services.catalogue import current_catalogue
from advisory.services.team import staff_of
from advisory.services.training_files import attendance_pdf, attendance_sheet, session_ics
from advisory.training.forms import SessionForm, StatusForm
from advisory.views import require_area
from advisory.wording import participant_status_label, team_error_text

bp = Blueprint("training", __name__)


def _lang() -> str:
    return str(get_locale() or "de")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _training_title(training_id: str) -> str:
    try:
        return current_catalogue(db.session).training(training_id).title.get(_lang())
    except KeyError:
        return training_id


def _where(ts: TrainingSession) -> str:
    return _("Online") if ts.online else (ts.place or "")


@bp.get("/training/needs")
@require_area("training")
def needs():
    district = request.args.get("district", "")
    training_id = request.args.get("training", "")
    everything = training.portfolio_needs(db.session, current_user, _lang())
    shown = [
        n
        for n in everything
        if (not district or n.district_code == district)
        and (not training_id or n.training_id == training_id)
    ]
    return render_template(
        "training/needs.html",
        needs=shown,
        cohorts=training.cohorts(shown),
        districts=sorted({(n.district_code, n.district) for n in everything}, key=lambda d: d[1]),
        trainings=sorted({(n.training_id, n.training) for n in everything}, key=lambda t: t[1]),
        district=district,
        training_id=training_id,
    )


@bp.get("/training/sessions")
@require_area("training_sessions")
def sessions():
    rows = training.sessions_for(db.session, current_user)
    return render_template(
        "training/sessions.html",
        sessions=[(ts, _training_title(ts.training_id), training.seated(ts)) for ts in rows],
        may_manage=training.may_manage(current_user),
    )


def _parse_municipalities(text: str) -> list[int]:
    keys = text.replace(",", " ").split()
    found = dict(
        db.session.execute(
            select(Municipality.ags, Municipality.id).where(Municipality.ags.in_(keys))
        ).all()
    )
    if len(found) != len(set(keys)):
        raise training.TrainingError("municipality_out_of_scope", field="municipalities")
    return [found[k] for k in keys]


@bp.route("/training/sessions/new", methods=["GET", "POST"])
@require_area("training")
def new_session():
    lang = _lang()
    form = SessionForm()
    form.training.choices = [
        SelectChoice(t.id, t.title.get(lang)) for t in current_catalogue(db.session).trainings
    ]
    if request.method == "GET":
        form.training.data = request.args.get("training") or None
        form.municipalities.data = " ".join(request.args.getlist("ags"))
        form.trainer_name.data = current_user.name
    if form.validate_on_submit():
        zone = _zone()
        try:
            ts = training.create_session(
                db.session,
                current_user,
                training_id=form.training.data,
                starts_at=dt.datetime.combine(form.day.data, form.starts.data, zone),
                ends_at=dt.datetime.combine(form.day.data, form.ends.data, zone),
                online=form.online.data,
                place=form.place.data,
                seats=form.seats.data,
                trainer_name=form.trainer_name.data,
                registration_deadline=form.registration_deadline.data,
                municipality_ids=_parse_municipalities(form.municipalities.data),
            )
        except training.TrainingError as error:
            field = {"starts": form.day, "ends": form.ends}.get(error.field) or getattr(
                form, error.field
            )
            field.errors.append(team_error_text(str(error), **error.values))
        else:
            flash(_("The session has been planned. Now assign participants."), "success")
            return redirect(url_for("training.session", session_id=ts.id))
    return render_template("training/new_session.html", form=form), (422 if form.errors else 200)


def _session(session_id: int) -> TrainingSession:
    ts = db.session.get(TrainingSession, session_id)
    if ts is None or not training.can_see_session(current_user, ts):
        abort(404)
    return ts


@bp.get("/training/sessions/<int:session_id>")
@require_area("training_sessions")
def session(session_id: int):
    ts = _session(session_id)
    linked = [link.municipality for link in ts.municipalities]
    assignable = [m for m in linked if training.can_assign_staff(current_user, m)]
    booked = {p.staff_id for p in ts.participants if p.status in training.ACTIVE}
    rows = []
    hidden = 0
    for p in ts.participants:
        if training.can_see_staff(current_user, p.municipality):
            choices = [
                SelectChoice(s.value, participant_status_label(s))
                for s in training.allowed_next(current_user, p)
            ]
            form = StatusForm(prefix=f"p{p.id}", formdata=None)
            form.status.choices = choices
            rows.append((p, form if choices else None))
        else:
            hidden += 1
    return render_template(
        "training/session.html",
        ts=ts,
        title=_training_title(ts.training_id),
        where=_where(ts),
        linked=linked,
        rows=rows,
        hidden=hidden,
        seated=training.seated(ts),
        candidates=[
            s for s in staff_of(db.session, [m.id for m in assignable]) if s.id not in booked
        ],
        may_manage=training.may_manage(current_user),
    )


@bp.post("/training/sessions/<int:session_id>/participants")
@require_area("training_sessions")
def assign(session_id: int):
    ts = _session(session_id)
    ids = request.form.getlist("staff")
    if any(not i.isdigit() for i in ids):
        abort(400)
    try:
        added = training.assign_staff(db.session, current_user, ts, [int(i) for i in ids])
    except training.TrainingError as error:
        flash(team_error_text(str(error), **error.values), "error")
    else:
        waiting = sum(1 for p in added if p.status == ParticipantStatus.WAITING)
        flash(
            _(
                "%(seated)d assigned, %(waiting)d on the waiting list because the seats are taken.",
                seated=len(added) - waiting,
                waiting=waiting,
            )
            if waiting
            else _("%(num)d assigned.", num=len(added)),
            "success",
        )
    return redirect(url_for("training.session", session_id=ts.id))


@bp.post("/training/participants/<int:participant_id>/status")
@require_area("training_sessions")
def set_status(participant_id: int):
    participant = db.session.get(SessionParticipant, participant_id)
    if (
        participant is None
        or not training.can_see_session(current_user, participant.session)
        or not training.can_see_staff(current_user, participant.municipality)
    ):
        abort(404)
    form = StatusForm(prefix=f"p{participant.id}")
    form.status.choices = [SelectChoice(s.value, s.value) for s in ParticipantStatus]
    if not form.validate_on_submit():
        flash(_("Choose a valid status."), "error")
    else:
        try:
            promoted = training.set_status(
                db.session,
                current_user,
                participant,
                ParticipantStatus(form.status.data),
                form.completed_on.data,
            )
        except training.TrainingError as error:
            flash(team_error_text(str(error), **error.values), "error")
        else:
            flash(_("The status has been changed."), "success")
            if promoted is not None:
                flash(
                    _("A place became free and went to the first person on the waiting list."),
                    "info",
                )
    return redirect(url_for("training.session", session_id=participant.session_id))


@bp.get("/training/sessions/<int:session_id>.ics")
@require_area("training_sessions")
def ics(session_id: int):
    ts = _session(session_id)
    body = session_ics(ts, _training_title(ts.training_id), _where(ts), request.host)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="schulung-{ts.id}.ics"'
    return response


@bp.get("/training/sessions/<int:session_id>/attendance.pdf")
@require_area("training")
def attendance(session_id: int):
    ts = _session(session_id)
    sheet = attendance_sheet(ts, _training_title(ts.training_id), _where(ts), _lang())
    response = Response(attendance_pdf(sheet), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="teilnahmeliste-{ts.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/training/plan")
@require_area("team")
def plan():
    municipality = current_user.municipality
    if municipality is None or not can_view(current_user, municipality):
        abort(404)
    return render_template(
        "training/plan.html",
        municipality=municipality,
        entries=training.training_plan(db.session, municipality, _lang()),
    )
