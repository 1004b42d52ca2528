"""Harvesting cities' existing catalogues: an uploaded file, or a source (a URL with a kind, a
city, a schedule and defaults) run in the background with a report per run.

- read.py: documents → records (CKAN package_search, DCAT-AP in any RDF syntax), no database;
- fetch.py: bounded HTTP (size, time, redirects, private addresses);
- store.py: records → datasets, one savepoint per record;
- this module: the services (permission-checked) that the pages, the API, the command and the
  task call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edile.core.errors import ServiceError
from edile.datagov.harvest.fetch import fetch
from edile.datagov.harvest.read import (
    MAX_BYTES,
    HarvestRefused,
    RecordError,
    read_document,
)
from edile.datagov.harvest.store import HarvestDefaults, HarvestReport, records_store
from edile.datagov.models import (
    Dataset,
    HarvestKind,
    HarvestRun,
    HarvestRunStatus,
    HarvestSchedule,
    HarvestSource,
    Licence,
)
from edile.members.models import LocalGovernment

__all__ = [
    "MAX_BYTES",
    "HarvestDefaults",
    "HarvestRefused",
    "HarvestReport",
    "catalogue_harvest",
    "harvest_source_create",
    "harvest_source_run",
    "harvest_run_start",
    "harvest_sources_due",
]

MAX_PAGES = 100
CKAN_ROWS = 100


def _check_datasets(report: HarvestReport) -> None:
    from edile.datagov.services import datasets_check

    for start in range(0, len(report.touched), 200):
        chunk = list(Dataset.objects.filter(pk__in=report.touched[start : start + 200]))
        datasets_check(datasets=chunk)


def catalogue_harvest(
    *,
    user: Any,
    publisher: LocalGovernment,
    data: bytes,
    filename: str,
    defaults: HarvestDefaults | None = None,
) -> HarvestReport:
    """Import an uploaded catalogue file for `publisher`: every good record is imported, every
    refused one is in the report with its reason. A file that cannot be read at all raises
    HarvestRefused. Uploads never withdraw datasets (a file may be a part of a catalogue)."""
    if not user.has_perm("datagov.harvest", publisher):
        raise PermissionDenied(_("You may not harvest a catalogue for this city."))
    document = read_document(data, filename)
    if not document.records:
        raise HarvestRefused(_("The file holds no dataset."))
    defaults = defaults or HarvestDefaults()
    if not defaults.contact_email:
        # The person who uploads the file answers for records that name no contact.
        defaults = replace(defaults, contact_email=getattr(user, "email", "") or "")
    report = HarvestReport()
    records_store(records=document.records, publisher=publisher, defaults=defaults, report=report)
    _check_datasets(report)
    return report


# ---------------------------------------------------------------------------------- sources


def harvest_source_create(
    *,
    user: Any,
    publisher: LocalGovernment,
    url: str,
    kind: str,
    name: str = "",
    schedule: str = HarvestSchedule.WEEKLY,
    default_licence: str = "",
    default_contact_name: str = "",
    default_contact_email: str = "",
    default_language: str = "fr",
) -> HarvestSource:
    if not user.has_perm("datagov.harvest", publisher):
        raise PermissionDenied(_("You may not harvest a catalogue for this city."))
    from django.core.exceptions import ValidationError

    source = HarvestSource(
        publisher=publisher,
        url=url.strip(),
        kind=kind,
        name=(name or urlsplit(url).hostname or url)[:200],
        schedule=schedule,
        default_licence=default_licence,
        default_contact_name=default_contact_name,
        default_contact_email=default_contact_email,
        default_language=default_language,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        source.full_clean()
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        raise ServiceError(" ".join(messages)) from None
    source.save()
    return source


def _defaults(source: HarvestSource) -> HarvestDefaults:
    return HarvestDefaults(
        licence=source.default_licence if source.default_licence in Licence.values else "",
        contact_name=source.default_contact_name,
        contact_email=source.default_contact_email,
        language=source.default_language,
    )


def _ckan_pages(source: HarvestSource) -> Any:
    """package_search pages from the portal's root (or from an action URL given as such)."""
    url = source.url.rstrip("/")
    if "/api/3/action/package_search" not in url:
        url = f"{url}/api/3/action/package_search"
    base = url.split("?", 1)[0]
    start = 0
    for _page in range(MAX_PAGES):
        page_url = f"{base}?{urlencode({'rows': CKAN_ROWS, 'start': start})}"
        fetched = fetch(page_url, accept="application/json")
        document = read_document(
            fetched.data, "page.json", content_type="application/json", base_url=base
        )
        if not document.records and document.total is None:
            raise HarvestRefused(_("The address does not answer as a CKAN portal."))
        yield page_url, document
        start += CKAN_ROWS
        if not document.records or (document.total is not None and start >= document.total):
            return
    raise HarvestRefused(_("The source has more than %(count)s pages.") % {"count": MAX_PAGES})


