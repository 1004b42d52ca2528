"""The members API lists, filters and pages local governments, and refuses bad input with 4xx."""

import pytest

from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_list_filters_by_country_and_pages(client):
    for _ in range(3):
        make_member(country="KH", region="Phnom Penh")
    make_member(country="FR", region="Île-de-France")
    response = client.get("/api/v1/members/local-governments?country=KH&limit=2&offset=0")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert item["country"] == "KH"
    for key in ("id", "name", "name_fr", "name_en", "kind", "population", "latitude", "longitude"):
        assert key in item


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("country=ZZ", "unknown country code"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("kind=castle", "kind"),
    ],
)
def test_bad_query_parameters_get_422_with_message(client, query, fragment):
    response = client.get(f"/api/v1/members/local-governments?{query}")
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_unknown_id_is_404_with_message(client):
    response = client.get("/api/v1/members/local-governments/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_list_endpoint_uses_constant_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        make_member()
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/members/local-governments?limit=30")
    assert len(response.json()["items"]) == 30
