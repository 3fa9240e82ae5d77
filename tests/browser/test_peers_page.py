"""Peer median on the results page and a cooperation request, in a real browser with axe."""

from __future__ import annotations

from playwright.sync_api import expect

from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, Role, User
from advisory.services.assessments import import_answers
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.peers_data import add_inventory, peers_like

VILLAGE = "07333001"  # Albisheim (Pfrimm)
NEIGHBOUR = "07333006"  # Biedesheim, same district, agreed to be named


def test_results_show_the_peer_median_and_a_neighbour_can_be_asked(
    app, page, live_server, foreign_requests, make_user, make_assessment, tmp_path
):
    def shot(name: str) -> None:  # for looking at the pages; not asserted
        page.screenshot(path=str(tmp_path / name), full_page=True)

    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    partner = make_user(Role.MUNICIPAL_EDITOR, ags=NEIGHBOUR)
    own = make_assessment(VILLAGE, editor)
    with app.app_context():
        import_answers(
            db.session,
            db.session.get(Assessment, own),
            current_questionnaire(),
            demo_set("rural")["answers"],
            db.session.get(User, editor.id),
        )
    for level, ags in zip((2, 3, 3, 4, 5), peers_like(app, VILLAGE, 6)[1:], strict=True):
        add_inventory(app, ags, level)
    add_inventory(app, NEIGHBOUR, 5, named=True)

    page.set_default_timeout(60_000)  # the results page is slow on a busy two-core machine
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{own}/results")
    expect(page.locator(".chart-canvas svg.main-svg").first).to_be_visible()
    radar = page.locator("#radar-data").text_content()
    assert "Median vergleichbarer Kommunen" in radar, radar[-3000:]
    expect(page.locator("#domain-table thead")).to_contain_text("Vergleichsmedian")
    expect(page.locator("#peers")).to_contain_text(
        "6 validierte Bestandsaufnahmen"
    )  # 5 peers and the neighbour
    assert violations(page) == []
    shot("peers-results.png")

    page.get_by_role("link", name="Kooperation mit Nachbarn: wer dort weiter ist").click()
    expect(page.get_by_role("heading", name="Biedesheim")).to_be_visible()
    assert violations(page) == []
    shot("peers-suggestions.png")
    form = page.locator("form.cooperation-form").first
    form.get_by_label("Ihre Nachricht").fill("Wie haben Sie Ihre Digitalstrategie geschrieben?")
    form.get_by_role("button", name="Anfrage senden").click()
    expect(page.locator(".message-text")).to_contain_text("Digitalstrategie")
    assert violations(page) == []

    page.context.clear_cookies()
    login(page, live_server, partner.email, PASSWORD)
    page.goto(f"{live_server}/cooperation/")
    page.get_by_role("link", name="Albisheim (Pfrimm)").click()
    page.get_by_label("Ihre Antwort").fill("Gern – rufen Sie uns an.")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(".facts")).to_contain_text("beantwortet")
    assert violations(page) == []
    shot("peers-request.png")
    page.goto(f"{live_server}/municipalities/{NEIGHBOUR}/sharing")
    assert violations(page) == []
    shot("peers-sharing.png")
    assert list(foreign_requests) == []
