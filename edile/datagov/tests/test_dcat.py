"""The DCAT-AP export validates against the shapes in shared/standards/dcat-ap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from pyshacl import validate
from rdflib import Graph

from edile.datagov.models import Classification, Distribution
from edile.datagov.tests.factories import DatasetFactory, DistributionFactory, csv_distribution


def _shared() -> Path:
    candidate = Path(__file__).resolve().parents[3].parent / "shared"
    return candidate if candidate.exists() else Path("/work/shared")


SHAPES = _shared() / "standards" / "dcat-ap" / "shacl-grouped"


def _gate() -> Graph:
    shapes = Graph()
    shapes.parse(SHAPES / "shapes.ttl", format="turtle")
    shapes.parse(SHAPES / "range.ttl", format="turtle")
    return shapes


def _catalogue(client: Client, fmt: str) -> Graph:
    response = client.get(f"/api/v1/datagov/catalog.{fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    graph = Graph()
    graph.parse(data=body, format="json-ld" if fmt == "jsonld" else "turtle")
    return graph


@pytest.fixture
def catalogue_data(db):
    open_ds = DatasetFactory(themes=["TRAN", "ENVI"], spatial_country="SN")
    csv_distribution(open_ds)
    DistributionFactory(dataset=open_ds, format="JSON", byte_size=1234, checksum="ab" * 32)
    restricted = DatasetFactory(
        classification=Classification.RESTRICTED, publisher=None, spatial_local_government=None
    )
    DistributionFactory(dataset=restricted)
    DatasetFactory(classification=Classification.INTERNAL, title_fr="Secret interne")
    return open_ds


@pytest.mark.parametrize("fmt", ["jsonld", "ttl"])
def test_catalogue_export_conforms_to_dcat_ap_shapes(catalogue_data, fmt):
    """The JSON-LD and Turtle catalogues pass the DCAT-AP 3.0.1 gate (shapes + range)."""
    graph = _catalogue(Client(), fmt)
    conforms, _report, text = validate(graph, shacl_graph=_gate())
    assert conforms, text
    titles = {str(o) for o in graph.objects(None, _dct("title"))}
    assert "Jeu de données 0" in titles or any("Jeu de données" in t for t in titles)


def _dct(name: str):
    from rdflib.namespace import DCTERMS

    return DCTERMS[name]


def test_export_lists_only_what_the_viewer_may_see(catalogue_data):
    """An anonymous visitor's catalogue has no internal dataset; restricted ones carry RESTRICTED."""
    graph = _catalogue(Client(), "ttl")
    titles = {str(o) for o in graph.objects(None, _dct("title"))}
    assert "Secret interne" not in titles
    rights = {str(o) for o in graph.objects(None, _dct("accessRights"))}
    assert "http://publications.europa.eu/resource/authority/access-right/RESTRICTED" in rights


def test_restricted_dataset_has_no_download_url(catalogue_data):
    """Non-open data is reached through the request page: no dcat:downloadURL is exported for it."""
    from rdflib.namespace import DCAT

    graph = _catalogue(Client(), "ttl")
    downloads = [str(o) for o in graph.objects(None, DCAT.downloadURL)]
    assert len(downloads) == 2  # the two distributions of the open dataset only


def test_jsonld_carries_its_context_inline(catalogue_data):
    """The JSON-LD parses offline: its @context is an object, not a URL."""
    response = Client().get("/api/v1/datagov/catalog.jsonld")
    doc = json.loads(b"".join(response.streaming_content))
    assert isinstance(doc["@context"], dict)
    assert response["Content-Type"].startswith("application/ld+json")


def test_broken_metadata_fails_the_gate(catalogue_data):
    """The gate is not a rubber stamp: a distribution without accessURL is reported."""
    from rdflib.namespace import DCAT

    graph = _catalogue(Client(), "ttl")
    for s, o in list(graph.subject_objects(DCAT.accessURL)):
        graph.remove((s, DCAT.accessURL, o))
    conforms, _report, _text = validate(graph, shacl_graph=_gate())
    assert not conforms


