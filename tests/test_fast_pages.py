"""The caches behind the fast pages (issue 14) never serve stale content.

Results are cached by the inventory's revision (and facts, catalogue version, day); web charts by
their chart data and language; template translations per request language. Each test changes
what a cache depends on and checks that the page or service shows the change.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.demo import DEMO_DIR, demo_set
from advisory.extensions import db
from advisory.models import Answer, Assessment, Role, SolutionEdit, User
from advisory.services.assessments import import_answers, save_answer, set_domain_applicability
from advisory.services.results import compute_results, set_targets
from advisory.services.review import save_review
from questionnaires import Answer as EngineAnswer
from tests.conftest import Auth

TOWN = "08115021"


@pytest.fixture
def answered(app, make_user, make_assessment):
    """An editor and the town's inventory filled with the town's demo answers."""
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=TOWN)
    assessment_id = make_assessment(TOWN, editor)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, editor.id)
        import_answers(
            db.session, assessment, current_questionnaire(), demo_set("town")["answers"], user
        )
    return editor, assessment_id


def _radar(page: str) -> dict:
    match = re.search(r'<script[^>]*id="radar-data"[^>]*>(.*?)</script>', page, re.S)
    assert match, "no radar data on the page"
    return json.loads(match.group(1))


def _revision(app, assessment_id: int, question_id: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Answer.revision).where(
                Answer.assessment_id == assessment_id, Answer.question_id == question_id
            )
        )


def test_results_page_shows_a_saved_answer_at_once(app, answered):
    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/results"
    first = auth.client.get(url).get_data(as_text=True)
    again = auth.client.get(url).get_data(as_text=True)
    assert _radar(again) == _radar(first)  # served again, unchanged
    strategy = current_questionnaire().domains[0]
    assert strategy.id == "strategy"
    changed = 0
    for question in strategy.questions:
        if question.type != "single":
            continue
        lowest = question.options[0].id
        response = auth.client.post(
            f"/assessments/{assessment_id}/answers/{question.id}",
            data={
                "csrf_token": auth.csrf_token(f"/assessments/{assessment_id}/sections/strategy"),
                f"present-{question.id}": "1",
                f"rev-{question.id}": str(_revision(app, assessment_id, question.id) or 0),
                f"q-{question.id}": lowest,
            },
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        changed += response.json["status"] == "saved"
    assert changed
    after = auth.client.get(url).get_data(as_text=True)
    before_level, after_level = _radar(first)["data"][0]["r"][0], _radar(after)["data"][0]["r"][0]
    assert after_level < before_level, (before_level, after_level)
    report = auth.client.get(f"/assessments/{assessment_id}/report").get_data(as_text=True)
    assert _radar(report)["data"][0]["r"][0] == after_level


def test_results_are_recomputed_after_every_kind_of_change(app, answered, make_user):
    editor, assessment_id = answered
    advisor = make_user(Role.ADVISOR, scopes="08")
    questionnaire = current_questionnaire()
    budget = questionnaire.find_question("strategy.budget")
    with app.test_request_context():
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, editor.id)
        first = compute_results(db.session, assessment)
        assert compute_results(db.session, assessment) is first  # cached while nothing changes

        revision = _revision(app, assessment_id, budget.id)
        new_value = "none" if first.answers[budget.id].value != "none" else "multi_year"
        save_answer(
            db.session, assessment, budget, EngineAnswer.answered(new_value), revision, user
        )
        after_answer = compute_results(db.session, assessment)
        assert after_answer is not first
        assert after_answer.answers[budget.id].value == new_value

        set_targets(db.session, assessment, {"strategy": 5}, user)
        after_target = compute_results(db.session, assessment)
        assert after_target.scores.domain("strategy").target == 5

        set_domain_applicability(
            db.session, assessment, "mobility", not_applicable=True, reason="Kreis", user=user
        )
        after_na = compute_results(db.session, assessment)
        assert not after_na.scores.domain("mobility").applicable

        reviewer = db.session.get(User, advisor.id)
        corrected = "multi_year" if new_value == "none" else "none"
        save_review(
            db.session,
            assessment,
            budget,
            EngineAnswer.answered(corrected),
            confirm=False,
            note="",
            follow_up=False,
            expected_revision=0,
            user=reviewer,
        )
        after_review = compute_results(db.session, assessment)
        assert after_review.answers[budget.id].value == corrected
        assert after_review.self_answers[budget.id].value == new_value

        # A curator's edit changes the catalogue the recommendations come from.
        solution = after_review.catalogue.solutions[0]
        values = {
            "summary": {"de": "Neu beschrieben", "en": "Described anew"},
            "description": {"de": solution.description.de, "en": solution.description.en},
            "cost_band": solution.cost_band,
            "cost_note": {"de": solution.cost_note.de, "en": solution.cost_note.en},
            "hosting": list(solution.hosting),
            "open_standards": list(solution.open_standards),
            "min_population": solution.size_fit.min_population,
            "max_population": solution.size_fit.max_population,
            "website": solution.website,
        }
        db.session.add(SolutionEdit(solution_id=solution.id, values=values))
        db.session.commit()
        after_edit = compute_results(db.session, assessment)
        assert after_edit is not after_review
        renamed = next(s for s in after_edit.catalogue.solutions if s.id == solution.id)
        assert renamed.summary.de == "Neu beschrieben"

        tomorrow = dt.date.today() + dt.timedelta(days=1)
        assert compute_results(db.session, assessment, tomorrow).computed_on == tomorrow


def test_charts_follow_the_language(app, answered):
    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    german = auth.client.get(f"/assessments/{assessment_id}/report?lang=de").get_data(as_text=True)
    english = auth.client.get(f"/assessments/{assessment_id}/report?lang=en").get_data(as_text=True)
    assert _radar(german)["data"][0]["name"] == "Aktueller Reifegrad"
    assert _radar(english)["data"][0]["name"] == "Current maturity level"
    assert "Smart-city maturity report" in english


def test_template_translations_follow_a_forced_language(app):
    template = app.jinja_env.from_string('{{ _("Your answers have been saved.") }}')
    with app.test_request_context(headers={"Accept-Language": "de"}):
        german = template.render()
        with force_locale("en"):
            english = template.render()
            assert _("Your answers have been saved.") == english
        assert template.render() == german
    assert german != english and english == "Your answers have been saved."


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _kept_and_fresh(app, auth: Auth, path: str) -> tuple[str, str]:
    """Return the page served from what the worker keeps, and the page drawn with keeping off."""
    app.config["FRAGMENT_CACHE"] = 2000
    auth.client.get(path)  # fills what is kept
    kept = auth.client.get(path).get_data(as_text=True)
    app.config["FRAGMENT_CACHE"] = 0
    fresh = auth.client.get(path).get_data(as_text=True)
    app.config["FRAGMENT_CACHE"] = 2000
    return _without_tokens(kept), _without_tokens(fresh)


def test_domain_page_from_kept_questions_equals_one_drawn_afresh(app, answered, make_user):
    """Kept question fragments follow a save, the language, the reader's rights and a form error."""
    editor, assessment_id = answered
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags=TOWN)
    url = f"/assessments/{assessment_id}/sections/strategy"
    editing, reading = Auth(app.test_client()), Auth(app.test_client())
    editing.login(editor.email)
    reading.login(viewer.email)

    def both(auth: Auth) -> tuple[str, str]:
        return _kept_and_fresh(app, auth, url)

    kept, fresh = both(editing)
    assert kept == fresh
    assert "disabled" not in kept.split('id="q-strategy-budget"')[1].split("</fieldset>")[0]
    kept_for_reader, fresh_for_reader = both(reading)
    assert kept_for_reader == fresh_for_reader
    assert "disabled" in kept_for_reader.split('id="q-strategy-budget"')[1].split("</fieldset>")[0]

    question = current_questionnaire().find_question("strategy.budget")
    stored = _revision(app, assessment_id, "strategy.budget")
    chosen = next(o.id for o in question.options if f'value="{o.id}" checked' not in kept)
    response = editing.post(
        f"/assessments/{assessment_id}/answers/strategy.budget",
        {
            "present-strategy.budget": "1",
            "rev-strategy.budget": str(stored),
            "q-strategy.budget": chosen,
        },
        token_from=url,
        headers={"Accept": "application/json"},
    )
    assert response.json["status"] == "saved"
    after, fresh_after = both(editing)
    assert after == fresh_after
    assert (
        f'id="q-strategy-budget-{chosen}" name="q-strategy.budget" value="{chosen}" checked'
        in after
    )

    editing.post("/language", {"language": "en"}, token_from=url)
    english, fresh_english = both(editing)
    assert english == fresh_english
    assert "Don't know" in english and "Don't know" not in after

    # A stale revision sent with the whole page: the conflict is drawn, never a kept fragment.
    response = editing.post(
        url,
        {
            "present-strategy.budget": "1",
            "rev-strategy.budget": str(stored),
            "q-strategy.budget": next(o.id for o in question.options if o.id != chosen),
        },
    )
    page = response.get_data(as_text=True)
    assert "Jemand anderes hat diese Antwort" in page or "Someone else changed" in page


