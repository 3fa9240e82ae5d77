"""Downloads of a training session: the iCalendar file and the attendance list (PDF)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from advisory.models import TrainingSession, utcnow
from advisory.reporting.render import pdf_from_html
from advisory.services.training import SEATED


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    function: str
    municipality: str


@dataclass(frozen=True)
class AttendanceSheet:
    """What the attendance list prints: plain data, no ORM objects."""

    lang: str
    training: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    where: str
    trainer: str
    rows: tuple[AttendanceRow, ...]


def session_ics(ts: TrainingSession, title: str, where: str, host: str) -> bytes:
    """Return the session as an iCalendar file with one event."""
    from icalendar import Calendar, Event  # loaded only when a calendar file is asked for

    calendar = Calendar()
    calendar.add("prodid", "-//advisory//Smart City Advisory//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"training-session-{ts.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", ts.starts_at)
    event.add("dtend", ts.ends_at)
    event.add("summary", title)
    event.add("location", where)
    event.add("description", f"{ts.trainer_name}")
    calendar.add_component(event)
    return calendar.to_ical()


def attendance_sheet(ts: TrainingSession, title: str, where: str, lang: str) -> AttendanceSheet:
    """Collect the seated participants (deleted people appear without a name) for signatures."""
    rows = tuple(
        AttendanceRow(
            p.staff.name if p.staff else "–",
            p.staff.function if p.staff else "",
            p.municipality.name,
        )
        for p in ts.participants
        if p.status in SEATED
    )
    return AttendanceSheet(
        lang,
        title,
        ts.starts_at,
        ts.ends_at,
        where,
        ts.trainer_name,
        tuple(sorted(rows, key=lambda r: (r.municipality, r.name))),
    )


def attendance_pdf(sheet: AttendanceSheet) -> bytes:
    """Render the attendance list as a tagged PDF with a signature column."""
    with force_locale(sheet.lang):
        html = render_template("training/attendance.html", sheet=sheet)
    return pdf_from_html(html)
