"""Questionnaires from content folders: the pick, its own levels on results and report, no rules."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from advisory import content
from advisory.extensions import db
from advisory.models import Assessment, Municipality, Role, User
from advisory.services.assessments import import_answers
from questionnaires import parse_yaml
from tests.conftest import Auth, make_config

CONTENT = Path(__file__).parent / "content"
AGS = "07333001"


def golden() -> dict:
    return parse_yaml((CONTENT / "digital-kompass-golden.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def kompass_app(make_app, database_url, tmp_path):
    """An app offering the Smart-City-Inventur and the test questionnaire from tests/content."""
    content.reload()
    app = make_app(
        make_config(
            database_url,
            CONTENT_DIRS=[str(CONTENT)],
            CONTENT_UPLOAD_DIR=str(tmp_path / "uploads"),
        )
    )
    yield app
    content.reload()
    from tests.conftest import _clean

    _clean(app)


@pytest.fixture
def without_rules(make_app, database_url, tmp_path):
    """The test questionnaire in a folder of its own, without its rules folder."""
    folder = tmp_path / "content" / "digital-kompass"
    folder.mkdir(parents=True)
    shutil.copy(CONTENT / "digital-kompass" / "1.0.0.yaml", folder)
    content.reload()
    app = make_app(
        make_config(
            database_url,
            CONTENT_DIRS=str(tmp_path / "content"),
            CONTENT_UPLOAD_DIR=str(tmp_path / "uploads"),
        )
    )
    yield app
    content.reload()
    from tests.conftest import _clean

    _clean(app)


def start(app, make_user, questionnaire_id: str | None):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    data = {"questionnaire": questionnaire_id} if questionnaire_id else {}
    response = auth.post(
        f"/municipalities/{AGS}/assessments", data, token_from=f"/municipalities/{AGS}"
    )
    return auth, editor, response


def answer_golden(app, editor) -> int:
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == AGS))
        assessment = db.session.scalars(
            select(Assessment).where(Assessment.municipality_id == municipality.id)
        ).one()
        q = content.questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
        answers = {k: {"status": "answered", "value": v} for k, v in golden()["answers"].items()}
        user = db.session.get(User, editor.id)
        assert import_answers(db.session, assessment, q, answers, user) == []
        return assessment.id


def scores(app, assessment_id: int) -> dict:
    """Return what `advisory score --json` prints for the inventory."""
    result = app.test_cli_runner().invoke(args=["score", str(assessment_id), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_start_form_offers_both_questionnaires_the_default_first(kompass_app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    auth = Auth(kompass_app.test_client())
    auth.login(editor.email)
    page = auth.client.get(f"/municipalities/{AGS}").get_data(as_text=True)
    smart = page.index('value="smart-city-inventur"')
    assert smart < page.index('value="digital-kompass"')
    assert "Digital-Kompass (Testfragebogen)" in page


def test_without_extra_folders_no_choice_is_shown(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    page = auth.client.get(f"/municipalities/{AGS}").get_data(as_text=True)
    assert 'name="questionnaire"' not in page


def test_an_inventory_starts_on_the_questionnaire_picked(kompass_app, make_user):
    auth, _editor, response = start(kompass_app, make_user, "digital-kompass")
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Digital-Kompass (Testfragebogen) 1.0.0" in page


def test_a_questionnaire_that_is_not_offered_is_refused_with_a_message(kompass_app, make_user):
    auth, _editor, response = start(kompass_app, make_user, "no-such-questionnaire")
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nicht angeboten" in page
    with kompass_app.app_context():
        assert db.session.scalars(select(Assessment)).first() is None


def test_results_and_report_show_the_files_levels_and_the_golden_numbers(kompass_app, make_user):
    auth, editor, _response = start(kompass_app, make_user, "digital-kompass")
    assessment_id = answer_golden(kompass_app, editor)
    page = auth.client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    assert "1 – Einstieg" in page and "3 – Fortgeschritten" in page
    assert "Optimierung" not in page  # no level names of the default model
    data = scores(kompass_app, assessment_id)
    expected = golden()["expected"]
    assert (data["overall"]["score"], data["overall"]["level"]) == (
        expected["score"],
        expected["level"],
    )
    assert {d["id"]: [d["score"], d["gated_level"]] for d in data["domains"]} == expected["domains"]
    assert [r["rule"] for r in data["recommendations"]] == ["data_use.first_open_data"]
    report = auth.client.get(f"/assessments/{assessment_id}/report").get_data(as_text=True)
    assert "1 – Einstieg" in report and "Digital-Kompass (Testfragebogen)" in report


def test_targets_take_the_questionnaires_levels(kompass_app, make_user):
    auth, editor, _response = start(kompass_app, make_user, "digital-kompass")
    assessment_id = answer_golden(kompass_app, editor)
    results = f"/assessments/{assessment_id}/results"
    auth.post(
        f"/assessments/{assessment_id}/targets",
        {"target-people": "4", "target-data_use": "5"},
        token_from=results,
    )
    targets = {d["id"]: d["target"] for d in scores(kompass_app, assessment_id)["domains"]}
    assert targets == {"administration": None, "data_use": None, "people": 4}


def test_a_questionnaire_without_rules_gates_or_profile_has_results_and_a_report(
    without_rules, make_user
):
    auth, editor, _response = start(without_rules, make_user, "digital-kompass")
    assessment_id = answer_golden(without_rules, editor)
    for page in ("", "/results", "/report", "/report.json", "/report.csv", "/report.xlsx"):
        url = f"/assessments/{assessment_id}{page}"
        assert auth.client.get(url).status_code == 200, url
    data = scores(without_rules, assessment_id)
    assert data["recommendations"] == []
    assert data["overall"]["score"] == golden()["expected"]["score"]


def test_check_content_validates_the_given_folders(kompass_app):
    runner = kompass_app.test_cli_runner()
    result = runner.invoke(args=["check-content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert "questionnaire digital-kompass 1.0.0" in result.output
    assert "smart-city-inventur" not in result.output
    assert "rules: 1 valid for digital-kompass 1.0.0" in result.output


def test_check_content_names_file_and_key_of_a_broken_folder(kompass_app, tmp_path):
    folder = tmp_path / "broken" / "digital-kompass"
    folder.mkdir(parents=True)
    text = (CONTENT / "digital-kompass" / "1.0.0.yaml").read_text(encoding="utf-8")
    (folder / "1.0.0.yaml").write_text(text.replace("overall: min_level", "overall: median"))
    result = kompass_app.test_cli_runner().invoke(args=["check-content", str(tmp_path / "broken")])
    assert result.exit_code != 0
    assert "1.0.0.yaml: scoring.overall" in result.output


def test_no_page_answers_500_for_an_inventory_on_the_second_questionnaire(kompass_app, make_user):
    auth, editor, _response = start(kompass_app, make_user, "digital-kompass")
    assessment_id = answer_golden(kompass_app, editor)
    base = f"/assessments/{assessment_id}"
    pages = [
        base,
        f"{base}/sections/data_use",
        f"{base}/answers/data_use.inventory/history",
        f"{base}/plan",
        f"{base}/report.pdf",
        f"{base}/report.xlsx",
        f"{base}/report.csv",
        "/training/plan",
        "/team",
        "/team/staff",
    ]
    for url in pages:
        assert auth.client.get(url).status_code in (200, 302), url
    workbook = load_workbook(io.BytesIO(auth.client.get(f"{base}/report.xlsx").data))
    levels = [row[4] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert levels == ["3 – Fortgeschritten", "1 – Einstieg", "2 – Aufbau"]
    advisor = make_user(Role.ADVISOR, scopes="07333")
    auth = Auth(kompass_app.test_client())
    auth.login(advisor.email)
    pages = [
        f"{base}/review",
        f"{base}/review/sections/data_use",
        f"{base}/review/guide.pdf",
        "/portfolio/",
        "/portfolio/heatmap",
        f"/portfolio/compare?ags={AGS}",
        "/portfolio/export.csv",
        "/portfolio/export.xlsx",
        "/",
    ]
    for url in pages:
        assert auth.client.get(url).status_code in (200, 302), url
