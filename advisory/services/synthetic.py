"""Synthetic inventories for demos and benchmarks: plausible answers for real municipalities.

`seed_synthetic` draws answers for municipalities of the directory that have no inventory yet, so
that maturity varies plausibly with size and urbanisation, scores them with the same pure engine
as every real inventory and bulk-inserts assessments, answers, domain settings and their
`inventory_summary` rows (thousands per second on PostgreSQL instead of one service call each).
Every inventory made here has `Assessment.synthetic = True`; statistics take either real or
synthetic inventories, never both, and every page that shows one says "synthetisch".
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import math
import multiprocessing
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from advisory.content import current_questionnaire
from advisory.models import (
    Answer,
    Assessment,
    AssessmentDomain,
    AssessmentStatus,
    InventorySummary,
    Municipality,
    PlanItem,
    utcnow,
)
from advisory.services.assessments import municipality_facts
from advisory.services.portfolio import summary_figures
from questionnaires import Question, Questionnaire, visible_questions
from recommendations import score

# Shares of the statuses (the rest is still being answered).
STATUS_SHARES = (
    (AssessmentStatus.VALIDATED, 0.20),
    (AssessmentStatus.SUBMITTED, 0.10),
    (AssessmentStatus.IN_REVIEW, 0.05),
    (AssessmentStatus.CHANGES_REQUESTED, 0.05),
)
# Domains that many municipalities are further along in, and those that lag behind (offsets on
# the 0..1 maturity scale); a plausible spread, not a survey result.
DOMAIN_OFFSETS = {
    "services": 0.10,
    "security": 0.05,
    "infrastructure": 0.05,
    "data": -0.08,
    "mobility": -0.06,
    "interoperability": -0.06,
    "climate": -0.03,
}
# Small municipalities mark these domains as not applicable now and then.
OPTIONAL_DOMAINS = {"mobility": 0.35, "planning": 0.2}
NOT_APPLICABLE_REASON = "Synthetische Angabe: für diese kleine Gemeinde nicht zutreffend."
BATCH = 500
# From this many municipalities on, drawing and scoring run in worker processes.
PARALLEL_FROM = 2_000


class SyntheticError(ValueError):
    """Seeding was refused; the message says what to do."""


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: int
    deleted: int


def maturity(population: int, urbanisation: int | None, rng: random.Random) -> float:
    """Draw a municipality's general maturity on 0..1: larger and denser places are further."""
    size = 0.12 * math.log10(max(population, 100) / 500)  # 500 → 0, 5,000 → .12, 500,000 → .36
    urban = {1: 0.08, 2: 0.03}.get(urbanisation or 3, 0.0)
    return min(0.95, max(0.02, 0.3 + size + urban + rng.gauss(0, 0.12)))


def _nearest(options, target: float):
    return min(options, key=lambda option: abs(option.score - target))


def _answer(question: Question, p: float, rng: random.Random, facts: dict) -> dict | None:
    """Draw one answer in its stored JSON form (None: left unanswered)."""
    if question.allow_dont_know and rng.random() < 0.03:
        return {"status": "dont_know"}
    target = min(1.0, max(0.0, p + rng.gauss(0, 0.15)))
    scored = [o for o in question.options if o.score is not None]
    kind = question.type
    if kind == "single":
        choices = scored or list(question.options)
        if not choices:
            return None
        option = _nearest(scored, target) if scored else rng.choice(choices)
        return {"status": "answered", "value": option.id}
    if kind == "yesno":
        fact = facts.get(question.prefill) if question.prefill else None
        value = bool(fact) if fact is not None else rng.random() < target
        return {"status": "answered", "value": value}
    if kind in ("multiple", "ranking"):
        countable = [o for o in question.options if not o.exclusive]
        if kind == "ranking":
            ticked = rng.sample(countable, min(3, len(countable)))
        else:
            ticked = [o for o in countable if rng.random() < target]
        if not ticked:
            exclusive = [o for o in question.options if o.exclusive]
            ticked = exclusive[:1] or countable[:1]
        return {"status": "answered", "value": [o.id for o in ticked]}
    if kind == "number":
        return {"status": "answered", "value": _number(question, target, facts)}
    if kind == "matrix":
        if not scored:
            return None
        rows = {row.id: _nearest(scored, min(1.0, max(0.0, target + rng.gauss(0, 0.2)))).id
                for row in question.rows if rng.random() < 0.85}  # fmt: skip
        return {"status": "answered", "value": rows} if rows else None
    return None  # free text is not made up


