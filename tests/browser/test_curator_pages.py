"""Curators' pages in a real browser: review queue and the entry form, accessible with errors."""

from __future__ import annotations

from playwright.sync_api import expect

from advisory.models import Role
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_queue_and_new_training_form_are_accessible_and_show_errors(
    page, live_server, foreign_requests, make_user
):
    curator = make_user(Role.CURATOR)
    login(page, live_server, curator.email, PASSWORD)
    page.goto(f"{live_server}/catalogue/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prüfwarteschlange")
    expect(
        page.get_by_role("heading", name="Abgelaufene Prüfungen (zurückgehalten)")
    ).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="Neue Schulung").first.click()
    page.get_by_label("Kennung").fill("Bad Id!")
    page.get_by_role("button", name="Eintrag speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte korrigieren")
    assert violations(page) == []
    assert list(foreign_requests) == []
