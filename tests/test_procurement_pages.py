"""Tender building blocks in the app: the page, the tagged PDF and the editable DOCX."""

from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader

from advisory.models import Role
from tests.conftest import Auth


def signed_in(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user.email)
    return auth


def test_page_lists_must_and_should_texts_evidence_weights_and_evb_it(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_EDITOR, ags="07333001"))
    page = auth.client.get("/procurement/council_information").get_data(as_text=True)
    assert "Muss-Anforderungen" in page and "Soll-Anforderungen" in page
    assert "OParl-Schnittstelle" in page
    assert "EVB-IT Cloud" in page and "§ 108 GWB" in page
    assert '<td class="num">35</td>' in page


def test_conditions_chosen_on_the_page_change_the_requirements(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_EDITOR, ags="07333001"))
    url = "/procurement/collaboration_cloud"
    cloud = auth.client.get(f"{url}?chosen=1&condition=saas").get_data(as_text=True)
    local = auth.client.get(f"{url}?chosen=1").get_data(as_text=True)
    assert "C5" in cloud.split('id="should"')[0]
    assert "Basiskriterien des BSI C5" not in local


def test_category_link_leads_to_its_type_and_unknown_types_are_404(app, make_user):
    auth = signed_in(app, make_user(Role.ADVISOR, scopes="07"))
    response = auth.client.get("/procurement/category/defect_reporting")
    assert response.status_code == 302 and response.location.endswith("/procurement/participation")
    assert auth.client.get("/procurement/category/nonsense").status_code == 404
    assert auth.client.get("/procurement/teleportation").status_code == 404
    assert auth.client.get("/procurement/teleportation.docx").status_code == 404


def test_pdf_is_tagged_and_holds_the_texts(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_VIEWER, ags="07333001"))
    response = auth.client.get("/procurement/council_information.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Mandatory requirements (must)" in text and "OParl" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Tender building blocks")


def test_docx_is_editable_and_holds_requirements_and_weights(app, make_user):
    auth = signed_in(app, make_user(Role.CURATOR))
    response = auth.client.get("/procurement/iot_sensors.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Muss-Anforderungen (Muss)" in text or "Muss-Anforderungen" in text
    assert "LoRaWAN" in text and "EVB-IT Kauf" in text
    weights = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert sum(int(w) for w in weights) == 100


def test_a_catalogue_solution_links_the_building_blocks_of_its_type(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_EDITOR, ags="07333001"))
    page = auth.client.get("/catalogue/solutions/allris").get_data(as_text=True)
    assert 'href="/procurement/council_information"' in page


def test_the_index_can_show_the_types_of_one_domain(app, make_user):
    auth = signed_in(app, make_user(Role.MUNICIPAL_EDITOR, ags="07333001"))
    everything = auth.client.get("/procurement/").get_data(as_text=True)
    mobility = auth.client.get("/procurement/?domain=mobility").get_data(as_text=True)
    assert (
        "/procurement/mobility" in mobility and "/procurement/security_management" not in mobility
    )
    assert "/procurement/security_management" in everything


def test_a_step_without_a_listed_solution_links_the_building_blocks(app, runner):
    from sqlalchemy import select

    from advisory.extensions import db
    from advisory.models import Assessment

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        ids = [a.id for a in db.session.scalars(select(Assessment))]
    auth = Auth(app.test_client())
    auth.login("admin@example.org", "Demo-Passwort-2026")  # the demo admin
    pages = [auth.client.get(f"/assessments/{i}/results").get_data(as_text=True) for i in ids]
    assert any('href="/procurement/?domain=' in page for page in pages)