def test_web_report_from_a_kept_body_follows_every_change(app, answered, make_user):
    """The kept report body is reused only for an equal report: a saved answer or a language
    changes it, and it always equals a report drawn afresh."""
    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/report"

    def kept_and_fresh(path: str = url) -> tuple[str, str]:
        return _kept_and_fresh(app, auth, path)

    before, fresh = kept_and_fresh()
    assert before == fresh
    english, fresh_english = kept_and_fresh(url + "?lang=en")
    assert english == fresh_english and english != before
    question = current_questionnaire().find_question("strategy.budget")
    stored = _revision(app, assessment_id, "strategy.budget")
    response = auth.post(
        f"/assessments/{assessment_id}/answers/strategy.budget",
        {
            "present-strategy.budget": "1",
            "rev-strategy.budget": str(stored),
            "q-strategy.budget": question.options[0].id,
        },
        token_from=f"/assessments/{assessment_id}/sections/strategy",
        headers={"Accept": "application/json"},
    )
    assert response.json["status"] == "saved"
    after, fresh_after = kept_and_fresh()
    assert after == fresh_after
    assert after != before

    # The action plan is not part of the results: an owner given there shows at once too.
    from advisory.services.plan import save_plan_item

    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        first = compute_results(db.session, assessment).evaluation.selection.first[0]
        save_plan_item(
            db.session,
            assessment,
            first.key,
            {"status": "in_progress", "owner": "Frau Kämmerer-Beispiel"},
            db.session.get(User, editor.id),
            {first.key: "step"},
        )
    planned, fresh_planned = kept_and_fresh()
    assert planned == fresh_planned
    assert "Frau Kämmerer-Beispiel" in planned and "Frau Kämmerer-Beispiel" not in after


