"""Storing harvested records: one savepoint per record (a bad record never blocks the others),
updates matched on (publisher, identifier), the steward's local edits kept, distributions
matched on their source identifier so that their addresses stay stable across runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from edile.datagov.harvest.read import EU_LANGUAGES, Record, RecordError, Text
from edile.datagov.models import Dataset, Distribution, Licence, Theme
from edile.datagov.services import dataset_keywords_sync
from edile.members.models import LocalGovernment


@dataclass(frozen=True)
class HarvestDefaults:
    """What a source supplies for what its records lack."""

    licence: str = ""
    contact_name: str = ""
    contact_email: str = ""
    language: str = "fr"  # the language of untagged text ("" = unknown)


@dataclass
class HarvestReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    refused: list[RecordError] = field(default_factory=list)
    flagged: list[RecordError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    touched: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "refused": [e.as_dict() for e in self.refused],
            "flagged": [e.as_dict() for e in self.flagged],
        }


# ------------------------------------------------------------------------------ languages


def _declared(record: Record, default: str) -> str:
    """The language of the record's untagged text: its one declared language, else the
    source's default ("" when unknown)."""
    if len(record.languages) == 1:
        code = record.languages[0]
        return EU_LANGUAGES.get(code, code.lower()[:3])
    return default


def split_languages(texts: list[Text], untagged: str) -> tuple[str, str, dict[str, str]]:
    """(French, English, {other language: text}): French and English only from French and
    English; text of unknown language is kept under `und` (ISO 639 "undetermined")."""
    fr = en = ""
    other: dict[str, str] = {}
    for text in texts:
        lang = (text.lang or untagged or "und").split("-", 1)[0].lower()
        if lang == "fr":
            fr = fr or text.value
        elif lang == "en":
            en = en or text.value
        else:
            other.setdefault(lang, text.value)
    return fr, en, other


def _prefer(texts: list[Text], untagged: str) -> tuple[str, str]:
    """One text for a single-language field (a file's title), and its language."""
    fr, en, other = split_languages(texts, untagged)
    if fr:
        return fr, "fr"
    if en:
        return en, "en"
    for lang, value in other.items():
        return value, "" if lang == "und" else lang
    return "", ""


# --------------------------------------------------------------------------------- values


