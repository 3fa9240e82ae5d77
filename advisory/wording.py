"""Words for internal keys that reach a page: levels, statuses, errors, rule traces, licences."""

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


def event_label(kind: str) -> str:
    return str(_EVENTS.get(kind, kind))


def status_label(status: str) -> str:
    return str(_ASSESSMENT_STATUS.get(status, status))


def progress_label(status: str) -> str:
    return str(_PROGRESS.get(status, status))


def condition_label(condition: str | None) -> str:
    return str(CONDITIONS.get(condition, condition or ""))


_ERRORS = {
    400: (
        _l("The request could not be processed"),
        _l(
            "Something in the request was not as expected. Go back, check your input and try again."
        ),
    ),
    403: (
        _l("Access denied"),
        _l("Your account may not open this page. If you need access, ask your administrator."),
    ),
    404: (
        _l("Page not found"),
        _l(
            "This page does not exist or is not available to you. Check the address or start again "
            "from the home page."
        ),
    ),
    405: (
        _l("Action not allowed"),
        _l("This page cannot be used this way. Start again from the home page."),
    ),
    413: (
        _l("Upload too large"),
        _l("The data sent was larger than allowed. Send a smaller file or less text."),
    ),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "The error has been logged. Nothing you confirmed as saved is lost. Please try again "
            "in a moment; if it happens again, tell your administrator the time it happened."
        ),
    ),
    503: (_l("Service unavailable"), _l("The service is briefly unavailable. Please try again.")),
}


_EVENTS = {
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "user_created": _l("Account created"),
    "role_changed": _l("Role or scope changed"),
    "account_enabled": _l("Account enabled"),
    "account_disabled": _l("Account disabled"),
    "name_changed": _l("Name changed"),
    "password_reset": _l("Password set by an administrator"),
    "login_unlocked": _l("Sign-in pause lifted"),
    "sessions_ended": _l("Signed out everywhere by an administrator"),
    "catalogue_review": _l("Catalogue review recorded"),
    "catalogue_edit": _l("Catalogue entry changed"),
    "catalogue_create": _l("Catalogue entry created"),
    "catalogue_list": _l("Catalogue training listed"),
    "invitation_created": _l("Colleague invited"),
    "invitation_accepted": _l("Invitation accepted"),
    "password_reset_requested": _l("Password reset link requested"),
    "password_reset_by_link": _l("Password reset with an e-mailed link"),
    "peer_consent_changed": _l("Sharing for peer comparison changed"),
    "evidence_deleted": _l("Evidence of a review deleted"),
}


_ASSESSMENT_STATUS = {
    "in_progress": _l("in progress"),
    "submitted": _l("submitted"),
    "in_review": _l("in review"),
    "changes_requested": _l("changes requested"),
    "validated": _l("validated"),
}
_PROGRESS = {
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "complete": _l("complete"),
    "not_applicable": _l("not applicable"),
}


# Maturity levels after ITU-T Y.4904, as named in DOMAIN.md.
_LEVELS = {
    1: _l("1 – Planning"),
    2: _l("2 – Alignment"),
    3: _l("3 – Development"),
    4: _l("4 – Integration"),
    5: _l("5 – Optimization"),
}
_HORIZONS = {
    "quick_win": _l("Quick wins (0–6 months)"),
    "next_step": _l("Next steps (6–18 months)"),
    "later": _l("Later (after 18 months)"),
}
_KINDS = {
    "solution": _l("Solution"),
    "training": _l("Training"),
    "step": _l("Organisational step"),
    "link_domains": _l("Link data"),
    "cooperate": _l("Co-operation"),
    "procure": _l("Procurement"),
}
_PLAN_STATUSES = {
    "open": _l("Open"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "not_relevant": _l("Not relevant"),
}


def level_label(level: int | None, missing: str = "–") -> str:
    """Name a maturity level ('3 – Umsetzen'); `missing` when there is none."""
    return str(_LEVELS.get(level, missing))


def level_labeller(scoring, lang: str):
    """Return level_label for a questionnaire's scoring model: its own names where it has them.

    The default model (the Smart-City-Inventur's) keeps the names above; a file with its own
    levels names them ('2 – Aufbau').
    """
    if not scoring.labels:
        return level_label

    def label(level: int | None, missing: str = "–") -> str:
        text = scoring.label(level)
        return missing if text is None else f"{level} – {text.get(lang)}"

    return label


def horizon_label(horizon: str) -> str:
    return str(_HORIZONS.get(horizon, horizon))


def kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))


