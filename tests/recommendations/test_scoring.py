"""Tests for scoring: domain scores, coverage, knowledge gaps, levels, gates, golden answer sets."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from questionnaires import (
    Answer,
    Questionnaire,
    expression_values,
    load_questionnaire,
    parse_yaml,
    questionnaire_from_data,
    visible_questions,
)
from recommendations import (
    AssessmentScore,
    ScoringError,
    level_for,
    normalise_answers,
    score,
)
from recommendations.scoring import round_score, walk

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "questionnaires" / "content" / "smart-city-inventur" / "1.0.0.yaml"
# The golden answer sets double as the demo data that `advisory seed-demo` loads.
GOLDEN = Path(__file__).resolve().parents[2] / "advisory" / "data" / "demo"
T = {"de": "Text", "en": "Text"}


# --------------------------------------------------------------------------- helpers


@cache
def shipped() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRE)


def answered(value: object) -> dict[str, object]:
    return {"status": "answered", "value": value}


def load_golden(name: str) -> dict[str, Any]:
    """Read a golden answer set; a plain value is an answer, {status: ...} is kept as it is."""
    data = parse_yaml((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    data["answers"] = {
        key: value if isinstance(value, dict) and "status" in value else answered(value)
        for key, value in data["answers"].items()
    }
    return data


def score_golden(name: str) -> AssessmentScore:
    data = load_golden(name)
    return score(
        shipped(),
        data["answers"],
        data["facts"],
        not_applicable_domains=data.get("not_applicable_domains", {}),
        targets=data.get("targets", {}),
    )


def option(option_id: str, value: float) -> dict[str, object]:
    return {"id": option_id, "label": T, "score": value, "advice": T}


def single(question_id: str, weight: float = 1, **extra: object) -> dict[str, object]:
    """A scored single question with options none (0), half (0.5) and full (1)."""
    return {
        "id": question_id,
        "type": "single",
        "text": T,
        "help": T,
        "evidence_hint": T,
        "weight": weight,
        "options": [option("none", 0), option("half", 0.5), option("full", 1)],
        **extra,
    }


def make_questionnaire(
    *,
    gates: list[dict[str, object]] | None = None,
    data_weight: float = 1,
) -> Questionnaire:
    """Two small domains: services (a weight-2 and a weight-1 question) and data."""
    data = {
        "id": "tiny",
        "version": "1.0.0",
        "status": "active",
        "title": T,
        "description": T,
        "profile": {
            "title": T,
            "intro": T,
            "questions": [
                {"id": "profile.notes", "type": "text", "text": T, "help": T},
            ],
        },
        "domains": [
            {
                "id": "services",
                "title": T,
                "intro": T,
                "gates": gates or [],
                "questions": [
                    single("services.portal", weight=2),
                    single("services.eakte", allow_not_applicable=True),
                    single("services.detail", show_if="services.portal == 'full'"),
                    {"id": "services.note", "type": "text", "text": T, "help": T},
                ],
            },
            {
                "id": "data",
                "title": T,
                "intro": T,
                "weight": data_weight,
                "allow_not_applicable": True,
                "questions": [single("data.open_data")],
            },
        ],
    }
    return questionnaire_from_data(data, "tiny.yaml")


# --------------------------------------------------------------------------- domain scores


def test_domain_score_is_the_weighted_mean_of_answered_questions():
    tiny = make_questionnaire()
    result = score(
        tiny, {"services.portal": answered("half"), "services.eakte": answered("full")}, {}
    )
    # (2 * 0.5 + 1 * 1) / 3 = 66.67 %
    assert result.domain("services").score == 66.7


def test_dont_know_counts_as_answered_for_coverage_scores_zero_and_is_a_knowledge_gap():
    tiny = make_questionnaire()
    answers = {"services.portal": answered("full"), "services.eakte": {"status": "dont_know"}}
    services = score(tiny, answers, {}).domain("services")
    assert services.score == 66.7  # (2 * 1 + 1 * 0) / 3
    assert (services.coverage.answered, services.coverage.shown) == (2, 3)
    assert services.dont_know == ("services.eakte",)
    assert services.dont_know_count == 1


def test_not_applicable_answer_is_left_out_of_the_score_but_counts_as_answered():
    tiny = make_questionnaire()
    answers = {"services.portal": answered("half"), "services.eakte": {"status": "not_applicable"}}
    services = score(tiny, answers, {}).domain("services")
    assert services.score == 50.0
    assert services.coverage.answered == 2


def test_hidden_questions_are_neither_shown_nor_scored_and_text_questions_are_not_counted():
    tiny = make_questionnaire()
    answers = {"services.portal": answered("half"), "services.detail": answered("full")}
    services = score(tiny, answers, {}).domain("services")
    assert services.score == 50.0
    assert services.coverage.shown == 2  # portal and eakte; detail is hidden, note is text


def test_a_shown_follow_up_question_is_scored():
    tiny = make_questionnaire()
    answers = {"services.portal": answered("full"), "services.detail": answered("none")}
    assert score(tiny, answers, {}).domain("services").score == 66.7


def test_domain_without_answers_has_no_score_no_level_and_zero_coverage():
    services = score(make_questionnaire(), {}, {}).domain("services")
    assert (services.score, services.raw_level, services.level) == (None, None, None)
    assert services.coverage.share == 0.0


def test_answers_that_do_not_fit_count_as_unanswered():
    answers = {
        "services.portal": answered("unknown-option"),
        "services.eakte": {"status": ["not", "a", "status"]},
        "no.such_question": answered("full"),
        "data.open_data": answered("full"),
    }
    result = score(make_questionnaire(), answers, {})
    assert result.domain("services").score is None
    assert result.domain("data").score == 100.0


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0, 1),
        (19.9, 1),
        (20, 2),
        (39.9, 2),
        (40, 3),
        (59.9, 3),
        (60, 4),
        (79.9, 4),
        (80, 5),
        (100, 5),
    ],
)
def test_levels_follow_the_twenty_point_bands(value, level):
    assert level_for(value) == level


def test_scores_are_rounded_half_up_to_one_decimal():
    assert round_score(62.25) == 62.3
    assert round_score(66.66666) == 66.7
    assert round_score(0.04) == 0.0


# --------------------------------------------------------------------------- gates and targets

PORTAL_GATE = {
    "id": "operation",
    "max_level": 2,
    "unless": "services.portal == 'full'",
    "reason": {"de": "Kein Portal im Betrieb.", "en": "No portal in operation."},
}
EAKTE_GATE = {
    "id": "base_requirements",
    "max_level": 3,
    "unless": "services.eakte == 'full'",
    "reason": T,
}


def test_a_gate_that_does_not_hold_caps_the_level_and_names_gate_and_reason():
    tiny = make_questionnaire(gates=[PORTAL_GATE])
    answers = {"services.portal": answered("half"), "services.eakte": answered("full")}
    services = score(tiny, answers, {}).domain("services")
    assert services.raw_level == 4  # 66.7
    assert services.level == 2
    assert services.capped_by is not None
    assert services.capped_by.id == "operation"
    assert services.capped_by.reason.en == "No portal in operation."


def test_a_gate_that_holds_does_not_cap():
    tiny = make_questionnaire(gates=[PORTAL_GATE])
    answers = {"services.portal": answered("full"), "services.eakte": answered("full")}
    services = score(tiny, answers, {}).domain("services")
    assert (services.raw_level, services.level, services.capped_by) == (5, 5, None)
    assert services.open_gates == ()


def test_an_open_gate_above_the_raw_level_is_reported_but_does_not_cap():
    tiny = make_questionnaire(gates=[EAKTE_GATE])
    answers = {"services.portal": answered("half"), "services.eakte": answered("none")}
    services = score(tiny, answers, {}).domain("services")
    assert (services.raw_level, services.level, services.capped_by) == (2, 2, None)
    assert [gate.id for gate in services.open_gates] == ["base_requirements"]


def test_the_lowest_open_gate_decides_whatever_its_position():
    loose = {**EAKTE_GATE, "unless": "services.portal == 'full'"}
    tiny = make_questionnaire(gates=[loose, PORTAL_GATE])
    answers = {"services.portal": answered("half"), "services.eakte": answered("full")}
    services = score(tiny, answers, {}).domain("services")
    assert services.raw_level == 4
    assert services.level == 2
    assert services.capped_by is not None and services.capped_by.id == "operation"
    assert [gate.id for gate in services.open_gates] == ["base_requirements", "operation"]


def test_gap_is_target_minus_gated_level_and_never_negative():
    tiny = make_questionnaire(gates=[PORTAL_GATE])
    answers = {
        "services.portal": answered("half"),
        "services.eakte": answered("full"),
        "data.open_data": answered("full"),
    }
    result = score(tiny, answers, {}, targets={"services": 4, "data": 3})
    assert result.domain("services").target == 4
    assert result.domain("services").gap == 2  # gated level 2
    assert result.domain("data").gap == 0  # level 5 is above the target


def test_a_domain_without_target_has_no_gap():
    result = score(make_questionnaire(), {"data.open_data": answered("full")}, {})
    assert (result.domain("data").target, result.domain("data").gap) == (None, None)


# --------------------------------------------------------------------------- overall


def test_not_applicable_domain_is_left_out_of_the_overall_score():
    tiny = make_questionnaire()
    answers = {"services.portal": answered("full"), "data.open_data": answered("none")}
    with_data = score(tiny, answers, {})
    without = score(tiny, answers, {}, not_applicable_domains={"data": "no open data duty"})
    assert with_data.score == 50.0
    assert without.score == 100.0
    data = without.domain("data")
    assert (data.applicable, data.not_applicable_reason) == (False, "no open data duty")
    assert (data.score, data.level) == (None, None)


def test_overall_score_is_weighted_by_domain_weights_over_unrounded_domain_means():
    tiny = make_questionnaire(data_weight=3)
    answers = {
        "services.portal": answered("full"),
        "services.eakte": answered("half"),
        "data.open_data": answered("none"),
    }
    result = score(tiny, answers, {})
    assert result.domain("services").score == 83.3  # (2 + 0.5) / 3
    assert result.score == 20.8  # (1 * 0.8333 + 3 * 0) / 4 = 20.83
    assert result.level == 2


def test_an_unscored_domain_does_not_count_in_the_overall_score():
    result = score(make_questionnaire(), {"data.open_data": answered("half")}, {})
    assert result.score == 50.0


def test_score_rejects_unknown_domains_and_targets_out_of_range():
    tiny = make_questionnaire()
    with pytest.raises(ScoringError, match="unknown domain 'mobility'"):
        score(tiny, {}, {}, not_applicable_domains={"mobility": "no"})
    with pytest.raises(ScoringError, match="cannot be marked not applicable"):
        score(tiny, {}, {}, not_applicable_domains={"services": "no"})
    with pytest.raises(ScoringError, match="must be 1 to 5"):
        score(tiny, {}, {}, targets={"data": 6})
    with pytest.raises(ScoringError, match="whole number"):
        score(tiny, {}, {}, targets={"data": True})


def test_same_answers_in_any_order_give_the_same_numbers():
    data = load_golden("city")
    items = list(reversed(data["answers"].items()))
    first = score_golden("city")
    second = score(
        shipped(), dict(items), data["facts"], targets=data["targets"], not_applicable_domains={}
    )
    assert first == second


# --------------------------------------------------------------------------- golden answer sets


@pytest.mark.parametrize("name", ["rural", "town", "city"])
def test_golden_answer_sets_are_valid_and_complete(name):
    data = load_golden(name)
    questionnaire = shipped()
    assert normalise_answers(questionnaire, data["answers"]).keys() == data["answers"].keys()
    visible = visible_questions(questionnaire, data["answers"], data["facts"])
    skipped = set(data.get("not_applicable_domains", {}))
    expected = {
        q.id for q in questionnaire.all_questions() if q.id in visible and q.domain not in skipped
    }
    assert set(data["answers"]) == expected


@pytest.mark.parametrize("name", ["rural", "town", "city"])
def test_walk_sees_what_the_questionnaire_engine_sees(name):
    data = load_golden(name)
    questionnaire = shipped()
    normalised = normalise_answers(questionnaire, data["answers"])
    visible, values = walk(questionnaire, normalised, data["facts"])
    assert visible == visible_questions(questionnaire, data["answers"], data["facts"])
    assert values == expression_values(questionnaire, data["answers"], data["facts"])


# domain id → (score, raw level, gated level, gate that capped, gap)
GOLDEN_SCORES = {
    "rural": (
        (20.1, 2),
        {
            "strategy": (24.2, 2, 2, None, 0),
            "services": (33.2, 2, 2, None, 0),
            "data": (1.7, 1, 1, None, None),
            "infrastructure": (32.2, 2, 2, None, None),
            "security": (19.9, 1, 1, None, 1),
            "interoperability": (1.3, 1, 1, None, None),
            "mobility": (None, None, None, None, None),
            "climate": (15.0, 1, 1, None, None),
            "planning": (46.9, 3, 3, None, None),
            "participation": (10.3, 1, 1, None, None),
            "skills": (6.9, 1, 1, None, None),
            "cooperation": (29.3, 2, 2, None, 1),
        },
    ),
    "town": (
        (48.8, 3),
        {
            "strategy": (65.0, 4, 3, "base_requirements", None),
            "services": (66.5, 4, 3, "base_requirements", 1),
            "data": (40.1, 3, 2, "operation", 1),
            "infrastructure": (71.4, 4, 3, "base_requirements", None),
            "security": (55.3, 3, 2, "operation", 1),
            "interoperability": (36.5, 2, 2, None, None),
            "mobility": (37.7, 2, 2, None, 1),
            "climate": (33.3, 2, 2, None, 1),
            "planning": (49.5, 3, 3, None, None),
            "participation": (42.1, 3, 3, None, None),
            "skills": (50.0, 3, 2, "operation", None),
            "cooperation": (38.6, 2, 2, None, None),
        },
    ),
    "city": (
        (81.4, 4),
        {
            "strategy": (92.9, 5, 5, None, None),
            "services": (87.8, 5, 5, None, None),
            "data": (85.2, 5, 5, None, 0),
            "infrastructure": (92.5, 5, 5, None, None),
            "security": (80.3, 5, 3, "base_requirements", 1),
            "interoperability": (72.9, 4, 3, "base_requirements", None),
            "mobility": (72.3, 4, 4, None, 0),
            "climate": (80.4, 5, 5, None, 0),
            "planning": (83.4, 5, 5, None, None),
            "participation": (84.2, 5, 5, None, 0),
            "skills": (76.4, 4, 3, "base_requirements", None),
            "cooperation": (68.4, 4, 4, None, None),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_SCORES))
def test_golden_answer_sets_score_exactly_as_pinned(name):
    result = score_golden(name)
    overall, domains = GOLDEN_SCORES[name]
    assert (result.score, result.level) == overall
    actual = {
        d.id: (d.score, d.raw_level, d.level, d.capped_by.id if d.capped_by else None, d.gap)
        for d in result.domains
    }
    assert actual == domains


def test_rural_golden_strategy_score_matches_a_hand_calculation():
    # informal .25*2, link none 0*1, side_task .25*2, case_by_case .3*2, costs no 0*1,
    # funding state .35*1, by_request .25*1, planned .25*2, case_by_case .3*2, ad_hoc .33*1
    expected = (0.5 + 0 + 0.5 + 0.6 + 0 + 0.35 + 0.25 + 0.5 + 0.6 + 0.33) / 15 * 100
    assert score_golden("rural").domain("strategy").score == round(expected, 1) == 24.2


def test_golden_knowledge_gaps_and_coverage_are_reported():
    rural = score_golden("rural")
    assert rural.dont_know == (
        "data.data_rights",
        "security.breach_process",
        "interoperability.data_export",
    )
    assert rural.coverage.share == 1.0
    mobility = rural.domain("mobility")
    assert not mobility.applicable
    assert mobility.not_applicable_reason is not None


def test_answers_may_be_given_as_answer_objects_or_their_json_form():
    tiny = make_questionnaire()
    as_json = score(tiny, {"services.portal": answered("half")}, {})
    as_objects = score(tiny, {"services.portal": Answer.answered("half")}, {})
    assert as_json == as_objects


def test_knowledge_gaps_of_a_domain_marked_not_applicable_are_not_reported_overall():
    tiny = make_questionnaire()
    answers = {"data.open_data": {"status": "dont_know"}, "services.eakte": {"status": "dont_know"}}
    result = score(tiny, answers, {}, not_applicable_domains={"data": "no open data duty"})
    assert result.dont_know == ("services.eakte",)


def test_overall_level_is_at_most_one_above_the_weakest_gated_domain():
    result = score_golden("city")
    weakest = min(d.level for d in result.domains if d.applicable)
    assert result.raw_level == 5 and weakest == 3
    assert result.level == weakest + 1
