"""PDF reports as background jobs: request, progress, download, cache and clean-up.

Plain functions without Flask request objects (the web pages and the API call the same ones):

- `request_report` finds or creates the job for everything that shapes the PDF (the key) and
  puts a new job on the queue; an unchanged report is served from its finished job at once.
- `job_status` / `report_file` tell a user how far a job is and hand out the finished PDF.
- `run_job` is what the worker does: claim the job atomically (never twice at once), render
  step by step (data, charts, layout) and store the PDF, or record why it failed.

The web process never renders a PDF: it only builds the report data to compute the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from advisory.access import can_view
from advisory.models import Assessment, ReportJob, ReportJobStatus, User, utcnow

log = logging.getLogger(__name__)

EDITIONS = ("full", "short")
LANGUAGES = ("de", "en")
#: What the worker does, in order; the page shows "step x of y" with these words.
STEPS = ("data", "charts", "layout")
#: A job that made no progress for this long counts as lost (its worker died) and is requeued.
STALE_AFTER = dt.timedelta(minutes=10)
#: Finished jobs are kept this long at most; older ones (and superseded ones) are deleted.
KEEP_FOR = dt.timedelta(days=7)
#: Bump when the PDF's templates or layout change, so that cached PDFs are not reused.
LAYOUT_VERSION = "2026-12-03"


class ReportJobError(ValueError):
    """The request cannot become a report (unknown edition or language)."""


class JobNotFound(LookupError):
    """No such job, or the user may not see it."""


@dataclasses.dataclass(frozen=True)
class JobView:
    """What a page or the API shows about one job."""

    id: int
    assessment_id: int
    edition: str
    lang: str
    status: str
    step: int
    steps: int
    step_key: str | None
    attempts: int
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    filename: str

    @property
    def ready(self) -> bool:
        return self.status == ReportJobStatus.READY

    @property
    def finished(self) -> bool:
        return self.status in (ReportJobStatus.READY, ReportJobStatus.FAILED)


def request_report(
    session: Session,
    user: User,
    assessment: Assessment,
    *,
    edition: str = "full",
    language: str = "de",
    today: dt.date | None = None,
) -> ReportJob:
    """Return the job for this report, creating and enqueueing it when there is none.

    A finished job with the same key is returned as it is (served at once); a failed or lost
    one is queued again. Raises JobNotFound when the user may not see the inventory and
    ReportJobError for an unknown edition or language.
    """
    if not can_view(user, assessment.municipality):
        raise JobNotFound(assessment.id)
    if edition not in EDITIONS:
        raise ReportJobError(f"unknown edition {edition!r}; use one of {', '.join(EDITIONS)}")
    if language not in LANGUAGES:
        raise ReportJobError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return queue_report(
        session, assessment, edition, language, _own(user, assessment), user.id, today
    )


def queue_report(
    session: Session,
    assessment: Assessment,
    edition: str,
    language: str,
    with_names: bool = False,
    requested_by_id: int | None = None,
    today: dt.date | None = None,
) -> ReportJob:
    """Find or create (and enqueue) the job without access checks (`advisory report-job`)."""
    key = report_key(session, assessment, edition, language, with_names, today)
    job = session.scalar(select(ReportJob).where(ReportJob.key == key))
    if job is None:
        job = ReportJob(
            key=key,
            assessment_id=assessment.id,
            requested_by_id=requested_by_id,
            edition=edition,
            lang=language,
            with_names=with_names,
            revision=assessment.revision,
            status=ReportJobStatus.QUEUED,
            steps=len(STEPS),
        )
        session.add(job)
        try:
            session.commit()
        except IntegrityError:  # someone asked for the same report a moment earlier
            session.rollback()
            return session.scalars(select(ReportJob).where(ReportJob.key == key)).one()
        _enqueue(session, job)
    elif _needs_another_run(job):
        requeued = session.execute(
            update(ReportJob)
            .where(ReportJob.id == job.id, ReportJob.status == job.status)
            .where(ReportJob.updated_at == job.updated_at)
            .values(status=ReportJobStatus.QUEUED, step=0, attempts=0, updated_at=utcnow())
        ).rowcount
        session.commit()
        if requeued:
            _enqueue(session, job)
        session.refresh(job)
    return job


def job_status(session: Session, user: User, job_id: int, assessment_id: int | None = None):
    """Return the JobView of a job the user may see; raise JobNotFound otherwise."""
    return _view(session, _visible_job(session, user, job_id, assessment_id))


def report_file(
    session: Session, user: User, job_id: int, assessment_id: int | None = None
) -> tuple[bytes, str] | None:
    """Return (PDF bytes, file name) of a finished job, or None while it is not ready."""
    job = _visible_job(session, user, job_id, assessment_id)
    if job.status != ReportJobStatus.READY or job.pdf is None:
        return None
    return job.pdf, _view(session, job).filename


def latest_jobs(session: Session, user: User, assessment: Assessment) -> list[JobView]:
    """Return the user's visible jobs of this inventory, newest first (for the report page)."""
    if not can_view(user, assessment.municipality):
        return []
    jobs = session.scalars(
        select(ReportJob)
        .where(ReportJob.assessment_id == assessment.id)
        .where(ReportJob.with_names.is_(_own(user, assessment)))
        .order_by(ReportJob.id.desc())
        .limit(10)
    )
    return [_view(session, job) for job in jobs]


