"""The dashboard's filter form (a GET form: it works without JavaScript and can be bookmarked)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from advisory.models import AssessmentStatus
from advisory.services.portfolio import (
    NOT_STARTED,
    PAGE_SIZES,
    SIZE_CLASSES,
    STATUS_PRIORITY,
    PortfolioFilters,
)
from advisory.wording import level_label, progress_label, size_label, status_label

SORT_LABELS = {
    "priority": _l("Waiting for you first"),
    "name": _l("Municipality"),
    "district": _l("District"),
    "population": _l("Inhabitants"),
    "status": _l("Status"),
    "completion": _l("Completion"),
    "score": _l("Score"),
    "level": _l("Overall level"),
    "activity": _l("Last activity"),
}
CHOICE_ERROR = _l("Choose one of the offered values.")


def _statuses() -> list[str]:
    """Every status an inventory can have, waiting-for-the-advisor first."""
    return sorted(
        (s.value for s in AssessmentStatus),
        key=lambda s: STATUS_PRIORITY.get(s, len(STATUS_PRIORITY)),
    )


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("Municipality name or key"), validators=[Optional(), Length(max=100)])
    district = StringField(_l("District (name or key)"), validators=[Optional(), Length(max=100)])
    association = StringField(
        _l("Association of municipalities (name or key)"), validators=[Optional(), Length(max=100)]
    )
    size = SelectField(_l("Size"), default="", invalid_choice_message=CHOICE_ERROR)
    status = SelectField(_l("Status"), default="", invalid_choice_message=CHOICE_ERROR)
    level = SelectField(_l("Overall level"), default="", invalid_choice_message=CHOICE_ERROR)
    sort = SelectField(_l("Sort by"), default="priority", invalid_choice_message=CHOICE_ERROR)
    order = SelectField(_l("Order"), default="asc", invalid_choice_message=CHOICE_ERROR)
    per_page = SelectField(_l("Rows per page"), default="25", invalid_choice_message=CHOICE_ERROR)
    page = IntegerField(
        _l("Page"),
        validators=[Optional(), NumberRange(min=1, message=_l("Pages are counted from 1."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.size.choices = [("", _l("all sizes"))] + [(k, size_label(k)) for k in SIZE_CLASSES]
        self.status.choices = (
            [("", _l("all"))]
            + [(s, status_label(s)) for s in _statuses()]
            + [(NOT_STARTED, progress_label(NOT_STARTED))]
        )
        self.level.choices = (
            [("", _l("all levels"))]
            + [(str(n), level_label(n)) for n in range(1, 6)]
            + [("none", _l("no level yet"))]
        )
        self.sort.choices = list(SORT_LABELS.items())
        self.order.choices = [("asc", _l("ascending")), ("desc", _l("descending"))]
        self.per_page.choices = [(str(n), str(n)) for n in PAGE_SIZES]

    def filters(self, per_page: int | None = None) -> PortfolioFilters:
        """Return the filters; a field that did not validate is left out."""
        failed = set(self.errors)

        def value(name: str, default: str = "") -> str:
            data = getattr(self, name).data
            return default if name in failed or data in (None, "None") else str(data).strip()

        return PortfolioFilters(
            name=value("q"),
            district=value("district"),
            association=value("association"),
            size=value("size"),
            status=value("status"),
            level=value("level"),
            sort=value("sort", "priority") or "priority",
            descending=value("order") == "desc",
            page=int(value("page", "1") or 1),
            per_page=per_page or int(value("per_page", "25") or 25),
        )
