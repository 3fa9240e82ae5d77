"""Evaluating answers against a questionnaire: visibility, expression values, scores, carry-over."""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires.answers import Answer, AnswerStatus, validate_answer
from questionnaires.errors import AnswerError
from questionnaires.model import Question, Questionnaire


def _valid(question: Question, answer: object) -> Answer | None:
    """Return the answer normalised, or None if it is missing or does not fit the question."""
    if answer is None:
        return None
    try:
        return validate_answer(question, answer)
    except AnswerError:
        return None


def fact_values(facts: Mapping[str, object]) -> dict[str, object]:
    """Name directory facts as expressions see them ('population' → 'municipality.population')."""
    return {
        (key if "." in key else f"municipality.{key}"): value
        for key, value in facts.items()
        if isinstance(key, str)
    }


def _walk(
    questionnaire: Questionnaire, answers: Mapping[str, object], facts: Mapping[str, object]
) -> tuple[set[str], dict[str, object]]:
    """Decide visibility in file order; a hidden question's value is null for later conditions."""
    values = fact_values(facts)
    visible: set[str] = set()
    for question in questionnaire.all_questions():
        shown = question.show_if is None or question.show_if.holds(values)
        value = None
        if shown:
            visible.add(question.id)
            answer = _valid(question, answers.get(question.id))
            if answer is not None and answer.status is AnswerStatus.ANSWERED:
                value = answer.value
        values[question.id] = value
    return visible, values


def visible_questions(
    questionnaire: Questionnaire, answers: Mapping[str, object], facts: Mapping[str, object]
) -> set[str]:
    """Return the ids of the questions whose show_if holds (or that have none).

    `answers` maps question ids to Answers (or their JSON form); `facts` are directory facts
    ('population' or 'municipality.population'). Answers that do not fit count as unanswered.
    """
    return _walk(questionnaire, answers, facts)[0]


def expression_values(
    questionnaire: Questionnaire, answers: Mapping[str, object], facts: Mapping[str, object]
) -> dict[str, object]:
    """Return the name → value mapping expressions see.

    Every question id is present: null when unanswered, hidden, not applicable or don't know.
    """
    return _walk(questionnaire, answers, facts)[1]


def question_score(question: Question, answer: object, *, visible: bool = True) -> float | None:
    """Return the score 0..1 of one answer, before weighting; None when it does not count.

    None for questions that are not scored (profile, text, weight 0), hidden questions, missing
    or ill-fitting answers and "not applicable". "Don't know" scores 0.
    """
    if not question.is_scored or not visible:
        return None
    return checked_score(question, _valid(question, answer))


def checked_score(question: Question, checked: Answer | None) -> float | None:
    """Return `question_score` of an answer that `validate_answer` already returned (or None).

    For callers that validated all answers once (the scoring engine); it skips validating again.
    """
    if not question.is_scored:
        return None
    if checked is None or checked.status is AnswerStatus.NOT_APPLICABLE:
        return None
    if checked.status is AnswerStatus.DONT_KNOW:
        return 0.0
    value = checked.value
    if question.type in ("single", "yesno"):
        key = value if isinstance(value, str) else ("yes" if value else "no")
        option = question.option(key)
        return None if option is None or option.score is None else option.score
    if question.type == "multiple":
        return _multiple_score(question, value)  # type: ignore[arg-type]
    if question.type == "number":
        score = 0.0
        for step in question.breaks:
            if step.from_ <= value:  # type: ignore[operator]
                score = step.score
        return score
    return _matrix_score(question, value)  # type: ignore[arg-type]


def _multiple_score(question: Question, ticked: tuple[str, ...]) -> float:
    chosen = [question.option(option_id) for option_id in ticked]
    if any(option is None or option.exclusive for option in chosen):
        return 0.0
    if question.aggregation == "share":
        countable = [o for o in question.options if not o.exclusive]
        return len(chosen) / len(countable) if countable else 0.0
    return min(1.0, sum(option.score or 0.0 for option in chosen if option is not None))


def _matrix_score(question: Question, rows: Mapping[str, object]) -> float | None:
    if question.is_checkbox_matrix:
        return _column_share_score(question, rows)
    scores = [
        option.score
        for option_id in rows.values()
        if (option := question.option(str(option_id))) is not None and option.score is not None
    ]
    if question.blank_rows == "zero":
        scores += [0.0] * sum(1 for row in question.rows if row.id not in rows)
    if not scores:
        return None
    if question.aggregation == "min":
        return min(scores)
    if question.aggregation == "max":
        return max(scores)
    return sum(scores) / len(scores)


def _column_share_score(question: Question, rows: Mapping[str, object]) -> float:
    """Score each column as the share of rows ticked in it; weigh the shares by column score."""
    total = weights = 0.0
    for column in question.columns:
        weight = 1.0 if column.score is None else column.score
        ticked = sum(1 for row in question.rows if column.id in rows.get(row.id, ()))  # type: ignore[operator]
        total += weight * ticked / len(question.rows)
        weights += weight
    return total / weights if weights else 0.0


def carry_over(
    old: Questionnaire, new: Questionnaire, answers: Mapping[str, object]
) -> dict[str, Answer]:
    """Carry answers given on `old` over to `new`, by question id and the new questions' `replaces`.

    An answer is carried only if its question exists in `old`, keeps its type and the answer
    still fits the new question (options, bounds, "does not apply"); others are dropped.
    """
    result: dict[str, Answer] = {}
    for question in new.all_questions():
        for old_id in (question.id, *question.replaces):
            previous = old.find_question(old_id)
            if previous is None or old_id not in answers or previous.type != question.type:
                continue
            answer = _valid(question, answers[old_id])
            if answer is not None:
                result[question.id] = answer
                break
    return result
