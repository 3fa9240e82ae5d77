"""Every route, every role: each role reaches only its pages, nobody sees another municipality."""

from __future__ import annotations

import pytest

from advisory.models import Role
from tests.conftest import Auth
from tests.peers_data import make_cooperation
from tests.training_data import make_training

MUNICIPAL = {Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER}
ASSOCIATION = {Role.ASSOCIATION_EDITOR, Role.ASSOCIATION_VIEWER}
DIRECTORY_ROLES = MUNICIPAL | ASSOCIATION | {Role.ADVISOR, Role.TRAINER, Role.ADMIN}
EVERYONE = set(Role)
PORTFOLIO_ROLES = {Role.ADVISOR, Role.TRAINER, Role.ADMIN}
COOPERATION_ROLES = MUNICIPAL | {Role.ADVISOR, Role.ADMIN}
PUBLIC = None

# Every route of the app: who may reach it. A new route fails test_every_route_is_listed until
# it is added here, so that no page escapes the checks below.
ROUTES: dict[str, set[Role] | None] = {
    "main.index": EVERYONE,
    "main.health": PUBLIC,
    "main.about": PUBLIC,
    "main.accessibility": PUBLIC,
    "main.plotly_js": PUBLIC,
    "main.plotly_css": PUBLIC,
    "main.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.password": EVERYONE,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "municipalities.search": DIRECTORY_ROLES,
    "municipalities.search_json": DIRECTORY_ROLES,
    "municipalities.show": DIRECTORY_ROLES,
    "assessments.start": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "assessments.overview": DIRECTORY_ROLES,
    "assessments.section": DIRECTORY_ROLES,
    "assessments.save_one": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "assessments.applicability": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "assessments.history": DIRECTORY_ROLES,
    "assessments.results": DIRECTORY_ROLES,
    "report.page": DIRECTORY_ROLES,
    "report.pdf": DIRECTORY_ROLES,
    "report.request_job": DIRECTORY_ROLES,
    "report.job": DIRECTORY_ROLES,
    "report.job_status": DIRECTORY_ROLES,
    "report.job_file": DIRECTORY_ROLES,
    "report.xlsx": DIRECTORY_ROLES,
    "report.csv": DIRECTORY_ROLES,
    "report.json": DIRECTORY_ROLES,
    "assessments.targets": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "plan.page": DIRECTORY_ROLES,
    "plan.save": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    # Municipal users: their own district's figures only, without names (test below).
    "regions.view": MUNICIPAL | PORTFOLIO_ROLES,
    "catalogue.solutions": EVERYONE,
    "catalogue.solution": EVERYONE,
    "catalogue.compare": EVERYONE,
    "catalogue.trainings": EVERYONE,
    "catalogue.requirements": EVERYONE,
    "catalogue.review": {Role.CURATOR, Role.ADMIN},
    "catalogue.edit": {Role.CURATOR, Role.ADMIN},
    "catalogue.new_solution": {Role.CURATOR, Role.ADMIN},
    "catalogue.new_training": {Role.CURATOR, Role.ADMIN},
    "catalogue.edit_training": {Role.CURATOR, Role.ADMIN},
    "catalogue.list_training_view": {Role.CURATOR, Role.ADMIN},
    "catalogue.queue": {Role.CURATOR, Role.ADMIN},
    "procurement.index": EVERYONE,
    "procurement.for_category": EVERYONE,
    "procurement.show": EVERYONE,
    "procurement.pdf": EVERYONE,
    "procurement.docx": EVERYONE,
    "admin.users": {Role.ADMIN},
    "admin.new_user": {Role.ADMIN},
    "admin.edit_user": {Role.ADMIN},
    "admin.audit": {Role.ADMIN},
    "admin.questionnaires": {Role.ADMIN},
    "admin.export_questionnaire": {Role.ADMIN},
    "team.index": MUNICIPAL,
    "team.invite": {Role.MUNICIPAL_EDITOR},
    "team.assign": {Role.MUNICIPAL_EDITOR},
    "team.join": PUBLIC,
    "team.staff": MUNICIPAL,
    "team.delete_staff": {Role.MUNICIPAL_EDITOR},
    "training.needs": {Role.TRAINER, Role.ADMIN},
    "training.sessions": MUNICIPAL | {Role.TRAINER, Role.ADMIN},
    "training.new_session": {Role.TRAINER, Role.ADMIN},
    "training.session": MUNICIPAL | {Role.TRAINER, Role.ADMIN},
    "training.assign": MUNICIPAL | {Role.TRAINER, Role.ADMIN},
    "training.set_status": MUNICIPAL | {Role.TRAINER, Role.ADMIN},
    "training.ics": MUNICIPAL | {Role.TRAINER, Role.ADMIN},
    "training.attendance": {Role.TRAINER, Role.ADMIN},
    "training.plan": MUNICIPAL,
    "admin.reset_user_password": {Role.ADMIN},
    "admin.unlock_user": {Role.ADMIN},
    "admin.end_user_sessions": {Role.ADMIN},
    "review.submit": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "review.step": DIRECTORY_ROLES,
    "review.overview": {Role.ADVISOR, Role.ADMIN},
    "review.section": {Role.ADVISOR, Role.ADMIN},
    "review.save_answer": {Role.ADVISOR, Role.ADMIN},
    "review.add_evidence": {Role.ADVISOR, Role.ADMIN},
    "review.evidence_file": DIRECTORY_ROLES,
    "review.delete_evidence": {Role.ADVISOR, Role.ADMIN},
    "review.add_finding": {Role.ADVISOR, Role.ADMIN},
    "review.delete_finding": {Role.ADVISOR, Role.ADMIN},
    "review.save_record": {Role.ADVISOR, Role.ADMIN},
    "review.guide": {Role.ADVISOR, Role.ADMIN},
    "portfolio.dashboard": PORTFOLIO_ROLES,
    "portfolio.heatmap": PORTFOLIO_ROLES,
    "portfolio.compare": PORTFOLIO_ROLES,
    "portfolio.export_csv": PORTFOLIO_ROLES,
    "portfolio.export_xlsx": PORTFOLIO_ROLES,
    "tokens.index": EVERYONE,
    "tokens.revoke": EVERYONE,
    "api_docs.page": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "cooperation.sharing": COOPERATION_ROLES,
    "cooperation.save_sharing": {Role.MUNICIPAL_EDITOR, Role.ADMIN},
    "cooperation.suggestions": COOPERATION_ROLES,
    "cooperation.send": {Role.MUNICIPAL_EDITOR, Role.ADVISOR},
    "cooperation.inbox": COOPERATION_ROLES,
    "cooperation.show": COOPERATION_ROLES,
    "cooperation.reply": {Role.MUNICIPAL_EDITOR, Role.ADVISOR, Role.ADMIN},
    "cooperation.close": {Role.MUNICIPAL_EDITOR, Role.ADVISOR, Role.ADMIN},
    "associations.show": ASSOCIATION | PORTFOLIO_ROLES,
    "associations.start": {Role.ASSOCIATION_EDITOR, Role.ADVISOR},
    "associations.section": ASSOCIATION | PORTFOLIO_ROLES,
}
# Routes naming an object that the walk below cannot create (an uploaded file, a reset link):
# for allowed roles "not found" is the expected answer; tests/test_review.py and
# tests/test_password_reset.py use real ones.
NEEDS_OBJECT = {
    "review.evidence_file",
    "review.delete_evidence",
    "auth.reset_password",
    "report.job",
    "report.job_status",
    "report.job_file",
}

