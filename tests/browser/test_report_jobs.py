"""The PDF report as a background job, end to end: gunicorn serves the pages, `advisory worker`
renders the PDF, the browser sees the progress and downloads it, and the web workers stay small
(no chromium, no PDF rendering in them)."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from advisory.extensions import db
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.test_reports import fill_village

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: The issue's limit for a web worker's resident memory.
RSS_LIMIT_MB = 150


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)


def test_a_report_job_shows_progress_and_downloads_while_web_workers_stay_small(
    app, database_url, browser, tmp_path
):
    with app.app_context():
        user, assessment = fill_village(db.session)
        email, assessment_id = user.email, assessment.id
    env = {
        **os.environ,
        "ADVISORY_DATABASE_URL": database_url,
        "ADVISORY_SECRET_KEY": "g" * 40,
        "ADVISORY_SESSION_COOKIE_SECURE": "false",
        "ADVISORY_REMEMBER_COOKIE_SECURE": "false",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = start(
        [
            str(BIN / "gunicorn"),
            *("-c", "python:advisory.gunicorn_conf", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "advisory:create_app()"),
        ],
        env,
        tmp_path / "gunicorn.log",
    )
    worker = start([str(BIN / "advisory"), "worker"], env, tmp_path / "worker.log")
    context = browser.new_context(locale="de-DE", accept_downloads=True)
    # Generous: the report page of a fresh worker on a busy 2-core machine takes its time.
    context.set_default_timeout(90_000)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        page = context.new_page()
        login(page, base, email, PASSWORD)
        page.goto(f"{base}/assessments/{assessment_id}/report")
        page.get_by_label("Kurzfassung für den Gemeinderat", exact=False).check()
        page.get_by_role("button", name="PDF erstellen").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("PDF-Bericht")
        message = page.locator("#report-job-message")
        download_link = page.get_by_role("link", name="PDF herunterladen")
        seen, peak = set(), {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not download_link.is_visible():
            with contextlib.suppress(Exception):  # the page reloads when the job is done
                seen.add(message.inner_text(timeout=1_000))
            for pid in children(gunicorn.pid):
                peak[pid] = max(peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.2)
        expect(message).to_have_text("Das PDF ist fertig.")
        progress = [m for m in seen if "Schritt" in m or "Warteschlange" in m]
        assert progress, seen
        with page.expect_download() as info:
            download_link.click()
        download = info.value
        assert download.suggested_filename.startswith("kurzbericht-07333001")
        reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert 3 < len(reader.pages) <= 12
        assert "Albisheim (Pfrimm)" in text and "Kurzfassung für den Gemeinderat" in text
        # A second request of the unchanged report is served from the cache at once.
        started = time.monotonic()
        again = page.request.get(f"{base}/assessments/{assessment_id}/report.pdf?edition=short")
        assert again.headers["content-type"] == "application/pdf"
        assert again.body() == Path(download.path()).read_bytes()
        assert time.monotonic() - started < 5
        web_workers = children(gunicorn.pid)
        assert len(web_workers) == 2
        for pid in web_workers:
            peak[pid] = max(peak.get(pid, 0.0), rss_mb(pid))
            # Neither chromium (kaleido) nor anything else runs under a web worker.
            assert children(pid) == [], [command_line(c) for c in children(pid)]
        print("web worker peak RSS (MB):", {pid: round(mb) for pid, mb in peak.items()})
        assert peak and max(peak.values()) < RSS_LIMIT_MB, peak
        # The chart renderer ran in the worker: its chromium is a child of `advisory worker`.
        assert any("chrom" in command_line(c) for c in _descendants(worker.pid))
    finally:
        context.close()
        for process in (worker, gunicorn):
            process.terminate()
        for process in (worker, gunicorn):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


def _descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *_descendants(child)]
    return found
