"""HTTP throughput of the inventory under gunicorn (2 workers), as ratios to a trivial route.

Run from the repository root: .venv/bin/python benchmarks/http.py [--requests 300]
It serves the app on a loopback port with a throwaway SQLite database (or
ADVISORY_BENCH_DATABASE_URL), signs in, and measures in one run:
  - GET  /health                                   (the baseline: one trivial query)
  - GET  /assessments/<id>/sections/<domain>       (a domain page with ~11 questions)
  - POST /assessments/<id>/answers/<question>      (an autosave that changes the answer)
  - GET  /assessments/<id>/results                 (scores, charts, recommendations, plan)
  - GET  /assessments/<id>/report                  (the report as a web page)
The inventory is answered with the demo answer set of a mid-sized town (as far as the current
questionnaire has those questions) and has target levels, so that the results and the report show
what a real inventory shows. Each page is reported in requests per second and as a ratio to the
baseline (median of the rounds, and the lowest and highest ratio of a round).
Targets (issue 14): domain page >= 0.30, save >= 0.25, results and report >= 0.15.
The pages are measured as a user sees them on a second view: each worker keeps drawn questions,
the built report and drawn sections for equal inputs (ADVISORY_FRAGMENT_CACHE); every save
changes an answer, so the save is always scored and summarised anew. `--no-kept` turns keeping
off and measures drawing every page from scratch.
"""

from __future__ import annotations

import sys

# This file is named http.py: keep its folder off the import path so the standard library's
# http package is found.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse  # noqa: E402
import http.cookiejar  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
THREADS = 4
PASSWORD = "Kaffee im Rathaus um sieben"  # noqa: S105 - a throwaway account on loopback
EMAIL = "bench@example.org"
QUESTIONS = [
    "strategy.budget",
    "strategy.prioritisation",
    "strategy.responsibility",
    "strategy.digital_goals",
]
VALUES = {
    "strategy.budget": ["none", "case_by_case", "budget_line", "multi_year"],
    "strategy.prioritisation": ["none", "by_request", "criteria", "portfolio"],
    "strategy.responsibility": ["none", "side_task", "named", "shared_administration"],
    "strategy.digital_goals": ["none", "informal", "in_existing", "own_strategy"],
}


