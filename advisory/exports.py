"""Data exports of an assessment: XLSX and CSV from the Report, and the versioned JSON format.

The JSON format (docs/export-format.md) holds what was answered and decided, never database ids,
user names or timestamps, so export → import → export gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.access import can_edit_answers
from advisory.content import questionnaire as pinned_questionnaire
from advisory.inputs import spreadsheet_cell
from advisory.models import (
    Answer as AnswerRow,
)
from advisory.models import (
    AnswerChange,
    AnswerReview,
    Assessment,
    AssessmentDomain,
    Evidence,
    Finding,
    Municipality,
    ReviewRecord,
    User,
    utcnow,
)
from advisory.reporting.data import Report
from advisory.services.assessments import (
    answer_rows,
    domain_states,
    new_assessment,
    open_assessment,
)
from advisory.services.evidence import evidence_of
from advisory.services.review import FINDING_KINDS, SEVERITIES, findings, record, reviews
from questionnaires import AnswerError, QuestionnaireError, validate_answer

FORMAT = "advisory-assessment"
FORMAT_VERSION = 2
#: Versions the import reads: 1 has no "review" part.
READABLE_VERSIONS = (1, 2)
# The published JSON Schema of the format (docs/export-format.md).
SCHEMA_FILE = Path(__file__).parent / "data" / "export-format.schema.json"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_DEPTH = 8


class AssessmentImportError(ValueError):
    """A file could not be imported; the message says what is wrong and where."""


# --- JSON -------------------------------------------------------------------------------------


def assessment_data(session: Session, assessment: Assessment) -> dict:
    """Return the assessment in the export format as plain data (no ids, no timestamps)."""
    domains = {
        domain_id: {
            "not_applicable": state.not_applicable,
            "reason": state.reason if state.not_applicable else None,
            "target_level": state.target_level,
        }
        for domain_id, state in sorted(domain_states(session, assessment).items())
        if state.not_applicable or state.target_level is not None
    }
    answers = {
        question_id: {
            "status": row.status,
            **({"value": row.value} if row.value is not None else {}),
        }
        for question_id, row in sorted(answer_rows(session, assessment).items())
    }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "municipality": {"ags": assessment.municipality.ags, "name": assessment.municipality.name},
        "questionnaire": {
            "id": assessment.questionnaire_id,
            "version": assessment.questionnaire_version,
        },
        "domains": domains,
        "answers": answers,
        **({"review": review} if (review := _review_data(session, assessment)) else {}),
    }


def _review_data(session: Session, assessment: Assessment) -> dict | None:
    """Return the advisor's review in the export format (None when there is none).

    Uploaded files are not part of the JSON; links and texts are.
    """
    answers = {
        question_id: {
            **({"status": row.status} if row.status is not None else {}),
            **({"value": row.value} if row.value is not None else {}),
            **({"note": row.note} if row.note else {}),
            **({"follow_up": True} if row.follow_up else {}),
        }
        for question_id, row in sorted(reviews(session, assessment).items())
    }
    evidence: dict[str, list] = {}
    for item in evidence_of(session, assessment):
        if item.kind == "link":
            evidence.setdefault(item.question_id, []).append({"url": item.url})
        elif item.kind == "text":
            evidence.setdefault(item.question_id, []).append({"text": item.text})
    found = [
        {"domain": f.domain_id, "kind": f.kind, "severity": f.severity, "text": f.text}
        for f in findings(session, assessment)
    ]
    visit = record(session, assessment)
    data = {
        "answers": answers,
        "evidence": dict(sorted(evidence.items())),
        "findings": found,
        "summary": visit.summary if visit else None,
        "visit": {
            "date": visit.visit_date.isoformat() if visit and visit.visit_date else None,
            "place": visit.visit_place if visit else None,
            "participants": visit.participants if visit else None,
        },
    }
    empty = not answers and not evidence and not found and visit is None
    return None if empty else data


def dumps(data: Mapping) -> bytes:
    """Serialise export data canonically: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def assessment_json(session: Session, assessment: Assessment) -> bytes:
    """Return the assessment as JSON bytes in the export format."""
    return dumps(assessment_data(session, assessment))


