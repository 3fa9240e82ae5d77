"""Scores and recommendations of one assessment, computed by the pure engines from stored data."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import update
from sqlalchemy.orm import Session

from advisory.content import questionnaire as pinned_questionnaire
from advisory.content import rules_dir
from advisory.models import Assessment, AssessmentDomain, User, utcnow
from advisory.services.assessments import (
    answers_key,
    domain_states,
    load_answers,
    municipality_facts,
    summarise,
)
from advisory.services.catalogue import catalogue_version, current_catalogue, shipped_catalogue
from advisory.services.review import reviewed_answers
from questionnaires import Answer, Questionnaire, parse_yaml
from recommendations import (
    AssessmentScore,
    Catalogue,
    Context,
    Evaluation,
    Rule,
    RulesError,
    load_rules,
    rules_from_data,
    run,
    score,
)

log = logging.getLogger(__name__)
_RULE_PATH = re.compile(r"^rules\[(\d+)\]")

HORIZONS = ("quick_win", "next_step", "later")


@dataclass(frozen=True)
class Results:
    """Everything the results page, the report and the exports show about one assessment."""

    questionnaire: Questionnaire
    answers: dict[str, Answer]
    facts: dict[str, object]
    scores: AssessmentScore
    evaluation: Evaluation
    catalogue: Catalogue
    computed_on: dt.date
    # Where an advisor reviewed answers: the municipality's own answers and their scores.
    self_answers: dict[str, Answer] | None = None
    self_scores: AssessmentScore | None = None

    def by_horizon(self) -> list[tuple[str, list]]:
        """Return the recommendations grouped by horizon (quick wins first), order kept."""
        return [
            (horizon, [r for r in self.evaluation.recommendations if r.horizon == horizon])
            for horizon in HORIZONS
        ]


def _rules(questionnaire_id: str, version: str) -> tuple[Rule, ...]:
    """Return the rules of the questionnaire (none if it has no rules folder)."""
    directory = rules_dir(questionnaire_id)
    if directory is None:
        return ()
    return _rules_in(directory, questionnaire_id, version)


@cache
def _rules_in(directory: Path, questionnaire_id: str, version: str) -> tuple[Rule, ...]:
    """Load and validate the rules once per process against the pinned questionnaire version.

    Rules name questions by id. A newer version may rename a question (`replaces`) or drop one,
    and a rule that uses it then does not validate against that version. That RulesError used to
    reach the results page and the report as a 500 for every inventory on the new version.
    `advisory check-content` names such rules; here they are left out (and logged) so that the
    results of every version stay available with the rules that fit it.
    """
    questionnaire = pinned_questionnaire(questionnaire_id, version)
    try:
        return load_rules(directory, questionnaire, shipped_catalogue())
    except RulesError as error:
        log.error(
            "recommendation rules left out for questionnaire %s %s (run advisory "
            "check-content): %s",
            questionnaire_id,
            version,
            "; ".join(str(problem) for problem in error.problems),
        )
        return _fitting_rules(directory, questionnaire, error.problems)


def _fitting_rules(
    directory: Path, questionnaire: Questionnaire, problems: Iterable
) -> tuple[Rule, ...]:
    """Return the rules that validate against `questionnaire`, leaving out those with problems.

    A problem inside `rules[i]` leaves out that rule; any other problem of a file leaves out the
    file. Whatever still does not validate together gives no rules rather than an error.
    """
    bad_rules: set[tuple[str, int]] = set()
    bad_files: set[str] = set()
    for problem in problems:
        match = _RULE_PATH.match(problem.path)
        if match:
            bad_rules.add((problem.file, int(match.group(1))))
        else:
            bad_files.add(problem.file)
    files = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name in bad_files:
            continue
        data = parse_yaml(path.read_text(encoding="utf-8"))
        kept = [r for i, r in enumerate(data["rules"]) if (path.name, i) not in bad_rules]
        files.append((path.name, {**data, "rules": kept}))
    try:
        return rules_from_data(files, questionnaire, shipped_catalogue())
    except RulesError:
        return ()


def _score_inputs(session: Session, assessment: Assessment, own: dict[str, Answer] | None = None):
    """Return questionnaire, own answers, reviewed answers, facts and domain settings.

    `own`: the answers as `load_answers` returns them, when the caller has just loaded them.
    """
    questionnaire = pinned_questionnaire(
        assessment.questionnaire_id, assessment.questionnaire_version
    )
    if own is None:
        own = load_answers(session, assessment)
    reviewed = reviewed_answers(session, assessment)
    facts = municipality_facts(assessment.municipality)
    settings = domain_settings(
        (d, s.not_applicable, s.reason, s.target_level)
        for d, s in domain_states(session, assessment).items()
    )
    return questionnaire, own, reviewed, facts, settings


def domain_settings(states: Iterable) -> dict[str, dict]:
    """Return the scoring engine's domain arguments from (domain id, not applicable, reason,
    target level) rows."""
    states = list(states)
    return {
        "not_applicable_domains": {d: reason or "" for d, na, reason, _ in states if na},
        "targets": {d: target for d, _, _, target in states if target},
    }


def score_from(
    assessment: Assessment,
    own: dict[str, Answer],
    reviewed: dict[str, Answer],
    settings: dict[str, dict],
) -> AssessmentScore:
    """Score the inventory from inputs the caller read (as `score_assessment` reads them)."""
    questionnaire = pinned_questionnaire(
        assessment.questionnaire_id, assessment.questionnaire_version
    )
    facts = municipality_facts(assessment.municipality)
    return score(questionnaire, {**own, **reviewed}, facts, **settings)


def score_assessment(
    session: Session, assessment: Assessment, own: dict[str, Answer] | None = None
) -> tuple[Questionnaire, dict[str, Answer], dict[str, object], AssessmentScore]:
    """Score the assessment from its stored answers and domain settings (no rules).

    Scores use the reviewed value where the advisor gave one. `own`: the stored answers as
    `load_answers` returns them, when the caller has just loaded them.
    """
    questionnaire, own, reviewed, facts, settings = _score_inputs(session, assessment, own)
    answers = {**own, **reviewed}
    return questionnaire, answers, facts, score(questionnaire, answers, facts, **settings)


#: Results kept per application (the results page, the web report and the exports of an
#: unchanged inventory read them again and again).
RESULTS_CACHE_SIZE = 64
_results_lock = threading.Lock()


def compute_results(
    session: Session, assessment: Assessment, today: dt.date | None = None
) -> Results:
    """Score the assessment and evaluate every rule; pure engines, stored answers.

    Results are cached by everything they are computed from: the inventory's revision (every
    change of an answer, a reviewed value, a target or a domain's applicability raises it in the
    same transaction), the questionnaire, the municipality's facts, the curated catalogue's
    version and the day. The revision is read from the database, not from the session. The
    cache belongs to the Flask application (one per database); outside an application there is
    none.
    """
    today = today or dt.date.today()
    cache = _results_cache()
    if cache is None:
        return _compute_results(session, assessment, today)
    key = _results_key(session, assessment, today)
    with _results_lock:
        cached = cache.get(key)
        if cached is not None:
            cache.move_to_end(key)
            return cached
    results = _compute_results(session, assessment, today)
    with _results_lock:
        cache[key] = results
        while len(cache) > RESULTS_CACHE_SIZE:
            cache.popitem(last=False)
    return results


def _results_cache() -> OrderedDict | None:
    if not has_app_context():
        return None
    return current_app.extensions.setdefault("advisory.results", OrderedDict())


def _results_key(session: Session, assessment: Assessment, today: dt.date) -> tuple:
    return (*answers_key(session, assessment), catalogue_version(session), today)


def _compute_results(session: Session, assessment: Assessment, today: dt.date) -> Results:
    questionnaire, own, reviewed, facts, settings = _score_inputs(session, assessment)
    answers = {**own, **reviewed}  # as in score_assessment, which the dashboard's summaries use
    scores = score(questionnaire, answers, facts, **settings)
    self_scores = score(questionnaire, own, facts, **settings) if reviewed else None
    catalogue = current_catalogue(session)
    evaluation = run(
        _rules(assessment.questionnaire_id, assessment.questionnaire_version),
        Context(questionnaire, answers, facts, scores, catalogue, today),
    )
    return Results(
        questionnaire,
        answers,
        facts,
        scores,
        evaluation,
        catalogue,
        today,
        self_answers=own if reviewed else None,
        self_scores=self_scores,
    )


def set_targets(
    session: Session, assessment: Assessment, targets: dict[str, int | None], user: User
) -> None:
    """Store the target level (one of the questionnaire's levels, or None) per domain."""
    levels = pinned_questionnaire(
        assessment.questionnaire_id, assessment.questionnaire_version
    ).scoring.levels
    states = domain_states(session, assessment)
    now = utcnow()
    for domain_id, level in targets.items():
        if level is not None and level not in levels:
            raise ValueError(f"target level {level} out of range")
        state = states.get(domain_id)
        if state is None:
            state = AssessmentDomain(assessment_id=assessment.id, domain_id=domain_id)
            session.add(state)
        if state.target_level != level:
            state.target_level = level
            state.updated_by_id = user.id
            state.updated_at = now
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(revision=Assessment.revision + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    summarise(session, assessment)
    session.commit()


def results_as_dict(results: Results, lang: str = "de") -> dict:
    """Return scores and recommendations as plain JSON-ready data (for `advisory score`)."""
    scores = results.scores
    selection = results.evaluation.selection
    shortlisted = {r.key for r in selection.first} if selection else set()
    return {
        "questionnaire": {"id": scores.questionnaire_id, "version": scores.questionnaire_version},
        "computed_on": results.computed_on.isoformat(),
        "overall": {
            "score": scores.score,
            "level": scores.level,
            "provisional": scores.provisional,
            "provisional_level": scores.provisional_level,
            "coverage": {"answered": scores.coverage.answered, "shown": scores.coverage.shown},
            "dont_know": len(scores.dont_know),
        },
        "domains": [
            {
                "id": d.id,
                "applicable": d.applicable,
                "not_applicable_reason": d.not_applicable_reason,
                "score": d.score,
                "raw_level": d.raw_level,
                "level": d.raw_level,
                "gated_level": d.level,
                "capped_by": d.capped_by.id if d.capped_by else None,
                "cap_reason": d.capped_by.reason.get(lang) if d.capped_by else None,
                "coverage": {"answered": d.coverage.answered, "shown": d.coverage.shown},
                "dont_know": list(d.dont_know),
                "target": d.target,
                "gap": d.gap,
            }
            for d in scores.domains
        ],
        "recommendations": [
            {
                "rule": r.rule_id,
                "key": r.key,
                "shortlisted": r.key in shortlisted,
                "domains": list(r.domains),
                "basis": r.basis,
                "no_listed_solution": r.no_listed_solution,
                "kind": r.kind,
                "target": r.target,
                "domain": r.domain,
                "horizon": r.horizon,
                "priority": r.priority,
                "goal": r.goal,
                "text": r.text.get(lang),
                "because": r.because.get(lang),
                "trace": {e.name: e.shown.get(lang) for e in r.explanation.values},
            }
            for r in results.evaluation.recommendations
        ],
    }
