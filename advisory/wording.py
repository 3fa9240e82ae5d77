"""Words for internal keys that reach a page: rule trace names, licences, requirement conditions."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires import Questionnaire

CONDITIONS = {
    "saas": _l("for software as a service"),
    "citizen_facing": _l("for parts used by citizens"),
    "uses_ai": _l("when AI is used"),
    "publicly_funded": _l("when publicly funded"),
    "domain_standard_exists": _l("where a domain standard exists"),
}
_DOMAIN_KEYS = {
    "score": _l("score"),
    "level": _l("level"),
    "raw_level": _l("level by score"),
    "gap": _l("gap to the target"),
    "dont_know": _l("answers “don't know”"),
    "coverage": _l("share answered"),
    "applicable": _l("applies"),
}
_NAMES = {
    "goals": _l("Your goals"),
    "top_goal": _l("Your most important goal"),
    "overall.score": _l("Overall score"),
    "overall.level": _l("Overall level"),
    "has_it_staff": _l("Own IT staff"),
    "municipality.population": _l("Inhabitants"),
    "municipality.area_km2": _l("Area in km²"),
    "municipality.urbanisation": _l("Settlement density"),
    "municipality.state": _l("State"),
    "municipality.in_association": _l("Member of an association of municipalities"),
    "municipality.district_free": _l("District-free city"),
}


def trace_label(name: str, questionnaire: Questionnaire, lang: str) -> str:
    """Name a value a rule looked at in words: 'Strategie & Steuerung: Stufe'."""
    if name in _NAMES:
        return str(_NAMES[name])
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "domain":
        title = next(
            (d.title.get(lang) for d in questionnaire.domains if d.id == parts[1]), parts[1]
        )
        return f"{title}: {_DOMAIN_KEYS.get(parts[2], parts[2])}"
    return name


def licence_label(licence: str) -> str:
    """Show an SPDX licence id as people read it; unknown and proprietary ones in words."""
    if licence == "proprietary":
        return _("proprietary")
    if licence == "NOASSERTION":
        return _("licence not verified")
    if licence.startswith("LicenseRef-"):
        return _("own terms of use (not open source)")
    return licence


def condition_label(condition: str | None) -> str:
    return str(CONDITIONS.get(condition, condition or ""))
