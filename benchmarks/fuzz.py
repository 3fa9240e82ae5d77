"""Fuzz every form route with ≥ 10,000 generated hostile requests; report any response ≥ 500.

Run from the repository root: `.venv/bin/python benchmarks/fuzz.py [--cases 10000] [--seed 13]`
(`--smoke`: 50 cases, so that a test proves the script still works). It uses the generator of
the test suite (`tests/fuzzing.py`) on a throwaway SQLite database (or
ADVISORY_BENCH_DATABASE_URL, which is emptied), signed in as editor, advisor, curator and admin,
and prints the rate against GET /health measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Replace this script's folder: benchmarks/http.py would shadow the standard library's http.
sys.path[0] = str(ROOT)

PASSWORD = "benchmark passphrase"  # noqa: S105 - throwaway accounts in a throwaway database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--smoke", action="store_true", help="50 cases: the script works")
    args = parser.parse_args()
    if args.smoke:
        args.cases = 50

    from sqlalchemy import select

    from advisory import create_app
    from advisory.content import current_questionnaire
    from advisory.database import upgrade
    from advisory.extensions import db
    from advisory.models import Municipality, Role, User
    from advisory.services.accounts import create_user, parse_scopes
    from advisory.services.assessments import start_assessment
    from advisory.services.municipalities import import_municipalities
    from tests import fuzzing

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("ADVISORY_BENCH_DATABASE_URL", f"sqlite:///{folder}/fuzz.sqlite3")
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "fuzz",
                "DATABASE_URL": url,
                "SESSION_COOKIE_SECURE": False,
                "WTF_CSRF_ENABLED": False,
                "LOGIN_RATE_LIMIT": "100000/minute",
            }
        )
        with app.app_context():
            upgrade(db.engine)
            import_municipalities(db.session)

            def place(ags: str):
                return db.session.scalar(select(Municipality).where(Municipality.ags == ags))

            def account(email, role, municipality=None, scopes=""):
                return create_user(
                    db.session, email=email, name=email.split("@")[0], password=PASSWORD,
                    role=role, municipality=municipality, scopes=parse_scopes(scopes),
                )  # fmt: skip

            editor = account("editor@fuzz.example", Role.MUNICIPAL_EDITOR, place("07333001"))
            stranger = account("other@fuzz.example", Role.MUNICIPAL_EDITOR, place("08115021"))
            account("advisor@fuzz.example", Role.ADVISOR, scopes="07")
            account("curator@fuzz.example", Role.CURATOR)
            account("admin@fuzz.example", Role.ADMIN)
            q = current_questionnaire()
            own = start_assessment(db.session, place("07333001"), editor, q).id
            foreign = start_assessment(db.session, place("08115021"), stranger, q).id
            ids = [editor.id, stranger.id]
            emails = list(db.session.scalars(select(User.email).order_by(User.id)))
        clients = {}
        for email in emails:
            if email.startswith("other@"):
                continue
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, email
            clients[email.split("@")[0]] = client
        world = fuzzing.build_world(app, ["07333001", "08115021"], ids, [own, own, foreign])
        health = app.test_client()
        started = time.perf_counter()
        for _ in range(200):
            health.get("/health")
        health_rate = 200 / (time.perf_counter() - started)
        report = fuzzing.run(app, clients, world, args.cases, seed=args.seed)
        with app.app_context():
            db.engine.dispose()
    print(fuzzing.describe(report))
    rate = report.cases / report.seconds
    print(
        f"  GET /health (baseline) {health_rate:8.1f} req/s  ratio 1.00\n"
        f"  fuzz cases             {rate:8.1f} req/s  ratio {rate / health_rate:.2f}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
