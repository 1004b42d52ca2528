"""The API lists public incidents with filters and pages, refuses bad input with 4xx, and
answers in a constant number of queries."""

import datetime as dt

import pytest

from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def test_list_filters_and_pages(client):
    """Filters by country, year and violation; `{"items", "count"}` with limit/offset."""
    for day in range(1, 4):
        make_incident(country="ML", date=dt.date(2023, 1, day), violation="kidnapping")
    make_incident(country="HT", date=dt.date(2024, 1, 1), violation="threat")
    body = client.get("/api/v1/observatory/incidents?country=ML&year=2023&limit=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert client.get("/api/v1/observatory/incidents?violation=threat").json()["count"] == 1
    assert client.get("/api/v1/observatory/incidents?year=2024").json()["count"] == 1
    item = body["items"][0]
    assert item["violations"][0]["code"] == "kidnapping"
    assert "private_notes" not in item and "witnesses" not in item


def test_unpublished_incidents_are_not_listed(client):
    """Only published incidents at the caller's level are listed."""
    make_incident(published=False, status="under_review")
    assert client.get("/api/v1/observatory/incidents").json()["count"] == 0


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("country=ZZ", "unknown country code"),
        ("year=abc", "year"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("offset=-1", "offset"),
        ("violation=alien", "unknown violation"),
    ],
)
def test_bad_parameters_get_422_with_a_message(client, query, fragment):
    """Bad filters are refused with a message a person can act on."""
    response = client.get(f"/api/v1/observatory/incidents?{query}")
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_bad_token_is_401(client):
    """A wrong token is an error, not a silent downgrade to public."""
    response = client.get("/api/v1/observatory/incidents", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_analyst_token_sees_more(client, make_user):
    """An analyst's personal token shows confidential incidents; the public does not see them."""
    from edile.accounts.services import api_token_create

    make_incident(published=False, status="reported", confidentiality="confidential")
    analyst = make_user("observatory_analyst")
    _token, raw = api_token_create(user=analyst, name="test")
    response = client.get("/api/v1/observatory/incidents", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["count"] == 1
    assert client.get("/api/v1/observatory/incidents").json()["count"] == 0


def test_csv_export_has_stable_columns(client):
    """The CSV has the documented codes as columns and one row per visible incident."""
    make_incident()
    make_incident(published=False)
    response = client.get("/api/v1/observatory/incidents.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("reference,date,date_end,date_precision,country")
    assert len(lines) == 2 and "threat" in lines[1]


def test_list_endpoints_and_pages_use_constant_queries(client, django_assert_max_num_queries):
    """20 incidents or 1: the same number of queries for the list, CSV, map and statistics."""
    for n in range(20):
        make_incident(country=["ML", "HT", "SN"][n % 3], witness=f"W{n}")
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/observatory/incidents?limit=50").json()["items"]) == 20
    with django_assert_max_num_queries(12):
        assert client.get("/fr/observatory/incidents/").status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/observatory/incidents.csv")
        assert len(b"".join(response.streaming_content).splitlines()) == 21
    # Map and statistics are stored summaries (issue 15): the first reader ever computes and
    # stores them (the protection's 2 queries per table, and the rows' writes)...
    urls = [
        "/api/v1/observatory/map",
        "/api/v1/observatory/statistics?year=2024",
        "/fr/observatory/statistics/?unit=victims",
    ]
    for url in urls:
        with django_assert_max_num_queries(60):
            assert client.get(url).status_code == 200
    # ... and every reader after, even a new worker with an empty cache, reads rows only.
    from django.core.cache import cache

    cache.clear()
    for url, rows in zip(urls, (2, 1, 1), strict=True):
        with django_assert_max_num_queries(rows):
            assert client.get(url).status_code == 200