def import_assessment(
    session: Session, data: Mapping | bytes | str, user: User | None
) -> Assessment:
    """Create a new assessment from export data for the municipality named in it.

    Everything is checked before anything is stored. The municipality must have no assessment
    in progress (finish or validate it first); the newest earlier one becomes the previous
    assessment, so the report shows the changes.
    """
    data = _parsed(data)
    if not isinstance(data, Mapping):
        raise AssessmentImportError("the file must hold a JSON object")
    _check_schema(data)
    if data.get("format") != FORMAT:
        raise AssessmentImportError(f"'format' must be {FORMAT!r}")
    if data.get("format_version") not in READABLE_VERSIONS:
        raise AssessmentImportError(
            f"format_version {data.get('format_version')!r} is not supported (use {FORMAT_VERSION})"
        )
    ags = str((data.get("municipality") or {}).get("ags", ""))
    municipality = session.scalar(select(Municipality).where(Municipality.ags == ags))
    if municipality is None:
        raise AssessmentImportError(f"municipality.ags: no municipality with the key {ags!r}")
    meta = data.get("questionnaire") or {}
    try:
        q = pinned_questionnaire(str(meta.get("id")), str(meta.get("version")))
    except (QuestionnaireError, LookupError) as error:
        raise AssessmentImportError(f"questionnaire: {error}") from error
    if user is not None and not can_edit_answers(user, municipality):
        raise AssessmentImportError(
            f"--user: the account {user.email} may not edit inventories of {municipality.name}"
        )
    answers = _checked_answers(q, data.get("answers"))
    domains = _checked_domains(q, data.get("domains"))
    review = _checked_review(q, data.get("review"))
    if open_assessment(session, municipality) is not None:
        raise AssessmentImportError(
            f"{municipality.name} already has an inventory in progress; validate it first"
        )
    now = utcnow()
    assessment, _previous = new_assessment(session, municipality, q, user)
    assessment.revision = 1
    user_id = user.id if user is not None else None
    for question_id, answer in answers.items():
        session.add(
            AnswerRow(
                assessment_id=assessment.id,
                question_id=question_id,
                status=answer["status"],
                value=answer.get("value"),
                updated_by_id=user_id,
                updated_at=now,
            )
        )
        session.add(
            AnswerChange(
                assessment_id=assessment.id,
                question_id=question_id,
                revision=1,
                new_status=answer["status"],
                new_value=answer.get("value"),
                changed_by_id=user_id,
                changed_at=now,
            )
        )
    for domain_id, state in domains.items():
        session.add(
            AssessmentDomain(
                assessment_id=assessment.id,
                domain_id=domain_id,
                not_applicable=state["not_applicable"],
                reason=state["reason"],
                target_level=state["target_level"],
                updated_by_id=user_id,
                updated_at=now,
            )
        )
    if review is not None:
        _store_review(session, assessment, review, user_id, now)
    session.commit()
    return assessment


def _parsed(data: Mapping | bytes | str) -> object:
    """Parse the file within the size and nesting limits."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise AssessmentImportError(
                f"the file has {len(data):,} bytes; at most {MAX_IMPORT_BYTES:,} are accepted"
            )
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise AssessmentImportError(f"not a JSON file: {str(error)[:200]}") from None
    if _depth(data) > MAX_IMPORT_DEPTH:
        raise AssessmentImportError(f"the data is nested deeper than {MAX_IMPORT_DEPTH} levels")
    return data


def _depth(value: object) -> int:
    """Return how deeply lists and objects nest (without recursion, so any depth is safe)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            deepest = max(deepest, level)
            if level > MAX_IMPORT_DEPTH:
                break
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


@cache
def export_schema() -> dict:
    """Return the published JSON Schema of the export format."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _check_schema(data: Mapping) -> None:
    """Refuse data that does not follow the published schema; name the first wrong place."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(export_schema()).iter_errors(data))
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path) or "(the whole file)"
        raise AssessmentImportError(f"{where}: {error.message[:300]}")


