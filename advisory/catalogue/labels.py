"""Words for the catalogue's vocabularies in the user's language."""

from flask_babel import lazy_gettext as _l

HOSTING = {
    "on_premises": _l("On premises"),
    "saas_eu": _l("Software as a service in the EU"),
    "shared_service": _l("Shared service"),
}
COST_BANDS = {
    "free": _l("free of charge"),
    "low": _l("low"),
    "medium": _l("medium"),
    "high": _l("high"),
    "unknown": _l("unknown"),
}
STATUSES = {
    "met": _l("met"),
    "not_met": _l("not met"),
    "not_applicable": _l("not applicable"),
    "unknown": _l("unknown"),
}
LISTING = {
    "listed": _l("Listed"),
    "pending_review": _l("Pending review"),
    "not_admitted": _l("Not admitted"),
}
OBLIGATIONS = {"must": _l("must"), "should": _l("should")}
STANDARDS = {
    "dcat_ap_de": "DCAT-AP.de",
    "oparl": "OParl",
    "xplanung": "XPlanung",
    "xbau": "XBau",
    "sensorthings": "OGC SensorThings API",
    "ngsi_ld": "NGSI-LD",
    "open311": "Open311 GeoReport v2",
    "gtfs": "GTFS",
    "netex": "NeTEx",
    "ogc_wms_wfs": "OGC WMS/WFS",
    "xdomea": "XDOMEA",
    "openapi": "OpenAPI",
    "graphql": "GraphQL",
    "lorawan": "LoRaWAN",
}
ROLES = {
    "leadership": _l("leadership"),
    "it": _l("IT staff"),
    "department_staff": _l("department staff"),
    "digital_pilot": _l("digital pilots"),
    "all_staff": _l("all staff"),
    "council": _l("council members"),
}
LEVELS = {"basic": _l("basic"), "intermediate": _l("intermediate"), "advanced": _l("advanced")}
FORMATS = {
    "online_self_paced": _l("online, self-paced"),
    "online_live": _l("online, live"),
    "in_person": _l("in person"),
    "blended": _l("blended"),
}


def label(vocabulary: dict, key: str) -> str:
    """Return the label of a key, or the key itself when the vocabulary lacks it."""
    return str(vocabulary.get(key, key))


def reason_text(reason, requirements, lang: str) -> str:
    """Explain why a solution is not listed, naming the requirement by its title."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    title = ""
    if reason.requirement_id:
        try:
            requirement = requirements.get(reason.requirement_id)
            title = f"{requirement.number}. {requirement.title.get(lang)}"
        except (KeyError, LookupError):
            title = reason.requirement_id
    if reason.kind == "not_met":
        return _("Mandatory requirement not met: %(title)s", title=title)
    if reason.kind == "unknown":
        return _("Mandatory requirement without evidence (unknown): %(title)s", title=title)
    if reason.kind == "expired":
        since = format_date(reason.since, "medium") if reason.since else "?"
        return _("Review of %(title)s expired on %(date)s", title=title, date=since)
    return _(
        "Reviewed against base requirements %(version)s, not the current version",
        version=reason.detail,
    )


# Sentences for the catalogue loader's problems (English, for content files) in the curator's
# language; the first pattern that matches the engine's message wins, else its text is shown.
_PROBLEMS = (
    ("expected a non-empty text", _l("Enter a text (in German and in English where asked).")),
    ("expected true or false", _l("Choose yes or no.")),
    ("the list is empty", _l("Choose at least one.")),
    ("has the wrong form", _l("Use lower-case letters, digits and hyphens only.")),
    ("is not an https URL", _l("Enter a full web address starting with https://.")),
    ("expected a whole number", _l("Enter a whole number of inhabitants.")),
    ("is below min_population", _l("The maximum must not be below the minimum.")),
    ("is already taken", _l("This identifier is already taken; choose another.")),
    (
        "an unverified training needs notes",
        _l("A training that is not verified needs notes saying what could not be verified."),
    ),
    (
        "open_source is true but licence",
        _l(
            "Open source is set to yes, but the licence is proprietary: enter the open-source "
            "licence (or NOASSERTION if unverified), or set open source to no."
        ),
    ),
    (
        "open_source is false but licence",
        _l(
            "Open source is set to no, but the licence is an open-source licence: write "
            "proprietary, or set open source to yes."
        ),
    ),
    (
        "open source is met, but the licence",
        _l(
            "The review says open source is met, but the licence is not open source: correct the "
            "licence or record a new review first."
        ),
    ),
    (
        "needs_it_staff and the it_staff prerequisite disagree",
        _l("Needs own IT staff and the prerequisite IT staff must agree: set both or neither."),
    ),
    (
        "not_applicable although the condition",
        _l(
            "The review marks a requirement as not applicable that applies to this entry "
            "(e.g. hosting as a service or use by citizens): correct the facts or review it anew."
        ),
    ),
    (
        "none of the applicable standards",
        _l("The review says the domain standard is met: tick the standard under open standards."),
    ),
    (
        "not_met, but open_standards lists",
        _l(
            "The review says the domain standard is not met, but it is ticked under open standards."
        ),
    ),
    ("is not allowed", _l("Choose one of the offered values.")),
    ("unknown value", _l("Choose one of the offered values.")),
)


def problem_text(message: str) -> str:
    """Return a curator's sentence for a content problem (the engine's text if none fits)."""
    for pattern, sentence in _PROBLEMS:
        if pattern in message:
            return str(sentence)
    return message