def report_key(
    session: Session,
    assessment: Assessment,
    edition: str,
    language: str,
    with_names: bool,
    today: dt.date | None = None,
) -> str:
    """Return the cache key: the inventory's revision plus a fingerprint of the report data.

    The revision covers the answers; the fingerprint covers what else the PDF shows (targets,
    action plan, training plan, the advisor's review, the date, content versions).
    """
    from advisory.reporting import build_report

    report = build_report(session, assessment, language, today, with_names=with_names)
    data = json.dumps(dataclasses.asdict(report), sort_keys=True, default=_plain)
    parts = (LAYOUT_VERSION, assessment.id, assessment.revision, edition, language, with_names)
    text = "|".join(str(p) for p in parts) + "|" + data
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_job(session: Session, job_id: int, *, final_attempt: bool = True) -> bool:
    """Render one job (the worker's task); return whether this call rendered it.

    Claims the job with one UPDATE … WHERE status = 'queued', so that two workers never render
    the same job. On an error the job goes back to the queue unless this was the final attempt
    (then it is marked failed with the reason) and the error is raised for the queue to retry.
    """
    from advisory.reporting import build_report, chart_images, html_to_pdf, render_document

    claimed = session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.status == ReportJobStatus.QUEUED)
        .values(
            status=ReportJobStatus.RUNNING,
            attempts=ReportJob.attempts + 1,
            step=0,
            steps=len(STEPS),
            updated_at=utcnow(),
        )
    ).rowcount
    session.commit()
    if not claimed:
        return False
    job = session.get(ReportJob, job_id)
    assessment = session.get(Assessment, job.assessment_id)
    try:
        _progress(session, job, 1)
        report = build_report(session, assessment, job.lang, with_names=job.with_names)
        _progress(session, job, 2)
        images = chart_images(report)
        _progress(session, job, 3)
        html = render_document(report, images, edition=job.edition)
        pdf = html_to_pdf(html, report)
    except Exception as error:
        session.rollback()
        log.exception("report job %s failed (attempt %s)", job_id, job.attempts)
        job.status = ReportJobStatus.FAILED if final_attempt else ReportJobStatus.QUEUED
        job.error = f"{type(error).__name__}: {error}"[:1000]
        job.updated_at = utcnow()
        if final_attempt:
            job.finished_at = utcnow()
        session.commit()
        if not final_attempt:
            raise
        return False
    job.pdf = pdf
    job.status = ReportJobStatus.READY
    job.error = None
    job.finished_at = job.updated_at = utcnow()
    session.commit()
    clean_up(session, job)
    return True


def clean_up(session: Session, keep: ReportJob | None = None, now: dt.datetime | None = None):
    """Delete superseded finished jobs of the same edition and every one older than KEEP_FOR."""
    now = now or utcnow()
    finished = ReportJob.status.in_((ReportJobStatus.READY, ReportJobStatus.FAILED))
    stale = [ReportJob.updated_at < now - KEEP_FOR]
    if keep is not None:
        stale.append(
            (ReportJob.assessment_id == keep.assessment_id)
            & (ReportJob.edition == keep.edition)
            & (ReportJob.lang == keep.lang)
            & (ReportJob.with_names == keep.with_names)
            & (ReportJob.id != keep.id)
        )
    removed = session.execute(delete(ReportJob).where(finished, or_(*stale))).rowcount
    session.commit()
    return removed


def _enqueue(session: Session, job: ReportJob) -> None:
    from advisory.queue import queue

    queue().enqueue_report(job.id)
    # In immediate mode the job ran in its own session meanwhile: show its outcome.
    session.refresh(job)


def _needs_another_run(job: ReportJob) -> bool:
    if job.status == ReportJobStatus.FAILED:
        return True
    if job.status in (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING):
        return job.updated_at < utcnow() - STALE_AFTER
    return False


def _progress(session: Session, job: ReportJob, step: int) -> None:
    job.step = step
    job.updated_at = utcnow()
    session.commit()


def _visible_job(session: Session, user: User, job_id: int, assessment_id: int | None) -> ReportJob:
    job = session.get(ReportJob, job_id)
    if job is None or (assessment_id is not None and job.assessment_id != assessment_id):
        raise JobNotFound(job_id)
    assessment = session.get(Assessment, job.assessment_id)
    if not can_view(user, assessment.municipality):
        raise JobNotFound(job_id)
    if job.with_names and not _own(user, assessment):
        raise JobNotFound(job_id)
    return job


def _view(session: Session, job: ReportJob) -> JobView:
    from advisory.reporting import download_name

    assessment = session.get(Assessment, job.assessment_id)
    name = download_name(assessment, "pdf", job.lang)
    if job.edition == "short":
        name = name.replace("bericht-", "kurzbericht-").replace("report-", "short-report-")
    step_key = STEPS[job.step - 1] if 0 < job.step <= len(STEPS) else None
    return JobView(
        id=job.id,
        assessment_id=job.assessment_id,
        edition=job.edition,
        lang=job.lang,
        status=str(job.status),
        step=job.step,
        steps=job.steps or len(STEPS),
        step_key=step_key,
        attempts=job.attempts,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
        filename=name,
    )


def _own(user: User, assessment: Assessment) -> bool:
    return user.municipality_id == assessment.municipality_id


def _plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
