"""Reading a harvested document into records: CKAN `package_search` answers and DCAT-AP in
RDF/XML, Turtle, N-Triples or JSON-LD (rdflib). Nothing here touches the database.

Hostile documents are refused before they are parsed: size limit, strict UTF-8, JSON nesting
depth, no remote JSON-LD contexts (nothing is fetched), and XML is read by lxml with no DTD, no
entities and no network; a document with a DOCTYPE is refused outright.

Every literal keeps its language tag (`Text`); which field it fills is decided when the record
is stored (store.py), from the tag, the record's declared language or the source's default.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import urljoin

from django.utils.translation import gettext as _

from edile.core.errors import ServiceError
from edile.datagov.models import (
    ACCESS_RIGHTS,
    EU_AUTHORITY,
    Classification,
    DataTheme,
    DistributionFormat,
    Frequency,
    Licence,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_RECORDS = 2000


class HarvestRefused(ServiceError):
    """The whole document was refused (not one record of it: those are RecordErrors)."""


@dataclass
class RecordError:
    record: str
    message: str

    def __str__(self) -> str:
        return _("Record %(record)s: %(message)s") % {
            "record": self.record,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, str]:
        return {"record": self.record, "reason": self.message}


@dataclass(frozen=True)
class Text:
    value: str
    lang: str = ""  # "" = the source did not say


@dataclass
class DistributionRecord:
    identifier: str
    url: str
    access_url: str = ""
    titles: list[Text] = field(default_factory=list)
    descriptions: list[Text] = field(default_factory=list)
    format: str = DistributionFormat.OTHER
    media_type: str = ""
    byte_size: int | None = None
    checksum: str = ""
    checksum_algorithm: str = "sha256"
    licence: str = ""


@dataclass
class Record:
    identifier: str
    source_uri: str = ""
    titles: list[Text] = field(default_factory=list)
    descriptions: list[Text] = field(default_factory=list)
    keywords: list[Text] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    hvd_categories: list[str] = field(default_factory=list)
    licence: str = ""  # a Licence code, or OTHER with licence_uri
    licence_uri: str = ""
    classification: str = Classification.OPEN
    frequency: str = Frequency.UNKNOWN
    issued: dt.date | None = None
    modified: dt.date | None = None
    contact_name: str = ""
    contact_email: str = ""
    publisher_name: str = ""
    publisher_uri: str = ""
    languages: list[str] = field(default_factory=list)  # EU codes: FRA, ENG, DEU…
    landing_page: str = ""
    spatial_uri: str = ""
    spatial_geometry: str = ""
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    distributions: list[DistributionRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # flagged while reading, imported anyway


@dataclass
class Document:
    """What one fetched or uploaded document holds."""

    records: list[Record | RecordError]
    next_page: str = ""  # Hydra (DCAT) next page, absolute
    total: int | None = None  # CKAN `count`


# --------------------------------------------------------------------------- vocabularies

# Licence IRIs (normalised: no scheme, no trailing slash) → our codes.
_LICENCE_IRIS = {
    "publications.europa.eu/resource/authority/licence/CC_BY_4_0": Licence.CC_BY_4_0,
    "publications.europa.eu/resource/authority/licence/CC_BYSA_4_0": Licence.CC_BY_SA_4_0,
    "publications.europa.eu/resource/authority/licence/CC0": Licence.CC0,
    "publications.europa.eu/resource/authority/licence/ODC_BL": Licence.ODBL,
    "publications.europa.eu/resource/authority/licence/ETALAB_2_0": Licence.ETALAB_2_0,
    "creativecommons.org/licenses/by/4.0": Licence.CC_BY_4_0,
    "creativecommons.org/licenses/by/4.0/legalcode": Licence.CC_BY_4_0,
    "creativecommons.org/licenses/by-sa/4.0": Licence.CC_BY_SA_4_0,
    "creativecommons.org/publicdomain/zero/1.0": Licence.CC0,
    "opendatacommons.org/licenses/odbl": Licence.ODBL,
    "opendatacommons.org/licenses/odbl/1-0": Licence.ODBL,
    "opendatacommons.org/licenses/odbl/1.0": Licence.ODBL,
    "www.opendefinition.org/licenses/odc-odbl": Licence.ODBL,
    "www.etalab.gouv.fr/licence-ouverte-open-licence": Licence.ETALAB_2_0,
    "www.opendefinition.org/licenses/cc-zero": Licence.CC0,
    "opendefinition.org/licenses/cc-zero": Licence.CC0,
    "dcat-ap.de/def/licenses/cc-zero": Licence.CC0,
    "dcat-ap.de/def/licenses/cc-by/4.0": Licence.CC_BY_4_0,
    "dcat-ap.de/def/licenses/cc-by-sa/4.0": Licence.CC_BY_SA_4_0,
    "dcat-ap.de/def/licenses/odbl": Licence.ODBL,
    "www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf": (
        Licence.ETALAB_2_0
    ),
}
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


def _norm_iri(iri: str) -> str:
    return iri.strip().split("://", 1)[-1].rstrip("/")


def licence_of(iri: str) -> tuple[str, str]:
    """(code, uri): one of ours, or OTHER with the source's IRI kept."""
    code = _LICENCE_IRIS.get(_norm_iri(iri))
    return (code, "") if code else (Licence.OTHER, iri.strip())


