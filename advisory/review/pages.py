"""What the review pages show, prepared as plain data so that templates only loop."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from advisory.access import can_review
from advisory.assessments.answer_forms import QuestionState, describe
from advisory.content import questionnaire as pinned_questionnaire
from advisory.models import AnswerReview, Assessment, AssessmentStatus, User, utcnow
from advisory.services import evidence as evidence_service
from advisory.services import lifecycle
from advisory.services import review as service
from advisory.services.assessments import answer_rows, municipality_facts
from advisory.services.results import Results, compute_results
from advisory.wording import level_labeller
from questionnaires import Question, Questionnaire, visible_questions

PROFILE = "profile"


@dataclass
class _Prefill:
    """A stand-in row for the answer widgets: the reviewed value, else the self-assessed one."""

    status: str | None
    value: object
    revision: int
    updated_by: object = None
    updated_at: object = None


@dataclass(frozen=True)
class EvidenceLine:
    id: int
    kind: str
    label: str
    url: str | None


@dataclass(frozen=True)
class ReviewItem:
    """One question in review mode."""

    question: Question
    state: QuestionState
    self_text: str
    self_status: str | None
    carried_over: bool
    reviewed_text: str | None
    differs: bool
    note: str
    follow_up: bool
    reviewed_by: str | None
    evidence: tuple[EvidenceLine, ...] = field(default_factory=tuple)


def _titles(q: Questionnaire, lang: str) -> dict[str, str]:
    return {PROFILE: q.profile.title.get(lang), **{d.id: d.title.get(lang) for d in q.domains}}


def _sections(q: Questionnaire):
    return [(PROFILE, q.profile.questions)] + [(d.id, d.questions) for d in q.domains]


def evidence_lines(evidence, question_id: str) -> tuple[EvidenceLine, ...]:
    return tuple(
        EvidenceLine(
            e.id,
            e.kind,
            e.filename if e.kind == "file" else (e.url if e.kind == "link" else e.text) or "",
            e.url,
        )
        for e in evidence
        if e.question_id == question_id
    )


def section_page(
    session: Session, assessment: Assessment, section_id: str, user: User, lang: str
) -> dict | None:
    """Return the data of the review page of one section (None: no such section)."""
    q = pinned_questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    order = [s for s, _ in _sections(q)]
    if section_id not in order:
        return None
    questions = dict(_sections(q))[section_id]
    rows = answer_rows(session, assessment)
    reviewed = service.reviews(session, assessment)
    evidence = evidence_service.evidence_of(session, assessment)
    answers = {qid: _answer(row) for qid, row in rows.items()}
    visible = visible_questions(q, answers, municipality_facts(assessment.municipality))
    items = []
    for question in questions:
        if question.id not in visible and question.id not in rows:
            continue
        row = rows.get(question.id)
        review = reviewed.get(question.id)
        items.append(_item(question, row, review, evidence, lang))
    index = order.index(section_id)
    return {
        "assessment": assessment,
        "questionnaire": q,
        "section_id": section_id,
        "section_title": _titles(q, lang)[section_id],
        "items": items,
        "findings": [f for f in service.findings(session, assessment) if f.domain_id == section_id],
        "is_domain": section_id != PROFILE,
        "may_review": lifecycle.may_review(user, assessment),
        "previous_section": order[index - 1] if index > 0 else None,
        "next_section": order[index + 1] if index + 1 < len(order) else None,
        "titles": _titles(q, lang),
        "kinds": service.FINDING_KINDS,
        "severities": service.SEVERITIES,
        "lang": lang,
    }


def _answer(row):
    from advisory.services.assessments import as_answer

    return as_answer(row)


def _item(question, row, review: AnswerReview | None, evidence, lang: str) -> ReviewItem:
    self_status = row.status if row else None
    self_value = row.value if row else None
    has_value = review is not None and review.status is not None
    prefill = _Prefill(
        review.status if has_value else self_status,
        review.value if has_value else self_value,
        review.revision if review else 0,
    )
    differs = has_value and (review.status, review.value) != (self_status, self_value)
    return ReviewItem(
        question=question,
        state=QuestionState(question, prefill, None, lang)
        if prefill.status
        else _empty_state(question, prefill.revision, lang),
        self_text=describe(question, self_status, self_value, lang),
        self_status=self_status,
        carried_over=bool(row and row.carried_over),
        reviewed_text=describe(question, review.status, review.value, lang) if has_value else None,
        differs=differs,
        note=(review.note or "") if review else "",
        follow_up=bool(review and review.follow_up),
        reviewed_by=review.updated_by.name if review and review.updated_by else None,
        evidence=evidence_lines(evidence, question.id),
    )


def _empty_state(question, revision: int, lang: str) -> QuestionState:
    state = QuestionState(question, None, None, lang)
    state.revision = revision
    return state


def review_conflict(question: Question, row: AnswerReview | None, lang: str) -> dict:
    """Describe the review someone else saved meanwhile (for the 409 answer)."""
    return {
        "revision": row.revision if row else 0,
        "theirs": describe(question, row.status if row else None, row.value if row else None, lang),
        "by": row.updated_by.name if row and row.updated_by else None,
        "answer": {"status": row.status, "value": row.value} if row and row.status else None,
    }


def overview_page(session: Session, assessment: Assessment, user: User, lang: str) -> dict:
    """Return the data of the review overview: status, steps, sections, scores, follow-ups."""
    q = pinned_questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    titles = _titles(q, lang)
    rows = answer_rows(session, assessment)
    reviewed = service.reviews(session, assessment)
    findings = service.findings(session, assessment)
    sections = []
    for section_id, questions in _sections(q):
        ids = [x.id for x in questions if x.id in rows]
        sections.append(
            {
                "id": section_id,
                "title": titles[section_id],
                "answered": len(ids),
                "reviewed": sum(1 for i in ids if i in reviewed and reviewed[i].status is not None),
                "findings": sum(1 for f in findings if f.domain_id == section_id),
            }
        )
    follow_ups = [
        {
            "section_id": PROFILE if question.is_profile else question.domain,
            "anchor": "r-" + question.id.replace(".", "-"),
            "text": question.text.get(lang),
            "note": review.note or "",
        }
        for question in q.all_questions()
        if (review := reviewed.get(question.id)) is not None and review.follow_up
    ]
    return {
        "assessment": assessment,
        "questionnaire": q,
        "sections": sections,
        "comparison": score_comparison(session, assessment, lang),
        "follow_ups": follow_ups,
        "history": lifecycle.status_history(session, assessment),
        "steps": [s for s in lifecycle.allowed(user, assessment) if s != "submit"],
        "may_review": lifecycle.may_review(user, assessment),
        "record": (record := service.record(session, assessment)),
        "record_revision": service.record_revision(record),
        "domains": [(d.id, titles[d.id]) for d in q.domains],
        "lang": lang,
        "level_label": level_labeller(q.scoring, lang),
    }


def score_comparison(session: Session, assessment: Assessment, lang: str) -> list[dict]:
    """Return per domain the self-assessed and the reviewed score and level."""
    return comparison_of(compute_results(session, assessment), lang)


def comparison_of(results: Results, lang: str) -> list[dict]:
    """Return per domain the self-assessed and the reviewed score and level of computed results."""
    own = results.self_scores or results.scores
    rows = []
    for domain in results.scores.domains:
        before = own.domain(domain.id)
        rows.append(
            {
                "title": domain.title.get(lang),
                "applicable": domain.applicable,
                "self_score": before.score,
                "self_level": before.level,
                "score": domain.score,
                "level": domain.level,
                "differs": before.score != domain.score,
            }
        )
    return rows


def status_box(session: Session, assessment: Assessment, user: User, lang: str) -> dict:
    """Return what the municipality sees of the review on its overview page."""
    q = pinned_questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    titles = _titles(q, lang)
    history = lifecycle.status_history(session, assessment)
    reviewed = service.reviews(session, assessment)
    notes = [
        {
            "text": question.text.get(lang),
            "section_id": PROFILE if question.is_profile else question.domain,
            "anchor": "q-" + question.id.replace(".", "-"),
            "reviewed": describe(question, review.status, review.value, lang)
            if review.status
            else None,
            "note": review.note or "",
        }
        for question in q.all_questions()
        if (review := reviewed.get(question.id)) is not None and (review.note or review.status)
    ]
    return {
        "status": str(assessment.status),
        "last": history[0] if history else None,
        "findings": [
            {"domain": titles.get(f.domain_id, f.domain_id), "finding": f}
            for f in service.findings(session, assessment)
        ],
        "notes": notes,
        "may_submit": "submit" in lifecycle.allowed(user, assessment),
        "may_review": can_review(user, assessment.municipality),
        "locked": AssessmentStatus(assessment.status) not in lifecycle.EDITABLE,
    }


def submit_page(
    session: Session, assessment: Assessment, q: Questionnaire, user: User, lang: str
) -> dict:
    """Return what is still open before submitting, and whether the user may submit."""
    titles = _titles(q, lang)
    items = service.open_items(session, assessment, q)
    return {
        "assessment": assessment,
        "questionnaire": q,
        "open": [i for i in items if i.status == "open"],
        "dont_know": [i for i in items if i.status == "dont_know"],
        "titles": titles,
        "may_submit": "submit" in lifecycle.allowed(user, assessment),
        "lang": lang,
    }


# --- Interview guide --------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideQuestion:
    text: str
    answer: str
    status: str  # open | dont_know | answered | not_applicable
    hint: str | None


@dataclass(frozen=True)
class GuideDomain:
    title: str
    questions: tuple[GuideQuestion, ...]


@dataclass(frozen=True)
class Guide:
    """The printable interview guide: chosen domains, open and "don't know" questions first."""

    lang: str
    municipality: str
    ags: str
    date: object
    status: str
    domains: tuple[GuideDomain, ...]


def build_guide(session: Session, assessment: Assessment, chosen: list[str], lang: str) -> Guide:
    """Return the interview guide for the chosen domains (all domains when none is chosen)."""
    q = pinned_questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    rows = answer_rows(session, assessment)
    answers = {qid: _answer(row) for qid, row in rows.items()}
    visible = visible_questions(q, answers, municipality_facts(assessment.municipality))
    domains = [d for d in q.domains if not chosen or d.id in chosen]
    guide_domains = []
    for domain in domains:
        shown = tuple(x for x in domain.questions if x.id in visible or x.id in rows)
        ordered = service.interview_order(shown, answers)
        guide_domains.append(
            GuideDomain(
                domain.title.get(lang),
                tuple(
                    GuideQuestion(
                        text=x.text.get(lang),
                        answer=describe(
                            x,
                            rows[x.id].status if x.id in rows else None,
                            rows[x.id].value if x.id in rows else None,
                            lang,
                        ),
                        status=rows[x.id].status if x.id in rows else "open",
                        hint=x.evidence_hint.get(lang) if x.evidence_hint else None,
                    )
                    for x in ordered
                ),
            )
        )
    return Guide(
        lang=lang,
        municipality=assessment.municipality.name,
        ags=assessment.municipality.ags,
        date=utcnow().date(),
        status=str(assessment.status),
        domains=tuple(guide_domains),
    )


def guide_pdf(session: Session, assessment: Assessment, chosen: list[str], lang: str) -> bytes:
    """Render the interview guide as a tagged PDF with WeasyPrint (the report's stylesheet)."""
    from weasyprint import HTML

    from advisory.reporting.render import STYLESHEET, _stylesheet

    guide = build_guide(session, assessment, chosen, lang)
    with force_locale(lang):
        html = render_template("review/guide.html", guide=guide)
    return HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[_stylesheet()], pdf_variant="pdf/ua-1"
    )


def results_extras(session: Session, assessment: Assessment, results: Results, lang: str) -> dict:
    """Return what the results page adds: reviewed vs self-assessed, change since last time."""
    from advisory.reporting.build import compare_with_previous

    changes = None
    if assessment.previous_id is not None:
        earlier = session.get(Assessment, assessment.previous_id)
        # Levels of another questionnaire are not comparable with these.
        if earlier is not None and earlier.questionnaire_id == assessment.questionnaire_id:
            changes = compare_with_previous(
                earlier, compute_results(session, earlier), results, lang
            )
    return {
        "comparison": comparison_of(results, lang) if results.self_scores else None,
        "changes": changes,
    }
