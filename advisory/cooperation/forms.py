"""Forms of the cooperation area: consent to share, cooperation requests and replies."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from advisory.services.cooperation import MAX_TEXT


class SharingForm(FlaskForm):
    include_in_medians = BooleanField(
        _l("Include our validated results in the anonymous peer medians"),
        description=_l(
            "Comparable municipalities then see the median of a group that contains your "
            "results, never your results themselves and never your name. A median is only shown "
            "for groups of at least five municipalities."
        ),
    )
    named_as_partner = BooleanField(
        _l("Our municipality may be named to neighbours as a cooperation partner"),
        description=_l(
            "Neighbouring municipalities (same district or nearby) then see our name and the "
            "levels of the domains in which we are ahead of them, and can send us a "
            "cooperation request inside the app."
        ),
    )


class RequestForm(FlaskForm):
    """One per suggested partner, prefixed with its key ("to-<ags>") so that ids stay unique."""

    domain = SelectField(_l("Domain"), choices=[], validate_choice=True)
    text = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(_l("Please write a message.")),
            Length(
                max=MAX_TEXT, message=_l("Please shorten the message to at most 4,000 characters.")
            ),
        ],
        description=_l(
            "Say what you would like to learn or share; the other side's editors and the "
            "advisors responsible read it."
        ),
    )


class ReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(_l("Please write a message.")),
            Length(
                max=MAX_TEXT, message=_l("Please shorten the message to at most 4,000 characters.")
            ),
        ],
    )


class CloseForm(FlaskForm):
    """Only the CSRF token."""
