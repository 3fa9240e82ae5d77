"""Who answers a question: the `answered_by` attribute, its validation and its helper."""

from __future__ import annotations

from pathlib import Path

from questionnaires import load_questionnaire

CONTENT = Path(__file__).parents[2] / "questionnaires" / "content" / "smart-city-inventur"


def questions(data: dict) -> list[dict]:
    return data["domains"][0]["questions"]


def problems_at(error, path: str) -> list[str]:
    return [p.message for p in error.problems if p.path == path]


def test_questions_are_answered_by_the_municipality_unless_the_file_says_otherwise(mini) -> None:
    assert {q.answered_by for q in mini.all_questions()} == {"municipality"}
    assert mini.administration_questions() == ()


def test_an_unknown_value_is_reported_with_file_key_and_a_suggestion(content_error) -> None:
    error = content_error(lambda d: questions(d)[0].update(answered_by="administraton"))
    assert "broken.yaml" in str(error)
    (message,) = problems_at(error, "domains[0].questions[0].answered_by")
    assert "did you mean 'administration'?" in message


def test_the_profile_cannot_be_answered_by_the_administration(content_error) -> None:
    error = content_error(
        lambda d: d["profile"]["questions"][0].update(answered_by="administration")
    )
    (message,) = problems_at(error, "profile.questions[0].answered_by")
    assert "always answered by the municipality" in message


def test_the_helper_lists_the_administration_questions_in_file_order(mini, mini_data) -> None:
    import copy

    from questionnaires import questionnaire_from_data

    data = copy.deepcopy(mini_data)
    questions(data)[1]["answered_by"] = "administration"
    questions(data)[0]["answered_by"] = "municipality"
    loaded = questionnaire_from_data(data, "mini.yaml")
    assert [q.id for q in loaded.administration_questions()] == [questions(data)[1]["id"]]


def test_shipped_versions_leave_mobility_climate_planning_participation_to_the_municipality():
    for version in ("1.0.0", "1.1.0"):
        shared = load_questionnaire(CONTENT / f"{version}.yaml").administration_questions()
        domains = {q.domain for q in shared}
        assert {"services", "security", "skills", "infrastructure"} <= domains
        assert not domains & {"mobility", "planning", "participation"}
        assert "climate.green_it" in {q.id for q in shared}  # the administration's IT only
        assert not any(q.is_profile for q in shared)


def test_shared_questions_are_shown_by_shared_answers_only() -> None:
    """The association's inventory can decide every show_if of its questions by itself."""
    for version in ("1.0.0", "1.1.0"):
        q = load_questionnaire(CONTENT / f"{version}.yaml")
        shared = {x.id for x in q.administration_questions()}
        for question in q.administration_questions():
            if question.show_if is not None:
                used = {n for n in question.show_if.names if not n.startswith("municipality.")}
                assert used <= shared, (version, question.id, used - shared)