def dataset_values(
    record: Record, defaults: HarvestDefaults, publisher: LocalGovernment
) -> tuple[dict[str, Any], list[str], list[str]]:
    """(field values, refusal reasons, notes) for one record."""
    problems: list[str] = []
    notes = list(record.notes)
    untagged = _declared(record, defaults.language)
    title_fr, title_en, title_other = split_languages(record.titles, untagged)
    desc_fr, desc_en, desc_other = split_languages(record.descriptions, untagged)
    if not record.identifier:
        problems.append(_("no identifier"))
    if not (title_fr or title_en or title_other):
        problems.append(_("no title"))
    if not (desc_fr or desc_en or desc_other):
        notes.append(_("no description at the source"))
    licence, licence_uri = record.licence, record.licence_uri
    if not licence:
        if defaults.licence:
            licence = defaults.licence
            notes.append(_("no licence at the source: the source's default licence applies"))
        else:
            problems.append(_("no licence, and the source has no default licence"))
    contact_name, contact_email = record.contact_name, record.contact_email
    try:
        validate_email(contact_email)
    except ValidationError:
        fallback = defaults.contact_email
        try:
            validate_email(fallback)
        except ValidationError:
            problems.append(_("no valid contact e-mail address, and the source has no default one"))
        else:
            contact_email = fallback
            contact_name = contact_name or defaults.contact_name
            notes.append(_("no valid contact e-mail address: the source's default is used"))
    issued, modified = record.issued, record.modified
    if issued and modified and modified < issued:
        notes.append(
            _("modified (%(modified)s) before issued (%(issued)s): modified set to issued")
            % {"modified": modified, "issued": issued}
        )
        modified = issued
    start, end = record.temporal_start, record.temporal_end
    if start and end and end < start:
        notes.append(_("temporal coverage ends before it starts: its end is left out"))
        end = None
    keywords: list[str] = []
    keywords_other: dict[str, list[str]] = {}
    keyword_pairs: list[tuple[str, str]] = []  # French and English ones keep their language
    for text in record.keywords:
        lang = (text.lang or untagged or "und").split("-", 1)[0].lower()
        if lang in {"fr", "en"}:
            keyword_pairs.append((text.value, lang))
            if text.value not in keywords:
                keywords.append(text.value)
        else:
            keywords_other.setdefault(lang, [])
            if text.value not in keywords_other[lang]:
                keywords_other[lang].append(text.value)
    keyword_text = ""
    for keyword in keywords:
        candidate = f"{keyword_text}, {keyword}" if keyword_text else keyword
        if len(candidate) > 500:
            notes.append(_("some keywords left out (500 characters at most)"))
            break
        keyword_text = candidate
    values: dict[str, Any] = {
        "title_fr": title_fr[:250],
        "title_en": title_en[:250],
        "title_other": {k: v[:250] for k, v in title_other.items()},
        "description_fr": desc_fr,
        "description_en": desc_en,
        "description_other": desc_other,
        "keywords": keyword_text,
        "keywords_other": keywords_other,
        "keyword_pairs": keyword_pairs,
        "themes": sorted(record.themes),
        "hvd_categories": record.hvd_categories,
        "licence": licence,
        "licence_uri": licence_uri[:500] if licence == Licence.OTHER else "",
        "classification": record.classification,
        "frequency": record.frequency,
        "issued": issued,
        "modified": modified,
        "contact_name": (contact_name or publisher.name)[:200],
        "contact_email": contact_email,
        "landing_page": record.landing_page[:500] if _is_web(record.landing_page) else "",
        "languages": record.languages,
        "source_publisher_name": record.publisher_name[:250],
        "source_publisher_uri": record.publisher_uri[:500] if _is_web(record.publisher_uri) else "",
        "spatial_uri": record.spatial_uri[:500] if _is_web(record.spatial_uri) else "",
        "spatial_geometry": record.spatial_geometry,
        "temporal_start": start,
        "temporal_end": end,
    }
    return values, problems, notes


_check_url = URLValidator(schemes=["http", "https"])


def _is_web(url: str) -> bool:
    if not url:
        return False
    try:
        _check_url(url)
    except ValidationError:
        return False
    return True


