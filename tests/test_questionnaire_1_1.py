"""Smart-City-Inventur 1.1.0: new questions, carry-over from 1.0.0, both versions side by side."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from advisory.content import QUESTIONNAIRE_DIR, current_questionnaire, questionnaire
from advisory.demo import DEMO_ANSWERS, demo_set
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, Municipality, Role, User
from advisory.services.assessments import (
    import_answers,
    load_answers,
    set_domain_applicability,
    start_assessment,
)
from questionnaires import carry_over, load_directory, visible_questions
from recommendations import default_rules_dir, load_rules, score
from recommendations.catalogue import load_catalogue
from recommendations import default_content_dir
from tests.conftest import Auth

OLD, NEW = "1.0.0", "1.1.0"
SETS = sorted(set(DEMO_ANSWERS.values()))


def versions():
    registry = load_directory(QUESTIONNAIRE_DIR)
    return registry.get("smart-city-inventur", OLD), registry.get("smart-city-inventur", NEW)


def facts_of(name: str) -> dict:
    return dict(demo_set(name)["facts"])


def test_new_inventories_start_on_1_1_0_and_old_ones_stay_pinned():
    assert current_questionnaire().version == NEW
    assert questionnaire("smart-city-inventur", OLD).version == OLD


@pytest.mark.parametrize("name", SETS)
def test_every_demo_answer_survives_the_carry_over(name):
    old, new = versions()
    answers = demo_set(name)["answers"]
    carried = carry_over(old, new, answers)
    assert set(carried) == set(answers)
    assert {qid: a.to_json() for qid, a in carried.items()} == answers


@pytest.mark.parametrize("name", SETS)
def test_carried_answers_keep_their_scores_until_new_questions_are_answered(name):
    old, new = versions()
    data = demo_set(name)
    facts = data["facts"]
    reasons = dict(data.get("not_applicable_domains") or {})
    before = score(old, data["answers"], facts, not_applicable_domains=reasons)
    after = score(new, carry_over(old, new, data["answers"]), facts, not_applicable_domains=reasons)
    assert after.score == before.score and after.level == before.level
    for domain in before.domains:
        moved = after.domain(domain.id)
        assert (moved.score, moved.level) == (domain.score, domain.level), domain.id


def test_every_rule_validates_against_both_versions():
    catalogue = load_catalogue(default_content_dir())
    old, new = versions()
    assert len(load_rules(default_rules_dir(), old, catalogue)) == len(
        load_rules(default_rules_dir(), new, catalogue)
    )


def test_questions_only_for_cities_stay_hidden_for_villages():
    _old, new = versions()
    village = visible_questions(new, {}, facts_of("rural"))
    city = visible_questions(new, {}, facts_of("city"))
    added = {q.id for q in new.all_questions()} - {q.id for q in versions()[0].all_questions()}
    assert added & city - village  # some new questions concern only cities
    assert added & village  # and most concern every municipality


@pytest.fixture
def validated_village(app, make_user):
    """The village with a validated 1.0.0 inventory holding the rural demo answers."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    with app.app_context():
        municipality = db.session.scalar(
            select(Municipality).where(Municipality.ags == "07333001")
        )
        user = db.session.get(User, editor.id)
        old = questionnaire("smart-city-inventur", OLD)
        assessment = start_assessment(db.session, municipality, user, old)
        assert import_answers(db.session, assessment, old, demo_set("rural")["answers"], user) == []
        set_domain_applicability(
            db.session, assessment, "mobility", not_applicable=True, reason="Kreis", user=user
        )
        assessment.status = AssessmentStatus.VALIDATED
        db.session.commit()
        return editor, assessment.id


def test_a_new_inventory_after_a_1_0_0_one_starts_on_1_1_0_with_every_answer(
    app, validated_village
):
    editor, old_id = validated_village
    auth = Auth(app.test_client())
    auth.login(editor.email)
    response = auth.post(
        "/municipalities/07333001/assessments", token_from="/municipalities/07333001"
    )
    assert response.status_code == 302
    with app.app_context():
        old = db.session.get(Assessment, old_id)
        new = db.session.scalars(
            select(Assessment).where(Assessment.id != old_id).order_by(Assessment.id.desc())
        ).first()
        assert (old.questionnaire_version, new.questionnaire_version) == (OLD, NEW)
        before = {k: v.to_json() for k, v in load_answers(db.session, old).items()}
        after = {k: v.to_json() for k, v in load_answers(db.session, new).items()}
        new_id = new.id
    assert {k: after[k] for k in before} == before
    for assessment_id in (old_id, new_id):
        for page in ("results", "report", "report.json", ""):
            url = f"/assessments/{assessment_id}/{page}".rstrip("/")
            response = auth.client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    data = json.loads(auth.client.get(f"/assessments/{new_id}/report.json").get_data())
    assert data
