"""Results and catalogue in a real browser: charts, accessibility, and the way to a checklist."""

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

TOWN = "08115021"


def test_from_results_to_a_recommended_solutions_checklist(
    app, page, live_server, foreign_requests, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = make_assessment(TOWN, editor)
    with app.app_context():
        import_answers(
            db.session,
            db.session.get(Assessment, assessment_id),
            current_questionnaire(),
            demo_set("town")["answers"],
            db.session.get(User, editor.id),
        )
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{assessment_id}/results")
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible()
    assert violations(page) == []
    for more in page.locator("details.more > summary").all():
        more.click()  # also the recommendations beyond the first five per horizon
    solution = page.locator("article.recommendation h4 a").first
    name = solution.inner_text()
    solution.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Prüfliste der Basisanforderungen")).to_be_visible()
    expect(page.locator(".badge-listed")).to_be_visible()
    assert violations(page) == []
    assert list(foreign_requests) == []


def test_catalogue_pages_pass_axe(page, live_server, foreign_requests, make_user):
    curator = make_user(Role.CURATOR)
    login(page, live_server, curator.email, PASSWORD)
    for path in (
        "/catalogue/",
        "/catalogue/?domain=participation&open_source=yes",
        "/catalogue/solutions/consul-democracy",
        "/catalogue/solutions/chirpstack",
        "/catalogue/compare?id=nextcloud&id=openproject&id=opendesk",
        "/catalogue/trainings",
        "/catalogue/requirements",
        "/catalogue/solutions/nextcloud/review",
    ):
        page.goto(f"{live_server}{path}")
        found = violations(page)
        assert found == [], f"{path}: {found}"
    assert list(foreign_requests) == []
