"""Property tests: garbage in, only the named errors (or valid results) out."""

from __future__ import annotations

import copy
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import (
    Answer,
    AnswerError,
    ContentError,
    ExpressionError,
    Questionnaire,
    Type,
    expression_values,
    parse,
    parse_form_value,
    question_score,
    questionnaire_from_data,
    validate_answer,
    visible_questions,
)

SETTINGS = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

NAMES = {
    "services.x": Type.STRING,
    "services.flag": Type.BOOL,
    "services.channels": Type.LIST,
    "services.matrix": Type.OPAQUE,
    "profile.it_staff": Type.NUMBER,
    "municipality.population": Type.NUMBER,
}
OPTIONS = {
    "services.x": frozenset({"none", "planned", "operation"}),
    "services.channels": frozenset({"portal", "app"}),
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.sampled_from(["none", "planned", "operation", "portal", "app", "yes", "no"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
value_maps = st.dictionaries(st.sampled_from([*NAMES, "other.name"]), json_values, max_size=7)

atoms = st.one_of(
    st.sampled_from([*NAMES, "servces.x", "answered", "true", "false", "null"]),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["0", "1.5", "2000", "'none'", "'operation'", '"app"', "'typo'"]),
    st.sampled_from(["['none', 'planned']", "['portal']", "[1, 2]", "[]", "['a', 1]"]),
)
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or", "+", "-", "*", "/"]


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(OPERATORS), children).map(" ".join),
        children.map(lambda c: f"not {c}"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(["answered", "count", "contains_any", "nope"]), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(children, children).map(lambda t: f"contains_any({t[0]}, {t[1]})"),
    )


grammar = st.recursive(atoms, combine, max_leaves=25)


def check_parse_and_evaluate(text: str, values: dict) -> None:
    try:
        expression = parse(text, NAMES, options=OPTIONS)
    except ExpressionError as error:
        assert error.column >= 1
        return
    result = expression.evaluate(values)
    assert expression.names <= set(NAMES)
    if expression.type is Type.BOOL:
        assert result is None or isinstance(result, bool)
    if expression.type is Type.NUMBER and result is not None:
        assert isinstance(result, int | float) and not isinstance(result, bool)


@SETTINGS
@given(st.text(max_size=120), value_maps)
def test_random_text_only_ever_raises_expression_errors(text: str, values: dict) -> None:
    check_parse_and_evaluate(text, values)


@SETTINGS
@given(grammar, value_maps)
def test_random_expressions_parse_or_raise_expression_error_and_never_fail_to_evaluate(
    text: str, values: dict
) -> None:
    check_parse_and_evaluate(text, values)


@SETTINGS
@given(st.integers(0, 3000), st.sampled_from(["(", "not ", "-", "[", "answered("]))
def test_deep_or_long_input_is_an_expression_error(depth: int, opener: str) -> None:
    check_parse_and_evaluate(opener * depth + "1" + ")" * depth, {})


def raw_answers(question_ids: list[str]) -> st.SearchStrategy[object]:
    statuses = st.sampled_from(["answered", "not_applicable", "dont_know", "other", None])
    return st.one_of(
        json_values,
        st.fixed_dictionaries({"status": statuses, "value": json_values}),
        st.fixed_dictionaries(
            {"status": st.just("answered"), "value": st.lists(st.sampled_from(question_ids))}
        ),
        json_values.map(Answer.answered),
        st.sampled_from([Answer.dont_know(), Answer.not_applicable()]),
    )


OPTION_IDS = ["none", "planned", "pilot", "operation", "linked", "portal", "app", "none_of_these"]


@SETTINGS
@given(data=st.data())
def test_any_raw_answer_is_validated_or_rejected_with_an_answer_error(
    mini: Questionnaire, data: st.DataObject
) -> None:
    question = data.draw(st.sampled_from(mini.all_questions()))
    raw = data.draw(
        st.one_of(
            raw_answers(OPTION_IDS),
            st.fixed_dictionaries(
                {
                    "status": st.just("answered"),
                    "value": st.one_of(
                        st.sampled_from(OPTION_IDS),
                        st.lists(st.sampled_from(OPTION_IDS), max_size=4),
                        st.dictionaries(
                            st.sampled_from(["appointments", "payment", "x"]),
                            st.sampled_from(OPTION_IDS),
                        ),
                        st.floats(-10, 5_000_000),
                        st.booleans(),
                    ),
                }
            ),
        )
    )
    try:
        answer = validate_answer(question, raw)
    except AnswerError as error:
        assert error.message("de") and error.message("en")
        return
    assert Answer.from_json(answer.to_json()) == answer
    assert validate_answer(question, answer.to_json()) == answer
    # Checked again from what was kept: the same, for every value this draws.
    assert validate_answer(question, Answer.from_json(answer.to_json())) == answer
    score = question_score(question, answer)
    assert score is None or (0.0 <= score <= 1.0 and not math.isnan(score))


@SETTINGS
@given(data=st.data())
def test_form_strings_become_raw_values_that_validate_or_raise_answer_errors(
    mini: Questionnaire, data: st.DataObject
) -> None:
    question = data.draw(st.sampled_from(mini.all_questions()))
    strings = data.draw(
        st.one_of(
            st.lists(st.text(max_size=12) | st.sampled_from([*OPTION_IDS, "yes", "12,5"])),
            st.dictionaries(st.text(max_size=8), st.text(max_size=8)),
        )
    )
    raw = parse_form_value(question, strings)
    try:
        answer = validate_answer(question, {"status": "answered", "value": raw})
    except AnswerError as error:
        assert error.question_id == question.id
    else:
        assert answer.to_json()["value"] is not None


@SETTINGS
@given(data=st.data())
def test_random_answer_sets_never_break_visibility_values_or_scores(
    mini: Questionnaire, data: st.DataObject
) -> None:
    ids = [q.id for q in mini.all_questions()]
    answers = data.draw(
        st.dictionaries(st.sampled_from([*ids, "services.gone"]), raw_answers(OPTION_IDS))
    )
    facts = data.draw(
        st.dictionaries(st.sampled_from(["population", "state", "municipality.x"]), json_values)
    )
    visible = visible_questions(mini, answers, facts)
    assert visible <= set(ids)
    values = expression_values(mini, answers, facts)
    assert set(ids) <= set(values)
    for domain in mini.domains:
        for gate in domain.gates:
            assert isinstance(gate.unless.holds(values), bool)
    for question in mini.all_questions():
        score = question_score(question, answers.get(question.id), visible=question.id in visible)
        assert score is None or 0.0 <= score <= 1.0


def paths(data: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@settings(max_examples=120, deadline=None, database=None)
@given(data=st.data())
def test_a_broken_file_raises_only_content_errors(mini_data: dict, data: st.DataObject) -> None:
    broken = copy.deepcopy(mini_data)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(broken) or [()]))
        if not path:
            break
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
    try:
        questionnaire_from_data(broken, "fuzz.yaml")
    except ContentError as error:
        assert error.problems and all(p.file == "fuzz.yaml" for p in error.problems)
