"""Writes for the observatory: intake, triage, verification, publication, imports, benchmark.

Every write checks the actor's permission here, not only in the view, so the API, the
staff pages and the import command all obey the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role
from edile.core.concurrency import save_versioned
from edile.core.errors import ServiceError
from edile.core.imports import ImportFileError, ImportReport, RowError, read_table
from edile.members.models import Gender
from edile.observatory.models import (
    Act,
    BenchmarkSnapshot,
    ConfidentialAccess,
    Confidentiality,
    Credibility,
    DatePrecision,
    Dimension,
    FollowUp,
    ImportBatch,
    Impunity,
    Incident,
    IncidentMerge,
    IncidentResponse,
    IntakeReport,
    MotiveStatus,
    Outcome,
    Perpetrator,
    PerpetratorType,
    PlacePrecision,
    PublicationDecision,
    Reliability,
    ReportChannel,
    ReportStatus,
    Score,
    ScoreStatus,
    Source,
    VerificationStatus,
    Victim,
    VictimOffice,
    ViolationType,
    Witness,
)
from edile.observatory.permissions import can
from edile.observatory.selectors import (
    SCORE_CITE,
    SCORE_UNCITE,
    incident_visible,
    statistics_cache_invalidate,
)

# Log lines carry references and ids only: never a name, a place or a contact.
logger = logging.getLogger(__name__)

# Anonymous intake: at most this many reports per address per hour (docs/observatory.md).
REPORT_RATE_LIMIT = 5
REPORT_RATE_WINDOW = 3600


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied(_("You may not do this."))


def new_reference() -> str:
    # Random, not sequential: a reference reveals neither counts nor hidden neighbours.
    return "OBS-" + secrets.token_hex(4).upper()


# ---- Read log ------------------------------------------------------------------------------


def confidential_read_log(
    *,
    user: Any,
    what: str,
    path: str,
    incident: Incident | None = None,
    report: IntakeReport | None = None,
) -> ConfidentialAccess:
    """Record that a person read confidential data (who, what, when): the one place it is
    written. One row per read: the same person re-reading the same thing of the same
    incident within `READ_LOG_WINDOW` (an analyst saving a case section by section, each
    save showing the edit page again) is the same read, not a new row."""
    since = timezone.now() - READ_LOG_WINDOW
    recent = ConfidentialAccess.objects.filter(
        user=user, incident=incident, report=report, what=what[:200], accessed_at__gte=since
    ).first()
    if recent is not None:
        return recent
    return ConfidentialAccess.objects.create(
        user=user, incident=incident, report=report, what=what[:200], path=path[:500]
    )


READ_LOG_WINDOW = dt.timedelta(minutes=10)


# ---- Intake --------------------------------------------------------------------------------


def _rate_key(client_id: str) -> str:
    # The cache holds a hash, never the address itself.
    digest = hashlib.sha256((settings.SECRET_KEY + client_id).encode()).hexdigest()[:32]
    return f"observatory:report-rate:{digest}"


def report_rate_check(*, client_id: str) -> None:
    """Refuse when this client sent too many reports in the window (ServiceError 429)."""
    key = _rate_key(client_id)
    count = cache.get(key, 0)
    if count >= REPORT_RATE_LIMIT:
        error = ServiceError(
            _("Too many reports were sent from your connection. Please try again in an hour.")
        )
        error.status_code = 429
        raise error


def _channel_for(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ReportChannel.ANONYMOUS
    if has_role(user, RoleCode.OBSERVATORY_PARTNER):
        return ReportChannel.PARTNER
    if has_role(user, RoleCode.FOCAL_POINT):
        return ReportChannel.CITY
    return ReportChannel.OTHER


@transaction.atomic
def report_submit(*, actor: Any, data: dict[str, Any], client_id: str) -> IntakeReport:
    """Receive a report from anyone; it waits for triage and is never shown publicly."""
    report_rate_check(client_id=client_id)
    if data["date"] > timezone.localdate():
        raise ServiceError(_("The date of the incident is in the future."))
    authenticated = getattr(actor, "is_authenticated", False)
    report = IntakeReport.objects.create(
        channel=_channel_for(actor),
        submitted_by=actor if authenticated else None,
        reporter_name=data.get("reporter_name", ""),
        reporter_contact=data.get("reporter_contact", ""),
        date=data["date"],
        date_precision=data.get("date_precision") or DatePrecision.DAY,
        country=data["country"],
        place=data.get("place", ""),
        victim_name=data.get("victim_name", ""),
        victim_gender=data.get("victim_gender") or Gender.UNKNOWN,
        victim_office=data.get("victim_office") or VictimOffice.MAYOR,
        description=data["description"],
    )
    report.violation_types.set(data["violation_types"])
    key = _rate_key(client_id)
    cache.add(key, 0, REPORT_RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, REPORT_RATE_WINDOW)
    logger.info("observatory: intake report %s received (%s)", report.pk, report.channel)
    return report


def _triage(report: IntakeReport, actor: Any, status: str, incident: Incident | None) -> None:
    if report.status != ReportStatus.NEW:
        raise ServiceError(_("This report has already been triaged."))
    report.status = status
    report.incident = incident
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.save()


@transaction.atomic
def report_accept(*, actor: Any, report: IntakeReport) -> Incident:
    """Turn a report into a confidential, unpublished incident in status 'reported'."""
    _require(actor, "observatory.triage_report", report)
    report = IntakeReport.objects.select_for_update().get(pk=report.pk)
    types = list(report.violation_types.all())
    titles = {}
    for language in ("fr", "en"):
        with translation.override(language):
            titles[language] = _("%(violation)s reported in %(country)s") % {
                "violation": getattr(types[0], f"label_{language}") if types else _("Incident"),
                "country": str(report.country.name),
            }
    incident = Incident.objects.create(
        reference=new_reference(),
        title_fr=titles["fr"],
        title_en=titles["en"],
        date_start=report.date,
        date_precision=report.date_precision,
        country=report.country,
        place=report.place,
        confidentiality=Confidentiality.CONFIDENTIAL,
        location_confidentiality=Confidentiality.CONFIDENTIAL,
        private_notes=report.description,
    )
    victim = Victim.objects.create(
        incident=incident,
        name=report.victim_name,
        gender=report.victim_gender,
        office=report.victim_office,
        identity_confidentiality=Confidentiality.CONFIDENTIAL,
    )
    act = Act.objects.create(incident=incident)
    act.violation_types.set(types)
    act.victims.add(victim)
    Perpetrator.objects.create(act=act, perpetrator_type=PerpetratorType.UNKNOWN)
    _triage(report, actor, ReportStatus.ACCEPTED, incident)
    logger.info("observatory: report %s accepted as %s", report.pk, incident.reference)
    return incident


@transaction.atomic
def report_mark_duplicate(*, actor: Any, report: IntakeReport, incident: Incident) -> None:
    _require(actor, "observatory.triage_report", report)
    _triage(report, actor, ReportStatus.DUPLICATE, incident)


@transaction.atomic
def report_reject(*, actor: Any, report: IntakeReport) -> None:
    _require(actor, "observatory.triage_report", report)
    _triage(report, actor, ReportStatus.REJECTED, None)


@transaction.atomic
def anonymous_report_purge_expired(*, before: dt.date) -> int:
    """Erase the reporter's name and contact of anonymous reports received before `before`.

    Called by the datagov retention job. The report's facts (and any incident made from it)
    stay; only what identifies the reporter goes. Returns how many reports were purged.
    """
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    reports = IntakeReport.objects.filter(
        channel=ReportChannel.ANONYMOUS, created_at__lt=cutoff, contact_purged_at__isnull=True
    )
    purged = []
    now = timezone.now()
    for report in reports.select_for_update():
        report.reporter_name = ""
        report.reporter_contact = ""
        report.contact_purged_at = now
        report.save(update_fields=["reporter_name", "reporter_contact", "contact_purged_at"])
        purged.append(report.pk)
    # History rows keep old values; the reporter's name must not survive there either.
    IntakeReport.history.filter(id__in=purged).update(reporter_name="")
    count = len(purged)
    return count


# ---- Verification and publication ----------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    VerificationStatus.REPORTED: {VerificationStatus.UNDER_REVIEW},
    VerificationStatus.UNDER_REVIEW: {
        VerificationStatus.VERIFIED,
        VerificationStatus.DISPUTED,
        VerificationStatus.UNVERIFIABLE,
        VerificationStatus.REPORTED,
    },
    VerificationStatus.VERIFIED: {VerificationStatus.UNDER_REVIEW, VerificationStatus.DISPUTED},
    VerificationStatus.DISPUTED: {VerificationStatus.UNDER_REVIEW, VerificationStatus.VERIFIED},
    VerificationStatus.UNVERIFIABLE: {VerificationStatus.UNDER_REVIEW},
}


def allowed_transitions(status: str) -> list[str]:
    return sorted(TRANSITIONS.get(status, set()))


def incident_transition(
    *, actor: Any, incident: Incident, to: str, expected_version: int
) -> Incident:
    """The one place a verification status changes; refuses moves the workflow forbids."""
    _require(actor, "observatory.change_incident", incident)
    if to not in TRANSITIONS.get(incident.verification_status, set()):
        raise ServiceError(
            _("An incident cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": incident.get_verification_status_display(),
                "to": VerificationStatus(to).label if to in VerificationStatus.values else to,
            }
        )
    incident.verification_status = to
    incident.status_changed_by = actor
    incident.status_changed_at = timezone.now()
    if to != VerificationStatus.VERIFIED:
        # Only verified incidents are published (a database constraint too).
        incident.is_published = False
    save_versioned(incident, expected_version=expected_version)
    statistics_cache_invalidate()
    logger.info("observatory: %s is now %s", incident.reference, to)
    return incident


class PublicationRefused(ServiceError):
    """The publication check found hidden values in public texts; nothing was published."""

    status_code = 409

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__(
            _("Publishing would reveal hidden values: %(problems)s")
            % {"problems": " ".join(p.message() for p in problems)},
            errors=[p.message() for p in problems],
        )


@transaction.atomic
def incident_publish(
    *,
    actor: Any,
    incident: Incident,
    publish: bool,
    expected_version: int,
    override_reason: str = "",
) -> Incident:
    """Publish or withdraw an incident; the publication check runs first.

    When public texts name a hidden value (a hidden place, a victim's name, a witness), the
    publication is refused unless the analyst gives a reason to override; every decision,
    with the check's warnings and the reason, is kept (`PublicationDecision`).
    """
    from edile.observatory.models import PublicationDecision
    from edile.observatory.selectors import publication_problems

    _require(actor, "observatory.change_incident", incident)
    problems = []
    if publish:
        if incident.verification_status != VerificationStatus.VERIFIED:
            raise ServiceError(_("Only a verified incident can be published."))
        problems = publication_problems(incident)
        override_reason = override_reason.strip()
        if problems and not override_reason:
            raise PublicationRefused(problems)
    else:
        override_reason = ""
    incident.is_published = publish
    incident.published_at = timezone.now() if publish else None
    save_versioned(incident, expected_version=expected_version)
    PublicationDecision.objects.create(
        incident=incident,
        user=actor,
        published=publish,
        problems=[p.as_dict() for p in problems],
        override_reason=override_reason,
    )
    statistics_cache_invalidate()
    if problems:
        logger.warning(
            "observatory: %s published despite %s warnings of the publication check",
            incident.reference,
            len(problems),
        )
    return incident


@dataclass
class BulkPublication:
    published: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def incidents_publish_bulk(*, actor: Any, selection: list[tuple[Incident, int]]) -> BulkPublication:
    """Publish a reviewed selection of (incident, version the analyst saw) pairs.

    Each incident goes through the same check as one by one; an incident with warnings, a
    newer version or a status other than verified is left unpublished and listed with the
    reason (an override needs its own reason, on the incident's preview page).
    """
    _require(actor, "observatory.change_incident")
    result = BulkPublication()
    for incident, version in selection:
        try:
            incident_publish(actor=actor, incident=incident, publish=True, expected_version=version)
        except ServiceError as exc:
            result.refused.append((incident.reference, exc.message))
        else:
            result.published.append(incident.reference)
    return result


INCIDENT_FIELDS = (
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "confidentiality",
    "location_confidentiality",
    "date_start",
    "date_end",
    "date_precision",
    "country",
    "region",
    "place",
    "latitude",
    "longitude",
    "place_precision",
    "context",
    "killed",
    "injured",
    "motive",
    "outcome",
    "impunity",
    "private_notes",
)


def incident_update(
    *, actor: Any, incident: Incident, data: dict[str, Any], expected_version: int
) -> Incident:
    _require(actor, "observatory.change_incident", incident)
    for name in INCIDENT_FIELDS:
        if name in data:
            setattr(incident, name, data[name])
    # Never assign `title`/`summary` here: modeltranslation would write the value into the
    # current language's field (an English editor would overwrite the English title).
    if incident.date_precision == DatePrecision.RANGE and not incident.date_end:
        raise ServiceError(_("A date range needs an end date."))
    if incident.date_end and incident.date_end < incident.date_start:
        raise ServiceError(_("The end of the date range is before its start."))
    with transaction.atomic():
        try:
            save_versioned(incident, expected_version=expected_version)
        except IntegrityError:
            raise ServiceError(_("These values are not consistent; check the dates.")) from None
        _check_still_publishable(incident)
    statistics_cache_invalidate()
    return incident


def _check_still_publishable(incident: Incident) -> None:
    """A published incident's texts must keep passing the publication check after an edit."""
    from edile.observatory.selectors import publication_problems

    if not incident.is_published:
        return
    problems = publication_problems(incident)
    if problems:
        # Raising inside the caller's transaction undoes the edit.
        raise PublicationRefused(problems)


@transaction.atomic
def incident_create(*, actor: Any, data: dict[str, Any]) -> Incident:
    """Record an incident directly: confidential, unpublished, status "reported"."""
    _require(actor, "observatory.change_incident")
    values = {name: data[name] for name in INCIDENT_FIELDS if name in data}
    values = {k: v for k, v in values.items() if v is not None or k in ("date_end",)}
    if values.get("date_precision") == DatePrecision.RANGE and not values.get("date_end"):
        raise ServiceError(_("A date range needs an end date."))
    if values.get("date_end") and values["date_end"] < values["date_start"]:
        raise ServiceError(_("The end of the date range is before its start."))
    if values["date_start"] > timezone.localdate():
        raise ServiceError(_("The date of the incident is in the future."))
    incident = Incident.objects.create(
        reference=new_reference(),
        verification_status=VerificationStatus.REPORTED,
        is_published=False,
        **values,
    )
    statistics_cache_invalidate()
    logger.info("observatory: %s created directly", incident.reference)
    return incident


@transaction.atomic
def victim_update(
    *, actor: Any, victim: Victim, data: dict[str, Any], expected_version: int | None = None
) -> Victim:
    """Edit a victim; from the edit page, version-checked like every part of a case."""
    _require(actor, "observatory.change_incident", victim.incident)
    if expected_version is not None:
        _part_write(actor, victim.incident, expected_version)
    for name in ("name", "gender", "office", "mandate", "identity_confidentiality", "contact"):
        if name in data:
            setattr(victim, name, data[name])
    victim.save()
    _check_still_publishable(victim.incident)
    statistics_cache_invalidate()
    return victim


@transaction.atomic
def victim_link(
    *,
    actor: Any,
    incident: Incident,
    victim: Victim,
    data: dict[str, Any],
    expected_version: int,
) -> Victim:
    """Link a victim to a person and/or a local government of the members registry.

    Only the keys present in `data` change (`None` removes a link). Version-checked like
    every part of a case; a published incident whose public texts would then name a hidden
    victim's registry name or town is refused (the publication check), and nothing is saved.
    """
    if victim.incident_id != incident.pk:
        raise ServiceError(_("This victim belongs to another incident."))
    _part_write(actor, incident, expected_version)
    for name in ("person", "local_government"):
        if name in data:
            setattr(victim, name, data[name])
    victim.save()
    _check_still_publishable(incident)
    statistics_cache_invalidate()
    logger.info("observatory: %s victim %s linked to the registry", incident.reference, victim.pk)
    return victim


def _response_target(actor: Any, resolution: Any, project: Any) -> dict[str, Any]:
    """The one record a response points to, checked against what the analyst may link."""
    from edile.governance.selectors import resolution_list
    from edile.grants.selectors import projects

    if (resolution is None) == (project is None):
        raise ServiceError(_("Choose one resolution or one grant project."))
    if resolution is not None:
        # Governance decides which resolutions a person may see (drafts are its staff's).
        if not resolution_list(actor).prefetch_related(None).filter(pk=resolution.pk).exists():
            raise ServiceError(_("This resolution is not one you may link."))
        return {"resolution": resolution, "project": None}
    # Only a funded project has a public page to link to.
    if not projects().filter(pk=project.pk).exists():
        raise ServiceError(_("Only a funded grant project can be linked."))
    return {"resolution": None, "project": project}


@transaction.atomic
def incident_response_add(
    *, actor: Any, incident: Incident, resolution: Any = None, project: Any = None
) -> tuple[IncidentResponse, bool]:
    """Link a resolution or a grant project that responds to the incident (analysts).

    Idempotent: linking what is already linked changes nothing and answers `created=False`,
    so a form sent twice never doubles a link. The link's history is kept (simple-history).
    """
    _require(actor, "observatory.change_incident", incident)
    target = _response_target(actor, resolution, project)
    response, created = IncidentResponse.objects.get_or_create(
        incident=incident, **target, defaults={"created_by": actor}
    )
    if created:
        logger.info("observatory: %s response %s added", incident.reference, response.pk)
    return response, created


@transaction.atomic
def incident_response_remove(
    *, actor: Any, incident: Incident, resolution: Any = None, project: Any = None
) -> bool:
    """Remove the link to a resolution or a grant project; idempotent (False: there was none)."""
    _require(actor, "observatory.change_incident", incident)
    if (resolution is None) == (project is None):
        raise ServiceError(_("Choose one resolution or one grant project."))
    found = IncidentResponse.objects.filter(
        incident=incident, resolution=resolution, project=project
    )
    removed = False
    for response in found:
        # One by one, so that simple-history records each removal.
        response.delete()
        removed = True
    if removed:
        logger.info("observatory: %s response removed", incident.reference)
    return removed


@transaction.atomic
def victim_add(*, actor: Any, incident: Incident, data: dict[str, Any]) -> Victim:
    _require(actor, "observatory.change_incident", incident)
    victim = Victim.objects.create(
        incident=incident,
        **{k: data.get(k, "") for k in ("name", "mandate", "contact")},
        gender=data["gender"],
        office=data["office"],
        identity_confidentiality=data["identity_confidentiality"],
    )
    statistics_cache_invalidate()
    return victim


@transaction.atomic
def act_add(*, actor: Any, incident: Incident, data: dict[str, Any]) -> Act:
    """Record one more act: its violation types, victims and one alleged perpetrator."""
    _require(actor, "observatory.change_incident", incident)
    victims = list(data["victims"])
    if any(v.incident_id != incident.pk for v in victims):
        raise ServiceError(_("A victim of another incident cannot be part of this act."))
    act = Act.objects.create(incident=incident, description=data.get("description", ""))
    act.violation_types.set(data["violation_types"])
    act.victims.set(victims)
    Perpetrator.objects.create(
        act=act,
        perpetrator_type=data["perpetrator_type"],
        description=data.get("perpetrator_description", ""),
    )
    statistics_cache_invalidate()
    return act


@transaction.atomic
def witness_add(*, actor: Any, incident: Incident, data: dict[str, Any]) -> Witness:
    _require(actor, "observatory.change_incident", incident)
    return Witness.objects.create(
        incident=incident,
        name=data["name"],
        contact=data.get("contact", ""),
        statement=data.get("statement", ""),
    )


@transaction.atomic
def source_add(*, actor: Any, incident: Incident, data: dict[str, Any]) -> Source:
    _require(actor, "observatory.change_incident", incident)
    return Source.objects.create(incident=incident, **data)


@transaction.atomic
def follow_up_add(*, actor: Any, incident: Incident, data: dict[str, Any]) -> FollowUp:
    _require(actor, "observatory.change_incident", incident)
    values = {name: data[name] for name in PART_FIELDS[FollowUp] if name in data}
    return FollowUp.objects.create(incident=incident, **values)


PART_FIELDS: dict[type, tuple[str, ...]] = {
    Witness: ("name", "contact", "statement"),
    Source: (
        "source_type",
        "title",
        "url",
        "document",
        "published_on",
        "reliability",
        "credibility",
        "confidentiality",
    ),
    # Never `description`: modeltranslation would write it into the editor's language.
    FollowUp: ("kind", "date", "description_fr", "description_en", "url", "confidentiality"),
}


def _part_write(actor: Any, incident: Incident, expected_version: int) -> None:
    """Check the analyst's right and the version the edit page was read at; bump it.

    A change of any part of a case is a change of the case: the incident's version (and its
    history) move with it, so two analysts cannot silently overwrite each other's parts.
    """
    _require(actor, "observatory.change_incident", incident)
    save_versioned(incident, expected_version=expected_version)


@transaction.atomic
def part_update(
    *, actor: Any, incident: Incident, part: Any, data: dict[str, Any], expected_version: int
) -> Any:
    """Edit an act (with its alleged perpetrator), a witness, a source or a follow-up."""
    if part.incident_id != incident.pk:
        raise ServiceError(_("This item belongs to another incident."))
    _part_write(actor, incident, expected_version)
    if isinstance(part, Act):
        victims = list(data["victims"])
        if any(v.incident_id != incident.pk for v in victims):
            raise ServiceError(_("A victim of another incident cannot be part of this act."))
        part.description = data.get("description", "")
        part.save()
        part.violation_types.set(data["violation_types"])
        part.victims.set(victims)
        perpetrator = part.perpetrators.order_by("pk").first() or Perpetrator(act=part)
        perpetrator.perpetrator_type = data["perpetrator_type"]
        perpetrator.description = data.get("perpetrator_description", "")
        perpetrator.save()
    else:
        for name in PART_FIELDS[type(part)]:
            if name in data:
                setattr(part, name, data[name])
        part.save()
    _check_still_publishable(incident)
    statistics_cache_invalidate()
    logger.info("observatory: %s %s %s edited", incident.reference, type(part).__name__, part.pk)
    return part


@transaction.atomic
def part_delete(*, actor: Any, incident: Incident, part: Any, expected_version: int) -> None:
    """Remove an act, a witness, a source or a follow-up (the incident's history keeps it)."""
    if part.incident_id != incident.pk:
        raise ServiceError(_("This item belongs to another incident."))
    _part_write(actor, incident, expected_version)
    kind, pk = type(part).__name__, part.pk
    part.delete()
    statistics_cache_invalidate()
    logger.info("observatory: %s %s %s deleted", incident.reference, kind, pk)


@transaction.atomic
def victim_delete(*, actor: Any, incident: Incident, victim: Victim, expected_version: int) -> None:
    """Remove a victim recorded twice (after a merge, say); the incident's history keeps it.

    Refused while the victim is the only victim of an act (edit or remove the act first) or
    the incident's only victim: a case never loses the person its acts are against.
    """
    if victim.incident_id != incident.pk:
        raise ServiceError(_("This victim belongs to another incident."))
    _require(actor, "observatory.change_incident", incident)
    if incident.victims.count() == 1:
        raise ServiceError(_("An incident keeps at least one victim: edit this one instead."))
    alone = [
        act
        for act in Act.objects.filter(incident=incident, victims=victim)
        if act.victims.count() == 1
    ]
    if alone:
        raise ServiceError(
            _("This victim is the only victim of act %(acts)s: edit or remove the act first.")
            % {"acts": ", ".join(str(a.pk) for a in alone)}
        )
    _part_write(actor, incident, expected_version)
    pk = victim.pk
    victim.delete()
    _check_still_publishable(incident)
    statistics_cache_invalidate()
    logger.info("observatory: %s Victim %s deleted", incident.reference, pk)


MERGED_PARTS = (
    ("victims", Victim),
    ("acts", Act),
    ("sources", Source),
    ("witnesses", Witness),
    ("follow_ups", FollowUp),
    ("reports", IntakeReport),
    ("responses", IncidentResponse),
    # The de facto scores citing the absorbed incident cite the kept one instead.
    ("score_citations", Score.incidents.through),
)


@transaction.atomic
def incident_merge(
    *,
    actor: Any,
    kept: Incident,
    absorbed: Incident,
    kept_version: int,
    absorbed_version: int,
    reason: str = "",
) -> IncidentMerge:
    """Merge `absorbed` into `kept`: every victim, act, source, witness, follow-up, report and
    response (a linked resolution or grant project) moves to `kept`; `absorbed` stays (unpublished, `merged_into`, no longer counted) and the
    merge records what came from where, so that `incident_merge_undo` can take it back."""
    _require(actor, "observatory.change_incident", kept)
    if kept.pk == absorbed.pk:
        raise ServiceError(_("Choose two different incidents."))
    if kept.merged_into_id or absorbed.merged_into_id:
        raise ServiceError(_("One of these incidents has already been merged into another."))
    save_versioned(kept, expected_version=kept_version)
    save_versioned(absorbed, expected_version=absorbed_version)
    moved: dict[str, list[int]] = {}
    for name, model in MERGED_PARTS:
        rows = model.objects.filter(incident=absorbed)
        if model is IncidentResponse:
            # A resolution or project already linked to the kept incident stays linked once;
            # the absorbed incident's own link stays with it (hidden, given back on undo).
            kept_links = IncidentResponse.objects.filter(incident=kept)
            rows = rows.exclude(
                resolution__in=kept_links.exclude(resolution=None).values("resolution")
            ).exclude(project__in=kept_links.exclude(project=None).values("project"))
        if model is Score.incidents.through:
            # A score citing both keeps its citation of the kept incident once.
            rows = rows.exclude(
                score__in=Score.incidents.through.objects.filter(incident=kept).values("score")
            )
        moved[name] = sorted(rows.values_list("pk", flat=True))
        rows.update(incident=kept)
    state = {
        "is_published": absorbed.is_published,
        "verification_status": absorbed.verification_status,
        "reference": absorbed.reference,
    }
    if absorbed.is_published:
        PublicationDecision.objects.create(
            incident=absorbed,
            user=actor,
            published=False,
            override_reason=f"merged into {kept.reference}",
        )
    Incident.objects.filter(pk=absorbed.pk).update(
        is_published=False, published_at=None, merged_into=kept
    )
    absorbed.refresh_from_db()
    absorbed.save()  # one line of the absorbed incident's history says it was merged
    _check_still_publishable(kept)
    merge = IncidentMerge.objects.create(
        kept=kept,
        absorbed=absorbed,
        merged_by=actor,
        moved=moved,
        absorbed_state=state,
        reason=reason[:2000],
    )
    statistics_cache_invalidate()
    logger.info("observatory: %s merged into %s", absorbed.reference, kept.reference)
    return merge


@transaction.atomic
def incident_merge_undo(*, actor: Any, merge: IncidentMerge) -> None:
    """Take back what a merge moved; the absorbed incident is its own record again
    (unpublished: it is published again only through its preview)."""
    _require(actor, "observatory.change_incident", merge.kept)
    merge = IncidentMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ServiceError(_("This merge has already been undone."))
    kept, absorbed = merge.kept, merge.absorbed
    for name, model in MERGED_PARTS:
        ids = merge.moved.get(name, [])
        model.objects.filter(pk__in=ids, incident=kept).update(incident=absorbed)
    Incident.objects.filter(pk=absorbed.pk).update(merged_into=None)
    absorbed.refresh_from_db()
    absorbed.version += 1
    absorbed.save()
    kept.version += 1
    kept.save()
    merge.undone_by = actor
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    statistics_cache_invalidate()
    logger.info("observatory: merge %s undone", merge.pk)


# ---- Import --------------------------------------------------------------------------------
# Columns, matching and grouping: docs/observatory.md ("Importing a spreadsheet") and
# docs/decisions/observatory-import.md.

IMPORT_REQUIRED = ("date", "country", "violation_types")
# Facts of the incident: rows sharing an `incident_ref` must agree on them.
INCIDENT_COLUMNS = (
    "date",
    "date_precision",
    "country",
    "region",
    "place",
    "latitude",
    "longitude",
    "place_precision",
    "confidentiality",
    "verification_status",
    "motive",
    "impunity",
    "outcome",
    "summary_fr",
    "summary_en",
)
# Facts of one row: each row adds its victim, its act and its source to the incident, and
# its killed and injured to the incident's counts.
ROW_COLUMNS = (
    "incident_ref",
    "killed",
    "injured",
    "victim_name",
    "victim_gender",
    "victim_office",
    "violation_types",
    "perpetrator_type",
    "source_title",
    "source_url",
    "source_reliability",
    "source_credibility",
)
IMPORT_COLUMNS = INCIDENT_COLUMNS + ROW_COLUMNS
_DATE_PATTERNS = {
    "day": re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"),
    "month": re.compile(r"^\d{4}-\d{1,2}(-\d{1,2})?$"),
    "year": re.compile(r"^\d{4}(-\d{1,2}-\d{1,2})?$"),
}
_OTHER_DATES = (
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),  # 12/04/2023 (day first)
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
)
MAX_TEXT = 5000
MAX_COUNT = 100_000
_SHORT_TEXT = {
    "place": 200,
    "region": 200,
    "victim_name": 200,
    "source_title": 300,
    "incident_ref": 100,
}


def _parse_date(value: str, precision: str) -> dt.date:
    value = value.strip()
    # A time after an ISO date (an Excel cell with a time, "2023-04-12 00:00:00").
    value = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?$", r"\1", value)
    for pattern in _OTHER_DATES:
        found = pattern.match(value)
        if found and precision == DatePrecision.DAY:
            value = "{y}-{m}-{d}".format(**found.groupdict())
    date_pattern = _DATE_PATTERNS.get(precision)
    if date_pattern is None or not date_pattern.match(value):
        raise ValueError(
            _(
                "date “%(value)s” does not match the precision “%(precision)s” "
                "(use YYYY-MM-DD, YYYY-MM or YYYY)"
            )
            % {"value": value, "precision": precision}
        )
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ValueError(_("“%(value)s” is not a real date") % {"value": value}) from None


def _choice(row: dict[str, str], column: str, allowed: list[str], default: str) -> str:
    """A code from a closed list, in any case ("Verified", "ARMED_GROUP" and "verified")."""
    raw = row.get(column, "").strip()
    value = (raw.replace(" ", "_").replace("-", "_") if raw else str(default)).lower()
    by_lower = {a.lower(): a for a in allowed}
    if value not in by_lower:
        raise ValueError(
            _("unknown %(column)s “%(value)s” (allowed: %(allowed)s)")
            % {
                "column": column,
                "value": raw,
                "allowed": ", ".join(a for a in allowed if a) or "—",
            }
        )
    return by_lower[value]


def _count(row: dict[str, str], column: str) -> int:
    raw = row.get(column, "").strip()
    if not raw:
        return 0
    if not re.match(r"^\d{1,6}(\.0+)?$", raw) or int(float(raw)) > MAX_COUNT:
        raise ValueError(
            _("“%(value)s” is not a number of people (a whole number from 0 to %(max)s)")
            % {"value": raw, "max": MAX_COUNT}
        )
    return int(float(raw))


def _coordinate(row: dict[str, str], column: str, bound: int) -> Decimal | None:
    raw = row.get(column, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not -bound <= value <= bound:
        raise ValueError(
            _("“%(value)s” is not a %(column)s in decimal degrees (from -%(bound)s to %(bound)s)")
            % {"value": raw, "column": column, "bound": bound}
        )
    return value.quantize(Decimal("0.000001"))


def _import_row(
    row: dict[str, str], vocabulary: dict[str, ViolationType], *, continuation: bool = False
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row's values, and every (column, message) wrong in it (all of them, not the first).

    A `continuation` row (an `incident_ref` already met) may leave the incident's facts
    empty: they come from the incident's first row."""
    from edile.observatory.country_names import country_code

    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []

    def check(column: str, read: Any) -> Any:
        try:
            return read()
        except ValueError as exc:
            errors.append((column, str(exc)))
            return None

    for column in IMPORT_REQUIRED:
        if continuation and column in INCIDENT_COLUMNS:
            continue
        if not row.get(column):
            errors.append((column, _("the column “%(column)s” is empty") % {"column": column}))
    for column in ("summary_fr", "summary_en", *_SHORT_TEXT):
        limit = _SHORT_TEXT.get(column, MAX_TEXT)
        if len(row.get(column, "")) > limit:
            errors.append(
                (
                    column,
                    _("the column “%(column)s” is too long (at most %(limit)s characters)")
                    % {"column": column, "limit": limit},
                )
            )
    precision = check(
        "date_precision",
        lambda: _choice(row, "date_precision", ["day", "month", "year"], "day"),
    )
    if row.get("date") and precision:
        date = check("date", lambda: _parse_date(row["date"], precision))
        if date and date > timezone.localdate():
            errors.append(("date", _("the date is in the future")))
        values["date"] = date
    values["date_precision"] = precision
    if row.get("country"):
        country = country_code(row["country"])
        if country is None:
            errors.append(
                (
                    "country",
                    _(
                        "unknown country code or name “%(value)s”: write an ISO code "
                        "(ML, MX) or the country's name in French or English"
                    )
                    % {"value": row["country"]},
                )
            )
        values["country"] = country
    if row.get("violation_types"):
        codes = [c.strip().lower() for c in row["violation_types"].split(";") if c.strip()]
        unknown = [c for c in codes if c not in vocabulary]
        if unknown or not codes:
            errors.append(
                (
                    "violation_types",
                    _("unknown violation type “%(value)s” (allowed: %(allowed)s)")
                    % {
                        "value": ", ".join(unknown) or "—",
                        "allowed": ", ".join(sorted(vocabulary)),
                    },
                )
            )
        values["violation_types"] = [vocabulary[c] for c in codes if c in vocabulary]
    values["killed"] = check("killed", lambda: _count(row, "killed")) or 0
    values["injured"] = check("injured", lambda: _count(row, "injured")) or 0
    values["latitude"] = check("latitude", lambda: _coordinate(row, "latitude", 90))
    values["longitude"] = check("longitude", lambda: _coordinate(row, "longitude", 180))
    if (row.get("latitude") or "") and not (row.get("longitude") or ""):
        errors.append(("longitude", _("a latitude needs its longitude")))
    if (row.get("longitude") or "") and not (row.get("latitude") or ""):
        errors.append(("latitude", _("a longitude needs its latitude")))
    if (row.get("latitude") or row.get("longitude")) and not row.get("place_precision"):
        errors.append(
            (
                "place_precision",
                _("say how precise the coordinates are (%(allowed)s)")
                % {"allowed": ", ".join(PlacePrecision.values)},
            )
        )
    choices: dict[str, tuple[list[str], str]] = {
        "place_precision": (list(PlacePrecision.values), PlacePrecision.MUNICIPALITY),
        "victim_gender": (list(Gender.values), "unknown"),
        "victim_office": (list(VictimOffice.values), "mayor"),
        "perpetrator_type": (list(PerpetratorType.values), "unknown"),
        "confidentiality": (list(Confidentiality.values), Confidentiality.CONFIDENTIAL),
        "verification_status": (list(VerificationStatus.values), VerificationStatus.REPORTED),
        "motive": (list(MotiveStatus.values), MotiveStatus.UNCONFIRMED),
        "impunity": (list(Impunity.values), ""),
        "outcome": (list(Outcome.values), ""),
        "source_reliability": (list(Reliability.values), Reliability.F),
        "source_credibility": (list(Credibility.values), Credibility.UNKNOWN),
    }
    for column, (allowed, default) in choices.items():
        values[column] = check(column, lambda c=column, a=allowed, d=default: _choice(row, c, a, d))
    source_url = row.get("source_url", "")
    if source_url and (not re.match(r"^https?://\S+$", source_url) or len(source_url) > 500):
        errors.append(("source_url", _("source_url must start with http:// or https://")))
    values.update(
        {
            "incident_ref": row.get("incident_ref", "")[:100],
            "region": row.get("region", "")[:200],
            "place": row.get("place", "")[:200],
            "victim_name": row.get("victim_name", "")[:200],
            "summary_fr": row.get("summary_fr", "")[:MAX_TEXT],
            "summary_en": row.get("summary_en", "")[:MAX_TEXT],
            "source_title": row.get("source_title", "")[:300],
            "source_url": source_url[:500],
        }
    )
    return values, errors


@dataclass
class PlannedIncident:
    """One incident an import would create: its rows, facts and possible duplicates."""

    lines: list[int]
    values: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def killed(self) -> int:
        return sum(r["killed"] for r in self.rows)

    @property
    def injured(self) -> int:
        return sum(r["injured"] for r in self.rows)

    @property
    def victim_names(self) -> list[str]:
        return [r["victim_name"] for r in self.rows if r["victim_name"]]


def _group_rows(
    parsed: list[tuple[int, dict[str, Any], dict[str, str]]],
) -> tuple[list[PlannedIncident], list[RowError]]:
    """Rows sharing an `incident_ref` make one incident; they must agree on its facts."""
    planned: list[PlannedIncident] = []
    by_ref: dict[str, PlannedIncident] = {}
    errors: list[RowError] = []
    for line, values, raw in parsed:
        ref = values["incident_ref"].strip().casefold()
        group = by_ref.get(ref) if ref else None
        if group is None:
            group = PlannedIncident(lines=[line], values=values, rows=[values])
            planned.append(group)
            if ref:
                by_ref[ref] = group
            continue
        for column in INCIDENT_COLUMNS:
            if raw.get(column) and values[column] != group.values[column]:
                errors.append(
                    RowError(
                        line,
                        _(
                            "“%(value)s” differs from line %(first)s of the same incident_ref "
                            "“%(ref)s”: rows of one incident share its facts"
                        )
                        % {
                            "value": raw[column],
                            "first": group.lines[0],
                            "ref": raw["incident_ref"],
                        },
                        column,
                    )
                )
        group.lines.append(line)
        group.rows.append(values)
    return planned, errors


def _status_for(values: dict[str, Any], confirm_verified: bool) -> str:
    # A file cannot make anything verified: only the importing analyst's confirmation can.
    return values["verification_status"] if confirm_verified else VerificationStatus.REPORTED


def _planned_facts(plan: PlannedIncident) -> Any:
    from edile.observatory import duplicates

    values = plan.values
    return duplicates.Facts(
        obj=None,
        country=str(values["country"]),
        span=duplicates.date_span(values["date"], None, values["date_precision"]),
        names=plan.victim_names,
        places=[values["place"]] if values["place"] else [],
    )


def _create_from_import(
    plan: PlannedIncident, *, actor: Any, batch: ImportBatch, confirm_verified: bool
) -> Incident:
    values = plan.values
    first = values["violation_types"][0]
    status = _status_for(values, confirm_verified)
    with translation.override("fr"):
        title_fr = f"{first.label_fr} — {dict(countries)[values['country']]}"
    with translation.override("en"):
        title_en = f"{first.label_en} — {dict(countries)[values['country']]}"
    incident = Incident.objects.create(
        reference=new_reference(),
        title_fr=title_fr,
        title_en=title_en,
        summary_fr=values["summary_fr"],
        summary_en=values["summary_en"],
        date_start=values["date"],
        date_precision=values["date_precision"],
        country=values["country"],
        region=values["region"],
        place=values["place"],
        latitude=values["latitude"],
        longitude=values["longitude"],
        place_precision=values["place_precision"],
        confidentiality=values["confidentiality"],
        location_confidentiality=values["confidentiality"],
        killed=plan.killed,
        injured=plan.injured,
        motive=values["motive"],
        impunity=values["impunity"],
        outcome=values["outcome"],
        verification_status=status,
        status_changed_by=actor if status != VerificationStatus.REPORTED else None,
        status_changed_at=timezone.now() if status != VerificationStatus.REPORTED else None,
        import_batch=batch,
    )
    urls: set[str] = set()
    for row in plan.rows:
        act = Act.objects.create(incident=incident)
        act.violation_types.set(row["violation_types"])
        if row["victim_name"] or row["victim_office"]:
            victim = Victim.objects.create(
                incident=incident,
                name=row["victim_name"],
                gender=row["victim_gender"],
                office=row["victim_office"],
                identity_confidentiality=values["confidentiality"],
            )
            act.victims.add(victim)
        Perpetrator.objects.create(act=act, perpetrator_type=row["perpetrator_type"])
        key = row["source_url"] or row["source_title"]
        if key and key not in urls:
            urls.add(key)
            Source.objects.create(
                incident=incident,
                url=row["source_url"],
                title=row["source_title"],
                reliability=row["source_reliability"] or Reliability.F,
                credibility=row["source_credibility"] or Credibility.UNKNOWN,
                confidentiality=values["confidentiality"],
            )
    return incident


@dataclass
class IncidentImportReport(ImportReport):
    """An import's report, with (for a dry run) what each incident would become."""

    dry_run: bool = False
    planned: list[dict[str, Any]] = field(default_factory=list)
    # Lines refused, with their errors (the dry run shows them beside the plan).
    refused: list[int] = field(default_factory=list)
    # After a real import: (new reference, references of incidents it may duplicate).
    possible_duplicates: list[tuple[str, list[str]]] = field(default_factory=list)
    batch: ImportBatch | None = None
    # An earlier import of the very same file that was not undone.
    same_file: ImportBatch | None = None


def _planned_dict(
    plan: PlannedIncident, confirm_verified: bool, rule: Any, seen: list[tuple[int, Any]]
) -> dict[str, Any]:
    """What a dry run shows of one incident: its facts and the records it may duplicate."""
    from edile.observatory import duplicates

    values = plan.values
    facts = _planned_facts(plan)
    found = duplicates.candidates(facts, rule)
    return {
        "line": plan.lines[0],
        "lines": plan.lines,
        "date": values["date"],
        "date_precision": values["date_precision"],
        "country": str(dict(countries)[values["country"]]),
        "country_code": values["country"],
        "region": values["region"],
        "place": values["place"],
        "victim_name": ", ".join(plan.victim_names),
        "victims": len(plan.rows),
        "killed": plan.killed,
        "injured": plan.injured,
        "motive": MotiveStatus(values["motive"]).label,
        "status": VerificationStatus(_status_for(values, confirm_verified)).label,
        "status_in_file": values["verification_status"],
        "violation_types": sorted(
            {str(v.label) for row in plan.rows for v in row["violation_types"]}
        ),
        "duplicates": [i.reference for i, _reasons in found],
        "duplicate_reasons": {i.reference: reasons for i, reasons in found},
        "duplicate_lines": [
            earlier for earlier, other in seen if duplicates.match(facts, other, rule)
        ],
    }


def import_mapping_parse(text: str) -> dict[str, str]:
    """Parse a column mapping, one ``their header = our column`` per line (case-insensitive).

    Raises ``ValueError`` with a message naming the bad line or the unknown column.
    """
    mapping: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        theirs, sep, ours = line.partition("=")
        theirs, ours = theirs.strip().lower(), ours.strip().lower()
        if not sep or not theirs or not ours:
            raise ValueError(
                _("Mapping line %(number)s: write “their header = our column”.")
                % {"number": number}
            )
        if ours not in IMPORT_COLUMNS:
            raise ValueError(
                _("Mapping line %(number)s: “%(column)s” is not one of our columns (%(allowed)s).")
                % {"number": number, "column": ours, "allowed": ", ".join(IMPORT_COLUMNS)}
            )
        mapping[theirs] = ours
    return mapping


def import_headers(*, data: bytes, filename: str) -> list[str]:
    """The file's headers (lower case), for the column-mapping step."""
    try:
        rows = read_table(data, filename)
    except ImportFileError as exc:
        raise ServiceError(str(exc)) from None
    return list(rows[0][1]) if rows else []


def incidents_import(
    *,
    actor: Any,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    confirm_verified: bool = False,
) -> IncidentImportReport:
    """Import partners' incidents: all rows or none; every error of every row reported.

    Rows sharing an ``incident_ref`` become one incident with several victims and acts.
    Imported incidents are never published, and stay "reported" unless the importing
    analyst confirms the file's verification statuses (``confirm_verified``: recorded on
    the batch and on each incident, who and when). With ``dry_run`` nothing is saved: the
    report lists what each incident would be, the records it may duplicate and the refused
    rows. A real import is an `ImportBatch`, which `import_batch_undo` can take back.
    """
    if actor is not None:
        _require(actor, "observatory.import_incidents")
    elif confirm_verified:
        raise ServiceError(_("Only a signed-in analyst can confirm verified statuses."))
    report = IncidentImportReport(dry_run=dry_run)
    try:
        rows = read_table(data, filename)
    except ImportFileError as exc:
        raise ServiceError(str(exc)) from None
    if not rows:
        raise ServiceError(_("The file has no rows."))
    if mapping:
        # A file whose headers differ: each of their headers renamed to one of our columns.
        rows = [(line, {mapping.get(k, k): v for k, v in row.items()}) for line, row in rows]
    headers = set(rows[0][1])
    missing = [c for c in IMPORT_REQUIRED if c not in headers]
    if missing:
        raise ServiceError(
            _(
                "Missing columns: %(columns)s. The file's columns are: %(found)s; "
                "map them to ours in the column mapping."
            )
            % {"columns": ", ".join(missing), "found": ", ".join(sorted(headers)) or "—"}
        )
    from edile.observatory import duplicates

    digest = hashlib.sha256(data).hexdigest()
    report.same_file = (
        ImportBatch.objects.filter(digest=digest, undone_at__isnull=True)
        .select_related("imported_by")
        .first()
    )
    vocabulary = {v.code.lower(): v for v in ViolationType.objects.all()}
    rule = duplicates.DuplicateRule.current()
    parsed = []
    refs: set[str] = set()
    for line, row in rows:
        ref = row.get("incident_ref", "").strip().casefold()
        values, errors = _import_row(row, vocabulary, continuation=ref in refs)
        if ref:
            refs.add(ref)
        if errors:
            report.refused.append(line)
            report.errors.extend(RowError(line, message, column) for column, message in errors)
        else:
            parsed.append((line, values, row))
    plans, group_errors = _group_rows(parsed)
    report.errors.extend(group_errors)
    report.refused = sorted(set(report.refused) | {e.line for e in group_errors})
    report.errors.sort(
        key=lambda e: (e.line, IMPORT_COLUMNS.index(e.column) if e.column in IMPORT_COLUMNS else -1)
    )
    if dry_run:
        seen: list[tuple[int, Any]] = []
        for plan in plans:
            report.planned.append(_planned_dict(plan, confirm_verified, rule, seen))
            seen.append((plan.lines[0], _planned_facts(plan)))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            imported_by=actor,
            filename=filename[:255],
            digest=digest,
            rows=len(rows),
            verified_confirmed=confirm_verified,
        )
        created = []
        for plan in plans:
            incident = _create_from_import(
                plan, actor=actor, batch=batch, confirm_verified=confirm_verified
            )
            created.append(incident)
            report.created += 1
            found = duplicates.candidates(duplicates.incident_facts(incident), rule)
            found = [(i, r) for i, r in found if i.import_batch_id != batch.pk]
            if found:
                report.possible_duplicates.append(
                    (incident.reference, [i.reference for i, _reasons in found])
                )
        batch.created_count = len(created)
        batch.versions = {str(i.pk): _import_fingerprint(i) for i in created}
        batch.sealed_at = timezone.now()
        batch.save()
        report.batch = batch
    statistics_cache_invalidate()
    logger.info("observatory: %s incidents imported (batch %s)", report.created, batch.pk)
    return report


def _import_fingerprint(incident: Incident) -> dict[str, int]:
    """What must be unchanged for an import to be undone: the version and the parts."""
    return {
        "version": Incident.objects.values_list("version", flat=True).get(pk=incident.pk),
        "parts": sum(
            model.objects.filter(incident=incident).count()
            for model in (Victim, Act, Source, Witness, FollowUp, IntakeReport)
        ),
    }


def import_batch_changed(batch: ImportBatch) -> list[str]:
    """References of the batch's incidents changed since the import (they block its undo)."""
    changed = []
    later = batch.sealed_at or batch.imported_at
    for incident in batch.incidents.all():
        recorded = batch.versions.get(str(incident.pk), {})
        touched = (
            incident.is_published
            or incident.published_at is not None
            or incident.merged_into_id is not None
            or IncidentMerge.objects.filter(kept=incident).exists()
            or PublicationDecision.objects.filter(incident=incident).exists()
            or _import_fingerprint(incident) != recorded
            or any(
                model.objects.filter(incident=incident, updated_at__gt=later).exists()
                for model in (Victim, Act, Source)
            )
            or Perpetrator.objects.filter(act__incident=incident, updated_at__gt=later).exists()
        )
        if touched:
            changed.append(incident.reference)
    return changed


class ImportUndoRefused(ServiceError):
    status_code = 409


@transaction.atomic
def import_batch_undo(*, actor: Any, batch: ImportBatch) -> int:
    """Delete the incidents an import created, while none of them has been changed,
    merged or published since; the batch stays, marked undone (who, when). Returns how many
    incidents were deleted."""
    _require(actor, "observatory.import_incidents")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at:
        raise ImportUndoRefused(_("This import has already been undone."))
    changed = import_batch_changed(batch)
    if changed:
        raise ImportUndoRefused(
            _(
                "This import cannot be undone: these incidents were changed, merged or "
                "published since: %(references)s. Withdraw or edit them one by one instead."
            )
            % {"references": ", ".join(changed)}
        )
    incidents = list(batch.incidents.all())
    for incident in incidents:
        incident.delete()
    batch.undone_by = actor
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_by", "undone_at"])
    statistics_cache_invalidate()
    logger.info("observatory: import batch %s undone (%s incidents)", batch.pk, len(incidents))
    return len(incidents)


# ---- Legal benchmark -----------------------------------------------------------------------

SCORE_FIELDS = (
    "status",
    "value",
    "citation",
    "excerpt",
    "url",
    "text_date",
    "coder",
    "reviewer",
    "government_reply",
)


def score_update(*, actor: Any, score: Score, data: dict[str, Any], expected_version: int) -> Score:
    _require(actor, "observatory.change_score", score)
    for name in SCORE_FIELDS:
        if name in data:
            setattr(score, name, data[name])
    if score.status != ScoreStatus.SCORED:
        score.value = None
    elif score.value is None or not 0 <= score.value <= 3:
        raise ServiceError(_("A scored criterion needs a value from 0 to 3."))
    save_versioned(score, expected_version=expected_version)
    return score


@transaction.atomic
def score_incident_change(
    *, actor: Any, score: Score, reference: str, cite: bool, expected_version: int
) -> Incident:
    """Cite (or stop citing) an incident as evidence of a de facto score; kept in its history.

    The incident is looked up among those `actor` may see (the incidents' own rule), in the
    score's country only."""
    _require(actor, "observatory.change_score", score)
    if score.dimension != Dimension.DE_FACTO:
        raise ServiceError(_("Only a de facto score cites incidents; a de jure score cites texts."))
    reference = reference.strip()
    if not reference:
        raise ServiceError(_("Give the reference of an incident."))
    incident = incident_visible(actor).filter(reference__iexact=reference).first()
    if incident is None:
        raise ServiceError(_("No incident has the reference “%(value)s”.") % {"value": reference})
    if incident.country != score.country:
        raise ServiceError(
            _("Incident %(reference)s is about %(country)s, not %(score_country)s.")
            % {
                "reference": incident.reference,
                "country": incident.country.name,
                "score_country": score.country.name,
            }
        )
    cited = score.incidents.filter(pk=incident.pk).exists()
    if cite and cited:
        raise ServiceError(
            _("Incident %(reference)s is already cited.") % {"reference": incident.reference}
        )
    if not cite and not cited:
        raise ServiceError(
            _("Incident %(reference)s is not cited by this score.")
            % {"reference": incident.reference}
        )
    if cite:
        score.incidents.add(incident)
    else:
        score.incidents.remove(incident)
    score._change_reason = f"{SCORE_CITE if cite else SCORE_UNCITE}:{incident.reference}"  # type: ignore[attr-defined]
    save_versioned(score, expected_version=expected_version)
    return incident


@transaction.atomic
def benchmark_country_add(*, actor: Any, country: str) -> int:
    """Open a country for coding: every criterion, de jure and de facto, starts as unknown."""
    from edile.observatory.models import Criterion

    _require(actor, "observatory.change_score")
    if country.upper() not in dict(countries):
        raise ServiceError(_("unknown country code “%(value)s”") % {"value": country})
    created = 0
    for criterion in Criterion.objects.all():
        for dimension in ("de_jure", "de_facto"):
            _score, was_created = Score.objects.get_or_create(
                country=country.upper(),
                criterion=criterion,
                dimension=dimension,
                defaults={"status": ScoreStatus.UNKNOWN, "value": None},
            )
            created += was_created
    return created


@transaction.atomic
def benchmark_snapshot_take(*, actor: Any, year: int) -> int:
    """Freeze this year's computed scores of every country; returns how many countries."""
    from edile.observatory.selectors import benchmark

    if actor is not None:
        _require(actor, "observatory.change_score")
    data = benchmark()
    for country in data["countries"]:
        BenchmarkSnapshot.objects.update_or_create(
            year=year,
            country=country["country"],
            defaults={
                "data": {
                    "index_de_jure": country["index_de_jure"],
                    "index_de_facto": country["index_de_facto"],
                    "pillars": [
                        {"code": p["code"], "de_jure": p["de_jure"], "de_facto": p["de_facto"]}
                        for p in country["pillars"]
                    ],
                }
            },
        )
    return len(data["countries"])


def parse_weights(params: dict[str, str], pillar_codes: list[str]) -> dict[str, Decimal]:
    """Weights from `w_<pillar>` parameters (0–10); refuses anything else with a message."""
    weights: dict[str, Decimal] = {}
    for code in pillar_codes:
        raw = params.get(f"w_{code}")
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ServiceError(
                _("The weight of “%(pillar)s” is not a number.") % {"pillar": code}
            ) from None
        if not value.is_finite() or value < 0 or value > 10:
            raise ServiceError(
                _("The weight of “%(pillar)s” must be between 0 and 10.") % {"pillar": code}
            )
        weights[code] = value
    return weights


# ---- Vocabulary ----------------------------------------------------------------------------


VOCABULARY_FIELDS = {
    "violation-types": ["label_fr", "label_en", "definition_fr", "definition_en", "order"],
    "pillars": ["name_fr", "name_en", "description_fr", "description_en", "weight", "order"],
    "criteria": ["pillar", "name_fr", "name_en", "question_fr", "question_en", "weight", "order"],
}


@transaction.atomic
def vocabulary_save(*, actor: Any, kind: str, term: Any, data: dict[str, Any]) -> Any:
    """Create or edit a violation type, a pillar or a criterion (analysts)."""
    perm = (
        "observatory.change_incident" if kind == "violation-types" else "observatory.change_score"
    )
    _require(actor, perm)
    creating = term.pk is None
    if creating:
        code = data.get("code", "")
        if type(term)._default_manager.filter(code=code).exists():
            raise ServiceError(_("This code is already used."))
        term.code = code
    for name in VOCABULARY_FIELDS[kind]:
        if name in data:
            setattr(term, name, data[name])
    term.save()
    statistics_cache_invalidate()
    logger.info(
        "observatory: vocabulary %s %s %s", kind, term.code, "created" if creating else "edited"
    )
    return term


@transaction.atomic
def vocabulary_sync() -> int:
    """Create or update the violation types, pillars and criteria of `vocabulary.py`.

    The seed migration does this once; tests that flush the database (browser tests) and
    deployments that add terms call it again. Returns how many terms were created.
    """
    from edile.observatory.models import Criterion, Pillar
    from edile.observatory.vocabulary import (
        PILLARS,
        VENICE_DISMISSAL_CRITERIA_TEXT,
        VIOLATION_TYPES,
    )

    questions = {c: (q_en, q_fr) for c, _en, _fr, q_en, q_fr in VENICE_DISMISSAL_CRITERIA_TEXT}

    created = 0
    for order, (code, en, fr, def_en, def_fr) in enumerate(VIOLATION_TYPES):
        # get_or_create: terms an analyst edited on the vocabulary pages keep their edits.
        _term, was_created = ViolationType.objects.get_or_create(
            code=code,
            defaults={
                "order": order,
                "label": fr,
                "label_fr": fr,
                "label_en": en,
                "definition": def_fr,
                "definition_fr": def_fr,
                "definition_en": def_en,
            },
        )
        created += was_created
    for p_order, (code, en, fr, weight, criteria) in enumerate(PILLARS):
        pillar, was_created = Pillar.objects.get_or_create(
            code=code,
            defaults={"order": p_order, "name": fr, "name_fr": fr, "name_en": en, "weight": weight},
        )
        created += was_created
        for c_order, (c_code, c_en, c_fr) in enumerate(criteria):
            _criterion, was_created = Criterion.objects.get_or_create(
                code=c_code,
                defaults={
                    "pillar": pillar,
                    "order": c_order,
                    "name": c_fr,
                    "name_fr": c_fr,
                    "name_en": c_en,
                    "question": questions.get(c_code, ("", ""))[1],
                    "question_fr": questions.get(c_code, ("", ""))[1],
                    "question_en": questions.get(c_code, ("", ""))[0],
                },
            )
            created += was_created
    return created