def _bus_stops_by_a_focal_point(client_as):
    """A focal point's client and the dataset they just published: valid, with no file yet."""
    from edile.datagov import services
    from edile.members.tests.factories import LocalGovernmentFactory

    lg = LocalGovernmentFactory()
    c = client_as("focal_point", local_government=lg)
    ds = services.dataset_create(
        user=c.user,
        publisher=lg,
        data={
            "title_fr": "Arrêts de bus",
            "description_fr": "Les arrêts.",
            "contact_name": "Data",
            "contact_email": "data@example.org",
            "licence": "cc-by-4.0",
            "classification": "open",
        },
        themes=["TRAN"],
    )
    return c, ds


def test_saving_a_dataset_records_what_the_publisher_must_fix(client_as):
    """Each dataset is checked when it is saved: valid metadata has no error, warnings are kept."""
    c, ds = _bus_stops_by_a_focal_point(client_as)
    ds.refresh_from_db()
    assert ds.dcat_errors == []
    assert ds.dcat_warnings  # e.g. no distribution yet: recommended
    assert {
        "kind": "dcat:Dataset",
        "path": "dcat:distribution",
        "constraint": "MinCountConstraintComponent",
    } in ds.dcat_warnings
    assert Distribution.objects.filter(dataset=ds).count() == 0


def test_the_check_is_said_to_the_steward_in_their_language(client_as):
    """The check shown on the French page is French sentences about the dataset's fields: no
    SHACL English ("Less than 1 values"), no IRI of our own server; the API says it too."""
    c, ds = _bus_stops_by_a_focal_point(client_as)
    body = c.get(f"/fr/data/datasets/{ds.slug}/").content.decode()
    assert "Jeu de données — à renseigner\u00a0: au moins un fichier ou un lien." in body
    assert "Less than" not in body and "http://testserver/" not in body.split("<main")[1]
    english = c.get(f"/en/data/datasets/{ds.slug}/").content.decode()
    assert "Dataset — to fill in: at least one file or link." in english
    api = c.get(f"/api/v1/datagov/datasets/{ds.slug}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert (
        "Jeu de données — à renseigner\u00a0: au moins un fichier ou un lien."
        in (api["dcat_warnings"])
    )


@pytest.fixture
def harvested_data(catalogue_data):
    """A dataset as harvested: German title, unknown licence kept as its URI, a geometry."""
    ds = DatasetFactory(
        title_fr="",
        title_en="",
        title_other={"de": "Lieferservices"},
        description_other={"de": "Standorte"},
        keywords="",
        keywords_other={"de": ["handel"]},
        licence="other",
        licence_uri="http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        languages=["DEU"],
        spatial_uri="http://sws.geonames.org/2844588",
        spatial_geometry='{"type": "Point", "coordinates": [12.1, 54.1]}',
    )
    Distribution.objects.create(
        dataset=ds,
        url="https://geo.example.org/liefer.csv",
        format="WFS",
        title="Lieferservices (WFS)",
        language="de",
    )
    return ds


def test_export_iris_never_depend_on_the_readers_language(harvested_data):
    """The same catalogue asked with Accept-Language fr and en is byte for byte the same
    (landing pages, download and licence IRIs used to carry /fr/ or /en/)."""
    bodies = []
    for lang in ("fr", "en"):
        response = Client().get("/api/v1/datagov/catalog.ttl", HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200
        bodies.append(b"".join(response.streaming_content))
    assert bodies[0] == bodies[1]
    assert b"/en/data/" not in bodies[0]


@pytest.mark.parametrize("fmt", ["jsonld", "ttl"])
def test_every_literal_is_language_tagged_and_harvested_data_is_exported(harvested_data, fmt):
    """Titles, descriptions, keywords and file titles carry a language tag (German stays
    German); the unknown licence keeps its own IRI; the export still passes the gate."""
    from rdflib import Literal, URIRef

    graph = _catalogue(Client(), fmt)
    conforms, _report, text = validate(graph, shacl_graph=_gate())
    assert conforms, text
    for prop in ("title", "description"):
        for lit in graph.objects(None, _dct(prop)):
            if isinstance(lit, Literal):
                assert lit.language, (prop, lit)
    for lit in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#keyword")):
        assert lit.language, lit
    assert Literal("Lieferservices", lang="de") in set(graph.objects(None, _dct("title")))
    assert URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0") in set(
        graph.objects(None, _dct("license"))
    )
    wfs = URIRef("http://publications.europa.eu/resource/authority/file-type/WFS_SRVC")
    assert wfs in set(graph.objects(None, _dct("format")))


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_per_dataset_rdf_by_content_negotiation(catalogue_data, accept, fmt):
    """The dataset's IRI (API) and its page answer its DCAT-AP to a client that asks for RDF;
    JSON and HTML stay the default."""
    from rdflib import URIRef

    client = Client()
    iri = f"/api/v1/datagov/datasets/{catalogue_data.slug}"
    for url in (iri, f"/fr/data/datasets/{catalogue_data.slug}/"):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(accept)
        assert "Accept" in response["Vary"].split(", ")
        graph = Graph().parse(data=response.content.decode(), format=fmt)
        node = URIRef(f"http://testserver{iri}")
        assert (node, _dct("title"), None) in graph
    assert client.get(iri).headers["Content-Type"].startswith("application/json")
    assert (
        client.get(f"/fr/data/datasets/{catalogue_data.slug}/")
        .headers["Content-Type"]
        .startswith("text/html")
    )


