"""Tender building blocks per solution type: a page, a PDF and an editable DOCX document."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from advisory.catalogue import labels
from advisory.services.procurement import (
    procurement_texts,
    tender_blocks,
    tender_docx,
    tender_pdf,
    type_id_for_category,
    types_for_domain,
)
from questionnaires.model import DOMAIN_IDS
from recommendations.procurement import CHOOSABLE_CONDITIONS

bp = Blueprint("procurement", __name__, url_prefix="/procurement")

# Questions for the conditions under which conditional base requirements apply.
CONDITION_QUESTIONS = {
    "saas": _l("The solution is provided as a cloud service (software as a service)."),
    "citizen_facing": _l("Citizens use parts of the solution."),
    "uses_ai": _l("The solution uses artificial intelligence."),
    "publicly_funded": _l(
        "The development is publicly funded, or you want to require open source."
    ),
}

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _lang() -> str:
    asked = request.args.get("lang", "")
    return asked if asked in ("de", "en") else str(get_locale() or "de")


def _conditions() -> list[str] | None:
    """Return the conditions chosen in the form, or None for the type's defaults."""
    if request.args.get("chosen") != "1":
        return None
    return [c for c in request.args.getlist("condition") if c in CHOOSABLE_CONDITIONS]


def _blocks(type_id: str):
    try:
        return tender_blocks(type_id, _conditions())
    except KeyError:
        abort(404)


@bp.get("/")
@login_required
def index():
    texts = procurement_texts()
    domain = request.args.get("domain", "")
    types = types_for_domain(domain) if domain in DOMAIN_IDS else texts.types
    return render_template(
        "procurement/index.html",
        texts=texts,
        types=types,
        domain=domain if domain in DOMAIN_IDS else "",
        lang=_lang(),
        labels=labels,
    )


@bp.get("/category/<category>")
@login_required
def for_category(category: str):
    type_id = type_id_for_category(category)
    if type_id is None:
        abort(404)
    return redirect(url_for(".show", type_id=type_id))


@bp.get("/<type_id>")
@login_required
def show(type_id: str):
    blocks = _blocks(type_id)
    query = {"chosen": "1", "condition": list(blocks.conditions)}
    return render_template(
        "procurement/show.html",
        blocks=blocks,
        lang=_lang(),
        labels=labels,
        choosable=CHOOSABLE_CONDITIONS,
        questions=CONDITION_QUESTIONS,
        query=query,
    )


@bp.get("/<type_id>.pdf")
@login_required
def pdf(type_id: str):
    lang = _lang()
    return _download(tender_pdf(_blocks(type_id), lang), "application/pdf", type_id, "pdf", lang)


@bp.get("/<type_id>.docx")
@login_required
def docx(type_id: str):
    lang = _lang()
    return _download(tender_docx(_blocks(type_id), lang), DOCX_TYPE, type_id, "docx", lang)


def _download(body: bytes, mimetype: str, type_id: str, ext: str, lang: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"tender-building-blocks-{type_id}-{lang}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
