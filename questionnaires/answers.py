"""Answers as stored, their validation against a question, and parsing of HTML form values."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from questionnaires.errors import AnswerError
from questionnaires.model import Question


class AnswerStatus(StrEnum):
    """How a question was answered."""

    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Answer:
    """An answer as stored: a status and, for answered questions, a value.

    Values: `single` option id; `multiple`/`ranking` tuple of option ids; `yesno` bool; `number` int
    or float; `text` str; `matrix` read-only mapping row id → option id (a checkbox matrix: row id
    → tuple of the ticked column ids, rows without a tick left out).
    """

    status: AnswerStatus
    value: object = None

    @classmethod
    def answered(cls, value: object) -> Answer:
        return cls(AnswerStatus.ANSWERED, _freeze(value))

    @classmethod
    def not_applicable(cls) -> Answer:
        return cls(AnswerStatus.NOT_APPLICABLE)

    @classmethod
    def dont_know(cls) -> Answer:
        return cls(AnswerStatus.DONT_KNOW)

    def to_json(self) -> dict[str, object]:
        """Return the JSON form: {"status": ..., "value": ...} (value only when answered)."""
        if self.status is not AnswerStatus.ANSWERED:
            return {"status": str(self.status)}
        value = self.value
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        return {"status": str(self.status), "value": value}

    @classmethod
    def from_json(cls, data: object) -> Answer:
        """Read the JSON form; raise AnswerError if it has no valid status."""
        if isinstance(data, Answer):
            return data
        status = data.get("status") if isinstance(data, Mapping) else None
        status = _STATUSES.get(status) if isinstance(status, str) else None
        if status is None:
            raise AnswerError("", "Ungültige Antwort.", "Invalid answer.")
        if status is AnswerStatus.ANSWERED:
            return cls(status, _freeze(data.get("value")))  # type: ignore[union-attr]
        return cls(status)


_STATUSES = {s.value: s for s in AnswerStatus}  # a dict lookup is faster than AnswerStatus(x)


def _freeze(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, Mapping):
        return MappingProxyType(dict(value))
    return value


# --- validation ---------------------------------------------------------------------------------


def _format_number(number: float, lang: str) -> str:
    """Format a bound for a message: German uses a decimal comma and dots between thousands."""
    text = f"{int(number):,}" if number == int(number) else f"{number:,.6g}"
    if lang == "de":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def _fail(question: Question, de: str, en: str) -> AnswerError:
    return AnswerError(question.id, de, en)


#: Answers found to fit their question, by question object and answer. Checking is pure and the
#: engines check the same stored answers on every page; the entry holds the question itself, so
#: a key is never taken for another question object that got the same id().
_FITTING: dict[tuple, tuple[Question, Answer]] = {}
_FITTING_LIMIT = 50_000
_PLAIN = (str, int, float, bool)


def _fitting_key(question: Question, raw: Answer) -> tuple | None:
    """Return a memo key for an Answer with a plain value (the type counts: True is not 1)."""
    value = raw.value
    kind = type(value)
    if value is None or kind in _PLAIN:
        return (id(question), raw.status, kind, value)
    if kind is tuple and all(type(item) is str for item in value):  # type: ignore[union-attr]
        return (id(question), raw.status, kind, value)
    return None  # a matrix's mapping: checked every time


def validate_answer(question: Question, raw: object) -> Answer:
    """Check `raw` (an Answer or its JSON form) against `question`; return the normalised Answer.

    Raise AnswerError with a German and an English message for the user if it does not fit.
    """
    key = _fitting_key(question, raw) if isinstance(raw, Answer) else None
    if key is not None:
        kept = _FITTING.get(key)
        if kept is not None and kept[0] is question:
            return kept[1]
    answer = _validate(question, raw)
    if key is not None:
        if len(_FITTING) >= _FITTING_LIMIT:
            _FITTING.clear()
        _FITTING[key] = (question, answer)
    return answer


def _validate(question: Question, raw: object) -> Answer:
    try:
        answer = Answer.from_json(raw)
    except AnswerError:
        raise _fail(question, "Ungültige Antwort.", "Invalid answer.") from None
    if answer.status is AnswerStatus.NOT_APPLICABLE:
        if not question.allow_not_applicable:
            raise _fail(
                question,
                "„Trifft nicht zu“ ist bei dieser Frage nicht möglich.",
                "“Does not apply” is not available for this question.",
            )
        return Answer.not_applicable()
    if answer.status is AnswerStatus.DONT_KNOW:
        if not question.allow_dont_know:
            raise _fail(
                question,
                "„Weiß nicht“ ist bei dieser Frage nicht möglich.",
                "“Don't know” is not available for this question.",
            )
        return Answer.dont_know()
    value = _VALIDATORS[question.type](question, answer.value)
    return Answer(AnswerStatus.ANSWERED, value)


def _option_ids(question: Question, value: object) -> tuple[str, ...]:
    """Check a list of option ids: no repeats, all known."""
    if not isinstance(value, tuple) or not all(isinstance(item, str) for item in value):
        raise _fail(question, "Bitte Antworten auswählen.", "Please choose answers.")
    if len(set(value)) != len(value):
        raise _fail(
            question,
            "Jede Antwort darf nur einmal vorkommen.",
            "Each answer may occur only once.",
        )
    if any(item not in question.option_ids for item in value):
        raise _fail(
            question, "Diese Antwortmöglichkeit gibt es nicht.", "This option does not exist."
        )
    return value


def _single(question: Question, value: object) -> object:
    if not isinstance(value, str) or not value:
        raise _fail(question, "Bitte eine Antwort auswählen.", "Please choose an answer.")
    if value not in question.option_ids:
        raise _fail(
            question, "Diese Antwortmöglichkeit gibt es nicht.", "This option does not exist."
        )
    return value


def _multiple(question: Question, value: object) -> object:
    ids = _option_ids(question, value)
    exclusive = [o for o in question.options if o.exclusive]
    for option in exclusive:
        if option.id in ids and len(ids) > 1:
            raise _fail(
                question,
                f"„{option.label.de}“ kann nicht zusammen mit anderen Antworten angekreuzt werden.",
                f"“{option.label.en}” cannot be ticked together with other answers.",
            )
    if not ids and exclusive:
        raise _fail(
            question,
            f"Bitte mindestens eine Antwort ankreuzen (oder „{exclusive[0].label.de}“).",
            f"Please tick at least one answer (or “{exclusive[0].label.en}”).",
        )
    return ids


def _yesno(question: Question, value: object) -> object:
    if not isinstance(value, bool):
        raise _fail(question, "Bitte Ja oder Nein wählen.", "Please choose yes or no.")
    return value


# Larger numbers are never meant (and lose precision as floats); 400 nines are refused.
_LARGEST_NUMBER = 10**15
# Control characters other than tab and line breaks: invisible, and XML (XLSX) cannot hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _number(question: Question, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(question, "Bitte eine Zahl eingeben.", "Please enter a number.")
    if isinstance(value, int) and abs(value) > _LARGEST_NUMBER:
        raise _fail(
            question,
            "Bitte eine Zahl mit höchstens 15 Stellen eingeben.",
            "Please enter a number with at most 15 digits.",
        )
    if not math.isfinite(value) or abs(value) > _LARGEST_NUMBER:
        raise _fail(question, "Bitte eine Zahl eingeben.", "Please enter a number.")
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        de_range = (
            f"zwischen {_format_number(low or 0, 'de')} und {_format_number(high or 0, 'de')}"
        )
        en_range = f"between {_format_number(low or 0, 'en')} and {_format_number(high or 0, 'en')}"
        raise _fail(
            question, f"Bitte eine Zahl {de_range} eingeben.", f"Please enter a number {en_range}."
        )
    if question.integer:
        if value != int(value):
            raise _fail(question, "Bitte eine ganze Zahl eingeben.", "Please enter a whole number.")
        return int(value)
    return value


def _text(question: Question, value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        raise _fail(question, "Bitte einen Text eingeben.", "Please enter a text.")
    value = value.strip()
    if _CONTROL.search(value):
        raise _fail(
            question,
            "Der Text enthält ein Steuerzeichen (ein unsichtbares Sonderzeichen, oft aus einem "
            "anderen Programm kopiert). Bitte entfernen.",
            "The text contains a control character (an invisible special character, often copied "
            "from another program). Please remove it.",
        )
    if len(value) > question.max_length:
        limit, length = question.max_length, len(value)
        raise _fail(
            question,
            f"Bitte höchstens {limit} Zeichen eingeben (jetzt {length}).",
            f"Please enter at most {limit} characters (now {length}).",
        )
    return value


def _checkbox_matrix(question: Question, value: object) -> object:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str)
        and isinstance(v, list | tuple)
        and all(isinstance(item, str) for item in v)
        for k, v in value.items()
    ):
        raise _fail(question, "Bitte Kästchen ankreuzen.", "Please tick boxes.")
    rows = {row.id for row in question.rows}
    if any(row not in rows for row in value):
        raise _fail(question, "Diese Zeile gibt es nicht.", "This row does not exist.")
    columns = question.option_ids
    result: dict[str, tuple[str, ...]] = {}
    for row in question.rows:
        ticked = tuple(value.get(row.id, ()))
        if any(item not in columns for item in ticked) or len(set(ticked)) != len(ticked):
            raise _fail(question, "Diese Spalte gibt es nicht.", "This column does not exist.")
        if ticked:
            result[row.id] = tuple(c for c in columns if c in ticked)
    if not result:
        raise _fail(
            question, "Bitte mindestens ein Kästchen ankreuzen.", "Please tick at least one box."
        )
    return MappingProxyType(result)


def _matrix(question: Question, value: object) -> object:
    if question.is_checkbox_matrix:
        return _checkbox_matrix(question, value)
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _fail(
            question, "Bitte je Zeile eine Antwort wählen.", "Please choose one answer per row."
        )
    if not value:
        raise _fail(
            question, "Bitte mindestens eine Zeile beantworten.", "Please answer at least one row."
        )
    rows = {row.id for row in question.rows}
    if any(row not in rows for row in value):
        raise _fail(question, "Diese Zeile gibt es nicht.", "This row does not exist.")
    if any(option not in question.option_ids for option in value.values()):
        raise _fail(
            question, "Diese Antwortmöglichkeit gibt es nicht.", "This option does not exist."
        )
    return MappingProxyType(dict(value))


def _ranking(question: Question, value: object) -> object:
    ids = _option_ids(question, value)
    if not ids:
        raise _fail(
            question,
            "Bitte mindestens eine Antwort auswählen.",
            "Please choose at least one answer.",
        )
    return ids


_VALIDATORS = {
    "single": _single,
    "multiple": _multiple,
    "yesno": _yesno,
    "number": _number,
    "text": _text,
    "matrix": _matrix,
    "ranking": _ranking,
}

# --- HTML forms ---------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_DOT_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_COMMA_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]+)?")


def parse_number(text: str) -> int | float | None:
    """Read a number typed by a person: '12,5', '12.5', '1.234.567', '4 000'; None if it is none.

    A single comma is a German decimal comma; dots between groups of three digits separate
    thousands ('12.000' is twelve thousand).
    """
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if len(text) > 40:  # no sensible number is longer; int() of thousands of digits is slow
        return None
    if _DOT_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _COMMA_THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    return float(text) if "." in text else int(text)


def parse_form_value(question: Question, strings: list[str] | dict[str, str]) -> object:
    """Turn the strings of an HTML form field into a raw answer value for validate_answer.

    `strings` is the field's list of values (request.form.getlist) or, for a matrix, a mapping
    row id → option id. Empty input gives None; input that cannot be read is returned as it is,
    so that validate_answer reports it.
    """
    if question.type == "matrix":
        if not isinstance(strings, Mapping):
            return strings
        if question.is_checkbox_matrix:
            return {
                row: [c.strip() for c in ticked if isinstance(c, str) and c.strip()]
                for row, ticked in strings.items()
                if isinstance(ticked, list | tuple)
                and any(isinstance(c, str) and c.strip() for c in ticked)
            }
        return {row: option.strip() for row, option in strings.items() if option and option.strip()}
    if not isinstance(strings, list | tuple):
        return strings
    values = [s.strip() for s in strings if isinstance(s, str) and s.strip()]
    if question.type in ("multiple", "ranking"):
        return values
    if len(values) > 1:
        return values
    if not values:
        return None
    value = values[0]
    if question.type == "yesno":
        return {"yes": True, "no": False}.get(value, value)
    if question.type == "number":
        number = parse_number(value)
        return value if number is None else number
    if question.type == "text":
        return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n"))
    return value
