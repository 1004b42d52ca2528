"""The congress report: a page and a PDF, in the reader's language (or `?lang=`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edile.core.pdf import pdf_response
from edile.governance import report, selectors
from edile.governance.models import Meeting


class NotPublishedYet(Exception):
    pass


def _congress(request: HttpRequest, slug: str) -> Meeting:
    try:
        congress = selectors.meeting_detail(request.user, slug)
    except Meeting.DoesNotExist:
        raise Http404(_("No congress at this address.")) from None
    if not congress.is_congress:
        raise Http404(_("No congress at this address."))
    if not request.user.has_perm("governance.view_congress_report", congress):
        raise NotPublishedYet
    return congress


def _language(wanted: str) -> str:
    return "en" if wanted.startswith("en") else "fr"


def _not_yet(request: HttpRequest, slug: str) -> HttpResponse:
    congress = selectors.meeting_detail(request.user, slug)
    return render(
        request, "governance/report/not_published.html", {"congress": congress}, status=404
    )


def congress_report(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        congress = _congress(request, slug)
    except NotPublishedYet:
        return _not_yet(request, slug)
    record = report.congress_report(congress, language=_language(get_language() or "fr"))
    return render(
        request,
        "governance/report/congress_report.html",
        {
            "report": record,
            "grants_summary": report.grants_summary(record),
            "is_over": report.congress_is_over(congress),
        },
    )


def congress_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        congress = _congress(request, slug)
    except NotPublishedYet:
        return _not_yet(request, slug)
    # The page is in the reader's language; the PDF in either (`?lang=fr` or `?lang=en`).
    language = _language(request.GET.get("lang", "")[:5] or get_language() or "fr")
    record = report.congress_report(congress, language=language)
    return pdf_response(
        report.congress_report_pdf(record), f"congress-report-{congress.slug}-{language}"
    )
