"""Harvest a city's existing catalogue: DCAT (JSON-LD, Turtle, RDF/XML) or a CKAN
`package_search` JSON dump. All or nothing: every refused record is reported with its reason,
and nothing is written unless every record is good. Re-harvesting updates, matching records on
(publisher, identifier).

Hostile files are refused before they are parsed: size limit, strict UTF-8, JSON nesting depth,
no remote JSON-LD contexts (nothing is fetched), no DOCTYPE in XML (so no entities at all).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from edile.core.errors import ServiceError
from edile.datagov.models import (
    ACCESS_RIGHTS,
    EU_AUTHORITY,
    LICENCE_URIS,
    Classification,
    Dataset,
    DataTheme,
    Distribution,
    DistributionFormat,
    Frequency,
    Licence,
)
from edile.members.models import LocalGovernment

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_RECORDS = 2000


@dataclass
class RecordError:
    record: str
    message: str

    def __str__(self) -> str:
        return _("Record %(record)s: %(message)s") % {
            "record": self.record,
            "message": self.message,
        }


@dataclass
class HarvestReport:
    created: int = 0
    updated: int = 0
    errors: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class HarvestRefused(ServiceError):
    """The whole file was refused; `report.errors` lists every bad record."""

    def __init__(self, message: str, report: HarvestReport | None = None) -> None:
        self.report = report or HarvestReport()
        super().__init__(message, errors=[str(e) for e in self.report.errors] or None)


@dataclass
class Record:
    identifier: str
    title: dict[str, str]
    description: dict[str, str]
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    licence: str = ""
    classification: str = Classification.OPEN
    frequency: str = Frequency.UNKNOWN
    issued: dt.date | None = None
    modified: dt.date | None = None
    contact_name: str = ""
    contact_email: str = ""
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (url, format, title)


# ------------------------------------------------------------------------------- reading


def _depth_ok(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


def _load_json(text: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise HarvestRefused(_("The file is nested too deeply to be a catalogue.")) from None
    except ValueError as exc:
        raise HarvestRefused(
            _("The file is not valid JSON (%(error)s).") % {"error": exc}
        ) from None
    if not _depth_ok(value):
        raise HarvestRefused(_("The file is nested too deeply to be a catalogue."))
    return value


def _has_remote_context(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if key == "@context":
                    contexts = item if isinstance(item, list) else [item]
                    if any(isinstance(c, str) for c in contexts):
                        return True
                    if any(isinstance(c, dict) and "@import" in c for c in contexts):
                        return True
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def read_file(data: bytes, filename: str) -> list[Record | RecordError]:
    """Parse the file into records (or errors for records that cannot be read)."""
    if len(data) > MAX_BYTES:
        raise HarvestRefused(
            _("The file is too large (%(size)s bytes; the limit is %(limit)s).")
            % {"size": len(data), "limit": MAX_BYTES}
        )
    if not data.strip():
        raise HarvestRefused(_("The file is empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HarvestRefused(
            _("The file is not UTF-8 text: save it in UTF-8 and try again.")
        ) from None
    extension = PurePath(filename.lower()).suffix
    stripped = text.lstrip()
    if extension in {".json", ".jsonld"} or stripped[:1] in "{[":
        value = _load_json(text)
        if _is_ckan(value):
            return _ckan_records(value)
        if _has_remote_context(value):
            raise HarvestRefused(
                _(
                    "The JSON-LD refers to a remote context, which is never fetched: put the context inline."
                )
            )
        return _rdf_records(text, "json-ld")
    if extension in {".rdf", ".xml", ".owl"} or stripped.startswith("<"):
        _check_xml(data)
        return _rdf_records(text, "xml")
    if extension in {".ttl", ".turtle", ".n3", ".nt"} or stripped.startswith("@prefix") or stripped:
        return _rdf_records(text, "turtle")
    raise HarvestRefused(
        _("Unknown file type: upload DCAT (.jsonld, .ttl, .rdf) or a CKAN .json dump.")
    )


def _check_xml(data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    try:
        tree = etree.fromstring(data, parser=parser).getroottree()
    except etree.XMLSyntaxError as exc:
        raise HarvestRefused(
            _("The XML file cannot be read (%(error)s).") % {"error": exc}
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internal_DTD is not None:
        raise HarvestRefused(
            _("XML with a DOCTYPE (entities) is not accepted: remove the DOCTYPE.")
        )


# ---------------------------------------------------------------------------------- CKAN


def _is_ckan(value: Any) -> bool:
    if isinstance(value, dict) and isinstance(value.get("result"), dict):
        return isinstance(value["result"].get("results"), list)
    return False


CKAN_LICENCES = {
    "cc-by": Licence.CC_BY_4_0,
    "cc-by-4.0": Licence.CC_BY_4_0,
    "cc-by-sa": Licence.CC_BY_SA_4_0,
    "cc-by-sa-4.0": Licence.CC_BY_SA_4_0,
    "cc-zero": Licence.CC0,
    "cc0": Licence.CC0,
    "cc0-1.0": Licence.CC0,
    "odc-odbl": Licence.ODBL,
    "odbl": Licence.ODBL,
    "fr-lo": Licence.ETALAB_2_0,
    "lov2": Licence.ETALAB_2_0,
    "etalab-2.0": Licence.ETALAB_2_0,
    "other-closed": Licence.PROPRIETARY,
    "proprietary": Licence.PROPRIETARY,
}
FORMATS = {f.lower(): f for f in DistributionFormat.values}
FORMATS.update(
    {
        "geo+json": DistributionFormat.GEOJSON,
        "xls": DistributionFormat.XLSX,
        "shapefile": DistributionFormat.SHP,
    }
)


def _fmt(value: str) -> str:
    key = (value or "").strip().lower().rsplit("/", 1)[-1]
    return FORMATS.get(key, DistributionFormat.OTHER)


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _ckan_records(value: dict[str, Any]) -> list[Record | RecordError]:
    packages = value["result"]["results"]
    if len(packages) > MAX_RECORDS:
        raise HarvestRefused(
            _("Too many records (%(count)s; the limit is %(limit)s).")
            % {"count": len(packages), "limit": MAX_RECORDS}
        )
    out: list[Record | RecordError] = []
    for position, pkg in enumerate(packages, start=1):
        if not isinstance(pkg, dict):
            out.append(RecordError(str(position), _("not a CKAN package")))
            continue
        ident = str(pkg.get("name") or pkg.get("id") or "").strip()
        label = ident or f"#{position}"
        licence = CKAN_LICENCES.get(str(pkg.get("license_id") or "").lower(), "")
        if pkg.get("license_id") and not licence:
            out.append(
                RecordError(
                    label, _("unknown licence %(licence)s") % {"licence": pkg.get("license_id")}
                )
            )
            continue
        tags = [t.get("name", "") if isinstance(t, dict) else str(t) for t in pkg.get("tags") or []]
        links = [
            (
                str(r.get("url") or ""),
                _fmt(str(r.get("format") or "")),
                str(r.get("name") or "")[:250],
            )
            for r in pkg.get("resources") or []
            if isinstance(r, dict)
        ]
        out.append(
            Record(
                identifier=ident,
                title={"fr": str(pkg.get("title") or "").strip()},
                description={"fr": str(pkg.get("notes") or "").strip()},
                keywords=[t for t in tags if t],
                licence=licence,
                classification=Classification.INTERNAL
                if pkg.get("private")
                else Classification.OPEN,
                issued=_date(pkg.get("metadata_created")),
                modified=_date(pkg.get("metadata_modified")),
                contact_name=str(pkg.get("maintainer") or pkg.get("author") or "").strip(),
                contact_email=str(
                    pkg.get("maintainer_email") or pkg.get("author_email") or ""
                ).strip(),
                links=links,
            )
        )
    return out


# ----------------------------------------------------------------------------------- DCAT


def _rdf_records(text: str, fmt: str) -> list[Record | RecordError]:
    from rdflib import Graph, Literal
    from rdflib.namespace import DCAT, DCTERMS, RDF

    from edile.datagov.exports import VCARD

    graph = Graph()
    try:
        graph.parse(data=text, format=fmt)
    except Exception as exc:  # rdflib raises many kinds for a broken file
        raise HarvestRefused(
            _("The file cannot be read as DCAT (%(error)s).") % {"error": str(exc)[:200]}
        ) from None
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    if len(datasets) > MAX_RECORDS:
        raise HarvestRefused(
            _("Too many records (%(count)s; the limit is %(limit)s).")
            % {"count": len(datasets), "limit": MAX_RECORDS}
        )
    licences = {uri: code for code, uri in LICENCE_URIS.items() if uri}
    rights = {
        f"{EU_AUTHORITY}access-right/{v}": k for k, v in reversed(list(ACCESS_RIGHTS.items()))
    }

    def texts(node: Any, prop: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for lit in graph.objects(node, prop):
            if isinstance(lit, Literal):
                lang = (lit.language or "fr")[:2]
                if lang in {"fr", "en"} and lang not in out:
                    out[lang] = str(lit).strip()
        return out

    out: list[Record | RecordError] = []
    for node in sorted(datasets, key=str):
        ident = str(graph.value(node, DCTERMS.identifier) or node)
        licence = ""
        links = []
        for dist in graph.objects(node, DCAT.distribution):
            lic = graph.value(dist, DCTERMS.license)
            if lic is not None:
                licence = licences.get(str(lic), "?" + str(lic))
            url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
            fmt_node = graph.value(dist, DCTERMS.format) or graph.value(dist, DCAT.mediaType)
            title = graph.value(dist, DCTERMS.title)
            links.append((str(url or ""), _fmt(str(fmt_node or "")), str(title or "")[:250]))
        if licence.startswith("?"):
            out.append(
                RecordError(ident, _("unknown licence %(licence)s") % {"licence": licence[1:]})
            )
            continue
        themes = [
            str(t).rsplit("/", 1)[-1]
            for t in graph.objects(node, DCAT.theme)
            if str(t).startswith(f"{EU_AUTHORITY}data-theme/")
            and str(t).rsplit("/", 1)[-1] in DataTheme.values
        ]
        frequency = str(graph.value(node, DCTERMS.accrualPeriodicity) or "").rsplit("/", 1)[-1]
        contact = graph.value(node, DCAT.contactPoint)
        email = str(graph.value(contact, VCARD.hasEmail) or "") if contact is not None else ""
        out.append(
            Record(
                identifier=ident[:200],
                title=texts(node, DCTERMS.title),
                description=texts(node, DCTERMS.description),
                keywords=[str(k) for k in graph.objects(node, DCAT.keyword)],
                themes=themes,
                licence=licence,
                classification=rights.get(
                    str(graph.value(node, DCTERMS.accessRights) or ""), Classification.OPEN
                ),
                frequency=frequency if frequency in Frequency.values else Frequency.UNKNOWN,
                issued=_date(graph.value(node, DCTERMS.issued)),
                modified=_date(graph.value(node, DCTERMS.modified)),
                contact_name=str(graph.value(contact, VCARD.fn) or "")
                if contact is not None
                else "",
                contact_email=email.removeprefix("mailto:"),
                links=links,
            )
        )
    return out


# ------------------------------------------------------------------------------ the service


def _validate(record: Record) -> list[str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator, validate_email

    problems = []
    if not record.identifier:
        problems.append(_("no identifier"))
    if not any(record.title.values()):
        problems.append(_("no title"))
    if not any(record.description.values()):
        problems.append(_("no description"))
    if not record.licence:
        problems.append(_("no licence"))
    try:
        validate_email(record.contact_email)
    except ValidationError:
        problems.append(_("no valid contact e-mail address"))
    check_url = URLValidator(schemes=["http", "https"])
    for url, _format, _title in record.links:
        try:
            check_url(url)
        except ValidationError:
            problems.append(
                _("distribution link %(url)s is not a web address") % {"url": url[:100]}
            )
    if record.issued and record.modified and record.modified < record.issued:
        problems.append(_("modified before issued"))
    return problems


def catalogue_harvest(
    *, user: Any, publisher: LocalGovernment, data: bytes, filename: str
) -> HarvestReport:
    """Import `publisher`'s catalogue; raises HarvestRefused (with every reason) or changes all."""
    if not user.has_perm("datagov.harvest", publisher):
        raise PermissionDenied(_("You may not harvest a catalogue for this city."))
    items = read_file(data, filename)
    report = HarvestReport()
    records: list[Record] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, RecordError):
            report.errors.append(item)
            continue
        problems = _validate(item)
        if item.identifier in seen:
            problems.append(_("appears twice in the file"))
        seen.add(item.identifier)
        if problems:
            report.errors.append(RecordError(item.identifier or "?", "; ".join(problems)))
        else:
            records.append(item)
    if not items:
        raise HarvestRefused(_("The file holds no dataset."))
    if report.errors:
        raise HarvestRefused(
            _("Nothing was imported: %(count)s record(s) refused.") % {"count": len(report.errors)},
            report,
        )
    from edile.datagov.services import _unique_slug, datasets_check

    touched: list[Dataset] = []
    with transaction.atomic():
        for rec in records:
            dataset = Dataset.objects.filter(publisher=publisher, identifier=rec.identifier).first()
            created = dataset is None
            dataset = dataset or Dataset(publisher=publisher, identifier=rec.identifier)
            dataset.title_fr = rec.title.get("fr") or rec.title.get("en", "")
            dataset.title_en = rec.title.get("en", "")
            dataset.description_fr = rec.description.get("fr") or rec.description.get("en", "")
            dataset.description_en = rec.description.get("en", "")
            dataset.keywords = ", ".join(rec.keywords)[:500]
            dataset.licence = rec.licence
            dataset.classification = rec.classification
            dataset.frequency = rec.frequency
            dataset.contact_name = rec.contact_name or publisher.name
            dataset.contact_email = rec.contact_email
            dataset.spatial_local_government = publisher
            dataset.issued = rec.issued or dataset.issued or dt.date.today()
            dataset.modified = max(rec.modified or dt.date.today(), dataset.issued)
            if created:
                dataset.slug = _unique_slug(f"{publisher.slug} {rec.identifier}")
                dataset.save()
                report.created += 1
            else:
                dataset.version += 1
                dataset.save()
                report.updated += 1
            if rec.themes:
                dataset.themes.set(dataset.themes.model.objects.filter(code__in=rec.themes))
            # Links are the harvested source's: replaced; uploaded files are kept.
            dataset.distributions.filter(file="").delete()
            Distribution.objects.bulk_create(
                [
                    Distribution(dataset=dataset, url=url, format=fmt, title=title)
                    for url, fmt, title in rec.links
                ]
            )
            touched.append(dataset)
    datasets_check(datasets=touched)
    return report
