"""Statistics state their unit, count only what the viewer may see, and hide small public counts."""

import datetime as dt

import pytest

from edile.observatory.models import Victim
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(db):
    made = []
    for n in range(5):
        made.append(
            make_incident(
                country="ML", date=dt.date(2023, 3, n + 1), violation="threat", gender="female"
            )
        )
    made.append(
        make_incident(
            country="HT",
            date=dt.date(2024, 1, 1),
            violation="killing",
            gender="male",
            office="former_mayor",
            impunity="complete",
        )
    )
    hidden = make_incident(country="SN", published=False, confidentiality="confidential")
    # A second victim in one incident: units differ.
    Victim.objects.create(
        incident=made[0],
        name="Second",
        gender="male",
        office="relative",
        identity_confidentiality="public",
    )
    return made, hidden


def test_public_counts_below_three_are_suppressed(client, incidents):
    """Haiti's single incident is hidden, and Mali's five too: 6 − 5 would give Haiti's 1."""
    stats = client.get("/api/v1/observatory/statistics", HTTP_ACCEPT_LANGUAGE="en").json()
    countries = {row["key"]: row for row in stats["by_country"]}
    assert set(countries) == {"ML", "HT"}  # SN's incident is not verified: not counted
    for code in ("ML", "HT"):
        assert countries[code] == {
            "key": code,
            "label": {"ML": "Mali", "HT": "Haiti"}[code],
            "count": None,
            "suppressed": True,
            "display": "hidden",
        }
    assert stats["total"] == {"count": 6, "suppressed": False, "display": "6"}
    assert stats["unit"] == "incidents" and stats["suppression_threshold"] == 3


def test_analyst_sees_exact_counts_of_everything(client_as, incidents):
    """Analysts see every incident and no suppression."""
    stats = client_as("observatory_analyst").get("/api/v1/observatory/statistics").json()
    countries = {row["key"]: row["count"] for row in stats["by_country"]}
    assert countries == {"ML": 5, "HT": 1, "SN": 1}
    assert stats["suppression_threshold"] is None


def test_units_count_differently(client_as, incidents):
    """Incidents, acts and victims are different counting units."""
    client = client_as("observatory_analyst")
    totals = {
        unit: client.get(f"/api/v1/observatory/statistics?unit={unit}").json()["total"]["count"]
        for unit in ("incidents", "acts", "victims")
    }
    assert totals == {"incidents": 7, "acts": 7, "victims": 8}


def test_scope_filter_and_dimensions(client_as, incidents):
    """The victim scope filter keeps former officials only; impunity and office are counted."""
    client = client_as("observatory_analyst")
    stats = client.get("/api/v1/observatory/statistics?scope=former&unit=victims").json()
    assert stats["total"]["count"] == 1
    assert stats["by_office"] == [
        {
            "key": "former_mayor",
            "label": "Ancien maire",
            "count": 1,
            "suppressed": False,
            "display": "1",
        }
    ]
    full = client.get("/api/v1/observatory/statistics?year=2024&country=HT").json()
    assert [r["key"] for r in full["by_impunity"]] == ["complete"]
    assert [r["key"] for r in full["by_violation"]] == ["killing"]


def test_bad_statistics_parameters_get_422(client):
    """Unknown units, scopes and countries are refused with a message."""
    for query in ("unit=people", "scope=aliens", "country=ZZ", "year=x"):
        assert client.get(f"/api/v1/observatory/statistics?{query}").status_code == 422


def test_statistics_page_states_the_unit_and_threshold(client, incidents):
    """The page names the counting unit and the suppression rule, and shows '< 3'."""
    body = client.get("/en/observatory/statistics/?unit=acts").content.decode()
    assert "Counting unit: acts." in body
    assert "Counts below 3, and the counts that would let them be worked out" in body
    assert '<td class="num">hidden</td>' in body
    assert "How the figures are protected" in body


