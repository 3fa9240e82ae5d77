"""The municipal team: colleagues and invitations, domain assignments, the staff list."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import Role, StaffMember
from advisory.security import sign_in
from advisory.services import team
from advisory.services.accounts import AccountError
from advisory.services.tokens import TokenError
from advisory.team.forms import InviteForm, JoinForm, StaffForm
from advisory.views import require_area
from advisory.wording import account_error_text, team_error_text

bp = Blueprint("team", __name__)


def _editor_only() -> None:
    if Role(current_user.role) is not Role.MUNICIPAL_EDITOR:
        abort(403)


def _team_page(invite_form=None, link=None, status=200):
    municipality = current_user.municipality
    lang = str(get_locale() or "de")
    return render_template(
        "team/index.html",
        municipality=municipality,
        colleagues=team.colleagues(db.session, municipality),
        pending=team.pending_invitations(db.session, municipality),
        assignments=team.domain_assignments(db.session, municipality),
        domains=[(d.id, d.title.get(lang)) for d in current_questionnaire().domains],
        form=invite_form or InviteForm(),
        link=link,
        may_edit=Role(current_user.role) is Role.MUNICIPAL_EDITOR,
    ), status


@bp.get("/team")
@require_area("team")
def index():
    return _team_page()


def _invitation_message(link: str, expires_at) -> tuple[str, str]:
    subject = _(
        "Invitation to the Smart City Advisory of %(place)s", place=current_user.municipality.name
    )
    body = _(
        "%(name)s invites you to work on the smart-city inventory of %(place)s.\n\n"
        "Open this link to choose your password and sign in:\n%(link)s\n\n"
        "The link can be used once and is valid until %(until)s.",
        name=current_user.name,
        place=current_user.municipality.name,
        link=link,
        until=format_datetime(expires_at, "short"),
    )
    return subject, body


@bp.post("/team/invitations")
@require_area("team")
def invite():
    _editor_only()
    form = InviteForm()
    if not form.validate_on_submit():
        return _team_page(form, status=422)
    try:
        invitation = team.invite_colleague(
            db.session,
            current_user,
            email=form.email.data,
            role=Role(form.role.data),
            days=current_app.config["INVITATION_DAYS"],
            link_for=lambda secret: url_for("team.join", token=secret, _external=True),
            message=_invitation_message,
        )
    except team.TeamError as error:
        getattr(form, error.field).errors.append(team_error_text(str(error)))
        return _team_page(form, status=422)
    if invitation.emailed:
        flash(
            _("The invitation has been sent by email. You can also pass on the link below."),
            "success",
        )
    else:
        flash(
            _(
                "The invitation has been created. Copy the link below and send it to your "
                "colleague."
            ),
            "success",
        )
    return _team_page(InviteForm(formdata=None), link=invitation)


@bp.post("/team/assignments")
@require_area("team")
def assign():
    _editor_only()
    domains = [d.id for d in current_questionnaire().domains]
    wanted = {}
    for domain_id in domains:
        value = request.form.get(f"domain-{domain_id}", "")
        if value and not value.isdigit():
            abort(400)
        wanted[domain_id] = int(value) if value else None
    try:
        team.assign_domains(db.session, current_user, current_user.municipality, wanted)
    except team.TeamError as error:
        flash(team_error_text(str(error)), "error")
        return redirect(url_for("team.index"))
    flash(_("The domain assignments have been saved."), "success")
    return redirect(url_for("team.index"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    if current_user.is_authenticated:
        flash(_("You are already signed in. Sign out first to use an invitation link."), "info")
        return redirect(url_for("main.index"))
    try:
        invitation = team.invitation(db.session, token)
    except TokenError as error:
        return render_template(
            "team/join.html", form=None, problem=team_error_text(error.reason)
        ), 410 if error.reason != "unknown" else 404
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = team.accept_invitation(
                db.session, token, name=form.name.data, password=form.password.data
            )
        except AccountError as error:
            field = form.password if error.field == "password" else form.name
            field.errors.append(account_error_text(str(error)))
        except TokenError as error:
            return render_template(
                "team/join.html", form=None, problem=team_error_text(error.reason)
            ), 410
        else:
            sign_in(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("main.index"))
    return render_template(
        "team/join.html", form=form, problem=None, email=invitation.payload["email"]
    ), (422 if form.errors else 200)


@bp.route("/team/staff", methods=["GET", "POST"])
@require_area("team")
def staff():
    form = StaffForm()
    municipality = current_user.municipality
    if request.method == "POST":
        _editor_only()
        if form.validate_on_submit():
            try:
                team.add_staff(
                    db.session,
                    municipality,
                    name=form.name.data,
                    function=form.function.data,
                    email=form.email.data,
                )
            except team.TeamError as error:
                getattr(form, error.field).errors.append(team_error_text(str(error)))
            else:
                flash(
                    _("%(name)s has been added to the staff list.", name=form.name.data.strip()),
                    "success",
                )
                return redirect(url_for("team.staff"))
    people = team.staff_of(db.session, [municipality.id])
    return render_template(
        "team/staff.html",
        form=form,
        people=people,
        municipality=municipality,
        may_edit=Role(current_user.role) is Role.MUNICIPAL_EDITOR,
    ), (422 if form.errors else 200)


@bp.post("/team/staff/<int:staff_id>/delete")
@require_area("team")
def delete_staff(staff_id: int):
    _editor_only()
    person = db.session.get(StaffMember, staff_id)
    if person is None or person.municipality_id != current_user.municipality_id:
        abort(404)
    name = person.name
    team.delete_staff(db.session, person)
    flash(
        _(
            "%(name)s has been deleted from the staff list. Training places keep counting "
            "without the name.",
            name=name,
        ),
        "success",
    )
    return redirect(url_for("team.staff"))
