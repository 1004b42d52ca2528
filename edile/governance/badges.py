"""PDF documents of the governance module: the badge with its QR code, and the minutes."""

from __future__ import annotations

import io

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import cm
from reportlab.platypus import Image, Spacer

from edile.core.pdf import build_pdf, paragraph
from edile.governance.models import Minutes, Registration


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def type_name(registration: Registration) -> str:
    """The registration type's name in the active language (its code for a row that has no
    type, written outside the registration service)."""
    if registration.registration_type_id is not None:
        return str(registration.registration_type.name)
    return registration.type


def badge_pdf(registration: Registration) -> bytes:
    """An A4 page with the badge: name, city, type, and the QR code the check-in desk scans.

    The QR code carries only the registration's random code, never personal data.
    """
    with translation.override(registration.language):
        city = registration.local_government or registration.organisation
        flowables = [
            paragraph(f"{registration.given_name} {registration.family_name}", "Heading1"),
            paragraph(str(city or ""), "Heading2"),
            paragraph(type_name(registration), "Heading3"),
            Spacer(1, 0.5 * cm),
            Image(io.BytesIO(qr_png(str(registration.token))), width=5 * cm, height=5 * cm),
            paragraph(str(registration.token), "Code"),
        ]
        return build_pdf(str(registration.congress), flowables, language=registration.language)


def minutes_pdf(minutes: Minutes, language: str) -> bytes:
    with translation.override(language):
        flowables = []
        if minutes.status == "draft":
            flowables.append(paragraph(_("Draft: not approved yet."), "Italic"))
        for block in minutes.text(language).split("\n\n"):
            lines = block.strip().splitlines()
            if not lines:
                continue
            if lines[0].startswith("## "):
                flowables.append(paragraph(lines[0][3:], "Heading2"))
                lines = lines[1:]
            for line in lines:
                flowables.append(paragraph(line))
        title = _("Minutes: %(meeting)s") % {"meeting": minutes.meeting}
        return build_pdf(title, flowables, language=language)
