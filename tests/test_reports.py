"""The report: the plain report data, the web page, and one tagged PDF per test session."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

from advisory import create_app
from advisory.content import current_questionnaire
from advisory.demo import demo_set
from advisory.extensions import db
from advisory.models import Assessment, AssessmentStatus, Municipality, Role, User
from advisory.services.accounts import create_user
from advisory.services.assessments import (
    import_answers,
    set_domain_applicability,
    start_assessment,
)
from advisory.services.results import set_targets
from tests.conftest import PASSWORD, Auth, _clean, dispose, make_config

VILLAGE = "07333001"


def fill_village(session, email: str = "report-editor@example.org") -> tuple[User, Assessment]:
    """Start the village's inventory with the rural demo answers, mobility not applicable."""
    municipality = session.scalar(select(Municipality).where(Municipality.ags == VILLAGE))
    user = create_user(
        session,
        email=email,
        name="Anna Becker",
        password=PASSWORD,
        role=Role.MUNICIPAL_EDITOR,
        municipality=municipality,
        scopes=[],
    )
    assessment = start_assessment(session, municipality, user, current_questionnaire())
    data = demo_set("rural")
    assert import_answers(session, assessment, current_questionnaire(), data["answers"], user) == []
    set_domain_applicability(
        session,
        assessment,
        "mobility",
        not_applicable=True,
        reason="Der Kreis ist Aufgabenträger.",
        user=user,
    )
    set_targets(session, assessment, {"security": 3, "strategy": 3}, user)
    return user, assessment


@pytest.fixture(scope="module")
def rendered(database_url):
    """The village's report rendered once per session: report data, HTML and PDF bytes."""
    from advisory.reporting import build_report, render_document, render_pdf

    app = create_app(make_config(database_url))
    try:
        with app.app_context():
            _user, assessment = fill_village(db.session)
            report = build_report(db.session, assessment, "de")
            html = render_document(report)
            # render_pdf caches by document: the browser test's download of the same report
            # (same data, same day) is then served without a second render.
            pdf = render_pdf(report)
    finally:
        _clean(app)  # the function-scoped tests of this module start from an empty database
        dispose(app)
    return {"report": report, "html": html, "pdf": pdf}


@pytest.fixture
def answered(app):
    """An editor signed in to a client and the village's filled inventory (per test)."""
    with app.app_context():
        user, assessment = fill_village(db.session)
        ids = (user.email, assessment.id)
    auth = Auth(app.test_client())
    auth.login(ids[0])
    return auth, ids[1]


def pdf_text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_pdf_names_the_municipality_every_applicable_domain_and_the_recommendations(rendered):
    report = rendered["report"]
    _reader, pages = pdf_text(rendered["pdf"])
    text = " ".join(pages)
    assert "Albisheim (Pfrimm)" in pages[0] and "Donnersbergkreis" in pages[0]
    assert "Entwurf" in pages[0]
    for section in report.sections:
        assert section.row.title in text
    assert "Mobilität" not in [s.row.title for s in report.sections]
    assert len(report.top_steps) == 5
    for step in report.top_steps:
        assert " ".join(step.title.split())[:40] in text
    assert "Der Kreis ist Aufgabenträger." in text
    assert "© Statistisches Bundesamt (Destatis), dl-de/by-2-0" in text


def test_pdf_has_running_page_numbers_and_a_table_of_contents_with_pages(rendered):
    reader, pages = pdf_text(rendered["pdf"])
    total = len(reader.pages)
    assert total > 10
    assert f"Seite 3 von {total}" in pages[2]
    assert "Albisheim (Pfrimm)" in pages[2]
    contents = pages[1]
    assert contents.startswith("Albisheim") or "Inhalt" in contents
    numbers = [int(n) for n in re.findall(r"Management-Zusammenfassung\W*(\d+)", contents)]
    assert numbers and 2 < numbers[0] < total
    assert "Management-Zusammenfassung" in pages[numbers[0] - 1]


