"""Harvesting real portals' files (ckanext-dcat's DCAT-AP examples and a demo.ckan.org
package_search answer, see fixtures/real/README.md): every file imports, nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from edile.datagov.harvest import HarvestDefaults, catalogue_harvest
from edile.datagov.models import Dataset, Distribution, DistributionFormat, Frequency, Licence
from edile.members.tests.factories import LocalGovernmentFactory

REAL = Path(__file__).parent / "fixtures" / "real"
FILES = sorted(p.name for p in REAL.iterdir() if p.suffix in {".rdf", ".ttl", ".jsonld", ".json"})


@pytest.fixture
def setup(db, make_user):
    lg = LocalGovernmentFactory()
    return lg, make_user("focal_point", local_government=lg)


def harvest(setup, name: str, **defaults):
    lg, user = setup
    return catalogue_harvest(
        user=user,
        publisher=lg,
        data=(REAL / name).read_bytes(),
        filename=name,
        defaults=HarvestDefaults(**defaults),
    )


def test_there_are_sixteen_real_files():
    """The fixtures hold the 15 DCAT examples and the CKAN answer the issue measured."""
    assert len(FILES) == 16


# ckanext-dcat's dataset.ttl uses a prefix it never declares (healthdcatap:): not Turtle.
BROKEN = {"dataset.ttl"}


@pytest.mark.parametrize("name", [f for f in FILES if f not in BROKEN])
def test_every_real_file_imports(setup, name):
    """Each real file imports every dataset it holds (licence defaults only where none is
    stated), with no refusal; RDF/XML no longer fails."""
    report = harvest(setup, name, licence=Licence.CC_BY_4_0)
    assert report.refused == []
    assert report.created >= 1
    assert Dataset.objects.count() == report.created


def test_real_file_with_an_undeclared_prefix_is_refused_with_the_reason(setup):
    """dataset.ttl is not valid Turtle: a clear refusal naming the prefix, nothing stored."""
    from edile.datagov.harvest import HarvestRefused

    with pytest.raises(HarvestRefused, match="healthdcatap"):
        harvest(setup, "dataset.ttl")
    assert Dataset.objects.count() == 0


def test_govdata_rdfxml_keeps_german_as_german(setup):
    """GovData (RDF/XML): the German title is kept as German, never stored as French, and
    the properties we model are all kept."""
    report = harvest(setup, "dataset_gov_de.rdf")
    assert report.refused == []
    ds = Dataset.objects.get(identifier="c1be4007-d811-48fb-8818-2cb358b06a63")
    assert ds.title_fr == "" and ds.title_en == ""
    assert ds.title_other == {"de": "Liefer- und Abholservices (Gastronomie)"}
    assert ds.display_title == "Liefer- und Abholservices (Gastronomie)"
    assert ds.languages == ["DEU"]
    assert ds.landing_page == (
        "https://www.opendata-hro.de/dataset/c1be4007-d811-48fb-8818-2cb358b06a63"
    )
    assert ds.source_publisher_uri.startswith("https://www.opendata-hro.de/organization/")
    assert ds.issued.isoformat() == "2020-04-21" and ds.modified.isoformat() == "2024-05-08"
    assert "gastronomiebetriebe" in ds.keywords_other["de"]
    assert [t.code for t in ds.themes.all()] == ["ECON"]


def test_unknown_licence_is_kept_as_its_uri_and_flagged(setup):
    """Sweden's CC BY-NC 3.0 is not in our list: the dataset is imported with the licence's
    URI kept, and the report flags it (it used to refuse the record)."""
    report = harvest(setup, "dataset_sweden.rdf")
    ds = Dataset.objects.get(identifier="http://nobelprize.org/datasets/dcat#ds1")
    assert ds.licence == Licence.OTHER
    assert ds.licence_uri == "http://creativecommons.org/licenses/by-nc/3.0/"
    assert [f.record for f in report.flagged] == [ds.identifier]
    assert "by-nc/3.0" in report.flagged[0].message
    # Faithful: English stays English (nothing copied into French), place and period kept.
    assert (ds.title_fr, ds.title_en) == ("", "Linked Nobel prizes")
    assert ds.spatial_uri == "http://sws.geonames.org/2673730"
    assert (ds.temporal_start.isoformat(), ds.temporal_end.isoformat()) == (
        "1905-03-01",
        "2013-01-05",
    )
    assert ds.frequency == Frequency.DAILY
    assert ds.source_publisher_name == "Nobel Media AB"


def test_govdata_licence_formats_sizes_and_checksums(setup):
    """GovData: dcat-ap.de's CC0 maps to ours; GML, WFS, WMS, KML and GeoJSON keep their EU
    file type (they used to become OTHER); byte sizes, media types and SHA-256 are kept."""
    harvest(setup, "dataset_gov_de.rdf")
    ds = Dataset.objects.get()
    assert ds.licence == Licence.CC0
    formats = set(ds.distributions.values_list("format", flat=True))
    assert {
        DistributionFormat.GML,
        DistributionFormat.WFS,
        DistributionFormat.WMS,
        DistributionFormat.KML,
        DistributionFormat.GEOJSON,
        DistributionFormat.CSV,
        DistributionFormat.XLSX,
    } <= formats
    csv = ds.distributions.get(format=DistributionFormat.CSV)
    assert (csv.byte_size, csv.media_type, csv.checksum_algorithm) == (60744, "text/csv", "sha256")
    assert csv.checksum.startswith("7cc6d258c2")
    assert ds.spatial_geometry.startswith('{"type":"Polygon"')
    assert len(ds.hvd_categories) == 1


def test_distributions_keep_their_own_titles(setup):
    """Each file keeps its own title and description, never the dataset's title."""
    harvest(setup, "catalog.rdf", licence=Licence.CC_BY_4_0)
    dists = list(Distribution.objects.select_related("dataset"))
    assert len(dists) == 5
    assert all(d.title.startswith("A distribution for this dataset") for d in dists)
    assert all(d.title != d.dataset.display_title for d in dists)


def test_ckan_answer_imports_every_package_with_resource_ids(setup):
    """The demo.ckan.org package_search answer: 3 packages; 'other-open' is kept and flagged,
    resources keep their CKAN ids as stable identifiers."""
    report = harvest(setup, "ckan_demo_package_search.json")
    assert (report.created, report.refused) == (3, [])
    ds = Dataset.objects.get(identifier="100-validated-species-of-plants")
    assert ds.licence == Licence.OTHER
    assert ds.distributions.get().identifier == "bf4d5116-634e-43f2-a41c-9ae22d362083"
    assert ds.distributions.get().title == "validated_100_species.csv"
    assert ds.frequency == Frequency.UNKNOWN
