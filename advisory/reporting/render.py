"""Render a Report: Plotly figures, the web page's chart data, the HTML document and the PDF.

Call these inside an application context; each renders in the report's language
(`flask_babel.force_locale`). The PDF template gets static SVG charts from `chart_images`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup

from advisory.chart_images import figure_svg
from advisory.chart_json import bars_json, radar_json, roadmap_json
from advisory.charts import bar_figure, radar_figure, roadmap_figure
from advisory.kept import Kept
from advisory.reporting.data import Report

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "report.css"
#: Width in CSS pixels the charts are exported at; the PDF scales them to the text width.
CHART_WIDTH = 760
#: PDFs kept per process, by a hash of their HTML (about 0.5 MB each).
_pdf_cache = Kept(16)
#: Bodies of the web report kept per process (about 0.3 MB each), the newest per place, language
#: and questionnaire; one is reused only for an equal Report (dataclass equality, about 0.3 ms
#: against 20-30 ms for drawing it). Off when ADVISORY_FRAGMENT_CACHE is 0.
_bodies = Kept(16)


def figures(report: Report) -> dict[str, go.Figure]:
    """Return the report's charts as Plotly figures (the same for the web page and the PDF)."""
    domains = list(report.chart_domains)
    charts = {}
    if domains:
        charts["radar"] = radar_figure(domains, report.lang, report.max_level)
        charts["bars"] = bar_figure(domains, report.lang, report.band_starts)
    if report.roadmap_bars:
        charts["roadmap"] = roadmap_figure(list(report.roadmap_bars), report.lang)
    return charts


def chart_json(report: Report) -> dict[str, str]:
    """Return each figure as JSON safe to put into a <script type="application/json"> block.

    The same charts as `figures`, from a cache keyed by the chart data (`advisory.chart_json`).
    """
    domains = list(report.chart_domains)
    charts = {}
    if domains:
        charts["radar"] = radar_json(domains, report.lang, report.max_level)
        charts["bars"] = bars_json(domains, report.lang, report.band_starts)
    if report.roadmap_bars:
        charts["roadmap"] = roadmap_json(report.roadmap_bars, report.lang)
    return charts


def chart_images(report: Report) -> dict[str, str]:
    """Return each figure as an SVG data URI; charts that cannot be exported are left out."""
    images = {}
    for name, figure in figures(report).items():
        svg = figure_svg(figure, width=CHART_WIDTH)
        if svg is not None:
            images[name] = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return images


def render_page(report: Report, **context) -> str:
    """Return the web report page (app layout, interactive charts, print stylesheet)."""
    charts = chart_json(report)
    with force_locale(report.lang):
        return render_template(
            "reports/page.html",
            report=report,
            body=_web_body(report, charts),
            **context,
        )


def _web_body(report: Report, charts: dict[str, str]) -> Markup:
    """Return the report itself as the web page shows it (templates/reports/_report.html)."""

    def draw() -> Markup:
        return Markup(  # noqa: S704 - the output of an autoescaped template
            render_template(
                "reports/_report.html",
                report=report,
                charts=charts,
                images={},
                mode="web",
                **_level_words(report),
            )
        )

    if not current_app.config.get("FRAGMENT_CACHE"):
        return draw()
    key = (report.place.ags, report.lang, report.questionnaire_title, report.questionnaire_version)
    kept = _bodies.get(key)
    if kept is not None and kept[0] == report:
        return kept[1]
    body = draw()
    _bodies.put(key, (report, body))
    return body


#: Steps per horizon the council's short edition lists (the full report lists all).
SHORT_ROADMAP_STEPS = 8


def render_document(report: Report, images: dict[str, str] | None = None, **context) -> str:
    """Return the standalone report document that WeasyPrint turns into the PDF.

    `edition="short"` gives the council's edition: summary, overview and a shortened roadmap.
    """
    if images is None:
        images = chart_images(report)
    if context.get("edition") == "short":
        context["roadmap"], context["left_out"] = short_roadmap(report)
    with force_locale(report.lang):
        return render_template(
            "reports/document.html",
            report=report,
            images=images,
            charts={},
            **_level_words(report),
            **context,
        )


def short_roadmap(report: Report, limit: int = SHORT_ROADMAP_STEPS):
    """Return the roadmap with the first steps per horizon, and how many each leaves out."""
    roadmap = tuple((horizon, steps[:limit]) for horizon, steps in report.roadmap)
    left_out = {horizon: max(len(steps) - limit, 0) for horizon, steps in report.roadmap}
    return roadmap, left_out


def _level_words(report: Report) -> dict:
    """Name the levels as the report's questionnaire does, where it names them itself."""
    if not report.level_names:
        return {}
    return {"level_label": report.level_label}


def render_html_file(report: Report) -> str:
    """Return the report as one self-contained HTML file (stylesheet and charts embedded)."""
    return render_document(report, stylesheet=STYLESHEET.read_text(encoding="utf-8"))


def html_to_pdf(html: str, report: Report) -> bytes:
    """Lay out the document with WeasyPrint as a tagged PDF/UA-1 on A4."""
    return pdf_from_html(html, _page_stylesheet(report))


def pdf_from_html(html: str, *extra_stylesheets) -> bytes:
    """Lay out any print document with report.css (plus extra CSS) as a tagged PDF/UA-1."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[_stylesheet(), *extra_stylesheets],
        pdf_variant="pdf/ua-1",
    )


def running_page_css(left: str, right: str, footer_left: str) -> str:
    """Return @page CSS with a running header and page numbers in the current language."""
    page, of = _("Page"), _("of")
    return (
        "@page { "
        f"@top-left {{ content: {_css_string(left)}; }} "
        f"@top-right {{ content: {_css_string(right)}; }} "
        f'@bottom-right {{ content: {_css_string(page)} " " counter(page) " " '
        f'{_css_string(of)} " " counter(pages); }} '
        f"@bottom-left {{ content: {_css_string(footer_left)}; }} "
        "}"
    )


def render_pdf(report: Report, edition: str = "full") -> bytes:
    """Return the report as PDF bytes; an unchanged document comes from a small cache.

    `edition` "short" is the council's edition (summary, overview, roadmap). The document
    holds everything the PDF shows (the running header and footer repeat its name, language
    and date), so the same HTML always gives the same PDF.
    """
    html = render_document(report, edition=edition)
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    cached = _pdf_cache.get(key)
    if cached is not None:
        return cached
    pdf = html_to_pdf(html, report)
    _pdf_cache.put(key, pdf)
    return pdf


def clear_pdf_cache() -> None:
    """Forget every cached PDF (benchmarks measure full renders with it)."""
    _pdf_cache.clear()


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET))


def _page_stylesheet(report: Report):
    """Running header and footer in the report's language (margin boxes cannot use gettext)."""
    from weasyprint import CSS

    with force_locale(report.lang):
        title = _("Smart-city maturity report")
        date = format_date(report.generated_on, "long")
        running = running_page_css(report.place.name, title, date)
    return CSS(
        string=(
            running + " @page cover { @top-left { content: none; } @top-right { content: none; } "
            "@bottom-left { content: none; } @bottom-right { content: none; } }"
        )
    )


def _css_string(text: str) -> str:
    """Quote text as a CSS string literal."""
    escaped = "".join(c if c.isalnum() or c in " .,-–()/:" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'
