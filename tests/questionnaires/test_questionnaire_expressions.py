"""Unit tests of the expression language: parsing, type checks, option checks and null semantics."""

from __future__ import annotations

import pytest

from questionnaires import ExpressionError, Type, parse
from questionnaires.expressions import MAX_DEPTH, MAX_LENGTH

NAMES = {
    "services.x": Type.STRING,
    "services.eakte": Type.STRING,
    "services.flag": Type.BOOL,
    "services.channels": Type.LIST,
    "services.matrix": Type.OPAQUE,
    "profile.goals": Type.LIST,
    "profile.it_staff": Type.NUMBER,
    "municipality.population": Type.NUMBER,
    "municipality.state": Type.STRING,
    "infrastructure.lorawan": Type.STRING,
}
STATUS = frozenset({"none", "planned", "pilot", "operation", "linked"})
OPTIONS = {
    "services.x": STATUS,
    "services.eakte": STATUS,
    "infrastructure.lorawan": STATUS,
    "services.channels": frozenset({"portal", "app"}),
    "profile.goals": frozenset({"climate", "mobility", "health"}),
}


def check(text: str):
    return parse(text, NAMES, options=OPTIONS)


def error(text: str) -> str:
    with pytest.raises(ExpressionError) as caught:
        check(text)
    return str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "municipality.population >= 10000",
        "profile.it_staff > 0 and services.eakte == 'operation'",
        "'climate' in profile.goals",
        "not (infrastructure.lorawan in ['none', 'planned'])",
    ],
)
def test_examples_of_the_format_spec_parse_to_conditions(text: str) -> None:
    assert check(text).type is Type.BOOL


def test_unknown_name_error_says_column_and_suggests_the_closest_name() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("servces.x == 'a'", {"services.x": Type.STRING})
    assert str(caught.value) == "unknown name 'servces.x' at column 1; did you mean 'services.x'?"
    assert caught.value.column == 1


def test_misspelt_keyword_suggests_the_keyword() -> None:
    assert "did you mean 'true'?" in error("services.flag == True")


def test_string_compared_with_a_single_question_must_be_one_of_its_options() -> None:
    message = error("services.x == 'operatoin'")
    assert "'operatoin' is not an option of 'services.x' at column 15" in message
    assert "did you mean 'operation'?" in message


def test_option_typo_inside_a_list_is_reported_at_its_column() -> None:
    assert "'plannd' is not an option of 'services.x' at column 24" in error(
        "services.x in ['none', 'plannd']"
    )


def test_membership_in_a_multiple_question_checks_the_option_id() -> None:
    assert "'climat' is not an option of 'profile.goals'" in error("'climat' in profile.goals")


def test_contains_any_checks_option_ids() -> None:
    assert "not an option" in error("contains_any(profile.goals, ['climate', 'wealth'])")


def test_matrix_question_can_only_be_used_in_answered() -> None:
    assert "'services.matrix' can only be used inside answered(...)" in error(
        "services.matrix == 'x'"
    )
    assert check("answered(services.matrix)").evaluate({"services.matrix": {"a": "b"}}) is True


def test_comparing_a_number_with_a_string_is_a_type_error() -> None:
    assert "cannot compare a number with a string" in error("profile.it_staff == 'three'")


def test_and_needs_conditions_on_both_sides() -> None:
    assert "operand 2 of 'and' (profile.it_staff) must be true/false, not a number" in error(
        "services.flag and profile.it_staff"
    )


def test_single_equals_sign_is_rejected_with_a_hint() -> None:
    assert "use '==' to compare" in error("services.x = 'none'")


def test_chained_comparisons_are_rejected() -> None:
    assert "comparisons cannot be chained" in error("1 < profile.it_staff < 3")


def test_unterminated_string_is_reported() -> None:
    assert "unterminated string at column 15" in error("services.x == 'none")


def test_unknown_function_suggests_the_closest_function() -> None:
    assert "did you mean 'answered'?" in error("answerd(services.x)")


