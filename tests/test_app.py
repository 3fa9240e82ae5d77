"""The application as a whole: configuration, health check, headers, error pages."""

from __future__ import annotations

import pytest
from flask import abort

from advisory import create_app
from advisory.config import ConfigError
from tests.conftest import make_config


def test_refuses_to_start_with_the_default_secret_key_outside_debug(monkeypatch):
    monkeypatch.delenv("ADVISORY_SECRET_KEY", raising=False)
    monkeypatch.setenv("ADVISORY_DATABASE_URL", "sqlite://")
    with pytest.raises(ConfigError, match="ADVISORY_SECRET_KEY"):
        create_app()


def test_environment_variables_configure_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISORY_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("ADVISORY_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("ADVISORY_LOGIN_MAX_FAILURES", "3")
    app = create_app()
    assert app.config["LOGIN_MAX_FAILURES"] == 3
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_health_reports_ok_with_a_reachable_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_the_database_is_unreachable(tmp_path, make_app):
    unreachable = f"sqlite:///{tmp_path}/missing-folder/db.sqlite3"
    app = make_app(make_config(unreachable))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error"}


@pytest.mark.parametrize("path", ["/login", "/health", "/about", "/does-not-exist"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_are_german_by_default_and_english_on_request(client):
    assert "Anmelden" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Sign in" in english.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "german", "english"),
    [
        (400, "Die Anfrage konnte nicht verarbeitet werden", "The request could not be processed"),
        (403, "Zugriff verweigert", "Access denied"),
        (404, "Seite nicht gefunden", "Page not found"),
        (500, "Bei uns ist ein Fehler aufgetreten", "Something went wrong on our side"),
    ],
)
def test_error_pages_in_german_and_english_without_a_stack_trace(
    database_url, make_app, code, german, english
):
    app = make_app(make_config(database_url, PROPAGATE_EXCEPTIONS=False))

    @app.get("/fail")
    def fail():
        if code == 500:
            raise RuntimeError("secret internal detail")
        abort(code)

    client = app.test_client()
    page = client.get("/fail").get_data(as_text=True)
    assert german in page
    assert "Traceback" not in page and "secret internal detail" not in page
    page = client.get("/fail", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english in page


def test_state_changing_requests_without_csrf_token_are_refused(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400
    assert "nichts gespeichert" in response.get_data(as_text=True)


def test_language_choice_only_redirects_within_the_site(auth):
    response = auth.post(
        "/language", {"language": "en", "next": "//evil.example/"}, token_from="/login"
    )
    assert response.status_code == 302
    assert response.location == "/"
