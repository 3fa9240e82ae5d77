"""Answers: validation messages, form parsing, visibility, per-question scores and carry-over."""

from __future__ import annotations

from dataclasses import replace

import pytest

from questionnaires import (
    Answer,
    AnswerError,
    AnswerStatus,
    Break,
    Domain,
    Option,
    Profile,
    Question,
    Questionnaire,
    Text,
    Type,
    carry_over,
    expression_values,
    parse,
    parse_form_value,
    parse_number,
    question_score,
    validate_answer,
    visible_questions,
)

T = Text("x", "x")


def question(qid: str = "services.q", qtype: str = "single", **fields) -> Question:
    defaults = {"options": (Option("a", T, 0.0), Option("b", T, 1.0)), "allow_dont_know": True}
    if qtype != "single":
        defaults = {"allow_dont_know": True}
    return Question(qid, qtype, T, T, qid.split(".")[0], **{**defaults, **fields})


def questionnaire(*questions: Question, version: str = "1.0.0") -> Questionnaire:
    return Questionnaire(
        id="test",
        version=version,
        status="active",
        title=T,
        description=T,
        scales=(),
        profile=Profile(T, T, tuple(q for q in questions if q.is_profile)),
        domains=(Domain("services", T, T, tuple(q for q in questions if not q.is_profile)),),
    )


def rejected(q: Question, raw: object) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(q, raw)
    return caught.value


def answered(value: object) -> dict:
    return {"status": "answered", "value": value}


# --- validation ---------------------------------------------------------------------------------


def test_number_out_of_bounds_is_explained_in_german_and_english() -> None:
    error = rejected(question(qtype="number", min=0, max=500), answered(501))
    assert error.message("de") == "Bitte eine Zahl zwischen 0 und 500 eingeben."
    assert error.message("en") == "Please enter a number between 0 and 500."
    assert error.question_id == "services.q"


def test_bounds_use_the_german_decimal_comma() -> None:
    error = rejected(question(qtype="number", min=0.5, max=2.5), answered(3))
    assert error.message("de") == "Bitte eine Zahl zwischen 0,5 und 2,5 eingeben."


def test_integer_question_rejects_a_fraction_and_normalises_whole_floats() -> None:
    q = question(qtype="number", min=0, max=10, integer=True)
    assert rejected(q, answered(2.5)).message("en") == "Please enter a whole number."
    assert validate_answer(q, answered(3.0)).value == 3


def test_number_question_rejects_text_and_booleans() -> None:
    q = question(qtype="number", min=0, max=10)
    assert rejected(q, answered("3")).message("en") == "Please enter a number."
    assert rejected(q, answered(True)).message("en") == "Please enter a number."


def test_unknown_option_is_rejected() -> None:
    assert rejected(question(), answered("c")).message("en") == "This option does not exist."


def test_exclusive_option_cannot_be_combined_with_others() -> None:
    options = (Option("a", T), Option("none", Text("Keine", "None"), exclusive=True))
    q = question(qtype="multiple", options=options, aggregation="share")
    error = rejected(q, answered(["a", "none"]))
    assert error.message("en") == "“None” cannot be ticked together with other answers."
    assert validate_answer(q, answered(["none"])).value == ("none",)


def test_text_that_is_too_long_is_rejected() -> None:
    q = question(qtype="text", max_length=5)
    assert "at most 5 characters" in rejected(q, answered("abcdefg")).message("en")


def test_not_applicable_is_rejected_unless_the_question_allows_it() -> None:
    assert "Trifft nicht zu" in rejected(question(), {"status": "not_applicable"}).message("de")
    allowed = question(allow_not_applicable=True)
    assert validate_answer(allowed, {"status": "not_applicable"}) == Answer.not_applicable()


def test_dont_know_is_rejected_unless_the_question_allows_it() -> None:
    error = rejected(question(allow_dont_know=False), {"status": "dont_know"})
    assert error.message("en") == "“Don't know” is not available for this question."


def test_unknown_status_is_an_answer_error() -> None:
    assert rejected(question(), {"status": "maybe"}).message("en") == "Invalid answer."
    assert rejected(question(), "a").message("en") == "Invalid answer."


def test_matrix_answer_needs_known_rows_and_options() -> None:
    from questionnaires import Row

    q = question(qtype="matrix", rows=(Row("r1", T),), options=(Option("a", T, 1.0),))
    assert validate_answer(q, answered({"r1": "a"})).value == {"r1": "a"}
    assert rejected(q, answered({"r2": "a"})).message("en") == "This row does not exist."
    assert rejected(q, answered({})).message("en") == "Please answer at least one row."