def test_answered_takes_a_question_id() -> None:
    assert "answered() takes a question id" in error("answered(1 + 2)")


def test_deep_nesting_is_an_expression_error_not_a_recursion_error() -> None:
    for text in ("(" * 500 + "1" + ")" * 500, "not " * 500 + "true", "-" * 500 + "1"):
        assert "nested more than" in error(text)
    assert "nested more than" in error(" + ".join(["1"] * (MAX_DEPTH + 5)))


def test_overlong_expression_is_rejected() -> None:
    assert "longer than" in error("1" * (MAX_LENGTH + 1))


def test_names_lists_every_name_used() -> None:
    expression = check("profile.it_staff > 0 and services.x == 'operation'")
    assert expression.names == {"profile.it_staff", "services.x"}


def test_comparison_with_null_value_is_false() -> None:
    assert check("profile.it_staff > 0").evaluate({}) is False
    assert check("services.x != 'none'").evaluate({"services.x": None}) is False


def test_equality_with_the_null_literal_tests_for_a_missing_value() -> None:
    assert check("services.x == null").evaluate({}) is True
    assert check("services.x != null").evaluate({"services.x": "none"}) is True


def test_arithmetic_with_null_gives_null() -> None:
    assert check("profile.it_staff + 1").evaluate({}) is None


def test_division_by_zero_gives_null() -> None:
    assert (
        check("municipality.population / profile.it_staff").evaluate(
            {"municipality.population": 100, "profile.it_staff": 0}
        )
        is None
    )


def test_and_or_not_treat_null_as_false() -> None:
    assert check("services.flag or false").evaluate({}) is False
    assert check("services.flag and true").evaluate({}) is False
    assert check("not services.flag").evaluate({}) is True


def test_not_in_with_null_is_false_but_not_of_in_is_true() -> None:
    assert check("services.x not in ['none']").evaluate({}) is False
    assert check("not (services.x in ['none'])").evaluate({}) is True


def test_values_of_the_wrong_runtime_type_count_as_null() -> None:
    assert check("profile.it_staff > 0").evaluate({"profile.it_staff": "3"}) is False
    assert check("profile.it_staff + 1").evaluate({"profile.it_staff": True}) is None
    assert check("'climate' in profile.goals").evaluate({"profile.goals": "climate"}) is False


def test_evaluate_ignores_values_that_are_not_a_mapping() -> None:
    assert check("answered(services.x)").evaluate(None) is False  # type: ignore[arg-type]


def test_count_counts_ticked_options_and_is_null_when_unanswered() -> None:
    expression = check("count(services.channels)")
    assert expression.evaluate({"services.channels": ["portal", "app"]}) == 2
    assert expression.evaluate({}) is None


def test_contains_any_is_true_when_one_option_is_ticked() -> None:
    expression = check("contains_any(profile.goals, ['climate', 'health'])")
    assert expression.evaluate({"profile.goals": ["health"]}) is True
    assert expression.evaluate({"profile.goals": ["mobility"]}) is False


def test_number_lists_support_membership() -> None:
    expression = parse(
        "municipality.urbanisation in [1, 2]", {"municipality.urbanisation": Type.NUMBER}
    )
    assert expression.evaluate({"municipality.urbanisation": 2}) is True
    assert expression.evaluate({"municipality.urbanisation": 3}) is False


def test_arithmetic_follows_precedence() -> None:
    assert check("1 + 2 * 3 - 4 / 2").evaluate({}) == 5
    assert check("-(1 + 2) * 2").evaluate({}) == -6


def test_strings_may_use_double_quotes_and_compare_as_text() -> None:
    assert check('municipality.state == "09"').evaluate({"municipality.state": "09"}) is True


def test_holds_is_true_only_for_true() -> None:
    assert check("services.x == 'none'").holds({"services.x": "none"})
    assert not check("services.flag").holds({})
