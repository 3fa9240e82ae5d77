"""Benchmark: a report job's PDF per demo assessment, cold and warm, against the WeasyPrint floor.

Run from the repository root: `.venv/bin/python benchmarks/report.py [runs]` (`--smoke`: one
run of the first assessment only, so that a test proves the script still works). It builds a
throwaway SQLite database with the demo inventories (Albisheim, Herrenberg, Ulm) and prints per
assessment:

- cold: the first report job of the process for it (kaleido server stopped, image cache
  empty), i.e. what `advisory worker` does: results, report data, charts, HTML, PDF, stored,
- warm: the median of `runs` further jobs (warm kaleido server, charts from the cache, the
  PDF itself rendered again: each run is a new job),
- floor: the median WeasyPrint-only time for the same HTML (HTML → PDF, nothing else),
- charts: the median time to export its charts as SVG on the warm server (cache cleared).

Target: warm ≤ 1.2 × floor.
"""

from __future__ import annotations

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Replace this script's folder: benchmarks/http.py would shadow the standard library's http.
sys.path[0] = str(ROOT)


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def _pdf(session, assessment) -> bytes:
    """Everything a report job does in the worker: results, report data, charts, HTML, PDF.

    A new job each time: an unchanged report is otherwise served from its finished job in
    milliseconds, but the benchmark measures the full render.
    """
    from advisory.models import ReportJob
    from advisory.services.report_jobs import STEPS, run_job

    job = ReportJob(
        key=os.urandom(16).hex(),
        assessment_id=assessment.id,
        edition="full",
        lang="de",
        revision=assessment.revision,
        steps=len(STEPS),
    )
    session.add(job)
    session.commit()
    assert run_job(session, job.id)
    return job.pdf


def main(runs: int = 3, assessments: tuple[int, ...] = (1, 2, 3)) -> None:
    """Seed a throwaway database, then time the PDF of each demo assessment."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    folder = tempfile.mkdtemp(prefix="advisory-bench-")
    os.environ["ADVISORY_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["ADVISORY_DEBUG"] = "1"
    from pypdf import PdfReader

    from advisory import chart_images, create_app
    from advisory.database import upgrade
    from advisory.demo import seed
    from advisory.extensions import db
    from advisory.models import Assessment
    from advisory.reporting import (
        build_report,
        html_to_pdf,
        render_document,
    )
    from advisory.reporting import (
        chart_images as export_charts,
    )

    app = create_app()
    with app.app_context():
        upgrade(db.engine)
        for _line in seed(db.session):
            pass
        print(
            f"{'assessment':<28} {'pages':>5} {'cold':>7} {'warm':>7} {'floor':>7} "
            f"{'charts':>7} {'ratio':>6} {'target':>7}"
        )
        for assessment_id in assessments:
            assessment = db.session.get(Assessment, assessment_id)
            chart_images.stop_server()
            chart_images.clear_cache()
            cold, pdf = _timed(_pdf, db.session, assessment)
            warm = statistics.median(_timed(_pdf, db.session, assessment)[0] for _ in range(runs))
            report = build_report(db.session, assessment, "de")
            html = render_document(report)
            floor = statistics.median(_timed(html_to_pdf, html, report)[0] for _ in range(runs))
            charts = []
            for _ in range(runs):
                chart_images.clear_cache()
                charts.append(_timed(export_charts, report)[0])
            target = 1.2 * floor
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{assessment.municipality.name[:28]:<28} {pages:>5} {cold:>6.2f}s {warm:>6.2f}s "
                f"{floor:>6.2f}s {statistics.median(charts):>6.2f}s {warm / floor:>5.2f}x "
                f"{target:>6.2f}s "
                f"{'ok' if warm <= target else 'SLOW'}"
            )
    chart_images.stop_server()


if __name__ == "__main__":
    if "--smoke" in sys.argv[1:]:
        main(1, (1,))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
