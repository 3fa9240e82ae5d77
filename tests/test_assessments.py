"""Answering an inventory: autosave, whole-page save, conflicts, history, skip logic."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from advisory.extensions import db
from advisory.models import Answer, AnswerChange, Assessment, Role
from tests.conftest import Auth

VILLAGE = "07333001"  # Albisheim (Pfrimm), 1,779 inhabitants, in an association


@pytest.fixture
def editor(app, make_user):
    return make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)


@pytest.fixture
def inventory(app, editor, make_assessment) -> int:
    return make_assessment(VILLAGE, editor)


def signed_in(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user.email)
    return auth


def autosave(auth: Auth, assessment: int, question: str, values, revision: int = 0, **extra):
    token = auth.csrf_token(f"/assessments/{assessment}/sections/strategy")
    data = {
        "csrf_token": token,
        f"present-{question}": "1",
        f"rev-{question}": str(revision),
        f"q-{question}": values,
        **extra,
    }
    return auth.client.post(
        f"/assessments/{assessment}/answers/{question}",
        data=data,
        headers={"Accept": "application/json"},
    )


def stored(app, assessment: int, question: str):
    with app.app_context():
        row = db.session.scalar(
            select(Answer).where(Answer.assessment_id == assessment, Answer.question_id == question)
        )
        return None if row is None else (row.status, row.value, row.revision)


def test_an_editor_starts_an_inventory_from_the_municipality_page(app, editor):
    auth = signed_in(app, editor)
    response = auth.post(
        f"/municipalities/{VILLAGE}/assessments", token_from=f"/municipalities/{VILLAGE}"
    )
    assert response.status_code == 302
    overview = auth.client.get(response.location).get_data(as_text=True)
    assert "Fortschritt je Handlungsfeld" in overview and "Strategie &amp; Steuerung" in overview
    again = auth.post(
        f"/municipalities/{VILLAGE}/assessments", token_from=f"/municipalities/{VILLAGE}"
    )
    assert again.location == response.location


def test_profile_is_prefilled_from_the_directory(app, inventory):
    assert stored(app, inventory, "profile.association") == ("answered", True, 1)


def test_autosave_stores_the_answer_and_records_the_change(app, editor, inventory):
    auth = signed_in(app, editor)
    response = autosave(auth, inventory, "strategy.digital_goals", "in_existing")
    assert response.status_code == 200 and response.json["status"] == "saved"
    assert response.json["revision"] == 1
    response = autosave(auth, inventory, "strategy.digital_goals", "own_strategy", revision=1)
    assert response.json["revision"] == 2
    assert stored(app, inventory, "strategy.digital_goals") == ("answered", "own_strategy", 2)
    history = auth.client.get(
        f"/assessments/{inventory}/answers/strategy.digital_goals/history"
    ).get_data(as_text=True)
    assert "Als Teil bestehender Ratskonzepte" in history and "In einer eigenen" in history


def test_saving_a_stale_revision_is_a_conflict_that_shows_both_values(
    app, editor, make_user, inventory
):
    colleague = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    first, second = signed_in(app, editor), signed_in(app, colleague)
    assert autosave(first, inventory, "strategy.budget", "budget_line").status_code == 200
    response = autosave(second, inventory, "strategy.budget", "none", revision=0)
    assert response.status_code == 409
    assert response.json["revision"] == 1 and response.json["by"] == editor.name
    assert response.json["answer"] == {"status": "answered", "value": "budget_line"}
    assert stored(app, inventory, "strategy.budget")[1] == "budget_line"
    # Choosing "save my answer" sends the revision the conflict reported.
    assert autosave(second, inventory, "strategy.budget", "none", revision=1).status_code == 200
    assert stored(app, inventory, "strategy.budget")[1:] == ("none", 2)


def test_invalid_input_is_refused_with_a_message_in_the_users_language(app, editor, inventory):
    auth = signed_in(app, editor)
    response = autosave(auth, inventory, "profile.it_staff", "viele")
    assert response.status_code == 422 and response.json["message"] == "Bitte eine Zahl eingeben."
    response = auth.client.post(
        f"/assessments/{inventory}/answers/profile.it_staff",
        data={
            "csrf_token": auth.csrf_token("/"),
            "present-profile.it_staff": "1",
            "rev-profile.it_staff": "0",
            "q-profile.it_staff": "-3",
        },
        headers={"Accept": "application/json", "Accept-Language": "en"},
    )
    assert response.json["message"].startswith("Please enter a number between 0")
    assert stored(app, inventory, "profile.it_staff") is None


def test_german_decimal_comma_and_dont_know_are_understood(app, editor, inventory):
    auth = signed_in(app, editor)
    assert autosave(auth, inventory, "mobility.charging_points", "1,5").status_code == 200
    assert stored(app, inventory, "mobility.charging_points")[1] == 1.5
    response = autosave(
        auth, inventory, "skills.training_share", "", **{"s-skills.training_share": "dont_know"}
    )
    assert response.status_code == 200
    assert stored(app, inventory, "skills.training_share")[0] == "dont_know"


def test_answering_reveals_follow_up_questions(app, editor, inventory):
    auth = signed_in(app, editor)
    response = autosave(auth, inventory, "profile.strategy_documents", ["isek", "climate_plan"])
    assert "strategy.strategy_link" in response.json["visible"]
    assert "mobility.plan_link" not in response.json["visible"]
    link = 'id="q-strategy-strategy_link"'

    def shown_on_page() -> bool:
        page = auth.client.get(f"/assessments/{inventory}/sections/strategy").get_data(as_text=True)
        return "hidden" not in page.split(link)[1].split(">")[0]

    assert shown_on_page() and shown_on_page()  # the second time from the kept visibility
    response = autosave(auth, inventory, "profile.strategy_documents", ["none"], revision=1)
    assert "strategy.strategy_link" not in response.json["visible"]
    assert not shown_on_page()


def test_whole_page_save_without_javascript_keeps_input_next_to_errors(app, editor, inventory):
    auth = signed_in(app, editor)
    page = f"/assessments/{inventory}/sections/profile"
    response = auth.post(
        page,
        {
            "present-profile.staff_total": "1",
            "rev-profile.staff_total": "0",
            "q-profile.staff_total": "14",
            "present-profile.it_staff": "1",
            "rev-profile.it_staff": "0",
            "q-profile.it_staff": "zwei",
            "present-profile.goals": "1",
            "rev-profile.goals": "0",
            "q-profile.goals.climate": "1",
            "q-profile.goals.demography": "2",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nicht alles konnte gespeichert werden" in html and 'value="zwei"' in html
    assert stored(app, inventory, "profile.staff_total")[1] == 14
    assert stored(app, inventory, "profile.goals")[1] == ["climate", "demography"]
    assert stored(app, inventory, "profile.it_staff") is None


def test_a_domain_can_be_marked_not_applicable_only_with_a_reason(app, editor, inventory):
    auth = signed_in(app, editor)
    url = f"/assessments/{inventory}/sections/mobility/applicability"
    refused = auth.post(url, {"not_applicable": "1", "reason": ""}, token_from="/")
    assert refused.status_code == 422
    assert 'id="na-reason-error"' in refused.get_data(as_text=True)
    assert "Handlungsfeld ist als nicht zutreffend" not in auth.client.get(
        f"/assessments/{inventory}/sections/mobility"
    ).get_data(as_text=True)
    auth.post(url, {"not_applicable": "1", "reason": "Der Kreis ist zuständig."}, token_from="/")
    page = auth.client.get(f"/assessments/{inventory}/sections/mobility").get_data(as_text=True)
    assert "Dieses Handlungsfeld ist als nicht zutreffend markiert" in page
    assert "Der Kreis ist zuständig." in auth.client.get(f"/assessments/{inventory}").get_data(
        as_text=True
    )


def test_viewers_and_trainers_read_but_cannot_save(app, make_user, inventory):
    for role, kwargs in (
        (Role.MUNICIPAL_VIEWER, {"ags": VILLAGE}),
        (Role.TRAINER, {"scopes": "07"}),
    ):
        auth = signed_in(app, make_user(role, **kwargs))
        page = auth.client.get(f"/assessments/{inventory}/sections/strategy")
        assert page.status_code == 200 and "nicht ändern" in page.get_data(as_text=True)
        assert autosave(auth, inventory, "strategy.budget", "none").status_code == 403


def test_an_advisor_of_the_portfolio_may_correct_answers(app, make_user, inventory):
    auth = signed_in(app, make_user(Role.ADVISOR, scopes="07333"))
    assert autosave(auth, inventory, "strategy.budget", "none").status_code == 200


def test_concurrent_saves_of_one_answer_never_lose_a_confirmed_save(app, editor, inventory):
    """Threads race to save the same revision; exactly one wins, the others get a conflict."""
    results = []

    def save(value):
        auth = signed_in(app, editor)
        results.append(autosave(auth, inventory, "strategy.prioritisation", value).status_code)

    threads = [
        threading.Thread(target=save, args=(v,))
        for v in ("none", "by_request", "criteria", "portfolio")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(200) == 1 and results.count(409) == 3
    with app.app_context():
        changes = db.session.scalars(
            select(AnswerChange).where(AnswerChange.question_id == "strategy.prioritisation")
        ).all()
        assert len(changes) == 1
        assert stored(app, inventory, "strategy.prioritisation")[1] == changes[0].new_value


def test_the_overview_lists_open_questions_and_resumes_where_work_stopped(app, editor, inventory):
    auth = signed_in(app, editor)
    autosave(auth, inventory, "strategy.budget", "none")
    page = auth.client.get(f"/assessments/{inventory}").get_data(as_text=True)
    assert "Weitermachen, wo Sie aufgehört haben: Strategie &amp; Steuerung" in page
    assert "Fragen noch offen" in page
    with app.app_context():
        assert db.session.get(Assessment, inventory).revision == 1
