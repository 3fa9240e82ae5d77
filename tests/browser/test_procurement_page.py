"""Tender building blocks in a real browser: reachable from the catalogue, accessible, usable."""

from __future__ import annotations

from playwright.sync_api import expect

from advisory.models import Role
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_tender_building_blocks_are_accessible_and_conditions_work(
    page, live_server, foreign_requests, make_user
):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/catalogue/")
    page.get_by_role("link", name="Ausschreibungsbausteine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ausschreibungsbausteine")
    assert violations(page) == []
    page.get_by_role("link", name="Zusammenarbeit, Projektmanagement und Cloud-Betrieb").click()
    expect(page.get_by_role("heading", name="Muss-Anforderungen (zwingend)")).to_be_visible()
    assert violations(page) == []
    cloud = page.get_by_label("Die Lösung wird als Cloud-Dienst bereitgestellt")
    expect(cloud).to_be_checked()
    cloud.uncheck()
    page.get_by_role("button", name="Bausteine aktualisieren").click()
    expect(page.get_by_text("Basiskriterien des BSI C5")).to_have_count(0)
    expect(page.get_by_role("link", name="Als Word-Dokument herunterladen")).to_have_attribute(
        "href", "/procurement/collaboration_cloud.docx?chosen=1"
    )
    assert violations(page) == []
    assert list(foreign_requests) == []
