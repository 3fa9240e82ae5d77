"""The district view and a state-wide region view over synthetic inventories, against /health.

Run from the repository root: .venv/bin/python benchmarks/regions.py [--smoke]
It builds a throwaway SQLite database (or uses ADVISORY_BENCH_DATABASE_URL, which is emptied:
the target is PostgreSQL) with the directory and an advisor for Rhineland-Palatinate (the state
with the most municipalities, about 2,300), seeds synthetic inventories for every inhabited
municipality of Germany (about 10,800; `--smoke`: one district) through the same service as
`advisory seed-synthetic`, serves the app with gunicorn (2 workers) on a loopback port and
measures in the same run, one request at a time (median server time on loopback):
  - GET /health                                   (the baseline: one trivial query)
  - GET /regions/?district=07333&data=synthetic   (a district: about 80 municipalities)
  - GET /regions/?state=07&data=synthetic         (a state: about 2,300 municipalities)
  - a municipality's peer medians per domain (advisory.services.peers, cold and warm cache)
and prints each as milliseconds and as a ratio to /health. The target is under 300 ms.
"""

from __future__ import annotations

import sys

# benchmarks/http.py sits beside this file: keep the folder off the import path so that the
# standard library's http package is found.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

STATE = "07"  # Rhineland-Palatinate: about 2,300 municipalities, the most of any state
DISTRICT = "07333"  # Donnersbergkreis
TARGET_MS = 300.0


def _http_helpers():
    """Load Client, start_gunicorn and the account from benchmarks/http.py (one implementation)."""
    spec = importlib.util.spec_from_file_location("bench_http", Path(__file__).with_name("http.py"))
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    spec.loader.exec_module(module)
    sys.path[:] = saved  # http.py trims the import path for itself
    return module


def prepare(url: str, email: str, password: str, smoke: bool) -> tuple[int, float]:
    """Migrate, load the directory, create the advisor and seed; return (inventories, seconds)."""
    from advisory.services.synthetic import seed_synthetic

    engine = _http_helpers().fresh_database(url, email, password, STATE)
    with Session(engine) as session:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 2000 < 500 or done == total:
                print(f"  seeded {done:,} of {total:,}", file=sys.stderr, flush=True)

        result = seed_synthetic(
            session, None, district=DISTRICT if smoke else None, progress=progress
        )
        seeded = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
    engine.dispose()
    return result.created, seeded


def _app_context(url: str):
    """Return an app context on the benchmark database (for service-level measurements)."""
    from advisory import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    return app.app_context()


def peer_median_times(url: str, requests: int) -> dict[str, float]:
    """Time a municipality's peer medians per domain (synthetic), cold and warm, in ms."""
    from sqlalchemy import select

    from advisory.extensions import db
    from advisory.models import Municipality
    from advisory.services.peers import clear_cache, peer_medians

    with _app_context(url):
        place = db.session.scalar(select(Municipality).where(Municipality.ags == "07333001"))
        clear_cache()
        started = time.perf_counter()
        peer_medians(db.session, place, synthetic=True)
        cold = (time.perf_counter() - started) * 1000
        warm = []
        for _ in range(requests):
            started = time.perf_counter()
            peer_medians(db.session, place, synthetic=True)
            warm.append((time.perf_counter() - started) * 1000)
    return {
        "peer medians, cold (service)": cold,
        "peer medians, warm (service)": statistics.median(warm),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def latency(client, path: str, requests: int) -> float:
    """Return the median milliseconds of `requests` sequential GETs (after two warm-ups)."""
    for _ in range(2):
        client.get(path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="per page")
    parser.add_argument("--smoke", action="store_true", help="one district, few requests")
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: a free one)")
    args = parser.parse_args()
    requests = 3 if args.smoke else args.requests
    bench = _http_helpers()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("ADVISORY_BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        seeded, seconds = prepare(url, bench.EMAIL, bench.PASSWORD, args.smoke)
        port = bench.check_port(args.port or free_port())
        server = bench.start_gunicorn(url, port)
        try:
            base = f"http://127.0.0.1:{port}"
            bench.wait_for(base)
            client = bench.Client(base)
            pages = {
                "district": f"/regions/?district={DISTRICT}&data=synthetic",
                "state": f"/regions/?state={STATE}&data=synthetic",
            }
            for path in pages.values():
                page = client.get(path)
                if "distribution-table" not in page or "synthetisch" not in page:
                    raise SystemExit(f"{path} did not render the synthetic figures")
            health = latency(client, "/health", requests)
            times = {key: latency(client, path, requests) for key, path in pages.items()}
            # --- peer medians (developer `peers`, merged): the service on the same data ---------
            times.update(peer_median_times(url, requests))
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{engine}, gunicorn 2 workers, {seeded:,} synthetic inventories seeded in "
        f"{seconds:.1f} s; median of {requests} sequential requests"
    )
    print(f"    GET /health (baseline)                     {health:8.1f} ms  ratio 1.00")
    for key, path in pages.items():
        verdict = "ok" if times[key] < TARGET_MS else f"over the {TARGET_MS:.0f} ms target"
        print(
            f"    GET {path:<40} {times[key]:8.1f} ms  ratio {times[key] / health:6.1f}"
            f"  ({key}, {verdict})"
        )
    for key in times.keys() - pages.keys():
        print(f"    {key:<44} {times[key]:8.1f} ms")


if __name__ == "__main__":
    main()
