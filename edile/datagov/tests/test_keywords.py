"""Keywords as a table: one keyword per folded key, a facet counted on the current result in
constant queries, chips, the API's `keyword=`, the DCAT-AP export keeps their language, and the
data migration that moved the typed keywords into the table (and back)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT

from edile.datagov.models import Dataset, Keyword
from edile.datagov.selectors import DatasetFilters, dataset_facets
from edile.datagov.services import dataset_keywords_sync, dataset_update
from edile.datagov.tests.factories import DatasetFactory
from edile.members.tests.factories import LocalGovernmentFactory


@pytest.fixture
def tagged(db):
    water = DatasetFactory(title_fr="Eau potable", keywords="Données, eau", themes=["ENVI"])
    budget = DatasetFactory(title_fr="Budget", keywords="donnees, finances", themes=["GOVE"])
    bus = DatasetFactory(title_fr="Bus", keywords="transport", themes=["TRAN"])
    return water, budget, bus


def _counts(facet: list[dict]) -> dict[str, int]:
    return {o["value"]: o["count"] for o in facet}


def test_one_keyword_per_folded_key(tagged):
    """ "Données" and "donnees" are one keyword, labelled as first written."""
    assert Keyword.objects.filter(key="donnees").count() == 1
    keyword = Keyword.objects.get(key="donnees")
    assert keyword.label_fr == "Données"
    assert keyword.datasets.count() == 2


def test_keyword_facet_counts_the_current_result(tagged):
    """The facet counts the datasets the other filters leave; a theme filter changes it."""
    facets = dataset_facets(AnonymousUser(), DatasetFilters())
    assert _counts(facets["keyword"]) == {"donnees": 2, "eau": 1, "finances": 1, "transport": 1}
    assert next(o["label"] for o in facets["keyword"] if o["value"] == "donnees") == "Données"
    facets = dataset_facets(AnonymousUser(), DatasetFilters(theme="GOVE"))
    assert _counts(facets["keyword"]) == {"donnees": 1, "finances": 1}
    # Selecting a keyword narrows the other facets, not its own.
    facets = dataset_facets(AnonymousUser(), DatasetFilters(keyword="donnees"))
    assert _counts(facets["keyword"])["transport"] == 1
    assert _counts(facets["theme"]) == {"ENVI": 1, "GOVE": 1}


def test_french_folded_match_on_the_page_and_the_api(tagged, client):
    """keyword=DONNÉES, Données or donnees: the same two datasets, on the page and in the API."""
    for spelling in ("donnees", "DONNÉES", "Données"):
        data = client.get("/api/v1/datagov/datasets", {"keyword": spelling}).json()
        assert data["count"] == 2, spelling
        assert {d["slug"] for d in data["items"]} == {tagged[0].slug, tagged[1].slug}
    body = client.get("/fr/data/", {"keyword": "DONNÉES"}).content.decode()
    assert "Eau potable" in body and "Budget" in body
    assert ">Bus<" not in body


def test_keyword_facet_links_and_chip(tagged, client):
    """The facet lists each keyword with its count; a selected one is a chip that removes it."""
    body = client.get("/fr/data/").content.decode()
    assert (
        'data-facet="keyword" data-value="donnees">Données</a> <span class="count">(2)</span>'
        in body
    )
    body = client.get("/fr/data/", {"keyword": "donnees", "year": "2021"}).content.decode()
    assert '<a href="?year=2021" data-chip>Mot-clé\u00a0: Données ' in body
    english = client.get("/en/data/", {"keyword": "donnees"}).content.decode()
    assert '<a href="?" data-chip>Keyword: Données ' in english


def test_unknown_keyword_finds_nothing_and_is_no_error(tagged, client):
    response = client.get("/api/v1/datagov/datasets", {"keyword": "inconnu"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    response = client.get("/api/v1/datagov/datasets", {"keyword": "x" * 201})
    assert response.status_code == 422


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/fr/data/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_keyword_facet_costs_the_same_queries_whatever_the_size(tagged, client):
    """Three datasets or thirty, with many keywords: the page costs the same queries."""
    few = _page_queries(client)
    for i in range(27):
        DatasetFactory(keywords=f"mot{i}, autre{i}, données")
    assert _page_queries(client) == few
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/v1/datagov/datasets", {"keyword": "donnees", "limit": 50}).json()
    assert data["count"] == 29
    api_queries = len(ctx.captured_queries)
    for i in range(10):
        DatasetFactory(keywords=f"encore{i}, données")
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/v1/datagov/datasets", {"keyword": "donnees", "limit": 50}).json()
    assert data["count"] == 39
    assert len(ctx.captured_queries) == api_queries


def test_publish_form_writes_the_table(client_as):
    """Saving the form with new keywords links the new ones and drops the removed ones."""
    dataset = DatasetFactory()
    focal = client_as("focal_point", local_government=dataset.publisher)
    dataset_update(
        user=focal.user,
        dataset=dataset,
        data={"keywords": "Qualité de l’eau, transport"},
        expected_version=dataset.version,
    )
    assert sorted(dataset.keyword_tags.values_list("key", flat=True)) == [
        "qualite de l eau",
        "transport",
    ]


def test_export_keeps_each_keyword_in_its_language(db, client):
    """A French dataset's keyword is @fr; an English one harvested with it stays @en."""
    dataset = DatasetFactory(keywords="Données")
    dataset_keywords_sync(dataset=dataset, tagged=[("Données", "fr"), ("water", "en")])
    graph = Graph()
    response = client.get("/api/v1/datagov/catalog.ttl")
    graph.parse(data=b"".join(response.streaming_content), format="turtle")
    node = URIRef(f"http://testserver/api/v1/datagov/datasets/{dataset.slug}")
    assert set(graph.objects(node, DCAT.keyword)) == {
        Literal("Données", lang="fr"),
        Literal("water", lang="en"),
    }