def _checked_review(q, raw) -> dict | None:
    """Check the optional "review" part (format version 2) before anything is stored."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise AssessmentImportError("'review' must be an object")
    answers = {}
    for question_id, item in (raw.get("answers") or {}).items():
        question = q.find_question(question_id)
        if question is None or not isinstance(item, Mapping):
            raise AssessmentImportError(f"review.answers.{question_id}: no such question")
        value = None
        if "status" in item:
            try:
                value = validate_answer(question, item).to_json()
            except AnswerError as error:
                raise AssessmentImportError(
                    f"review.answers.{question_id}: {error.message('en')}"
                ) from error
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise AssessmentImportError(f"review.answers.{question_id}.note: text expected")
        answers[question_id] = (value, note, item.get("follow_up") is True)
    evidence = []
    for question_id, items in (raw.get("evidence") or {}).items():
        if q.find_question(question_id) is None or not isinstance(items, list):
            raise AssessmentImportError(f"review.evidence.{question_id}: no such question")
        for item in items:
            url, text = (item or {}).get("url"), (item or {}).get("text")
            if not (isinstance(url, str) and url.startswith(("http://", "https://"))) and not (
                isinstance(text, str) and text.strip()
            ):
                raise AssessmentImportError(
                    f"review.evidence.{question_id}: each item needs an http(s) url or a text"
                )
            evidence.append((question_id, url if isinstance(url, str) else None, text))
    known = {d.id for d in q.domains}
    found = []
    for index, item in enumerate(raw.get("findings") or []):
        if not isinstance(item, Mapping) or item.get("domain") not in known:
            raise AssessmentImportError(f"review.findings[{index}].domain: no such domain")
        if item.get("kind") not in FINDING_KINDS or item.get("severity") not in SEVERITIES:
            raise AssessmentImportError(f"review.findings[{index}]: unknown kind or severity")
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            raise AssessmentImportError(f"review.findings[{index}].text: text expected")
        found.append(item)
    visit = raw.get("visit") or {}
    try:
        visit_date = dt.date.fromisoformat(visit["date"]) if visit.get("date") else None
    except (TypeError, ValueError) as error:
        raise AssessmentImportError("review.visit.date: YYYY-MM-DD expected") from error
    return {
        "answers": answers,
        "evidence": evidence,
        "findings": found,
        "summary": raw.get("summary") if isinstance(raw.get("summary"), str) else None,
        "visit_date": visit_date,
        "visit_place": visit.get("place") if isinstance(visit.get("place"), str) else None,
        "participants": visit.get("participants")
        if isinstance(visit.get("participants"), str)
        else None,
        "has_record": bool(raw.get("summary") or any(visit.values())),
    }


def _store_review(session: Session, assessment: Assessment, review: dict, user_id, now) -> None:
    for question_id, (value, note, follow_up) in review["answers"].items():
        session.add(
            AnswerReview(
                assessment_id=assessment.id,
                question_id=question_id,
                status=value["status"] if value else None,
                value=value.get("value") if value else None,
                note=note,
                follow_up=follow_up,
                updated_by_id=user_id,
                updated_at=now,
            )
        )
    for question_id, url, text in review["evidence"]:
        session.add(
            Evidence(
                assessment_id=assessment.id,
                question_id=question_id,
                kind="link" if url else "text",
                url=url,
                text=None if url else text,
                created_by_id=user_id,
            )
        )
    for item in review["findings"]:
        session.add(
            Finding(
                assessment_id=assessment.id,
                domain_id=item["domain"],
                kind=item["kind"],
                severity=item["severity"],
                text=item["text"],
                created_by_id=user_id,
            )
        )
    if review["has_record"]:
        session.add(
            ReviewRecord(
                assessment_id=assessment.id,
                summary=review["summary"],
                visit_date=review["visit_date"],
                visit_place=review["visit_place"],
                participants=review["participants"],
                updated_by_id=user_id,
                updated_at=now,
            )
        )


def _checked_answers(q, raw) -> dict[str, dict]:
    if not isinstance(raw, Mapping):
        raise AssessmentImportError("'answers' must be an object of question id → answer")
    checked = {}
    for question_id, answer in raw.items():
        question = q.find_question(question_id)
        if question is None:
            raise AssessmentImportError(f"answers.{question_id}: no such question in {q.version}")
        try:
            checked[question_id] = validate_answer(question, answer).to_json()
        except AnswerError as error:
            raise AssessmentImportError(f"answers.{question_id}: {error.message('en')}") from error
    return checked


def _checked_domains(q, raw) -> dict[str, dict]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise AssessmentImportError("'domains' must be an object of domain id → settings")
    known = {d.id: d for d in q.domains}
    checked = {}
    for domain_id, state in raw.items():
        domain = known.get(domain_id)
        if domain is None or not isinstance(state, Mapping):
            raise AssessmentImportError(f"domains.{domain_id}: no such domain")
        not_applicable = state.get("not_applicable") is True
        reason = state.get("reason")
        target = state.get("target_level")
        if not_applicable and not (
            domain.allow_not_applicable and isinstance(reason, str) and reason.strip()
        ):
            raise AssessmentImportError(
                f"domains.{domain_id}: may not be marked not applicable without a reason"
            )
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= 5
        ):
            raise AssessmentImportError(f"domains.{domain_id}.target_level: 1 to 5 or null")
        checked[domain_id] = {
            "not_applicable": not_applicable,
            "reason": reason.strip() if not_applicable else None,
            "target_level": target,
        }
    return checked


# --- XLSX and CSV -----------------------------------------------------------------------------


def _answer_table(report: Report) -> tuple[list[str], list[list]]:
    header = [
        _("Section"),
        _("Question id"),
        _("Question"),
        _("Status"),
        _("Answer"),
        _("Points"),
        _("Self-assessed answer"),
        _("Reviewed answer"),
        _("Review"),
        _("Note"),
        _("Evidence"),
    ]
    # "Answer" is the value that counts (the reviewed one where there is one); the last
    # columns keep the self-assessed and the reviewed value side by side.
    rows = [
        [
            section.title,
            line.question_id,
            line.question,
            line.status,
            line.answer,
            line.points,
            line.self_answer or line.answer,
            line.answer if line.review else None,
            _review_word(line.review),
            line.note,
            "; ".join(line.evidence) or None,
        ]
        for section in report.appendix
        for line in section.lines
        if line.status != "open"
    ]
    return header, rows


def _review_word(review: str | None) -> str | None:
    if review == "corrected":
        return _("corrected")
    if review == "confirmed":
        return _("confirmed")
    return None


def answers_csv(report: Report) -> bytes:
    """Return one CSV row per stored answer (UTF-8 with BOM, so that spreadsheets detect it)."""
    with force_locale(report.lang):
        header, rows = _answer_table(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(str(h)) for h in header])
    writer.writerows(["" if v is None else spreadsheet_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: Report) -> bytes:
    """Return a workbook with the sheets answers, scores and action plan."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with force_locale(report.lang):
        from advisory.wording import horizon_label, kind_label, plan_status_label
        from advisory.wording import level_label as default_level_label

        level_label = report.level_label if report.level_names else default_level_label
        workbook = Workbook()
        answers = workbook.active
        answers.title = _("Answers")
        header, rows = _answer_table(report)
        _fill(answers, header, rows)

        scores = workbook.create_sheet(_("Scores"))
        _fill(
            scores,
            [
                _("Domain"),
                _("Applicable"),
                _("Score"),
                _("Level by score"),
                _("Level"),
                _("Capped because"),
                _("Answered"),
                _("Shown"),
                _("Don't know"),
                _("Target"),
                _("Gap"),
            ],
            [
                [
                    d.title,
                    _("yes") if d.applicable else _("no"),
                    d.score,
                    level_label(d.raw_level, ""),
                    level_label(d.level, ""),
                    d.cap_reason or (d.not_applicable_reason or ""),
                    d.answered,
                    d.shown,
                    d.dont_know,
                    d.target,
                    d.gap,
                ]
                for d in report.domains
            ],
        )
        plan = workbook.create_sheet(_("Action plan"))
        _fill(
            plan,
            [
                _("When"),
                _("Kind"),
                _("Domain"),
                _("Step"),
                _("Why"),
                _("Serves the goal"),
                _("Status"),
                _("Owner (person or unit)"),
                _("Due date"),
                _("Notes"),
            ],
            [
                [
                    horizon_label(horizon),
                    kind_label(s.kind),
                    s.domain_title,
                    s.title,
                    s.because,
                    report.goal_label(s.goal),
                    plan_status_label(s.plan_status),
                    s.plan_owner,
                    s.plan_due,
                    s.plan_notes,
                ]
                for horizon, steps in report.roadmap
                for s in steps
            ],
        )
        if report.review is not None:
            from advisory.wording import finding_kind_label, severity_label

            review = workbook.create_sheet(_("Review"))
            _fill(
                review,
                [_("Domain"), _("Kind"), _("Severity"), _("Finding")],
                [
                    [f.domain_title, finding_kind_label(f.kind), severity_label(f.severity), f.text]
                    for f in report.review.findings
                ]
                + [[_("Advisor's summary"), None, None, report.review.summary]],
            )
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, 1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, header: list, rows: list[list]) -> None:
    """Append header and rows; text never becomes a formula and never breaks the file."""
    sheet.append([spreadsheet_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([spreadsheet_cell(value) for value in row])
