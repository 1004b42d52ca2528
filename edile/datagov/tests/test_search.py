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