def test_map_aggregates_by_country_with_rounded_positions(client, incidents):
    """The map data has one row per country, whole-degree positions, the statistics' cells."""
    for day in range(4):
        make_incident(country="SN", date=dt.date(2023, 6, day + 1))
    rows = client.get("/api/v1/observatory/map").json()
    by_country = {r["country"]: r for r in rows}
    assert by_country["ML"]["count"] == 5
    assert by_country["ML"]["lat"] == 12.0 and by_country["ML"]["lon"] == -8.0
    assert by_country["HT"]["count"] is None and by_country["HT"]["suppressed"] is True
    # Haiti's 1 is protected by hiding the next smallest cell, Senegal's 4.
    assert by_country["SN"]["count"] is None
    assert client.get("/api/v1/observatory/map?by=city").status_code == 400


def test_annual_report_page_and_pdf_in_both_languages(client, incidents):
    """The annual report is a page and a PDF, in French and English."""
    fr = client.get("/fr/observatory/annual-report/2023/")
    assert fr.status_code == 200 and "Rapport annuel 2023" in fr.content.decode()
    en = client.get("/en/observatory/annual-report/2023/")
    assert "Annual report 2023" in en.content.decode()
    for lang in ("fr", "en"):
        pdf = client.get(f"/{lang}/observatory/annual-report/2023.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get("/fr/observatory/annual-report/1800/").status_code == 404


def test_trend_is_the_change_from_the_previous_year(client_as):
    """By-year rows carry the change from the previous year (the trend)."""
    for year, count in ((2022, 3), (2023, 5)):
        for day in range(count):
            make_incident(country="ML", date=dt.date(year, 1, day + 1))
    stats = client_as("observatory_analyst").get("/api/v1/observatory/statistics").json()
    assert [(r["key"], r["count"], r["change"]) for r in stats["by_year"]] == [
        (2022, 3, None),
        (2023, 5, 2),
    ]


def test_public_statistics_cache_is_refreshed_on_verification(client, make_user):
    """Public figures are cached; verifying and publishing an incident refresh them.

    Verified but not yet in the public list, the fourth incident makes the total hidden (the
    difference with the list would single it out); once published, the total is 4.
    """
    for day in range(3):
        make_incident(country="ML", date=dt.date(2024, 1, day + 1))
    incident = make_incident(country="ML", published=False, status="under_review")
    url = "/api/v1/observatory/statistics"
    assert client.get(url).json()["total"]["count"] == 3
    from edile.observatory import services

    analyst = make_user("observatory_analyst")
    services.incident_transition(
        actor=analyst, incident=incident, to="verified", expected_version=incident.version
    )
    assert client.get(url).json()["total"] == {
        "count": None,
        "suppressed": True,
        "display": "masqué",
    }
    services.incident_publish(
        actor=analyst, incident=incident, publish=True, expected_version=incident.version
    )
    assert client.get(url).json()["total"]["count"] == 4
    make_incident(country="ML")  # created directly: only service writes refresh the cache
    assert client.get(url).json()["total"]["count"] == 4


def _page_queries(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/observatory/statistics/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [None, "observatory_analyst"])
def test_statistics_page_runs_a_constant_small_number_of_queries(client_as, role):
    """Issues 12 and 15: the page's queries do not grow with the number of incidents; below
    the analysts' level, once the summary is stored, a reader (even with a cold cache, as a
    new worker) reads its row and computes nothing. Analysts' figures are counted live."""
    from edile.core.summaries import summary_refresh

    client = client_as(role)
    for n in range(3):
        make_incident(country="ML", date=dt.date(2023, 3, n + 1))
    _page_queries(client)  # the first reader ever stores the summary
    few = _page_queries(client)
    for n in range(25):
        make_incident(
            country=["ML", "HT", "SN"][n % 3],
            date=dt.date(2020 + n % 5, 1 + n % 12, 1),
            violation=["threat", "killing"][n % 2],
        )
    summary_refresh("observatory.statistics")
    many = _page_queries(client)
    assert many == few
    # Public: the stored row only. Analysts: 23 counts (the protection's own included).
    assert many <= (1 if role is None else 25)