def test_harvest_keeps_english_keywords_english(db):
    from edile.datagov.harvest.read import Record, Text
    from edile.datagov.harvest.store import HarvestDefaults, dataset_values

    record = Record(identifier="x", titles=[Text("Eau", "fr")])
    record.keywords = [Text("eau", "fr"), Text("water", "en"), Text("Wasser", "de")]
    values, _problems, _notes = dataset_values(
        record, HarvestDefaults(licence="cc-by-4.0"), DatasetFactory().publisher
    )
    assert values["keyword_pairs"] == [("eau", "fr"), ("water", "en")]
    assert values["keywords_other"] == {"de": ["Wasser"]}


def test_data_migration_moves_keywords_and_back(db):
    """Forward: typed keywords become rows, folded; backward: the table empties and a keyword
    only the table had goes back into the typed text."""
    migration = importlib.import_module("edile.datagov.migrations.0011_move_keywords_into_table")
    dataset = DatasetFactory(title_fr="Titre", keywords="Données, DONNEES, eau")
    Keyword.objects.all().delete()
    migration.forward(django_apps, None)
    assert sorted(dataset.keyword_tags.values_list("key", flat=True)) == ["donnees", "eau"]
    assert Keyword.objects.get(key="donnees").label_fr == "Données"
    dataset_keywords_sync(dataset=dataset, tagged=[("eau", "fr"), ("water", "en")])
    migration.backward(django_apps, None)
    assert Keyword.objects.count() == 0
    assert Dataset.objects.get(pk=dataset.pk).keywords == "Données, DONNEES, eau, water"


@pytest.fixture
def hidden_keywords(db, make_user):
    """One open dataset, one internal and one with personal data of the same city; the
    hidden ones carry keywords the open one does not have."""
    from edile.datagov.models import Classification
    from edile.members.tests.factories import LocalGovernmentFactory

    city = LocalGovernmentFactory(slug="ville-mots")
    open_ds = DatasetFactory(publisher=city, title_fr="Ouvert", keywords="eau")
    DatasetFactory(
        publisher=city,
        title_fr="Interne",
        keywords="Secret interne, eau",
        classification=Classification.INTERNAL,
    )
    DatasetFactory(
        publisher=city,
        title_fr="Personnel",
        keywords="Santé, eau",
        classification=Classification.PERSONAL,
    )
    return city, open_ds


