"""The home page reads every module's stored figures: nothing counted on the request."""

import pytest
from django.core.cache import cache

from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def _cold_home_queries(client, django_assert_max_num_queries, limit):
    cache.clear()
    with django_assert_max_num_queries(limit) as queries:
        response = client.get("/en/")
    assert response.status_code == 200
    return response, len(queries)


def test_home_page_reads_stored_rows_whatever_the_data(client, django_assert_max_num_queries):
    """A new worker (cold cache): one stored row per module, a constant small number."""
    make_member(country="KH", population=1000)
    client.get("/en/")  # the first reader ever stores the figures
    _response, few = _cold_home_queries(client, django_assert_max_num_queries, 8)
    for n in range(20):
        make_member(country=["FR", "SN"][n % 2], population=10)
    response, many = _cold_home_queries(client, django_assert_max_num_queries, 8)
    assert many == few
    # The members' signals refreshed the figures after each write.
    assert response.context["figures"]["members"] == 21
    assert response.context["figures"]["population"] == 1200


def test_home_page_says_when_its_figures_were_computed(client):
    make_member(country="KH")
    assert "Figures computed on" in client.get("/en/").content.decode()
    assert "Chiffres calculés le" in client.get("/fr/").content.decode()