def plan_status_label(status: str) -> str:
    """Name an action-plan status ('Geplant')."""
    return str(_PLAN_STATUSES.get(status, status))


def plan_status_choices() -> list[tuple[str, str]]:
    """Return (status, label) pairs in workflow order for a select field."""
    return [(key, str(label)) for key, label in _PLAN_STATUSES.items()]


def error_text(code: int) -> tuple[str, str]:
    """Return the heading and the advice shown for an HTTP error."""
    return _ERRORS.get(code, _ERRORS[400] if code < 500 else _ERRORS[500])


_ACCOUNT_ERRORS = {
    "password_too_short": _l("The password must have at least 12 characters."),
    "password_weak": _l(
        "This password is too easy to guess: it is a common password, a word with a number, a "
        "repetition or a sequence. Choose a sentence of four or more words that has nothing to "
        "do with you, for example a line only you would come up with."
    ),
    "password_personal": _l(
        "The password must not contain the name or the email address of the account. Choose a "
        "sentence of several words that has nothing to do with you."
    ),
    "password_published": _l(
        "This is the published demo password (or built on it), which everybody knows. Choose "
        "your own password."
    ),
    "control_characters": _l(
        "The input contains a control character (an invisible special character, often copied "
        "from another program). Remove it and try again."
    ),
    "name_required": _l("Please enter the person's name (at most 200 characters)."),
    "wrong_password": _l("The current password is not correct."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "email_taken": _l("An account with this email address already exists."),
    "municipality_required": _l(
        "Municipal roles belong to one municipality: choose it from the directory."
    ),
    "municipality_not_found": _l(
        "No municipality matches. Check the spelling or enter the 8-digit key (AGS)."
    ),
    "association_required": _l(
        "Association roles belong to one association (Verbandsgemeinde, Amt, ...): enter its "
        "name or its 9-digit key."
    ),
    "association_not_found": _l(
        "No association matches. Check the spelling or enter its 9-digit key, e.g. 073335003."
    ),
    "association_ambiguous": _l(
        "Several associations match. Enter the 9-digit key of the one you mean."
    ),
    "municipality_ambiguous": _l(
        "Several municipalities match. Choose one of the suggestions or enter its 8-digit key "
        "(AGS)."
    ),
    "scope_required": _l(
        "Advisors and trainers need a portfolio: enter at least one state, district or "
        "municipality key."
    ),
    "bad_scope": _l(
        "Enter keys separated by spaces: 2 digits for a state (09), 5 for a district (09162), "
        "8 for a municipality (09162000)."
    ),
    "cannot_demote_self": _l(
        "You cannot remove your own administrator role or disable your own account; ask another "
        "administrator."
    ),
}


_DETAIL_KEYS = {
    "name": _l("Name"),
    "role": _l("Role"),
    "municipality": _l("Municipality"),
    "scopes": _l("Portfolio"),
    "solution": _l("Solution"),
    "changed": _l("Changed"),
    "catalogue_version": _l("Catalogue version"),
    "peer_medians": _l("Included in anonymous peer medians"),
    "named_as_partner": _l("Named to neighbours as a cooperation partner"),
}


def audit_details(detail: dict | None) -> str:
    """Return an audit entry's details as a readable line: 'Role: A → B; Portfolio: 09'."""
    from advisory.admin.forms import ROLE_LABELS

    def show(key: str, value: object) -> str:
        if value is None or value == [] or value == "":
            return "–"
        if key == "role":
            return str(ROLE_LABELS.get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list | tuple):
            return ", ".join(
                str(v).rpartition(":")[2] if key == "scopes" else str(v) for v in value
            )
        if isinstance(value, dict) and key == "changed":  # {field: [before, after]}
            return ", ".join(
                f"{k}: {show(k, v[0])} → {show(k, v[1])}"
                if isinstance(v, list | tuple) and len(v) == 2
                else f"{k}: {show(k, v)}"
                for k, v in value.items()
            )
        if isinstance(value, dict):
            return ", ".join(f"{k}: {show(k, v)}" for k, v in value.items())
        return str(value)

    if not detail:
        return ""
    before, after = detail.get("before"), detail.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
        parts = [
            f"{_DETAIL_KEYS.get(k, k)}: {show(k, before.get(k))} → {show(k, after.get(k))}"
            for k in keys
        ]
    elif "before" in detail and "after" in detail:
        parts = [f"{show('', before)} → {show('', after)}"]
    else:
        parts = [f"{_DETAIL_KEYS.get(k, k)}: {show(k, v)}" for k, v in detail.items()]
    return "; ".join(parts)


def account_error_text(code: str) -> str:
    """Return the user-facing sentence for an account error code."""
    return str(_ACCOUNT_ERRORS.get(code, code))


_PARTICIPANT_STATUS = {
    "waiting": _l("waiting list"),
    "assigned": _l("assigned"),
    "confirmed": _l("confirmed"),
    "attended": _l("attended"),
    "completed": _l("completed"),
    "no_show": _l("no-show"),
    "cancelled": _l("cancelled"),
}


def participant_status_label(status: str) -> str:
    return str(_PARTICIPANT_STATUS.get(status, status))


_TEAM_ERRORS = {
    "bad_role": _l("Colleagues can be invited as editor or viewer of your own municipality."),
    "email_taken": _l("An account with this email address already exists."),
    "not_a_colleague": _l("Choose a colleague of your own municipality."),
    "name_required": _l("Please enter the person's name."),
    "unknown": _l(
        "This invitation link is not valid. Check that you copied the whole link, or ask your "
        "colleague for a new invitation."
    ),
    "used": _l(
        "This invitation link has already been used. Sign in with your account, or ask your "
        "colleague for a new invitation."
    ),
    "expired": _l("This invitation link has expired. Ask your colleague for a new invitation."),
    "unknown_training": _l("Choose a training of the catalogue."),
    "in_past": _l("The session must start in the future. Check the date and time."),
    "ends_before_start": _l("The session must end after it starts."),
    "deadline_after_start": _l("The registration deadline must be on or before the session day."),
    "no_seats": _l("A session needs at least one seat."),
    "place_required": _l("Enter the place, or mark the session as online."),
    "municipality_required": _l("Choose at least one municipality the session is for."),
    "municipality_out_of_scope": _l("Choose only municipalities of your portfolio."),
    "staff_required": _l("Choose at least one person."),
    "registration_closed": _l(
        "The registration deadline of this session has passed. Ask the trainer to add the person."
    ),
    "staff_out_of_scope": _l(
        "Only staff of the municipalities this session is for, and that you may plan for, can be "
        "assigned."
    ),
    "already_assigned": _l("%(name)s is already assigned to this session."),
    "double_booked": _l(
        "%(name)s is already booked for another session at the same time. Cancel that place "
        "first or choose someone else."
    ),
    "bad_transition": _l("This status change is not possible from the current status."),
    "not_allowed": _l("You may only confirm or cancel places of your own municipality."),
    "not_started": _l("Attendance can be recorded once the session has started."),
    "training_has_sessions": _l(
        "This training has %(count)s planned sessions and cannot be deleted. Delete or move the "
        "sessions first."
    ),
}


_RESET_LINK_ERRORS = {
    "unknown": _l(
        "This password reset link is not valid. Check that you copied the whole link, or request "
        "a new one."
    ),
    "used": _l(
        "This password reset link has already been used. Sign in with your new password, or "
        "request a new link."
    ),
    "expired": _l(
        "This password reset link has expired; links are valid for one hour. Request a new one."
    ),
}


def reset_link_error_text(reason: str) -> str:
    """Return the user-facing sentence for a password reset link that cannot be used."""
    return str(_RESET_LINK_ERRORS.get(reason, _RESET_LINK_ERRORS["unknown"]))


def team_error_text(code: str, **values) -> str:
    """Return the user-facing sentence for a team, invitation or training error code."""
    text = _TEAM_ERRORS.get(code)
    return str(text) % values if text is not None and values else str(text or code)


# --- Review and life cycle ---------------------------------------------------------------------

_FINDING_KINDS = {
    "strength": _l("Strength"),
    "observation": _l("Observation"),
    "gap": _l("Gap"),
}
_SEVERITIES = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}
_STEPS = {
    "submit": _l("Submit for review"),
    "start_review": _l("Start the review"),
    "request_changes": _l("Request changes"),
    "validate": _l("Validate"),
    "reopen": _l("Re-open for a new review"),
}
_STEPS_DONE = {
    "submit": _l("The inventory has been submitted. An advisor will review it."),
    "start_review": _l("The review has started. The municipality's answers are locked meanwhile."),
    "request_changes": _l("Changes have been requested; the municipality can edit its answers."),
    "validate": _l("The inventory has been validated. The report is no longer a draft."),
    "reopen": _l("The inventory has been re-opened for a new review."),
}
_STEP_ERRORS = {
    "comment_required": _l("Please give a reason or your observations in the comment field."),
    "wrong_status": _l("This step is not possible in the inventory's current status."),
    "unknown_step": _l("This step does not exist."),
    "not_allowed": _l("You may not take this step."),
}
_EVIDENCE_ERRORS = {
    "no_file": _l("Please choose a file."),
    "empty_file": _l("The file is empty. Please choose another file."),
    "bad_name": _l(
        "The file name is not allowed: use a plain name without folders, “..” or “/”, "
        "at most 200 characters."
    ),
    "too_large": _l("The file is too large: at most %(limit)s MB are allowed."),
    "type_not_allowed": _l(
        "Files of type “%(extension)s” are not accepted. Allowed: PDF, PNG, JPEG, GIF, WebP, "
        "Word, Excel, PowerPoint and OpenDocument files."
    ),
    "content_mismatch": _l(
        "The file's content is not a “%(extension)s” file, although its name says so. "
        "Please upload the original document."
    ),
    "bad_url": _l("Please enter a web address starting with https:// or http://."),
    "nothing_given": _l("Please choose a file, enter a link or write a text."),
}


