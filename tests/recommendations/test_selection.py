"""The short list, merged steps, nothing recommended that is in place, honest rule texts."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommendations import Context, capacity, run, score, select
from recommendations.rules import PROCURE, TrainingAction
from tests.recommendations.test_rules import (
    TODAY,
    _sweep_answer_sets,
    answered,
    catalogue,
    context,
    facts,
    golden_context,
    make_rules,
    questionnaire,
    rule,
    shipped_rules,
)

# --------------------------------------------------------------------------- short list


def test_limits_grow_with_it_staff_and_size_and_never_shrink():
    staff_values = [None, 0, 0.2, 1, 2, 5, 20]
    sizes = [None, 800, 1800, 9999, 10_000, 60_000, 100_000, 600_000]
    for (s1, s2), (p1, p2) in itertools.product(
        itertools.pairwise(staff_values[1:]), itertools.pairwise(sizes[1:])
    ):
        small, larger = capacity(s1, p1), capacity(s2, p2)
        assert larger.do_now >= small.do_now and larger.total >= small.total
    assert capacity(0.2, 1800).do_now == 3 and capacity(0.2, 1800).total == 7
    assert capacity(10, 600_000).total > capacity(0.2, 1800).total


def test_select_keeps_order_and_moves_quick_wins_over_the_limit_behind_all_steps():
    base = run(shipped_rules(), golden_context("rural")).recommendations[0]
    items = [
        replace(base, target=f"t{i}", horizon=h)
        for i, h in enumerate(["quick_win"] * 5 + ["next_step"] * 10)
    ]
    selection = select(items, capacity(0, 1000))
    assert [r.target for r in selection.first] == ["t0", "t1", "t2", "t5", "t6", "t7", "t8"]
    assert [r.target for r in selection.more][:2] == ["t3", "t4"]
    assert len(selection.first) + len(selection.more) == len(items)


def test_legal_obligations_and_the_security_floor_come_first():
    ordered = run(shipped_rules(), golden_context("rural")).recommendations
    bases = [r.basis for r in ordered]
    first_other = bases.index(None)
    assert set(bases[:first_other]) == {"legal", "security_floor"}
    assert "legal" not in bases[bases.index("security_floor") :]
    assert set(bases[first_other:]) == {None}


# --------------------------------------------------------------------------- one step per step


def test_a_group_merges_into_one_step_that_names_every_domain_it_serves():
    ordered = run(shipped_rules(), golden_context("rural")).recommendations
    avv = [r for r in ordered if r.target.startswith("avv") or "avv" in r.rule_id]
    assert [r.key for r in avv] == ["step:avv_register"]
    assert avv[0].domains == ("security", "infrastructure", "planning")
    shared = [r for r in ordered if r.rule_id.startswith("cooperation.") and "shared" in r.target]
    assert len(shared) == 1


def test_a_security_training_never_merges_into_a_training_of_another_kind():
    rules = make_rules(
        rule(id="climate.a", domain="climate", actions=[{"training": "openhpi", "for_role": "it"}]),
        rule(
            id="security.b",
            actions=[{"training": {"tag": "informationssicherheit"}, "for_role": "all_staff"}],
        ),
    )
    answers = {"security.approach": answered("none")}
    result = run(rules, context(answers, facts(1800))).recommendations
    security = [r for r in result if r.rule_id == "security.b"]
    assert security, "the security training must stay a step of its own"
    assert all(r.also_from == () for r in result if r.rule_id == "climate.a")


def test_no_training_for_a_solution_that_is_not_listed_and_procurement_is_offered():
    rules = make_rules(
        rule(
            actions=[
                {"solution": "geoserver"},
                {"training": "hands-on-masterportal", "for_role": "it"},
            ]
        )
    )
    answers = {"security.approach": answered("none"), "profile.it_staff": answered(2)}
    result = run(rules, context(answers, facts(1800))).recommendations
    assert [r.kind for r in result] == [PROCURE]
    assert result[0].no_listed_solution
    assert "Ausschreibungsbausteine" in result[0].text.de


def test_shipped_training_actions_alongside_solutions_are_dropped_when_none_is_listed():
    rural = run(shipped_rules(), golden_context("rural"))
    paired = {
        r.id
        for r in shipped_rules()
        if any(isinstance(a, TrainingAction) for a in r.actions)
        and any(a.kind == "solution" for a in r.actions)
    }
    for rule_id in paired:
        produced = [r for r in rural.recommendations if r.rule_id == rule_id]
        if any(r.no_listed_solution for r in produced):
            assert all(r.kind != "training" for r in produced), rule_id


# --------------------------------------------------------------------------- never what is in place


def _in_place_labels(question, value) -> list[str]:
    """Labels of the chosen options that say something is in place."""
    if question is None or not question.options:
        return []
    if question.type == "multiple" and isinstance(value, tuple | list):
        return [
            label
            for o in question.options
            if o.id in value and (o.score or 0) > 0 and not o.exclusive
            for label in (o.label.de, o.label.en)
        ]
    if question.type == "single" and isinstance(value, str):
        top = max((o.score or 0) for o in question.options)
        option = question.option(value)
        if option is not None and top > 0 and (option.score or 0) >= top:
            return [option.label.de, option.label.en]
    return []


def _assert_quotes_nothing_in_place(evaluation) -> None:
    for recommendation in evaluation.recommendations:
        text = recommendation.because.de + " " + recommendation.because.en
        for entry in recommendation.explanation.values:
            question = questionnaire().find_question(entry.name)
            for label in _in_place_labels(question, entry.value):
                assert label not in text, (recommendation.rule_id, label)


@pytest.mark.parametrize("name", ["rural", "town", "city"])
def test_no_recommendation_of_a_demo_set_quotes_an_option_that_is_in_place(name):
    _assert_quotes_nothing_in_place(run(shipped_rules(), golden_context(name)))


def test_no_recommendation_of_the_sweep_quotes_an_option_that_is_in_place():
    for answers, fact_values in _sweep_answer_sets():
        _assert_quotes_nothing_in_place(run(shipped_rules(), context(answers, fact_values)))


@st.composite
def valid_answer_sets(draw: st.DrawFn) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questionnaire().all_questions():
        ids = list(question.option_ids)
        if not ids or question.type not in ("single", "multiple") or not draw(st.booleans()):
            continue
        if question.type == "single":
            answers[question.id] = answered(draw(st.sampled_from(ids)))
        else:
            answers[question.id] = answered(draw(st.lists(st.sampled_from(ids), unique=True)))
    return answers


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_answer_sets(), st.sampled_from([800, 1800, 12_000, 60_000, 600_000]))
def test_no_recommendation_of_random_answer_sets_quotes_an_option_that_is_in_place(
    answers, population
):
    fact_values = facts(population)
    scores = score(questionnaire(), answers, fact_values)
    context_ = Context(questionnaire(), answers, fact_values, scores, catalogue(), TODAY)
    _assert_quotes_nothing_in_place(run(shipped_rules(), context_))


def test_the_offline_backup_step_quotes_only_what_is_missing():
    answers = {"security.backup": answered(["automatic", "offline_copy"])}
    backup = questionnaire().find_question("security.backup")
    chosen = {o.id for o in backup.options if o.id in ("automatic", "offline_copy")}
    result = run(shipped_rules(), context(answers, facts(1800))).recommendations
    step = next(r for r in result if r.rule_id == "security.backup_restore_test")
    for option in backup.options:
        if option.id in chosen:
            assert option.label.de not in step.because.de
    assert backup.option("restore_tested").label.de in step.because.de


def test_an_offline_copy_in_place_is_never_recommended_again():
    answers = {"security.backup": answered(["automatic", "offline_copy"])}
    result = run(shipped_rules(), context(answers, facts(1800))).recommendations
    keys = [r.key for r in result if r.domain == "security"]
    assert "step:restore_test" in keys
    assert "step:offline_backup_and_restore_test" not in keys


# --------------------------------------------------------------------------- honest texts


def test_it_security_advice_never_serves_the_goal_safety_and_disaster_protection():
    security_words = ("security", "avv", "isb", "dpo", "backup", "breach", "wiba", "privacy")
    for r in shipped_rules():
        if r.domain == "security" or any(word in r.id for word in security_words):
            assert "safety" not in r.goals, r.id


def _texts(r) -> str:
    parts = [r.because.de, r.because.en]
    parts += [a.text.de + " " + a.text.en for a in r.actions if hasattr(a, "text")]
    return " ".join(parts)


def test_legal_claims_in_rule_texts_are_stated_as_the_law_says():
    for r in shipped_rules():
        text = _texts(r)
        if "BITV" in text:
            assert "Bund" in text and "federal" in text, r.id
        if "ohne Ausschreibung" in text or "without a tender" in text:
            assert "§ 108 GWB" in text, r.id
        if "OParl" in text:
            assert "nur freigeschaltet" not in text and "only needs to be enabled" not in text
    bases = {r.id: r.basis for r in shipped_rules()}
    assert bases["security.designate_dpo"] == "legal"
    assert bases["security.start_wiba"] == "security_floor"