def test_results_page_from_a_kept_recommendation_section_follows_the_plan(app, answered):
    """A step's status set in the action plan shows at once on the results page."""
    from advisory.services.plan import save_plan_item

    editor, assessment_id = answered
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/results"

    def kept_and_fresh() -> tuple[str, str]:
        return _kept_and_fresh(app, auth, url)

    before, fresh = kept_and_fresh()
    assert before == fresh
    assert "status-done" not in before
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        first = compute_results(db.session, assessment).evaluation.selection.first[0]
        save_plan_item(
            db.session,
            assessment,
            first.key,
            {"status": "done"},
            db.session.get(User, editor.id),
            {first.key: "step"},
        )
    after, fresh_after = kept_and_fresh()
    assert after == fresh_after
    assert "status-done" in after


def test_kept_visible_questions_equal_the_ones_worked_out_afresh(app):
    """`visible_for` keeps visibility by the answers conditions use: every change of such an
    answer, of another answer or of the facts gives what `visible_questions` gives."""
    from advisory.services.assessments import visible_for
    from questionnaires import visible_questions

    questionnaire = current_questionnaire()
    facts = {"population": 40_000, "state": "08", "in_association": False}
    with app.app_context():
        for name in sorted(p.stem for p in DEMO_DIR.glob("*.yaml")):
            answers = {
                qid: EngineAnswer.from_json(raw) for qid, raw in demo_set(name)["answers"].items()
            }
            variants = [answers, {**answers, "strategy.budget": EngineAnswer.dont_know()}]
            for source in sorted(questionnaire.condition_names):
                variants.append({k: v for k, v in answers.items() if k != source})
            for variant in variants:
                for variant_facts in (facts, {**facts, "population": 800}):
                    fresh = visible_questions(questionnaire, variant, variant_facts)
                    assert visible_for(questionnaire, variant, variant_facts) == fresh
                    assert visible_for(questionnaire, variant, variant_facts) == fresh  # kept
