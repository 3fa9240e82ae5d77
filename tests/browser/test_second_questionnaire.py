"""The invented second questionnaire answered in the browser: results and PDF report as pinned."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from advisory import content, create_app
from advisory.models import Role
from questionnaires import parse_yaml
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD, _clean, dispose, make_config

CONTENT = Path(__file__).resolve().parents[1] / "content"
VILLAGE = "07333001"


@pytest.fixture
def app(database_url, tmp_path):
    """The test app offering the test questionnaire from tests/content (not the environment)."""
    content.reload()
    app = create_app(
        make_config(
            database_url,
            CONTENT_DIRS=[str(CONTENT)],
            CONTENT_UPLOAD_DIR=str(tmp_path / "uploads"),
        )
    )
    yield app
    content.reload()
    _clean(app)
    dispose(app)


def saved(page, question_id: str) -> None:
    section = page.locator(f"section[data-question='{question_id}']")
    expect(section.locator("[data-status]")).to_contain_text("Gespeichert um")


def test_the_second_questionnaire_answered_in_the_browser_gives_the_golden_numbers(
    app, page, live_server, make_user, foreign_requests, tmp_path
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/municipalities/{VILLAGE}")
    page.get_by_label("Fragebogen").select_option(label="Digital-Kompass (Testfragebogen)")
    page.get_by_role("button", name="Bestandsaufnahme beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Digital-Kompass")
    overview = page.url

    page.goto(overview + "/sections/administration")
    for service in ("Meldewesen", "Anwohnerparken", "Hundesteuer"):
        page.get_by_label(service).check()
    saved(page, "administration.services")
    page.locator("section[data-question='administration.eakte']").get_by_label("Pilot").check()
    saved(page, "administration.eakte")

    page.goto(overview + "/sections/data_use")
    assert violations(page) == []
    for name in ("Geodaten Geplant", "Geodaten Erledigt", "Haushaltsdaten Geplant"):
        page.get_by_role("checkbox", name=name).check()
    saved(page, "data_use.inventory")
    page.locator("section[data-question='data_use.open_data']").get_by_label("Nein").check()
    saved(page, "data_use.open_data")
    page.get_by_label("Schulen").select_option(label="Einige")
    saved(page, "data_use.sensors")
    page.screenshot(path=str(tmp_path / "data_use.png"), full_page=True)

    page.goto(overview + "/sections/people")
    page.get_by_label("Keine davon").check()
    saved(page, "people.training")
    days = page.get_by_role(
        "textbox", name="Wie viele Fortbildungstage je Person und Jahr gibt es?"
    )
    days.fill("3")
    days.press("Tab")
    saved(page, "people.budget")

    golden = parse_yaml((CONTENT / "digital-kompass-golden.yaml").read_text(encoding="utf-8"))
    expected = golden["expected"]
    page.goto(overview + "/results", timeout=120_000)
    assert violations(page) == []
    cards = page.locator(".summary-cards")
    expect(cards).to_contain_text("1 – Einstieg")
    expect(cards).to_contain_text(f"{expected['score']} von 100 Punkten")
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    response = page.request.get(overview + "/report.pdf", timeout=180_000)
    assert response.ok
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    (tmp_path / "report.pdf").write_bytes(response.body())
    assert "Digital-Kompass (Testfragebogen)" in text
    assert f"1 – Einstieg {expected['score']} von 100 Punkten" in text
    assert "Optimierung" not in text and "ITU-T" not in text  # nothing of the default model
    assert "die niedrigste Stufe" in text  # the min rule, explained in the methodology
    for title, (points, level) in zip(
        ("Verwaltung", "Datennutzung", "Menschen"), expected["domains"].values(), strict=True
    ):
        label = {1: "Einstieg", 2: "Aufbau", 3: "Fortgeschritten"}[level]
        assert f"{title} – {level} – {label} ({points})" in text, (title, points, level)
    assert list(foreign_requests) == []
