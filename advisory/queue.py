"""The background job queue (huey): where report jobs wait and how `advisory worker` runs them.

One library serves both databases, so the quick start needs nothing but Python:

- PostgreSQL: the queue lives in the same database (huey's `huey_*` tables, LISTEN/NOTIFY);
  workers on other machines only need the database URL.
- SQLite: the queue is a second SQLite file beside the database (`…-queue.sqlite3`).
- Tests (`TESTING`) and `ADVISORY_JOBS_IMMEDIATE=true`: jobs run at once in the calling
  process, as if a worker had taken them immediately.

The web process only enqueues; the storage is opened lazily on the first enqueue.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy.engine import make_url

if TYPE_CHECKING:  # huey is loaded on the first job, not by every web worker at start
    from huey import Huey

log = logging.getLogger(__name__)

#: A failing report is tried this many times in all before it counts as failed.
ATTEMPTS = 3
#: Seconds between two attempts in a real worker (immediate mode retries at once).
RETRY_DELAY = 10


class JobQueue:
    """The queue of one app: a huey instance and the tasks registered on it."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._render = None

    @property
    def immediate(self) -> bool:
        config = self.app.config
        return _flag(config.get("JOBS_IMMEDIATE", config.get("TESTING", False)))

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            self._huey = self._make_huey()
            self._render = self._huey.task(
                retries=ATTEMPTS - 1,
                retry_delay=0 if self.immediate else RETRY_DELAY,
                context=True,
                name="render_report",
            )(self._render_report)
        return self._huey

    def enqueue_report(self, job_id: int) -> None:
        """Put a report job on the queue (in immediate mode: render it now)."""
        self.huey  # noqa: B018 - registers the task
        self._render(job_id)
        if not self.immediate:
            self.release()

    def release(self) -> None:
        """Close the queue's database connection: a web worker keeps none open between requests."""
        if self._huey is not None:
            self._huey.storage.close()

    def run_worker(self, workers: int = 1) -> None:
        """Take jobs from the queue until SIGINT/SIGTERM (what `advisory worker` runs)."""
        # A short poll interval: SQLite is polled (PostgreSQL wakes workers with LISTEN/NOTIFY).
        consumer = self.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=False, max_delay=1.0
        )
        consumer.run()

    def _render_report(self, job_id: int, task=None) -> None:
        from advisory.extensions import db
        from advisory.services.report_jobs import run_job

        final = task is None or task.retries <= 0
        with self.app.app_context():
            run_job(db.session, job_id, final_attempt=final)

    def _make_huey(self) -> Huey:
        from huey import MemoryHuey, PostgresHuey, SqliteHuey

        if self.immediate:
            return MemoryHuey("advisory", immediate=True, results=False)
        url = make_url(self.app.extensions["advisory.db"][0].url)
        if url.get_backend_name() == "postgresql":
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            return PostgresHuey("advisory", results=False, dsn=dsn)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database)
            filename = str(path.with_name(f"{path.stem}-queue.sqlite3"))
            return SqliteHuey("advisory", results=False, filename=filename)
        raise RuntimeError(
            f"No job queue for the database {url.render_as_string()}: use PostgreSQL or a "
            "SQLite file, or set ADVISORY_JOBS_IMMEDIATE=true to render reports in the web process."
        )


def init_app(app: Flask) -> None:
    app.extensions["advisory.queue"] = JobQueue(app)


def queue() -> JobQueue:
    """Return the current app's job queue."""
    return current_app.extensions["advisory.queue"]


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
