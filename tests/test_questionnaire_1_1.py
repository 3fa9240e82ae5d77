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
from recommendations import (
    default_content_dir,
    default_rules_dir,
    load_catalogue,
    load_rules,
    score,
)
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


NEW_QUESTIONS = {
    "strategy": ["strategy.ai_use", "strategy.ai_policy"],
    "services": ["services.efa_services", "services.einvoice_duties", "services.eprocurement"],
    "infrastructure": ["infrastructure.population_warning"],
    "security": ["security.state_cert", "security.nis2_enterprises"],
    "participation": ["participation.digital_council"],
}


def added_questions():
    old, new = versions()
    known = {q.id for q in old.all_questions()}
    return [q for q in new.all_questions() if q.id not in known]


def test_1_1_0_keeps_every_question_of_1_0_0_and_adds_the_new_topics():
    old, new = versions()
    for question in old.all_questions():
        kept = new.find_question(question.id)
        assert kept is not None and kept.type == question.type, question.id
        assert kept.option_ids == question.option_ids and kept.weight == question.weight
    added = {}
    for domain in new.domains:
        ids = [q.id for q in domain.questions if old.find_question(q.id) is None]
        if ids:
            added[domain.id] = ids
    assert added == NEW_QUESTIONS
    assert [g.unless.text for d in new.domains for g in d.gates] == [
        g.unless.text for d in old.domains for g in d.gates
    ]


def test_new_questions_explain_every_option_and_what_an_advisor_checks():
    for question in added_questions():
        assert question.evidence_hint is not None and question.help.de and question.help.en
        for option in question.options:
            assert option.advice is not None and option.advice.de and option.advice.en, (
                question.id,
                option.id,
            )


def test_new_scored_questions_move_the_score_of_their_domain():
    old, new = versions()
    data = demo_set("town")
    base = carry_over(old, new, data["answers"])
    before = score(new, base, data["facts"])
    for question in added_questions():
        if not question.is_scored:
            continue
        domain = next(d.id for d in new.domains if question in d.questions)
        scored = sorted((o for o in question.options if o.score is not None), key=lambda o: o.score)
        if question.type == "multiple":  # every option ticked, or "none of these"
            best = [o.id for o in question.options if not o.exclusive]
            worst = [o.id for o in question.options if o.exclusive]
        else:
            best, worst = scored[-1].id, scored[0].id
        results = []
        for value in (best, worst):
            answers = {**base, question.id: {"status": "answered", "value": value}}
            results.append(score(new, answers, data["facts"]).domain(domain).score)
        high, low = results
        assert low < before.domain(domain).score <= high, question.id


def test_the_ozg_help_names_the_deutschland_id_and_jargon_is_explained():
    _old, new = versions()
    account = new.find_question("services.user_account")
    assert "DeutschlandID" in account.help.de and "24. Juli 2024" in account.help.de
    assert "DeutschlandID" in account.option("bundid").label.de
    explained = {
        "services.backoffice": "XÖV sind",
        "services.provider_requirements": "BSI C5 ist",
        "participation.open_interfaces": "Über OParl",
        "data.platform_interfaces": "NGSI-LD sind",
        "data.open_data_standards": "DCAT-AP.de ist",
    }
    for question_id, words in explained.items():
        assert words in new.find_question(question_id).help.de, question_id


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


def test_seed_demo_keeps_the_demo_inventories_on_1_0_0(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        pinned = {a.questionnaire_version for a in db.session.scalars(select(Assessment))}
    assert pinned == {OLD}


@pytest.fixture
def validated_village(app, make_user):
    """The village with a validated 1.0.0 inventory holding the rural demo answers."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == "07333001"))
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


@pytest.fixture
def renamed_version(tmp_path, monkeypatch):
    """Content with 1.0.0 and a 1.2.0 that renames `services.einvoice`, a question a rule uses."""
    import advisory.content
    from advisory.services import results

    folder = tmp_path / "smart-city-inventur"
    folder.mkdir()
    text = (QUESTIONNAIRE_DIR / "smart-city-inventur" / f"{OLD}.yaml").read_text(encoding="utf-8")
    (folder / f"{OLD}.yaml").write_text(text, encoding="utf-8")
    renamed = text.replace("version: 1.0.0", "version: 1.2.0", 1).replace(
        "      - id: services.einvoice\n",
        "      - id: services.einvoice_receipt\n        replaces: [services.einvoice]\n",
        1,
    )
    (folder / "1.2.0.yaml").write_text(renamed, encoding="utf-8")
    monkeypatch.setattr(advisory.content, "QUESTIONNAIRE_DIR", tmp_path)
    for cached in (advisory.content._content, results._rules_in):
        cached.cache_clear()
    yield
    for cached in (advisory.content._content, results._rules_in):
        cached.cache_clear()


def test_a_version_whose_questions_no_longer_fit_a_rule_still_shows_results(
    app, make_user, renamed_version, caplog
):
    """Issue 12: a new version that renames a question used by a rule answered 500."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == "07333001"))
        user = db.session.get(User, editor.id)
        new = current_questionnaire()
        assert new.version == "1.2.0"
        assessment = start_assessment(db.session, municipality, user, new)
        old = questionnaire("smart-city-inventur", OLD)
        answers = carry_over(old, new, demo_set("rural")["answers"])
        assert "services.einvoice_receipt" in answers  # carried over through `replaces`
        stored = {qid: answer.to_json() for qid, answer in answers.items()}
        assert import_answers(db.session, assessment, new, stored, user) == []
        assessment_id = assessment.id
    auth = Auth(app.test_client())
    auth.login(editor.email)
    response = auth.client.get(f"/assessments/{assessment_id}/results")
    assert response.status_code == 200
    assert "Sofort angehen" in response.get_data(as_text=True)  # the other rules still fire
    assert "services.einvoice" in caplog.text and "check-content" in caplog.text
