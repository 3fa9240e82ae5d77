"""The advisors' portfolio dashboard at 20, 500 and 2,000 inventories, as ratios to /health.

Run from the repository root: .venv/bin/python benchmarks/portfolio.py [--smoke]
It builds a throwaway SQLite database (or uses ADVISORY_BENCH_DATABASE_URL, which is emptied)
with the directory and an advisor for Rhineland-Palatinate (about 2,300 municipalities), serves
the app with gunicorn (2 workers) on a loopback port, and then, for each stage, adds inventories
with about 140 answers each (bulk inserts: 2,000 inventories are about 280,000 answer rows),
brings their summaries up to date with the scoring service (`refresh_summaries`, as
`advisory refresh-summaries` does) and measures in the same run:
  - GET /health                 (the baseline: one trivial query)
  - GET /portfolio/             (the dashboard, first page, submitted inventories first)
  - GET /portfolio/?district=…  (a filtered page: one district)
  - GET /                       (the advisor's home page, which shows the first 10 rows)
  - GET /about                  (for reference: a signed-in page that reads no data)
The target is a dashboard ratio of at least 0.25 at 2,000 inventories. The dashboard keeps its
rendered table per worker until a summary changes; `--no-cache` measures every request rendered
afresh. Workers are not replaced during the run (ADVISORY_GUNICORN_MAX_REQUESTS=0).
`--smoke` runs tiny stages with few requests (a test runs it to keep this file working).
"""

from __future__ import annotations

import sys

# benchmarks/http.py sits beside this file: keep the folder off the import path so that the
# standard library's http package is found.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STATE = "07"  # Rhineland-Palatinate: over 2,000 municipalities, most of them small
DISTRICT = "Donnersbergkreis"
STATUSES = ["in_progress"] * 6 + ["submitted", "in_review", "validated", "validated"]


def _http_helpers():
    """Load Client, measure and check_port from benchmarks/http.py (one implementation)."""
    spec = importlib.util.spec_from_file_location("bench_http", Path(__file__).with_name("http.py"))
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    spec.loader.exec_module(module)
    sys.path[:] = saved  # http.py trims the import path for itself
    return module


ANSWERS = 146  # with 90-100 % kept: about 140 answers per inventory


def answer_sets(questionnaire) -> list[dict[str, dict]]:
    """Return the three demo answer sets in stored form, each topped up to ANSWERS answers with
    "don't know" for further questions (the demo sets hold 111 to 138 answers)."""
    from advisory.demo import demo_set

    every = [q.id for section in (questionnaire.profile, *questionnaire.domains)
             for q in section.questions]  # fmt: skip
    sets = []
    for name in ("rural", "town", "city"):
        answers = dict(demo_set(name)["answers"])
        for question_id in every:
            if len(answers) >= ANSWERS:
                break
            answers.setdefault(question_id, {"status": "dont_know"})
        sets.append(answers)
    return sets