def finding_kind_label(kind: str) -> str:
    return str(_FINDING_KINDS.get(kind, kind))


def severity_label(severity: str) -> str:
    return str(_SEVERITIES.get(severity, severity))


def step_label(step: str) -> str:
    return str(_STEPS.get(step, step))


def step_done_text(step: str) -> str:
    return str(_STEPS_DONE.get(step, step))


def step_error_text(code: str) -> str:
    return str(_STEP_ERRORS.get(code, code))


def evidence_error_text(code: str, **details: object) -> str:
    """Return the sentence for a refused piece of evidence."""
    text = str(_EVIDENCE_ERRORS.get(code, code))
    return text % details if details else text


_SIZE_CLASSES = {
    "rural": _l("Rural municipality (under 5,000 inhabitants)"),
    "small_town": _l("Small town (5,000 to 20,000)"),
    "medium_town": _l("Medium-sized town (20,000 to 100,000)"),
    "city": _l("City (100,000 and more)"),
}


def size_label(size_class: str) -> str:
    """Name a size class of municipalities (after the BBSR's town and municipality types)."""
    return str(_SIZE_CLASSES.get(size_class, size_class))


# Settlement density (Verstädterungsgrad) of the Destatis directory.
_DENSITIES = {
    1: _l("densely populated"),
    2: _l("intermediate density"),
    3: _l("thinly populated"),
}


