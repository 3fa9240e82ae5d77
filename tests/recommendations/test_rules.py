"""Tests for recommendation rules: loading and validation, evaluation, golden results, safety."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import GOAL_IDS, Questionnaire, load_questionnaire, parse_yaml
from recommendations import (
    Catalogue,
    Context,
    Evaluation,
    Recommendation,
    Rule,
    RulesError,
    SolutionAction,
    default_content_dir,
    default_rules_dir,
    evaluate,
    load_catalogue,
    load_rules,
    rules_from_data,
    run,
    score,
)
from recommendations.catalogue import RequirementStatus, counts_as_must
from recommendations.catalogue import Text as CatalogueText

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "questionnaires" / "content" / "smart-city-inventur" / "1.0.0.yaml"
# The golden answer sets double as the demo data that `advisory seed-demo` loads.
GOLDEN = Path(__file__).resolve().parents[2] / "advisory" / "data" / "demo"
TODAY = dt.date(2026, 11, 28)
BOTH = {"de": "Text", "en": "Text"}


# --------------------------------------------------------------------------- helpers


@cache
def questionnaire() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRE)


@cache
def catalogue() -> Catalogue:
    return load_catalogue(default_content_dir())


@cache
def shipped_rules() -> tuple[Rule, ...]:
    return load_rules(default_rules_dir(), questionnaire(), catalogue())


def answered(value: object) -> dict[str, object]:
    return {"status": "answered", "value": value}


@cache
def golden(name: str) -> dict[str, Any]:
    data = parse_yaml((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    data["answers"] = {
        key: value if isinstance(value, dict) and "status" in value else answered(value)
        for key, value in data["answers"].items()
    }
    return data


def context(
    answers: dict[str, object],
    facts: dict[str, object],
    *,
    not_applicable: dict[str, str] | None = None,
    targets: dict[str, int] | None = None,
    solutions: Catalogue | None = None,
) -> Context:
    scores = score(
        questionnaire(),
        answers,
        facts,
        not_applicable_domains=not_applicable or {},
        targets=targets or {},
    )
    return Context(questionnaire(), answers, facts, scores, solutions or catalogue(), TODAY)


def golden_context(name: str, solutions: Catalogue | None = None) -> Context:
    data = golden(name)
    return context(
        data["answers"],
        data["facts"],
        not_applicable=data.get("not_applicable_domains"),
        targets=data.get("targets"),
        solutions=solutions,
    )


def rule(**overrides: object) -> dict[str, object]:
    """A valid rule as data; keys set to None are removed."""
    data: dict[str, object] = {
        "id": "security.test_rule",
        "domain": "security",
        "when": "security.approach == 'none'",
        "priority": 50,
        "horizon": "quick_win",
        "goals": ["safety"],
        "because": {
            "de": "Vorgehen: „{security.approach}“.",
            "en": "Approach: “{security.approach}”.",
        },
        "actions": [{"step": "test_step", "text": BOTH}],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_rules(*rules: dict[str, object]) -> tuple[Rule, ...]:
    return rules_from_data([("test.yaml", {"rules": list(rules)})], questionnaire(), catalogue())


def problems_of(*rules: dict[str, object]) -> list[str]:
    with pytest.raises(RulesError) as caught:
        make_rules(*rules)
    return [str(problem) for problem in caught.value.problems]


def facts(population: int, **extra: object) -> dict[str, object]:
    return {"population": population, "urbanisation": 2, "state": "07", **extra}


# --------------------------------------------------------------------------- shipped content


def test_shipped_rules_load_and_cover_every_domain_with_at_least_five_rules():
    rules = shipped_rules()
    per_domain = Counter(r.domain for r in rules)
    assert len(rules) >= 60
    assert set(per_domain) == {d.id for d in questionnaire().domains}
    assert min(per_domain.values()) >= 5


def test_each_rule_file_holds_the_rules_of_the_domain_it_is_named_after():
    assert all(r.file == f"{r.domain}.yaml" for r in shipped_rules())


def test_every_because_text_of_the_shipped_rules_is_filled_in_both_languages():
    for name in ("rural", "town", "city"):
        for recommendation in evaluate(shipped_rules(), golden_context(name)):
            for text in (recommendation.because.de, recommendation.because.en):
                assert "{" not in text and "keine Angabe" not in text and "not answered" not in text


# --------------------------------------------------------------------------- validation


def test_a_valid_rule_loads_with_its_parts():
    (loaded,) = make_rules(rule(group="security.method"))
    assert (loaded.id, loaded.domain, loaded.priority, loaded.group) == (
        "security.test_rule",
        "security",
        50,
        "security.method",
    )
    assert loaded.when.names == frozenset({"security.approach"})
    assert loaded.file == "test.yaml"


def test_unknown_and_missing_keys_are_reported_with_file_and_key_path():
    problems = problems_of(rule(priority=None, colour="red"))
    assert "test.yaml: rules[0]: missing key 'priority' (fix: add priority)" in problems
    assert any(p.startswith("test.yaml: rules[0].colour: unknown key 'colour'") for p in problems)


def test_duplicate_rule_ids_are_reported_across_files():
    data = {"rules": [rule()]}
    with pytest.raises(RulesError) as caught:
        rules_from_data([("a.yaml", data), ("b.yaml", data)], questionnaire(), catalogue())
    where = {(p.file, p.path): p.message for p in caught.value.problems}
    assert where[("b.yaml", "rules[0].id")].startswith("duplicate rule id 'security.test_rule'")
    assert where[("b.yaml", "rules[0].actions[0].step")].startswith("duplicate action id")


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"domain": "transport"}, "rules[0].domain", "unknown domain 'transport'"),
        ({"horizon": "soon"}, "rules[0].horizon", "unknown horizon 'soon'"),
        ({"goals": ["climate", "wealth"]}, "rules[0].goals[1]", "unknown goal 'wealth'"),
        ({"priority": 0}, "rules[0].priority", "is not a priority"),
        ({"id": "NoDots"}, "rules[0].id", "is not a valid id"),
        (
            {"actions": [{"solution": "no-such-tool"}]},
            "rules[0].actions[0].solution",
            "unknown solution 'no-such-tool'",
        ),
        (
            {"actions": [{"solution": {"category": "blockchain"}}]},
            "rules[0].actions[0].solution.category",
            "unknown category 'blockchain'",
        ),
        (
            {"actions": [{"solution": {"category": "dashboard", "tags": ["no-such-tag"]}}]},
            "rules[0].actions[0].solution",
            "no catalogue solution has this category and these tags",
        ),
        (
            {"actions": [{"training": "no-such-course", "for_role": "it"}]},
            "rules[0].actions[0].training",
            "unknown training 'no-such-course'",
        ),
        (
            {"actions": [{"training": "bsi-it-grundschutz-praktiker", "for_role": "council"}]},
            "rules[0].actions[0].for_role",
            "is not offered to 'council'",
        ),
        (
            {"actions": [{"training": {"tag": "no-such-topic"}, "for_role": "it"}]},
            "rules[0].actions[0].training.tag",
            "no training on 'no-such-topic'",
        ),
        (
            {"actions": [{"link_domains": ["mobility"], "id": "x", "text": BOTH}]},
            "rules[0].actions[0].link_domains",
            "are not two different domains",
        ),
        (
            {"actions": [{"step": "a", "cooperate": "b", "text": BOTH}]},
            "rules[0].actions[0]",
            "needs exactly one kind key",
        ),
    ],
)
def test_references_to_unknown_things_are_reported(change, path, message):
    problems = problems_of(rule(**change))
    assert any(p.startswith(f"test.yaml: {path}: ") and message in p for p in problems), problems


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("security.approach = 'none'", "use '==' to compare"),
        ("security.aproach == 'none'", "unknown name 'security.aproach'"),
        ("security.approach == 'wiba'", "'wiba' is not an option of 'security.approach'"),
        ("'wealth' in goals", "'wealth' is not an option of 'goals'"),
        ("domain.security.score > 'high'", "must be a number"),
        ("domain.security.score", "is not a condition"),
    ],
)
def test_conditions_that_do_not_parse_or_type_check_are_reported(when, message):
    problems = problems_of(rule(when=when, because=BOTH))
    assert any("rules[0].when" in p and message in p for p in problems), problems


def test_placeholders_must_be_names_of_the_condition():
    because = {"de": "Stufe {domain.security.level}", "en": "Level {domain.security.level}"}
    problems = problems_of(rule(because=because))
    assert len(problems) == 2
    assert "rules[0].because.de: placeholder {domain.security.level} is not a name" in problems[0]


def test_texts_need_both_languages():
    problems = problems_of(
        rule(because={"de": "Nur Deutsch"}, actions=[{"step": "x", "text": {"de": "", "en": "y"}}])
    )
    assert any("rules[0].because: missing key 'en'" in p for p in problems)
    assert any("rules[0].actions[0].text.de: must be a non-empty text" in p for p in problems)


def test_every_problem_is_collected_in_one_error():
    problems = problems_of(
        rule(domain="transport"),
        rule(id="security.second", when="security.nope == 1", because=BOTH, actions=[]),
        rule(id="security.third", horizon="never", actions=[{"solution": "bsi-wiba"}]),
    )
    assert len(problems) == 4  # domain, condition, empty actions, horizon


def test_loading_a_directory_reports_broken_yaml_with_the_file_name(tmp_path):
    (tmp_path / "bad.yaml").write_text("rules: [\n", encoding="utf-8")
    (tmp_path / "good.yaml").write_text("rules: []\n", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path, questionnaire(), catalogue())
    assert [p.file for p in caught.value.problems] == ["bad.yaml"]


def test_an_empty_rules_directory_is_an_error(tmp_path):
    with pytest.raises(RulesError, match="no rule files"):
        load_rules(tmp_path, questionnaire(), catalogue())


# --------------------------------------------------------------------------- evaluation

RURAL = {
    "profile.goals": answered(["safety", "climate"]),
    "profile.it_staff": answered(0),
    "security.approach": answered("none"),
}


def test_a_firing_rule_explains_itself_with_labels_and_formatted_numbers():
    rules = make_rules(
        rule(
            when="security.approach == 'none' and municipality.population < 5000",
            because={
                "de": "„{security.approach}“ bei {municipality.population} Einwohnern",
                "en": "“{security.approach}” with {municipality.population} inhabitants",
            },
        )
    )
    (recommendation,) = evaluate(rules, context(RURAL, facts(1812)))
    assert recommendation.because.de == "„Keine systematische Methode“ bei 1.812 Einwohnern"
    assert recommendation.because.en == "“No systematic method” with 1,812 inhabitants"
    assert (recommendation.kind, recommendation.target) == ("step", "test_step")
    trace = {entry.name: entry for entry in recommendation.explanation.values}
    assert trace["security.approach"].value == "none"
    assert trace["security.approach"].question is not None
    assert trace["security.approach"].question.en.startswith("Which method")
    assert trace["municipality.population"].shown.de == "1.812"
    assert trace["municipality.population"].question is None
    assert recommendation.explanation.goal == "safety"
    assert recommendation.explanation.condition.startswith("security.approach ==")


def test_a_rule_whose_condition_is_false_does_not_fire():
    rules = make_rules(rule(when="security.approach == 'certified'"))
    assert evaluate(rules, context(RURAL, facts(1812))) == ()


def test_scores_levels_and_goals_are_names_rules_can_use():
    rules = make_rules(
        rule(
            when="domain.security.level == 1 and domain.security.gap == 2 and top_goal == 'safety'"
            " and 'climate' in goals and not has_it_staff and domain.mobility.applicable",
            because={"de": "Stufe {domain.security.level}", "en": "Level {domain.security.level}"},
        )
    )
    (recommendation,) = evaluate(rules, context(RURAL, facts(1812), targets={"security": 3}))
    assert recommendation.because.en == "Level 1"


def test_only_the_highest_priority_firing_rule_of_a_group_fires():
    rules = make_rules(
        rule(id="security.low", group="g", priority=10, actions=[{"step": "a", "text": BOTH}]),
        rule(id="security.high", group="g", priority=90, actions=[{"step": "b", "text": BOTH}]),
        rule(
            id="security.higher_but_false",
            group="g",
            priority=99,
            when="security.approach == 'certified'",
            actions=[{"step": "c", "text": BOTH}],
        ),
    )
    result = run(rules, context(RURAL, facts(1812)))
    assert [r.rule_id for r in result.recommendations] == ["security.high"]
    assert result.suppressed == {"security.low": "security.high"}


def test_recommendations_are_ordered_by_goal_rank_then_gap_then_priority_then_id():
    steps = iter("abcdefgh")

    def step() -> list[dict[str, object]]:
        return [{"step": next(steps), "text": BOTH}]

    rules = make_rules(
        rule(id="security.climate_goal", goals=["climate"], priority=99, actions=step()),
        rule(id="security.no_goal", goals=["economy"], priority=100, actions=step()),
        rule(id="security.safety_b", goals=["safety"], priority=50, actions=step()),
        rule(id="security.safety_a", goals=["safety"], priority=50, actions=step()),
        rule(id="security.safety_high", goals=["safety"], priority=60, actions=step()),
        rule(id="data.safety_gap", domain="data", goals=["safety"], priority=1, actions=step()),
    )
    answers = {**RURAL, "data.data_officer": answered(False)}  # data: score 0, level 1
    result = evaluate(rules, context(answers, facts(1812), targets={"data": 3}))
    assert [r.rule_id for r in result] == [
        "data.safety_gap",  # top goal, domain gap 2
        "security.safety_high",  # top goal, priority 60
        "security.safety_a",  # same priority: by id
        "security.safety_b",
        "security.climate_goal",  # second goal
        "security.no_goal",  # serves no goal of the municipality
    ]
    assert result[-1].goal is None


def test_rules_of_a_domain_marked_not_applicable_never_fire():
    rules = make_rules(
        rule(id="mobility.anything", domain="mobility", when="true == true", because=BOTH)
    )
    result = run(rules, context(RURAL, facts(1812), not_applicable={"mobility": "district"}))
    assert result.recommendations == ()
    assert result.not_applicable == ("mobility.anything",)


def test_solution_by_category_yields_only_listed_solutions_that_fit():
    rules = make_rules(
        rule(actions=[{"solution": {"category": "iot_network", "tags": ["lorawan"]}}])
    )
    town = {**RURAL, "profile.it_staff": answered(4)}
    result = run(rules, context(town, facts(32000)))
    assert [r.target for r in result.recommendations] == ["the-things-stack"]
    (skipped,) = result.skipped
    assert (skipped.solution_id, skipped.reason) == ("chirpstack", "pending_review")
    assert skipped.listing is not None and skipped.listing.reasons[0].kind == "expired"
    assert result.recommendations[0].explanation.skipped == result.skipped


def test_a_small_municipality_without_it_staff_gets_only_solutions_that_need_none():
    rules = make_rules(rule(actions=[{"solution": "the-things-stack"}, {"solution": "bsi-wiba"}]))
    result = run(rules, context(RURAL, facts(4000)))
    assert [r.target for r in result.recommendations] == ["bsi-wiba"]
    assert [(s.solution_id, s.reason) for s in result.skipped] == [
        ("the-things-stack", "needs_it_staff")
    ]


def test_without_an_it_staff_answer_size_decides_whether_it_staff_is_assumed():
    rules = make_rules(rule(actions=[{"solution": "node-red"}]))
    answers = {"security.approach": answered("none")}
    # Without a fitting listed solution the rule says so and points to procurement.
    assert [r.kind for r in evaluate(rules, context(answers, facts(4000)))] == ["procure"]
    assert [r.target for r in evaluate(rules, context(answers, facts(12000)))] == ["node-red"]


def test_solutions_outside_their_size_range_are_skipped():
    rules = make_rules(rule(actions=[{"solution": "geoserver"}]))
    town = {**RURAL, "profile.it_staff": answered(2)}
    result = run(rules, context(town, facts(6000)))
    assert [(r.kind, r.no_listed_solution) for r in result.recommendations] == [("procure", True)]
    assert [s.reason for s in result.skipped] == ["too_small"]


def test_solutions_needing_a_budget_are_skipped_when_the_budget_is_below_ten_thousand():
    listed = _all_listed(catalogue())
    rules = rules_from_data(
        [("test.yaml", {"rules": [rule(actions=[{"solution": "dksr-open-urban-platform"}])]})],
        questionnaire(),
        listed,
    )
    poor = {**RURAL, "profile.budget_band": answered("under_10k")}
    result = run(rules, context(poor, facts(30000), solutions=listed))
    assert [s.reason for s in result.skipped] == ["needs_budget"]
    rich = {**RURAL, "profile.budget_band": answered("100k_1m")}
    assert len(evaluate(rules, context(rich, facts(30000), solutions=listed))) == 1


def test_training_by_tag_is_filtered_by_role():
    rules = make_rules(rule(actions=[{"training": {"tag": "it-sicherheit"}, "for_role": "it"}]))
    (recommendation,) = evaluate(rules, context(RURAL, facts(1812)))
    assert (recommendation.kind, recommendation.target, recommendation.for_role) == (
        "training",
        "egov-campus",
        "it",
    )
    assert recommendation.text.de == catalogue().training("egov-campus").title.de


def test_the_same_target_from_two_rules_comes_out_once_and_names_both_rules():
    rules = make_rules(
        rule(id="security.first", priority=90, actions=[{"solution": "bsi-wiba"}]),
        rule(id="security.second", priority=10, actions=[{"solution": "bsi-wiba"}]),
    )
    (recommendation,) = evaluate(rules, context(RURAL, facts(1812)))
    assert (recommendation.rule_id, recommendation.also_from) == (
        "security.first",
        ("security.second",),
    )


def test_link_and_cooperate_actions_carry_their_text_and_domains():
    rules = make_rules(
        rule(
            actions=[
                {"link_domains": ["mobility", "climate"], "id": "link", "text": BOTH},
                {"cooperate": "shared_isb", "text": {"de": "Gemeinsam", "en": "Together"}},
            ]
        )
    )
    link, cooperate = evaluate(rules, context(RURAL, facts(1812)))
    assert (link.kind, link.target, link.linked_domains) == (
        "link_domains",
        "link",
        ("mobility", "climate"),
    )
    assert (cooperate.kind, cooperate.target, cooperate.text.en) == (
        "cooperate",
        "shared_isb",
        "Together",
    )


def test_evaluation_is_deterministic():
    first = evaluate(shipped_rules(), golden_context("town"))
    second = evaluate(tuple(reversed(shipped_rules())), golden_context("town"))
    assert first == second


# --------------------------------------------------------------------------- golden results

# The short list each demo inventory sees first (docs/rules-format.md, "Short list"), in order,
# and how many further steps wait behind "all steps".
GOLDEN_RECOMMENDATIONS = {
    "rural": (
        "participation.accessibility_statement step:accessibility_statement",
        "climate.heat_planning step:start_heat_planning",
        "security.avv_register step:avv_register",
        "security.start_wiba solution:bsi-wiba",
        "infrastructure.join_regional_iot cooperate:regional_lorawan",
        "participation.rural_app cooperate:rural_app_via_association",
        "climate.green_it training:openhpi:green-it",
    ),
    "town": (
        "planning.geodata_contracts step:avv_geodata_systems",
        "security.backup_offline step:offline_backup_and_restore_test",
        "security.appoint_isb step:appoint_isb",
        "security.complete_wiba step:complete_wiba",
        "data.start_platform solution:fiware-orion-ld",
        "data.start_platform training:fiware-step-by-step-tutorials",
        "climate.sensor_data_access step:open_sensor_interface",
        "services.backoffice_integration step:portal_to_backoffice",
        "services.backoffice_integration solution:node-red",
    ),
    "city": (
        "security.avv_register step:avv_register",
        "security.backup_restore_test step:restore_test",
        "data.link_mobility_climate link_domains:mobility_climate_on_platform",
        "data.link_mobility_climate solution:fiware-orion-ld",
        "planning.twin_for_climate link_domains:twin_heat_and_flooding",
        "cooperation.pass_on_solutions step:share_as_reference",
        "skills.security_training training:egov-campus:it-sicherheit",
        "skills.security_training step:yearly_security_training",
        "interoperability.exit_clauses step:exit_clauses",
        "cooperation.use_marketplace step:marketplace_first",
        "interoperability.sovereign_collaboration solution:nextcloud",
    ),
}
GOLDEN_MORE = {"rural": 40, "town": 34, "city": 1}


@pytest.mark.parametrize("name", ["rural", "town", "city"])
def test_golden_answer_sets_give_exactly_the_pinned_short_list_in_order(name):
    selection = run(shipped_rules(), golden_context(name)).selection
    assert tuple(f"{r.rule_id} {r.key}" for r in selection.first) == GOLDEN_RECOMMENDATIONS[name]
    assert len(selection.more) == GOLDEN_MORE[name]


def test_the_village_sees_at_most_twelve_steps_and_three_to_do_now():
    selection = run(shipped_rules(), golden_context("rural")).selection
    assert len(selection.first) <= 12
    assert len(selection.do_now) <= 3
    # The weakest administration never gets a longer short list than the city.
    city = run(shipped_rules(), golden_context("city")).selection
    assert selection.capacity.total < city.capacity.total


def test_the_rural_golden_set_skips_pending_solutions_and_records_why():
    result = run(shipped_rules(), golden_context("rural"))
    skipped = {(s.rule_id, s.solution_id): s.reason for s in result.skipped}
    assert skipped[("participation.rural_app", "dorffunk")] == "pending_review"
    assert skipped[("participation.defect_reporting", "wer-denkt-was-maengelmelder")] == (
        "not_admitted"
    )
    assert skipped[("planning.ogc_services", "geoserver")] == "too_small"
    solutions = [r.target for r in result.recommendations if r.kind == "solution"]
    assert solutions == ["bsi-wiba", "xplan-qgis-plugins-kreis-viersen"]


# --------------------------------------------------------------------------- only listed solutions


def _all_listed(source: Catalogue) -> Catalogue:
    """Every solution reviewed a month ago against the current version, every requirement met."""
    version = source.requirements.version
    statuses = tuple(
        RequirementStatus(r.id, "met", CatalogueText("belegt", "evidenced"))
        for r in source.requirements.requirements
    )
    review_day = TODAY - dt.timedelta(days=30)
    return replace(
        source,
        solutions=tuple(
            replace(
                s,
                review=replace(
                    s.review,
                    catalogue_version=version,
                    reviewed_on=review_day,
                    requirements=statuses,
                ),
            )
            for s in source.solutions
        ),
    )


def _one_must_unmet(source: Catalogue, requirement_id: str) -> Catalogue:
    listed = _all_listed(source)
    solutions = []
    for solution in listed.solutions:
        statuses = tuple(
            replace(status, status="not_met") if status.requirement_id == requirement_id else status
            for status in solution.review.requirements
        )
        solutions.append(replace(solution, review=replace(solution.review, requirements=statuses)))
    return replace(listed, solutions=tuple(solutions))


def _review_expired(source: Catalogue) -> Catalogue:
    listed = _all_listed(source)
    long_ago = TODAY - dt.timedelta(days=400)  # past every 12-month review interval
    return replace(
        listed,
        solutions=tuple(
            replace(s, review=replace(s.review, reviewed_on=long_ago)) for s in listed.solutions
        ),
    )


def _sweep_answer_sets() -> list[tuple[dict[str, object], dict[str, object]]]:
    """Answer sets that together make every shipped rule fire: each question gets its i-th
    option (lowest, next, ...), for small and large municipalities with and without IT staff."""
    sets = []
    for index in range(6):
        for population, staff, state in [
            (1800, 0, "09"),
            (12000, 0, "14"),
            (32000, 4, "08"),
            (127000, 38, "12"),
        ]:
            answers = {}
            for question in questionnaire().all_questions():
                value = _pick(question, index)
                if value is not None:
                    answers[question.id] = answered(value)
            answers["profile.it_staff"] = answered(staff)
            urbanisation = 3 if population < 5000 else 1
            sets.append(
                (
                    answers,
                    facts(population, urbanisation=urbanisation, state=state, in_association=True),
                )
            )
    sets += [(golden(n)["answers"], golden(n)["facts"]) for n in ("rural", "town", "city")]
    return sets


def _pick(question: Any, index: int) -> object:
    if question.type == "text":
        return None
    if question.type == "yesno":
        return index % 2 == 1
    if question.type == "number":
        return min(question.max, [question.min, 1, 60, 100][index % 4])
    options = question.options
    if question.type == "matrix":
        return {row.id: options[index % len(options)].id for row in question.rows}
    if question.type == "single":
        return options[index % len(options)].id
    if question.type == "ranking":
        return list(GOAL_IDS) if index % 2 == 0 else list(reversed(GOAL_IDS))
    plain = [o.id for o in options if not o.exclusive]
    exclusive = [o.id for o in options if o.exclusive]
    if index == 0 and exclusive:
        return exclusive[:1]
    return [plain[(index + k) % len(plain)] for k in range(min(2, len(plain)))]


@cache
def _sweep(variant: str) -> tuple[Evaluation, ...]:
    source = catalogue()
    solutions = {
        "all_listed": lambda: _all_listed(source),
        "expired": lambda: _review_expired(source),
    }.get(variant, lambda: _one_must_unmet(source, variant))()
    return tuple(
        run(shipped_rules(), context(answers, fact_values, solutions=solutions))
        for answers, fact_values in _sweep_answer_sets()
    )


def test_the_sweep_makes_every_rule_fire_and_every_solution_rule_recommend_when_all_are_listed():
    evaluations = _sweep("all_listed")
    fired = {rule_id for e in evaluations for rule_id in (*e.fired, *e.suppressed)}
    assert fired == {r.id for r in shipped_rules()}
    solution_rules = {
        r.id for r in shipped_rules() if any(isinstance(a, SolutionAction) for a in r.actions)
    }
    recommending = {
        rule_id
        for e in evaluations
        for r in e.recommendations
        if r.kind == "solution"
        for rule_id in (r.rule_id, *r.also_from)
    }
    # also_from names group rules merged into a step too, so the solution rules are a subset.
    assert solution_rules <= recommending


UNCONDITIONAL_MUSTS = [
    r.id
    for r in load_catalogue(default_content_dir()).requirements.requirements
    if r.is_must and r.applies_if is None
]


@pytest.mark.parametrize("variant", [*UNCONDITIONAL_MUSTS, "expired"])
def test_a_solution_with_an_unmet_must_or_an_expired_review_is_never_recommended(variant):
    evaluations = _sweep(variant)
    assert all(
        r.kind != "solution" for evaluation in evaluations for r in evaluation.recommendations
    )
    reasons = {s.reason for evaluation in evaluations for s in evaluation.skipped}
    assert "not_admitted" in reasons if variant != "expired" else "pending_review" in reasons


def test_the_unmet_requirement_counts_as_a_must_for_every_solution():
    for requirement_id in UNCONDITIONAL_MUSTS:
        requirement = catalogue().requirements.get(requirement_id)
        assert all(counts_as_must(requirement, s) for s in catalogue().solutions)


# --------------------------------------------------------------------------- robustness


def _answer_strategy(question: Any) -> st.SearchStrategy[object]:
    ids = list(question.option_ids) or ["x"]
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-10, 200000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(ids),
        st.lists(st.sampled_from(ids), max_size=4),
        st.dictionaries(
            st.sampled_from([r.id for r in question.rows] or ["row"]), st.sampled_from(ids)
        ),
        st.text(max_size=5),
    )
    return st.one_of(
        values.map(answered),
        st.sampled_from([{"status": "dont_know"}, {"status": "not_applicable"}, {"status": "odd"}]),
        st.just({"status": ["unhashable"]}),
        values,
    )


@st.composite
def answer_sets(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, object]]:
    questions = questionnaire().all_questions()
    chosen = draw(st.lists(st.sampled_from(questions), unique_by=lambda q: q.id, max_size=60))
    answers = {q.id: draw(_answer_strategy(q)) for q in chosen}
    fact_values = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "population": st.one_of(
                    st.integers(0, 4_000_000), st.floats(), st.text(max_size=3)
                ),
                "urbanisation": st.integers(1, 3),
                "state": st.sampled_from(["05", "07", "08", "09", "12", "14"]),
                "in_association": st.booleans(),
                "district_free": st.booleans(),
            },
        )
    )
    return answers, fact_values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_random_answer_sets_never_make_score_or_evaluate_raise(answers_and_facts):
    answers, fact_values = answers_and_facts
    scores = score(questionnaire(), answers, fact_values)
    result = evaluate(
        shipped_rules(), Context(questionnaire(), answers, fact_values, scores, catalogue(), TODAY)
    )
    assert all(isinstance(r, Recommendation) for r in result)
    assert all(d.score is None or 0 <= d.score <= 100 for d in scores.domains)
    assert all(d.level is None or 1 <= d.level <= 5 for d in scores.domains)