# Route arguments that name an object belonging to one municipality (catalogue entries do not).
TENANT_ARGUMENTS = {
    "ags",
    "assessment_id",
    "user_id",
    "session_id",
    "participant_id",
    "staff_id",
    "request_id",
    "code",
}

# Municipality A (the user's own) and B (someone else's, outside every test scope).
OWN_AGS, FOREIGN_AGS = "07333001", "09162000"
# Association A (Göllheim, OWN_AGS is a member) and B (Emmerting VGem in Bavaria, outside).
OWN_CODE, FOREIGN_CODE = "073335003", "091715101"
ACCOUNTS = {
    Role.MUNICIPAL_EDITOR: {"ags": OWN_AGS},
    Role.MUNICIPAL_VIEWER: {"ags": OWN_AGS},
    Role.ASSOCIATION_EDITOR: {"association": OWN_CODE},
    Role.ASSOCIATION_VIEWER: {"association": OWN_CODE},
    Role.ADVISOR: {"scopes": "07333"},
    Role.TRAINER: {"scopes": "07"},
    Role.CURATOR: {},
    Role.ADMIN: {},
}


def url_for_rule(
    rule,
    ags: str,
    user_id: int,
    assessment_id: int = 0,
    training: dict | None = None,
    code: str = OWN_CODE,
) -> str:
    values = {
        "session_id": 0,
        "participant_id": 0,
        "staff_id": 0,
        "request_id": 0,
        "job_id": 0,
        "token": "not-a-token",
        "token_id": 0,
        **(training or {}),
        "ags": ags,
        "user_id": user_id,
        "assessment_id": assessment_id,
        "section_id": "security" if rule.endpoint.startswith("associations.") else "mobility",
        "code": code,
        "question_id": "strategy.digital_goals",
        "solution_id": "nextcloud",
        "evidence_id": 1,
        "finding_id": 1,
        "type_id": "council_information",
        "training_id": "fiware-step-by-step-tutorials",
        "category": "council_information",
        "questionnaire_id": "smart-city-inventur",
    }
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(values[name]))
        path = path.replace(f"<int:{name}>", str(values[name]))
    return path


