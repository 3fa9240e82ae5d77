"""The REST API /api/v1 as a program uses it: tokens, answers with revisions, errors, limits."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, text, update

from advisory.extensions import db
from advisory.models import ApiToken, Role, User
from tests.api_data import bearer, token_for
from tests.conftest import Auth, make_config

AGS = "07333001"
QUESTION = "strategy.digital_goals"


def test_the_document_is_openapi_3_1_and_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in set(item) - {"parameters"}
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in documented, (method, path)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_shows_every_operation_without_inline_code(client):
    spec = client.get("/api/v1/openapi.json").json
    page = client.get("/api/v1/docs", headers={"Accept-Language": "de"}).get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in set(item) - {"parameters"}:
            assert f"{method.upper()} {path}" in page
    assert "<script>" not in page and "style=" not in page
    assert "//cdn" not in page


def test_an_editor_answers_through_the_api_with_revisions(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    client = app.test_client()
    headers = bearer(token_for(app, editor))
    created = client.post(f"/api/v1/municipalities/{AGS}/inventories", headers=headers)
    assert created.status_code == 201, created.json
    inventory = created.json["id"]
    again = client.post(f"/api/v1/municipalities/{AGS}/inventories", headers=headers)
    assert again.status_code == 409 and again.json["inventory_id"] == inventory
    listed = client.get(f"/api/v1/municipalities/{AGS}/inventories", headers=headers).json
    assert [i["id"] for i in listed] == [inventory]

    url = f"/api/v1/inventories/{inventory}/answers/{QUESTION}"
    assert client.get(url, headers=headers).json["answer"] is None
    body = {"revision": 0, "answer": {"status": "answered", "value": "council_concept"}}
    first = client.put(url, json=body, headers=headers)
    if first.status_code == 422:  # the option id differs: take the first one offered
        body["answer"]["value"] = "none"
        first = client.put(url, json=body, headers=headers)
    assert first.status_code == 200, first.json
    assert first.json["revision"] == 1

    # A second program still holding revision 0 gets the current answer back, nothing saved.
    stale = client.put(url, json={**body, "answer": {"status": "dont_know"}}, headers=headers)
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert stale.json["current"]["revision"] == 1
    assert stale.json["current"]["answer"] == body["answer"]
    assert client.get(url, headers=headers).json["answer"] == body["answer"]

    newer = client.put(
        url, json={"revision": 1, "answer": {"status": "dont_know"}}, headers=headers
    )
    assert newer.status_code == 200 and newer.json["revision"] == 2
    answers = client.get(f"/api/v1/inventories/{inventory}/answers", headers=headers).json
    assert {a["question_id"]: a["revision"] for a in answers}[QUESTION] == 2

    results = client.get(f"/api/v1/inventories/{inventory}/results", headers=headers)
    assert results.status_code == 200 and results.json["domains"]
    assert all(1 <= (d["level"] or 1) <= 5 for d in results.json["domains"])
    recommended = client.get(f"/api/v1/inventories/{inventory}/recommendations", headers=headers)
    assert recommended.status_code == 200 and isinstance(recommended.json, list)
    plan = client.get(f"/api/v1/inventories/{inventory}/plan", headers=headers)
    assert plan.status_code == 200 and "open" in plan.json["counts"]


def test_invalid_input_is_a_422_naming_the_field_in_the_asked_language(
    app, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    inventory = make_assessment(AGS, editor)
    secret = token_for(app, editor)
    client = app.test_client()
    url = f"/api/v1/inventories/{inventory}/answers/{QUESTION}"
    missing = client.put(url, json={"answer": None}, headers=bearer(secret, "en"))
    assert missing.status_code == 422
    assert missing.json["errors"] == {"revision": "This field is required."}
    assert "revision" in missing.json["detail"]
    german = client.put(url, json={"answer": None}, headers=bearer(secret, "de"))
    assert german.json["errors"]["revision"] == "Dieses Feld ist erforderlich."
    wrong = client.put(
        url,
        json={"revision": 0, "answer": {"status": "answered", "value": "no-such-option"}},
        headers=bearer(secret, "en"),
    )
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"answer"}
    assert wrong.json["detail"].endswith(".")


def test_tokens_are_shown_once_stored_hashed_listed_and_revocable(app, make_user):
    user = make_user(Role.MUNICIPAL_VIEWER, ags=AGS)
    auth = Auth(app.test_client())
    auth.login(user.email)
    page = auth.post("/account/api-tokens/", {"name": "GIS export"})
    secret = re.search(r'value="(adv_[^"]+)"', page.get_data(as_text=True)).group(1)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).json["email"] == user.email
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
        assert row.last_used_at is not None
        dump = "\n".join(str(r) for r in db.session.execute(text("SELECT * FROM api_token")))
        assert secret not in dump and secret[4:] not in dump
    listing = auth.client.get("/account/api-tokens/").get_data(as_text=True)
    assert "GIS export" in listing and secret not in listing
    revoked = auth.post(f"/account/api-tokens/{row.id}/revoke", token_from="/account/api-tokens/")
    assert revoked.status_code == 303
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_someone_else_cannot_revoke_my_token(app, make_user):
    mine = make_user(Role.MUNICIPAL_VIEWER, ags=AGS)
    secret = token_for(app, mine)
    other = make_user(Role.ADMIN)
    auth = Auth(app.test_client())
    auth.login(other.email)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == mine.id))
    refused = auth.post(f"/account/api-tokens/{token_id}/revoke", token_from="/account/api-tokens/")
    assert refused.status_code == 404
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_expired_tokens_and_deactivated_users_are_refused(app, make_user):
    user = make_user(Role.MUNICIPAL_VIEWER, ags=AGS)
    secret = token_for(app, user)
    client = app.test_client()
    with app.app_context():
        db.session.execute(
            update(ApiToken).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
        db.session.commit()
    expired = client.get("/api/v1/me", headers=bearer(secret))
    assert expired.status_code == 401 and expired.headers["WWW-Authenticate"].startswith("Bearer")
    other = token_for(app, user, "second")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(active=False))
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_a_role_change_applies_to_the_next_request(app, make_user, make_assessment):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    inventory = make_assessment(AGS, editor)
    headers = bearer(token_for(app, editor))
    client = app.test_client()
    url = f"/api/v1/inventories/{inventory}/answers/{QUESTION}"
    body = {"revision": 0, "answer": {"status": "dont_know"}}
    assert client.put(url, json=body, headers=headers).status_code == 200
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == editor.id).values(role=Role.MUNICIPAL_VIEWER)
        )
        db.session.commit()
    body = {"revision": 1, "answer": None}
    assert client.put(url, json=body, headers=headers).status_code == 403
    assert client.get(url, headers=headers).status_code == 200


def test_the_api_ignores_the_sign_in_cookie_and_needs_no_csrf_token(app, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    auth = Auth(app.test_client())
    auth.login(user.email)
    refused = auth.client.get("/api/v1/me")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert auth.client.post(f"/api/v1/municipalities/{AGS}/inventories").status_code == 401
    with_token = app.test_client().post(
        f"/api/v1/municipalities/{AGS}/inventories", headers=bearer(token_for(app, user))
    )
    assert with_token.status_code == 201


def test_requests_over_the_limit_get_429_with_retry_after(make_app, database_url, make_user):
    app = make_app(make_config(database_url, API_RATE_LIMIT="3/minute"))
    user = make_user(Role.CURATOR)
    client = app.test_client()
    headers = bearer(token_for(app, user))
    url = "/api/v1/catalogue/trainings"
    codes = [client.get(url, headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/catalogue/trainings", headers=headers)
    assert limited.mimetype == "application/problem+json"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another token has its own budget.
    other = bearer(token_for(app, make_user(Role.CURATOR)))
    assert client.get("/api/v1/catalogue/trainings", headers=other).status_code == 200


def test_unknown_api_addresses_and_methods_answer_as_problems(app, client, make_user):
    headers = bearer(token_for(app, make_user(Role.ADMIN)))
    missing = client.get("/api/v1/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/me", headers=headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_catalogue_and_search(app, client, make_user):
    headers = bearer(token_for(app, make_user(Role.MUNICIPAL_VIEWER, ags=AGS)))
    found = client.get("/api/v1/municipalities?q=Ulm", headers=headers).json
    assert any(m["name"].startswith("Ulm") and m["accessible"] is False for m in found)
    solutions = client.get("/api/v1/catalogue/solutions", headers=headers).json
    assert solutions and {"id", "listing"} <= set(solutions[0])
    one = client.get(f"/api/v1/catalogue/solutions/{solutions[0]['id']}", headers=headers)
    assert one.json["id"] == solutions[0]["id"]
    assert client.get("/api/v1/catalogue/trainings", headers=headers).json


def test_a_program_asks_for_a_report_polls_the_job_and_downloads_the_pdf(
    app, make_user, make_assessment
):
    import io

    from pypdf import PdfReader

    editor = make_user(Role.MUNICIPAL_EDITOR, ags=AGS)
    inventory = make_assessment(AGS, editor)
    client = app.test_client()
    headers = {**bearer(token_for(app, editor)), "Accept-Language": "en"}
    base = f"/api/v1/inventories/{inventory}/reports"
    assert client.get(base, headers=headers).json == []
    wrong = client.post(base, json={"edition": "poster"}, headers=headers)
    assert wrong.status_code == 422 and "edition" in str(wrong.json["errors"])

    asked = client.post(base, json={"edition": "short"}, headers=headers)
    assert asked.status_code == 202, asked.json
    job = asked.json
    assert job["edition"] == "short" and job["language"] == "en"
    # Tests run jobs at once (JOBS_IMMEDIATE); a real worker would need a few polls.
    status = client.get(f"{base}/{job['id']}", headers=headers).json
    assert status["status"] == "ready" and status["download"], status
    pdf = client.get(status["download"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Albisheim" in text
    assert [j["id"] for j in client.get(base, headers=headers).json] == [job["id"]]
    # The same report again comes from the finished job at once.
    assert client.post(base, json={"edition": "short"}, headers=headers).json["id"] == job["id"]

    # Someone of another municipality learns nothing about the job.
    stranger = make_user(Role.MUNICIPAL_EDITOR, ags="09162000", email="fremd@example.org")
    theirs = bearer(token_for(app, stranger))
    assert client.get(f"{base}/{job['id']}", headers=theirs).status_code == 404
    assert client.get(status["download"], headers=theirs).status_code == 404