def _api_keywords(client, **params) -> dict[str, int]:
    response = client.get("/api/v1/datagov/datasets", params)
    assert response.status_code == 200
    return _counts(response.json()["facets"]["keyword"])


def test_keyword_facet_counts_only_what_the_viewer_may_see(hidden_keywords, client, make_user):
    """No keyword, and no count, of an internal or personal dataset reaches someone who may
    not see that dataset: in the API, on the page, with or without a keyword filter."""
    city, _open = hidden_keywords
    assert _api_keywords(client) == {"eau": 1}
    assert _api_keywords(client, keyword="eau") == {"eau": 1}
    # Asking for a hidden keyword by name finds nothing and does not make it appear.
    response = client.get("/api/v1/datagov/datasets", {"keyword": "secret interne"})
    assert response.json()["count"] == 0
    assert _counts(response.json()["facets"]["keyword"]) == {"eau": 1}
    body = client.get("/fr/data/").content.decode()
    assert 'data-facet="keyword" data-value="eau">eau</a> <span class="count">(1)</span>' in body
    assert "Secret interne" not in body and "secret interne" not in body
    assert "Santé" not in body
    body = client.get("/fr/data/", {"keyword": "secret interne"}).content.decode()
    assert ">Interne<" not in body  # no title of the hidden dataset
    assert 'data-value="secret interne"' not in body

    # A member (another city's delegate) sees personal-data metadata, not internal datasets.
    delegate = Client()
    delegate.force_login(make_user("delegate", local_government=LocalGovernmentFactory()))
    assert _api_keywords(delegate) == {"eau": 2, "sante": 1}

    # The city's focal point sees all three.
    focal = Client()
    focal.force_login(make_user("focal_point", local_government=city))
    assert _api_keywords(focal) == {"eau": 3, "sante": 1, "secret interne": 1}
    assert _api_keywords(focal, keyword="Secret interne") == {
        "eau": 3,
        "sante": 1,
        "secret interne": 1,
    }
    assert focal.get("/api/v1/datagov/datasets", {"keyword": "SECRET INTERNE"}).json()["count"] == 1


def test_chip_link_removes_its_filter(tagged, client):
    """Following a chip's link drops that filter and keeps the others; *Clear all filters*
    drops them all."""
    import re

    body = client.get("/fr/data/", {"keyword": "donnees", "theme": "GOVE"}).content.decode()
    assert "1 jeu de données" in body
    chips = {
        label: href
        for href, label in re.findall(r'<a href="([^"]*)" data-chip>([^<]*?) <span', body)
    }
    assert set(chips) == {"Mot-clé\u00a0: Données", "Thème\u00a0: Gouvernement et secteur public"}
    assert 'class="chips-clear"' in body
    without_keyword = client.get(
        "/fr/data/" + chips["Mot-clé\u00a0: Données"].replace("&amp;", "&")
    )
    text = without_keyword.content.decode()
    assert without_keyword.status_code == 200
    assert "1 jeu de données" in text and "Budget" in text  # only the theme is left
    assert "data-chip>Thème\u00a0: Gouvernement et secteur public " in text
    assert "data-chip>Mot-clé" not in text
    without_theme = client.get(
        "/fr/data/" + chips["Thème\u00a0: Gouvernement et secteur public"].replace("&amp;", "&")
    ).content.decode()
    assert "2 jeux de données" in without_theme  # the keyword alone: water and budget
    assert "data-chip>Thème" not in without_theme
    everything = client.get("/fr/data/?").content.decode()
    assert "3 jeux de données" in everything and "data-chip" not in everything
