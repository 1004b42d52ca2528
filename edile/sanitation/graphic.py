"""The SFD-style graphic, drawn on the server with a fixed layout (research a.6).

`layout()` turns a result of `sfd.evaluate` into drawing primitives (rectangles, polygons,
text) in a 1000-unit-wide frame; `to_svg`, `to_pdf` and `to_png` render the same primitives,
so the three files always agree. Columns run left to right — containment, emptying,
transport, treatment, end-use/disposal — with the offsite (sewer) band on top, the onsite
band below and open defecation last. Green arrows are safely managed excreta, red arrows
unsafely managed; every red arrow drops into the bottom band (local area, neighbourhood,
city) under the column where it leaves the chain. Arrow width is proportional to the share.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from edile.core.formatting import format_number
from edile.sanitation.sfd import arrow_label

GREEN = "#2e7d32"
RED = "#c62828"
INK = "#1b1b1b"
MUTED = "#5a5a5a"
BAND = ("#f3e5e5", "#ead6d6", "#e0c8c8")
WIDTH = 1000
LEFT = 110
COLUMNS = {"containment": 190, "emptying": 370, "transport": 550, "treatment": 730, "end": 960}
SCALE = 1.0  # units of thickness per percent of the population


@dataclass
class Canvas:
    height: float = 0
    items: list[dict[str, Any]] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, title: str = "") -> None:
        self.items.append(
            {"t": "rect", "x": x, "y": y, "w": w, "h": h, "fill": fill, "title": title}
        )

    def poly(self, points: list[tuple[float, float]], fill: str) -> None:
        self.items.append({"t": "poly", "points": points, "fill": fill})

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 12,
        anchor: str = "start",
        bold: bool = False,
        fill: str = INK,
    ) -> None:
        self.items.append(
            {
                "t": "text",
                "x": x,
                "y": y,
                "text": text,
                "size": size,
                "anchor": anchor,
                "bold": bold,
                "fill": fill,
            }
        )


def _thickness(value: float) -> float:
    return 0 if value <= 0 else max(2.0, value * SCALE)


def _pct(value: float) -> str:
    return f"{format_number(round(value, 1))} %"


def _arrow_right(
    c: Canvas,
    x0: float,
    x1: float,
    y: float,
    value: float,
    color: str,
    key: str,
    head: bool = False,
) -> None:
    t = _thickness(value)
    if not t:
        return
    title = f"{arrow_label(key)}: {_pct(value)}"
    c.rect(x0, y - t / 2, max(0, x1 - x0 - (10 if head else 0)), t, color, title)
    if head:
        c.poly([(x1 - 10, y - t / 2 - 5), (x1, y), (x1 - 10, y + t / 2 + 5)], color)


def _drop(c: Canvas, x: float, y: float, value: float, color: str, key: str, bottom: float) -> None:
    """A vertical arrow from (x, y) down to `bottom`, left edge at x."""
    t = _thickness(value)
    if not t:
        return
    title = f"{arrow_label(key)}: {_pct(value)}"
    c.rect(x, y, t, max(0, bottom - y - 10), color, title)
    c.poly([(x - 5, bottom - 10), (x + t / 2, bottom), (x + t + 5, bottom - 10)], color)


def layout(result: dict[str, Any], *, header: dict[str, str]) -> Canvas:
    f = result["flows"]
    c = Canvas()
    c.text(20, 30, header.get("title", ""), size=20, bold=True)
    c.text(20, 52, header.get("subtitle", ""), size=12, fill=MUTED)
    safe, unsafe = result["safely_managed"], result["unsafely_managed"]
    c.rect(20, 66, 18, 18, GREEN)
    c.text(44, 80, _("Safely managed: %s") % _pct(safe), size=13, bold=True, fill=GREEN)
    c.rect(420, 66, 18, 18, RED)
    c.text(444, 80, _("Unsafely managed: %s") % _pct(unsafe), size=13, bold=True, fill=RED)
    headings = [
        ("containment", pgettext("sfd graphic", "Containment")),
        ("emptying", pgettext("sfd graphic", "Emptying")),
        ("transport", pgettext("sfd graphic", "Transport")),
        ("treatment", pgettext("sfd graphic", "Treatment")),
        ("end", pgettext("sfd graphic", "End-use / disposal")),
    ]
    for key, label in headings:
        if key == "end":
            c.text(WIDTH - 6, 118, label, size=12, bold=True, anchor="end")
        else:
            c.text(COLUMNS[key], 118, label, size=12, bold=True, anchor="middle")

    cx, ex, tx, px, end = (
        COLUMNS[k] for k in ("containment", "emptying", "transport", "treatment", "end")
    )
    drops: list[tuple[float, float, float, str, str]] = []  # x, y, value, color, key
    y = 152
    # Offsite: wastewater through sewers.
    c.text(10, y + 4, pgettext("sfd graphic", "Offsite"), size=11, bold=True, fill=MUTED)
    ww = f["ww_contained"]
    if ww > 0:
        t = _thickness(ww)
        yc = y + t / 2
        _arrow_right(c, LEFT, tx, yc, ww, GREEN, "ww_contained")
        c.text(LEFT, y - 4, f"{arrow_label('ww_contained')} {_pct(ww)}", size=10)
        delivered = f["ww_delivered_to_treatment"]
        td = _thickness(delivered)
        _arrow_right(c, tx, px, y + td / 2, delivered, GREEN, "ww_delivered_to_treatment")
        drops.append(
            (tx, y + td, f["ww_not_delivered_to_treatment"], RED, "ww_not_delivered_to_treatment")
        )
        treated = f["ww_treated"]
        tt = _thickness(treated)
        _arrow_right(c, px, end, y + tt / 2, treated, GREEN, "ww_treated", head=True)
        if treated > 0:
            c.text(px + 8, y - 4, f"{arrow_label('ww_treated')} {_pct(treated)}", size=10)
        drops.append((px, y + tt, f["ww_not_treated"], RED, "ww_not_treated"))
        y += t + 24
    wnc = f["ww_not_contained"]
    if wnc > 0:
        t = _thickness(wnc)
        _arrow_right(c, LEFT, cx - 30 + t, y + t / 2, wnc, RED, "ww_not_contained")
        c.text(LEFT, y - 4, f"{arrow_label('ww_not_contained')} {_pct(wnc)}", size=10, fill=RED)
        drops.append((cx - 30, y + t, wnc, RED, "ww_not_contained"))
        y += t + 24
    y += 20
    # Onsite: faecal sludge in tanks and pits.
    c.text(10, y + 4, pgettext("sfd graphic", "Onsite"), size=11, bold=True, fill=MUTED)
    fsc, fsn = f["fs_contained"], f["fs_not_contained"]
    if fsc + fsn > 0:
        emptied = f["fs_emptied"]
        te = _thickness(emptied)
        if emptied > 0:
            _arrow_right(c, cx, tx, y + te / 2, emptied, GREEN, "fs_emptied")
            c.text(ex - 60, y - 4, f"{arrow_label('fs_emptied')} {_pct(emptied)}", size=10)
            delivered = f["fs_delivered_to_treatment"]
            td = _thickness(delivered)
            _arrow_right(c, tx, px, y + td / 2, delivered, GREEN, "fs_delivered_to_treatment")
            drops.append(
                (
                    tx + 40,
                    y + td,
                    f["fs_not_delivered_to_treatment"],
                    RED,
                    "fs_not_delivered_to_treatment",
                )
            )
            treated = f["fs_treated"]
            tt = _thickness(treated)
            _arrow_right(c, px, end, y + tt / 2, treated, GREEN, "fs_treated", head=True)
            if treated > 0:
                c.text(px + 8, y - 4, f"{arrow_label('fs_treated')} {_pct(treated)}", size=10)
            drops.append((px + 40, y + tt, f["fs_not_treated"], RED, "fs_not_treated"))
        yy = y + te + 16
        for key, value, color in (
            ("fs_contained", fsc, GREEN),
            ("fs_not_contained", fsn, RED),
        ):
            if value <= 0:
                continue
            t = _thickness(value)
            reach = cx + (40 + t if key == "fs_not_contained" else 0)
            _arrow_right(c, LEFT, reach, yy + t / 2, value, color, key)
            c.text(LEFT, yy - 4, f"{arrow_label(key)} {_pct(value)}", size=10, fill=color)
            rest = f[f"{key}_not_emptied"]
            if key == "fs_contained" and rest > 0:
                # F8: safely managed in place, a short green arrow down with its label.
                tr = _thickness(rest)
                c.rect(
                    cx,
                    yy + t / 2,
                    tr,
                    30,
                    GREEN,
                    f"{arrow_label('fs_contained_not_emptied')}: {_pct(rest)}",
                )
                c.poly(
                    [
                        (cx - 5, yy + t / 2 + 30),
                        (cx + tr / 2, yy + t / 2 + 40),
                        (cx + tr + 5, yy + t / 2 + 30),
                    ],
                    GREEN,
                )
                c.text(
                    cx + tr + 10,
                    yy + t / 2 + 34,
                    f"{arrow_label('fs_contained_not_emptied')} {_pct(rest)}",
                    size=10,
                    fill=GREEN,
                )
                yy += 44
            elif key == "fs_not_contained" and rest > 0:
                drops.append((cx + 40, yy + t / 2, rest, RED, "fs_not_contained_not_emptied"))
            yy += t + 24
        y = yy + 10
    od = f["open_defecation"]
    if od > 0:
        t = _thickness(od)
        c.text(10, y + 4, pgettext("sfd graphic", "No toilet"), size=11, bold=True, fill=MUTED)
        _arrow_right(c, LEFT, cx - 60 + t, y + t / 2, od, RED, "open_defecation")
        c.text(LEFT, y - 4, f"{arrow_label('open_defecation')} {_pct(od)}", size=10, fill=RED)
        drops.append((cx - 60, y + t, od, RED, "open_defecation"))
        y += t + 24
    bottom = y + 40
    for x, top, value, color, key in drops:
        _drop(c, x, top, value, color, key, bottom)
        if value > 0:
            c.text(x + _thickness(value) + 4, top + 14, _pct(value), size=10, fill=RED)
    # The bottom band: how far untreated excreta travels before it is discharged.
    band = [
        (LEFT - 10, (cx + ex) / 2, pgettext("sfd graphic", "Local area")),
        ((cx + ex) / 2, (tx + px) / 2, pgettext("sfd graphic", "Neighbourhood")),
        ((tx + px) / 2, WIDTH - 10, pgettext("sfd graphic", "City")),
    ]
    for index, (x0, x1, label) in enumerate(band):
        c.rect(x0, bottom, x1 - x0, 28, BAND[index])
        c.text((x0 + x1) / 2, bottom + 19, label, size=12, anchor="middle", bold=True)
    legend_y = bottom + 52
    c.text(
        20,
        legend_y,
        _(
            "WW: wastewater · FS: faecal sludge · arrow width proportional to the share of the population"
        ),
        size=10,
        fill=MUTED,
    )
    c.text(20, legend_y + 16, header.get("footer", ""), size=10, fill=MUTED)
    c.height = legend_y + 30
    # Text last, so that no arrow hides a label.
    c.items.sort(key=lambda item: item["t"] == "text")
    return c


def to_svg(c: Canvas, *, title: str) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {c.height:.0f}" '
        f'role="img" aria-labelledby="sfd-title" class="sfd-graphic" '
        f'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="sfd-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{c.height:.0f}" fill="#ffffff"/>',
    ]
    for item in c.items:
        if item["t"] == "rect":
            inner = f"<title>{escape(item['title'])}</title>" if item["title"] else ""
            parts.append(
                f'<rect x="{item["x"]:.1f}" y="{item["y"]:.1f}" width="{item["w"]:.1f}" '
                f'height="{item["h"]:.1f}" fill="{item["fill"]}">{inner}</rect>'
            )
        elif item["t"] == "poly":
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in item["points"])
            parts.append(f'<polygon points="{points}" fill="{item["fill"]}"/>')
        else:
            weight = ' font-weight="bold"' if item["bold"] else ""
            parts.append(
                f'<text x="{item["x"]:.1f}" y="{item["y"]:.1f}" font-size="{item["size"]}" '
                f'text-anchor={quoteattr(item["anchor"])} fill="{item["fill"]}"{weight}>'
                f"{escape(item['text'])}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def to_pdf(c: Canvas, *, title: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
    from reportlab.lib import colors

    drawing = Drawing(WIDTH, c.height)
    h = c.height
    for item in c.items:
        if item["t"] == "rect":
            drawing.add(
                Rect(
                    item["x"],
                    h - item["y"] - item["h"],
                    item["w"],
                    item["h"],
                    fillColor=colors.HexColor(item["fill"]),
                    strokeColor=None,
                )
            )
        elif item["t"] == "poly":
            points: list[float] = []
            for x, y in item["points"]:
                points += [x, h - y]
            drawing.add(Polygon(points, fillColor=colors.HexColor(item["fill"]), strokeColor=None))
        else:
            drawing.add(
                String(
                    item["x"],
                    h - item["y"],
                    item["text"],
                    fontSize=item["size"],
                    fontName="Helvetica-Bold" if item["bold"] else "Helvetica",
                    fillColor=colors.HexColor(item["fill"]),
                    textAnchor=item["anchor"],
                )
            )
    buffer = io.BytesIO()
    renderPDF.drawToFile(drawing, buffer, title)
    return buffer.getvalue()


def to_png(c: Canvas, *, scale: float = 1.5) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (int(WIDTH * scale), int(c.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, Any] = {}
    for item in c.items:
        if item["t"] == "rect":
            x, y = item["x"] * scale, item["y"] * scale
            draw.rectangle([x, y, x + item["w"] * scale, y + item["h"] * scale], fill=item["fill"])
        elif item["t"] == "poly":
            draw.polygon([(x * scale, y * scale) for x, y in item["points"]], fill=item["fill"])
        else:
            size = item["size"] * scale
            font = fonts.get(size)
            if font is None:
                font = fonts[size] = ImageFont.load_default(size=size)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item["anchor"]]
            draw.text(
                (item["x"] * scale, item["y"] * scale),
                item["text"].replace("–", "-"),
                fill=item["fill"],
                font=font,
                anchor=anchor,
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
