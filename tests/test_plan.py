"""Action plan: status, owner, due date and notes per step, carried over to the next inventory."""

# ruff: noqa: F811  (the `answered` fixture is imported from test_results)

from __future__ import annotations

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, PlanItem, Role
from advisory.services.results import compute_results
from tests.conftest import Auth
from tests.test_results import VILLAGE, answered  # noqa: F401  (fixture)


def _first_key(app, assessment_id: int) -> str:
    with app.app_context():
        results = compute_results(db.session, db.session.get(Assessment, assessment_id))
        return results.evaluation.selection.first[0].key


def test_an_editor_plans_a_step_and_sees_it_on_plan_and_results(app, answered):
    editor, assessment_id = answered
    key = _first_key(app, assessment_id)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    form = {
        "key": key,
        "status": "planned",
        "owner": "Frau Beispiel",
        "due": "2027-03-31",
        "notes": "Im Hauptausschuss",
    }
    response = auth.post(
        f"/assessments/{assessment_id}/plan", form, token_from=f"/assessments/{assessment_id}/plan"
    )
    assert response.status_code == 303
    page = auth.client.get(f"/assessments/{assessment_id}/plan").get_data(as_text=True)
    assert "Frau Beispiel" in page and "2027-03-31" in page and "Im Hauptausschuss" in page
    results = auth.client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    assert "Geplant" in results and "Maßnahmenplan" in results
    with app.app_context():
        item = db.session.scalars(select(PlanItem)).one()
        assert (item.key, item.status, item.owner) == (key, "planned", "Frau Beispiel")


def test_not_relevant_needs_a_reason_and_bad_input_is_refused_with_a_message(
    app,
    answered,
):
    editor, assessment_id = answered
    key = _first_key(app, assessment_id)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/plan"
    for form, message in (
        ({"key": key, "status": "not_relevant"}, "nicht relevant"),
        ({"key": key, "status": "done", "due": "morgen"}, "Datum"),
        ({"key": key, "status": "finished"}, "Status"),
        ({"key": "step:unknown", "status": "done"}, "Empfehlungen"),
    ):
        response = auth.post(url, form, token_from=url)
        assert response.status_code == 303
        page = auth.client.get(url).get_data(as_text=True)
        assert message in page, form
    with app.app_context():
        assert db.session.scalars(select(PlanItem)).all() == []
    ok = auth.post(
        url, {"key": key, "status": "not_relevant", "reason": "Macht der Kreis"}, token_from=url
    )
    assert ok.status_code == 303


def test_viewers_see_the_plan_but_cannot_change_it(app, answered, make_user):
    _editor, assessment_id = answered
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags=VILLAGE)
    auth = Auth(app.test_client())
    auth.login(viewer.email)
    url = f"/assessments/{assessment_id}/plan"
    page = auth.client.get(url).get_data(as_text=True)
    assert "Maßnahmenplan" in page and "<select" not in page
    assert auth.post(url, {"key": "x", "status": "done"}, token_from=url).status_code == 403


def test_the_next_inventory_carries_the_plan_over_and_shows_what_was_done(
    app,
    answered,
    make_assessment,
):
    editor, assessment_id = answered
    key = _first_key(app, assessment_id)
    auth = Auth(app.test_client())
    auth.login(editor.email)
    url = f"/assessments/{assessment_id}/plan"
    auth.post(url, {"key": key, "status": "done", "owner": "Bauamt"}, token_from=url)
    with app.app_context():
        first = db.session.get(Assessment, assessment_id)
        first.status = AssessmentStatus.VALIDATED
        db.session.commit()
    # A new, empty inventory no longer recommends the step: it is listed as done.
    second = make_assessment(VILLAGE, editor)
    page = auth.client.get(f"/assessments/{second}/plan").get_data(as_text=True)
    assert "Erledigt – nicht mehr empfohlen" in page and "Bauamt" in page
