"""The report page in a real browser: charts drawn, accessible, no third party, PDF downloads."""

from __future__ import annotations

from playwright.sync_api import expect

from advisory.extensions import db
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.test_reports import fill_village


def test_report_page_passes_axe_and_its_pdf_link_downloads_a_pdf(
    app, page, live_server, foreign_requests
):
    with app.app_context():
        user, assessment = fill_village(db.session)
        email, assessment_id = user.email, assessment.id
    login(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/assessments/{assessment_id}/report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Albisheim (Pfrimm)")
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible()
    expect(page.get_by_text("einige Sekunden")).to_be_visible()
    found = violations(page)
    assert found == [], found
    # The test app renders report jobs at once (tests/browser/test_report_jobs.py runs the
    # real worker): the job page offers the download.
    # Rendering at once (the first time with the chart renderer's start) can take a while.
    page.get_by_role("button", name="PDF erstellen").click(timeout=120_000)
    expect(page.locator("#report-job-message")).to_have_text("Das PDF ist fertig.", timeout=30_000)
    assert violations(page) == []
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("link", name="PDF herunterladen").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert list(foreign_requests) == []