def test_answer_round_trips_through_json() -> None:
    for answer in (
        Answer.answered(["a", "b"]),
        Answer.answered({"r": "a"}),
        Answer.answered(12.5),
        Answer.dont_know(),
        Answer.not_applicable(),
    ):
        assert Answer.from_json(answer.to_json()) == answer
    assert Answer.not_applicable().to_json() == {"status": "not_applicable"}
    assert Answer.answered(("a",)).to_json() == {"status": "answered", "value": ["a"]}


# --- form values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [("12,5", 12.5), ("12.5", 12.5), ("12.000", 12000), ("1.234,5", 1234.5), (" 4 000 ", 4000)],
)
def test_numbers_are_read_as_people_type_them(typed: str, number: float) -> None:
    assert parse_number(typed) == number


def test_form_value_of_a_number_question_accepts_the_german_decimal_comma() -> None:
    assert parse_form_value(question(qtype="number", min=0, max=100), ["12,5"]) == 12.5


def test_unreadable_number_is_passed_on_for_validation_to_report() -> None:
    q = question(qtype="number", min=0, max=100)
    raw = parse_form_value(q, ["zwölf"])
    assert rejected(q, answered(raw)).message("de") == "Bitte eine Zahl eingeben."


def test_form_value_of_a_yesno_question_is_a_boolean() -> None:
    q = question(qtype="yesno", options=(Option("yes", T, 1.0), Option("no", T, 0.0)))
    assert parse_form_value(q, ["yes"]) is True
    assert parse_form_value(q, ["no"]) is False
    assert parse_form_value(q, []) is None


def test_form_value_of_a_matrix_drops_empty_rows() -> None:
    assert parse_form_value(question(qtype="matrix"), {"r1": "a", "r2": ""}) == {"r1": "a"}


def test_form_value_of_a_text_uses_unix_line_ends() -> None:
    assert parse_form_value(question(qtype="text"), ["a\r\nb"]) == "a\nb"


# --- visibility ---------------------------------------------------------------------------------

NAMES = {"profile.small": Type.BOOL, "services.a": Type.STRING, "services.b": Type.STRING}


def chain() -> Questionnaire:
    """profile.small → services.a shown if small → services.b shown if a == 'b'."""
    small = question("profile.small", "yesno", allow_dont_know=False)
    a = question("services.a", show_if=parse("profile.small", NAMES))
    b = question("services.b", show_if=parse("services.a == 'b'", NAMES))
    return questionnaire(small, a, b)


def test_question_is_hidden_when_its_condition_is_false() -> None:
    answers = {"profile.small": Answer.answered(False)}
    assert visible_questions(chain(), answers, {}) == {"profile.small"}


def test_question_depending_on_a_hidden_question_sees_null() -> None:
    answers = {"profile.small": Answer.answered(False), "services.a": Answer.answered("b")}
    assert "services.b" not in visible_questions(chain(), answers, {})
    answers["profile.small"] = Answer.answered(True)
    assert "services.b" in visible_questions(chain(), answers, {})


def test_conditions_can_use_directory_facts() -> None:
    names = {"municipality.population": Type.NUMBER}
    big = question("services.big", show_if=parse("municipality.population > 5000", names))
    q = questionnaire(big)
    assert visible_questions(q, {}, {"population": 6000}) == {"services.big"}
    assert visible_questions(q, {}, {"municipality.population": 100}) == set()


def test_expression_values_are_null_for_not_applicable_and_dont_know() -> None:
    a = question("services.a", allow_not_applicable=True)
    b = question("services.b")
    answers = {"services.a": Answer.not_applicable(), "services.b": Answer.dont_know()}
    values = expression_values(questionnaire(a, b), answers, {"state": "09"})
    assert values == {"municipality.state": "09", "services.a": None, "services.b": None}


def test_expression_values_ignore_answers_that_do_not_fit() -> None:
    values = expression_values(questionnaire(question()), {"services.q": answered("zzz")}, {})
    assert values["services.q"] is None


# --- scores -------------------------------------------------------------------------------------


def test_not_applicable_answer_is_not_scored() -> None:
    assert question_score(question(allow_not_applicable=True), Answer.not_applicable()) is None