def prepare(database_url: str) -> tuple[int, dict[str, int]]:
    """Migrate, load the directory, create an editor and an answered inventory.

    Return the inventory's id and the revisions of the answers that the save measurement changes.
    """
    code = """
import sys
from advisory import create_app
from advisory.database import upgrade
from advisory.extensions import db
from advisory.models import Role, Municipality
from advisory.services.accounts import create_user
from advisory.services.municipalities import import_municipalities
from advisory.services.assessments import start_assessment, import_answers
from advisory.services.results import set_targets
from advisory.content import current_questionnaire
from advisory.demo import demo_set
from sqlalchemy import select
import json
from advisory.models import Answer
database_url, email, password = sys.argv[1:4]
app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url})
with app.app_context():
    upgrade(db.engine)
    import_municipalities(db.session)
    m = db.session.scalar(select(Municipality).where(Municipality.ags == "08115021"))
    u = create_user(db.session, email=email, name="Bench", password=password,
                    role=Role.MUNICIPAL_EDITOR, municipality=m)
    q = current_questionnaire()
    a = start_assessment(db.session, m, u, q)
    data = demo_set("town")
    import_answers(db.session, a, q, data["answers"], u)
    set_targets(db.session, a, dict(data.get("targets") or {}), u)
    revisions = {
        row.question_id: row.revision
        for row in db.session.scalars(select(Answer).where(Answer.assessment_id == a.id))
    }
    print(json.dumps({"id": a.id, "revisions": revisions}))
"""
    out = subprocess.run(
        [BIN / "python", "-c", code, database_url, EMAIL, PASSWORD],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    prepared = json.loads(out.stdout.strip().splitlines()[-1])
    return prepared["id"], prepared["revisions"]


# A fixed port, so that firewalls and a second run see the same thing; --port changes it.
DEFAULT_PORT = int(os.environ.get("ADVISORY_BENCH_PORT", "58741"))


def fresh_database(url: str, email: str, password: str, scopes: str):
    """Empty the database (PostgreSQL: its public schema), migrate, load the directory and
    create an advisor with `scopes`; return the engine (the caller disposes of it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from advisory.database import upgrade
    from advisory.models import Role
    from advisory.services.accounts import create_user, parse_scopes
    from advisory.services.municipalities import import_municipalities

    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    with Session(engine) as session:
        import_municipalities(session)
        create_user(
            session,
            email=email,
            name="Bench Advisor",
            password=password,
            role=Role.ADVISOR,
            scopes=parse_scopes(scopes),
        )
    return engine


def wait_for(base: str, tries: int = 300) -> None:
    """Wait until the server at `base` answers /health (0.2 s apart)."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(base + "/health", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def start_gunicorn(url: str, port: int, **settings: str) -> subprocess.Popen:
    """Start the app under gunicorn with the shipped configuration (2 workers) on the port.

    `settings` are further ADVISORY_ settings, e.g. FRAGMENT_CACHE="0".
    """
    env = {
        **os.environ,
        **{f"ADVISORY_{key}": value for key, value in settings.items()},
        "ADVISORY_DATABASE_URL": url,
        "ADVISORY_SECRET_KEY": "b" * 40,
        "ADVISORY_SESSION_COOKIE_SECURE": "false",
    }
    command = [BIN / "gunicorn", "--config", str(ROOT / "advisory" / "gunicorn_conf.py")]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    return subprocess.Popen([*command, "advisory:create_app()"], env=env, cwd=ROOT)


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn; on a busy machine it may need longer than its graceful timeout allows."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def check_port(port: int) -> int:
    """Return the port if it is free on loopback; stop with a clear message otherwise."""
    with socket.socket() as sock:
        # As gunicorn does: connections of a previous run still in TIME_WAIT do not block it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"Port {port} is in use; choose another with --port.") from None
    return port


class Client:
    """A signed-in browser stand-in: cookies and the CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        self.post("/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)})
        home = self.get("/")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, accept_json: bool = False) -> str:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers={"Accept": "application/json"} if accept_json else {},
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()


def measure(name: str, clients: list[Client], work, requests: int) -> float:
    """Run `requests` calls spread over the clients' threads; return requests per second."""
    per_thread = requests // len(clients)
    errors: list[BaseException] = []

    def run(index: int, client: Client) -> None:
        try:
            for i in range(per_thread):
                work(index, client, i)
        except BaseException as error:  # reported after the run
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{name}: {errors[0]!r}")
    return per_thread * len(clients) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="loopback port to serve on")
    parser.add_argument(
        "--smoke", action="store_true", help="a few requests only: proves that the script works"
    )
    parser.add_argument(
        "--no-kept",
        action="store_true",
        help="ADVISORY_FRAGMENT_CACHE=0: draw every question, report and recommendation anew",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated measurements besides the baseline: page, save, results, report",
    )
    args = parser.parse_args()
    warm_up = 40
    if args.smoke:
        args.requests, args.rounds, warm_up = 8, 1, 4
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("ADVISORY_BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        assessment, stored = prepare(url)
        port = check_port(args.port)
        server = start_gunicorn(url, port, **({"FRAGMENT_CACHE": "0"} if args.no_kept else {}))
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/health", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            clients = [Client(base) for _ in range(THREADS)]
            page = f"/assessments/{assessment}/sections/strategy"
            revisions = {question: stored.get(question, 0) for question in QUESTIONS}

            def health(_index, client, _i):
                client.get("/health")

            def domain_page(_index, client, _i):
                client.get(page)

            def save(index, client, i):
                question = QUESTIONS[index]
                value = VALUES[question][i % 4]
                body = client.post(
                    f"/assessments/{assessment}/answers/{question}",
                    {
                        "csrf_token": client.csrf,
                        f"present-{question}": "1",
                        f"rev-{question}": str(revisions[question]),
                        f"q-{question}": value,
                    },
                    accept_json=True,
                )
                revisions[question] = json.loads(body)["revision"]

            def results_page(_index, client, _i):
                client.get(f"/assessments/{assessment}/results")

            def report_page(_index, client, _i):
                client.get(f"/assessments/{assessment}/report")

            works = {
                "health": health,
                "page": domain_page,
                "save": save,
                "results": results_page,
                "report": report_page,
            }
            only = {name.strip() for name in args.only.split(",") if name.strip()}
            if only - set(works):
                raise SystemExit(f"--only: unknown measurement {sorted(only - set(works))}")
            if only:
                works = {key: work for key, work in works.items() if key == "health" or key in only}
            for work in works.values():  # warm up every worker
                measure("warm-up", clients, work, warm_up)
            results: dict[str, list[float]] = {key: [] for key in works}
            for _ in range(args.rounds):
                for key, work in works.items():
                    results[key].append(measure(key, clients, work, args.requests))
        finally:
            stop(server)
    base_rate = statistics.median(results["health"])
    print(
        f"gunicorn 2 workers (advisory/gunicorn_conf.py), {THREADS} client threads, "
        f"{args.requests} requests x "
        f"{args.rounds} rounds, median" + (", nothing kept (--no-kept)" if args.no_kept else "")
    )
    print(f"  GET  /health (baseline)     {base_rate:8.1f} req/s  ratio 1.00")
    labels = {
        "page": "GET  domain page",
        "save": "POST answer save",
        "results": "GET  results page",
        "report": "GET  web report page",
    }
    for key, label in labels.items():
        if key not in results:
            continue
        rate = statistics.median(results[key])
        # Each round's ratio against the baseline of the same round shows the spread.
        ratios = [r / h for r, h in zip(results[key], results["health"], strict=True)]
        print(
            f"  {label:<27} {rate:8.1f} req/s  ratio {rate / base_rate:.2f}"
            f"  (rounds {' '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