def density_label(density: int | None) -> str:
    """Name the settlement density 1-3 of the directory."""
    return str(_DENSITIES.get(density, _l("unknown"))) if density else _("unknown")


def peer_group_text(group) -> str:
    """Describe a peer group in words: 'municipalities in Bavaria, rural ..., thinly populated'."""
    if group is None:
        return _("no group of comparable municipalities is large enough yet")
    parts = [
        _("municipalities in %(state)s", state=group.state_name)
        if group.state_name
        else _("municipalities in Germany")
    ]
    if group.size_class:
        parts.append(size_label(group.size_class))
    if group.density:
        parts.append(density_label(group.density))
    return ", ".join(parts)


_COOPERATION_STATUS = {
    "open": _l("open"),
    "answered": _l("answered"),
    "closed": _l("closed"),
}


def cooperation_status_label(status: str) -> str:
    return str(_COOPERATION_STATUS.get(status, status))


_COOPERATION_ERRORS = {
    "not_allowed": _l("You may not write for this municipality."),
    "same_municipality": _l("A municipality cannot send a request to itself."),
    "not_named": _l(
        "This municipality has not agreed to be contacted as a cooperation partner. Choose one "
        "of the suggested neighbours."
    ),
    "text_required": _l("Please write a message."),
    "text_too_long": _l("Please shorten the message to at most 4,000 characters."),
    "closed": _l("This request is closed; start a new request to write again."),
    "unknown_partner": _l("No municipality with this key was found. Choose a suggested neighbour."),
}


