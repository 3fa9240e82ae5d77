"""The team and the trainers' workspace in a real browser, from invitation to the report."""

from __future__ import annotations

import datetime as dt
import io

from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import update

from advisory.extensions import db
from advisory.models import Role, TrainingSession
from advisory.services.accounts import create_user, parse_scopes
from advisory.services.team import add_staff
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.training_data import fill_inventory, municipality

OWN, NEIGHBOUR = "07333001", "07333006"


def check_axe(page) -> None:
    found = violations(page)
    assert found == [], (page.url, found)


def logout(page) -> None:
    page.get_by_role("button", name="Abmelden").click()


def test_invite_plan_a_shared_session_and_see_it_in_the_plan_and_report(
    app, page, live_server, foreign_requests, tmp_path
):
    with app.app_context():
        editor, assessment_id = fill_inventory(db.session, OWN, "redaktion@albisheim.example.org")
        fill_inventory(db.session, NEIGHBOUR, "redaktion@biedesheim.example.org")
        add_staff(
            db.session,
            municipality(db.session, NEIGHBOUR),
            name="Nora Nachbar",
            function="Bürgerbüro",
            email=None,
        )
        create_user(
            db.session,
            email="trainer@example.org",
            name="Tina Trainer",
            password=PASSWORD,
            role=Role.TRAINER,
            scopes=parse_scopes("07333"),
        )
        editor_email = editor.email

    # The editor invites a colleague and copies the link.
    login(page, live_server, editor_email, PASSWORD)
    page.get_by_role("link", name="Team", exact=True).click()
    check_axe(page)
    page.get_by_label("E-Mail-Adresse der Kollegin oder des Kollegen").fill(
        "kim@albisheim.example.org"
    )
    page.get_by_label("Rolle").select_option("municipal_editor")
    page.get_by_role("button", name="Einladung erstellen").click()
    link = page.get_by_label("Einladungslink").input_value()
    assert "/join/" in link
    check_axe(page)
    page.goto(f"{live_server}/team/staff")
    check_axe(page)
    page.get_by_label("Name", exact=True).fill("Anna Albisheim")
    page.get_by_label("Funktion oder Fachbereich").fill("Hauptamt")
    page.get_by_role("button", name="In die Mitarbeiterliste aufnehmen").click()
    expect(page.get_by_role("cell", name="Anna Albisheim", exact=True)).to_be_visible()
    logout(page)

    # The colleague signs up with the link.
    page.goto(link)
    check_axe(page)
    page.get_by_label("Ihr Name").fill("Kim Kollegin")
    page.get_by_label("Passwort wählen").fill("ein langes gutes Passwort")
    page.get_by_role("button", name="Mein Konto anlegen").click()
    expect(page.get_by_role("heading", name="Mir zugewiesen")).to_be_visible()
    logout(page)

    # The editor assigns the skills domain; the colleague sees it with progress.
    login(page, live_server, editor_email, PASSWORD)
    page.goto(f"{live_server}/team")
    page.get_by_label("Kompetenzen & Organisation").select_option(label="Kim Kollegin")
    page.get_by_role("button", name="Zuweisungen speichern").click()
    logout(page)
    login(page, live_server, "kim@albisheim.example.org", "ein langes gutes Passwort")
    assigned = page.locator(".assigned-list")
    expect(assigned).to_contain_text("Kompetenzen & Organisation")
    expect(assigned).to_contain_text("Fragen beantwortet")
    check_axe(page)
    logout(page)

    # The trainer opens the needs, plans a shared session for the district's cohort.
    login(page, live_server, "trainer@example.org", PASSWORD)
    page.get_by_role("link", name="Schulungsbedarf Ihres Portfolios").click()
    check_axe(page)
    page.get_by_label("Schulung", exact=True).select_option("egov-campus")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Gemeinsamen Termin für 2 Kommunen planen").click()
    check_axe(page)
    day = dt.date.today() + dt.timedelta(days=14)
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Beginn", exact=True).fill("09:00")
    page.get_by_label("Ende", exact=True).fill("12:00")
    page.get_by_label("Online-Termin").check()
    page.get_by_label("Plätze", exact=True).fill("10")
    page.get_by_label("Anmeldeschluss").fill((day - dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Termin planen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("eGov-Campus")
    session_url = page.url
    page.get_by_label("Anna Albisheim (Hauptamt)").check()
    page.get_by_label("Nora Nachbar (Bürgerbüro)").check()
    page.get_by_role("button", name="Zuordnen").click()
    expect(page.get_by_text("2 zugeordnet.")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Schulungen", exact=True).click()
    page.get_by_role("link", name="Geplante Termine").click()
    expect(page.get_by_role("cell", name="Albisheim (Pfrimm), Biedesheim")).to_be_visible()
    check_axe(page)
    page.goto(session_url)

    # The day of the session comes; the trainer records attendance and completion.
    with app.app_context():
        db.session.execute(
            update(TrainingSession).values(
                starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3),
                ends_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
            )
        )
        db.session.commit()
    for name in ("Anna Albisheim", "Nora Nachbar"):
        for status in ("confirmed", "attended", "completed"):
            page.get_by_label(f"Neuer Status für {name}").select_option(status)
            page.locator("form.status-form").filter(
                has=page.get_by_label(f"Neuer Status für {name}")
            ).get_by_role("button", name="Speichern").click()
            expect(page.get_by_text("Der Status wurde geändert.")).to_be_visible()
    expect(page.get_by_role("row", name="Anna Albisheim")).to_contain_text("abgeschlossen")
    with page.expect_download() as ics_download:
        page.get_by_role("link", name="In den Kalender übernehmen (.ics)").click()
    with open(ics_download.value.path(), "rb") as handle:
        (event,) = Calendar.from_ical(handle.read()).walk("VEVENT")
    assert "eGov-Campus" in str(event["SUMMARY"])
    with page.expect_download(timeout=120_000) as pdf_download:
        page.get_by_role("link", name="Teilnahmeliste zum Unterschreiben (PDF)").click(
            timeout=120_000
        )
    sheet = " ".join(PdfReader(pdf_download.value.path()).pages[0].extract_text().split())
    assert "Anna Albisheim" in sheet and "Nora Nachbar" in sheet
    logout(page)

    # The municipality sees its training plan, and the PDF report counts and names it.
    login(page, live_server, editor_email, PASSWORD)
    page.get_by_role("link", name="Schulungen", exact=True).click()
    check_axe(page)
    row = page.get_by_role("row", name="Anna Albisheim")
    expect(row).to_contain_text("eGov-Campus")
    expect(row).to_contain_text("abgeschlossen")
    expect(page.get_by_text("Nora Nachbar")).to_have_count(0)
    response = page.request.get(
        f"{live_server}/assessments/{assessment_id}/report.pdf", timeout=180_000
    )
    report = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    report = " ".join(report.split())
    assert "1 gebucht, 1 abgeschlossen" in report
    assert "Anna Albisheim" in report and "Nora Nachbar" not in report
    assert list(foreign_requests) == []