def test_dont_know_scores_zero() -> None:
    assert question_score(question(), Answer.dont_know()) == 0.0


def test_hidden_question_is_not_scored() -> None:
    assert question_score(question(), Answer.answered("b"), visible=False) is None


def test_weight_zero_question_is_not_scored() -> None:
    assert question_score(question(weight=0), Answer.answered("b")) is None


def test_text_and_profile_questions_are_not_scored() -> None:
    assert question_score(question(qtype="text"), Answer.answered("hi")) is None
    assert question_score(question("profile.q"), Answer.answered("b")) is None


def test_single_answer_scores_its_option() -> None:
    assert question_score(question(), Answer.answered("b")) == 1.0


def test_multiple_share_counts_ticked_options_that_are_not_exclusive() -> None:
    options = (Option("a", T), Option("b", T), Option("c", T), Option("n", T, exclusive=True))
    q = question(qtype="multiple", options=options, aggregation="share")
    assert question_score(q, Answer.answered(["a", "b"])) == pytest.approx(2 / 3)
    assert question_score(q, Answer.answered(["n"])) == 0.0


def test_multiple_sum_capped_is_at_most_one() -> None:
    options = (Option("a", T, 0.6), Option("b", T, 0.6))
    q = question(qtype="multiple", options=options, aggregation="sum_capped")
    assert question_score(q, Answer.answered(["a"])) == 0.6
    assert question_score(q, Answer.answered(["a", "b"])) == 1.0


def test_number_scores_the_last_break_at_or_below_the_answer() -> None:
    breaks = (Break(0, 0.0), Break(10, 0.5), Break(50, 1.0))
    q = question(qtype="number", min=0, max=100, breaks=breaks)
    scores = [question_score(q, Answer.answered(v)) for v in (0, 9.9, 10, 49, 50, 100)]
    assert scores == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]


def test_matrix_aggregates_the_answered_rows(mini: Questionnaire) -> None:
    q = mini.question("services.portal_matrix")
    answer = Answer.answered({"appointments": "none", "payment": "linked"})
    assert question_score(q, answer) == 0.5
    assert question_score(replace(q, aggregation="min"), answer) == 0.0
    assert question_score(replace(q, aggregation="max"), answer) == 1.0


def test_yesno_scores_come_from_the_file(mini: Questionnaire) -> None:
    q = mini.question("services.eakte")
    assert question_score(q, Answer.answered(True)) == 1.0
    assert question_score(q, Answer.answered(False)) == 0.0


# --- carry-over ---------------------------------------------------------------------------------


def test_answers_carry_over_by_id_and_by_replaces() -> None:
    old = questionnaire(question("services.a"), question("services.old"))
    new = questionnaire(
        question("services.a"),
        question("services.renamed", replaces=("services.old",)),
        version="2.0.0",
    )
    answers = {"services.a": Answer.answered("a"), "services.old": Answer.answered("b")}
    carried = carry_over(old, new, answers)
    assert carried == {"services.a": Answer.answered("a"), "services.renamed": Answer.answered("b")}


def test_answers_that_no_longer_fit_are_dropped() -> None:
    old = questionnaire(question("services.a"), question("services.b"))
    new = questionnaire(
        question("services.a", options=(Option("x", T, 1.0),)),
        question("services.b", qtype="text"),
    )
    answers = {"services.a": Answer.answered("a"), "services.b": Answer.answered("b")}
    assert carry_over(old, new, answers) == {}


def test_answer_status_values_match_the_stored_json() -> None:
    assert [s.value for s in AnswerStatus] == ["answered", "not_applicable", "dont_know"]


def test_answers_checked_before_are_told_apart_by_the_type_of_their_value() -> None:
    """Checked answers are kept; `True`, `1` and `1.0` are equal in Python but not as answers."""
    number = question("services.count", "number", min=0, max=10)
    yesno = question("services.yes", "yesno")
    for _ in range(2):  # the second round is answered from what was kept
        assert validate_answer(number, Answer.answered(1)).value == 1
        rejected(number, Answer.answered(True))
        assert validate_answer(yesno, Answer.answered(True)).value is True
        rejected(yesno, Answer.answered(1))
    # Another question object with the same id is checked against its own options.
    single = question()
    assert validate_answer(single, Answer.answered("b")).value == "b"
    rejected(replace(single, options=(Option("a", T, 0.0),)), Answer.answered("b"))
