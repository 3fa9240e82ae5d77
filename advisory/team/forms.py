"""Forms of the team area: invitation, sign-up with an invitation, domains, staff list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from advisory.models import Role

INVITE_ROLES = [
    SelectChoice(
        Role.MUNICIPAL_EDITOR.value, _l("Editor (answers the inventory, plans trainings)")
    ),
    SelectChoice(Role.MUNICIPAL_VIEWER.value, _l("Viewer (reads the inventory and the results)")),
]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address of your colleague"),
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Email(_l("Please enter a valid email address, e.g. name@gemeinde.de.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=INVITE_ROLES)


class JoinForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(_l("Please choose a password.")), Length(max=200)],
        description=_l("At least 12 characters. A sentence of several words is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )


class StaffForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter the person's name.")), Length(max=200)],
    )
    function = StringField(
        _l("Function or department"),
        validators=[DataRequired(_l("Please enter the function or department.")), Length(max=200)],
    )
    email = EmailField(
        _l("Email address (optional)"),
        validators=[
            Optional(),
            Email(_l("Please enter a valid email address, e.g. name@gemeinde.de.")),
            Length(max=254),
        ],
    )
