"""Benchmark: PDF report time per demo assessment, cold and warm, against the WeasyPrint floor.

Run from the repository root: `.venv/bin/python benchmarks/report.py [runs]` (`--smoke`: one
run of the first assessment only, so that a test proves the script still works). It builds a
throwaway SQLite database with the demo inventories (Albisheim, Herrenberg, Ulm) and prints per
assessment:

- cold: the first PDF of the process for it (kaleido server stopped, image cache empty),
- warm: the median of `runs` further PDFs (warm kaleido server, charts from the cache, the
  PDF itself rendered again: the PDF cache is emptied before each run),
- floor: the median WeasyPrint-only time for the same HTML (HTML → PDF, nothing else),
- charts: the median time to export its charts as SVG on the warm server (cache cleared).

Target: warm ≤ 1.5 × floor + 0.5 s.
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
    """Everything the PDF download does: results, report data, charts, HTML, PDF.

    The PDF cache is emptied first: a repeated download of an unchanged report is served from
    it in milliseconds, but the benchmark measures the full render.
    """
    from advisory.reporting import build_report, clear_pdf_cache, render_pdf

    clear_pdf_cache()
    return render_pdf(build_report(session, assessment, "de"))


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
            f"{'charts':>7} {'target':>7}"
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
            target = 1.5 * floor + 0.5
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{assessment.municipality.name[:28]:<28} {pages:>5} {cold:>6.2f}s {warm:>6.2f}s "
                f"{floor:>6.2f}s {statistics.median(charts):>6.2f}s {target:>6.2f}s "
                f"{'ok' if warm <= target else 'SLOW'}"
            )
    chart_images.stop_server()


if __name__ == "__main__":
    if "--smoke" in sys.argv[1:]:
        main(1, (1,))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