def _fingerprint(record: Record, defaults: HarvestDefaults) -> str:
    data = json.dumps([asdict(record), asdict(defaults)], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


# ---------------------------------------------------------------------------------- store


def records_store(
    *,
    records: list[Record | RecordError],
    publisher: LocalGovernment,
    defaults: HarvestDefaults,
    report: HarvestReport,
    source: Any = None,
) -> HarvestReport:
    """Create, update or leave each record; refusals and notes go into `report`."""
    from edile.datagov.services import _unique_slug

    themes = {t.code: t for t in Theme.objects.all()}
    for item in records:
        if isinstance(item, RecordError):
            report.refused.append(item)
            continue
        label = item.identifier or item.source_uri or "?"
        if item.identifier and item.identifier in report.seen:
            report.refused.append(RecordError(label, _("appears twice in the catalogue")))
            continue
        values, problems, notes = dataset_values(item, defaults, publisher)
        if problems:
            report.refused.append(RecordError(label, "; ".join(problems)))
            continue
        report.seen.add(item.identifier)
        fingerprint = _fingerprint(item, defaults)
        try:
            with transaction.atomic():
                outcome, dataset, link_notes = _store_one(
                    item, values, fingerprint, publisher, source, themes, _unique_slug
                )
        except (IntegrityError, DatabaseError, ValidationError, ValueError) as exc:
            report.refused.append(
                RecordError(label, _("could not be stored (%(error)s)") % {"error": exc})
            )
            continue
        notes += link_notes
        if outcome == "unchanged":
            report.unchanged += 1
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.touched.append(dataset.pk)
        if notes:
            report.flagged.append(RecordError(label, "; ".join(notes)))
    return report


def _store_one(
    record: Record,
    values: dict[str, Any],
    fingerprint: str,
    publisher: LocalGovernment,
    source: Any,
    themes: dict[str, Theme],
    unique_slug: Any,
) -> tuple[str, Dataset, list[str]]:
    dataset = (
        Dataset.objects.select_for_update()
        .filter(publisher=publisher, identifier=record.identifier)
        .first()
    )
    if (
        dataset is not None
        and dataset.source_hash == fingerprint
        and dataset.withdrawn_at is None
        and (source is None or dataset.harvest_source_id == source.pk)
    ):
        return "unchanged", dataset, []
    created = dataset is None
    if dataset is None:
        dataset = Dataset(publisher=publisher, identifier=record.identifier)
    local = set(dataset.local_fields or [])
    values = dict(values)
    theme_codes = values.pop("themes")
    keyword_pairs = values.pop("keyword_pairs", [])
    issued, modified = values.pop("issued"), values.pop("modified")
    for name, value in values.items():
        if name not in local:
            setattr(dataset, name, value)
    today = dt.date.today()
    if "issued" not in local:
        dataset.issued = issued or (dataset.issued if not created else None) or today
    if "modified" not in local:
        dataset.modified = modified or today
    dataset.modified = max(dataset.modified, dataset.issued)
    dataset.spatial_local_government = dataset.spatial_local_government or publisher
    dataset.source_uri = record.source_uri[:500]
    dataset.source_hash = fingerprint
    dataset.withdrawn_at = None
    dataset.harvest_flags = record.notes
    if source is not None:
        dataset.harvest_source = source
    if created:
        title = (
            values["title_fr"] or values["title_en"] or next(iter(values["title_other"].values()))
        )
        dataset.slug = unique_slug(f"{publisher.slug} {title}")
    else:
        dataset.version += 1
    dataset.full_clean(
        exclude=["slug", "uuid", "steward", "publisher", "harvest_source", "title", "description"],
        validate_unique=False,
        validate_constraints=False,
    )
    dataset.save()
    if "themes" not in local:
        dataset.themes.set([themes[c] for c in theme_codes if c in themes])
    # The steward's own keywords (local) are synced by the service that saved them.
    if "keywords" not in local:
        dataset_keywords_sync(dataset=dataset, tagged=keyword_pairs)
    link_notes = _store_distributions(dataset, record, values)
    return ("created" if created else "updated"), dataset, link_notes


def _store_distributions(dataset: Dataset, record: Record, values: dict[str, Any]) -> list[str]:
    """Links from the source, matched on their identifier: updated in place (same address),
    added, or removed when gone; files uploaded here and links added here are kept."""
    notes: list[str] = []
    untagged = _declared(record, "")
    existing = {
        d.identifier: d for d in dataset.distributions.filter(file="").exclude(identifier="")
    }
    keep: set[str] = set()
    for dist in record.distributions:
        if not _is_web(dist.url):
            notes.append(
                _("file %(file)s left out: its link is not a web address")
                % {"file": (dist.identifier or dist.url or "?")[:100]}
            )
            continue
        ident = (dist.identifier or dist.url)[:500]
        if ident in keep:
            continue
        keep.add(ident)
        title, language = _prefer(dist.titles, untagged)
        description, _lang = _prefer(dist.descriptions, untagged)
        row = existing.get(ident) or Distribution(dataset=dataset, identifier=ident)
        row.url = dist.url[:500]
        row.access_url = dist.access_url[:500] if _is_web(dist.access_url) else ""
        row.title = title[:250]
        row.description = description
        row.language = language[:8]
        row.format = dist.format
        row.media_type = dist.media_type
        row.byte_size = dist.byte_size
        row.checksum = dist.checksum
        row.checksum_algorithm = dist.checksum_algorithm or "sha256"
        row.save()
    dataset.distributions.filter(file="").exclude(identifier="").exclude(
        identifier__in=keep
    ).delete()
    return notes
