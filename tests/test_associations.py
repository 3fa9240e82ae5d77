"""Associations: directory rows, a shared inventory that feeds its members, and who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, Association, InventorySummary, Municipality, Role, User
from advisory.services import associations
from advisory.services.assessments import (
    answer_rows,
    import_answers,
    municipality_facts,
    save_answer,
    start_assessment,
)
from advisory.services.results import compute_results
from questionnaires import Answer
from recommendations import score

GOELLHEIM = "073335003"  # Verbandsgemeinde Göllheim (Donnersbergkreis)
EISENBERG = "073335002"  # Verbandsgemeinde Eisenberg (Pfalz), same district
ALBISHEIM, GOELLHEIM_TOWN = "07333001", "07333026"  # members of Göllheim
KERZENHEIM = "07333038"  # member of Eisenberg
TRIER = "07211000"  # district-free city, in no association


def _get(model, **by):
    return db.session.scalar(select(model).filter_by(**by))


def _security(results) -> float | None:
    return results.scores.domain("security").score


@pytest.fixture
def shared(app, make_user):
    """Göllheim's shared inventory and inventories of two members with the rural answers."""
    editor = make_user(Role.ASSOCIATION_EDITOR, association=GOELLHEIM)
    members = [make_user(Role.MUNICIPAL_EDITOR, ags=ags) for ags in (ALBISHEIM, GOELLHEIM_TOWN)]
    q = current_questionnaire()
    rural = demo_set("rural")["answers"]
    with app.app_context():
        association = _get(Association, code=GOELLHEIM)
        inventory = associations.start_association_inventory(
            db.session, association, db.session.get(User, editor.id), q
        )
        ids = []
        for user in members:
            municipality = db.session.get(Municipality, user.municipality_id)
            user_row = db.session.get(User, user.id)
            assessment = start_assessment(db.session, municipality, user_row, q)
            import_answers(db.session, assessment, q, rural, user_row)
            ids.append(assessment.id)
        return {"inventory": inventory.id, "members": ids, "editor": editor, "users": members}


def _save_shared(app, shared, question_id: str, value) -> None:
    with app.app_context():
        inventory = db.session.get(Assessment, shared["inventory"])
        question = current_questionnaire().question(question_id)
        rows = answer_rows(db.session, inventory)
        revision = rows[question_id].revision if question_id in rows else 0
        save_answer(
            db.session,
            inventory,
            question,
            Answer.from_json({"status": "answered", "value": value}),
            revision,
            db.session.get(User, shared["editor"].id),
        )


def test_the_import_gives_every_association_its_own_row_with_its_kind(app):
    with app.app_context():
        goellheim = _get(Association, code=GOELLHEIM)
        assert (goellheim.name, goellheim.kind, goellheim.district_code) == (
            "Göllheim",
            "53",  # Verbandsgemeinde
            "07333",
        )
        names = [m.name for m in associations.members(db.session, goellheim)]
        assert "Albisheim (Pfrimm)" in names and "Kerzenheim" not in names
        assert len(names) == 13
        assert db.session.query(Association).count() == 1210


def test_associations_are_found_by_name_and_key(app):
    with app.app_context():
        assert [a.code for a in associations.search_associations(db.session, "Gollheim")] == [
            GOELLHEIM
        ]
        assert associations.search_associations(db.session, GOELLHEIM)[0].name == "Göllheim"


def test_an_association_inventory_feeds_both_members_results_and_summaries(app, shared):
    """Change one shared answer: both members' results and dashboard summaries change."""
    with app.app_context():
        before = [
            _security(compute_results(db.session, db.session.get(Assessment, i)))
            for i in shared["members"]
        ]
        summaries_before = [
            db.session.get(InventorySummary, i).domains["security"]["score"]
            for i in shared["members"]
        ]
    # The shared administration has adopted BSI IT-Grundschutz and keeps a tested backup.
    _save_shared(app, shared, "security.approach", "grundschutz")
    _save_shared(app, shared, "security.backup", ["daily", "offline", "tested", "encrypted"])
    with app.app_context():
        after = [
            _security(compute_results(db.session, db.session.get(Assessment, i)))
            for i in shared["members"]
        ]
        db.session.expire_all()
        summaries_after = [
            db.session.get(InventorySummary, i).domains["security"]["score"]
            for i in shared["members"]
        ]
    assert after[0] == after[1]
    assert after[0] != before[0] and after[1] != before[1]
    assert summaries_after == after and summaries_after != summaries_before


