"""The new questions of Smart-City-Inventur 1.1.0 in a real browser: shown by size, accessible."""

from __future__ import annotations

import pytest

from advisory.models import Role
from tests.browser.axe import violations
from tests.browser.conftest import login
from tests.conftest import PASSWORD

TOWN, VILLAGE = "08115021", "07333001"


@pytest.mark.parametrize(("ags", "nis2_shown"), [(TOWN, True), (VILLAGE, False)])
def test_security_section_asks_about_the_state_cert_and_nis2_only_where_it_fits(
    page, live_server, make_user, make_assessment, ags, nis2_shown
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=ags)
    assessment = make_assessment(ags, editor)
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{assessment}/sections/security")
    cert = page.locator('[data-question="security.state_cert"]')
    assert cert.is_visible() and "Landes-CERT" in cert.inner_text()
    nis2 = page.locator('[data-question="security.nis2_enterprises"]')
    assert (nis2.count() > 0 and nis2.is_visible()) is nis2_shown
    assert violations(page) == []


def test_services_section_explains_jargon_for_a_village(
    page, live_server, make_user, make_assessment
):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags=VILLAGE)
    assessment = make_assessment(VILLAGE, editor)
    login(page, live_server, editor.email, PASSWORD)
    page.goto(f"{live_server}/assessments/{assessment}/sections/services")
    for question in ("services.efa_services", "services.einvoice_duties", "services.eprocurement"):
        assert page.locator(f'[data-question="{question}"]').is_visible(), question
    efa = page.locator('[data-question="services.efa_services"]').inner_text()
    assert "Einer für Alle" in efa
    assert violations(page) == []
