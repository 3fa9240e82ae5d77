"""The inventory's life cycle and the advisor's review: steps, reviewed values, evidence,
findings, the validated report and the exports."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from advisory.extensions import db
from advisory.models import (
    Answer,
    AnswerChange,
    AnswerReview,
    Assessment,
    AuditEvent,
    Evidence,
    Role,
    StatusChange,
)
from tests.conftest import Auth

AGS = "07333001"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(app, make_user, make_assessment, tmp_path):
    app.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    advisor = make_user(Role.ADVISOR, scopes="07333")
    assessment_id = make_assessment(AGS, editor)
    editor_client, advisor_client = Auth(app.test_client()), Auth(app.test_client())
    editor_client.login(editor.email)
    advisor_client.login(advisor.email)
    base = f"/assessments/{assessment_id}"
    editor_client.post(
        f"{base}/sections/strategy",
        {
            "present-strategy.digital_goals": "1",
            "rev-strategy.digital_goals": "0",
            "q-strategy.digital_goals": "own_strategy",
            "present-strategy.budget": "1",
            "rev-strategy.budget": "0",
            "q-strategy.budget": "dont_know",
        },
        token_from=f"{base}/sections/strategy",
    )
    return editor_client, advisor_client, assessment_id, base


def _status(app, assessment_id):
    with app.app_context():
        return db.session.get(Assessment, assessment_id).status


def _step(client, base, step, comment=""):
    return client.post(
        f"{base}/lifecycle", {"step": step, "comment": comment}, token_from=f"{base}"
    )


def _start_review(editor, advisor, base):
    page = editor.client.get(f"{base}/submit").get_data(as_text=True)
    assert "Submit anyway" in page or "Trotzdem einreichen" in page
    assert editor.post(f"{base}/submit", {"comment": "Budget open"}).status_code == 302
    assert _step(advisor, base, "start_review").status_code == 302


def _review(advisor, base, qid, value=None, confirm=False, note="", rev="0", **extra):
    data = {f"present-{qid}": "1", f"rev-{qid}": rev, "note": note}
    data["action"] = "confirm" if confirm else "correct"
    if value is not None:
        data[f"q-{qid}"] = value
    return advisor.post(
        f"{base}/review/answers/{qid}",
        {**data, **extra},
        token_from=f"{base}/review/sections/strategy",
        headers={"Accept": "application/json"},
    )


def test_the_whole_life_cycle_is_recorded_and_a_municipality_cannot_validate(app, people):
    editor, advisor, assessment_id, base = people
    # The municipality may neither open nor validate a review of its own inventory.
    assert editor.client.get(f"{base}/review").status_code == 403
    # Review mode is on only while the inventory is in review.
    assert _review(advisor, base, "strategy.digital_goals", "none").status_code == 403
    _start_review(editor, advisor, base)
    assert _status(app, assessment_id) == "in_review"
    assert _step(editor, base, "validate").status_code == 403
    # While in review the municipality's answers are locked.
    locked = editor.post(
        f"{base}/answers/strategy.budget",
        {"present-strategy.budget": "1", "rev-strategy.budget": "1", "q-strategy.budget": "none"},
        token_from=f"{base}/sections/strategy",
    )
    assert locked.status_code == 403
    # Changes need the advisor's observations.
    _step(advisor, base, "request_changes")
    assert _status(app, assessment_id) == "in_review"
    _step(advisor, base, "request_changes", "Please check the budget.")
    assert _status(app, assessment_id) == "changes_requested"
    overview = editor.client.get(base).get_data(as_text=True)
    assert "Please check the budget." in overview
    editor.post(f"{base}/submit", {"comment": ""})
    _step(advisor, base, "start_review")
    _step(advisor, base, "validate")
    assert _status(app, assessment_id) == "validated"
    _step(advisor, base, "reopen")  # a reason is required
    assert _status(app, assessment_id) == "validated"
    _step(advisor, base, "reopen", "New data from the district")
    assert _status(app, assessment_id) == "in_review"
    with app.app_context():
        steps = db.session.scalars(
            select(StatusChange).where(StatusChange.assessment_id == assessment_id)
        ).all()
        assert [(s.old_status, s.new_status) for s in steps] == [
            ("in_progress", "submitted"),
            ("submitted", "in_review"),
            ("in_review", "changes_requested"),
            ("changes_requested", "submitted"),
            ("submitted", "in_review"),
            ("in_review", "validated"),
            ("validated", "in_review"),
        ]
        assert steps[0].comment == "Budget open" and all(s.changed_by_id for s in steps)
        assert db.session.get(Assessment, assessment_id).validated_at is None


def test_reviewed_value_is_kept_beside_the_self_assessed_one_and_counts(app, people):
    editor, advisor, _assessment_id, base = people
    _start_review(editor, advisor, base)
    before = advisor.client.get(f"{base}/results").get_data(as_text=True)
    saved = _review(advisor, base, "strategy.digital_goals", "none", note="No council decision")
    assert saved.status_code == 200 and saved.json["revision"] == 1
    # A second save on the old revision is a conflict, as in the autosave.
    stale = _review(advisor, base, "strategy.digital_goals", "informal", rev="0")
    assert stale.status_code == 409 and stale.json["theirs"]
    assert _review(advisor, base, "strategy.budget", confirm=True).status_code == 200
    with app.app_context():
        own = db.session.scalar(
            select(Answer).where(Answer.question_id == "strategy.digital_goals")
        )
        reviewed = db.session.scalar(
            select(AnswerReview).where(AnswerReview.question_id == "strategy.digital_goals")
        )
        assert (own.value, reviewed.value, reviewed.note) == (
            "own_strategy",
            "none",
            "No council decision",
        )
        kinds = db.session.scalars(
            select(AnswerChange.kind).where(AnswerChange.question_id == "strategy.digital_goals")
        ).all()
        assert sorted(kinds) == ["review", "self"]
    review_page = advisor.client.get(f"{base}/review").get_data(as_text=True)
    after = advisor.client.get(f"{base}/results").get_data(as_text=True)
    assert "reviewed-heading" not in before and "reviewed-heading" in after
    assert "Self-assessed" in review_page or "Selbsteinschätzung" in review_page
    history = advisor.client.get(f"{base}/answers/strategy.digital_goals/history")
    assert history.get_data(as_text=True).count("<tr>") >= 3


def test_evidence_is_checked_by_content_and_served_only_in_scope(app, people, make_user):
    editor, advisor, _assessment_id, base = people
    app.config["EVIDENCE_MAX_BYTES"] = 2000
    _start_review(editor, advisor, base)
    url = f"{base}/review/answers/strategy.digital_goals/evidence"
    token = advisor.csrf_token(f"{base}/review/sections/strategy")

    def upload(name, content):
        response = advisor.client.post(
            url,
            data={"csrf_token": token, "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        return response.get_data(as_text=True)

    assert "ist kein „pdf“" in upload("fake.pdf", b"MZ this is no PDF at all")
    assert "Die Datei ist zu groß: höchstens 1 MB" in upload("big.pdf", PDF + b"0" * 3000)
    assert "Dateiname ist nicht erlaubt" in upload("../../etc/passwd.pdf", PDF)
    assert "„exe“ werden nicht angenommen" in upload("tool.exe", b"MZ")
    upload("Beschluss.pdf", PDF)
    with app.app_context():
        stored = db.session.scalars(select(Evidence)).all()
        assert [e.filename for e in stored] == ["Beschluss.pdf"]
        evidence_id, stored_name = stored[0].id, stored[0].stored_name
        assert stored_name != "Beschluss.pdf" and len(stored_name) == 32
    download = advisor.client.get(f"{base}/evidence/{evidence_id}")
    assert download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert editor.client.get(f"{base}/evidence/{evidence_id}").status_code == 200
    # Outside the scope: neither the file, nor the review, nor the findings.
    for role, kwargs in (
        (Role.ADVISOR, {"scopes": "09"}),
        (Role.MUNICIPAL_EDITOR, {"ags": "09162000"}),
    ):
        stranger = Auth(app.test_client())
        stranger.login(make_user(role, **kwargs).email)
        assert stranger.client.get(f"{base}/evidence/{evidence_id}").status_code == 404
        assert stranger.client.get(f"{base}/review").status_code == 404
        assert stranger.client.get(f"{base}/review/sections/strategy").status_code == 404
        finding = stranger.post(
            f"{base}/review/findings",
            {"domain_id": "strategy", "kind": "gap", "severity": "high", "text": "x"},
            token_from="/",
        )
        assert finding.status_code == 404


def test_evidence_is_deleted_after_a_confirmation_with_its_file_and_recorded(
    app, people, make_user, tmp_path
):
    editor, advisor, assessment_id, base = people
    _start_review(editor, advisor, base)
    section = f"{base}/review/sections/strategy"
    advisor.client.post(
        f"{base}/review/answers/strategy.digital_goals/evidence",
        data={"csrf_token": advisor.csrf_token(section), "file": (io.BytesIO(PDF), "Plan.pdf")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        evidence = db.session.scalars(select(Evidence)).one()
        evidence_id, stored = evidence.id, tmp_path / "evidence" / evidence.stored_name
    assert stored.is_file()
    confirm = f"{base}/evidence/{evidence_id}/delete"
    assert f'href="{confirm}"' in advisor.client.get(section).get_data(as_text=True)
    # Outside the scope, or the municipality: neither the question nor the deletion.
    stranger = Auth(app.test_client())
    stranger.login(make_user(Role.ADVISOR, scopes="09").email)
    assert stranger.client.get(confirm).status_code == 404
    assert editor.client.get(confirm).status_code == 403
    assert editor.post(confirm, token_from=f"{base}").status_code == 403
    # Without a CSRF token nothing happens.
    assert advisor.client.post(confirm).status_code == 400
    page = advisor.client.get(confirm).get_data(as_text=True)
    assert "Plan.pdf" in page and "Nachweis löschen" in page
    assert stored.is_file()
    response = advisor.post(confirm)
    assert response.status_code == 302
    assert response.location.endswith("/review/sections/strategy#r-strategy-digital_goals")
    assert not stored.exists()
    assert advisor.client.get(f"{base}/evidence/{evidence_id}").status_code == 404
    assert advisor.client.get(confirm).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Evidence)).all() == []
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "evidence_deleted")
        ).one()
        assert event.detail["evidence"] == "Plan.pdf"
        assert event.detail["inventory"] == assessment_id
    admin = Auth(app.test_client())
    admin.login(make_user(Role.ADMIN).email)
    audit = admin.client.get("/admin/audit").get_data(as_text=True)
    assert "Nachweis einer Prüfung gelöscht" in audit and "Plan.pdf" in audit


def test_evidence_cannot_be_deleted_once_the_review_is_closed(app, people):
    editor, advisor, _assessment_id, base = people
    _start_review(editor, advisor, base)
    section = f"{base}/review/sections/strategy"
    advisor.post(
        f"{base}/review/answers/strategy.digital_goals/evidence",
        {"text": "Ratsbeschluss vom 3. März"},
        token_from=section,
    )
    assert _step(advisor, base, "validate").status_code == 302
    with app.app_context():
        evidence_id = db.session.scalars(select(Evidence.id)).one()
    assert advisor.client.get(f"{base}/evidence/{evidence_id}/delete").status_code == 403
    assert (
        advisor.post(f"{base}/evidence/{evidence_id}/delete", token_from=f"{base}").status_code
        == 403
    )
    with app.app_context():
        assert db.session.scalars(select(Evidence.id)).all() == [evidence_id]


def test_validated_report_and_exports_show_both_values_and_the_findings(app, people):
    editor, advisor, _assessment_id, base = people
    _start_review(editor, advisor, base)
    _review(advisor, base, "strategy.digital_goals", "none", note="No council decision")
    advisor.post(
        f"{base}/review/findings",
        {"domain_id": "strategy", "kind": "gap", "severity": "high", "text": "No budget line"},
        token_from=f"{base}/review/sections/strategy",
    )
    advisor.post(
        f"{base}/review/record",
        {"summary": "A good start.", "visit_date": "2026-12-03", "visit_place": "Rathaus"},
        token_from=f"{base}/review",
    )
    draft = advisor.client.get(f"{base}/report?lang=en").get_data(as_text=True)
    assert "is-draft" in draft
    _step(advisor, base, "validate")
    page = advisor.client.get(f"{base}/report?lang=en").get_data(as_text=True)
    assert "is-draft" not in page and "Validated" in page
    for text in ("No budget line", "A good start.", "No council decision", "Rathaus"):
        assert text in page
    csv_text = advisor.client.get(f"{base}/report.csv?lang=en").get_data().decode("utf-8-sig")
    assert "Self-assessed answer" in csv_text and "corrected" in csv_text
    exported = advisor.client.get(f"{base}/report.json").data
    data = json.loads(exported)
    assert data["format_version"] == 2
    assert data["review"]["answers"]["strategy.digital_goals"]["value"] == "none"
    assert data["review"]["findings"][0]["text"] == "No budget line"
    # Export → import → export gives the same bytes, review included.
    from advisory.exports import assessment_json, import_assessment

    with app.app_context():
        copy = import_assessment(db.session, exported, None)
        assert assessment_json(db.session, copy) == exported


def test_a_new_inventory_starts_from_the_validated_one_and_asks_to_confirm(app, people):
    editor, advisor, _assessment_id, base = people
    _start_review(editor, advisor, base)
    _review(advisor, base, "strategy.digital_goals", "none")
    _step(advisor, base, "validate")
    start = editor.post(
        f"/municipalities/{AGS}/assessments", {}, token_from=f"/municipalities/{AGS}"
    )
    new_id = int(start.location.rsplit("/", 1)[-1])
    with app.app_context():
        rows = {
            r.question_id: r
            for r in db.session.scalars(select(Answer).where(Answer.assessment_id == new_id))
        }
        # The reviewed value is what carries over, marked for confirmation.
        assert rows["strategy.digital_goals"].value == "none"
        assert rows["strategy.digital_goals"].carried_over
        revision = rows["strategy.digital_goals"].revision
    page = editor.client.get(f"/assessments/{new_id}/sections/strategy").get_data(as_text=True)
    assert "data-carried" in page
    editor.post(
        f"/assessments/{new_id}/answers/strategy.digital_goals",
        {
            "present-strategy.digital_goals": "1",
            "rev-strategy.digital_goals": str(revision),
            "q-strategy.digital_goals": "none",
        },
        token_from=f"/assessments/{new_id}/sections/strategy",
    )
    with app.app_context():
        row = db.session.scalar(
            select(Answer).where(
                Answer.assessment_id == new_id, Answer.question_id == "strategy.digital_goals"
            )
        )
        assert not row.carried_over
    report = editor.client.get(f"/assessments/{new_id}/report?lang=en").get_data(as_text=True)
    assert "Changes since the previous inventory" in report
    results = editor.client.get(f"/assessments/{new_id}/results").get_data(as_text=True)
    assert 'id="changes-heading"' in results


def test_interview_guide_lists_dont_know_and_open_questions_first(app, people):
    from pypdf import PdfReader

    _editor, advisor, _assessment_id, base = people
    response = advisor.client.get(f"{base}/review/guide.pdf?domain=strategy")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "Datenmanagement" not in text  # only the chosen domain
    # The "don't know" answer (budget) comes before the answered goals question.
    assert 0 < text.index("Haushalt abgebildet") < text.index("digitalen Ziele Ihrer Kommune")


def test_files_of_format_version_1_without_a_review_are_still_imported(app, people):
    from advisory.exports import assessment_data, import_assessment

    _editor, advisor, assessment_id, base = people
    _start_review(_editor, advisor, base)
    _step(advisor, base, "validate")
    with app.app_context():
        data = assessment_data(db.session, db.session.get(Assessment, assessment_id))
        data["format_version"] = 1
        assert "review" not in data
        copy = import_assessment(db.session, json.dumps(data), None)
        assert copy.status == "in_progress" and copy.previous_id == assessment_id
