"""Curators: review queue, new solutions and trainings, every field editable, consistency checks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, Role
from advisory.services.catalogue import current_catalogue, review_queue, shipped_catalogue
from tests.conftest import Auth
from tests.test_catalogue_pages import prefilled, review_form

NEW_SOLUTION = {
    "id": "offene-ratsinfo",
    "name": "Offene Ratsinfo",
    "summary_de": "Ratsinformationssystem mit OParl",
    "summary_en": "Council information system with OParl",
    "description_de": "Beschreibung",
    "description_en": "Description",
    "domains": ["participation"],
    "categories": ["council_information"],
    "tags": "oparl, rat",
    "vendor_name": "Beispiel eG",
    "vendor_url": "https://example.org",
    "licence": "AGPL-3.0",
    "open_source": "true",
    "source_url": "https://example.org/code",
    "open_standards": ["oparl"],
    "hosting": ["saas_eu"],
    "size_fit_min_population": "0",
    "size_fit_max_population": "",
    "needs_it_staff": "false",
    "cost_band": "low",
    "cost_note_de": "Gering",
    "cost_note_en": "Low",
    "references": "",
    "citizen_facing": "true",
    "uses_ai": "false",
    "publicly_funded": "unknown",
    "website": "https://example.org",
}

NEW_TRAINING = {
    "id": "oparl-fuer-einsteiger",
    "title_de": "OParl für Einsteiger",
    "title_en": "OParl for beginners",
    "provider": "Beispiel-Akademie",
    "topics": "oparl",
    "domains": ["participation"],
    "target_roles": ["council"],
    "level": "basic",
    "format": "online_live",
    "duration_de": "2 Stunden",
    "duration_en": "2 hours",
    "cost_de": "kostenlos",
    "cost_en": "free",
    "cost_band": "free",
    "certificate": "false",
    "language": "de",
    "verified": "false",
    "url": "https://example.org/kurs",
    "notes_de": "Termine nicht geprüft.",
    "notes_en": "Dates not checked.",
}


def signed_in(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user.email)
    return auth


def events(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))


def test_a_new_solution_starts_pending_and_is_listed_only_after_a_review(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    response = auth.post("/catalogue/solutions/new", NEW_SOLUTION)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = auth.client.get("/catalogue/solutions/offene-ratsinfo").get_data(as_text=True)
    assert "Offene Ratsinfo" in page and "badge-pending_review" in page
    with app.app_context():
        catalogue = current_catalogue(db.session)
        assert "offene-ratsinfo" not in {s.id for s in catalogue.listed_solutions(dt.date.today())}
    queue = auth.client.get("/catalogue/queue").get_data(as_text=True)
    assert "Offene Ratsinfo" in queue.split('id="pending"')[1].split('id="expiring"')[0]
    requirements = shipped_catalogue().requirements
    form = review_form(requirements, "met", "Geprüft: Unterlagen des Anbieters")
    assert auth.post("/catalogue/solutions/offene-ratsinfo/review", form).status_code == 302
    with app.app_context():
        catalogue = current_catalogue(db.session)
        assert "offene-ratsinfo" in {s.id for s in catalogue.listed_solutions(dt.date.today())}
    [created] = events(app, "catalogue_create")
    assert created.detail["solution"] == "offene-ratsinfo"


def test_a_taken_id_and_an_open_source_entry_with_a_proprietary_licence_are_refused(app, make_user):
    auth = signed_in(app, make_user(Role.ADMIN))
    taken = auth.post("/catalogue/solutions/new", {**NEW_SOLUTION, "id": "nextcloud"})
    assert taken.status_code == 422 and "bereits vergeben" in taken.get_data(as_text=True)
    closed = auth.post("/catalogue/solutions/new", {**NEW_SOLUTION, "licence": "proprietary"})
    body = closed.get_data(as_text=True)
    assert closed.status_code == 422 and "die Lizenz ist proprietär" in body
    assert 'id="error-licence"' in body
    assert events(app, "catalogue_create") == []


def test_open_source_met_is_refused_for_a_proprietary_licence_in_a_review(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    requirements = shipped_catalogue().requirements
    form = review_form(requirements, "met", "Geprüft")
    response = auth.post("/catalogue/solutions/allris/review", form)
    assert response.status_code == 422
    assert "Open Source kann nicht erfüllt sein" in response.get_data(as_text=True)
    assert events(app, "catalogue_review") == []


def test_every_field_of_a_shipped_solution_is_editable_and_audited(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    url = "/catalogue/solutions/openproject/edit"
    form = prefilled(auth.client.get(url).get_data(as_text=True))
    form.update(name="OpenProject Community", vendor_name="OpenProject GmbH (Berlin)")
    form["references"] = "Stadt Beispiel | Im Einsatz seit 2024 | In use since 2024"
    assert auth.post(url, form).status_code == 302
    page = auth.client.get("/catalogue/solutions/openproject").get_data(as_text=True)
    assert "OpenProject Community" in page and "Stadt Beispiel" in page
    [edit] = events(app, "catalogue_edit")
    assert {"name", "vendor", "references"} <= set(edit.detail["changed"])


def test_a_new_training_waits_in_the_queue_until_it_is_listed(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    training = NEW_TRAINING
    missing = auth.post("/catalogue/trainings/new", {**training, "notes_de": "", "notes_en": ""})
    assert missing.status_code == 422  # unverified without a note on what was not verified
    assert auth.post("/catalogue/trainings/new", training).status_code == 302
    assert "OParl für Einsteiger" not in auth.client.get("/catalogue/trainings").get_data(
        as_text=True
    )
    with app.app_context():
        ids = {t.id for t in current_catalogue(db.session).trainings}
        assert "oparl-fuer-einsteiger" not in ids
    assert "OParl für Einsteiger" in auth.client.get("/catalogue/queue").get_data(as_text=True)
    edit_url = "/catalogue/trainings/oparl-fuer-einsteiger/edit"
    form = prefilled(auth.client.get(edit_url).get_data(as_text=True))
    form["duration_de"] = "3 Stunden"
    assert auth.post(edit_url, form).status_code == 302
    listed = auth.post(
        "/catalogue/trainings/oparl-fuer-einsteiger/list", token_from="/catalogue/queue"
    )
    assert listed.status_code == 302
    page = auth.client.get("/catalogue/trainings").get_data(as_text=True)
    assert "OParl für Einsteiger" in page and "3 Stunden" in page
    assert [
        len(events(app, k)) for k in ("catalogue_create", "catalogue_edit", "catalogue_list")
    ] == [1, 1, 1]


def test_queue_sorts_expired_pending_and_expiring_within_60_days(app):
    with app.app_context():
        catalogue = shipped_catalogue()
        today = dt.date(2026, 12, 3)
        queue = review_queue(db.session, catalogue, today)
        expired = {i.id for i in queue.expired}
        pending = {i.id for i in queue.pending}
        assert "chirpstack" in expired
        assert all(
            catalogue.listing_status(catalogue.solution(i), today).status == "pending_review"
            for i in pending
        )
        listed = catalogue.listed_solutions(today)[0]
        due = catalogue.listing_status(listed, today).next_review_due
        soon = review_queue(db.session, catalogue, due - dt.timedelta(days=59))
        later = review_queue(db.session, catalogue, due - dt.timedelta(days=61))
        assert listed.id in {i.id for i in soon.expiring}
        assert listed.id not in {i.id for i in later.expiring}
