"""Exports: the versioned JSON format and its import, XLSX with three sheets, CSV of the answers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from advisory.exports import AssessmentImportError, assessment_json, import_assessment
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus
from advisory.services.assessments import answer_rows
from tests.conftest import Auth
from tests.test_reports import fill_village


@pytest.fixture
def village(app):
    """The village's filled inventory: (editor email, assessment id, number of answers)."""
    with app.app_context():
        user, assessment = fill_village(db.session)
        return user.email, assessment.id, len(answer_rows(db.session, assessment))


def test_json_export_import_export_gives_the_same_bytes(app, village):
    _email, assessment_id, _count = village
    with app.app_context():
        original = db.session.get(Assessment, assessment_id)
        exported = assessment_json(db.session, original)
        original.status = AssessmentStatus.VALIDATED  # only one inventory may be open at a time
        db.session.commit()
        imported = import_assessment(db.session, exported, user=None)
        assert imported.id != assessment_id and imported.previous_id == assessment_id
        again = assessment_json(db.session, imported)
    assert again == exported
    data = json.loads(exported)
    assert data["format"] == "advisory-assessment" and data["format_version"] == 2
    assert data["domains"]["mobility"] == {
        "not_applicable": True,
        "reason": "Der Kreis ist Aufgabenträger.",
        "target_level": None,
    }
    assert "id" not in data and "created_at" not in exported.decode()


def test_import_refuses_bad_files_before_storing_anything(app, village):
    _email, assessment_id, _count = village
    with app.app_context():
        data = json.loads(assessment_json(db.session, db.session.get(Assessment, assessment_id)))
        with pytest.raises(AssessmentImportError, match="in progress"):
            import_assessment(db.session, data, user=None)
        for broken, message in [
            ({**data, "format_version": 99}, "format_version"),
            ({**data, "municipality": {"ags": "99999999"}}, "municipality"),
            ({**data, "answers": {"strategy.nonsense": {"status": "dont_know"}}}, "strategy"),
            (
                {**data, "questionnaire": {"id": data["questionnaire"]["id"], "version": "0.0"}},
                "questionnaire",
            ),
            (b"not json", "JSON"),
        ]:
            with pytest.raises(AssessmentImportError, match=message):
                import_assessment(db.session, broken, user=None)
        assert db.session.query(Assessment).count() == 1


def test_xlsx_has_answers_scores_and_action_plan(app, village):
    email, assessment_id, count = village
    auth = Auth(app.test_client())
    auth.login(email)
    response = auth.client.get(f"/assessments/{assessment_id}/report.xlsx?lang=en")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Answers", "Scores", "Action plan"]
    assert workbook["Answers"].max_row == count + 1
    assert workbook["Scores"].max_row == 13
    assert workbook["Action plan"].max_row > 5


def test_csv_has_one_row_per_answer(app, village):
    email, assessment_id, count = village
    auth = Auth(app.test_client())
    auth.login(email)
    response = auth.client.get(f"/assessments/{assessment_id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == count + 1
    assert rows[0][1] == "Fragen-ID" and len({r[1] for r in rows[1:]}) == count


def test_json_download_and_cli_import_print_the_new_id(app, village, tmp_path):
    email, assessment_id, _count = village
    auth = Auth(app.test_client())
    auth.login(email)
    response = auth.client.get(f"/assessments/{assessment_id}/report.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    path = tmp_path / "inventory.json"
    path.write_bytes(response.data)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["import", str(path)])
    assert refused.exit_code != 0 and "in progress" in refused.output
    with app.app_context():
        db.session.get(Assessment, assessment_id).status = AssessmentStatus.VALIDATED
        db.session.commit()
    result = runner.invoke(args=["import", str(path), "--user", email])
    assert result.exit_code == 0, result.output
    new_id = int(result.output.strip())
    exported = runner.invoke(args=["report", str(new_id), "--format", "json"])
    assert exported.stdout_bytes == response.data
