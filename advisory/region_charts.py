"""Plain data in, SVG out: the region map and the level distribution, drawn on the server.

No tiles, no scripts, no requests to other hosts: the map projects the directory's coordinates
(equirectangular, with the x axis shrunk by the cosine of the middle latitude, which is close to
true shape at Germany's latitudes) and marks each municipality with a shape AND a colour per
level, so that the legend does not rely on colour alone. Both drawings work without JavaScript,
in the PDF (WeasyPrint) and on the page; the page shows the same data as tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# The heat map's blue scale (app.css .heat-1 … .heat-5), darker = higher level.
LEVEL_COLOURS = {1: "#eef4fa", 2: "#bcd4ea", 3: "#7eabd6", 4: "#3c78b5", 5: "#0b3d6e"}
NONE_COLOUR = "#ffffff"
INK = "#1b1f24"
# Text on a segment: dark on the light blues, white on the dark ones (contrast >= 4.5:1).
TEXT_ON = {1: INK, 2: INK, 3: INK, 4: "#ffffff", 5: "#ffffff"}
FONT = "DejaVu Sans, Verdana, sans-serif"
# Each point names its municipality as a tooltip up to this many points; a state's map (up to
# 2,500) would double in size, and there the districts' table is the text alternative.
TOOLTIPS_UP_TO = 500


@dataclass(frozen=True)
class MapPoint:
    """One municipality on the map."""

    label: str  # shown as the point's tooltip (name and level)
    latitude: float
    longitude: float
    level: int | None  # None: no inventory or no overall level yet


@dataclass(frozen=True)
class DistributionRow:
    """One bar: how many members reached level 1..5."""

    label: str
    counts: tuple[int, ...]


def _marker(level: int | None, x: float, y: float, r: float) -> str:
    """Return the SVG shape of a level: circle, square, triangle, diamond, star; ring for none."""
    fill = LEVEL_COLOURS.get(level or 0, NONE_COLOUR)
    common = f'fill="{fill}" stroke="{INK}" stroke-width="{0.9 if level else 0.7}"'
    if level is None:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r * 0.6:.1f}" {common}/>'
    if level == 1:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}/>'
    if level == 2:
        s = r * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
            f'height="{2 * s:.1f}" {common}/>'
        )
    corners = {3: 3, 4: 4, 5: 10}[level]
    points = []
    for i in range(corners):
        angle = -math.pi / 2 + 2 * math.pi * i / corners
        radius = r * (1.25 if level != 5 or i % 2 == 0 else 0.55) * (1.15 if level == 5 else 1)
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return f'<polygon points="{" ".join(points)}" {common}/>'


def _project(points: list[MapPoint], width: float, height: float, pad: float):
    """Return a function mapping (lat, lon) into the drawing, keeping the aspect ratio."""
    lats = [p.latitude for p in points]
    lons = [p.longitude for p in points]
    south, north = min(lats), max(lats)
    west, east = min(lons), max(lons)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 0.02)
    span_y = max(north - south, 0.02)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return off_x + (lon - west) * shrink * scale, off_y + (north - lat) * scale

    return project


def map_svg(
    points: list[MapPoint],
    title: str,
    description: str,
    legend: dict[int | None, str],
    width: int = 640,
    height: int = 560,
) -> Markup:
    """Return the map as an inline SVG with title, description and a legend beside the points."""
    legend_width = 190
    plot_width = width - legend_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="region-map" role="img" aria-labelledby="map-title map-desc" '
        f'font-family="{FONT}" font-size="13">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        f'<rect x="0.5" y="0.5" width="{plot_width - 1}" height="{height - 1}" fill="#f7f9fb" '
        f'stroke="#c9d1db"/>',
    ]
    if points:
        project = _project(points, plot_width, height, 18)
        radius = 6.5 if len(points) <= 300 else 4.2 if len(points) <= 1500 else 2.8
        # Points without a level first, so that the levels are drawn on top of them.
        ordered = sorted(points, key=lambda p: (p.level or 0, p.label))
        parts.append('<g aria-hidden="true">')
        for point in ordered:
            x, y = project(point.latitude, point.longitude)
            shape = _marker(point.level, x, y, radius)
            if len(points) > TOOLTIPS_UP_TO:
                parts.append(shape)
            else:
                parts.append(f"{shape[:-2]}><title>{escape(point.label)}</title></{_tag(shape)}>")
        parts.append("</g>")
    parts.append(f'<g transform="translate({plot_width + 14},24)" aria-hidden="true">')
    for row, (level, text) in enumerate(legend.items()):
        y = row * 26
        parts.append(_marker(level, 8, y, 7))
        parts.append(f'<text x="24" y="{y + 5}" fill="{INK}">{escape(text)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part went through escape()


def _tag(shape: str) -> str:
    return shape[1 : shape.index(" ")]


def distribution_svg(
    rows: list[DistributionRow], title: str, description: str, legend: dict[int, str]
) -> Markup:
    """Return stacked horizontal bars (share of members per level) as an inline SVG.

    Each segment carries its count where it is wide enough; the table beside holds every number.
    """
    label_width, bar_width, bar_height, gap = 300, 400, 22, 10
    width = label_width + bar_width + 20
    top = 44
    height = top + len(rows) * (bar_height + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="distribution-chart" role="img" aria-labelledby="dist-title dist-desc" '
        f'font-family="{FONT}" font-size="13">',
        f'<title id="dist-title">{escape(title)}</title>',
        f'<desc id="dist-desc">{escape(description)}</desc>',
        '<g aria-hidden="true">',
    ]
    x = label_width
    for level, text in legend.items():
        parts.append(
            f'<rect x="{x}" y="8" width="16" height="16" fill="{LEVEL_COLOURS[level]}" '
            f'stroke="{INK}" stroke-width="0.6"/>'
            f'<text x="{x + 20}" y="21" fill="{INK}">{escape(text)}</text>'
        )
        x += 80
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(row.label)}</text>"
        )
        total = sum(row.counts)
        if not total:
            parts.append(f'<text x="{label_width}" y="{y + 16}" fill="#4a5360">–</text>')
            continue
        x = float(label_width)
        for level, count in zip((1, 2, 3, 4, 5), row.counts, strict=True):
            if not count:
                continue
            segment = bar_width * count / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{segment:.1f}" height="{bar_height}" '
                f'fill="{LEVEL_COLOURS[level]}" stroke="{INK}" stroke-width="0.6"/>'
            )
            if segment >= 22:
                parts.append(
                    f'<text x="{x + segment / 2:.1f}" y="{y + 16}" text-anchor="middle" '
                    f'fill="{TEXT_ON[level]}">{count}</text>'
                )
            x += segment
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part went through escape()
