"""Real-browser tests of the foundation pages: sign-in, search, administration, accessibility."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from advisory.models import Role
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def check_page(page, foreign_requests) -> None:
    """Assert the page has no WCAG 2.1 A/AA violation and asked no other host for anything."""
    found = violations(page)
    assert found == [], f"{page.url}: {found}"
    assert list(foreign_requests) == []


def test_sign_in_page_is_german_and_accessible(page, live_server, foreign_requests):
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check_page(page, foreign_requests)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert").first).to_contain_text("Bitte korrigieren")
    check_page(page, foreign_requests)


def test_wrong_password_shows_a_clear_sentence(page, live_server, foreign_requests, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill("wrong password!")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("nicht korrekt")
    check_page(page, foreign_requests)


def test_skip_link_is_the_first_tab_stop_and_moves_to_main(page, live_server, make_user):
    user = make_user(Role.ADVISOR, scopes="08")
    login(page, live_server, user.email, PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.parametrize(
    ("role", "kwargs", "paths"),
    [
        (
            Role.MUNICIPAL_EDITOR,
            {"ags": "07333001"},
            [
                "/",
                "/municipalities/07333001",
                "/municipalities/?q=Ulm",
                "/account/password",
                "/about",
            ],
        ),
        (
            Role.ADVISOR,
            {"scopes": "08"},
            ["/", "/municipalities/08421000", "/municipalities/?q=Herrenberg"],
        ),
        (Role.CURATOR, {}, ["/"]),
        (Role.ADMIN, {}, ["/", "/admin/users", "/admin/users/new", "/admin/audit"]),
    ],
)
def test_every_page_of_each_role_passes_axe(
    page, live_server, foreign_requests, make_user, role, kwargs, paths
):
    user = make_user(role, **kwargs)
    login(page, live_server, user.email, PASSWORD)
    for path in paths:
        page.goto(f"{live_server}{path}")
        check_page(page, foreign_requests)


def test_error_pages_pass_axe(page, live_server, foreign_requests, make_user):
    user = make_user(Role.MUNICIPAL_VIEWER, ags="07333001")
    login(page, live_server, user.email, PASSWORD)
    response = page.goto(f"{live_server}/municipalities/08421000")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    check_page(page, foreign_requests)
    response = page.goto(f"{live_server}/admin/users")
    assert response.status == 403
    check_page(page, foreign_requests)


def test_municipality_autocomplete_works_with_the_keyboard(
    page, live_server, foreign_requests, make_user
):
    user = make_user(Role.ADVISOR, scopes="09")
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/municipalities/")
    box = page.get_by_role("combobox", name="Kommune finden")
    box.fill("Muenchen")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option").first).to_contain_text("München, Landeshauptstadt")
    check_page(page, foreign_requests)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile("listbox-0"))
    box.press("Enter")
    page.wait_for_url(f"{live_server}/municipalities/09162000")
    expect(page.get_by_role("heading", level=1)).to_have_text("München, Landeshauptstadt")


def test_search_works_without_javascript(browser, live_server, make_user):
    user = make_user(Role.ADVISOR, scopes="09")
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    login(page, live_server, user.email, PASSWORD)
    page.get_by_role("link", name="Kommunen").click()
    page.get_by_role("searchbox", name="Kommune finden").fill("80313")
    page.get_by_role("button", name="Suchen").click()
    first = page.locator("table.data-table tbody tr").first
    expect(first).to_contain_text("München, Landeshauptstadt")
    context.close()


def test_admin_creates_an_editor_who_can_then_sign_in(
    page, live_server, foreign_requests, make_user, browser
):
    admin = make_user(Role.ADMIN)
    login(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/users/new")
    page.get_by_label("E-Mail-Adresse").fill("neu@herrenberg.example.org")
    page.get_by_label("Name").fill("Nina Neu")
    page.get_by_label("Rolle").select_option("municipal_editor")
    page.get_by_role("combobox", name="Kommune").fill("08115021")
    page.get_by_label("Erstes Passwort").fill("ein langes Passwort")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("neu@herrenberg.example.org")
    check_page(page, foreign_requests)
    other = browser.new_context(locale="de-DE").new_page()
    other.goto(f"{live_server}/login")
    other.get_by_label("E-Mail-Adresse").fill("neu@herrenberg.example.org")
    other.get_by_label("Passwort").fill("ein langes Passwort")
    other.get_by_role("button", name="Anmelden").click()
    # A password chosen by an administrator must be replaced at the first sign-in.
    other.wait_for_url(f"{live_server}/account/password")
    other.get_by_label("Aktuelles Passwort").fill("ein langes Passwort")
    other.get_by_label("Neues Passwort").fill("Kaffee im Rathaus um sieben")
    other.get_by_role("button", name="Passwort ändern").click()
    other.wait_for_url(f"{live_server}/")
    expect(other.get_by_role("heading", name="Herrenberg, Stadt")).to_be_visible()


def test_language_switch_to_english(page, live_server, foreign_requests):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, foreign_requests)