def _dcat_pages(source: HarvestSource) -> Any:
    """The document, then each Hydra next page; a page seen twice ends the run (a loop)."""
    url = source.url
    seen: set[str] = set()
    for _page in range(MAX_PAGES):
        if url in seen:
            raise HarvestRefused(_("The source's pages loop back to %(url)s.") % {"url": url})
        seen.add(url)
        fetched = fetch(url)
        document = read_document(
            fetched.data,
            urlsplit(fetched.url).path,
            content_type=fetched.content_type,
            base_url=fetched.url,
        )
        yield url, document
        if not document.next_page:
            return
        url = document.next_page
    raise HarvestRefused(_("The source has more than %(count)s pages.") % {"count": MAX_PAGES})


def harvest_source_run(*, run: HarvestRun) -> HarvestRun:
    """Run a queued run (the task calls this): read every page, store every record, withdraw
    what is gone — only when every page was read, so a failed page never withdraws anything."""
    source = run.source
    run.status = HarvestRunStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    report = HarvestReport()
    defaults = _defaults(source)
    pages = _ckan_pages(source) if source.kind == HarvestKind.CKAN else _dcat_pages(source)
    complete = False
    current = source.url
    try:
        while True:
            try:
                current, document = next(pages)
            except StopIteration:
                complete = True
                break
            run.pages += 1
            records_store(
                records=document.records,
                publisher=source.publisher,
                defaults=defaults,
                report=report,
                source=source,
            )
    except HarvestRefused as exc:
        run.error = exc.message
        report.refused.append(RecordError(current, exc.message))
    if complete:
        gone = Dataset.objects.filter(harvest_source=source, withdrawn_at__isnull=True).exclude(
            identifier__in=report.seen
        )
        report.withdrawn = gone.update(withdrawn_at=timezone.now())
    _check_datasets(report)
    run.created, run.updated = report.created, report.updated
    run.unchanged, run.withdrawn = report.unchanged, report.withdrawn
    run.refused = [e.as_dict() for e in report.refused]
    run.flagged = [e.as_dict() for e in report.flagged]
    run.status = HarvestRunStatus.DONE if complete else HarvestRunStatus.FAILED
    run.finished_at = timezone.now()
    run.save()
    HarvestSource.objects.filter(pk=source.pk).update(last_run_at=run.finished_at)
    return run


def harvest_run_start(*, user: Any, source: HarvestSource) -> HarvestRun:
    """Queue a run of `source` in the background; `user` None is the scheduler."""
    if user is not None and not user.has_perm("datagov.harvest", source.publisher):
        raise PermissionDenied(_("You may not harvest a catalogue for this city."))
    from edile.datagov.tasks import run_harvest

    with transaction.atomic():
        # A run queued or running for less than an hour blocks another (an older one crashed).
        if source.runs.filter(
            status__in=[HarvestRunStatus.QUEUED, HarvestRunStatus.RUNNING],
            queued_at__gte=timezone.now() - dt.timedelta(hours=1),
        ).exists():
            raise ServiceError(_("This source is already being harvested: wait for its report."))
        run = HarvestRun.objects.create(
            source=source,
            started_by=user if getattr(user, "is_authenticated", False) else None,
        )
    # Outside the transaction: the immediate backend (tests, development) runs it right here.
    run_harvest.enqueue(run.pk)
    run.refresh_from_db()
    return run


def harvest_sources_due() -> list[HarvestSource]:
    now = timezone.now()
    return [s for s in HarvestSource.objects.filter(is_active=True) if s.is_due(now)]
