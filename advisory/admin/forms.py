"""Forms to create and change accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from advisory.models import Role

ROLE_LABELS = {
    Role.MUNICIPAL_EDITOR: _l("Municipal editor (answers for one municipality)"),
    Role.MUNICIPAL_VIEWER: _l("Municipal viewer (reads one municipality)"),
    Role.ASSOCIATION_EDITOR: _l(
        "Association editor (answers the shared administration's inventory, reads its members)"
    ),
    Role.ASSOCIATION_VIEWER: _l("Association viewer (reads one association and its members)"),
    Role.ADVISOR: _l("Advisor (portfolio of municipalities)"),
    Role.TRAINER: _l("Trainer (portfolio of municipalities)"),
    Role.CURATOR: _l("Catalogue curator"),
    Role.ADMIN: _l("Administrator"),
}


class UserForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter the person's name.")), Length(max=200)],
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    municipality = StringField(
        _l("Municipality"),
        validators=[Optional(), Length(max=100)],
        description=_l("For municipal roles: name, postal code or 8-digit key (AGS)."),
        render_kw={"autocomplete": "off", "data-autocomplete": "municipality"},
    )
    association = StringField(
        _l("Association"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "For association roles: name of the Verbandsgemeinde, Amt, Samtgemeinde or "
            "Verwaltungsgemeinschaft, or its 9-digit key (073335003)."
        ),
        render_kw={"autocomplete": "off"},
    )
    scopes = StringField(
        _l("Portfolio"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "For advisors and trainers: keys separated by spaces - 2 digits for a state (09), "
            "5 for a district (09162), 8 for a municipality (09162000)."
        ),
    )
    active = BooleanField(_l("Account may sign in"), default=True)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Please enter a new password.")), Length(max=200)],
        description=_l(
            "Tell it to the person through a separate channel. They must choose their own "
            "password at the next sign-in; all their sessions end now."
        ),
        render_kw={"autocomplete": "new-password"},
    )


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class NewUserForm(UserForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Email(_l("Please enter a valid email address, e.g. name@gemeinde.de.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(_l("Please enter an initial password.")), Length(max=200)],
        description=_l("At least 12 characters. Tell it to the person through a separate channel."),
        render_kw={"autocomplete": "new-password"},
    )


class QuestionnaireUploadForm(FlaskForm):
    """A ZIP with a questionnaire version and its rules, as the export gives it."""

    archive = FileField(
        _l("ZIP file"),
        validators=[
            FileRequired(_l("Choose a ZIP file.")),
            FileAllowed(["zip"], _l("Upload a .zip file.")),
        ],
    )
