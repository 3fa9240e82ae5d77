"""The action plan in a real browser: set a status, owner and due date; axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import expect

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, Role, User
from advisory.services.assessments import import_answers
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

VILLAGE = "07333001"


def test_an_editor_plans_the_first_step_and_the_page_passes_axe(
    app, page, live_server, foreign_requests, make_user, make_assessment, tmp_path
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment_id = make_assessment(VILLAGE, editor)
    with app.app_context():
        import_answers(
            db.session,
            db.session.get(Assessment, assessment_id),
            current_questionnaire(),
            demo_set("rural")["answers"],
            db.session.get(User, editor.id),
        )
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{assessment_id}/results", timeout=60000)
    page.get_by_role(
        "link", name="Maßnahmenplan: Status, Zuständigkeit und Termin je Schritt"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maßnahmenplan")
    assert violations(page) == []
    first = page.locator("article.plan-item").first
    first.get_by_label("Status").select_option("in_progress")
    first.get_by_label("Zuständig (Person oder Stelle)").fill("Hauptamt")
    first.get_by_label("Termin").fill("2027-06-30")
    first.get_by_role("button", name="Diesen Schritt speichern").click()
    expect(page.get_by_text("Der Maßnahmenplan wurde gespeichert.")).to_be_visible()
    first = page.locator("article.plan-item").first
    expect(first.get_by_label("Zuständig (Person oder Stelle)")).to_have_value("Hauptamt")
    expect(first.locator(".badge.status-in_progress")).to_have_text("In Arbeit")
    page.locator("details.more > summary").first.click()
    assert violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "plan-390.png"), full_page=False)
    page.goto(f"{live_server}/assessments/{assessment_id}/results", timeout=60000)
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible()
    assert (
        page.locator(
            ".modebar-btn[data-title*='Cloud'], .modebar-btn[data-title*='Chart Studio']"
        ).count()
        == 0
    )
    page.screenshot(path=str(tmp_path / "results-390.png"), full_page=True)
    assert violations(page) == []
    assert list(foreign_requests) == []