def test_pdf_is_tagged_with_language_title_and_alt_texts(rendered):
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert "Albisheim (Pfrimm)" in reader.metadata.title
    figures = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures.append(node)
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    images = re.findall(r"<img\b[^>]*>", rendered["html"])
    assert images, "the PDF has its charts"
    assert all(re.search(r'\balt="[^"]{20,}"', tag) for tag in images)
    assert len(figures) >= len(images)
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_report_shows_gates_raw_and_gated_levels_and_the_advice_of_the_answers(rendered):
    report = rendered["report"]
    html = rendered["html"]
    assert "Stufe nach Punkten" in html
    table = html[html.index('class="report-table domain-table"') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="row">') == 12
    for row in report.domains:
        assert str(escape(row.cap_reason or row.not_applicable_reason or row.title)) in table
    advised = [a for s in report.sections for a in (*s.strengths, *s.gaps) if a.advice]
    assert len(advised) > 10
    assert str(escape(advised[0].advice[0])) in html
    assert report.trainings and report.trainings[0].title in html
    assert report.neighbours and report.neighbours[0].name in html
    assert "Orientieren" in html


def test_without_chart_export_the_document_keeps_its_tables(app, monkeypatch):
    from advisory.reporting import build_report, render, render_document

    monkeypatch.setattr(render, "figure_svg", lambda figure, width: None)
    with app.app_context():
        _user, assessment = fill_village(db.session)
        html = render_document(build_report(db.session, assessment, "en"))
    assert "<img" not in html
    assert 'class="report-table domain-table"' in html
    assert "Management summary" in html and '<html lang="en">' in html


def test_report_page_has_interactive_charts_downloads_and_a_wait_note(app, answered):
    auth, assessment_id = answered
    response = auth.client.get(f"/assessments/{assessment_id}/report")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="radar-data"' in page and 'id="roadmap-data"' in page
    assert "/vendor/plotly.min.js" in page and "js/charts.js" in page
    assert f"/assessments/{assessment_id}/report/jobs" in page and 'value="short"' in page
    assert "einige Sekunden" in page
    assert " style=" not in page and "<script>" not in page
    english = auth.client.get(f"/assessments/{assessment_id}/report?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Management summary" in english


def test_a_later_inventory_reports_the_change_per_domain(app):
    from advisory.reporting import build_report, render_document

    with app.app_context():
        user, first = fill_village(db.session)
        first.status = AssessmentStatus.VALIDATED
        db.session.commit()
        second = start_assessment(
            db.session, first.municipality, user, current_questionnaire(), current_questionnaire()
        )
        assert second.previous_id == first.id
        q = current_questionnaire()
        improved = {
            question.id: {"status": "answered", "value": question.options[-1].id}
            for question in q.domain("data").questions
            if question.type == "single"
        }
        import_answers(db.session, second, q, improved, user)
        report = build_report(db.session, second, "de")
        html = render_document(report, images={})
    assert report.previous is not None
    data = next(c for c in report.previous.changes if c.title.startswith("Daten"))
    assert data.delta is not None and data.delta != 0
    assert "Veränderungen seit der letzten Bestandsaufnahme" in html


def test_report_command_writes_html_and_refuses_unknown_assessments(app, tmp_path):
    with app.app_context():
        _user, assessment = fill_village(db.session)
        assessment_id = assessment.id
    runner = app.test_cli_runner()
    out = tmp_path / "report.html"
    result = runner.invoke(
        args=["report", str(assessment_id), "--format", "html", "--lang", "en", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<style>" in html and "Albisheim (Pfrimm)" in html and "Roadmap" in html
    missing = runner.invoke(args=["report", "999999", "--format", "pdf"])
    assert missing.exit_code != 0 and "no assessment" in missing.output


def test_an_unchanged_report_comes_from_the_pdf_cache(app, rendered):
    from advisory.reporting import render_pdf

    with app.app_context():
        again = render_pdf(rendered["report"])
    assert again is rendered["pdf"]
