"""Forms of the trainers' workspace."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class SessionForm(FlaskForm):
    training = SelectField(_l("Training of the catalogue"), choices=[])
    municipalities = StringField(
        _l("Municipalities"),
        validators=[DataRequired(_l("Enter at least one municipality key.")), Length(max=2000)],
        description=_l(
            "8-digit keys (AGS) separated by spaces; the cohort proposals on the needs page fill "
            "this in."
        ),
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("Please enter the date."))])
    starts = TimeField(_l("Start time"), validators=[InputRequired(_l("Please enter the start."))])
    ends = TimeField(_l("End time"), validators=[InputRequired(_l("Please enter the end."))])
    online = BooleanField(_l("Online session"))
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=300)],
        description=_l("Address or room; leave empty for an online session."),
    )
    seats = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(_l("Please enter the number of seats.")),
            NumberRange(1, 500, _l("Enter between 1 and 500 seats.")),
        ],
    )
    trainer_name = StringField(
        _l("Trainer"),
        validators=[DataRequired(_l("Please enter who gives the training.")), Length(max=200)],
    )
    registration_deadline = DateField(
        _l("Registration deadline"),
        validators=[InputRequired(_l("Please enter the registration deadline."))],
    )


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[])
    completed_on = DateField(_l("Completed on"), validators=[Optional()])
