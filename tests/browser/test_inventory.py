"""The inventory in a real browser: autosave with JavaScript, plain forms without, conflicts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from advisory.extensions import db
from advisory.models import Answer, Role
from questionnaires import DOMAIN_IDS
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

VILLAGE = "07333001"
SECTIONS = ["profile", *DOMAIN_IDS]


@pytest.fixture
def editor(make_user):
    return make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)


@pytest.fixture
def inventory(editor, make_assessment) -> int:
    return make_assessment(VILLAGE, editor)


def stored_answers(app, assessment: int) -> dict[str, object]:
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment))
        return {row.question_id: (row.status, row.value) for row in rows}


def answer_visible_questions(page) -> list[str]:
    """Answer every visible, unanswered question with its first option; return their ids."""
    answered = []
    for _ in range(4):  # answers can reveal follow-up questions
        todo = [
            section
            for section in page.locator("section.question:visible").all()
            if section.get_attribute("data-question") not in answered
        ]
        if not todo:
            break
        for section in todo:
            qid = section.get_attribute("data-question")
            radios = section.locator(".choice:not(.choice-special) input[type=radio]")
            boxes = section.locator(".choice:not(.choice-special) input[type=checkbox]")
            selects = section.locator("select")
            if radios.count():
                radios.first.check()
            elif boxes.count():
                boxes.first.check()
            elif selects.count():
                for i in range(selects.count()):
                    selects.nth(i).select_option(index=1)
            elif section.locator("input[type=text]").count():
                section.locator("input[type=text]").fill("3")
                section.locator("input[type=text]").press("Tab")
            else:
                section.locator("textarea").fill("Notiz aus dem Test")
                section.locator("textarea").press("Tab")
            answered.append(qid)
    return answered


def test_editor_answers_one_domain_with_javascript_and_one_without(
    app, browser, page, live_server, editor, inventory
):
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{inventory}/sections/strategy")
    answered_js = answer_visible_questions(page)
    for qid in answered_js:
        section = page.locator(f"section[data-question='{qid}']")
        expect(section.locator("[data-status]")).to_contain_text("Gespeichert um")
    page.reload()
    assert set(answered_js) <= set(stored_answers(app, inventory))
    for qid in answered_js:
        section = page.locator(f"section[data-question='{qid}']")
        expect(section.locator("[data-status]")).to_contain_text("Zuletzt gespeichert")

    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    plain = context.new_page()
    login(plain, live_server, editor.email, PASSWORD)
    plain.goto(f"{live_server}/assessments/{inventory}/sections/security")
    answered_plain = answer_visible_questions(plain)
    plain.get_by_role("button", name="Antworten speichern").click()
    expect(plain.get_by_role("status").first).to_contain_text("Ihre Antworten wurden gespeichert")
    plain.reload()
    answers = stored_answers(app, inventory)
    shown_before = set(answered_plain)
    assert {
        q for q in shown_before if not plain.locator(f"section[data-question='{q}']").is_hidden()
    } <= set(answers)
    context.close()
    page.goto(f"{live_server}/assessments/{inventory}")
    expect(page.get_by_role("row", name="Strategie & Steuerung")).to_contain_text("vollständig")


def test_a_colleague_saving_a_changed_answer_gets_to_choose(
    app, browser, page, live_server, editor, make_user, inventory
):
    colleague = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    other_context = browser.new_context(locale="de-DE")
    other = other_context.new_page()
    url = f"{live_server}/assessments/{inventory}/sections/strategy"
    login(page, live_server, editor.email, PASSWORD)
    login(other, live_server, colleague.email, PASSWORD)
    page.goto(url)
    other.goto(url)

    page.get_by_label("Eigene Haushaltsstelle oder eigenes Produkt für Digitalisierung").check()
    budget = page.locator("section[data-question='strategy.budget']")
    expect(budget.locator("[data-status]")).to_contain_text("Gespeichert um")

    theirs = other.locator("section[data-question='strategy.budget']")
    theirs.get_by_label("Gar nicht").check()
    conflict = theirs.get_by_role("alert")
    expect(conflict).to_contain_text("Jemand anderes hat diese Antwort geändert")
    expect(conflict).to_contain_text(
        "Eigene Haushaltsstelle oder eigenes Produkt für Digitalisierung"
    )
    check = violations(other)
    assert check == []
    conflict.get_by_role("button", name="Meine Antwort speichern").click()
    expect(theirs.locator("[data-status]")).to_contain_text("Gespeichert um")
    assert stored_answers(app, inventory)["strategy.budget"] == ("answered", "none")

    page.get_by_label(
        "Eigene Haushaltsstelle und mehrjährige Finanzplanung einschließlich Betriebskosten"
    ).check()
    mine = page.locator("section[data-question='strategy.budget']")
    expect(mine.get_by_role("alert")).to_contain_text("Gar nicht")
    mine.get_by_role("button", name="Gespeicherte Antwort behalten").click()
    expect(mine.get_by_label("Gar nicht")).to_be_checked()
    assert stored_answers(app, inventory)["strategy.budget"] == ("answered", "none")
    other_context.close()


def test_every_questionnaire_page_passes_axe(
    page, live_server, foreign_requests, editor, inventory
):
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{inventory}")
    assert violations(page) == []
    for section in SECTIONS:
        page.goto(f"{live_server}/assessments/{inventory}/sections/{section}")
        found = violations(page)
        assert found == [], f"{section}: {found}"
    page.goto(f"{live_server}/assessments/{inventory}/answers/profile.association/history")
    assert violations(page) == []
    assert list(foreign_requests) == []
