"""The form that asks for a PDF report (edition and language)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

EDITION_LABELS = {
    "full": _l("Full report (every domain in detail, training plan, every answer)"),
    "short": _l("Short edition for the council (summary, overview, roadmap; about 12 pages)"),
}


class ReportJobForm(FlaskForm):
    edition = RadioField(
        _l("Edition"),
        choices=[SelectChoice(key, label) for key, label in EDITION_LABELS.items()],
        default="full",
        validators=[AnyOf(list(EDITION_LABELS), message=_l("Please choose an edition."))],
    )
    lang = HiddenField(
        default="de",
        validators=[AnyOf(["de", "en"], message=_l("Please choose German or English."))],
    )
