"""Harvesting a city's catalogue: DCAT or CKAN, all or nothing, updates on re-harvest, and
hostile files fail cleanly without changing anything."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edile.datagov.harvest import HarvestDefaults, HarvestRefused, catalogue_harvest
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


def test_one_bad_record_never_blocks_the_others(setup):
    """A CKAN answer with a good record, one without a title and one without a licence: the
    good one is imported, the others are refused with their reasons (it was all or nothing)."""
    lg, user = setup
    data = ckan([package("ok"), package("notitle", title=""), package("nolicence", license_id="")])
    report = catalogue_harvest(user=user, publisher=lg, data=data, filename="dump.json")
    assert report.created == 1
    assert sorted((e.record, e.message) for e in report.refused) == [
        ("nolicence", "no licence, and the source has no default licence"),
        ("notitle", "no title"),
    ]
    assert list(Dataset.objects.values_list("identifier", flat=True)) == ["ok"]


def test_missing_contact_comes_from_the_defaults_and_is_flagged(setup):
    """A record with no contact e-mail takes the source's default (here: the default given
    with the upload) and the report says so; it used to be refused."""
    lg, user = setup
    data = ckan([package("nocontact", maintainer_email="")])
    report = catalogue_harvest(
        user=user,
        publisher=lg,
        data=data,
        filename="dump.json",
        defaults=HarvestDefaults(contact_email="opendata@ville.example.org"),
    )
    assert report.refused == []
    assert Dataset.objects.get().contact_email == "opendata@ville.example.org"
    assert "default" in report.flagged[0].message


def test_modified_before_issued_is_flagged_not_refused(setup):
    """A source that says "modified before issued" is imported, modified set to issued."""
    lg, user = setup
    data = ckan(
        [package("odd", metadata_created="2024-05-01T00:00:00", metadata_modified="2023-01-01")]
    )
    report = catalogue_harvest(user=user, publisher=lg, data=data, filename="dump.json")
    ds = Dataset.objects.get()
    assert (report.created, report.refused) == (1, [])
    assert ds.issued.isoformat() == ds.modified.isoformat() == "2024-05-01"
    assert "before issued" in report.flagged[0].message


def test_english_only_title_is_not_copied_into_french(setup):
    """A title tagged @en fills the English field only; untagged text takes the declared
    default language; other languages stay as they are."""
    lg, user = setup
    turtle = TURTLE.replace(
        '"Arrêts de bus"@fr, "Bus stops"@en', '"Bus stops"@en, "Bushaltestellen"@de'
    )
    catalogue_harvest(user=user, publisher=lg, data=turtle.encode(), filename="cat.ttl")
    ds = Dataset.objects.get()
    assert (ds.title_fr, ds.title_en, ds.title_other) == (
        "",
        "Bus stops",
        {"de": "Bushaltestellen"},
    )


def test_reharvest_keeps_local_edits_and_distribution_ids(setup):
    """The steward's edit survives a re-harvest (the field is recorded as local), what the
    source changed is updated, an unchanged record is counted as such, and the file keeps its
    row (so its exported IRI) across runs."""
    from edile.datagov.services import dataset_update

    lg, user = setup
    data = ckan([package("ok")])
    catalogue_harvest(user=user, publisher=lg, data=data, filename="dump.json")
    ds = Dataset.objects.get()
    dist_pk = ds.distributions.get().pk
    dataset_update(
        user=user,
        dataset=ds,
        data={"description_fr": "Notes du gestionnaire"},
        expected_version=ds.version,
        check=False,
    )
    assert Dataset.objects.get().local_fields == ["description_fr"]
    report = catalogue_harvest(user=user, publisher=lg, data=data, filename="dump.json")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    changed = ckan([package("ok", title="Titre changé", notes="Notes changées")])
    report = catalogue_harvest(user=user, publisher=lg, data=changed, filename="dump.json")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    ds = Dataset.objects.get()
    assert (ds.title_fr, ds.description_fr) == ("Titre changé", "Notes du gestionnaire")
    assert ds.distributions.get().pk == dist_pk


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
    """The harvest page lists the refused records and why (the good ones are imported)."""
    lg, user = setup
    client.force_login(user)
    response = client.post(
        "/en/data/harvest/",
        {
            "publisher": lg.pk,
            "file": SimpleUploadedFile(
                "dump.json", ckan([package("good"), package("bad", title="")])
            ),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 dataset(s) created" in body
    assert "bad" in body and "no title" in body


def test_harvest_for_another_city_is_forbidden(setup, make_user):
    """A focal point cannot harvest into another city's catalogue."""
    from django.core.exceptions import PermissionDenied

    _lg, user = setup
    with pytest.raises(PermissionDenied):
        catalogue_harvest(
            user=user, publisher=LocalGovernmentFactory(), data=TURTLE.encode(), filename="c.ttl"
        )
