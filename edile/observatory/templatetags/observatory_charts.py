"""A radar chart of pillar scores in plain SVG (no JavaScript); the page keeps the table."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()

COLOURS = ["#1f5fa8", "#b3261e", "#2e7d32", "#8a5a00", "#6a1b9a"]


@register.inclusion_tag("observatory/partials/radar.html")
def radar_chart(
    countries: list[dict[str, Any]], dimension: str, title: str, chart_id: str = "radar"
) -> dict[str, Any]:
    size, radius = 360, 130
    centre = size / 2
    axes = countries[0]["pillars"] if countries else []
    count = max(len(axes), 1)

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            round(centre + radius * fraction * math.cos(angle), 1),
            round(centre + radius * fraction * math.sin(angle), 1),
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
        values = [(p[dimension] or 0) / 100 for p in country["pillars"]]
        series.append(
            {
                "name": country["name"],
                "colour": COLOURS[n % len(COLOURS)],
                "points": " ".join(
                    f"{x},{y}" for x, y in (point(i, v) for i, v in enumerate(values))
                ),
            }
        )
    return {
        "title": title,
        "chart_id": chart_id,
        "size": size,
        "rings": rings,
        "spokes": spokes,
        "series": series,
        "centre": centre,
    }
