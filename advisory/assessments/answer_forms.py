"""Reading answers from HTML form fields, and describing stored answers in words."""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from advisory.inputs import MAX_ID, parse_int
from questionnaires import Answer, AnswerError, Question, parse_form_value, validate_answer

DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
_SPECIAL = {DONT_KNOW, NOT_APPLICABLE}


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def html_id(question: Question, suffix: str = "") -> str:
    """Return an id safe for HTML and CSS ('q-services-portal')."""
    base = "q-" + question.id.replace(".", "-")
    return f"{base}-{suffix}" if suffix else base


def submitted(question: Question, form: MultiDict) -> bool:
    """Tell whether the question's fields were part of the submitted page."""
    return f"present-{question.id}" in form


def read_answer(question: Question, form: MultiDict) -> Answer | None:
    """Return the answer in the form (None when left empty); raise AnswerError if it is invalid."""
    name = field_name(question)
    values = form.getlist(name)
    special = [v for v in values if v in _SPECIAL] + [
        v for v in form.getlist(f"s-{question.id}") if v in _SPECIAL
    ]
    values = [v for v in values if v not in _SPECIAL]
    if question.is_checkbox_matrix:
        raw = parse_form_value(
            question, {row.id: form.getlist(f"{name}.{row.id}") for row in question.rows}
        )
    elif question.type == "matrix":
        raw = parse_form_value(
            question, {row.id: form.get(f"{name}.{row.id}", "") for row in question.rows}
        )
    elif question.type == "ranking":
        raw = _ranking(question, form)
    else:
        raw = parse_form_value(question, values)
    empty = raw is None or raw == [] or raw == {}
    if special:
        if len(set(special)) > 1 or not empty:
            raise AnswerError(
                question.id,
                "Bitte entweder antworten oder „Weiß nicht“ bzw. „Trifft nicht zu“ wählen, "
                "nicht beides.",
                "Please either answer or choose “Don't know” or “Does not apply”, not both.",
            )
        return validate_answer(question, {"status": special[0]})
    if empty:
        return None
    return validate_answer(question, {"status": "answered", "value": raw})


def _ranking(question: Question, form: MultiDict) -> object:
    ranks: dict[str, int] = {}
    for option in question.options:
        text = form.get(f"{field_name(question)}.{option.id}", "").strip()
        if not text:
            continue
        rank = parse_int(text, low=1, high=len(question.options))
        if rank is None:
            raise AnswerError(question.id, "Bitte einen Rang wählen.", "Please choose a rank.")
        ranks[option.id] = rank
    if len(set(ranks.values())) != len(ranks):
        raise AnswerError(
            question.id,
            "Jeder Rang darf nur einmal vergeben werden.",
            "Each rank may be given only once.",
        )
    return [option_id for option_id, _rank in sorted(ranks.items(), key=lambda item: item[1])]


def describe(question: Question, status: str | None, value: object, lang: str) -> str:
    """Return a stored answer in words, as people read it in conflicts and in the history."""
    words = _WORDS[lang if lang in _WORDS else "de"]
    if status is None or status == "cleared":
        return words["none"]
    if status == DONT_KNOW:
        return words["dont_know"]
    if status == NOT_APPLICABLE:
        return words["not_applicable"]
    if question.type == "yesno":
        return words["yes"] if value else words["no"]
    if question.type == "single":
        return _label(question, value, lang)
    if question.type in ("multiple", "ranking") and isinstance(value, list | tuple):
        labels = [_label(question, item, lang) for item in value]
        if question.type == "ranking":
            return ", ".join(f"{i}. {label}" for i, label in enumerate(labels, 1))
        return ", ".join(labels)
    if question.is_checkbox_matrix and isinstance(value, Mapping):
        rows = {row.id: row.label.get(lang) for row in question.rows}
        return "; ".join(
            f"{rows.get(row, row)}: {', '.join(_label(question, c, lang) for c in ticked)}"
            for row, ticked in value.items()
        )
    if question.type == "matrix" and isinstance(value, Mapping):
        rows = {row.id: row.label.get(lang) for row in question.rows}
        return "; ".join(
            f"{rows.get(row, row)}: {_label(question, option, lang)}"
            for row, option in value.items()
        )
    if question.type == "number" and isinstance(value, int | float):
        number = f"{value:,}".replace(",", "\u202f") if lang == "de" else f"{value:,}"
        if lang == "de" and isinstance(value, float):
            number = number.replace(".", ",")
        unit = question.unit.get(lang) if question.unit else ""
        return f"{number} {unit}".strip()
    return str(value)


