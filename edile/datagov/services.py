"""Writes of the data governance module: keyword-only, typed, atomic, permission-checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edile.accounts.models import RoleCode
from edile.accounts.selectors import users_with_role
from edile.core import retention
from edile.core.concurrency import save_versioned
from edile.core.errors import ConflictError, ServiceError
from edile.core.uploads import upload_check
from edile.datagov.models import (
    AccessRequest,
    AccessRequestStatus,
    ActionStatus,
    Classification,
    ColumnType,
    DataDictionary,
    Dataset,
    DictionaryColumn,
    Distribution,
    DistributionFormat,
    DownloadLog,
    Keyword,
    MaturityAssessment,
    MaturityDescriptor,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    ProcessingRecord,
    RetentionAction,
    RetentionPolicy,
    Roadmap,
    RoadmapAction,
    Theme,
)
from edile.datagov.selectors import csv_columns_inferred
from edile.members.models import LocalGovernment

logger = logging.getLogger(__name__)

DATASET_FIELDS = (
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "quality_notes_fr",
    "quality_notes_en",
    "contact_name",
    "contact_email",
    "keywords",
    "spatial_local_government",
    "spatial_country",
    "temporal_start",
    "temporal_end",
    "frequency",
    "licence",
    "classification",
    "issued",
    "modified",
    "steward",
    "identifier",
)


# ---------------------------------------------------------------------------------- datasets


def _unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:100] or "dataset"
    slug = base
    while Dataset.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base[:100]}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


def _apply_fields(dataset: Dataset, data: dict[str, Any]) -> None:
    for name in DATASET_FIELDS:
        if name in data:
            value = data[name]
            setattr(
                dataset,
                name,
                "" if value is None and name in {"identifier", "spatial_country"} else value,
            )
    # Only the per-language columns are written: assigning `title` would write the active
    # language's column (modeltranslation), and reading it falls back from one to the other.
    if not (dataset.title_fr or dataset.title_en or dataset.title_other):
        raise ServiceError(_("Give the dataset a title, in French or in English."))
    try:
        validate_email(dataset.contact_email)
    except ValidationError:
        raise ServiceError(_("Give a valid contact e-mail address.")) from None
    if not (dataset.description_fr or dataset.description_en or dataset.description_other):
        raise ServiceError(_("Describe the dataset, in French or in English."))
    if (
        dataset.temporal_start
        and dataset.temporal_end
        and dataset.temporal_end < dataset.temporal_start
    ):
        raise ServiceError(_("The temporal coverage cannot end before it starts."))
    if dataset.modified < dataset.issued:
        raise ServiceError(_("A dataset cannot be modified before it is issued."))


def dataset_create(
    *,
    user: Any,
    publisher: LocalGovernment | None,
    data: dict[str, Any],
    themes: list[str] | None = None,
    check: bool = True,
) -> Dataset:
    """Publish a dataset for `publisher` (None: the association)."""
    if not user.has_perm("datagov.publish_for", publisher):
        raise PermissionDenied(_("You may not publish datasets for this publisher."))
    with transaction.atomic():
        dataset = Dataset(publisher=publisher)
        _apply_fields(dataset, data)
        dataset.slug = _unique_slug(f"{publisher.slug if publisher else 'aimf'} {dataset.title}")
        dataset.save()
        if themes is not None:
            dataset.themes.set(Theme.objects.filter(code__in=themes))
        dataset_keywords_sync(dataset=dataset)
    if check:
        dataset_check(dataset=dataset)
    return dataset


def dataset_update(
    *,
    user: Any,
    dataset: Dataset,
    data: dict[str, Any],
    expected_version: int,
    themes: list[str] | None = None,
    check: bool = True,
) -> Dataset:
    if not user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    with transaction.atomic():
        before = {name: getattr(dataset, name) for name in DATASET_FIELDS}
        before_themes = sorted(dataset.themes.values_list("code", flat=True))
        _apply_fields(dataset, data)
        if dataset.source_hash:
            # A harvested dataset: what the steward changes is local, and a re-harvest keeps it.
            changed = [n for n in DATASET_FIELDS if getattr(dataset, n) != before[n]]
            if themes is not None and sorted(themes) != before_themes:
                changed.append("themes")
            dataset.local_fields = sorted(set(dataset.local_fields or []) | set(changed))
        save_versioned(dataset, expected_version=expected_version)
        if themes is not None:
            dataset.themes.set(Theme.objects.filter(code__in=themes))
        if dataset.keywords != before["keywords"]:
            dataset_keywords_sync(dataset=dataset)
    if check:
        dataset_check(dataset=dataset)
    return dataset


def dataset_keywords_sync(
    *, dataset: Dataset, tagged: Iterable[tuple[str, str]] | None = None
) -> list[Keyword]:
    """Link the dataset to its keywords in the Keyword table, creating the missing ones.

    `tagged` is (label, language) pairs (a harvested record's own tags); without it, the typed
    `keywords` in the dataset's language (French when it has a French title). One keyword per
    folded key: "Données" and "donnees" are the same. A label the keyword lacks in that language
    is added; an existing label is kept (staff correct labels in the admin). Called by the
    services that save a dataset, which have checked the permission. Constant queries.
    """
    from edile.datagov.search import fold

    if tagged is None:
        lang = "fr" if dataset.title_fr or not dataset.title_en else "en"
        tagged = [(label, lang) for label in dataset.keyword_list]
    wanted: dict[str, dict[str, str]] = {}
    for label, lang in tagged:
        label = label.strip()[:200]
        key = fold(label)[:200]
        if key and lang in {"fr", "en"}:
            wanted.setdefault(key, {}).setdefault(lang, label)
    existing = {k.key: k for k in Keyword.objects.filter(key__in=wanted)}
    missing = [
        Keyword(
            key=key,
            label=next(iter(labels.values())),
            label_fr=labels.get("fr", ""),
            label_en=labels.get("en", ""),
        )
        for key, labels in wanted.items()
        if key not in existing
    ]
    if missing:
        Keyword.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {k.key: k for k in Keyword.objects.filter(key__in=wanted)}
    changed = []
    for key, labels in wanted.items():
        keyword = existing[key]
        added = False
        for lang, label in labels.items():
            if not getattr(keyword, f"label_{lang}"):
                setattr(keyword, f"label_{lang}", label)
                added = True
        if added:
            changed.append(keyword)
    if changed:
        Keyword.objects.bulk_update(changed, ["label_fr", "label_en"])
    keywords = [existing[key] for key in wanted]
    dataset.keyword_tags.set(keywords)
    return keywords


def dataset_check(*, dataset: Dataset) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Run the DCAT-AP shapes on the dataset and keep what the publisher has to fix."""
    return datasets_check(datasets=[dataset])[dataset.pk]


def datasets_check(
    *, datasets: list[Dataset]
) -> dict[int, tuple[list[dict[str, str]], list[dict[str, str]]]]:
    from edile.datagov.exports import validate_datasets

    if not datasets:
        return {}
    fresh = list(
        Dataset.objects.filter(pk__in=[d.pk for d in datasets])
        .select_related("publisher")
        .prefetch_related("themes", "distributions", "keyword_tags")
    )
    results = validate_datasets(fresh)
    for pk, (errors, warnings) in results.items():
        # A plain UPDATE: the check is not an edit, it must not bump the version editors hold.
        Dataset.objects.filter(pk=pk).update(dcat_errors=errors, dcat_warnings=warnings)
    return results


# ----------------------------------------------------------------------------- distributions

ALLOWED_UPLOADS = {
    ".csv": DistributionFormat.CSV,
    ".json": DistributionFormat.JSON,
    ".geojson": DistributionFormat.GEOJSON,
    ".xlsx": DistributionFormat.XLSX,
    ".ods": DistributionFormat.ODS,
    ".xml": DistributionFormat.XML,
    ".pdf": DistributionFormat.PDF,
    ".zip": DistributionFormat.ZIP,
}
# What we serve each format as: never a type that a browser would render or run.
SAFE_CONTENT_TYPES = {
    DistributionFormat.CSV: "text/csv; charset=utf-8",
    DistributionFormat.JSON: "application/json",
    DistributionFormat.GEOJSON: "application/geo+json",
    DistributionFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DistributionFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    DistributionFormat.XML: "application/xml",
    DistributionFormat.PDF: "application/pdf",
    DistributionFormat.ZIP: "application/zip",
}


def _check_upload(upload: UploadedFile) -> str:
    """The platform's one upload check (core.uploads: size, extension, content sniffed), then
    the format the extension stands for."""
    info = upload_check(upload, extensions=tuple(ALLOWED_UPLOADS))
    return ALLOWED_UPLOADS[info.extension]


def distribution_add_file(
    *, user: Any, dataset: Dataset, upload: UploadedFile, title: str = ""
) -> Distribution:
    """Attach an uploaded file after checking its size and type; record size and checksum."""
    if not user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    fmt = _check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        dist = Distribution(
            dataset=dataset,
            title=title[:250],
            format=fmt,
            media_type=SAFE_CONTENT_TYPES[fmt].split(";")[0],
            byte_size=upload.size,
            checksum=digest.hexdigest(),
        )
        # Store under a random name: the uploader's file name never decides a path.
        dist.file.save(
            f"{get_random_string(16)}{PurePath(upload.name).suffix.lower()}", upload, save=False
        )
        dist.save()
        Dataset.objects.filter(pk=dataset.pk).update(
            modified=max(dataset.modified, dt.date.today())
        )
    dataset_check(dataset=dataset)
    return dist


def distribution_add_link(
    *, user: Any, dataset: Dataset, url: str, fmt: str, title: str = ""
) -> Distribution:
    if not user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    if not url.startswith(("https://", "http://")):
        raise ServiceError(_("A link starts with https:// or http://."))
    if fmt not in DistributionFormat.values:
        raise ServiceError(_("Unknown format %(format)s.") % {"format": fmt})
    dist = Distribution.objects.create(dataset=dataset, title=title[:250], url=url, format=fmt)
    dataset_check(dataset=dataset)
    return dist


def distribution_update(
    *,
    user: Any,
    distribution: Distribution,
    title: str,
    description: str = "",
    upload: UploadedFile | None = None,
    version_note: str = "",
) -> Distribution:
    """Describe one file, or replace it by a new version: the distribution keeps its number
    (and so its address in the catalogue and in harvesters); its history keeps the old size
    and checksum; the old file itself is deleted."""
    if not user.has_perm("datagov.change_dataset", distribution.dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    fmt = digest = None
    if upload is not None:
        if not distribution.file:
            raise ServiceError(_("This distribution is a link: only uploaded files are replaced."))
        if not version_note.strip():
            raise ServiceError(_("Say what changed in this version: readers see the note."))
        fmt = _check_upload(upload)
        hasher = hashlib.sha256()
        for chunk in upload.chunks():
            hasher.update(chunk)
        upload.seek(0)
        digest = hasher.hexdigest()
    with transaction.atomic():
        dist = Distribution.objects.select_for_update().get(pk=distribution.pk)
        dist.title = title.strip()[:250]
        dist.description = description.strip()
        old_name = ""
        if upload is not None and fmt is not None:
            old_name = dist.file.name
            dist.file.save(
                f"{get_random_string(16)}{PurePath(upload.name or '').suffix.lower()}",
                upload,
                save=False,
            )
            dist.format = fmt
            dist.media_type = SAFE_CONTENT_TYPES[fmt].split(";")[0]
            dist.byte_size = upload.size
            dist.checksum = digest or ""
            dist.version_note = version_note.strip()
            Dataset.objects.filter(pk=dist.dataset_id).update(modified=dt.date.today())
        dist.save()
        if old_name:
            storage = dist.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    dataset_check(dataset=distribution.dataset)
    return dist


def distribution_remove(*, user: Any, distribution: Distribution) -> None:
    if not user.has_perm("datagov.change_dataset", distribution.dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    dataset = distribution.dataset
    if distribution.file:
        distribution.file.delete(save=False)
    distribution.delete()
    dataset_check(dataset=dataset)


MAX_DICTIONARY_COLUMNS = 500


@dataclass(frozen=True)
class ColumnDescription:
    """One column as the steward describes it (the order of the list is the file's)."""

    name: str
    datatype: str = ColumnType.STRING
    unit: str = ""
    description_fr: str = ""
    description_en: str = ""


def data_dictionary_save(
    *,
    user: Any,
    distribution: Distribution,
    columns: list[ColumnDescription],
    expected_version: int,
) -> DataDictionary:
    """Write the dictionary of an uploaded CSV file: each column's name, type, unit and
    description in French and English, in the file's order. `expected_version` is the version
    read (0 when the file had no dictionary yet); a save based on an older one is refused."""
    dataset = distribution.dataset
    if not user.has_perm("datagov.describe_data", dataset):
        raise PermissionDenied(_("You may not describe the data of this dataset."))
    inferred = csv_columns_inferred(distribution)
    if inferred is None:
        raise ServiceError(_("Only uploaded CSV files have a data dictionary."))
    if not columns:
        raise ServiceError(_("A data dictionary describes at least one column."))
    if len(columns) > MAX_DICTIONARY_COLUMNS:
        raise ServiceError(
            _("A data dictionary describes at most %(n)d columns.") % {"n": MAX_DICTIONARY_COLUMNS}
        )
    names: set[str] = set()
    for column in columns:
        name = column.name.strip()
        if not name:
            raise ServiceError(_("Each column has a name."))
        if len(name) > 200 or len(column.unit.strip()) > 50:
            raise ServiceError(_("A column name has at most 200 characters, a unit 50."))
        if name in names:
            raise ServiceError(_("Two columns of a file cannot have the same name."))
        texts = (column.name, column.unit, column.description_fr, column.description_en)
        if any("\x00" in text for text in texts):
            raise ServiceError(_("A column's text cannot hold a null character."))
        if column.datatype not in ColumnType.values:
            raise ServiceError(_("Unknown type %(type)s.") % {"type": column.datatype})
        names.add(name)
    with transaction.atomic():
        dictionary = DataDictionary.objects.filter(distribution=distribution).first()
        if dictionary is None:
            if expected_version != 0:
                raise ConflictError()
            dictionary = DataDictionary(distribution=distribution, delimiter=inferred[0])
            try:
                with transaction.atomic():
                    dictionary.save()
            except IntegrityError as exc:  # someone created it in between
                raise ConflictError() from exc
        else:
            dictionary.delimiter = inferred[0]
            save_versioned(dictionary, expected_version=expected_version)
        dictionary.columns.all().delete()
        DictionaryColumn.objects.bulk_create(
            DictionaryColumn(
                dictionary=dictionary,
                position=position,
                name=column.name.strip(),
                datatype=column.datatype,
                unit=column.unit.strip(),
                description_fr=column.description_fr.strip(),
                description_en=column.description_en.strip(),
            )
            for position, column in enumerate(columns, start=1)
        )
    return dictionary


def data_access_log(*, user: Any, dataset: Dataset, distribution: Distribution | None) -> None:
    """Check that `user` may have the data; log the access when the data is not open."""
    if not user.has_perm("datagov.access_data", dataset):
        raise PermissionDenied(_("You need an approved access request to get this data."))
    if dataset.classification != Classification.OPEN:
        grant = None
        if getattr(user, "is_authenticated", False):
            grant = (
                AccessRequest.objects.filter(
                    dataset=dataset,
                    requester=user,
                    status=AccessRequestStatus.APPROVED,
                    expires_on__gte=dt.date.today(),
                )
                .order_by("-expires_on")
                .first()
            )
        DownloadLog.objects.create(
            dataset=dataset,
            distribution=distribution,
            user=user if getattr(user, "is_authenticated", False) else None,
            access_request=grant,
        )


# ----------------------------------------------------------------------------- notifications


def _site_url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return settings.EDILE_BASE_URL + reverse(name, args=args)


def deciders_of(dataset: Dataset) -> list[Any]:
    """Who decides on a dataset's requests: its steward; without one, the publishing city's
    focal points; without those, the secretariat."""
    if dataset.steward_id is not None:
        return [dataset.steward]
    if dataset.publisher_id is not None:
        focal = list(users_with_role(RoleCode.FOCAL_POINT, dataset.publisher_id))
        if focal:
            return focal
    return list(users_with_role(RoleCode.SECRETARIAT))


def _notify(recipients: Iterable[Any], subject: Callable[[], str], body: Callable[[], str]) -> None:
    """E-mail each recipient in their own language. The site's e-mail backend only enqueues a
    task (in the same transaction, with the database task backend), so nothing is sent for a
    write that rolls back, and no request waits for the mail server."""
    from django.core.mail import send_mail

    for person in recipients:
        if person is None or not getattr(person, "email", ""):
            continue
        with translation.override(getattr(person, "preferred_language", "") or "fr"):
            subject_text, body_text = subject(), body()
        send_mail(subject_text, body_text, None, [person.email], fail_silently=True)


def _remind(request: AccessRequest) -> None:
    dataset = request.dataset
    expires_on = request.expires_on
    _notify(
        [request.requester],
        lambda: _("Your access to %(dataset)s ends soon") % {"dataset": dataset.display_title},
        lambda: (
            _(
                "Your access to the dataset %(dataset)s ends on %(date)s. To keep it, send a "
                "new request from the dataset's page: %(url)s"
            )
            % {
                "dataset": dataset.display_title,
                "date": formats.date_format(expires_on, "DATE_FORMAT"),
                "url": _site_url("datagov:dataset_detail", dataset.slug),
            }
        ),
    )


def access_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each holder whose access lapses within EDILE_ACCESS_REMINDER_DAYS, once."""
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=settings.EDILE_ACCESS_REMINDER_DAYS)
    due = AccessRequest.objects.filter(
        status=AccessRequestStatus.APPROVED,
        reminded_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=horizon,
    ).select_related("dataset", "requester")
    sent = 0
    for request in due:
        with transaction.atomic():
            # Claim the reminder first: two runs at once never send it twice.
            claimed = AccessRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            _remind(request)
            sent += 1
    return sent


# --------------------------------------------------------------------------- access requests

# The only moves a request can make; everything else is refused with a message.
_TRANSITIONS = {
    AccessRequestStatus.PENDING: {
        AccessRequestStatus.APPROVED,
        AccessRequestStatus.REFUSED,
        AccessRequestStatus.WITHDRAWN,
    },
    AccessRequestStatus.APPROVED: {AccessRequestStatus.WITHDRAWN, AccessRequestStatus.REVOKED},
    AccessRequestStatus.REFUSED: set(),
    AccessRequestStatus.WITHDRAWN: set(),
    AccessRequestStatus.REVOKED: set(),
}


def access_request_transition(request: AccessRequest, to: str) -> None:
    if to not in _TRANSITIONS[AccessRequestStatus(request.status)]:
        raise ServiceError(
            _("This request is %(status)s: it cannot become %(target)s.")
            % {
                "status": request.get_status_display(),
                "target": AccessRequestStatus(to).label,
            }
        )
    request.status = to


def access_request_submit(
    *,
    user: Any,
    dataset: Dataset,
    purpose: str,
    intended_use: str,
    duration_days: int,
    legal_basis: str = "",
) -> AccessRequest:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to ask for access."))
    if not user.has_perm("datagov.view_dataset", dataset):
        raise PermissionDenied(_("You may not see this dataset."))
    if dataset.classification == Classification.OPEN:
        raise ServiceError(_("This dataset is open: download it, no request is needed."))
    if user.has_perm("datagov.access_data", dataset):
        raise ServiceError(_("You already have access to this data."))
    if not purpose.strip() or not intended_use.strip():
        raise ServiceError(_("State the purpose and the intended use of the data."))
    if not 1 <= int(duration_days) <= 730:
        raise ServiceError(_("Ask for access for 1 to 730 days."))
    if dataset.classification == Classification.PERSONAL and not legal_basis:
        raise ServiceError(_("Personal data: state the legal basis of your processing."))
    with transaction.atomic():
        if (
            AccessRequest.objects.select_for_update()
            .filter(dataset=dataset, requester=user, status=AccessRequestStatus.PENDING)
            .exists()
        ):
            raise ServiceError(_("You already have a pending request for this dataset."))
        created = AccessRequest.objects.create(
            dataset=dataset,
            requester=user,
            purpose=purpose.strip(),
            intended_use=intended_use.strip(),
            duration_days=int(duration_days),
            legal_basis=legal_basis,
        )
        _notify(
            deciders_of(dataset),
            lambda: _("New access request for %(dataset)s") % {"dataset": dataset.display_title},
            lambda: (
                _(
                    "%(person)s asks for access to the dataset %(dataset)s for %(days)s days.\n\n"
                    "Purpose: %(purpose)s\n\nDecide on it in the access requests page: %(url)s"
                )
                % {
                    "person": user.get_full_name() or user.email,
                    "dataset": dataset.display_title,
                    "days": created.duration_days,
                    "purpose": created.purpose,
                    "url": _site_url("datagov:requests"),
                }
            ),
        )
        return created


def access_request_decide(
    *,
    user: Any,
    access_request: AccessRequest,
    approve: bool,
    conditions: str = "",
    reason: str = "",
    today: dt.date | None = None,
) -> AccessRequest:
    """The steward approves (with conditions; access lapses after the duration) or refuses."""
    with transaction.atomic():
        request = (
            AccessRequest.objects.select_for_update()
            .select_related("dataset")
            .get(pk=access_request.pk)
        )
        if not user.has_perm("datagov.decide_access", request.dataset):
            raise PermissionDenied(_("Only the dataset's steward decides on its access requests."))
        if approve:
            access_request_transition(request, AccessRequestStatus.APPROVED)
            request.conditions = conditions.strip()
            request.expires_on = (today or dt.date.today()) + dt.timedelta(
                days=request.duration_days
            )
        else:
            if not reason.strip():
                raise ServiceError(
                    _("Give the reason for the refusal: the requester will read it.")
                )
            access_request_transition(request, AccessRequestStatus.REFUSED)
            request.refusal_reason = reason.strip()
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save()
        dataset = request.dataset
        if request.status == AccessRequestStatus.APPROVED:
            _notify(
                [request.requester],
                lambda: (
                    _("Your access to %(dataset)s is approved") % {"dataset": dataset.display_title}
                ),
                lambda: (
                    _(
                        "Your request for the dataset %(dataset)s is approved until %(date)s.\n\n"
                        "Conditions: %(conditions)s\n\n%(url)s"
                    )
                    % {
                        "dataset": dataset.display_title,
                        "date": formats.date_format(request.expires_on, "DATE_FORMAT"),
                        "conditions": request.conditions or "—",
                        "url": _site_url("datagov:dataset_detail", dataset.slug),
                    }
                ),
            )
        else:
            _notify(
                [request.requester],
                lambda: (
                    _("Your access request for %(dataset)s is refused")
                    % {"dataset": dataset.display_title}
                ),
                lambda: (
                    _("Your request for the dataset %(dataset)s is refused.\n\nReason: %(reason)s")
                    % {"dataset": dataset.display_title, "reason": request.refusal_reason}
                ),
            )
    return request


def access_request_revoke(
    *, user: Any, access_request: AccessRequest, reason: str
) -> AccessRequest:
    """The steward ends a live access before it lapses; the requester is told why, by e-mail,
    in their own language."""
    with transaction.atomic():
        request = (
            AccessRequest.objects.select_for_update(of=("self",))
            .select_related("dataset", "requester")
            .get(pk=access_request.pk)
        )
        if not user.has_perm("datagov.decide_access", request.dataset):
            raise PermissionDenied(_("Only the dataset's steward revokes its accesses."))
        if not request.is_active():
            raise ServiceError(_("This access is not live: there is nothing to revoke."))
        if not reason.strip():
            raise ServiceError(_("Give the reason for the revocation: the requester will read it."))
        access_request_transition(request, AccessRequestStatus.REVOKED)
        request.revoked_at = timezone.now()
        request.revocation_reason = reason.strip()
        request.save()
    dataset = request.dataset
    _notify(
        [request.requester],
        lambda: (
            _("Your access to %(dataset)s has been revoked") % {"dataset": dataset.display_title}
        ),
        lambda: (
            _(
                "The steward of the dataset %(dataset)s has revoked your access.\n\n"
                "Reason: %(reason)s"
            )
            % {"dataset": dataset.display_title, "reason": request.revocation_reason}
        ),
    )
    return request


def access_request_withdraw(*, user: Any, access_request: AccessRequest) -> AccessRequest:
    if access_request.requester_id != user.pk and not user.has_perm(
        "datagov.decide_access", access_request.dataset
    ):
        raise PermissionDenied(_("You may not withdraw this request."))
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        access_request_transition(request, AccessRequestStatus.WITHDRAWN)
        request.save()
    return request


# ------------------------------------------------------------------------ register, roadmap

RECORD_FIELDS = (
    "name_fr",
    "name_en",
    "purpose_fr",
    "purpose_en",
    "legal_basis",
    "data_categories",
    "subject_categories",
    "recipients",
    "transfers",
    "retention_period",
    "security_measures",
    "dpo_contact",
)


def processing_record_save(
    *,
    user: Any,
    controller: LocalGovernment | None,
    data: dict[str, Any],
    record: ProcessingRecord | None = None,
    expected_version: int | None = None,
) -> ProcessingRecord:
    if not user.has_perm("datagov.change_register", controller):
        raise PermissionDenied(_("You may not keep this register."))
    record = record or ProcessingRecord(controller=controller)
    for name in RECORD_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    if not (record.name_fr or record.name_en) or not (record.purpose_fr or record.purpose_en):
        raise ServiceError(_("Name the processing and state its purpose."))
    datasets = list(data.get("datasets") or [])
    if any(ds.publisher_id != (controller.pk if controller else None) for ds in datasets):
        raise ServiceError(_("A record names only its controller's own datasets."))
    with transaction.atomic():
        if record.pk:
            save_versioned(record, expected_version=expected_version or record.version)
        else:
            record.save()
        if "datasets" in data:
            record.datasets.set(datasets)
    return record


ACTION_FIELDS = ("code", "title_fr", "title_en", "owner", "partner", "due_date")


def roadmap_action_save(
    *,
    user: Any,
    roadmap: Roadmap,
    data: dict[str, Any],
    action: RoadmapAction | None = None,
    expected_version: int | None = None,
) -> RoadmapAction:
    """Plan a new action of the roadmap, or change one (titles, owner, due date, status,
    evidence) with the version it was read at."""
    if not user.has_perm("datagov.change_roadmap"):
        raise PermissionDenied(_("Only the secretariat updates the roadmap."))
    action = action or RoadmapAction(roadmap=roadmap)
    for name in ACTION_FIELDS + ("status", "evidence", "evidence_url"):
        if name in data:
            setattr(action, name, data[name])
    if not (action.title_fr or action.title_en):
        raise ServiceError(_("Give the action a title, in French or in English."))
    if action.status not in ActionStatus.values:
        raise ServiceError(_("Unknown status."))
    if action.status == ActionStatus.DONE and not (
        action.evidence.strip() or action.evidence_url.strip()
    ):
        raise ServiceError(_("An action is done when its evidence is given."))
    taken = RoadmapAction.objects.filter(roadmap=roadmap, code=action.code).exclude(pk=action.pk)
    if taken.exists():
        raise ServiceError(_("An action with this code is already in the roadmap."))
    with transaction.atomic():
        if action.pk:
            return save_versioned(action, expected_version=expected_version or action.version)
        action.save()
    return action


def maturity_assessment_save(
    *,
    user: Any,
    local_government: LocalGovernment,
    assessed_on: dt.date,
    levels: dict[str, int],
    notes: str = "",
    evidence: dict[str, str] | None = None,
    is_fictional: bool = False,
) -> MaturityAssessment:
    """Record (or replace) a city's self-assessment on a date: one level per dimension."""
    if not user.has_perm("datagov.assess_maturity", local_government):
        raise PermissionDenied(
            _("Only the city's focal points and the secretariat assess its maturity.")
        )
    dimensions = {d.code: d for d in MaturityDimension.objects.all()}
    level_rows = {lv.value: lv for lv in MaturityLevel.objects.all()}
    missing = sorted(set(dimensions) - set(levels))
    if missing:
        raise ServiceError(
            _("Give a level for every dimension (missing: %(codes)s).")
            % {"codes": ", ".join(missing)}
        )
    unknown = [
        code for code, value in levels.items() if code not in dimensions or value not in level_rows
    ]
    if unknown:
        raise ServiceError(
            _("Unknown dimension or level: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        assessment, _created = MaturityAssessment.objects.update_or_create(
            local_government=local_government,
            assessed_on=assessed_on,
            defaults={"notes": notes, "is_fictional": is_fictional},
        )
        for code, value in levels.items():
            MaturityScore.objects.update_or_create(
                assessment=assessment,
                dimension=dimensions[code],
                defaults={"level": level_rows[value], "evidence": (evidence or {}).get(code, "")},
            )
    return assessment


def maturity_descriptors_save(*, user: Any, texts: dict[tuple[str, int], tuple[str, str]]) -> None:
    """What each level means on each dimension (French, English); both empty removes it."""
    if not user.has_perm("datagov.change_roadmap"):
        raise PermissionDenied(_("Only the secretariat writes the maturity framework."))
    dimensions = {d.code: d for d in MaturityDimension.objects.all()}
    levels = {lv.value: lv for lv in MaturityLevel.objects.all()}
    with transaction.atomic():
        for (code, value), (text_fr, text_en) in texts.items():
            if code not in dimensions or value not in levels:
                raise ServiceError(_("Unknown dimension or level: %(codes)s.") % {"codes": code})
            key = {"dimension": dimensions[code], "level": levels[value]}
            if text_fr or text_en:
                MaturityDescriptor.objects.update_or_create(
                    **key, defaults={"text_fr": text_fr, "text_en": text_en}
                )
            else:
                MaturityDescriptor.objects.filter(**key).delete()


# -------------------------------------------------------------------------------- retention


def purge_download_logs(*, before: dt.date, action: str) -> int:
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    expired = DownloadLog.objects.filter(at__lt=cutoff)
    if action == RetentionAction.ANONYMISE:
        return expired.filter(anonymised=False).update(user=None, anonymised=True)
    count, _detail = expired.delete()
    return count


def purge_access_requests(*, before: dt.date, action: str) -> int:
    """Closed requests (refused, withdrawn, or approved and lapsed) older than the period."""
    closed = (
        AccessRequest.objects.filter(updated_at__date__lt=before)
        .exclude(status=AccessRequestStatus.PENDING)
        .exclude(status=AccessRequestStatus.APPROVED, expires_on__gte=before)
    )
    ids = list(closed.values_list("pk", flat=True))
    if not ids:
        return 0
    # The history table holds copies of the same personal data: it goes too.
    AccessRequest.history.filter(id__in=ids).delete()
    if action == RetentionAction.ANONYMISE:
        DownloadLog.objects.filter(access_request_id__in=ids).update(user=None, anonymised=True)
        return AccessRequest.objects.filter(pk__in=ids).update(
            requester=None,
            purpose="—",
            intended_use="—",
            refusal_reason="—",
        )
    count, _detail = AccessRequest.objects.filter(pk__in=ids).delete()
    return count


@dataclass
class RetentionOutcome:
    target: str
    before: dt.date
    count: int | None  # None: skipped
    message: str = ""


def retention_apply(*, today: dt.date | None = None) -> list[RetentionOutcome]:
    """Delete or anonymise what has outlived its retention period, for every active policy."""
    today = today or dt.date.today()
    outcomes: list[RetentionOutcome] = []
    for policy in RetentionPolicy.objects.filter(is_active=True).order_by("target"):
        before = today - dt.timedelta(days=policy.period_days)
        handler = retention.handler_for(policy.target)
        if handler is None:  # the system check datagov.E001 stops start-up before this
            logger.error("Retention: no handler for %s; skipped.", policy.target)
            outcomes.append(RetentionOutcome(policy.target, before, None, "no handler"))
            continue
        with transaction.atomic():
            count = handler(before=before, action=policy.action)
        RetentionPolicy.objects.filter(pk=policy.pk).update(
            last_run_at=timezone.now(), last_run_count=count
        )
        outcomes.append(RetentionOutcome(policy.target, before, count))
    return outcomes


def retention_policy_update(
    *, user: Any, policy: RetentionPolicy, period_days: int, action: str, is_active: bool
) -> RetentionPolicy:
    if not user.has_perm("datagov.manage_retention"):
        raise PermissionDenied(_("Only the secretariat sets retention periods."))
    if period_days < 1:
        raise ServiceError(_("A retention period is at least one day."))
    if action not in RetentionAction.values:
        raise ServiceError(_("Unknown action."))
    policy.period_days = period_days
    policy.action = action
    policy.is_active = is_active
    policy.save()
    return policy
