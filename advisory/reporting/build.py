"""Build the plain Report of one assessment from its computed Results and directory data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session

from advisory.assessments.answer_forms import describe
from advisory.charts import ChartDomain, RoadmapBar
from advisory.directory import ATTRIBUTION
from advisory.kept import Kept
from advisory.models import Assessment
from advisory.reporting.data import (
    AnswerLine,
    AppendixSection,
    Change,
    DomainRow,
    DomainSection,
    FindingLine,
    Neighbour,
    Place,
    PlanNote,
    Previous,
    Report,
    ReviewInfo,
    ReviewInput,
    ScoreComparison,
    SolutionInfo,
    Status,
    Step,
    TrainingInfo,
)
from advisory.services.associations import inheritance, source_label
from advisory.services.municipalities import neighbours
from advisory.services.peers import PeerMedians, peer_medians
from advisory.services.plan import plan_items
from advisory.services.results import HORIZONS, Results, compute_results
from questionnaires import Answer, AnswerStatus, Question, question_score, visible_questions
from recommendations import DomainScore, Recommendation, ScoringError

#: An answer scoring at least this share of its points is "in place"; below it, a gap.
STRENGTH = 0.7
#: Months each horizon spans on the roadmap timeline.
HORIZON_MONTHS = {"quick_win": (0, 6), "next_step": (6, 18), "later": (18, 36)}
TOP_STEPS = 5


def build_report(
    session: Session,
    assessment: Assessment,
    lang: str = "de",
    today: dt.date | None = None,
    *,
    with_names: bool = False,
) -> Report:
    """Compute the results of the assessment and turn them into a Report in `lang`.

    `with_names` puts the names of the staff booked for trainings into the training plan (only
    for the municipality's own full edition); otherwise the plan shows counts.
    """
    from advisory.services.training import plan_counts

    results = compute_results(session, assessment, today)
    previous = None
    if assessment.previous_id is not None:
        earlier = session.get(Assessment, assessment.previous_id)
        # Levels of another questionnaire are not comparable with these.
        if earlier is not None and earlier.questionnaire_id == assessment.questionnaire_id:
            previous = compare_with_previous(
                earlier, compute_results(session, earlier, today), results, lang
            )
    municipality = assessment.municipality
    nearby = tuple(
        Neighbour(m.name, m.population) for m in neighbours(session, municipality, limit=12)
    )
    plan = {
        key: PlanNote(str(item.status), item.owner or "", item.due, item.notes or "")
        for key, item in plan_items(session, municipality.id).items()
    }
    place = Place(
        name=municipality.name,
        ags=municipality.ags,
        district=municipality.district_name,
        state=municipality.state_name,
        association=municipality.association_name,
        population=municipality.population,
        area_km2=municipality.area_km2,
    )
    status = Status(
        code=str(assessment.status),
        validated_by=assessment.validated_by.name if assessment.validated_by else None,
        validated_at=assessment.validated_at,
    )
    inputs = (
        place,
        status,
        lang,
        previous,
        nearby,
        peer_medians(session, municipality, synthetic=assessment.synthetic),
        plan,
        plan_counts(session, municipality.id, with_names=with_names),
        review_input(session, assessment),
        str(get_locale()) if has_request_context() else None,  # labels follow the locale
    )
    report = _kept_report((assessment.id, lang, with_names), results, inputs)
    inherited = inheritance(session, assessment, results.questionnaire)
    if inherited is None:
        return report
    with force_locale(lang):
        source = source_label(inherited.association)
    return replace(report, shared_source=source, shared_ids=frozenset(inherited.rows))


#: Reports kept per process, the newest per inventory, language and edition: building one from
#: its inputs is pure, so an equal set of inputs (and the very same cached results) gives an
#: equal report. Off when ADVISORY_FRAGMENT_CACHE is 0.
_reports = Kept(32)


def _kept_report(key: tuple, results: Results, inputs: tuple) -> Report:
    def build() -> Report:
        place, status, lang, previous, nearby, peers, plan, progress, review, _locale = inputs
        return report_from_results(
            results,
            place,
            status,
            lang,
            previous,
            nearby,
            peers=peers,
            plan=plan,
            training_progress=progress,
            review=review,
        )

    if not (has_app_context() and current_app.config.get("FRAGMENT_CACHE")):
        return build()
    kept = _reports.get(key)
    if kept is not None and kept[0] is results and kept[1] == inputs:
        return kept[2]
    report = build()
    _reports.put(key, (results, inputs, report))
    return report


def review_input(session: Session, assessment: Assessment) -> ReviewInput | None:
    """Collect what the advisor recorded (None when there is no review at all)."""
    from advisory.services.evidence import evidence_of
    from advisory.services.review import findings, record, reviews

    rows = reviews(session, assessment)
    evidence: dict[str, tuple[str, ...]] = {}
    for e in evidence_of(session, assessment):
        label = e.filename if e.kind == "file" else (e.url if e.kind == "link" else e.text)
        evidence[e.question_id] = (*evidence.get(e.question_id, ()), label or "")
    found = tuple((f.domain_id, f.kind, f.severity, f.text) for f in findings(session, assessment))
    visit = record(session, assessment)
    if not rows and not evidence and not found and visit is None:
        return None
    return ReviewInput(
        notes={qid: row.note for qid, row in rows.items() if row.note},
        reviewed=frozenset(qid for qid, row in rows.items() if row.status is not None),
        evidence=evidence,
        findings=found,
        summary=visit.summary if visit else None,
        visit_date=visit.visit_date if visit else None,
        visit_place=visit.visit_place if visit else None,
        participants=visit.participants if visit else None,
    )


def report_from_results(
    results: Results,
    place: Place,
    status: Status,
    lang: str = "de",
    previous: Previous | None = None,
    nearby: tuple[Neighbour, ...] = (),
    *,
    plan: dict[str, PlanNote] | None = None,
    training_progress: dict[str, tuple[int, int, tuple[str, ...]]] | None = None,
    review: ReviewInput | None = None,
    peers: PeerMedians | None = None,
) -> Report:
    """Turn computed results into a Report (pure: no database, no Flask).

    `plan` maps step keys to the municipality's action plan; the roadmap shows it.
    """
    plan = plan or {}
    q = results.questionnaire
    scores = results.scores
    rows = tuple(_domain_row(d, lang) for d in scores.domains)
    row_by_id = {r.id: r for r in rows}
    titles = {r.id: r.title for r in rows}
    steps = tuple(
        _step(r, i, titles, results, lang, plan.get(r.key))
        for i, r in enumerate(results.evaluation.recommendations, 1)
    )
    trainings = _with_progress(_trainings(steps, results, lang), training_progress or {})
    visible = visible_questions(q, results.answers, results.facts)
    lines = {
        question.id: _line(question, results.answers.get(question.id), lang)
        for question in q.all_questions()
        if question.id in visible or question.id in results.answers
    }
    if review is not None:
        lines = {qid: _reviewed_line(q, line, results, review, lang) for qid, line in lines.items()}
    sections = tuple(
        _section(
            domain,
            row_by_id[domain.id],
            lines,
            steps,
            trainings,
            results,
            lang,
            _finding_lines(review, titles),
        )
        for domain in q.domains
        if row_by_id[domain.id].applicable
    )
    ranked = sorted(
        (r for r in rows if r.applicable and r.score is not None),
        key=lambda r: (r.level or 0, r.score or 0.0),
        reverse=True,
    )
    strongest = tuple(ranked[:3])
    weakest = tuple(r for r in reversed(ranked) if r not in strongest)[:3]
    roadmap = tuple(
        (horizon, tuple(s for s in steps if s.horizon == horizon)) for horizon in HORIZONS
    )
    goals = q.find_question("profile.goals")
    requirements = results.catalogue.requirements
    return Report(
        lang=lang,
        generated_on=results.computed_on,
        place=place,
        status=status,
        questionnaire_title=q.title.get(lang),
        questionnaire_version=q.version,
        requirements_title=requirements.title.get(lang),
        requirements_version=requirements.version,
        requirements_valid_from=requirements.valid_from,
        overall_score=scores.score,
        overall_level=scores.level,
        answered=scores.coverage.answered,
        shown=scores.coverage.shown,
        dont_know=len(scores.dont_know),
        strongest=strongest,
        weakest=weakest,
        # The next steps start with what can be done now; within a horizon the rules' order holds.
        top_steps=tuple(sorted(steps, key=lambda s: HORIZONS.index(s.horizon))[:TOP_STEPS]),
        domains=rows,
        sections=sections,
        roadmap=roadmap,
        trainings=trainings,
        links=tuple(s for s in steps if s.kind == "link_domains"),
        cooperation=tuple(s for s in steps if s.kind == "cooperate"),
        neighbours=nearby,
        previous=previous,
        appendix=_appendix(q, row_by_id, lines, lang),
        goal_labels=tuple((o.id, o.label.get(lang)) for o in goals.options) if goals else (),
        chart_domains=tuple(
            ChartDomain(r.title, r.score, r.level, r.target, peers.level(r.id) if peers else None)
            for r in rows
            if r.applicable
        ),
        roadmap_bars=_roadmap_bars(steps, titles),
        attribution=ATTRIBUTION,
        review=_review_info(review, results, lines, titles, lang) if review else None,
        level_names=tuple((b.level, b.label.get(lang)) for b in q.scoring.bands if b.label)
        if q.scoring.labels
        else (),
        band_starts=tuple(b.from_ for b in q.scoring.bands),
        band_rows=_band_rows(q.scoring, lang),
        overall_rule=q.scoring.overall,
        cap_overall=q.scoring.cap_overall,
        peers=peers,
    )


def _band_rows(scoring, lang: str) -> tuple[tuple[int, str], ...]:
    """Return (level, "25 – 49") for each band of the questionnaire's scoring model."""
    step = 10**-scoring.precision
    rows = []
    for band, following in zip(scoring.bands, (*scoring.bands[1:], None), strict=True):
        upper = 100.0 if following is None else following.from_ - step
        text = f"{band.from_:.{scoring.precision}f} – {upper:.{scoring.precision}f}"
        rows.append((band.level, text.replace(".", ",") if lang == "de" else text))
    return tuple(rows)


def _domain_row(d: DomainScore, lang: str) -> DomainRow:
    return DomainRow(
        id=d.id,
        title=d.title.get(lang),
        applicable=d.applicable,
        not_applicable_reason=d.not_applicable_reason,
        score=d.score,
        raw_level=d.raw_level,
        level=d.level,
        cap_reason=d.capped_by.reason.get(lang) if d.capped_by else None,
        open_gates=tuple(g.reason.get(lang) for g in d.open_gates),
        answered=d.coverage.answered,
        shown=d.coverage.shown,
        dont_know=d.dont_know_count,
        target=d.target,
        gap=d.gap,
    )


def _step(
    r: Recommendation,
    index: int,
    titles: dict[str, str],
    results: Results,
    lang: str,
    note: PlanNote | None = None,
) -> Step:
    title = r.text.get(lang)
    if r.kind == "solution":
        title = results.catalogue.solution(r.target).name
    elif r.kind == "training":
        title = results.catalogue.training(r.target).title.get(lang)
    return Step(
        key=f"s{index}",
        rule_id=r.rule_id,
        kind=r.kind,
        title=title,
        text=r.text.get(lang),
        because=r.because.get(lang),
        domain_id=r.domain,
        domain_title=titles.get(r.domain, r.domain),
        horizon=r.horizon,
        goal=r.goal,
        trace=tuple(
            (e.question.get(lang) if e.question else e.name, e.shown.get(lang))
            for e in r.explanation.values
        ),
        target=r.target,
        plan_status=note.status if note else "open",
        plan_owner=note.owner if note else "",
        plan_due=note.due if note else None,
        plan_notes=note.notes if note else "",
    )


def _trainings(steps: tuple[Step, ...], results: Results, lang: str) -> tuple[TrainingInfo, ...]:
    from advisory.catalogue.labels import FORMATS, ROLES, label

    seen: dict[str, TrainingInfo] = {}
    by_rule = {r.rule_id + r.target: r for r in results.evaluation.recommendations}
    for step in steps:
        if step.kind != "training" or step.target in seen:
            continue
        training = results.catalogue.training(step.target)
        role = by_rule[step.rule_id + step.target].for_role
        seen[step.target] = TrainingInfo(
            id=training.id,
            title=training.title.get(lang),
            provider=training.provider,
            format=label(FORMATS, training.format),
            duration=training.duration.get(lang),
            cost=training.cost.get(lang),
            certificate=training.certificate,
            url=training.url,
            for_role=label(ROLES, role) if role else None,
            domain_title=step.domain_title,
            horizon=step.horizon,
        )
    return tuple(seen.values())


def _with_progress(
    trainings: tuple[TrainingInfo, ...], progress: dict[str, tuple[int, int, tuple[str, ...]]]
) -> tuple[TrainingInfo, ...]:
    """Add the places booked and completed per recommended training (training plan)."""
    result = []
    for t in trainings:
        if t.id in progress:
            assigned, completed, names = progress[t.id]
            t = replace(t, assigned=assigned, completed=completed, participants=names)
        result.append(t)
    return tuple(result)


def _solution(step: Step, results: Results, lang: str) -> SolutionInfo:
    from advisory.catalogue.labels import LISTING, STANDARDS, STATUSES, label, reason_text

    solution = results.catalogue.solution(step.target)
    requirements = results.catalogue.requirements
    listing = results.catalogue.listing_status(solution, results.computed_on)
    musts = []
    for requirement in requirements.requirements:
        if not requirement.is_must:
            continue
        entry = solution.review.status_of(requirement.id)
        musts.append(
            (
                f"{requirement.number}. {requirement.title.get(lang)}",
                label(STATUSES, entry.status if entry else "unknown"),
            )
        )
    return SolutionInfo(
        step=step,
        name=solution.name,
        summary=solution.summary.get(lang),
        listing=label(LISTING, listing.status),
        listing_reasons=tuple(reason_text(r, requirements, lang) for r in listing.reasons),
        requirements=tuple(musts),
        open_standards=tuple(label(STANDARDS, s) for s in solution.open_standards),
        licence=solution.licence,
        open_source=solution.open_source,
        reviewed_on=solution.review.reviewed_on,
    )


def _line(question: Question, answer: Answer | None, lang: str) -> AnswerLine:
    text = question.text.get(lang)
    if answer is None:
        return AnswerLine(question.id, text, describe(question, None, None, lang), "open", None)
    points = question_score(question, answer)
    return AnswerLine(
        question_id=question.id,
        question=text,
        answer=describe(question, str(answer.status), answer.value, lang),
        status=str(answer.status),
        points=round(points * 100) if points is not None else None,
        advice=_advice(question, answer, lang),
    )


def _advice(question: Question, answer: Answer, lang: str) -> tuple[str, ...]:
    """Return the advice texts the questionnaire attaches to the chosen options."""
    if answer.status is not AnswerStatus.ANSWERED:
        return ()
    value = answer.value
    chosen: list[object] = []
    if question.type == "yesno":
        chosen = ["yes" if value else "no"]
    elif question.type == "single":
        chosen = [value]
    elif question.type == "multiple" and isinstance(value, tuple | list):
        chosen = list(value)
    elif question.type == "matrix" and not question.is_checkbox_matrix and hasattr(value, "values"):
        chosen = list(dict.fromkeys(value.values()))
    texts = [
        option.advice.get(lang)
        for option in (question.option(str(c)) for c in chosen)
        if option is not None and option.advice is not None
    ]
    if question.type == "number" and isinstance(value, int | float):
        matched = [b for b in question.breaks if b.from_ <= value]
        if matched and matched[-1].advice is not None:
            texts.append(matched[-1].advice.get(lang))
    return tuple(dict.fromkeys(t for t in texts if t))


def _reviewed_line(q, line: AnswerLine, results: Results, review: ReviewInput, lang: str):
    """Add the advisor's review, note and evidence to an answer line."""
    qid = line.question_id
    changes: dict[str, object] = {
        "note": review.notes.get(qid),
        "evidence": review.evidence.get(qid, ()),
    }
    if qid in review.reviewed:
        own = (results.self_answers or results.answers).get(qid)
        effective = results.answers.get(qid)
        differs = (own.to_json() if own else None) != (effective.to_json() if effective else None)
        changes["review"] = "corrected" if differs else "confirmed"
        if differs:
            question = q.question(qid)
            changes["self_answer"] = describe(
                question, str(own.status) if own else None, own.value if own else None, lang
            )
    return replace(line, **changes)


def _review_info(
    review: ReviewInput, results: Results, lines: dict[str, AnswerLine], titles, lang: str
) -> ReviewInfo:
    own = results.self_scores or results.scores
    return ReviewInfo(
        summary=review.summary,
        visit_date=review.visit_date,
        visit_place=review.visit_place,
        participants=review.participants,
        findings=_finding_lines(review, titles),
        comparison=tuple(
            ScoreComparison(
                title=d.title.get(lang),
                self_score=own.domain(d.id).score,
                score=d.score,
                self_level=own.domain(d.id).level,
                level=d.level,
            )
            for d in results.scores.domains
            if d.applicable
        ),
        reviewed=sum(1 for line in lines.values() if line.review),
        corrected=sum(1 for line in lines.values() if line.review == "corrected"),
    )


def _finding_lines(review: ReviewInput | None, titles) -> tuple[FindingLine, ...]:
    if review is None:
        return ()
    return tuple(
        FindingLine(domain_id, titles.get(domain_id, domain_id), kind, severity, text)
        for domain_id, kind, severity, text in review.findings
    )


def _section(domain, row, lines, steps, trainings, results, lang, findings=()) -> DomainSection:
    own = [lines[q.id] for q in domain.questions if q.id in lines]
    scored = [line for line in own if line.points is not None]
    mine = [s for s in steps if s.domain_id == domain.id]
    return DomainSection(
        row=row,
        intro=domain.intro.get(lang),
        strengths=tuple(line for line in scored if line.points >= STRENGTH * 100),
        gaps=tuple(
            line
            for line in own
            if line.status in ("dont_know", "open")
            or (line.points is not None and line.points < STRENGTH * 100)
        ),
        steps=tuple(s for s in mine if s.kind not in ("solution", "training")),
        solutions=tuple(_solution(s, results, lang) for s in mine if s.kind == "solution"),
        trainings=tuple(
            t for t in trainings if any(s.target == t.id for s in mine if s.kind == "training")
        ),
        findings=tuple(f for f in findings if f.domain_id == domain.id),
    )


def _appendix(q, rows, lines, lang) -> tuple[AppendixSection, ...]:
    sections = [
        AppendixSection(
            "profile",
            q.profile.title.get(lang),
            None,
            tuple(lines[x.id] for x in q.profile.questions if x.id in lines),
        )
    ]
    for domain in q.domains:
        row = rows[domain.id]
        sections.append(
            AppendixSection(
                domain.id,
                row.title,
                None if row.applicable else (row.not_applicable_reason or ""),
                tuple(
                    lines[x.id]
                    for x in domain.questions
                    if x.id in lines and (row.applicable or lines[x.id].status != "open")
                ),
            )
        )
    return tuple(sections)


def _roadmap_bars(steps: tuple[Step, ...], titles: dict[str, str]) -> tuple[RoadmapBar, ...]:
    counts: dict[tuple[str, str], int] = {}
    for step in steps:
        counts[(step.domain_id, step.horizon)] = counts.get((step.domain_id, step.horizon), 0) + 1
    return tuple(
        RoadmapBar(titles.get(domain_id, domain_id), horizon, *HORIZON_MONTHS[horizon], count)
        for domain_id in titles
        for horizon in HORIZONS
        if (count := counts.get((domain_id, horizon)))
    )


def compare_with_previous(
    earlier: Assessment, before: Results, now: Results, lang: str
) -> Previous:
    changes = []
    for domain in now.scores.domains:
        try:
            old = before.scores.domain(domain.id)
        except ScoringError:
            old = None
        if not domain.applicable and (old is None or not old.applicable):
            continue
        old_score = old.score if old is not None and old.applicable else None
        changes.append(
            Change(
                title=domain.title.get(lang),
                previous_score=old_score,
                score=domain.score,
                delta=round(domain.score - old_score, 1)
                if domain.score is not None and old_score is not None
                else None,
                previous_level=old.level if old is not None and old.applicable else None,
                level=domain.level,
            )
        )
    return Previous(
        started_on=earlier.created_at.date(),
        questionnaire_version=earlier.questionnaire_version,
        overall_score=before.scores.score,
        overall_level=before.scores.level,
        changes=tuple(changes),
    )
