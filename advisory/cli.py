"""Command line: `advisory --help`. Each command is a thin wrapper around a plain function."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, NoAppException, with_appcontext

from advisory.directory import SHIPPED_FILE, DirectoryError
from advisory.extensions import db
from advisory.models import Role


def main() -> None:
    """Run the `advisory` command group.

    The commands are attached to the group itself, so `advisory --help` lists all of them even
    where the app cannot start (no ADVISORY_SECRET_KEY); a command that needs the app then says
    what is missing instead of printing a traceback.
    """
    cli = FlaskGroup(create_app=_create_app, help="Smart City Advisory command line.")
    for command in _commands():
        cli.add_command(command)
    cli.main(prog_name="advisory")


def _create_app() -> Flask:
    from advisory import create_app
    from advisory.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise NoAppException(str(error)) from None


def register_commands(app: Flask) -> None:
    """Attach the project's commands to the app's CLI."""
    for command in _commands():
        app.cli.add_command(command)


def _commands() -> tuple[click.Command, ...]:
    return (
        import_municipalities,
        create_user,
        reset_password,
        unlock_user,
        end_sessions,
        seed_demo,
        check_content,
        score_command,
        report_command,
        worker_command,
        report_job_command,
        import_command,
        refresh_summaries_command,
        seed_synthetic_command,
        db_group,
    )


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: all)."""
    from advisory.database import current_revision, upgrade

    upgrade(db.engine, revision)
    click.echo(f"Database at revision {current_revision(db.engine)}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Generate a migration from the models (developers)."""
    from advisory.database import make_revision

    make_revision(db.engine, message)


@click.command("import-municipalities")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@with_appcontext
def import_municipalities(file: Path | None) -> None:
    """Load the municipality directory (shipped file, or a Destatis GV-Auszug CSV)."""
    from advisory.services.municipalities import import_municipalities as run_import

    started = time.perf_counter()
    try:
        counts = run_import(db.session, file or SHIPPED_FILE)
    except DirectoryError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Municipalities: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged; associations: {counts['associations']} added or "
        f"updated ({time.perf_counter() - started:.1f} s)."
    )


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--municipality", help="AGS of the municipality (municipal roles).")
@click.option("--association", help="9-digit key or name of the association (association roles).")
@click.option(
    "--scope", "scopes", default="", help="Portfolio keys, e.g. '09 08115' (advisor, trainer)."
)
@click.password_option(help="At least 12 characters; prompted for when not given.")
@with_appcontext
def create_user(email, name, role, municipality, association, scopes, password) -> None:
    """Create an account."""
    from advisory.services.accounts import AccountError, parse_scopes
    from advisory.services.accounts import create_user as run_create
    from advisory.services.associations import resolve_association
    from advisory.services.municipalities import resolve_municipality
    from advisory.wording import account_error_text

    try:
        place = resolve_municipality(db.session, municipality) if municipality else None
        shared = resolve_association(db.session, association) if association else None
        run_create(
            db.session,
            email=email,
            name=name,
            password=password,
            role=Role(role),
            municipality=place,
            scopes=parse_scopes(scopes),
            association=shared,
        )
    except AccountError as error:
        raise click.ClickException(account_error_text(str(error))) from error
    click.echo(f"Created {role} account {email}.")


def _account(email: str):
    from sqlalchemy import select

    from advisory.models import User
    from advisory.services.accounts import normalise_email

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"There is no account {email}.")
    return user


@click.command("reset-password")
@click.argument("email")
@click.password_option(help="The new password; prompted for when not given.")
@with_appcontext
def reset_password(email: str, password: str) -> None:
    """Set a new password for an account; its owner must change it at the next sign-in."""
    from advisory.services.accounts import AccountError
    from advisory.services.accounts import reset_password as run_reset
    from advisory.wording import account_error_text

    user = _account(email)
    try:
        run_reset(db.session, user, password, actor=None)
    except AccountError as error:
        raise click.ClickException(account_error_text(str(error))) from error
    click.echo(f"New password set for {user.email}; every session of the account has ended.")


