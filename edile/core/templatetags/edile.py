"""Template helpers: Babel formatting, charts and the language-switch URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import translate_url

from edile.core import formatting
from edile.core import panels as page_panels

register = template.Library()


@register.filter
def number(value: Any) -> str:
    return formatting.format_number(value)


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    return formatting.format_money(amount, currency or "EUR")


@register.filter
def money_whole(amount: Decimal | None, currency: str = "EUR") -> str:
    return formatting.format_money(amount, currency or "EUR", whole=True)


@register.filter
def percent(value: Any) -> str:
    return formatting.format_percent(value)


@register.filter
def longdate(value: Any) -> str:
    return formatting.format_date(value)


@register.filter
def shortdate(value: Any) -> str:
    return formatting.format_date(value, fmt="medium")


@register.filter
def datetime(value: Any) -> str:
    return formatting.format_datetime(value)


@register.filter
def computed_datetime(value: Any) -> str:
    """When a summary's figures were computed: a stored ISO string or a datetime, in UTC."""
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return formatting.format_datetime(value, fmt="medium") + " UTC" if value else ""


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any) -> str:
    """The sections other apps registered for this page (`core.panels`)."""
    request = context.get("request")
    if request is None:
        return ""
    return page_panels.render(slot, request, obj)


@register.simple_tag(takes_context=True)
def url_in_language(context: template.Context, language: str) -> str:
    request = context.get("request")
    if request is None:
        return "/" + language + "/"
    return translate_url(request.get_full_path(), language)


@register.inclusion_tag("core/partials/bar_chart.html")
def bar_chart(
    rows: list[tuple[str, float | int]],
    title: str,
    value_label: str = "",
    chart_id: str = "chart",
) -> dict[str, Any]:
    """A horizontal bar chart in plain SVG, with the same figures as a table for screen readers.

    `rows` is a list of (label, value). No JavaScript, so it works on a slow phone too.
    """
    rows = [(str(label), value or 0) for label, value in rows]
    peak = max((float(v) for _, v in rows), default=0) or 1
    bar_height, gap, label_width, width = 22, 8, 180, 560
    bars = []
    for index, (label, value) in enumerate(rows):
        bars.append(
            {
                "label": label,
                "value": value,
                "y": index * (bar_height + gap),
                "width": max(1, round((width - label_width - 90) * float(value) / peak)),
            }
        )
    return {
        "rows": bars,
        "title": title,
        "value_label": value_label,
        "chart_id": chart_id,
        "height": max(1, len(bars) * (bar_height + gap)),
        "bar_height": bar_height,
        "label_width": label_width,
        "width": width,
    }


@register.inclusion_tag("core/partials/map.html")
def point_map(
    points: list[dict[str, Any]] | None, label: str, map_id: str = "map", url: str = ""
) -> dict[str, Any]:
    """A Leaflet map of points {lat, lon, label, url}; pages keep a table of the same data.

    With `url`, the map fetches its points as GeoJSON (features with `label` and `url`
    properties) instead of carrying them in the page: use it when there are many.
    """
    from django.conf import settings

    return {
        "points": points,
        "url": url,
        "label": label,
        "map_id": map_id,
        "points_id": f"{map_id}-points",
        "tiles": settings.EDILE_MAP_TILES,
    }