def make_association_inventory(app, code: str) -> int:
    """Start the shared inventory of an association; return its id."""
    from sqlalchemy import select

    from advisory.content import current_questionnaire
    from advisory.extensions import db
    from advisory.models import Association, User
    from advisory.services.associations import start_association_inventory

    with app.app_context():
        association = db.session.scalar(select(Association).where(Association.code == code))
        starter = db.session.scalar(select(User).limit(1))
        inventory = start_association_inventory(
            db.session, association, starter, current_questionnaire()
        )
        return inventory.id


def get_rules(app):
    """Return the page routes; the API's (token, no cookie) are walked in test_api_access.py."""
    return [r for r in all_rules(app) if not r.endpoint.startswith("api.")]


def all_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_is_listed(app):
    from tests.test_api_access import API_ROUTES

    assert {r.endpoint for r in all_rules(app)} == set(ROUTES) | set(API_ROUTES)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_its_own_pages(app, make_user, make_assessment, role):
    user = make_user(role, **ACCOUNTS[role])
    own = make_assessment(OWN_AGS, make_user(Role.MUNICIPAL_EDITOR, ags=OWN_AGS))
    make_association_inventory(app, OWN_CODE)
    training = {**make_training(app, OWN_AGS), **make_cooperation(app, OWN_AGS)}
    auth = Auth(app.test_client())
    auth.login(user.email)
    for rule in get_rules(app):
        if "GET" not in rule.methods:
            continue
        allowed = ROUTES[rule.endpoint]
        response = auth.client.get(url_for_rule(rule, OWN_AGS, user.id, own, training))
        if rule.endpoint in NEEDS_OBJECT and (allowed is PUBLIC or role in allowed):
            assert response.status_code == 404, (rule.endpoint, response.status_code)
        elif allowed is PUBLIC or role in allowed:
            assert response.status_code in (200, 302), (rule.endpoint, response.status_code)
        else:
            assert response.status_code == 403, (rule.endpoint, response.status_code)


