"""Harvesting a city's catalogue: DCAT or CKAN, all or nothing, updates on re-harvest, and
hostile files fail cleanly without changing anything."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edile.datagov.harvest import HarvestRefused, catalogue_harvest
from edile.datagov.models import Dataset
from edile.members.tests.factories import LocalGovernmentFactory

TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://data.example.org/ds/bus> a dcat:Dataset ;
  dct:identifier "bus" ; dct:title "Arrêts de bus"@fr, "Bus stops"@en ;
  dct:description "Les arrêts."@fr ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> ;
  dcat:keyword "bus" ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
  dcat:contactPoint [ vcard:fn "Data" ; vcard:hasEmail <mailto:data@example.org> ] ;
  dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://data.example.org/bus.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> ] .
"""


def _deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


DEEP_JSONLD = json.dumps({"@context": {}, "@graph": _deep(60)}).encode()


def ckan(packages: list[dict]) -> bytes:
    return json.dumps(
        {"success": True, "result": {"count": len(packages), "results": packages}}
    ).encode()


def package(name: str, **extra) -> dict:
    return {
        "name": name,
        "title": f"Titre {name}",
        "notes": "Notes",
        "license_id": "cc-by",
        "maintainer_email": "data@example.org",
        "tags": [{"name": "eau"}],
        "resources": [
            {"url": f"https://ckan.example.org/{name}.csv", "format": "CSV", "name": "csv"}
        ],
        **extra,
    }


@pytest.fixture
def setup(db, make_user):
    lg = LocalGovernmentFactory()
    return lg, make_user("focal_point", local_government=lg)


def test_turtle_harvest_creates_then_updates(setup):
    """A DCAT Turtle file creates its datasets; harvesting it again updates them, no duplicates."""
    lg, user = setup
    report = catalogue_harvest(user=user, publisher=lg, data=TURTLE.encode(), filename="cat.ttl")
    assert (report.created, report.updated) == (1, 0)
    ds = Dataset.objects.get(publisher=lg, identifier="bus")
    assert ds.title_en == "Bus stops" and ds.licence == "cc-by-4.0"
    assert [t.code for t in ds.themes.all()] == ["TRAN"]
    report = catalogue_harvest(
        user=user,
        publisher=lg,
        data=TURTLE.replace("Les arrêts.", "Tous les arrêts.").encode(),
        filename="cat.ttl",
    )
    assert (report.created, report.updated) == (0, 1)
    assert Dataset.objects.get(publisher=lg, identifier="bus").description_fr == "Tous les arrêts."
    assert Dataset.objects.count() == 1
    assert ds.distributions.count() == 1


def test_jsonld_harvest_round_trips_our_own_export(setup, client):
    """Our own JSON-LD export (inline context) can be harvested by another instance."""
    from edile.datagov.tests.factories import DatasetFactory, DistributionFactory

    lg, user = setup
    DistributionFactory(
        dataset=DatasetFactory(publisher=LocalGovernmentFactory(), title_fr="Budget", licence="cc0")
    )
    body = b"".join(client.get("/api/v1/datagov/catalog.jsonld").streaming_content)
    report = catalogue_harvest(user=user, publisher=lg, data=body, filename="catalog.jsonld")
    assert report.created == 1
    assert Dataset.objects.filter(publisher=lg, title_fr="Budget").exists()


def test_ckan_dump_is_all_or_nothing_with_every_reason(setup):
    """One bad CKAN record refuses the whole file and the report names every refused record."""
    lg, user = setup
    data = ckan([package("ok"), package("nolicence", license_id="weird"), package("", title="")])
    with pytest.raises(HarvestRefused) as info:
        catalogue_harvest(user=user, publisher=lg, data=data, filename="dump.json")
    reasons = " ".join(info.value.errors)
    assert "nolicence" in reasons and "weird" in reasons and "no title" in reasons
    assert Dataset.objects.count() == 0
    report = catalogue_harvest(
        user=user, publisher=lg, data=ckan([package("ok")]), filename="dump.json"
    )
    assert report.created == 1


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"\xff\xfe\x00bad", "cat.ttl", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "dump.json", "nested"),
        (DEEP_JSONLD, "cat.jsonld", "nested"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>',
            "cat.rdf",
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>',
            "cat.xml",
            "DOCTYPE",
        ),
        (
            json.dumps({"@context": "https://evil.example.org/ctx.jsonld", "@id": "x"}).encode(),
            "cat.jsonld",
            "remote context",
        ),
        (b"@prefix broken", "cat.ttl", "cannot be read"),
        (b"", "cat.ttl", "empty"),
        (b"{not json", "dump.json", "not valid JSON"),
    ],
)
def test_hostile_or_malformed_files_fail_cleanly(setup, data, filename, expected):
    """Bad encoding, deep nesting, XML entities, remote contexts and broken syntax: a message, no change."""
    lg, user = setup
    with pytest.raises(HarvestRefused, match=expected):
        catalogue_harvest(user=user, publisher=lg, data=data, filename=filename)
    assert Dataset.objects.count() == 0


def test_huge_file_is_refused_before_parsing(setup, settings):
    """A file over the harvest limit is refused with its size."""
    lg, user = setup
    from edile.datagov import harvest

    with pytest.raises(HarvestRefused, match="too large"):
        catalogue_harvest(
            user=user, publisher=lg, data=b" " * (harvest.MAX_BYTES + 1), filename="x.ttl"
        )


def test_harvest_page_reports_refusals(setup, client):
    """The harvest page answers 400 and lists the refused records."""
    lg, user = setup
    client.force_login(user)
    response = client.post(
        "/fr/data/harvest/",
        {
            "publisher": lg.pk,
            "file": SimpleUploadedFile("dump.json", ckan([package("bad", license_id="weird")])),
        },
    )
    assert response.status_code == 400
    assert "bad" in response.content.decode()


def test_harvest_for_another_city_is_forbidden(setup, make_user):
    """A focal point cannot harvest into another city's catalogue."""
    from django.core.exceptions import PermissionDenied

    _lg, user = setup
    with pytest.raises(PermissionDenied):
        catalogue_harvest(
            user=user, publisher=LocalGovernmentFactory(), data=TURTLE.encode(), filename="c.ttl"
        )
