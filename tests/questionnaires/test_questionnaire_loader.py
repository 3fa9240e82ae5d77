"""Loading and validating questionnaire files; every error names the file and the key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from questionnaires import (
    ContentError,
    Questionnaire,
    Text,
    UnknownQuestionnaireError,
    load_directory,
    load_questionnaire,
)
from questionnaires.loader import check_directory

FIXTURE = Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"


def paths(error: ContentError) -> list[str]:
    return [problem.path for problem in error.problems]


def message_at(error: ContentError, path: str) -> str:
    found = [p.message for p in error.problems if p.path == path]
    assert found, f"no problem at {path}; got {[str(p) for p in error.problems]}"
    return found[0]


def questions(data: dict) -> list[dict]:
    return data["domains"][0]["questions"]


# --- the valid fixture -------------------------------------------------------------------------


def test_fixture_loads_every_question_type(mini: Questionnaire) -> None:
    types = {question.type for question in mini.all_questions()}
    assert types == {"single", "multiple", "yesno", "number", "text", "matrix", "ranking"}
    assert (mini.id, mini.version, mini.status) == ("mini", "1.0.0", "active")


def test_questions_are_found_by_id(mini: Questionnaire) -> None:
    assert mini.question("services.eakte").type == "yesno"
    assert mini.find_question("services.nope") is None
    with pytest.raises(UnknownQuestionnaireError):
        mini.question("services.nope")


def test_single_question_on_a_scale_gets_the_scale_options_with_overridden_advice(
    mini: Questionnaire,
) -> None:
    question = mini.question("services.online_services")
    assert question.option_ids == ("none", "planned", "pilot", "operation", "linked")
    assert question.option("operation").advice == Text("BundID anbinden.", "Connect BundID.")
    assert mini.scale("solution_status").option("operation").advice.en.startswith("Link")


def test_yesno_question_has_yes_and_no_options_with_default_scores(mini: Questionnaire) -> None:
    question = mini.question("services.eakte")
    assert [(o.id, o.score) for o in question.options] == [("yes", 1.0), ("no", 0.0)]


def test_dont_know_is_offered_by_default_only_for_scored_questions(mini: Questionnaire) -> None:
    assert mini.question("services.eakte").allow_dont_know
    assert not mini.question("profile.it_staff").allow_dont_know
    assert not mini.question("services.notes").is_scored


def test_gate_condition_is_a_parsed_expression(mini: Questionnaire) -> None:
    gate = mini.domain("services").gates[0]
    assert gate.max_level == 2
    assert gate.unless.holds({"services.online_services": "linked"})


def test_text_falls_back_to_german() -> None:
    text = Text("Hallo", "Hello")
    assert (text.get("en"), text.get("de"), text.get("fr")) == ("Hello", "Hallo", "Hallo")


# --- errors ------------------------------------------------------------------------------------


def test_unknown_key_is_reported_with_its_path_and_a_suggestion(content_error) -> None:
    error = content_error(lambda d: questions(d)[0].update(wieght=2))
    assert "broken.yaml" in str(error)
    assert "did you mean 'weight'?" in message_at(error, "domains[0].questions[0].wieght")


def test_key_of_another_question_type_is_reported(content_error) -> None:
    error = content_error(lambda d: questions(d)[0].update(breaks=[]))
    assert "single questions have no 'breaks'" in message_at(
        error, "domains[0].questions[0].breaks"
    )


def test_missing_english_text_is_reported(content_error) -> None:
    error = content_error(lambda d: questions(d)[2]["text"].pop("en"))
    assert "missing key 'en'" in message_at(error, "domains[0].questions[2].text")


def test_scale_score_above_one_is_reported(content_error) -> None:
    error = content_error(lambda d: d["scales"]["solution_status"]["options"][1].update(score=2))
    assert "between 0 and 1" in message_at(error, "scales.solution_status.options[1].score")


def test_breaks_out_of_order_are_reported(content_error) -> None:
    error = content_error(lambda d: questions(d)[3]["breaks"][2].update({"from": 5}))
    assert "ascending" in message_at(error, "domains[0].questions[3].breaks[2].from")


def test_first_break_must_start_at_min(content_error) -> None:
    error = content_error(lambda d: questions(d)[3]["breaks"][0].update({"from": 1}))
    assert "must start at min" in message_at(error, "domains[0].questions[3].breaks[0].from")


def test_unknown_scale_is_reported_with_a_suggestion(content_error) -> None:
    error = content_error(lambda d: questions(d)[0].update(scale="solution_stat"))
    assert "did you mean 'solution_status'?" in message_at(error, "domains[0].questions[0].scale")


def test_show_if_with_an_unknown_name_is_reported_at_its_path(content_error) -> None:
    error = content_error(lambda d: questions(d)[1].update(show_if="servces.online_services"))
    message = message_at(error, "domains[0].questions[1].show_if")
    assert "unknown name 'servces.online_services' at column 1" in message
    assert "did you mean 'services.online_services'?" in message


def test_show_if_with_an_option_typo_is_reported(content_error) -> None:
    error = content_error(
        lambda d: questions(d)[1].update(show_if="services.online_services == 'pilott'")
    )
    assert "is not an option" in message_at(error, "domains[0].questions[1].show_if")


def test_show_if_may_not_use_a_later_question(content_error) -> None:
    error = content_error(lambda d: questions(d)[0].update(show_if="services.eakte == 'yes'"))
    # eakte is yesno (a bool), so this is a type error; a bool comparison shows the order rule
    assert paths(error) == ["domains[0].questions[0].show_if"]
    error = content_error(lambda d: questions(d)[0].update(show_if="services.eakte"))
    assert "not asked before this question" in message_at(error, "domains[0].questions[0].show_if")


def test_show_if_must_be_a_condition(content_error) -> None:
    error = content_error(lambda d: questions(d)[1].update(show_if="profile.it_staff + 1"))
    assert "not a condition" in message_at(error, "domains[0].questions[1].show_if")


def test_gate_condition_is_type_checked(content_error) -> None:
    error = content_error(
        lambda d: d["domains"][0]["gates"][0].update(unless="services.online_share == 'x'")
    )
    assert "cannot compare" in message_at(error, "domains[0].gates[0].unless")


def test_duplicate_question_id_is_reported(content_error) -> None:
    error = content_error(lambda d: questions(d)[1].update(id="services.online_services"))
    assert "duplicate question id" in message_at(error, "domains[0].questions[1].id")


def test_question_id_must_start_with_its_domain(content_error) -> None:
    error = content_error(lambda d: questions(d)[2].update(id="data.eakte"))
    assert "'services.<slug>'" in message_at(error, "domains[0].questions[2].id")


def test_ranking_outside_the_profile_is_reported(content_error) -> None:
    def change(data: dict) -> None:
        ranking = dict(data["profile"]["questions"][2], id="services.goals")
        questions(data).append(ranking)

    error = content_error(change)
    assert "belong in the profile" in message_at(error, "domains[0].questions[6].type")


def test_profile_questions_cannot_have_a_weight(content_error) -> None:
    error = content_error(lambda d: d["profile"]["questions"][1].update(weight=1))
    assert "never scored" in message_at(error, "profile.questions[1].weight")


def test_goal_ids_of_the_profile_are_checked(content_error) -> None:
    error = content_error(lambda d: d["profile"]["questions"][2]["options"][0].update(id="wealth"))
    assert "strategic goal" in message_at(error, "profile.questions[2].options[0].id")


def test_exclusive_option_may_not_carry_a_score(content_error) -> None:
    error = content_error(lambda d: questions(d)[1]["options"][2].update(score=1))
    assert "exclusive" in message_at(error, "domains[0].questions[1].options[2].score")


def test_scored_question_needs_an_evidence_hint(content_error) -> None:
    error = content_error(lambda d: questions(d)[2].pop("evidence_hint"))
    assert "evidence_hint" in message_at(error, "domains[0].questions[2]")


def test_a_malformed_domain_id_is_reported(content_error) -> None:
    error = content_error(lambda d: d["domains"][0].update(id="Services"))
    assert "must match" in message_at(error, "domains[0].id")


def test_profile_is_no_domain_id(content_error) -> None:
    error = content_error(lambda d: d["domains"][0].update(id="profile"))
    assert "reserved" in message_at(error, "domains[0].id")


def test_scoring_levels_must_start_at_zero_and_ascend(content_error) -> None:
    label = {"de": "Stufe", "en": "Level"}
    levels = [
        {"from": 10, "label": label},
        {"from": 50, "label": label},
        {"from": 40, "label": label},
    ]
    error = content_error(lambda d: d.update(scoring={"levels": levels, "overall": "median"}))
    assert "start at 0" in message_at(error, "scoring.levels[0].from")
    assert "greater than" in message_at(error, "scoring.levels[2].from")
    assert "min_level" in message_at(error, "scoring.overall")


def test_a_gate_cannot_cap_at_the_top_level_of_the_file_scoring(content_error) -> None:
    label = {"de": "Stufe", "en": "Level"}
    levels = [{"from": 0, "label": label}, {"from": 50, "label": label}]

    def change(data):
        data["scoring"] = {"levels": levels}
        data["domains"][0]["gates"] = [
            {"id": "g", "max_level": 2, "unless": "true", "reason": label}
        ]

    error = content_error(change)
    assert "1 to 1" in message_at(error, "domains[0].gates[0].max_level")


def test_version_must_be_major_minor_patch(content_error) -> None:
    error = content_error(lambda d: d.update(version=1.0))
    assert "1.0.0" in message_at(error, "version")


def test_all_problems_of_a_file_are_collected_into_one_error(content_error) -> None:
    def change(data: dict) -> None:
        data.update(status="published")
        questions(data)[0].update(wieght=1)
        questions(data)[3].update(min=200)

    error = content_error(change)
    assert {"status", "domains[0].questions[0].wieght", "domains[0].questions[3].max"} <= set(
        paths(error)
    )
    assert str(error).startswith(f"{len(error.problems)} problems in broken.yaml")


def test_duplicate_yaml_keys_are_rejected_with_the_line(tmp_path: Path) -> None:
    file = tmp_path / "dup.yaml"
    file.write_text(FIXTURE.read_text().replace("status: active", "status: active\nid: other"))
    with pytest.raises(ContentError) as caught:
        load_questionnaire(file)
    assert "duplicate key 'id' (first at line 1)" in str(caught.value)
    assert str(file) in str(caught.value)


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("id: x\ntitle: {de: a, en: b\n")
    with pytest.raises(ContentError) as caught:
        load_questionnaire(file)
    assert caught.value.problems[0].path.startswith("line ")


def test_yes_and_no_are_text_not_booleans(content_error) -> None:
    error = content_error(lambda d: questions(d)[1].update(allow_not_applicable="yes"))
    assert "true or false" in message_at(error, "domains[0].questions[1].allow_not_applicable")


def test_yes_and_no_keys_of_yesno_advice_are_read_as_text(mini: Questionnaire) -> None:
    question = mini.question("services.eakte")
    assert question.option("no").advice == Text("E-Akte einführen.", "Introduce the e-file.")


# --- directories and the registry ----------------------------------------------------------------


def make_content(tmp_path: Path, versions: dict[str, str]) -> Path:
    text = FIXTURE.read_text()
    for version, status in versions.items():
        target = tmp_path / "mini" / f"{version}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            text.replace("version: 1.0.0", f"version: {version}").replace(
                "status: active", f"status: {status}"
            )
        )
    return tmp_path


def test_registry_returns_the_latest_active_version(tmp_path: Path) -> None:
    root = make_content(
        tmp_path, {"1.0.0": "retired", "1.2.0": "active", "1.10.0": "active", "2.0.0": "draft"}
    )
    registry = load_directory(root)
    assert registry.latest("mini").version == "1.10.0"
    assert registry.get("mini", "2.0.0").status == "draft"
    assert [q.version for q in registry.list("mini")] == ["1.0.0", "1.2.0", "1.10.0", "2.0.0"]
    assert registry.ids() == ("mini",)


def test_registry_raises_for_unknown_questionnaires(tmp_path: Path) -> None:
    registry = load_directory(make_content(tmp_path, {"1.0.0": "draft"}))
    with pytest.raises(UnknownQuestionnaireError):
        registry.get("mini", "9.9.9")
    with pytest.raises(UnknownQuestionnaireError):
        registry.latest("mini")


def test_file_whose_path_does_not_match_id_and_version_is_reported(tmp_path: Path) -> None:
    target = tmp_path / "other" / "1.0.0.yaml"
    target.parent.mkdir()
    shutil.copy(FIXTURE, target)
    with pytest.raises(ContentError) as caught:
        load_directory(tmp_path)
    assert "move the file to mini/1.0.0.yaml" in str(caught.value)


def test_problems_of_every_file_in_a_directory_are_reported_together(tmp_path: Path) -> None:
    root = make_content(tmp_path, {"1.0.0": "active", "1.1.0": "active"})
    for version in ("1.0.0", "1.1.0"):
        file = root / "mini" / f"{version}.yaml"
        file.write_text(file.read_text().replace("status: active", "status: live"))
    loaded, problems = check_directory(root)
    assert loaded == []
    assert {Path(p.file).name for p in problems} == {"1.0.0.yaml", "1.1.0.yaml"}
