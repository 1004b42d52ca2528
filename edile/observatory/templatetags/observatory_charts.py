"""A radar chart of pillar scores in plain SVG (no JavaScript); the page keeps the table."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()

COLOURS = ["#1f5fa8", "#b3261e", "#2e7d32", "#8a5a00", "#6a1b9a"]


def _num(value: float) -> str:
    """A coordinate for SVG: always a dot, never the reader's decimal comma."""
    return f"{value:.1f}"


@register.inclusion_tag("observatory/partials/radar.html")
def radar_chart(
    countries: list[dict[str, Any]], dimension: str, title: str, chart_id: str = "radar"
) -> dict[str, Any]:
    """Every number is written here as a string with a dot, so that the template's
    localisation (a decimal comma in French) never reaches SVG coordinates. An unknown
    pillar score is not drawn as 0: its axis gets no point, the shape joins only known
    scores, and the legend lists what is unknown."""
    size, radius = 360, 130
    centre = size / 2
    axes = countries[0]["pillars"] if countries else []
    count = max(len(axes), 1)

    def point(index: int, fraction: float) -> tuple[str, str]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            _num(centre + radius * fraction * math.cos(angle)),
            _num(centre + radius * fraction * math.sin(angle)),
        )

    rings = [
        " ".join(f"{x},{y}" for x, y in (point(i, level / 4) for i in range(count)))
        for level in range(1, 5)
    ]
    spokes = [
        {"end": point(i, 1), "label": axis["name"], "label_at": point(i, 1.12)}
        for i, axis in enumerate(axes)
    ]
    series = []
    for n, country in enumerate(countries[:5]):
        known = [
            (i, p[dimension] / 100)
            for i, p in enumerate(country["pillars"])
            if p[dimension] is not None
        ]
        series.append(
            {
                "name": country["name"],
                "colour": COLOURS[n % len(COLOURS)],
                "points": " ".join(f"{x},{y}" for x, y in (point(i, v) for i, v in known)),
                "dots": [point(i, v) for i, v in known],
                "closed": len(known) == len(country["pillars"]) and len(known) > 2,
                "unknown": [p["name"] for p in country["pillars"] if p[dimension] is None],
            }
        )
    return {
        "title": title,
        "chart_id": chart_id,
        "size": size,
        "view_box": f"-120 -20 {size + 240} {size + 40}",
        "rings": rings,
        "spokes": spokes,
        "series": series,
        "centre": _num(centre),
    }