def add_inventories(url: str, count: int, seed: int) -> tuple[int, float, float]:
    """Add `count` inventories to municipalities of the state that have none; return
    (answer rows added, seconds for the inserts, seconds for the summaries)."""
    from advisory.content import current_questionnaire
    from advisory.models import Answer, Assessment, Municipality
    from advisory.services.portfolio import refresh_summaries

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    questionnaire = current_questionnaire()
    sets = answer_sets(questionnaire)
    engine = create_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        taken = select(Assessment.municipality_id)
        places = session.scalars(
            select(Municipality.id)
            .where(
                Municipality.state_code == STATE,
                Municipality.population > 0,
                Municipality.id.not_in(taken),
            )
            .order_by(Municipality.ags)
            .limit(count)
        ).all()
        now = dt.datetime.now(dt.UTC)
        session.execute(
            Assessment.__table__.insert(),
            [
                {
                    "municipality_id": place,
                    "questionnaire_id": questionnaire.id,
                    "questionnaire_version": questionnaire.version,
                    "status": rng.choice(STATUSES),
                    "revision": 1,
                    "created_at": now,
                    "updated_at": now - dt.timedelta(minutes=rng.randrange(60 * 24 * 90)),
                }
                for place in places
            ],
        )
        ids = session.scalars(
            select(Assessment.id).where(Assessment.municipality_id.in_(places))
        ).all()
        rows = 0
        batch: list[dict] = []
        for assessment_id in ids:
            answers = sets[rng.randrange(len(sets))]
            keep = rng.uniform(0.9, 1.0)  # inventories are finished to different degrees
            for question_id, answer in answers.items():
                if rng.random() > keep:
                    continue
                batch.append(
                    {
                        "assessment_id": assessment_id,
                        "question_id": question_id,
                        "status": answer["status"],
                        "value": answer.get("value"),
                        "revision": 1,
                        "updated_at": now,
                    }
                )
            if len(batch) >= 20_000:
                session.execute(Answer.__table__.insert(), batch)
                rows += len(batch)
                batch.clear()
        if batch:
            session.execute(Answer.__table__.insert(), batch)
            rows += len(batch)
        session.commit()
        inserted = time.perf_counter() - started
        started = time.perf_counter()
        refresh_summaries(session, only_stale=True)
        summarised = time.perf_counter() - started
    engine.dispose()
    return rows, inserted, summarised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny stages, few requests")
    parser.add_argument("--port", type=int, default=58743, help="loopback port to serve on")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve without the dashboard's cache of rendered tables (ADVISORY_PORTFOLIO_CACHE)",
    )
    args = parser.parse_args()
    if args.no_cache:  # the served app reads it from the environment
        os.environ["ADVISORY_PORTFOLIO_CACHE"] = "false"
    # No worker replacement during the run: on a busy machine a new worker spends tens of
    # seconds importing the app, and requests waiting for it time out; that is not page time.
    os.environ.setdefault("ADVISORY_GUNICORN_MAX_REQUESTS", "0")
    stages = (2, 5, 10) if args.smoke else (20, 500, 2000)
    requests = 8 if args.smoke else args.requests
    rounds = 1 if args.smoke else args.rounds
    bench = _http_helpers()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("ADVISORY_BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        bench.fresh_database(url, bench.EMAIL, bench.PASSWORD, STATE).dispose()
        port = bench.check_port(args.port)
        server = bench.start_gunicorn(url, port)
        lines = []
        try:
            base = f"http://127.0.0.1:{port}"
            bench.wait_for(base, tries=150)
            clients = [bench.Client(base) for _ in range(bench.THREADS)]
            pages = {
                "about": "/about",
                "dashboard": "/portfolio/",
                "district": f"/portfolio/?district={DISTRICT}",
                "home": "/",
            }
            total = answers = 0
            for stage in stages:
                rows, inserted, summarised = add_inventories(url, stage - total, seed=stage)
                total, answers = stage, answers + rows
                first = clients[0].get(pages["dashboard"])
                if "portfolio-table" not in first:
                    raise SystemExit("the dashboard did not render its table")
                works = {"health": "/health", **pages}
                for path in works.values():  # warm up every worker
                    bench.measure("warm-up", clients, lambda _i, c, _n, p=path: c.get(p), 16)
                rates: dict[str, list[float]] = {key: [] for key in works}
                for _ in range(rounds):
                    for key, path in works.items():
                        rates[key].append(
                            bench.measure(
                                key, clients, lambda _i, c, _n, p=path: c.get(p), requests
                            )
                        )
                health = statistics.median(rates["health"])
                lines.append(
                    f"{total:>5} inventories, {answers:>7} answer rows "
                    f"(inserted in {inserted:.1f} s, summaries in {summarised:.1f} s)"
                )
                lines.append(f"    GET /health (baseline)        {health:8.1f} req/s  ratio 1.00")
                for key, path in pages.items():
                    rate = statistics.median(rates[key])
                    lines.append(
                        f"    GET {path[:26]:<26} {rate:8.1f} req/s  ratio {rate / health:.2f}"
                    )
                print(f"measured at {total} inventories", file=sys.stderr, flush=True)
            engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
            print(
                f"{engine}, gunicorn 2 workers, {bench.THREADS} client threads, {requests} "
                f"requests x {rounds} rounds, median"
                + (", dashboard cache off" if args.no_cache else "")
            )
            for line in lines:
                print(line, flush=True)
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