@click.command("unlock-user")
@click.argument("email")
@with_appcontext
def unlock_user(email: str) -> None:
    """Lift the sign-in pause after too many failed attempts for an account."""
    from advisory.services.accounts import unlock

    user = _account(email)
    unlock(db.session, user, actor=None)
    click.echo(f"Sign-in for {user.email} is possible again.")


@click.command("end-sessions")
@click.argument("email")
@with_appcontext
def end_sessions(email: str) -> None:
    """Sign an account out everywhere (for example after a lost laptop)."""
    from advisory.services.accounts import end_sessions_by_admin

    user = _account(email)
    end_sessions_by_admin(db.session, user, actor=None)
    click.echo(f"Every session of {user.email} has ended.")


@click.command("check-content")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def check_content(paths: tuple[Path, ...]) -> None:
    """Validate every questionnaire, catalogue and rule file; exit non-zero on any problem.

    Without PATHS the content folders of the deployment (ADVISORY_CONTENT_DIRS) are checked;
    with PATHS only the questionnaires and rules in those folders (and the catalogue).
    """
    from advisory.content import check_all

    checked, problems = check_all(paths)
    for line in checked:
        click.echo(f"ok  {line}")
    for problem in problems:
        click.echo(f"ERROR  {problem}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the content files.")
    click.echo("All content files are valid.")


@click.command("score")
@click.argument("assessment_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format so far).")
@click.option("--lang", default="de", type=click.Choice(["de", "en"]))
@with_appcontext
def score_command(assessment_id: int, as_json: bool, lang: str) -> None:
    """Print the scores and recommendations of an assessment."""
    import json

    from advisory.models import Assessment
    from advisory.services.results import compute_results, results_as_dict

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"There is no assessment {assessment_id}.")
    if assessment.municipality_id is None:
        raise click.ClickException(
            f"Assessment {assessment_id} is an association's shared inventory: its answers are "
            "scored and reported in its members' inventories."
        )
    data = results_as_dict(compute_results(db.session, assessment), lang)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("report")
@click.argument("assessment_id", type=int)
@click.option(
    "--format", "fmt", default="pdf", type=click.Choice(["pdf", "html", "xlsx", "csv", "json"])
)
@click.option("--lang", default="de", type=click.Choice(["de", "en"]))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@with_appcontext
def report_command(assessment_id: int, fmt: str, lang: str, out: Path | None) -> None:
    """Write the report (pdf, html) or an export (xlsx, csv, json) of an assessment."""
    from advisory.models import Assessment
    from advisory.reporting import render_format

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"There is no assessment {assessment_id}.")
    if assessment.municipality_id is None:
        raise click.ClickException(
            f"Assessment {assessment_id} is an association's shared inventory: its answers are "
            "scored and reported in its members' inventories."
        )
    data = render_format(db.session, assessment, fmt, lang)
    if out is None:
        click.echo(data, nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"Wrote {out} ({len(data):,} bytes).", err=True)