def test_a_member_answers_its_own_questions_and_takes_the_shared_ones(app, shared):
    _save_shared(app, shared, "security.approach", "grundschutz")
    with app.app_context():
        results = compute_results(db.session, db.session.get(Assessment, shared["members"][0]))
        rural = demo_set("rural")["answers"]
        assert results.answers["security.approach"].value == "grundschutz"
        # Unanswered in the shared inventory: no longer the member's own (shared) answer.
        assert "security.isb" not in results.answers and "security.isb" in rural
        # Its own question keeps its own answer.
        assert results.answers["climate.heat_plan"].value == rural["climate.heat_plan"]["value"]


def test_a_municipality_in_no_association_scores_exactly_as_before(app, make_user, shared):
    """The attribute and other associations' answers never touch a municipality without one."""
    _save_shared(app, shared, "security.approach", "grundschutz")
    user = make_user(Role.MUNICIPAL_EDITOR, ags=TRIER)
    city = demo_set("city")["answers"]
    q = current_questionnaire()
    with app.app_context():
        trier = _get(Municipality, ags=TRIER)
        assessment = start_assessment(db.session, trier, db.session.get(User, user.id), q)
        import_answers(db.session, assessment, q, city, db.session.get(User, user.id))
        results = compute_results(db.session, assessment)
        own = {qid: Answer.from_json(a) for qid, a in city.items() if q.find_question(qid)}
        prefilled = {
            qid: a for qid, a in results.answers.items() if qid not in own
        }  # profile facts from the directory
        expected = score(q, {**own, **prefilled}, municipality_facts(trier))
        assert results.scores == expected
        assert set(results.answers) == set(own) | set(prefilled)


def test_a_member_cannot_change_a_shared_answer(app, client, auth, shared):
    _save_shared(app, shared, "security.approach", "grundschutz")
    member = shared["users"][0]
    auth.login(member.email)
    assessment_id = shared["members"][0]
    page = client.get(f"/assessments/{assessment_id}/sections/security")
    html = page.get_data(as_text=True)
    assert "Antwort der gemeinsamen Verwaltung: Verbandsgemeinde Göllheim" in html
    token = auth.csrf_token(f"/assessments/{assessment_id}/sections/security")
    refused = client.post(
        f"/assessments/{assessment_id}/answers/security.approach",
        data={"csrf_token": token, "q-security.approach": "none", "rev-security.approach": "0"},
    )
    assert refused.status_code == 403
    # A whole-page save leaves the shared answer alone and keeps the member's own ones.
    client.post(
        f"/assessments/{assessment_id}/sections/security",
        data={
            "csrf_token": token,
            "present-security.approach": "1",
            "q-security.approach": "none",
            "rev-security.approach": "0",
        },
    )
    with app.app_context():
        results = compute_results(db.session, db.session.get(Assessment, assessment_id))
        assert results.answers["security.approach"].value == "grundschutz"


