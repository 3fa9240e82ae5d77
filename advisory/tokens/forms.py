"""Form for a new personal API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("What the token is for, e.g. “GIS export” (so that you recognise it)."),
        validators=[
            DataRequired(_l("Please name the token.")),
            Length(max=100, message=_l("Please use at most 100 characters.")),
        ],
    )
    expires_on = DateField(
        _l("Valid until (optional)"),
        description=_l("The token stops working on this day. Leave empty for no expiry."),
        validators=[Optional()],
    )
