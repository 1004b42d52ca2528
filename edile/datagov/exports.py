"""DCAT-AP 3.0.1 export of the catalogue (Turtle and JSON-LD), and the check run on save.

One function turns a dataset into triples; the streaming writers serialise them dataset by
dataset, so that memory stays flat however large the catalogue is. Every object node is typed
with the class the shapes expect (shared/standards/dcat-ap/README.md: the shapes are checked
without background ontologies).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from edile.core.exports import Column
from edile.datagov.advice import finding
from edile.datagov.models import (
    ACCESS_RIGHTS,
    EU_AUTHORITY,
    LICENCE_URIS,
    Classification,
    Dataset,
    DistributionFormat,
    Licence,
)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCT = DCTERMS

PREFIXES = {
    "dcat": str(DCAT),
    "dct": str(DCT),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "spdx": str(SPDX),
    "dcatap": str(DCATAP),
    "rdf": str(RDF),
}

ASSOCIATION_NAME = {
    "fr": "Association internationale des maires francophones",
    "en": "International Association of Francophone Mayors",
}
CATALOGUE_TITLE = {"fr": "Catalogue des données urbaines", "en": "Urban data catalogue"}
CATALOGUE_DESCRIPTION = {
    "fr": "Les jeux de données publiés par les villes membres et par l'association.",
    "en": "Datasets published by the member cities and by the association.",
}
DATA_THEME_SCHEME = URIRef(EU_AUTHORITY + "data-theme")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
SUPRA_NATIONAL = URIRef("http://purl.org/adms/publishertype/SupraNationalAuthority")

MEDIA_TYPES = {
    DistributionFormat.CSV: "text/csv",
    DistributionFormat.JSON: "application/json",
    DistributionFormat.GEOJSON: "application/geo+json",
    DistributionFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DistributionFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    DistributionFormat.XML: "application/xml",
    DistributionFormat.PDF: "application/pdf",
    DistributionFormat.ZIP: "application/zip",
    DistributionFormat.SHP: "application/zip",
}
FILE_TYPES = {
    DistributionFormat.CSV: "CSV",
    DistributionFormat.JSON: "JSON",
    DistributionFormat.GEOJSON: "GEOJSON",
    DistributionFormat.XLSX: "XLSX",
    DistributionFormat.ODS: "ODS",
    DistributionFormat.XML: "XML",
    DistributionFormat.PDF: "PDF",
    DistributionFormat.ZIP: "ZIP",
    DistributionFormat.SHP: "SHP",
    DistributionFormat.API: "REST",
    DistributionFormat.XLS: "XLS",
    DistributionFormat.GML: "GML",
    DistributionFormat.KML: "KML",
    DistributionFormat.KMZ: "KMZ",
    DistributionFormat.GPKG: "GPKG",
    DistributionFormat.WMS: "WMS_SRVC",
    DistributionFormat.WFS: "WFS_SRVC",
    DistributionFormat.RDF_XML: "RDF_XML",
    DistributionFormat.TURTLE: "RDF_TURTLE",
    DistributionFormat.JSON_LD: "JSON_LD",
    DistributionFormat.HTML: "HTML",
    DistributionFormat.TXT: "TXT",
    DistributionFormat.DOCX: "DOCX",
    DistributionFormat.ODT: "ODT",
    DistributionFormat.TIFF: "TIFF",
    DistributionFormat.PNG: "PNG",
    DistributionFormat.JPEG: "JPEG",
    DistributionFormat.PARQUET: "PARQUET",
    DistributionFormat.OTHER: "BIN",
}
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
LOCN = Namespace("http://www.w3.org/ns/locn#")

Triple = tuple[Any, Any, Any]


def default_base_url() -> str:
    return getattr(settings, "EDILE_BASE_URL", "http://localhost:8000").rstrip("/")


def dataset_iri(base: str, slug: str) -> URIRef:
    return URIRef(f"{base}/api/v1/datagov/datasets/{slug}")


def catalogue_iri(base: str) -> URIRef:
    return URIRef(f"{base}/api/v1/datagov/catalog")


def association_iri(base: str) -> URIRef:
    return URIRef(f"{base}/#association")


@lru_cache(maxsize=64)
def licence_uri(base: str, code: str) -> URIRef:
    # IRIs never depend on the reader's language: our pages are named in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        uri = LICENCE_URIS.get(code) or f"{base}{reverse('datagov:licences')}#{code}"
    return URIRef(uri)


def _dataset_licence(base: str, ds: Dataset) -> URIRef:
    if ds.licence == Licence.OTHER and ds.licence_uri:
        return URIRef(ds.licence_uri)
    return licence_uri(base, ds.licence)


def _main_language(ds: Dataset) -> str:
    """The language of untagged text of a dataset (keywords, file titles): French first."""
    return "fr" if ds.title_fr or not ds.title_en else "en"


@lru_cache(maxsize=4096)
def _date(value: dt.date) -> Literal:
    return Literal(value, datatype=XSD.date)


def _text(values: dict[str, str]) -> Iterator[Literal]:
    for lang, value in values.items():
        if value:
            yield Literal(value, lang=lang)


class TripleWriter:
    """Turns datasets into triples; remembers the shared nodes it has typed already."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.emitted: set[Any] = set()
        # reverse() once, then fill in: it is the slowest step when done per dataset. In the
        # site's language, never the reader's: a harvester must get the same IRIs in any.
        with translation.override(settings.LANGUAGE_CODE):
            self.page_url = base + reverse("datagov:dataset_detail", kwargs={"slug": "SLUG"})
            self.download_url = base + reverse(
                "datagov:download", kwargs={"slug": "SLUG", "pk": 999999999}
            )

    def _once(self, node: Any, triples: list[Triple]) -> list[Triple]:
        if node in self.emitted:
            return []
        self.emitted.add(node)
        return triples

    def catalogue(self) -> list[Triple]:
        cat = catalogue_iri(self.base)
        agent = association_iri(self.base)
        homepage = URIRef(f"{self.base}/")
        triples: list[Triple] = [(cat, RDF.type, DCAT.Catalog)]
        triples += [(cat, DCT.title, lit) for lit in _text(CATALOGUE_TITLE)]
        triples += [(cat, DCT.description, lit) for lit in _text(CATALOGUE_DESCRIPTION)]
        triples += [
            (cat, DCT.publisher, agent),
            (cat, FOAF.homepage, homepage),
            (homepage, RDF.type, FOAF.Document),
            (cat, DCAT.themeTaxonomy, DATA_THEME_SCHEME),
            (DATA_THEME_SCHEME, RDF.type, SKOS.ConceptScheme),
            (DATA_THEME_SCHEME, DCT.title, Literal("Data theme", lang="en")),
        ]
        # Metadata licence: the catalogue's own descriptions are free to reuse.
        metadata_licence = URIRef(LICENCE_URIS[Licence.CC0])
        triples += [
            (cat, DCT.license, metadata_licence),
            (cat, DCT.issued, Literal(dt.date(2019, 12, 4), datatype=XSD.date)),
            (cat, DCT.modified, Literal(dt.date.today(), datatype=XSD.date)),
        ]
        triples += self._concept(metadata_licence, DCT.LicenseDocument)
        for lang in ("FRA", "ENG"):
            node = URIRef(f"{EU_AUTHORITY}language/{lang}")
            triples += [(cat, DCT.language, node), (node, RDF.type, DCT.LinguisticSystem)]
        triples += self._agent(agent, ASSOCIATION_NAME, SUPRA_NATIONAL)
        return triples

    def _agent(self, node: URIRef, names: dict[str, str], kind: URIRef) -> list[Triple]:
        if node in self.emitted:
            return []
        triples: list[Triple] = [(node, RDF.type, FOAF.Agent)]
        triples += [(node, FOAF.name, lit) for lit in _text(names)]
        triples += [(node, DCT.type, kind), (kind, RDF.type, SKOS.Concept)]
        triples += [(kind, SKOS.prefLabel, Literal(str(kind).rsplit("/", 1)[-1], lang="en"))]
        return self._once(node, triples)

    def _concept(self, node: URIRef, cls: URIRef, label: str | None = None) -> list[Triple]:
        if node in self.emitted:
            return []
        triples: list[Triple] = [(node, RDF.type, cls)]
        if label is not None:
            triples.append((node, SKOS.prefLabel, Literal(label, lang="en")))
        return self._once(node, triples)

    def _city_place(self, place: URIRef, city: Any) -> list[Triple]:
        """A member city as a dct:Location: its name in French and English (whatever the
        reader's language) and, where the registry has its coordinates, its centroid as a WKT
        point (longitude first, in WGS 84: GeoSPARQL's default reference system)."""
        triples: list[Triple] = [(place, RDF.type, DCT.Location)]
        for lang in ("fr", "en"):
            name = getattr(city, f"name_{lang}", "") or city.name
            triples.append((place, SKOS.prefLabel, Literal(name, lang=lang)))
        if city.latitude is not None and city.longitude is not None:
            point = f"POINT({city.longitude.normalize():f} {city.latitude.normalize():f})"
            triples.append((place, DCAT.centroid, Literal(point, datatype=GSP.wktLiteral)))
        return self._once(place, triples)

    def dataset(self, ds: Dataset) -> list[Triple]:
        with translation.override("en"):  # labels tagged @en are English
            return self._dataset(ds)

    def _dataset(self, ds: Dataset) -> list[Triple]:
        base = self.base
        node = dataset_iri(base, ds.slug)
        page = URIRef(self.page_url.replace("SLUG", ds.slug))
        t: list[Triple] = [
            (catalogue_iri(base), DCAT.dataset, node),
            (node, RDF.type, DCAT.Dataset),
            (node, DCT.identifier, Literal(str(ds.uuid))),
            (node, DCT.issued, _date(ds.issued)),
            (node, DCT.modified, _date(ds.modified)),
            (node, DCAT.landingPage, page),
            (page, RDF.type, FOAF.Document),
        ]
        t += [(node, DCT.title, lit) for lit in _text({"fr": ds.title_fr, "en": ds.title_en})]
        t += [
            (node, DCT.description, lit)
            for lit in _text({"fr": ds.description_fr, "en": ds.description_en})
        ]
        # Titles and descriptions harvested in other languages keep their own tags.
        t += [(node, DCT.title, lit) for lit in _text(ds.title_other or {})]
        t += [(node, DCT.description, lit) for lit in _text(ds.description_other or {})]
        for code in ds.languages or []:
            language = URIRef(f"{EU_AUTHORITY}language/{code}")
            t.append((node, DCT.language, language))
            t += self._concept(language, DCT.LinguisticSystem)
        for category in ds.hvd_categories or []:
            concept = URIRef(category)
            t.append((node, DCATAP.hvdCategory, concept))
            t += self._concept(concept, SKOS.Concept)
        # Publisher
        if ds.publisher_id:
            lg = ds.publisher
            agent = URIRef(f"{base}/api/v1/members/local-governments/{lg.pk}")
            t += self._agent(
                agent, {"fr": lg.name_fr or lg.name, "en": lg.name_en}, LOCAL_AUTHORITY
            )
        else:
            agent = association_iri(base)
            t += self._agent(agent, ASSOCIATION_NAME, SUPRA_NATIONAL)
        t.append((node, DCT.publisher, agent))
        # Contact point: a vCard Kind (and Organization), typed so that range.ttl passes.
        contact = URIRef(f"{node}#contact")
        t += [
            (node, DCAT.contactPoint, contact),
            (contact, RDF.type, VCARD.Kind),
            (contact, RDF.type, VCARD.Organization),
            (contact, VCARD.fn, Literal(ds.contact_name)),
            (contact, VCARD.hasEmail, URIRef(f"mailto:{ds.contact_email}")),
        ]
        rights = URIRef(f"{EU_AUTHORITY}access-right/{ACCESS_RIGHTS[ds.classification]}")
        t.append((node, DCT.accessRights, rights))
        t += self._concept(rights, DCT.RightsStatement)
        frequency = URIRef(f"{EU_AUTHORITY}frequency/{ds.frequency}")
        t.append((node, DCT.accrualPeriodicity, frequency))
        t += self._concept(frequency, DCT.Frequency)
        for theme in ds.themes.all():
            concept = URIRef(theme.uri)
            t.append((node, DCAT.theme, concept))
            if concept in self.emitted:
                continue
            t += self._once(
                concept,
                [
                    (concept, RDF.type, SKOS.Concept),
                    (concept, SKOS.prefLabel, Literal(theme.get_code_display(), lang="en")),
                    (concept, SKOS.inScheme, DATA_THEME_SCHEME),
                ],
            )
        # The Keyword table: each label with its own language (a harvested English keyword
        # stays @en on a French dataset; a label staff added in the other language is kept).
        for keyword in ds.keyword_tags.all():
            t += [(node, DCAT.keyword, Literal(v, lang=k)) for k, v in keyword.labels().items()]
        for lang, keywords in (ds.keywords_other or {}).items():
            t += [(node, DCAT.keyword, Literal(k, lang=lang)) for k in keywords]
        if ds.spatial_local_government_id:
            place = URIRef(
                f"{base}/api/v1/members/local-governments/{ds.spatial_local_government_id}#place"
            )
            t.append((node, DCT.spatial, place))
            t += self._city_place(place, ds.spatial_local_government)
        if ds.spatial_uri or ds.spatial_geometry:
            place = URIRef(ds.spatial_uri or f"{node}#place")
            t.append((node, DCT.spatial, place))
            t += self._concept(place, DCT.Location)
            if ds.spatial_geometry:
                kind = (
                    GSP.geoJSONLiteral
                    if ds.spatial_geometry.lstrip()[:1] == "{"
                    else (GSP.wktLiteral)
                )
                t.append((place, LOCN.geometry, Literal(ds.spatial_geometry, datatype=kind)))
        if ds.spatial_country:
            place = URIRef(f"{EU_AUTHORITY}country/{ds.spatial_country.alpha3}")
            t.append((node, DCT.spatial, place))
            t += self._concept(place, DCT.Location)
        if ds.temporal_start or ds.temporal_end:
            period = URIRef(f"{node}#temporal")
            t += [(node, DCT.temporal, period), (period, RDF.type, DCT.PeriodOfTime)]
            if ds.temporal_start:
                t.append((period, DCAT.startDate, Literal(ds.temporal_start, datatype=XSD.date)))
            if ds.temporal_end:
                t.append((period, DCAT.endDate, Literal(ds.temporal_end, datatype=XSD.date)))
        for dist in ds.distributions.all():
            t += self.distribution(ds, node, page, dist)
        return t

    def distribution(self, ds: Dataset, ds_node: URIRef, page: URIRef, dist: Any) -> list[Triple]:
        node = URIRef(f"{ds_node}/distributions/{dist.pk}")
        # Non-open data is reached through the dataset page, where people can ask for it.
        t: list[Triple] = [
            (ds_node, DCAT.distribution, node),
            (node, RDF.type, DCAT.Distribution),
            (node, DCAT.accessURL, page),
        ]
        lang = dist.language or _main_language(ds)
        if dist.title:
            t.append((node, DCT.title, Literal(dist.title, lang=lang)))
        if dist.description:
            t.append((node, DCT.description, Literal(dist.description, lang=lang)))
        availability = URIRef(f"{EU_AUTHORITY}planned-availability/STABLE")
        t.append((node, DCATAP.availability, availability))
        t += self._concept(availability, SKOS.Concept, "stable")
        if ds.classification == Classification.OPEN:
            if dist.file:
                download = self.download_url.replace("SLUG", ds.slug).replace(
                    "999999999", str(dist.pk)
                )
            else:
                download = dist.url
            t.append((node, DCAT.downloadURL, URIRef(download)))
        file_type = URIRef(f"{EU_AUTHORITY}file-type/{FILE_TYPES.get(dist.format, 'BIN')}")
        t.append((node, DCT.format, file_type))
        t += self._concept(file_type, DCT.MediaTypeOrExtent)
        media = dist.media_type or MEDIA_TYPES.get(dist.format)
        if media:
            media_node = URIRef(f"https://www.iana.org/assignments/media-types/{media}")
            t.append((node, DCAT.mediaType, media_node))
            t += self._concept(media_node, DCT.MediaType)
        licence = _dataset_licence(self.base, ds)
        t.append((node, DCT.license, licence))
        t += self._concept(licence, DCT.LicenseDocument)
        if dist.byte_size is not None:
            t.append(
                (node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger))
            )
        dictionary = getattr(dist, "dictionary", None)  # selected with the distribution
        if dictionary is not None:
            # The file's columns are described by its CSVW metadata (a dct:Standard for DCAT-AP).
            schema = URIRef(f"{node}/csvw")
            t += [(node, DCT.conformsTo, schema), (schema, RDF.type, DCT.Standard)]
        if dist.checksum:
            checksum = URIRef(f"{node}#checksum")
            t += [
                (node, SPDX.checksum, checksum),
                (checksum, RDF.type, SPDX.Checksum),
                (checksum, SPDX.algorithm, SPDX[f"checksumAlgorithm_{dist.checksum_algorithm}"]),
                (checksum, SPDX.checksumValue, Literal(dist.checksum, datatype=XSD.hexBinary)),
            ]
        return t