@click.command("worker")
@click.option("--threads", default=1, show_default=True, help="Jobs rendered at the same time.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Render report PDFs from the job queue until stopped (Ctrl+C or SIGTERM).

    On PostgreSQL the queue lives in the database, so workers may run on other machines with
    the same ADVISORY_DATABASE_URL; on SQLite it is a file beside the database.
    """
    import logging

    from flask import current_app

    from advisory.queue import queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    for chatty in ("kaleido", "choreographer", "logistro"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    jobs = queue()
    if jobs.immediate:
        raise click.ClickException(
            "ADVISORY_JOBS_IMMEDIATE is set: reports render in the web process, no worker needed."
        )
    click.echo(f"advisory worker: taking report jobs ({current_app.name}, {threads} thread(s)).")
    jobs.run_worker(workers=threads)


@click.command("report-job")
@click.argument("assessment_id", type=int)
@click.option("--edition", default="full", type=click.Choice(["full", "short"]))
@click.option("--lang", default="de", type=click.Choice(["de", "en"]))
@click.option("--wait", default=0, help="Seconds to wait for the worker (0: just queue it).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here.")
@with_appcontext
def report_job_command(
    assessment_id: int, edition: str, lang: str, wait: int, out: Path | None
) -> None:
    """Queue a PDF report job for `advisory worker` (the edition without staff names)."""
    import time

    from advisory.models import Assessment, ReportJob
    from advisory.services.report_jobs import queue_report

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"There is no assessment {assessment_id}.")
    job = queue_report(db.session, assessment, edition, lang)
    click.echo(f"Report job {job.id}: {job.status}.")
    deadline = time.monotonic() + wait
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        db.session.expire_all()
        job = db.session.get(ReportJob, job.id)
    if wait and job.status != "ready":
        raise click.ClickException(
            f"Report job {job.id} is {job.status} after {wait} s"
            + (f": {job.error}" if job.error else "; is `advisory worker` running?")
        )
    if job.status == "ready":
        click.echo(f"Report job {job.id}: ready, {len(job.pdf):,} bytes of PDF.")
        if out is not None:
            out.write_bytes(job.pdf)
            click.echo(f"Wrote {out}.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", help="Email of the account the import is recorded for.")
@with_appcontext
def import_command(file: Path, email: str | None) -> None:
    """Create a new assessment from an exported JSON file; print its id."""
    from advisory.exports import AssessmentImportError, import_assessment

    user = _account(email) if email else None
    try:
        assessment = import_assessment(db.session, file.read_bytes(), user)
    except AssessmentImportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(assessment.id)


@click.command("refresh-summaries")
@click.option("--stale", is_flag=True, help="Only missing and out-of-date summaries.")
@with_appcontext
def refresh_summaries_command(stale: bool) -> None:
    """Recompute the portfolio summaries of every inventory (run after upgrades)."""
    from advisory.services.portfolio import refresh_summaries

    started = time.perf_counter()
    count = refresh_summaries(db.session, only_stale=stale)
    click.echo(f"Summaries refreshed: {count} ({time.perf_counter() - started:.1f} s).")


@click.command("seed-synthetic")
@click.option("--count", type=click.IntRange(min=1), help="How many municipalities (default: all).")
@click.option("--state", help="Only municipalities of this state (two-digit key, e.g. 08).")
@click.option("--district", help="Only municipalities of this district (five-digit key).")
@click.option("--replace", is_flag=True, help="Delete every synthetic inventory first.")
@click.option(
    "--delete", "delete_only", is_flag=True, help="Only delete the synthetic inventories."
)
@click.option(
    "--seed", default=2026, show_default=True, help="Random seed (same seed, same answers)."
)
@with_appcontext
def seed_synthetic_command(
    count: int | None,
    state: str | None,
    district: str | None,
    replace: bool,
    delete_only: bool,
    seed: int,
) -> None:
    """Generate plausible synthetic inventories for real municipalities (demos, benchmarks).

    Only municipalities without any inventory get one; every inventory made is marked
    synthetic, labelled so wherever shown and never counted in figures of real inventories.
    """
    from advisory.services.synthetic import SyntheticError, delete_synthetic, seed_synthetic

    started = time.perf_counter()
    if delete_only:
        click.echo(f"Synthetic inventories deleted: {delete_synthetic(db.session)}.")
        return

    def progress(done: int, total: int) -> None:
        click.echo(f"  {done:,} of {total:,} ({time.perf_counter() - started:.1f} s)")

    try:
        result = seed_synthetic(
            db.session,
            count,
            replace=replace,
            state=state,
            district=district,
            seed=seed,
            progress=progress,
        )
    except SyntheticError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Synthetic inventories: {result.created:,} created"
        + (f", {result.deleted:,} deleted first" if result.deleted else "")
        + (
            f"; {result.skipped:,} fewer than asked: no more municipalities without an inventory"
            if result.skipped
            else ""
        )
        + f" ({time.perf_counter() - started:.1f} s)."
    )


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo municipalities' users (safe to run twice) and print the demo logins."""
    from advisory.demo import seed

    for line in seed(db.session):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
