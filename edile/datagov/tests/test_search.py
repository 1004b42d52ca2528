"""French-aware search: accents, case and apostrophes folded, French and English stems, the
title first, sort; the same answers on SQLite and PostgreSQL (CI runs the suite on both)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from edile.datagov.search import fold, query_terms
from edile.datagov.selectors import DatasetFilters, dataset_search
from edile.datagov.tests.factories import DatasetFactory


@pytest.fixture
def catalogue(db):
    water = DatasetFactory(
        title_fr="Qualité de l’eau potable",
        title_en="Drinking water quality",
        description_fr="Analyses des eaux distribuées.",
        modified=dt.date(2024, 1, 1),
        issued=dt.date(2024, 1, 1),
    )
    budget = DatasetFactory(
        title_fr="Budget primitif",
        title_en="",
        description_fr="Les données budgétaires et la qualité des comptes.",
        modified=dt.date(2025, 6, 1),
        issued=dt.date(2024, 1, 1),
    )
    bus = DatasetFactory(
        title_fr="Arrêts de bus",
        title_en="Bus stops",
        description_fr="Données des arrêts.",
        modified=dt.date(2023, 1, 1),
        issued=dt.date(2023, 1, 1),
    )
    return water, budget, bus


def search(q: str, sort: str = "") -> list[str]:
    return [d.title_fr for d in dataset_search(AnonymousUser(), DatasetFilters(q=q, sort=sort))]


def test_folding():
    """Accents, case, typographic apostrophes and punctuation fold to plain words."""
    assert fold("QUALITÉ DE L’EAU") == "qualite de l eau"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("donnees", {"Budget primitif", "Arrêts de bus"}),
        ("DONNÉES", {"Budget primitif", "Arrêts de bus"}),
        ("QUALITÉ DE L’EAU", {"Qualité de l’eau potable"}),
        ("qualite de l'eau", {"Qualité de l’eau potable"}),
        ("potables", {"Qualité de l’eau potable"}),
        ("water", {"Qualité de l’eau potable"}),
        ("arret", {"Arrêts de bus"}),
        ("stop", {"Arrêts de bus"}),
        ("introuvable", set()),
    ],
)
def test_french_queries_find_what_they_mean(catalogue, q, expected):
    """The queries that found nothing before ("donnees", "QUALITÉ DE L’EAU", "potables"…)."""
    assert set(search(q)) == expected


def test_title_matches_rank_first_then_sorts(catalogue):
    """ "qualité" is in one title and in another's description: the title match comes first
    even though the other was modified later; sort by title and by date on demand."""
    assert search("qualité") == ["Qualité de l’eau potable", "Budget primitif"]
    assert search("qualité", sort="modified") == ["Budget primitif", "Qualité de l’eau potable"]
    from django.utils import translation

    # By the title the reader sees: French for a French reader, English (else French) for
    # an English one.
    with translation.override("fr"):
        assert search("", sort="title") == [
            "Arrêts de bus",
            "Budget primitif",
            "Qualité de l’eau potable",
        ]
    with translation.override("en"):
        assert search("", sort="title") == [
            "Budget primitif",
            "Arrêts de bus",
            "Qualité de l’eau potable",
        ]


def test_stop_words_alone_match_everything_not_nothing(catalogue):
    """A query of stop words only ("de la") does not filter (no terms), rather than fail."""
    assert query_terms("de la") == []
    assert len(search("de la")) == 3


def test_catalogue_page_finds_donnees(catalogue, client):
    """The public catalogue page answers "donnees" with the datasets about données."""
    response = client.get("/fr/data/", {"q": "donnees"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Budget primitif" in body and "Arrêts de bus" in body
    assert "Qualité de l’eau potable" not in body


# --- The database's full-text index (search.match_clause, search.search_index_ensure) --------


def test_index_follows_edits_and_deletions(catalogue):
    """The index is kept by the database itself: an edited title is found by its new words and
    no longer by its old ones; a deleted dataset is found no more."""
    water, _budget, bus = catalogue
    water.title_fr, water.title_en = "Assainissement collectif", "Sewerage"
    water.description_fr = "Réseaux."
    water.save()
    assert search("potable") == []
    assert search("assainissement") == ["Assainissement collectif"]
    bus.delete()
    assert search("arrêts") == []


def _explain(sql: str, params: list[str]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


def test_search_uses_the_full_text_index(catalogue):
    """The match is answered by the engine's index (FTS5 on SQLite, GIN on PostgreSQL), not by
    reading every row: what makes a search at 100,000 datasets fast (`make bench`)."""
    from django.db import connection

    from edile.datagov.search import FTS_TABLE, PG_INDEX, match_clause

    condition, params = match_clause(connection.vendor, query_terms("qualité de l’eau"))
    plan = _explain(f'SELECT "id" FROM "datagov_dataset" WHERE {condition}', params)
    if connection.vendor == "sqlite":
        assert "VIRTUAL TABLE INDEX" in plan and FTS_TABLE in plan
    else:
        assert PG_INDEX in plan


def test_index_is_rebuilt_when_a_migration_dropped_its_triggers(catalogue):
    """Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers:
    after `migrate`, search_index_ensure sees it and rebuilds the index, so nothing is missed."""
    from django.db import connection

    from edile.datagov.search import FTS_TABLE, PG_INDEX, search_index_ensure

    assert search_index_ensure(connection) is False  # in place: nothing to do
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for key in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER {FTS_TABLE}_{key}")
        else:
            cursor.execute(f"DROP INDEX {PG_INDEX}")
    DatasetFactory(title_fr="Éclairage public", title_en="Street lighting")
    if connection.vendor == "sqlite":
        assert search("éclairage") == []  # what a silently stale index would do
    assert search_index_ensure(connection) is True
    assert search("éclairage") == ["Éclairage public"]
    assert search_index_ensure(connection) is False


@pytest.mark.parametrize("q", ['" OR 1=1 --', "NEAR(a b)", "l'eau' AND *", "日本語", "\x1f\x7f"])
def test_query_syntax_of_the_engines_cannot_be_injected(catalogue, client, q):
    """Quotes, operators and control characters are folded away before the engine sees them."""
    response = client.get("/fr/data/", {"q": q})
    assert response.status_code == 200
    assert "Rechercher" in response.content.decode()


# --- What the reader sees: highlighted matches, year facet, chips, phone layout ---------------


def test_matches_are_highlighted_with_the_same_folding(catalogue, client):
    """ "donnees" marks "Données" and "données"; the rest of the text stays escaped."""
    DatasetFactory(title_fr="Données <b>brutes</b>", title_en="Raw data")
    body = client.get("/fr/data/", {"q": "donnees"}).content.decode()
    assert "<mark>Données</mark> &lt;b&gt;brutes&lt;/b&gt;" in body
    assert "Les <mark>données</mark> budgétaires" in body


def test_year_facet_counts_and_filters(catalogue, client):
    """Two datasets issued in 2024, one in 2023: the facet counts them and filters by year."""
    response = client.get("/fr/data/")
    body = response.content.decode()
    assert 'data-facet="year" data-value="2024">2024</a> <span class="count">(2)</span>' in body
    assert 'data-facet="year" data-value="2023">2023</a> <span class="count">(1)</span>' in body
    response = client.get("/fr/data/", {"year": "2023"})
    assert "Arrêts de bus" in response.content.decode()
    assert "Budget primitif" not in response.content.decode()
    api = client.get("/api/v1/datagov/datasets", {"year": "2024"}).json()
    assert api["count"] == 2
    assert {o["value"]: o["count"] for o in api["facets"]["year"]} == {"2024": 2, "2023": 1}


def test_bad_year_is_refused_by_the_api(client, db):
    response = client.get("/api/v1/datagov/datasets", {"year": "20x4"})
    assert response.status_code == 422
    assert "year" in response.content.decode()


def test_active_filters_are_chips_that_remove_themselves(catalogue, client):
    """Searching "eau" in 2024: two chips, each removing only itself, and one to clear all."""
    body = client.get("/fr/data/", {"q": "eau", "year": "2024"}).content.decode()
    assert "Recherche\u00a0: «\u00a0eau\u00a0» " in body
    assert '<a href="?year=2024" data-chip>' in body
    assert '<a href="?q=eau" data-chip>Année de publication\u00a0: 2024 ' in body
    assert "Effacer tous les filtres" in body
    english = client.get("/en/data/", {"year": "2024"}).content.decode()
    assert '<a href="?" data-chip>Year of publication: 2024 ' in english


def test_facets_sit_behind_a_button_that_phones_close(client, db):
    """The facets are in a <details> opened by default (no script, wide screens); the static
    catalogue.js closes it on small screens, so the results come first (browser test: 390 px)."""
    body = client.get("/fr/data/").content.decode()
    assert '<details class="facet-toggle" open>' in body
    assert "Filtrer les résultats" in body
    assert "datagov/catalogue" in body
