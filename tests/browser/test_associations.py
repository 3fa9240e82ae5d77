"""An association editor answers a shared question; a member sees it read-only with its source."""

from __future__ import annotations

import os

from playwright.sync_api import expect
from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import Association, Role, User
from advisory.services.associations import start_association_inventory
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

GOELLHEIM, VILLAGE = "073335003", "07333001"
SHOTS = os.environ.get("ADVISORY_SCREENSHOTS")


def _shot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_shared_answer_reaches_the_member_read_only_with_its_source(
    app, browser, page, live_server, foreign_requests, make_user, make_assessment, tmp_path
):
    staff = make_user(Role.ASSOCIATION_EDITOR, association=GOELLHEIM)
    member = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment_id = make_assessment(VILLAGE, member)
    with app.app_context():
        association = db.session.scalar(select(Association).where(Association.code == GOELLHEIM))
        start_association_inventory(
            db.session, association, db.session.get(User, staff.id), current_questionnaire()
        )

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server}/associations/{GOELLHEIM}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Göllheim")
    expect(page.get_by_role("cell", name="Albisheim (Pfrimm)")).to_be_visible()
    assert violations(page) == []
    _shot(page, tmp_path, "association")
    page.get_by_role("link", name="Informationssicherheit & Datenschutz").click()
    question = page.locator("#q-security-approach")
    question.locator("input[value=grundschutz]").check()
    page.get_by_role("button", name="Antworten speichern").click()
    expect(page.get_by_text("Sie gelten für jede Mitgliedsgemeinde")).to_be_visible()
    assert violations(page) == []
    _shot(page, tmp_path, "association-section")

    other = browser.new_context(locale="de-DE")
    member_page = other.new_page()
    login(member_page, live_server, member.email, PASSWORD)
    member_page.goto(f"{live_server}/assessments/{assessment_id}/sections/security")
    shared = member_page.locator("#q-security-approach")
    expect(shared.locator("[data-inherited]")).to_have_text(
        "Antwort der gemeinsamen Verwaltung: Verbandsgemeinde Göllheim"
    )
    expect(shared.locator("input[type=radio]").first).to_be_disabled()
    expect(shared.locator("input[value=grundschutz]")).to_be_checked()
    assert violations(member_page) == []
    _shot(member_page, tmp_path, "member-section")
    other.close()