def test_anonymous_visitors_are_sent_to_sign_in(app, make_user):
    client = app.test_client()
    for rule in get_rules(app):
        if "GET" not in rule.methods or ROUTES[rule.endpoint] is PUBLIC:
            continue
        response = client.get(url_for_rule(rule, OWN_AGS, 1))
        assert response.status_code == 302, rule.endpoint
        assert response.location.startswith("/login")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_no_one_sees_objects_of_another_municipality(app, make_user, make_assessment, role):
    user = make_user(role, **ACCOUNTS[role])
    other = make_user(Role.MUNICIPAL_EDITOR, ags=FOREIGN_AGS)
    foreign = make_assessment(FOREIGN_AGS, other)
    make_association_inventory(app, FOREIGN_CODE)
    training = {**make_training(app, FOREIGN_AGS), **make_cooperation(app, FOREIGN_AGS)}
    auth = Auth(app.test_client())
    auth.login(user.email)
    checked = 0
    for rule in get_rules(app):
        if not rule.arguments & TENANT_ARGUMENTS:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            url = url_for_rule(rule, FOREIGN_AGS, other.id, foreign, training, FOREIGN_CODE)
            if method == "GET":
                response = auth.client.get(url)
            else:
                response = auth.post(url, {}, token_from="/")
            assert response.status_code in (403, 404), (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked >= 9


def test_own_municipality_is_visible(app, make_user):
    user = make_user(Role.MUNICIPAL_VIEWER, ags=OWN_AGS)
    auth = Auth(app.test_client())
    auth.login(user.email)
    assert auth.client.get(f"/municipalities/{OWN_AGS}").status_code == 200


def test_advisor_sees_exactly_the_portfolio(app, make_user):
    user = make_user(Role.ADVISOR, scopes="08421 07333001")
    auth = Auth(app.test_client())
    auth.login(user.email)
    assert auth.client.get("/municipalities/08421000").status_code == 200
    assert auth.client.get("/municipalities/07333001").status_code == 200
    assert auth.client.get("/municipalities/07333006").status_code == 404
    page = auth.client.get("/").get_data(as_text=True)
    assert "Ulm, Universitätsstadt" in page and "Biedesheim" not in page


def test_search_does_not_link_to_municipalities_outside_the_scope(app, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags=OWN_AGS)
    auth = Auth(app.test_client())
    auth.login(user.email)
    results = auth.client.get("/municipalities/search.json?q=M%C3%BCnchen").json
    assert results[0]["ags"] == FOREIGN_AGS and results[0]["url"] is None
    own = auth.client.get(f"/municipalities/search.json?q={OWN_AGS}").json
    assert own[0]["url"] == f"/municipalities/{OWN_AGS}"


@pytest.mark.parametrize("role", sorted(ASSOCIATION))
def test_association_staff_see_nothing_of_another_association_or_of_non_members(
    app, make_user, make_assessment, role
):
    """Göllheim's staff: Eisenberg next door, its members and Trier are all 'not found'."""
    user = make_user(role, association=OWN_CODE)
    neighbour_code, neighbour_ags, outside_ags = "073335002", "07333038", "07211000"
    make_association_inventory(app, neighbour_code)
    neighbour = make_assessment(neighbour_ags, make_user(Role.MUNICIPAL_EDITOR, ags=neighbour_ags))
    outside = make_assessment(outside_ags, make_user(Role.MUNICIPAL_EDITOR, ags=outside_ags))
    member = make_assessment(OWN_AGS, make_user(Role.MUNICIPAL_EDITOR, ags=OWN_AGS))
    auth = Auth(app.test_client())
    auth.login(user.email)
    get = auth.client.get
    assert get(f"/associations/{neighbour_code}").status_code == 404
    assert get(f"/associations/{neighbour_code}/inventory/security").status_code == 404
    for ags, assessment in ((neighbour_ags, neighbour), (outside_ags, outside)):
        assert get(f"/municipalities/{ags}").status_code == 404
        assert get(f"/assessments/{assessment}").status_code == 404
        assert get(f"/assessments/{assessment}/results").status_code == 404
    token = auth.csrf_token("/")
    for path in (
        f"/associations/{neighbour_code}/inventory",
        f"/associations/{neighbour_code}/inventory/security",
    ):
        assert auth.client.post(path, data={"csrf_token": token}).status_code == 404
    # Its own members: readable, never changeable.
    assert get(f"/assessments/{member}").status_code == 200
    response = auth.client.post(
        f"/assessments/{member}/sections/mobility", data={"csrf_token": token}
    )
    assert response.status_code == 403
    page = get(f"/associations/{OWN_CODE}").get_data(as_text=True)
    assert "Albisheim" in page and "Kerzenheim" not in page


def test_region_view_stays_inside_the_scope(app, make_user):
    """Advisors choose only districts of their portfolio; municipal users get their own, unnamed."""
    advisor = make_user(Role.ADVISOR, scopes="07333")
    auth = Auth(app.test_client())
    auth.login(advisor.email)
    assert auth.client.get("/regions/?district=07333").status_code == 200
    foreign = auth.client.get("/regions/?district=09162")
    assert foreign.status_code == 400
    assert "München" not in foreign.get_data(as_text=True)
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags=OWN_AGS)
    auth = Auth(app.test_client())
    auth.login(viewer.email)
    page = auth.client.get("/regions/?district=09162&state=09").get_data(as_text=True)
    assert "Donnersbergkreis" in page and "München" not in page
    assert "Biedesheim" not in page  # a neighbour of the same district is never named