# The EU file-type vocabulary's codes, and the names portals use for them → our formats.
_FORMAT_NAMES = {
    "csv": DistributionFormat.CSV,
    "text/csv": DistributionFormat.CSV,
    "json": DistributionFormat.JSON,
    "application/json": DistributionFormat.JSON,
    "geojson": DistributionFormat.GEOJSON,
    "geo+json": DistributionFormat.GEOJSON,
    "application/geo+json": DistributionFormat.GEOJSON,
    "application/vnd.geo+json": DistributionFormat.GEOJSON,
    "xlsx": DistributionFormat.XLSX,
    "ms_xlsx": DistributionFormat.XLSX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DistributionFormat.XLSX,
    "xls": DistributionFormat.XLS,
    "application/vnd.ms-excel": DistributionFormat.XLS,
    "ods": DistributionFormat.ODS,
    "xml": DistributionFormat.XML,
    "application/xml": DistributionFormat.XML,
    "text/xml": DistributionFormat.XML,
    "pdf": DistributionFormat.PDF,
    "application/pdf": DistributionFormat.PDF,
    "zip": DistributionFormat.ZIP,
    "application/zip": DistributionFormat.ZIP,
    "shp": DistributionFormat.SHP,
    "shapefile": DistributionFormat.SHP,
    "esri shapefile": DistributionFormat.SHP,
    "api": DistributionFormat.API,
    "rest": DistributionFormat.API,
    "gml": DistributionFormat.GML,
    "application/gml+xml": DistributionFormat.GML,
    "kml": DistributionFormat.KML,
    "application/vnd.google-earth.kml+xml": DistributionFormat.KML,
    "kmz": DistributionFormat.KMZ,
    "gpkg": DistributionFormat.GPKG,
    "geopackage": DistributionFormat.GPKG,
    "wms": DistributionFormat.WMS,
    "wms_srvc": DistributionFormat.WMS,
    "wfs": DistributionFormat.WFS,
    "wfs_srvc": DistributionFormat.WFS,
    "rdf": DistributionFormat.RDF_XML,
    "rdf_xml": DistributionFormat.RDF_XML,
    "rdf/xml": DistributionFormat.RDF_XML,
    "application/rdf+xml": DistributionFormat.RDF_XML,
    "ttl": DistributionFormat.TURTLE,
    "turtle": DistributionFormat.TURTLE,
    "rdf_turtle": DistributionFormat.TURTLE,
    "text/turtle": DistributionFormat.TURTLE,
    "json-ld": DistributionFormat.JSON_LD,
    "jsonld": DistributionFormat.JSON_LD,
    "json_ld": DistributionFormat.JSON_LD,
    "application/ld+json": DistributionFormat.JSON_LD,
    "html": DistributionFormat.HTML,
    "text/html": DistributionFormat.HTML,
    "txt": DistributionFormat.TXT,
    "text/plain": DistributionFormat.TXT,
    "docx": DistributionFormat.DOCX,
    "odt": DistributionFormat.ODT,
    "tiff": DistributionFormat.TIFF,
    "geotiff": DistributionFormat.TIFF,
    "png": DistributionFormat.PNG,
    "image/png": DistributionFormat.PNG,
    "jpeg": DistributionFormat.JPEG,
    "jpg": DistributionFormat.JPEG,
    "image/jpeg": DistributionFormat.JPEG,
    "parquet": DistributionFormat.PARQUET,
}


