"""Tender building blocks for the app: load the texts once, assemble, render PDF and DOCX."""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from advisory.catalogue import labels
from advisory.services.catalogue import shipped_catalogue
from recommendations.procurement import (
    ProcurementTexts,
    TenderBlocks,
    building_blocks,
    default_procurement_dir,
    load_procurement,
)


@cache
def procurement_texts() -> ProcurementTexts:
    """Return the newest tender building blocks (validated, loaded once per process)."""
    return load_procurement(default_procurement_dir(), shipped_catalogue().requirements)


def tender_blocks(type_id: str, conditions: Iterable[str] | None = None) -> TenderBlocks:
    """Return the building blocks of one solution type (KeyError if the type is unknown)."""
    return building_blocks(
        procurement_texts(), shipped_catalogue().requirements, type_id, conditions
    )


def type_id_for_category(category: str) -> str | None:
    """Return the id of the solution type that covers a catalogue category, if any."""
    found = procurement_texts().type_for_category(category)
    return found.id if found else None


def types_for_domain(domain: str):
    """Return the solution types whose categories the catalogue's solutions of a domain use."""
    categories = {
        category
        for solution in shipped_catalogue().solutions
        if domain in solution.domains
        for category in solution.categories
    }
    return procurement_texts().types_for_domain(categories)


def tender_pdf(blocks: TenderBlocks, lang: str) -> bytes:
    """Return the building blocks as a tagged PDF (PDF/UA-1) in ``lang``."""
    from weasyprint import CSS

    from advisory.reporting.render import pdf_from_html, running_page_css

    with force_locale(lang):
        html = render_template("procurement/document.html", blocks=blocks, lang=lang, labels=labels)
        version = _("Tender building blocks version %(version)s.", version=blocks.version)
        css = running_page_css(blocks.type.title.get(lang), _("Tender building blocks"), version)
    return pdf_from_html(html, CSS(string=css))


def tender_docx(blocks: TenderBlocks, lang: str) -> bytes:
    """Return the building blocks as an editable Word document (DOCX) in ``lang``."""
    from docx import Document

    with force_locale(lang):
        document = Document()
        document.core_properties.title = (
            f"{_('Tender building blocks')}: {blocks.type.title.get(lang)}"
        )
        document.core_properties.language = lang
        document.add_heading(document.core_properties.title, level=0)
        document.add_paragraph(blocks.type.summary.get(lang))
        document.add_paragraph(blocks.notice.get(lang))
        for heading, items in (
            (_("Mandatory requirements (must)"), blocks.must),
            (_("Desirable requirements (should)"), blocks.should),
        ):
            document.add_heading(heading, level=1)
            for requirement in items:
                document.add_paragraph(
                    f"{requirement.number}: {requirement.text.get(lang)}", style="List Number"
                )
        document.add_heading(_("Evidence to demand from bidders"), level=1)
        for evidence in blocks.evidence:
            document.add_paragraph(evidence.get(lang), style="List Bullet")
        document.add_heading(_("Award criteria with suggested weights"), level=1)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = _("Criterion")
        table.rows[0].cells[1].text = _("Weight in per cent")
        for criterion in blocks.award_criteria:
            cells = table.add_row().cells
            cells[0].text = criterion.title.get(lang)
            cells[1].text = str(criterion.weight)
        if blocks.standards:
            document.add_heading(_("Open standards of the domain"), level=1)
            for standard in blocks.standards:
                document.add_paragraph(
                    labels.label(labels.STANDARDS, standard), style="List Bullet"
                )
        for heading, references in (
            (_("Suitable EVB-IT contract types"), blocks.contracts),
            (_("References"), blocks.references),
        ):
            document.add_heading(heading, level=1)
            for reference in references:
                document.add_paragraph(_reference_line(reference, lang), style="List Bullet")
        document.add_paragraph(
            _("Tender building blocks version %(version)s.", version=blocks.version)
        )
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def _reference_line(reference, lang: str) -> str:
    parts = [reference.title.get(lang)]
    if reference.note is not None:
        parts.append(reference.note.get(lang))
    if not reference.verified:
        parts.append(_("(not verified)"))
    if reference.url:
        parts.append(reference.url)
    return " – ".join(parts)