def test_association_editor_answers_the_shared_inventory_on_its_page(app, client, auth, shared):
    auth.login(shared["editor"].email)
    page = client.get(f"/associations/{GOELLHEIM}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Albisheim (Pfrimm)" in html and "Verbandsgemeinde" in html
    response = auth.post(
        f"/associations/{GOELLHEIM}/inventory/security",
        data={
            "present-security.approach": "1",
            "q-security.approach": "certified",
            "rev-security.approach": "0",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        for assessment_id in shared["members"]:
            results = compute_results(db.session, db.session.get(Assessment, assessment_id))
            assert results.answers["security.approach"].value == "certified"


def test_association_staff_read_members_but_nothing_else(app, client, auth, shared, make_user):
    viewer = make_user(Role.ASSOCIATION_VIEWER, association=GOELLHEIM)
    other = make_user(Role.MUNICIPAL_EDITOR, ags=KERZENHEIM)
    with app.app_context():
        kerzenheim = db.session.get(Municipality, other.municipality_id)
        outside = start_assessment(
            db.session, kerzenheim, db.session.get(User, other.id), current_questionnaire()
        ).id
    auth.login(viewer.email)
    member = shared["members"][0]
    assert client.get(f"/assessments/{member}").status_code == 200
    assert client.get(f"/assessments/{member}/results").status_code == 200
    assert client.get(f"/municipalities/{ALBISHEIM}").status_code == 200
    # Read-only: no saving in members' inventories nor in the shared one.
    token = auth.csrf_token(f"/associations/{GOELLHEIM}")
    assert (
        client.post(
            f"/assessments/{member}/sections/mobility", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/associations/{GOELLHEIM}/inventory/security", data={"csrf_token": token}
        ).status_code
        == 403
    )
    # Another association, its members, non-members: nothing.
    assert client.get(f"/associations/{EISENBERG}").status_code == 404
    assert client.get(f"/assessments/{outside}").status_code == 404
    assert client.get(f"/municipalities/{KERZENHEIM}").status_code == 404
    assert client.get(f"/municipalities/{TRIER}").status_code == 404
    # The association's own inventory is never reachable through municipal pages.
    assert client.get(f"/assessments/{shared['inventory']}").status_code == 404
    assert client.get(f"/report/{shared['inventory']}").status_code in (404, 405)


def test_the_member_report_says_which_answers_came_from_the_association(app, client, auth, shared):
    _save_shared(app, shared, "security.approach", "grundschutz")
    auth.login(shared["users"][0].email)
    html = client.get(f"/assessments/{shared['members'][0]}/report").get_data(as_text=True)
    assert "Antwort stammt von der gemeinsamen Verwaltung" in html
    assert "Verbandsgemeinde Göllheim" in html
    assert html.count('<span class="badge">gemeinsam</span>') == 1


def test_an_admin_grants_an_association_scope_on_the_role_page(app, client, auth, make_user):
    admin = make_user(Role.ADMIN)
    auth.login(admin.email)
    base = {
        "email": "it@vg.example.org",
        "name": "Ines Richter",
        "role": "association_editor",
        "municipality": "",
        "password": "ein langes Passwort",
        "scopes": "",
    }
    refused = auth.post("/admin/users/new", {**base, "association": ""})
    assert refused.status_code == 422
    assert "Verbandsrollen gehören zu genau einem Gemeindeverband" in refused.get_data(as_text=True)
    assert auth.post("/admin/users/new", {**base, "association": "Göllheim"}).status_code == 302
    with app.app_context():
        user = _get(User, email="it@vg.example.org")
        assert user.association.code == GOELLHEIM and user.municipality is None


def test_create_user_names_the_association_of_association_staff(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "vg@example.org",
            "--name",
            "VG Staff",
            "--role",
            "association_viewer",
            "--association",
            GOELLHEIM,
            "--password",
            "ein langes Passwort 2026",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _get(User, email="vg@example.org").association.name == "Göllheim"


def test_refreshing_summaries_and_the_cli_leave_the_shared_inventory_out(app, runner, shared):
    from advisory.services.portfolio import refresh_summaries, stale_assessments

    with app.app_context():
        assert shared["inventory"] not in stale_assessments(db.session)
        assert refresh_summaries(db.session) == 2  # the two members only
    result = runner.invoke(args=["score", str(shared["inventory"]), "--json"])
    assert result.exit_code != 0 and "shared inventory" in result.output


def test_the_directory_search_offers_associations_labelled_as_such(app, client, auth, make_user):
    staff = make_user(Role.ASSOCIATION_VIEWER, association=GOELLHEIM)
    auth.login(staff.email)
    found = client.get("/municipalities/search.json?associations=1&q=G%C3%B6llheim").json
    assert found[0]["ags"] == GOELLHEIM_TOWN  # the municipality of the name first
    assert found[-1] == {
        "kind": "association",
        "code": GOELLHEIM,
        "name": "Göllheim (Verbandsgemeinde)",
        "district": "Gemeindeverband",
        "state": "",
        "url": f"/associations/{GOELLHEIM}",
    }
    plain = client.get("/municipalities/search.json?q=G%C3%B6llheim").json
    assert all("ags" in item for item in plain)  # forms picking a municipality get none
    page = client.get("/municipalities/?q=Eisenberg").get_data(as_text=True)
    assert "Gemeindeverbände" in page and "Eisenberg (Pfalz)" in page
    assert f'href="/associations/{EISENBERG}"' not in page  # not this account's association
