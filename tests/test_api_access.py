"""Every API route, every role, with tokens: the same rules as the pages (tests/test_access.py).

A token acts as its user: each role reaches exactly the API routes listed here, nobody reaches
another municipality's objects, and requests without a token get 401. A new API route fails
test_every_api_route_is_listed (and tests/test_access.py) until it is added to API_ROUTES.
"""

from __future__ import annotations

import re

import pytest

from advisory.models import Role
from tests.api_data import bearer, token_for
from tests.test_access import (
    ACCOUNTS,
    DIRECTORY_ROLES,
    EVERYONE,
    FOREIGN_AGS,
    OWN_AGS,
    TENANT_ARGUMENTS,
)

EDITORS = {Role.MUNICIPAL_EDITOR, Role.ADVISOR}

# Every route of the API blueprint: who may use it (by role; the objects are checked below).
API_ROUTES: dict[str, set[Role]] = {
    "api.me": EVERYONE,
    "api.municipalities": DIRECTORY_ROLES,
    "api.inventories": DIRECTORY_ROLES,
    "api.create_inventory": EDITORS,
    "api.inventory": DIRECTORY_ROLES,
    "api.answers": DIRECTORY_ROLES,
    "api.answer": DIRECTORY_ROLES,
    "api.write_answer": EDITORS,
    "api.results": DIRECTORY_ROLES,
    "api.recommendations": DIRECTORY_ROLES,
    "api.plan": DIRECTORY_ROLES,
    "api.reports": DIRECTORY_ROLES,
    "api.request_report_job": DIRECTORY_ROLES,
    "api.report_job": DIRECTORY_ROLES,
    "api.report_pdf": DIRECTORY_ROLES,
    "api.solutions": EVERYONE,
    "api.solution": EVERYONE,
    "api.trainings": EVERYONE,
}
QUESTION = "strategy.digital_goals"
# A valid body per method, so that a refusal comes from the access rules, not from the input.
BODIES = {"PUT": {"revision": 0, "answer": {"status": "dont_know"}}, "POST": {"edition": "short"}}
# Routes naming a report job, which the walk does not create: "not found" for allowed roles
# (tests/test_api.py walks a real job).
NEEDS_JOB = {"api.report_job", "api.report_pdf"}
QUERIES = {"api.municipalities": "?q=Ulm"}


def api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]


def url(rule, ags: str, assessment_id: int) -> str:
    values = {
        "ags": ags,
        "assessment_id": assessment_id,
        "question_id": QUESTION,
        "solution_id": "nextcloud",
        "job_id": 0,
    }
    path = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
    return path + QUERIES.get(rule.endpoint, "")


def calls(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def send(client, method: str, path: str, secret: str | None):
    headers = bearer(secret) if secret else {}
    return client.open(path, method=method, json=BODIES.get(method), headers=headers)


def test_every_api_route_is_listed(app):
    assert {r.endpoint for r in api_rules(app)} == set(API_ROUTES)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_its_api_routes(app, make_user, make_assessment, role):
    user = make_user(role, **ACCOUNTS[role])
    own = make_assessment(OWN_AGS, make_user(Role.MUNICIPAL_EDITOR, ags=OWN_AGS))
    secret = token_for(app, user)
    client = app.test_client()
    for rule in api_rules(app):
        for method in calls(rule):
            response = send(client, method, url(rule, OWN_AGS, own), secret)
            # 409: the own municipality's inventory is already open (create_inventory).
            expected = (200, 201, 202, 409) if role in API_ROUTES[rule.endpoint] else (403,)
            if rule.endpoint in NEEDS_JOB and role in API_ROUTES[rule.endpoint]:
                expected = (404,)
            assert response.status_code in expected, (rule.endpoint, method, response.json)


def test_requests_without_a_valid_token_get_401(app, make_user, make_assessment):
    own = make_assessment(OWN_AGS, make_user(Role.MUNICIPAL_EDITOR, ags=OWN_AGS))
    client = app.test_client()
    for rule in api_rules(app):
        for method in calls(rule):
            for secret in (None, "adv_not-a-token", "not-even-the-prefix"):
                response = send(client, method, url(rule, OWN_AGS, own), secret)
                assert response.status_code == 401, (rule.endpoint, method, secret)
                assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_no_token_reaches_objects_of_another_municipality(app, make_user, make_assessment, role):
    user = make_user(role, **ACCOUNTS[role])
    foreign = make_assessment(FOREIGN_AGS, make_user(Role.MUNICIPAL_EDITOR, ags=FOREIGN_AGS))
    secret = token_for(app, user)
    client = app.test_client()
    checked = 0
    for rule in api_rules(app):
        if not rule.arguments & TENANT_ARGUMENTS:
            continue
        for method in calls(rule):
            response = send(client, method, url(rule, FOREIGN_AGS, foreign), secret)
            assert response.status_code in (403, 404), (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked >= 9
