"""Personal API tokens on the account page: create (shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advisory.extensions import db
from advisory.services.api_tokens import (
    ApiTokenError,
    active_tokens,
    create_api_token,
    revoke_api_token,
)
from advisory.tokens.forms import TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account/api-tokens")


def _error_text(code: str) -> str:
    return {
        "name_missing": _("Please name the token."),
        "expiry_past": _("The expiry date must lie in the future."),
        "too_many": _("You have 20 tokens already. Revoke one you no longer need first."),
    }.get(code, _("The token could not be created."))


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            secret, _row = create_api_token(
                db.session, current_user, form.name.data, form.expires_on.data
            )
        except ApiTokenError as error:
            form.expires_on.errors = [*form.expires_on.errors, _error_text(str(error))]
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return render_template(
        "tokens/index.html",
        form=form,
        secret=secret,
        tokens=active_tokens(db.session, current_user),
        docs_url=url_for("api_docs.page"),
    ), status


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not revoke_api_token(db.session, current_user, token_id):
        abort(404)
    flash(_("The token has been revoked; it no longer works."), "success")
    return redirect(url_for(".index"), 303)