def test_paged_catalogue_with_hydra_links_that_our_harvester_follows(catalogue_data):
    """`?page=1&page_size=1` gives one dataset and a Hydra next page; the last page has none;
    our own harvester finds the next page; a page 0 is a 400 with a reason."""
    from rdflib import URIRef

    from edile.datagov.harvest.read import read_document

    DatasetFactory(title_fr="Deuxième jeu ouvert")
    client = Client()
    response = client.get("/api/v1/datagov/catalog.ttl", {"page": 1, "page_size": 1})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    graph = Graph().parse(data=body.decode(), format="turtle")
    dcat_dataset = URIRef("http://www.w3.org/ns/dcat#dataset")
    assert len(list(graph.objects(None, dcat_dataset))) == 1
    document = read_document(body, "catalog.ttl", base_url="http://testserver/")
    assert document.next_page == ("http://testserver/api/v1/datagov/catalog.ttl?page=2&page_size=1")
    last = client.get("/api/v1/datagov/catalog.jsonld", {"page": 3, "page_size": 1})
    last_body = b"".join(last.streaming_content)
    assert read_document(last_body, "catalog.jsonld").next_page == ""
    assert b"previousPage" in last_body
    bad = client.get("/api/v1/datagov/catalog.ttl", {"page": 0})
    assert bad.status_code == 400
    assert "page starts at 1" in bad.json()["detail"]


@pytest.mark.parametrize("fmt", ["jsonld", "ttl"])
def test_a_city_place_has_its_names_and_centroid(db, fmt):
    """A dataset about a member city points to the city as a dct:Location with its name in
    French and English and its centroid (WKT, longitude first) — it used to be a bare node
    with no label and no geometry — and the Location passes DCAT-AP's generated shapes
    (one centroid, a literal)."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, RDF, SKOS

    from edile.members.tests.factories import LocalGovernmentFactory

    city = LocalGovernmentFactory(
        name_fr="Saint-Louis",
        name_en="Saint-Louis (Senegal)",
        latitude="16.0326",
        longitude="-16.4818",
    )
    dataset = DatasetFactory(publisher=city, spatial_local_government=city)
    graph = _catalogue(Client(), fmt)
    place = URIRef(f"http://testserver/api/v1/members/local-governments/{city.pk}#place")
    assert (
        URIRef(f"http://testserver/api/v1/datagov/datasets/{dataset.slug}"),
        _dct("spatial"),
        place,
    ) in graph
    assert (place, RDF.type, _dct("Location")) in graph
    assert set(graph.objects(place, SKOS.prefLabel)) == {
        Literal("Saint-Louis", lang="fr"),
        Literal("Saint-Louis (Senegal)", lang="en"),
    }
    gsp = Namespace("http://www.opengis.net/ont/geosparql#")
    assert list(graph.objects(place, DCAT.centroid)) == [
        Literal("POINT(-16.4818 16.0326)", datatype=gsp.wktLiteral)
    ]
    location_shapes = Graph()
    location_shapes.parse(
        _shared() / "standards" / "dcat-ap" / "shacl-generated" / "dcat-ap-SHACL.ttl",
        format="turtle",
    )
    places = Graph()
    for triple in graph.triples((place, None, None)):
        places.add(triple)
    conforms, _report, text = validate(places, shacl_graph=location_shapes)
    assert conforms, text
