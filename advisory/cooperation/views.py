"""Consent to share results, cooperation suggestions, and requests between municipalities."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advisory.access import can_view
from advisory.content import current_questionnaire
from advisory.cooperation.forms import CloseForm, ReplyForm, RequestForm, SharingForm
from advisory.extensions import db
from advisory.models import Assessment, CooperationRequest, Municipality, Role
from advisory.services import cooperation as service
from advisory.services.assessments import get_assessment
from advisory.services.peers import consent_of, set_consent
from advisory.views import require_area
from advisory.wording import cooperation_error_text

bp = Blueprint("cooperation", __name__)
_AGS = re.compile(r"^\d{8}$")


def _municipality(ags: str) -> Municipality:
    municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
    if municipality is None or not can_view(current_user, municipality):
        abort(404)
    return municipality


def _may_set_consent(municipality: Municipality) -> bool:
    """Only the municipality's own editors (and administrators) decide what it shares."""
    role = Role(current_user.role)
    if role is Role.ADMIN:
        return True
    return role is Role.MUNICIPAL_EDITOR and current_user.municipality_id == municipality.id


def _domain_titles() -> dict[str, str]:
    lang = str(get_locale() or "de")
    return {d.id: d.title.get(lang) for d in current_questionnaire().domains}


def _sharing_page(municipality: Municipality, form: SharingForm | None = None, status=200):
    consent = consent_of(db.session, municipality)
    if form is None:
        form = SharingForm(
            include_in_medians=consent.include_in_medians,
            named_as_partner=consent.named_as_partner,
        )
    return render_template(
        "cooperation/sharing.html",
        municipality=municipality,
        consent=consent,
        form=form,
        may_edit=_may_set_consent(municipality),
    ), status


@bp.get("/municipalities/<ags>/sharing")
@require_area("cooperation")
def sharing(ags: str):
    return _sharing_page(_municipality(ags))


@bp.post("/municipalities/<ags>/sharing")
@require_area("cooperation")
def save_sharing(ags: str):
    municipality = _municipality(ags)
    if not _may_set_consent(municipality):
        abort(403)
    form = SharingForm()
    if not form.validate_on_submit():
        return _sharing_page(municipality, form, 400)
    set_consent(
        db.session,
        municipality,
        current_user,
        include_in_medians=form.include_in_medians.data,
        named_as_partner=form.named_as_partner.data,
    )
    flash(_("Your choice about sharing has been saved."), "success")
    return redirect(url_for(".sharing", ags=ags))


def _assessment(assessment_id: int) -> Assessment:
    assessment = get_assessment(db.session, assessment_id)
    if assessment is None or not can_view(current_user, assessment.municipality):
        abort(404)
    return assessment


def _suggestions_page(assessment: Assessment, failed=None, error: str | None = None, status=200):
    suggestions = service.suggestions_for(
        db.session, assessment, float(current_app.config["COOPERATION_DISTANCE_KM"])
    )
    titles = _domain_titles()
    forms = {}
    for s in suggestions:
        form = RequestForm(prefix=f"to-{s.ags}", formdata=None)
        if failed is not None and failed[0] == s.ags:
            form = failed[1]
        form.domain.choices = [("", _("– several or none –"))] + [
            (d.domain_id, titles.get(d.domain_id, d.domain_id)) for d in s.domains
        ]
        forms[s.ags] = form
    return render_template(
        "cooperation/suggestions.html",
        assessment=assessment,
        municipality=assessment.municipality,
        suggestions=suggestions,
        forms=forms,
        titles=titles,
        error=error,
        consent=consent_of(db.session, assessment.municipality),
        may_send=service.may_send(current_user, assessment.municipality),
        may_set_consent=_may_set_consent(assessment.municipality),
        max_km=current_app.config["COOPERATION_DISTANCE_KM"],
    ), status


@bp.get("/assessments/<int:assessment_id>/cooperation")
@require_area("cooperation")
def suggestions(assessment_id: int):
    return _suggestions_page(_assessment(assessment_id))


@bp.post("/assessments/<int:assessment_id>/cooperation")
@require_area("cooperation")
def send(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not service.may_send(current_user, assessment.municipality):
        abort(403)
    ags = request.form.get("partner", "")
    if not _AGS.match(ags):
        return _suggestions_page(
            assessment, error=cooperation_error_text("unknown_partner"), status=400
        )
    partner = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
    if partner is None:
        return _suggestions_page(
            assessment, error=cooperation_error_text("unknown_partner"), status=400
        )
    if not service.may_be_contacted(db.session, partner):
        return _suggestions_page(assessment, error=cooperation_error_text("not_named"), status=400)
    form = RequestForm(prefix=f"to-{ags}")
    form.domain.choices = [("", "")] + [(d.id, d.id) for d in current_questionnaire().domains]
    if not form.validate_on_submit():
        return _suggestions_page(assessment, failed=(ags, form), status=400)
    try:
        created = service.send_request(
            db.session,
            current_user,
            assessment.municipality,
            partner,
            form.text.data,
            form.domain.data or None,
        )
    except service.CooperationError as error:
        return _suggestions_page(assessment, error=cooperation_error_text(error.code), status=400)
    flash(_("Your request has been sent to %(name)s.", name=partner.name), "success")
    return redirect(url_for(".show", request_id=created.id))


@bp.get("/cooperation/")
@require_area("cooperation")
def inbox():
    return render_template(
        "cooperation/inbox.html",
        requests=service.visible_requests(db.session, current_user),
        titles=_domain_titles(),
    )


def _request(request_id: int) -> CooperationRequest:
    found = db.session.get(CooperationRequest, request_id)
    if found is None or not service.may_see(current_user, found):
        abort(404)
    return found


def _request_page(found: CooperationRequest, form=None, error=None, status=200):
    return render_template(
        "cooperation/request.html",
        item=found,
        titles=_domain_titles(),
        form=form or ReplyForm(),
        close_form=CloseForm(),
        error=error,
        may_answer=service.may_answer(current_user, found),
    ), status


@bp.get("/cooperation/<int:request_id>")
@require_area("cooperation")
def show(request_id: int):
    return _request_page(_request(request_id))


@bp.post("/cooperation/<int:request_id>/reply")
@require_area("cooperation")
def reply(request_id: int):
    found = _request(request_id)
    if not service.may_answer(current_user, found):
        abort(403)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _request_page(found, form, status=400)
    try:
        service.reply(db.session, found, current_user, form.text.data)
    except service.CooperationError as error:
        return _request_page(found, form, cooperation_error_text(error.code), 400)
    flash(_("Your reply has been sent."), "success")
    return redirect(url_for(".show", request_id=found.id))


@bp.post("/cooperation/<int:request_id>/close")
@require_area("cooperation")
def close(request_id: int):
    found = _request(request_id)
    if not service.may_answer(current_user, found):
        abort(403)
    if not CloseForm().validate_on_submit():
        return _request_page(found, error=_("The form has expired. Please try again."), status=400)
    service.close(db.session, found, current_user)
    flash(_("The request has been closed."), "success")
    return redirect(url_for(".show", request_id=found.id))