# ---------------------------------------------------------------------------------- writers


HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


@dataclass(frozen=True)
class Paging:
    """One page of the catalogue (Hydra, as ckanext-dcat and data.europa.eu read it)."""

    url: str  # the page's address without its page parameter, e.g. …/catalog.ttl
    page: int
    page_size: int
    total: int

    def _at(self, page: int) -> URIRef:
        return URIRef(f"{self.url}?{urlencode({'page': page, 'page_size': self.page_size})}")

    def triples(self) -> list[Triple]:
        node = self._at(self.page)
        last = max(1, -(-self.total // self.page_size))
        t: list[Triple] = [
            (node, RDF.type, HYDRA.PagedCollection),
            (node, HYDRA.totalItems, Literal(self.total, datatype=XSD.integer)),
            (node, HYDRA.itemsPerPage, Literal(self.page_size, datatype=XSD.integer)),
            (node, HYDRA.firstPage, self._at(1)),
            (node, HYDRA.lastPage, self._at(last)),
        ]
        if self.page < last:
            t.append((node, HYDRA.nextPage, self._at(self.page + 1)))
        if self.page > 1:
            t.append((node, HYDRA.previousPage, self._at(min(self.page - 1, last))))
        return t


def turtle_chunks(
    datasets: Iterable[Dataset], base: str, paging: Paging | None = None
) -> Iterator[str]:
    """Turtle, one statement a line (N-Triples is valid Turtle), dataset by dataset."""
    writer = TripleWriter(base)
    yield "".join(f"@prefix {p}: <{uri}> .\n" for p, uri in PREFIXES.items()) + "\n"
    yield _ntriples(writer.catalogue() + (paging.triples() if paging else []))
    for ds in datasets:
        yield _ntriples(writer.dataset(ds))


def _ntriples(triples: list[Triple]) -> str:
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _json_value(term: Any) -> dict[str, Any]:
    if isinstance(term, Literal):
        value: dict[str, Any] = {"@value": str(term)}
        if term.language:
            value["@language"] = term.language
        elif term.datatype:
            value["@type"] = _compact(str(term.datatype))
        return value
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    return {"@id": str(term)}


def node_objects(triples: list[Triple]) -> list[dict[str, Any]]:
    """Group triples by subject into JSON-LD node objects (expanded values, compact keys)."""
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(str(s), {"@id": str(s)})
        if p == RDF.type:
            node.setdefault("@type", []).append(_compact(str(o)))
        else:
            node.setdefault(_compact(str(p)), []).append(_json_value(o))
    return list(nodes.values())


def jsonld_chunks(
    datasets: Iterable[Dataset], base: str, paging: Paging | None = None
) -> Iterator[str]:
    """JSON-LD with its context inline (prefixes only), so that it parses offline."""
    writer = TripleWriter(base)
    yield '{"@context": ' + json.dumps(PREFIXES) + ', "@graph": ['
    first = True
    pages = [paging.triples()] if paging else []
    for triples in [*pages, *_chain_catalogue(writer, datasets)]:
        for node in node_objects(triples):
            yield ("" if first else ",\n") + json.dumps(node, ensure_ascii=False)
            first = False
    yield "]}\n"


def _chain_catalogue(writer: TripleWriter, datasets: Iterable[Dataset]) -> Iterator[list[Triple]]:
    yield writer.catalogue()
    for ds in datasets:
        yield writer.dataset(ds)


def dataset_graph(ds: Dataset, base: str | None = None) -> Graph:
    base = base or default_base_url()
    writer = TripleWriter(base)
    graph = Graph()
    for prefix, uri in PREFIXES.items():
        graph.bind(prefix, uri)
    for triple in writer.catalogue() + writer.dataset(ds):
        graph.add(triple)
    return graph


RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


def dataset_rdf_response(request: Any, ds: Dataset, default: str) -> Any:
    """The dataset's DCAT-AP in the RDF syntax the client prefers, or None when it prefers
    `default` (JSON for the API, HTML for the page): content negotiation on one IRI."""
    from django.http import HttpResponse

    preferred = request.get_preferred_type([default, *RDF_TYPES])
    if preferred not in RDF_TYPES:
        return None
    base = request.build_absolute_uri("/").rstrip("/")
    body = dataset_graph(ds, base).serialize(format=RDF_TYPES[preferred])
    response = HttpResponse(body, content_type=f"{preferred}; charset=utf-8")
    from django.utils.cache import patch_vary_headers

    patch_vary_headers(response, ["Accept"])
    return response


# ------------------------------------------------------------------------------------ CSVW

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


def _csvw_name(header: str) -> str:
    """A CSVW column name (a URI template variable): letters, digits and `_`, the rest
    percent-encoded in UTF-8, never a leading `_` (reserved by CSVW)."""
    out = []
    for i, char in enumerate(header):
        if char.isascii() and (char.isalnum() or (char == "_" and i > 0)):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def csvw_metadata(base: str, ds: Dataset, dist: Any, dictionary: Any) -> dict[str, Any]:
    """The CSVW metadata of a described CSV file (W3C *Metadata Vocabulary for Tabular Data*):
    its columns with their titles, datatypes, units (`schema:unitText`) and descriptions in
    French and English. The same document in any reader's language, like the DCAT-AP export."""
    node = f"{dataset_iri(base, ds.slug)}/distributions/{dist.pk}"
    with translation.override(settings.LANGUAGE_CODE):
        if ds.classification == Classification.OPEN and dist.file:
            url = base + reverse("datagov:download", kwargs={"slug": ds.slug, "pk": dist.pk})
        else:  # non-open data is reached through the dataset page
            url = base + ds.get_absolute_url()
    columns = []
    for column in dictionary.columns.all():
        item: dict[str, Any] = {
            "name": _csvw_name(column.name),
            "titles": column.name,
            "datatype": column.datatype,
        }
        descriptions = [
            {"@value": text, "@language": lang}
            for lang, text in (("fr", column.description_fr), ("en", column.description_en))
            if text
        ]
        if descriptions:
            item["dc:description"] = descriptions
        if column.unit:
            item["schema:unitText"] = column.unit
        columns.append(item)
    titles = [
        {"@value": text, "@language": lang}
        for lang, text in (("fr", ds.title_fr), ("en", ds.title_en))
        if text
    ]
    return {
        "@context": CSVW_CONTEXT,
        "@id": f"{node}/csvw",
        "url": url,
        "dc:title": titles,
        "dc:isPartOf": {"@id": str(dataset_iri(base, ds.slug))},
        "dialect": {"delimiter": dictionary.delimiter, "header": True},
        "tableSchema": {"columns": columns},
    }


# ------------------------------------------------------------------------------ validation

SHAPES_DIR = Path(__file__).resolve().parent / "fixtures" / "shacl"


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The gate (shapes + range) and the advice (recommended), parsed once per process."""
    graph = Graph()
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


SH = Namespace("http://www.w3.org/ns/shacl#")


def validate_dataset(ds: Dataset) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Errors (the DCAT-AP gate) and warnings (recommended properties) for one dataset."""
    return validate_datasets([ds])[ds.pk]


def validate_datasets(
    datasets: list[Dataset],
) -> dict[int, tuple[list[dict[str, str]], list[dict[str, str]]]]:
    """Check several datasets in one SHACL run (the shapes' set-up dominates a single check)."""
    from pyshacl import validate

    base = default_base_url()
    writer = TripleWriter(base)
    data = Graph()
    for triple in writer.catalogue():
        data.add(triple)
    owner: dict[Any, int] = {}
    for ds in datasets:
        node = dataset_iri(base, ds.slug)
        for triple in writer.dataset(ds):
            data.add(triple)
        owner[node] = ds.pk
        for dist in data.objects(node, DCAT.distribution):
            owner[dist] = ds.pk
    _conforms, report, _text = validate(
        data, shacl_graph=shapes_graph(), allow_warnings=True, advanced=False
    )
    found: dict[int, tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]] = {
        ds.pk: (set(), set()) for ds in datasets
    }
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        focus = report.value(result, SH.focusNode)
        component = report.value(result, SH.sourceConstraintComponent)
        # What the finding is about, not the report's English text with its IRIs: the pages
        # say it in the reader's language (advice.finding_text).
        kind = next((_compact(str(o)) for o in data.objects(focus, RDF.type)), "")
        text = (
            kind,
            _compact(str(path)) if isinstance(path, URIRef) else "",
            str(component).rsplit("#", 1)[-1] if component else "",
        )
        is_error = severity == SH.Violation
        if focus in owner:
            targets = [owner[focus]]
        elif is_error:
            # A shared node (publisher, licence…) breaks every dataset that uses it.
            targets = list(found)
        else:
            # Advice about shared nodes (the catalogue, countries…) is not the publisher's to act on.
            continue
        for pk in targets:
            found[pk][0 if is_error else 1].add(text)
    return {
        pk: (
            [finding(*item) for item in sorted(errors)],
            [finding(*item) for item in sorted(warnings)],
        )
        for pk, (errors, warnings) in found.items()
    }


def licence_choices_with_uris(base: str) -> list[tuple[str, str, str]]:
    return [(code, str(label), str(licence_uri(base, code))) for code, label in Licence.choices]


# ------------------------------------------------------------------ the steward's download log


def _download_person(entry: Any) -> str:
    if entry.user is None:
        return pgettext("download by", "anonymised") if entry.anonymised else "—"
    return str(entry.user.email)


DOWNLOAD_LOG_COLUMNS = [
    Column(_("Date and time"), lambda e: timezone.localtime(e.at).replace(tzinfo=None)),
    Column(_("Person"), _download_person),
    Column(_("File"), lambda e: str(e.distribution) if e.distribution else "—"),
    Column(
        _("Access request"),
        lambda e: e.access_request_id or "",
    ),
]