def _label(question: Question, option_id: object, lang: str) -> str:
    option = question.option(str(option_id))
    return option.label.get(lang) if option else str(option_id)


_WORDS = {
    "de": {
        "none": "(keine Antwort)",
        "dont_know": "Weiß nicht",
        "not_applicable": "Trifft nicht zu",
        "yes": "Ja",
        "no": "Nein",
    },
    "en": {
        "none": "(no answer)",
        "dont_know": "Don't know",
        "not_applicable": "Does not apply",
        "yes": "Yes",
        "no": "No",
    },
}


class QuestionState:
    """What a question's fields show: the stored answer, or the input the user just sent."""

    def __init__(self, question: Question, row, form: MultiDict | None, lang: str):
        self.question = question
        self.revision = row.revision if row is not None else 0
        self.updated_by = row.updated_by.name if row is not None and row.updated_by else None
        self.updated_at = row.updated_at if row is not None else None
        self.from_form = form is not None and submitted(question, form)
        if self.from_form:
            self._from_form(question, form)
            rev = form.get(f"rev-{question.id}", "")
            revision = parse_int(rev, high=MAX_ID)
            self.revision = self.revision if revision is None else revision
        else:
            status = row.status if row is not None else None
            value = row.value if row is not None else None
            self._from_answer(question, status, value)
        self.answered = row is not None
        # Taken from the previous inventory and not touched since: "please confirm".
        self.carried_over = bool(getattr(row, "carried_over", False))
        self.advice_key = self._advice_key(question)

    def key(self) -> tuple:
        """Everything the question's fields show, as a hashable value (see fragments.py)."""
        return (
            self.revision,
            self.updated_by,
            self.updated_at,
            self.special,
            frozenset(self.selected),
            self.text,
            tuple(sorted(self.matrix.items())),
            frozenset(self.ticked),
            tuple(sorted(self.ranks.items())),
            self.answered,
            self.carried_over,
            self.advice_key,
        )

    def _from_answer(self, question, status, value) -> None:
        self.special = status if status in _SPECIAL else None
        self.selected: set[str] = set()
        self.text = ""
        self.matrix: dict[str, str] = {}
        self.ticked: set[str] = set()  # "row.column" of a checkbox matrix
        self.ranks: dict[str, int] = {}
        if status != "answered":
            return
        if question.type == "yesno":
            self.selected = {"yes" if value else "no"}
        elif question.type == "single":
            self.selected = {str(value)}
        elif question.type == "multiple":
            self.selected = set(value or ())
        elif question.type == "ranking":
            self.ranks = {option_id: i for i, option_id in enumerate(value or (), 1)}
        elif question.is_checkbox_matrix:
            self.ticked = {f"{row}.{c}" for row, columns in (value or {}).items() for c in columns}
        elif question.type == "matrix":
            self.matrix = dict(value or {})
        elif question.type == "number":
            self.text = (
                describe(question, "answered", value, "de")
                .removesuffix(" " + (question.unit.de if question.unit else ""))
                .replace("\u202f", "")
            )
        else:
            self.text = str(value)

    def _from_form(self, question, form: MultiDict) -> None:
        name = field_name(question)
        values = form.getlist(name)
        specials = [v for v in values + form.getlist(f"s-{question.id}") if v in _SPECIAL]
        self.special = specials[0] if specials else None
        self.selected = {v for v in values if v not in _SPECIAL}
        self.text = values[0] if values and question.type in ("number", "text") else ""
        self.matrix = {row.id: form.get(f"{name}.{row.id}", "") for row in question.rows}
        self.ticked = {
            f"{row.id}.{c}" for row in question.rows for c in form.getlist(f"{name}.{row.id}")
        }
        self.ranks = {}
        for option in question.options:
            rank = parse_int(form.get(f"{name}.{option.id}", ""), high=MAX_ID)
            if rank is not None:
                self.ranks[option.id] = rank

    def _advice_key(self, question) -> str | None:
        if question.type in ("single", "yesno") and len(self.selected) == 1:
            return next(iter(self.selected))
        return None
