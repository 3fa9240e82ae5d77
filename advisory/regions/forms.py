"""The view's filter form (a GET form: it works without JavaScript and can be bookmarked)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from advisory.services.portfolio import SIZE_CLASSES
from advisory.services.regions import RegionFilters
from advisory.wording import size_label

CHOICE_ERROR = _l("Choose one of the offered values.")
DATA_CHOICES = (("real", _l("real inventories")), ("synthetic", _l("synthetic inventories")))


class RegionForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    district = SelectField(_l("District"), default="", invalid_choice_message=CHOICE_ERROR)
    state = SelectField(_l("State"), default="", invalid_choice_message=CHOICE_ERROR)
    size = SelectField(_l("Size"), default="", invalid_choice_message=CHOICE_ERROR)
    data = SelectField(
        _l("Data"),
        default="real",
        invalid_choice_message=CHOICE_ERROR,
        description=_l(
            "Synthetic inventories are generated for demonstrations and load tests; "
            "they are never mixed with real ones."
        ),
    )

    def __init__(self, districts, states, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [("", _l("all districts in your scope"))] + [
            (code, f"{name} ({state})") for code, name, state in districts
        ]
        self.state.choices = [("", _l("all states in your scope")), *states]
        self.data.choices = list(DATA_CHOICES)
        self.size.choices = [("", _l("all sizes"))] + [(k, size_label(k)) for k in SIZE_CLASSES]

    def filters(self) -> RegionFilters:
        """Return the filters; a field that did not validate is left out."""
        failed = set(self.errors)

        def value(name: str) -> str:
            data = getattr(self, name).data
            return "" if name in failed or data in (None, "None") else str(data)

        return RegionFilters(
            district=value("district"),
            state=value("state"),
            size=value("size"),
            synthetic=value("data") == "synthetic",
        )