def format_of(*candidates: str) -> str:
    """The first candidate (file-type IRI, media type, name, URL) we recognise."""
    for value in candidates:
        value = (value or "").strip().lower()
        if not value:
            continue
        for key in (
            value,
            value.removeprefix("https://www.iana.org/assignments/media-types/").removeprefix(
                "http://www.iana.org/assignments/media-types/"
            ),
            value.rsplit("/", 1)[-1],
            value.split("?", 1)[0].rsplit(".", 1)[-1] if "." in value.rsplit("/", 1)[-1] else "",
        ):
            if key in _FORMAT_NAMES:
                return _FORMAT_NAMES[key]
    return DistributionFormat.OTHER


_FREQUENCIES = {
    "UPDATE_CONT": Frequency.CONTINUOUS,
    "CONT": Frequency.CONTINUOUS,
    "CONTINUOUS": Frequency.CONTINUOUS,
    "DAILY": Frequency.DAILY,
    "WEEKLY": Frequency.WEEKLY,
    "MONTHLY": Frequency.MONTHLY,
    "QUARTERLY": Frequency.QUARTERLY,
    "ANNUAL": Frequency.ANNUAL,
    "IRREG": Frequency.IRREGULAR,
    "IRREGULAR": Frequency.IRREGULAR,
    "NEVER": Frequency.NEVER,
    "UNKNOWN": Frequency.UNKNOWN,
    # ISO 8601 repeating durations (US Project Open Data)
    "R/P1D": Frequency.DAILY,
    "R/P1W": Frequency.WEEKLY,
    "R/P1M": Frequency.MONTHLY,
    "R/P3M": Frequency.QUARTERLY,
    "R/P1Y": Frequency.ANNUAL,
}


def frequency_of(value: str) -> str | None:
    """Our code for an EU frequency IRI, a Dublin Core one or ISO 8601; None if unknown."""
    value = (value or "").strip()
    if not value:
        return Frequency.UNKNOWN
    key = value if value.startswith("R/") else value.rstrip("/").rsplit("/", 1)[-1].upper()
    return _FREQUENCIES.get(key)


EU_LANGUAGES = {
    "FRA": "fr",
    "ENG": "en",
    "DEU": "de",
    "SPA": "es",
    "ITA": "it",
    "POR": "pt",
    "NLD": "nl",
    "SWE": "sv",
    "DAN": "da",
    "FIN": "fi",
    "POL": "pl",
    "ARA": "ar",
    "ZHO": "zh",
    "CAT": "ca",
    "NOR": "no",
    "RON": "ro",
    "ELL": "el",
    "CES": "cs",
}
_ISO1_TO_EU = {v: k for k, v in EU_LANGUAGES.items()}


def language_code(value: str) -> str:
    """An EU language code (FRA) from an authority IRI, a three-letter code or `fr`/`fr-FR`."""
    value = (value or "").strip()
    last = value.rstrip("/").rsplit("/", 1)[-1]
    if len(last) == 3 and last.isalpha():
        return last.upper()
    short = last.split("-", 1)[0].lower()
    return _ISO1_TO_EU.get(short, last.upper()[:8])