def cooperation_error_text(code: str) -> str:
    return str(_COOPERATION_ERRORS.get(code, code))


# Destatis Textkennzeichen of an association (Gemeindeverband, satzart 50).
ASSOCIATION_KINDS = {
    "51": _l("Amt"),
    "52": _l("Samtgemeinde"),
    "53": _l("Verbandsgemeinde"),
    "54": _l("Verwaltungsgemeinschaft"),
    "55": _l("Kirchspielslandgemeinde"),
    "56": _l("Verwaltungsverband"),
    "58": _l("Erfüllende Gemeinde"),
}


def association_kind(kind: str | None) -> str:
    """Name the kind of an association; unknown kinds as 'association of municipalities'."""
    return str(ASSOCIATION_KINDS.get(kind or "", _("association of municipalities")))


REPORT_EDITIONS = {
    "full": _l("full report"),
    "short": _l("short edition for the council"),
}
_REPORT_STEPS = {
    "data": _l("collecting the results"),
    "charts": _l("drawing the charts"),
    "layout": _l("laying out the pages"),
}


def report_job_message(job) -> str:
    """Say in one sentence where a report job stands and what to do (a services JobView)."""
    if job.status == "ready":
        return _("The PDF is ready.")
    if job.status == "failed":
        return _(
            "The PDF could not be created, even after %(attempts)d attempts. Please try again "
            "later; if it fails again, tell your administrator.",
            attempts=job.attempts,
        )
    if job.status == "running" and job.step_key:
        return _(
            "Creating the PDF: step %(step)d of %(steps)d, %(what)s.",
            step=job.step,
            steps=job.steps,
            what=_REPORT_STEPS[job.step_key],
        )
    if job.attempts:
        return _("The last attempt failed; the PDF is queued for another attempt.")
    return _(
        "The PDF is queued and will be created shortly. If it is still waiting after a few "
        "minutes, the report service is not running: please tell your administrator."
    )
