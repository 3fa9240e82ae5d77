"""Results: scores, levels, gates, targets and explained recommendations, as a page and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.demo import DEMO_ANSWERS, demo_set
from advisory.extensions import db
from advisory.models import Assessment, Municipality, Role, User
from advisory.services.assessments import import_answers, set_domain_applicability
from advisory.services.catalogue import current_catalogue
from tests.conftest import Auth

VILLAGE = "07333001"


@pytest.fixture
def answered(app, make_user, make_assessment):
    """An editor and the village's inventory filled with the rural demo answers."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment_id = make_assessment(VILLAGE, editor)
    answers = demo_set("rural")["answers"]
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, editor.id)
        assert import_answers(db.session, assessment, current_questionnaire(), answers, user) == []
        set_domain_applicability(
            db.session,
            assessment,
            "mobility",
            not_applicable=True,
            reason="Der Kreis ist Aufgabenträger.",
            user=user,
        )
    return editor, assessment_id


def test_results_page_explains_levels_gates_and_recommendations(app, answered):
    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    page = auth.client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    assert "Reifegrad insgesamt" in page and "Sofort angehen (0–6 Monate)" in page
    assert "Der Kreis ist Aufgabenträger." in page and "nicht berücksichtigt" in page
    assert "Stufe begrenzt durch" in page
    assert "Sie haben bei „" in page and "Ihr Ziel:" in page
    assert 'id="radar-data"' in page and "/vendor/plotly.min.js" in page


def test_target_levels_set_the_gap(app, answered):
    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/results"
    response = auth.post(
        f"/assessments/{assessment_id}/targets", {"target-security": "4"}, token_from=url
    )
    assert response.status_code == 302
    runner = app.test_cli_runner()
    data = json.loads(runner.invoke(args=["score", str(assessment_id), "--json"]).output)
    security = next(d for d in data["domains"] if d["id"] == "security")
    assert security["target"] == 4 and security["gap"] == 4 - security["gated_level"]


def test_score_command_prints_scores_and_recommendations_as_json(app, answered):
    _editor, assessment_id = answered
    result = app.test_cli_runner().invoke(args=["score", str(assessment_id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["overall"]) >= {"score", "level"}
    domain = data["domains"][0]
    assert set(domain) >= {"id", "score", "level", "gated_level", "coverage"}
    mobility = next(d for d in data["domains"] if d["id"] == "mobility")
    assert mobility["applicable"] is False and mobility["score"] is None
    recommendation = data["recommendations"][0]
    assert set(recommendation) >= {"rule", "kind", "target", "horizon", "because"}
    with app.app_context():
        catalogue = current_catalogue(db.session)
        listed = {s.id for s in catalogue.listed_solutions(dt.date.today())}
    assert all(r["target"] in listed for r in data["recommendations"] if r["kind"] == "solution")


def test_score_command_names_a_missing_assessment(app):
    result = app.test_cli_runner().invoke(args=["score", "999999", "--json"])
    assert result.exit_code != 0 and "There is no assessment 999999" in result.output


def test_seed_demo_gives_each_demo_municipality_an_answered_inventory(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        demo = select(Assessment).join(Municipality).where(Municipality.ags.in_(DEMO_ANSWERS))
        assert len(db.session.scalars(demo).all()) == 3
