"""Report PDFs as background jobs: cache by key, progress, failures, the worker, the pages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from advisory.extensions import db
from advisory.models import ReportJob, Role
from advisory.services import report_jobs
from advisory.services.report_jobs import JobNotFound, request_report, run_job
from tests.conftest import Auth, make_config
from tests.test_reports import fill_village

ROOT = Path(__file__).resolve().parent.parent


def pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_a_report_is_rendered_once_per_key_and_served_from_the_cache(app, make_user):
    with app.app_context():
        user, assessment = fill_village(db.session)
        short = request_report(db.session, user, assessment, edition="short", language="de")
        assert short.status == "ready" and short.attempts == 1
        text = pages(short.pdf)
        assert len(text) <= 12
        joined = " ".join(text)
        for chapter in ("Management-Zusammenfassung", "Reifegrad im Überblick", "Fahrplan"):
            assert chapter in joined
        assert "Kurzfassung für den Gemeinderat" in text[0]
        assert "Anhang: alle Antworten" not in joined
        # Asked again unchanged: the same finished job, not a second render.
        again = request_report(db.session, user, assessment, edition="short", language="de")
        assert again.id == short.id and again.attempts == 1
        full = request_report(db.session, user, assessment, edition="full", language="de")
        assert full.id != short.id and len(pages(full.pdf)) > len(text)
        assert "Anhang: alle Antworten" in " ".join(pages(full.pdf))
        # A change to the inventory gives a new key; the superseded PDF is cleaned up.
        assessment.revision += 1
        db.session.commit()
        newer = request_report(db.session, user, assessment, edition="short", language="de")
        assert newer.id != short.id and newer.status == "ready"
        kept = set(db.session.scalars(select(ReportJob.id)))
        assert short.id not in kept and {newer.id, full.id} <= kept


def test_jobs_are_visible_only_to_those_who_may_see_them(app, make_user):
    with app.app_context():
        user, assessment = fill_village(db.session)
        job = request_report(db.session, user, assessment, language="en")
        assert job.with_names
        view = report_jobs.job_status(db.session, user, job.id)
        assert view.ready and view.filename.startswith("report-07333001")
        body, name = report_jobs.report_file(db.session, user, job.id, assessment.id)
        assert body.startswith(b"%PDF-") and name == view.filename
        stranger = make_user(Role.MUNICIPAL_EDITOR, ags="09162000")
        advisor = make_user(Role.ADVISOR, scopes="07333")
        for other in (stranger, advisor):
            with pytest.raises(JobNotFound):
                report_jobs.job_status(db.session, db.session.merge(other), job.id)
        with pytest.raises(JobNotFound):
            request_report(db.session, db.session.merge(stranger), assessment)
        with pytest.raises(JobNotFound):  # the job belongs to another inventory than named
            report_jobs.job_status(db.session, user, job.id, assessment.id + 1)
        # The advisor gets an edition without the staff's names, as a job of their own.
        theirs = request_report(db.session, db.session.merge(advisor), assessment, language="en")
        assert theirs.id != job.id and not theirs.with_names
        with pytest.raises(report_jobs.ReportJobError):
            request_report(db.session, user, assessment, edition="long")


def test_a_failing_report_is_retried_then_marked_failed_and_can_be_asked_again(app, monkeypatch):
    from advisory import reporting

    calls = []

    def broken(html, report):
        calls.append(1)
        raise RuntimeError("the layout engine crashed")

    monkeypatch.setattr(reporting, "html_to_pdf", broken)
    with app.app_context():
        user, assessment = fill_village(db.session)
        job = request_report(db.session, user, assessment, edition="short")
        assert job.status == "failed" and job.attempts == 3 and len(calls) == 3
        assert "the layout engine crashed" in job.error
        view = report_jobs.job_status(db.session, user, job.id)
        assert report_jobs.report_file(db.session, user, job.id) is None
        from advisory.wording import report_job_message

        assert "3" in report_job_message(view)
        monkeypatch.undo()
        again = request_report(db.session, user, assessment, edition="short")
        assert again.id == job.id and again.status == "ready" and again.error is None


def test_a_job_is_never_rendered_twice_at_once(app):
    with app.app_context():
        user, assessment = fill_village(db.session)
        job = request_report(db.session, user, assessment, edition="short")
        # Ready (or running elsewhere) jobs are not claimed again.
        assert run_job(db.session, job.id) is False
        job.status = "running"
        db.session.commit()
        assert run_job(db.session, job.id) is False
        assert request_report(db.session, user, assessment, edition="short").status == "running"


def test_the_report_page_asks_for_a_job_and_the_job_page_offers_the_download(app, auth, make_user):
    with app.app_context():
        user, assessment = fill_village(db.session)
        email, assessment_id = user.email, assessment.id
    auth.login(email)
    page = auth.client.get(f"/assessments/{assessment_id}/report").get_data(as_text=True)
    assert "Kurzfassung für den Gemeinderat" in page
    response = auth.post(
        f"/assessments/{assessment_id}/report/jobs",
        {"edition": "short", "lang": "de"},
        token_from=f"/assessments/{assessment_id}/report",
    )
    assert response.status_code == 302
    job_url = response.location
    job_page = auth.client.get(job_url).get_data(as_text=True)
    assert "Das PDF ist fertig." in job_page and 'http-equiv="refresh"' not in job_page
    status = auth.client.get(job_url + "/status").json
    assert status["status"] == "ready" and status["download"].endswith("/report.pdf")
    download = auth.client.get(status["download"])
    assert (
        download.mimetype == "application/pdf"
        and "kurzbericht-" in download.headers["Content-Disposition"]
    )
    # The old direct link still works: with the eager queue of the tests it gives the PDF.
    direct = auth.client.get(f"/assessments/{assessment_id}/report.pdf?edition=short")
    assert direct.data == download.data
    assert auth.client.get(f"/assessments/{assessment_id}/report.pdf?edition=x").status_code == 400
    bad = auth.post(
        f"/assessments/{assessment_id}/report/jobs",
        {"edition": "long", "lang": "de"},
        token_from=f"/assessments/{assessment_id}/report",
    )
    assert bad.status_code == 302 and bad.location.endswith("/report")
    assert "Bitte wählen Sie eine Fassung." in auth.client.get(bad.location).get_data(as_text=True)


def test_without_a_worker_the_job_waits_and_the_page_refreshes_itself(app, make_app, database_url):
    # The `app` fixture empties the database afterwards; this app has the real queue.
    app = make_app(make_config(database_url, JOBS_IMMEDIATE=False))
    with app.app_context():
        user, assessment = fill_village(db.session)
        email, assessment_id = user.email, assessment.id
    auth = Auth(app.test_client())
    auth.login(email)
    response = auth.post(
        f"/assessments/{assessment_id}/report/jobs",
        {"edition": "full", "lang": "de"},
        token_from=f"/assessments/{assessment_id}/report",
    )
    page = auth.client.get(response.location).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Warteschlange" in page
    assert "Administrator" in page and "report-job.js" in page
    assert auth.client.get(response.location + "/status").json["status"] == "queued"
    # Asked again while queued: the same job, no second one.
    again = auth.post(
        f"/assessments/{assessment_id}/report/jobs",
        {"edition": "full", "lang": "de"},
        token_from=f"/assessments/{assessment_id}/report",
    )
    assert again.location == response.location
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportJob.id))) == 1
    direct = auth.client.get(f"/assessments/{assessment_id}/report.pdf")
    assert direct.status_code == 302 and direct.location == response.location
    _drop_queue(app)


def _drop_queue(app) -> None:
    """Remove the queue file (SQLite) or empty the queue tables (PostgreSQL) of this test."""
    from advisory.queue import queue

    with app.app_context():
        queue().huey.flush()
        queue().release()


def worker_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ADVISORY_DATABASE_URL": database_url,
        "ADVISORY_SECRET_KEY": "w" * 40,
    }


def test_advisory_worker_renders_a_queued_job(app, make_app, database_url):
    """The real queue (SQLite file, or PostgreSQL tables in CI) and `advisory worker`."""
    app = make_app(make_config(database_url, JOBS_IMMEDIATE=False))
    _drop_queue(app)
    with app.app_context():
        user, assessment = fill_village(db.session)
        job = request_report(db.session, user, assessment, edition="short")
        assert job.status == "queued"
        job_id = job.id
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("advisory")), "worker"],
        env=worker_env(database_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        status = "queued"
        while time.monotonic() < deadline and status not in ("ready", "failed"):
            time.sleep(0.5)
            with app.app_context():
                status = db.session.scalar(select(ReportJob.status).where(ReportJob.id == job_id))
        assert status == "ready"
        with app.app_context():
            pdf = db.session.get(ReportJob, job_id).pdf
        assert len(pages(pdf)) <= 12
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0].decode()
    assert "advisory worker" in output, output
