"""Catalogue pages: filters, the requirement checklist, comparison and curators' reviews."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, Role
from advisory.services.catalogue import shipped_catalogue
from tests.conftest import Auth


def signed_in(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user.email)
    return auth


def test_filters_narrow_the_list(app, make_user):
    auth = signed_in(app, make_user(Role.ADVISOR, scopes="08"))
    page = auth.client.get("/catalogue/?domain=participation").get_data(as_text=True)
    assert "CONSUL" in page and "ChirpStack" not in page
    closed = auth.client.get("/catalogue/?open_source=no").get_data(as_text=True)
    assert "Nextcloud" not in closed
    listed = auth.client.get("/catalogue/?listed=1").get_data(as_text=True)
    assert "Mängelmelder" not in listed and "Nextcloud" in listed


def test_solution_page_shows_checklist_evidence_and_why_it_is_not_listed(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_VIEWER, ags="07333001"))
    page = auth.client.get("/catalogue/solutions/chirpstack").get_data(as_text=True)
    assert "Prüfung" in page and "abgelaufen" in page
    assert "1. " in page and "Datenschutz" in page


def test_comparison_needs_two_to_four_solutions(app, make_user):
    auth = signed_in(app, make_user(Role.TRAINER, scopes="07"))
    page = auth.client.get("/catalogue/compare?id=nextcloud&id=openproject").get_data(as_text=True)
    assert "Nextcloud" in page and "OpenProject" in page
    assert auth.client.get("/catalogue/compare?id=nextcloud").status_code == 302


def review_form(requirements, status: str, evidence: str) -> dict:
    data = {"reviewed_on": dt.date.today().isoformat()}
    for requirement in requirements.requirements:
        data[f"status-{requirement.id}"] = status
        data[f"evidence_de-{requirement.id}"] = evidence
        data[f"evidence_en-{requirement.id}"] = ""
    return data


def test_a_curator_review_changes_the_listing_and_is_audited(app, make_user):
    curator = make_user(Role.CURATOR)
    auth = signed_in(app, curator)
    requirements = shipped_catalogue().requirements
    url = "/catalogue/solutions/chirpstack/review"
    refused = auth.post(url, review_form(requirements, "met", ""))
    assert refused.status_code == 422
    assert "Nennen Sie den Nachweis" in refused.get_data(as_text=True)
    saved = auth.post(url, review_form(requirements, "met", "Geprüft: Vertrag und Doku"))
    assert saved.status_code == 302
    page = auth.client.get("/catalogue/solutions/chirpstack").get_data(as_text=True)
    assert "badge-listed" in page and curator.name in page
    data = review_form(requirements, "met", "Geprüft")
    data["status-data_protection"] = "not_met"
    auth.post(url, data)
    assert "badge-not_admitted" in auth.client.get("/catalogue/solutions/chirpstack").get_data(
        as_text=True
    )
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "catalogue_review")
        ).all()
        assert len(events) == 2
        assert events[1].detail["changed"] == {"data_protection": ["met", "not_met"]}


def test_a_curator_edits_an_entry_and_the_change_is_audited(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    url = "/catalogue/solutions/nextcloud/edit"
    page = auth.client.get(url).get_data(as_text=True)
    assert "Nextcloud" in page
    form = prefilled(page)
    form.update(summary_de="Neue Kurzbeschreibung", summary_en="New summary")
    bad = {**form, "size_fit_min_population": "500", "size_fit_max_population": "100"}
    assert auth.post(url, bad).status_code == 422
    assert auth.post(url, form).status_code == 302
    assert "Neue Kurzbeschreibung" in auth.client.get("/catalogue/solutions/nextcloud").get_data(
        as_text=True
    )
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "catalogue_edit")
        ).one()
        assert "summary" in event.detail["changed"]


def prefilled(page: str) -> dict:
    """Return the values a browser would post for an unchanged entry form."""
    import html
    import re

    form: dict = {}
    for name, value in re.findall(
        r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', page
    ):
        form[name] = html.unescape(value)
    for name, value in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page
    ):
        form[name] = html.unescape(value)
    for kind, name, value in re.findall(
        r'<input type="(checkbox|radio)" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>', page
    ):
        if kind == "checkbox":
            form.setdefault(name, []).append(value)
        else:
            form[name] = value
    for name, body in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]+)" selected>', body)
        if chosen:
            form[name] = chosen.group(1)
    return form
