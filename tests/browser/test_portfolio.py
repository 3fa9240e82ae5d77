"""The portfolio dashboard in a real browser: filter without JavaScript, compare, heat map, axe."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, Role, User
from advisory.services.assessments import import_answers
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

VILLAGE, NEIGHBOUR = "07333001", "07333006"  # Albisheim (Pfrimm), Biedesheim


def _inventory(app, make_user, make_assessment, ags: str, demo: str, status=None) -> int:
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=ags)
    assessment_id = make_assessment(ags, editor)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        import_answers(
            db.session,
            assessment,
            current_questionnaire(),
            demo_set(demo)["answers"],
            db.session.get(User, editor.id),
        )
        if status:
            assessment.status = status
            db.session.commit()
    return assessment_id


@pytest.mark.parametrize("width", [1280, 390])
def test_advisor_filters_compares_and_sees_the_heat_map(
    app, page, live_server, foreign_requests, make_user, make_assessment, width, tmp_path
):
    # Screenshots for a person to look at: ADVISORY_SCREENSHOTS=/some/dir keeps them.
    shots = os.environ.get("ADVISORY_SCREENSHOTS", str(tmp_path))
    _inventory(app, make_user, make_assessment, VILLAGE, "rural")
    _inventory(app, make_user, make_assessment, NEIGHBOUR, "city", AssessmentStatus.SUBMITTED)
    advisor = make_user(Role.ADVISOR, scopes="07")
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(30_000)  # the first chart of a process imports plotly (seconds)
    login(page, live_server, advisor.email, PASSWORD)
    expect(page.get_by_text("1 Bestandsaufnahme wartet auf Ihre Prüfung.")).to_be_visible()
    page.get_by_role("link", name="Portfolio-Übersicht öffnen").click()
    assert violations(page) == []

    page.get_by_label("Landkreis (Name oder Schlüssel)").fill("Donnersbergkreis")
    page.get_by_role("button", name="Anzeigen").click()
    rows = page.locator(".portfolio-table tbody th[scope=row] a")
    expect(rows.first).to_have_text("Biedesheim")  # submitted: waiting for the advisor first
    assert "district=Donnersbergkreis" in page.url
    assert all("Donnersbergkreis" in text for text in page.locator(
        ".portfolio-table tbody td:nth-child(3)").all_inner_texts())  # fmt: skip
    page.screenshot(path=f"{shots}/dashboard-{width}.png", full_page=True)
    assert violations(page) == []

    page.get_by_label("Biedesheim vergleichen").check()
    page.get_by_label("Albisheim (Pfrimm) vergleichen").check()
    page.get_by_role("button", name="Ausgewählte Kommunen vergleichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunen vergleichen")
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator(".compare-table thead th")).to_have_count(3)
    page.screenshot(path=f"{shots}/compare-{width}.png", full_page=True)
    assert violations(page) == []

    page.goto(f"{live_server}/portfolio/heatmap?district=07333")
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator(".heatmap-table tbody tr")).to_have_count(2)
    page.screenshot(path=f"{shots}/heatmap-{width}.png", full_page=True)
    assert violations(page) == []
    assert list(foreign_requests) == []


def test_the_dashboard_works_without_javascript(browser, app, live_server, make_user):
    advisor = make_user(Role.ADVISOR, scopes="07")
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, advisor.email, PASSWORD)
        page.goto(f"{live_server}/portfolio/")
        page.get_by_label("Größe").select_option("city")
        page.get_by_label("Sortieren nach").select_option("population")
        page.get_by_label("Reihenfolge").select_option("desc")
        page.get_by_role("button", name="Anzeigen").click()
        first = page.locator(".portfolio-table tbody th[scope=row] a").first
        expect(first).to_have_text("Mainz, Stadt")
        assert page.get_by_role("link", name="Nächste Seite").count() == 0  # 5 cities, 1 page
    finally:
        context.close()