def _number(question: Question, target: float, facts: dict) -> float | int:
    if question.breaks:
        value = min(question.breaks, key=lambda b: abs(b.score - target)).from_
    elif "it_staff" in question.id:
        value = round(facts.get("population", 0) / 10_000, 1)
    elif "staff" in question.id:
        value = max(3, facts.get("population", 0) // 120)
    else:
        value = question.min or 0
    if question.min is not None:
        value = max(question.min, value)
    if question.max is not None:
        value = min(question.max, value)
    return round(value) if question.integer else value


def draw_inventory(
    questionnaire: Questionnaire, facts: dict, rng: random.Random, complete: bool
) -> tuple[dict[str, dict], dict[str, str]]:
    """Return answers (JSON form) and not-applicable domains of one plausible inventory.

    An incomplete inventory (still being answered) has answers in only some of its domains.
    """
    general = maturity(int(facts["population"]), facts.get("urbanisation"), rng)
    not_applicable = {}
    if facts["population"] < 3_000:
        for domain in questionnaire.domains:
            share = OPTIONAL_DOMAINS.get(domain.id, 0)
            if domain.allow_not_applicable and rng.random() < share:
                not_applicable[domain.id] = NOT_APPLICABLE_REASON
    answered_share = 1.0 if complete else rng.uniform(0.2, 0.9)
    answers: dict[str, dict] = {}
    for question in questionnaire.profile.questions:
        drawn = _answer(question, general, rng, facts)
        if drawn is not None:
            answers[question.id] = drawn
    for domain in questionnaire.domains:
        if domain.id in not_applicable or rng.random() > answered_share:
            continue
        p = min(1.0, max(0.0, general + DOMAIN_OFFSETS.get(domain.id, 0) + rng.gauss(0, 0.12)))
        for question in domain.questions:
            drawn = _answer(question, p, rng, facts)
            if drawn is not None:
                answers[question.id] = drawn
    visible = visible_questions(questionnaire, answers, facts)
    return {k: v for k, v in answers.items() if k in visible}, not_applicable


def _status(rng: random.Random) -> AssessmentStatus:
    roll = rng.random()
    for status, share in STATUS_SHARES:
        if roll < share:
            return status
        roll -= share
    return AssessmentStatus.IN_PROGRESS


def summary_values(scores, status: str, last_activity: dt.datetime, revision: int) -> dict:
    """Return the `inventory_summary` columns for a scored inventory (as refresh_summary stores)."""
    return {
        "current": True,
        "status": status,
        "last_activity": last_activity,
        "revision": revision,
        **summary_figures(scores),
        "computed_at": utcnow(),
    }


def delete_synthetic(session: Session) -> int:
    """Delete every synthetic inventory with its answers, settings and summary; count them."""
    synthetic = select(Assessment.id).where(Assessment.synthetic.is_(True))
    count = session.scalar(select(func.count()).select_from(synthetic.subquery())) or 0
    if not count:
        return 0
    # A real inventory never builds on a synthetic one (see new_assessment); plan items might.
    session.execute(
        update(PlanItem).where(PlanItem.assessment_id.in_(synthetic)).values(assessment_id=None)
    )
    for table in (InventorySummary, AssessmentDomain, Answer):
        session.execute(delete(table).where(table.assessment_id.in_(synthetic)))
    # The remaining dependants (history, review notes) cascade in the database.
    session.execute(delete(Assessment).where(Assessment.synthetic.is_(True)))
    session.commit()
    return count


def _candidates(
    session: Session, count: int | None, state: str | None, district: str | None
) -> list[int]:
    """Return the ids of inhabited municipalities without any inventory, in AGS order."""
    statement = (
        select(Municipality.id)
        .where(
            Municipality.population > 0,
            ~exists().where(Assessment.municipality_id == Municipality.id),
        )
        .order_by(Municipality.ags)
    )
    if state:
        statement = statement.where(Municipality.state_code == state)
    if district:
        statement = statement.where(Municipality.district_code == district)
    if count is not None:
        statement = statement.limit(count)
    return list(session.scalars(statement))


def seed_synthetic(
    session: Session,
    count: int | None,
    *,
    replace: bool = False,
    state: str | None = None,
    district: str | None = None,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> SeedResult:
    """Give up to `count` municipalities without an inventory a synthetic one (None: all).

    Municipalities with any inventory (real or synthetic) are left alone, so running it twice
    adds nothing new; `replace` first deletes every synthetic inventory. Draws are reproducible:
    the same seed gives each municipality the same answers. Drawing and scoring (most of the
    time) run in `workers` processes when there are many municipalities (default: one per CPU,
    at most 4, from PARALLEL_FROM on); the database writes stay in this process.
    """
    if count is not None and count < 1:
        raise SyntheticError("Give a count of at least 1.")
    deleted = delete_synthetic(session) if replace else 0
    questionnaire = current_questionnaire()
    places = _candidates(session, count, state, district)
    wanted = count if count is not None else len(places)
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if len(places) >= PARALLEL_FROM else 1
    batches = []
    for start in range(0, len(places), BATCH):
        # Plain facts per batch: each commit below expires the ORM objects.
        rows = session.scalars(
            select(Municipality)
            .where(Municipality.id.in_(places[start : start + BATCH]))
            .order_by(Municipality.ags)
        ).all()
        batches.append([(place.id, place.ags, municipality_facts(place)) for place in rows])
        session.expunge_all()
    work = (questionnaire.id, questionnaire.version, seed, utcnow())
    created = 0
    with _executor(workers) as pool:
        for drawn in pool.map(_draw_batch, [(*work, batch) for batch in batches]):
            created += _insert_batch(session, questionnaire, drawn)
            session.commit()
            session.expunge_all()
            if progress:
                progress(created, len(places))
    return SeedResult(created=created, skipped=max(0, wanted - created), deleted=deleted)


class _InProcess:
    """The executor for one worker: map in this process (no start-up cost, easy to test)."""

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        return None

    @staticmethod
    def map(function, items):
        return map(function, items)


def _executor(workers: int):
    if workers <= 1:
        return _InProcess()
    # "spawn": the workers start clean instead of inheriting this process's database connections.
    context = multiprocessing.get_context("spawn")
    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)


@dataclass(frozen=True)
class Drawn:
    """One drawn and scored inventory, ready to insert."""

    municipality_id: int
    status: str
    created: dt.datetime
    updated: dt.datetime
    answers: dict[str, dict]
    not_applicable: dict[str, str]
    summary: dict


def _draw_batch(work: tuple) -> list[Drawn]:
    """Draw and score the inventories of one batch (pure; runs in a worker process)."""
    from advisory.content import questionnaire as pinned

    questionnaire_id, version, seed, now, batch = work
    questionnaire = pinned(questionnaire_id, version)
    drawn = []
    for municipality_id, ags, facts in batch:
        rng = random.Random(f"{seed}:{ags}")  # noqa: S311 - plausible data, not secrets
        status = _status(rng)
        complete = status is not AssessmentStatus.IN_PROGRESS
        answers, not_applicable = draw_inventory(questionnaire, facts, rng, complete)
        created = now - dt.timedelta(days=rng.randint(30, 400))
        updated = min(now, created + dt.timedelta(days=rng.randint(1, 60)))
        scores = score(questionnaire, answers, facts, not_applicable_domains=not_applicable)
        summary = summary_values(scores, status.value, updated, 1)
        drawn.append(
            Drawn(municipality_id, status.value, created, updated, answers, not_applicable, summary)
        )
    return drawn


def _insert_batch(session: Session, questionnaire: Questionnaire, drawn: list[Drawn]) -> int:
    rows = [
        {
            "municipality_id": item.municipality_id,
            "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "status": item.status,
            "revision": 1,
            "created_at": item.created,
            "updated_at": item.updated,
            "validated_at": item.updated if item.status == AssessmentStatus.VALIDATED else None,
            "synthetic": True,
        }
        for item in drawn
    ]
    if not rows:
        return 0
    ids = session.scalars(
        insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True), rows
    ).all()
    answer_rows, domain_rows, summaries = [], [], []
    for assessment_id, item in zip(ids, drawn, strict=True):
        answer_rows += [
            {
                "assessment_id": assessment_id,
                "question_id": question_id,
                "status": answer["status"],
                "value": answer.get("value"),
                "updated_at": item.updated,
            }
            for question_id, answer in item.answers.items()
        ]
        domain_rows += [
            {"assessment_id": assessment_id, "domain_id": domain_id, "not_applicable": True,
             "reason": reason, "updated_at": item.updated}
            for domain_id, reason in item.not_applicable.items()
        ]  # fmt: skip
        summaries.append(
            {"assessment_id": assessment_id, "municipality_id": item.municipality_id,
             **item.summary}
        )  # fmt: skip
    for table, values in ((Answer, answer_rows), (AssessmentDomain, domain_rows),
                          (InventorySummary, summaries)):  # fmt: skip
        if values:
            session.execute(insert(table), values)
    return len(ids)


def synthetic_counts(session: Session) -> Iterator[tuple[str, int]]:
    """Yield (status, count) of the synthetic inventories."""
    yield from session.execute(
        select(Assessment.status, func.count())
        .where(Assessment.synthetic.is_(True))
        .group_by(Assessment.status)
        .order_by(Assessment.status)
    ).all()
