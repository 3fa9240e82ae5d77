"""The advisor's review in a real browser: the whole life cycle on a tablet, and a review that
survives losing the connection on a phone."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import (
    Answer,
    AnswerReview,
    Assessment,
    Finding,
    ReviewRecord,
    Role,
    User,
)
from advisory.services.assessments import import_answers
from advisory.services.lifecycle import transition
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

VILLAGE = "07333001"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {
    "strategy.digital_goals": {"status": "answered", "value": "own_strategy"},
    "strategy.responsibility": {"status": "answered", "value": "side_task"},
    "strategy.budget": {"status": "dont_know"},
}


@pytest.fixture
def people(app, make_user, make_assessment, tmp_path):
    app.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    advisor = make_user(Role.ADVISOR, scopes="07333")
    assessment_id = make_assessment(VILLAGE, editor)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, editor.id)
        import_answers(db.session, assessment, current_questionnaire(), ANSWERS, user)
    return editor, advisor, assessment_id


def _no_violations(page):
    assert violations(page) == [], page.url


def _answer_card(page, question_id):
    return page.locator(f"#r-{question_id.replace('.', '-')}")


def test_submit_review_request_changes_resubmit_validate(
    app, browser, live_server, people, foreign_requests
):
    from pypdf import PdfReader

    editor, advisor, _assessment_id, base = *people, f"{live_server}/assessments/{people[2]}"
    municipal = browser.new_context(locale="de-DE")
    tablet = browser.new_context(locale="de-DE", viewport={"width": 768, "height": 1024})
    for context in (municipal, tablet):
        context.set_default_timeout(15_000)
    mayor, visitor = municipal.new_page(), tablet.new_page()
    try:
        # The editor sees what is still open and submits anyway, with a note.
        login(mayor, live_server, editor.email, PASSWORD)
        mayor.goto(base)
        mayor.get_by_role("link", name="Zur Prüfung einreichen").click()
        expect(mayor.get_by_role("heading", name="1 Antwort „Weiß nicht“")).to_be_visible()
        _no_violations(mayor)
        mayor.get_by_label("Hinweis für die Beratung (freiwillig)").fill("Haushalt unklar")
        mayor.get_by_role("button", name="Trotzdem einreichen").click()
        expect(mayor.locator(".flash-success")).to_contain_text("eingereicht")

        # The advisor on a tablet opens the review.
        login(visitor, live_server, advisor.email, PASSWORD)
        visitor.goto(f"{base}/review")
        _no_violations(visitor)
        visitor.get_by_role("button", name="Prüfung beginnen").click()
        visitor.get_by_role("link", name="Strategie & Steuerung").first.click()
        _no_violations(visitor)
        card = _answer_card(visitor, "strategy.digital_goals")
        card.get_by_label("Nirgends, es gibt keine schriftlichen digitalen Ziele").check()
        card.get_by_label("Notiz", exact=True).fill("Kein Ratsbeschluss vorgelegt")
        card.get_by_role("button", name="Geprüften Wert speichern").click()
        expect(card.locator("[data-review-status]")).to_have_text("Gespeichert.")
        card.locator("summary", has_text="Nachweis hinzufügen").click()
        card.get_by_label("Datei (PDF, Bild oder Office-Dokument)").set_input_files(
            {"name": "Protokoll.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        card.get_by_role("button", name="Nachweis hinzufügen").click()
        expect(visitor.locator(".flash-success")).to_contain_text("Nachweis")
        card = _answer_card(visitor, "strategy.digital_goals")
        expect(card.get_by_role("link", name="Protokoll.pdf", exact=True)).to_be_visible()
        expect(card.locator("[data-reviewed]")).to_contain_text("korrigiert")
        visitor.get_by_label("Art", exact=True).select_option("observation")
        visitor.get_by_label("Feststellung", exact=True).fill("Haushaltsstelle fehlt")
        visitor.get_by_role("button", name="Feststellung erfassen").click()
        expect(visitor.locator("#findings")).to_contain_text("Haushaltsstelle fehlt")
        _no_violations(visitor)
        visitor.goto(f"{base}/review")
        visitor.get_by_label("Ihre Beobachtungen für die Kommune").fill("Bitte Haushalt klären")
        visitor.get_by_role("button", name="Änderungen anfordern").click()
        expect(visitor.locator("[data-status-badge]")).to_have_text("Änderungen angefordert")

        # The editor sees the observation, changes the answer and submits again.
        mayor.goto(base)
        expect(mayor.locator(".review-box")).to_contain_text("Bitte Haushalt klären")
        expect(mayor.locator(".review-box")).to_contain_text("Haushaltsstelle fehlt")
        _no_violations(mayor)
        mayor.goto(f"{base}/sections/strategy")
        mayor.get_by_label(
            "Eigene Haushaltsstelle oder eigenes Produkt für Digitalisierung"
        ).check()
        mayor.get_by_role("button", name="Antworten speichern").click()
        expect(mayor.locator(".flash-success")).to_be_visible()
        mayor.goto(f"{base}/submit")
        expect(mayor.get_by_role("heading", name="0 Antworten „Weiß nicht“")).to_be_visible()
        mayor.get_by_role("button", name="Trotzdem einreichen").click()
        expect(mayor.locator(".flash-success")).to_contain_text("eingereicht")

        # The advisor validates; the PDF is no draft and shows both values and the finding.
        visitor.goto(f"{base}/review")
        visitor.get_by_role("button", name="Prüfung beginnen").click()
        visitor.get_by_role("button", name="Bestätigen", exact=True).click()
        expect(visitor.locator("[data-status-badge]")).to_have_text("bestätigt")
        response = tablet.request.get(f"{base}/report.pdf", timeout=180_000)
        assert response.ok
        pdf = PdfReader(io.BytesIO(response.body()))
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        assert "Entwurf" not in text
        assert "Bestätigt von" in text or "bestätigt von" in text.lower()
        assert "Haushaltsstelle fehlt" in text
        assert "Kein Ratsbeschluss vorgelegt" in text and "Protokoll.pdf" in text
        # Both values of the corrected answer: the self-assessed and the reviewed one.
        assert "In einer eigenen, vom Rat beschlossenen" in text
        assert "Nirgends, es gibt keine schriftlichen" in text
        assert foreign_requests == []
    finally:
        municipal.close()
        tablet.close()


def test_review_changes_made_offline_are_sent_when_the_connection_returns(
    app, browser, live_server, people
):
    editor, advisor, assessment_id = people
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        transition(db.session, assessment, "submit", db.session.get(User, editor.id))
        transition(db.session, assessment, "start_review", db.session.get(User, advisor.id))
    phone = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    phone.set_default_timeout(45_000)  # a busy shared machine: sign-in alone took over 15 s
    page = phone.new_page()
    try:
        login(page, live_server, advisor.email, PASSWORD)
        page.goto(f"{live_server}/assessments/{assessment_id}/review/sections/strategy")
        _no_violations(page)
        # The question's text shows once: in the item's heading, not again above the choices.
        legend = _answer_card(page, "strategy.digital_goals").locator(".question-text")
        assert legend.bounding_box()["width"] <= 1
        phone.set_offline(True)
        choices = {
            "strategy.digital_goals": "Nur informell, z. B. im Programm der Bürgermeisterin",
            "strategy.responsibility": "Niemand ausdrücklich",
            "strategy.budget": "Gar nicht",
        }
        for question_id, label in choices.items():
            card = _answer_card(page, question_id)
            card.get_by_label(label).check()
            if question_id == "strategy.budget":  # a note and the follow-up mark wait too
                card.get_by_label("Notiz").fill("Kämmerei fragen")
                card.get_by_label("Nachverfolgen").check()
            card.get_by_role("button", name="Geprüften Wert speichern").click()
            expect(card.locator("[data-review-status]")).to_contain_text("Noch nicht gespeichert")
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        # A finding waits as well, listed as not yet saved.
        findings = page.locator("#findings")
        findings.get_by_label("Art").select_option("gap")
        findings.get_by_label("Feststellung", exact=True).fill("Kein Budget für 2027 geplant")
        findings.get_by_role("button", name="Feststellung erfassen").click()
        pending = findings.locator("[data-pending-findings] li")
        expect(pending).to_contain_text("Kein Budget für 2027 geplant")
        expect(pending).to_contain_text("Noch nicht gespeichert")
        # An upload cannot wait in the browser: refused, and the typed link stays in the form.
        evidence = _answer_card(page, "strategy.digital_goals")
        evidence.locator("summary", has_text="Nachweis hinzufügen").click()
        evidence.get_by_label("oder ein Link").fill("https://example.org/ratsbeschluss")
        evidence.get_by_role("button", name="Nachweis hinzufügen").click()
        expect(evidence.locator(".offline-refused")).to_contain_text("Keine Verbindung")
        expect(evidence.get_by_label("oder ein Link")).to_have_value(
            "https://example.org/ratsbeschluss"
        )
        with app.app_context():
            assert db.session.scalars(select(AnswerReview)).all() == []
            assert db.session.scalars(select(Finding)).all() == []
        phone.set_offline(False)
        for question_id in choices:
            expect(_answer_card(page, question_id).locator("[data-review-status]")).to_have_text(
                "Gespeichert."
            )
        expect(pending).to_contain_text("Gespeichert.")
        with app.app_context():
            stored = {
                r.question_id: r.value
                for r in db.session.scalars(
                    select(AnswerReview).where(AnswerReview.assessment_id == assessment_id)
                )
            }
            own = {
                r.question_id: r.status
                for r in db.session.scalars(
                    select(Answer).where(Answer.assessment_id == assessment_id)
                )
            }
        assert stored == {
            "strategy.digital_goals": "informal",
            "strategy.responsibility": "none",
            "strategy.budget": "none",
        }
        assert own["strategy.budget"] == "dont_know"  # the self-assessed value stays
        with app.app_context():
            budget = db.session.scalars(
                select(AnswerReview).where(AnswerReview.question_id == "strategy.budget")
            ).one()
            assert (budget.note, budget.follow_up) == ("Kämmerei fragen", True)
            assert [(f.kind, f.text) for f in db.session.scalars(select(Finding))] == [
                ("gap", "Kein Budget für 2027 geplant")
            ]
        assert page.evaluate("localStorage.getItem('advisory.review.queue')") == "{}"
        # The visit record on the overview page: kept offline, sent when the connection returns.
        page.goto(f"{live_server}/assessments/{assessment_id}/review", timeout=60_000)
        _no_violations(page)
        phone.set_offline(True)
        page.get_by_label("Ort").fill("Rathaus, Sitzungssaal")
        page.get_by_label("Zusammenfassung der Beratung").fill("Gute Grundlage, Budget fehlt.")
        page.get_by_role("button", name="Besuch und Zusammenfassung speichern").click()
        record_status = page.locator("#record [data-review-status]")
        expect(record_status).to_contain_text("Noch nicht gespeichert")
        # A life-cycle step is refused while offline, its comment kept.
        changes = page.locator("form.step-form").filter(
            has=page.locator("[data-step=request_changes]")
        )
        changes.get_by_role("textbox").fill("Bitte Budget ergänzen")
        changes.locator("[data-step=request_changes]").click()
        expect(changes.locator(".offline-refused")).to_be_visible()
        expect(changes.get_by_role("textbox")).to_have_value("Bitte Budget ergänzen")
        phone.set_offline(False)
        expect(record_status).to_have_text("Gespeichert.")
        with app.app_context():
            record = db.session.scalars(select(ReviewRecord)).one()
            assert (record.visit_place, record.summary) == (
                "Rathaus, Sitzungssaal",
                "Gute Grundlage, Budget fehlt.",
            )
            assert db.session.get(Assessment, assessment_id).status == "in_review"
        assert page.evaluate("localStorage.getItem('advisory.review.queue')") == "{}"
    finally:
        phone.close()
