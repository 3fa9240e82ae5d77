"""The `advisory` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import User


def test_console_script_lists_the_project_commands():
    script = Path(sys.executable).parent / "advisory"
    env = {**os.environ, "ADVISORY_DEBUG": "1", "ADVISORY_DATABASE_URL": "sqlite://"}
    result = subprocess.run([script, "--help"], capture_output=True, text=True, env=env, check=True)
    for command in ("import-municipalities", "create-user", "seed-demo", "run", "db"):
        assert command in result.stdout


def test_create_user_from_the_command_line(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Beratung@Land.example.org",
            "--name",
            "Bea Rat",
            "--role",
            "advisor",
            "--scope",
            "09 08115",
            "--password",
            "ein langes Passwort",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "beratung@land.example.org"))
        assert sorted(s.code for s in user.scopes) == ["08115", "09"]


def test_create_user_explains_a_refusal(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "municipal_editor",
            "--password",
            "ein langes Passwort",
        ]
    )
    assert result.exit_code != 0
    assert "Kommunale Rollen gehören zu genau einer Kommune" in result.output


def test_seed_demo_is_safe_to_run_twice_and_prints_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "10 created" in first.output and "0 created, 10 already there" in second.output
    assert "redaktion@albisheim.example.org" in second.output
    assert "Demo-Passwort-2026" in second.output
    with app.app_context():
        roles = set(db.session.scalars(select(User.role)))
    assert roles == {
        "municipal_editor",
        "municipal_viewer",
        "association_editor",
        "advisor",
        "trainer",
        "curator",
        "admin",
    }