def date_of(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


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


_RDF_TYPES = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


def read_document(
    data: bytes, name: str = "", *, content_type: str = "", base_url: str = ""
) -> Document:
    """Parse one document (an upload named `name`, or a fetched page of `content_type`)."""
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
    extension = PurePath(name.lower().split("?", 1)[0]).suffix
    mime = content_type.split(";", 1)[0].strip().lower()
    stripped = text.lstrip()
    if (
        extension in {".json", ".jsonld"}
        or mime in {"application/json", "application/ld+json"}
        or stripped[:1] in "{["
    ):
        value = _load_json(text)
        if _is_ckan(value):
            return ckan_document(value, base_url=base_url)
        if _has_remote_context(value):
            raise HarvestRefused(
                _(
                    "The JSON-LD refers to a remote context, which is never fetched: put the context inline."
                )
            )
        return rdf_document(text, "json-ld", base_url=base_url)
    if (
        extension in {".rdf", ".xml", ".owl"}
        or mime in {"application/rdf+xml", "application/xml", "text/xml"}
        or stripped.startswith("<")
    ):
        _check_xml(data)
        return rdf_document(text, "xml", base_url=base_url)
    if extension == ".nt" or mime == "application/n-triples":
        return rdf_document(text, "nt", base_url=base_url)
    return rdf_document(text, "turtle", base_url=base_url)


def _check_xml(data: bytes) -> None:
    """Refuse XML with a DOCTYPE (entities, external DTDs); lxml reads it with no DTD at all."""
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
        if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data[:65536].upper():
            raise HarvestRefused(
                _("XML with a DOCTYPE (entities) is not accepted: remove the DOCTYPE.")
            ) from None
        raise HarvestRefused(
            _("The XML file cannot be read (%(error)s).") % {"error": exc}
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise HarvestRefused(
            _("XML with a DOCTYPE (entities) is not accepted: remove the DOCTYPE.")
        )


# ---------------------------------------------------------------------------------- CKAN


def _is_ckan(value: Any) -> bool:
    if isinstance(value, dict) and isinstance(value.get("result"), dict):
        return isinstance(value["result"].get("results"), list)
    return False


def _ckan_texts(pkg: dict[str, Any], key: str) -> list[Text]:
    """CKAN's plain field, or ckanext-fluent's `<key>_translated` {lang: text}."""
    translated = pkg.get(f"{key}_translated")
    if isinstance(translated, dict) and any(translated.values()):
        return [Text(str(v).strip(), str(k)[:2].lower()) for k, v in translated.items() if v]
    value = str(pkg.get(key) or "").strip()
    return [Text(value)] if value else []


def ckan_document(value: dict[str, Any], *, base_url: str = "") -> Document:
    packages = value["result"]["results"]
    if len(packages) > MAX_RECORDS:
        raise HarvestRefused(
            _("Too many records (%(count)s; the limit is %(limit)s).")
            % {"count": len(packages), "limit": MAX_RECORDS}
        )
    root = base_url.split("/api/3/", 1)[0].rstrip("/") if base_url else ""
    out: list[Record | RecordError] = []
    for position, pkg in enumerate(packages, start=1):
        if not isinstance(pkg, dict):
            out.append(RecordError(f"#{position}", _("not a CKAN package")))
            continue
        try:
            out.append(_ckan_record(pkg, root))
        except (TypeError, ValueError, AttributeError) as exc:
            label = str(pkg.get("name") or pkg.get("id") or f"#{position}")
            out.append(RecordError(label, _("unreadable (%(error)s)") % {"error": exc}))
    total = value["result"].get("count")
    return Document(out, total=total if isinstance(total, int) else None)


def _ckan_record(pkg: dict[str, Any], root: str) -> Record:
    ident = str(pkg.get("name") or pkg.get("id") or "").strip()
    rec = Record(identifier=ident[:200], source_uri=str(pkg.get("id") or ident))
    rec.titles = _ckan_texts(pkg, "title")
    rec.descriptions = _ckan_texts(pkg, "notes")
    licence_id = str(pkg.get("license_id") or "").strip()
    if licence_id:
        code = CKAN_LICENCES.get(licence_id.lower())
        if code:
            rec.licence = code
        else:
            url = str(pkg.get("license_url") or "").strip()
            rec.licence, rec.licence_uri = licence_of(url) if url else (Licence.OTHER, "")
            if rec.licence == Licence.OTHER:
                rec.notes.append(
                    _("licence %(licence)s is not one of ours: kept as the source states it")
                    % {"licence": pkg.get("license_title") or licence_id}
                )
    for tag in pkg.get("tags") or []:
        name = tag.get("display_name") or tag.get("name") if isinstance(tag, dict) else tag
        if name:
            rec.keywords.append(Text(str(name).strip()))
    rec.classification = Classification.INTERNAL if pkg.get("private") else Classification.OPEN
    rec.issued = date_of(pkg.get("metadata_created"))
    rec.modified = date_of(pkg.get("metadata_modified"))
    rec.contact_name = str(pkg.get("maintainer") or pkg.get("author") or "").strip()
    rec.contact_email = str(pkg.get("maintainer_email") or pkg.get("author_email") or "").strip()
    organization = pkg.get("organization")
    if isinstance(organization, dict):
        rec.publisher_name = str(organization.get("title") or organization.get("name") or "")
    if root and ident:
        rec.landing_page = f"{root}/dataset/{ident}"
    elif str(pkg.get("url") or "").startswith(("http://", "https://")):
        rec.landing_page = str(pkg["url"])
    extras = {
        str(e.get("key")): e.get("value")
        for e in pkg.get("extras") or []
        if isinstance(e, dict) and e.get("key")
    }
    if extras.get("spatial"):
        rec.spatial_geometry = str(extras["spatial"])[:20000]
    if extras.get("frequency") or pkg.get("frequency"):
        frequency = frequency_of(str(extras.get("frequency") or pkg.get("frequency")))
        rec.frequency = frequency or Frequency.UNKNOWN
    language = pkg.get("language") or extras.get("language")
    if isinstance(language, str) and language:
        rec.languages = [language_code(language)]
    for position, res in enumerate(pkg.get("resources") or [], start=1):
        if not isinstance(res, dict):
            continue
        url = str(res.get("url") or "").strip()
        size = res.get("size")
        hash_value = str(res.get("hash") or "").strip()
        algorithm, _sep, digest = hash_value.rpartition(":")
        rec.distributions.append(
            DistributionRecord(
                identifier=str(res.get("id") or url or position),
                url=url,
                titles=[Text(str(res["name"]).strip())] if res.get("name") else [],
                descriptions=[Text(str(res["description"]).strip())]
                if res.get("description")
                else [],
                format=format_of(str(res.get("format") or ""), str(res.get("mimetype") or ""), url),
                media_type=str(res.get("mimetype") or "")[:100],
                byte_size=int(size) if str(size or "").isdigit() else None,
                checksum=digest[:128] if len(digest) in (32, 40, 64, 128) else "",
                checksum_algorithm=(algorithm or _algorithm_for(digest)).lower()[:20],
            )
        )
    return rec


def _algorithm_name(iri: str) -> str:
    """spdx:checksumAlgorithm_sha256, dcat-ap.de's …/hashAlgorithms/sha/256 → sha256."""
    import re

    found = re.search(r"(md5|sha[-_/]?(1|224|256|384|512))(?![0-9])", iri.lower())
    return re.sub(r"[-_/]", "", found.group(0)) if found else ""


def _algorithm_for(digest: str) -> str:
    return {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}.get(len(digest), "sha256")


# ----------------------------------------------------------------------------------- DCAT


def rdf_document(text: str, fmt: str, *, base_url: str = "") -> Document:
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF

    graph = Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=base_url or None)
    except Exception as exc:  # rdflib raises many kinds for a broken file
        raise HarvestRefused(
            _("The file cannot be read as DCAT (%(error)s).") % {"error": str(exc)[:200]}
        ) from None
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    if len(datasets) > MAX_RECORDS:
        raise HarvestRefused(
            _("Too many records (%(count)s; the limit is %(limit)s).")
            % {"count": len(datasets), "limit": MAX_RECORDS}
        )
    reader = _DcatReader(graph)
    out: list[Record | RecordError] = []
    for node in datasets:
        try:
            out.append(reader.record(node))
        except (TypeError, ValueError, AttributeError) as exc:
            out.append(RecordError(str(node), _("unreadable (%(error)s)") % {"error": exc}))
    return Document(out, next_page=_hydra_next(graph, base_url))


HYDRA_NAMESPACES = ("http://www.w3.org/ns/hydra/core#", "http://www.w3.org/ns/hydra/")


def _hydra_next(graph: Any, base_url: str) -> str:
    from rdflib import URIRef

    for ns in HYDRA_NAMESPACES:
        for prop in ("nextPage", "next"):
            for value in graph.objects(None, URIRef(ns + prop)):
                return urljoin(base_url, str(value)) if base_url else str(value)
    return ""


class _DcatReader:
    def __init__(self, graph: Any) -> None:
        from rdflib import Namespace

        self.g = graph
        self.VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
        self.SPDX = Namespace("http://spdx.org/rdf/terms#")
        self.LOCN = Namespace("http://www.w3.org/ns/locn#")
        self.DCATAP = Namespace("http://data.europa.eu/r5r/")
        self.ADMS = Namespace("http://www.w3.org/ns/adms#")
        self.SCHEMA = Namespace("http://schema.org/")
        self.rights = {
            f"{EU_AUTHORITY}access-right/{v}": k for k, v in reversed(list(ACCESS_RIGHTS.items()))
        }

    def texts(self, node: Any, prop: Any) -> list[Text]:
        from rdflib import Literal

        out = []
        for lit in self.g.objects(node, prop):
            if isinstance(lit, Literal) and str(lit).strip():
                out.append(Text(str(lit).strip(), (lit.language or "").lower()))
        return sorted(out, key=lambda t: (t.lang, t.value))

    def first(self, node: Any, *props: Any) -> Any:
        for prop in props:
            value = self.g.value(node, prop, any=True)
            if value is not None:
                return value
        return None

    def iri(self, node: Any, *props: Any) -> str:
        from rdflib import URIRef

        value = self.first(node, *props)
        return str(value) if isinstance(value, URIRef) else ""

    def url(self, node: Any, *props: Any) -> str:
        """An address given as an IRI or as a literal (xsd:anyURI, or plain in JSON)."""
        from rdflib import BNode

        value = self.first(node, *props)
        if value is None or isinstance(value, BNode):
            return ""
        text = str(value).strip()
        return text if text.startswith(("http://", "https://")) else ""

    def label(self, node: Any) -> str:
        """A coded value given as an IRI, a literal, or a node with rdf:value or a label."""
        from rdflib import BNode
        from rdflib.namespace import RDF, RDFS, SKOS

        if isinstance(node, BNode):
            node = self.first(node, RDF.value, RDFS.label, SKOS.prefLabel, SKOS.notation)
        return str(node or "").strip()

    def record(self, node: Any) -> Record:
        from rdflib import BNode, URIRef
        from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

        g = self.g
        ident = str(g.value(node, DCTERMS.identifier, any=True) or "").strip()
        if not ident:
            adms = g.value(node, self.ADMS.identifier, any=True)
            if adms is not None:
                ident = str(g.value(adms, SKOS.notation, any=True) or "").strip()
        if not ident and isinstance(node, URIRef):
            ident = str(node)
        rec = Record(
            identifier=ident[:200], source_uri=str(node) if isinstance(node, URIRef) else ""
        )
        rec.titles = self.texts(node, DCTERMS.title)
        rec.descriptions = self.texts(node, DCTERMS.description)
        rec.keywords = self.texts(node, DCAT.keyword)
        for theme in sorted(map(str, g.objects(node, DCAT.theme))):
            code = theme.rstrip("/").rsplit("/", 1)[-1]
            if "/data-theme/" in theme and code in DataTheme.values and code not in rec.themes:
                rec.themes.append(code)
        rec.hvd_categories = sorted(str(c) for c in g.objects(node, self.DCATAP.hvdCategory))
        rights = self.iri(node, DCTERMS.accessRights)
        rec.classification = self.rights.get(rights, Classification.OPEN)
        frequency_iri = str(self.first(node, DCTERMS.accrualPeriodicity) or "")
        frequency = frequency_of(frequency_iri)
        if frequency is None:
            rec.notes.append(
                _("update frequency %(value)s is not one we know: kept as unknown")
                % {"value": frequency_iri}
            )
        rec.frequency = frequency or Frequency.UNKNOWN
        rec.issued = date_of(self.first(node, DCTERMS.issued))
        rec.modified = date_of(self.first(node, DCTERMS.modified))
        contact = self.first(node, DCAT.contactPoint, self.ADMS.contactPoint)
        if contact is not None:
            rec.contact_name = str(
                self.first(contact, self.VCARD.fn, self.VCARD["organization-name"]) or ""
            ).strip()
            email = self.first(contact, self.VCARD.hasEmail)
            if isinstance(email, BNode):
                email = self.first(email, self.VCARD.value)
            rec.contact_email = str(email or "").strip().removeprefix("mailto:")
        publisher = self.first(node, DCTERMS.publisher)
        if publisher is not None:
            names = self.texts(publisher, FOAF.name) or self.texts(publisher, SKOS.prefLabel)
            rec.publisher_name = _prefer(names)
            rec.publisher_uri = str(publisher) if isinstance(publisher, URIRef) else ""
        rec.languages = sorted(
            {language_code(str(v)) for v in g.objects(node, DCTERMS.language)} - {""}
        )
        rec.landing_page = self.url(node, DCAT.landingPage)
        spatial = self.first(node, DCTERMS.spatial)
        if spatial is not None:
            rec.spatial_uri = str(spatial) if isinstance(spatial, URIRef) else ""
            geometry = self.first(spatial, self.LOCN.geometry, DCAT.bbox, DCAT.centroid)
            rec.spatial_geometry = str(geometry or "")[:20000]
        temporal = self.first(node, DCTERMS.temporal)
        if temporal is not None:
            rec.temporal_start = date_of(
                self.first(temporal, DCAT.startDate, self.SCHEMA.startDate)
            )
            rec.temporal_end = date_of(self.first(temporal, DCAT.endDate, self.SCHEMA.endDate))
        dataset_licence = self.iri(node, DCTERMS.license)
        licences = [dataset_licence] if dataset_licence else []
        for dist in sorted(g.objects(node, DCAT.distribution), key=str):
            record = self.distribution(dist)
            rec.distributions.append(record)
            if record.licence:
                licences.append(record.licence)
        if licences:
            rec.licence, rec.licence_uri = licence_of(licences[0])
            if rec.licence == Licence.OTHER:
                rec.notes.append(
                    _("licence %(licence)s is not one of ours: kept as the source states it")
                    % {"licence": licences[0]}
                )
        return rec

    def distribution(self, node: Any) -> DistributionRecord:
        from rdflib import URIRef
        from rdflib.namespace import DCAT, DCTERMS

        g = self.g
        download = self.url(node, DCAT.downloadURL)
        access = self.url(node, DCAT.accessURL)
        ident = str(g.value(node, DCTERMS.identifier, any=True) or "").strip()
        if not ident:
            ident = str(node) if isinstance(node, URIRef) else (download or access)
        format_value = self.label(self.first(node, DCTERMS.format))
        media = self.label(self.first(node, DCAT.mediaType))
        if not media and "/" in format_value and "://" not in format_value:
            media = format_value  # dct:format "text/csv", as older DCAT files give it
        size = self.first(node, DCAT.byteSize)
        checksum = self.first(node, self.SPDX.checksum)
        digest, algorithm = "", "sha256"
        if checksum is not None:
            digest = str(self.first(checksum, self.SPDX.checksumValue) or "").strip()
            algorithm = _algorithm_name(str(self.first(checksum, self.SPDX.algorithm) or ""))
            algorithm = algorithm or _algorithm_for(digest)
        try:
            byte_size = int(float(str(size))) if size is not None else None
        except ValueError:
            byte_size = None
        return DistributionRecord(
            identifier=ident[:500],
            url=download or access,
            access_url=access if download else "",
            titles=self.texts(node, DCTERMS.title),
            descriptions=self.texts(node, DCTERMS.description),
            format=format_of(format_value, media, download or access),
            media_type=media.rsplit("media-types/", 1)[-1][:100],
            byte_size=byte_size if byte_size is None or byte_size >= 0 else None,
            checksum=digest[:128],
            checksum_algorithm=algorithm[:20],
            licence=self.iri(node, DCTERMS.license),
        )


def _prefer(texts: list[Text]) -> str:
    for lang in ("fr", "en", ""):
        for text in texts:
            if text.lang == lang:
                return text.value
    return texts[0].value if texts else ""
