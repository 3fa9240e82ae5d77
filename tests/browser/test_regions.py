"""The district view in a real browser: choose a district without JavaScript, read it, axe."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from advisory.extensions import db
from advisory.models import Role
from advisory.services.synthetic import seed_synthetic
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

DISTRICT = "07333"  # Donnersbergkreis, about 80 municipalities


@pytest.mark.parametrize("width", [1280, 390])
def test_advisor_reads_a_district_of_synthetic_inventories(
    app, page, live_server, foreign_requests, make_user, width, tmp_path
):
    shots = os.environ.get("ADVISORY_SCREENSHOTS", str(tmp_path))
    with app.app_context():
        created = seed_synthetic(db.session, None, district=DISTRICT).created
    advisor = make_user(Role.ADVISOR, scopes="07")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, advisor.email, PASSWORD)
    page.get_by_role("link", name="Regionen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kreise und Regionen")
    assert violations(page) == []

    # A plain GET form: works without JavaScript and can be bookmarked.
    page.get_by_label("Kreis", exact=True).select_option(DISTRICT)
    page.get_by_label("Daten", exact=True).select_option("synthetic")
    page.get_by_role("button", name="Anzeigen").click()
    assert f"district={DISTRICT}" in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kreis: Donnersbergkreis")
    expect(page.locator(".badge-synthetic").first).to_have_text("synthetisch")
    expect(page.get_by_text(f"{created} mit Bestandsaufnahme")).to_be_visible()
    # The chart and the map are drawn on the server, with the same data in tables.
    expect(page.get_by_role("img", name="Reifegrade je Handlungsfeld")).to_be_visible()
    expect(page.get_by_role("img", name="Karte der Kommunen nach Gesamtstufe")).to_be_visible()
    table = page.locator(".distribution-table tbody tr")
    expect(table).to_have_count(13)  # overall and 12 domains
    page.get_by_text("Dasselbe als Tabelle").click()
    expect(page.get_by_role("row", name="Albisheim (Pfrimm)")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=f"{shots}/regions-district-{width}.png", full_page=True)
    assert foreign_requests == []


def test_municipal_editor_sees_only_figures_of_the_own_district(app, page, live_server, make_user):
    with app.app_context():
        seed_synthetic(db.session, None, district=DISTRICT)
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/regions/?data=synthetic")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kreis: Donnersbergkreis")
    expect(page.locator(".distribution-table")).to_be_visible()
    expect(page.get_by_role("img", name="Karte der Kommunen nach Gesamtstufe")).to_have_count(0)
    expect(page.get_by_text("Biedesheim")).to_have_count(0)  # no neighbour is named
    assert violations(page) == []
