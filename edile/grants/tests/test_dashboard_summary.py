"""The dashboard reads its stored summary: no aggregate on a reader's request (issue 15)."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from edile.grants.tests.factories import make_grant

pytestmark = pytest.mark.django_db


def test_dashboard_reads_stored_rows_even_for_a_new_worker(client, django_assert_max_num_queries):
    """Once stored, a cold cache (a new worker) costs the row read and the calls list only,
    whatever the number of projects."""
    for _ in range(3):
        make_grant()
    client.get("/fr/grants/")  # the first reader ever stores the summary
    for _ in range(10):
        make_grant()
    cache.clear()
    with django_assert_max_num_queries(3) as queries:
        response = client.get("/fr/grants/")
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "SUM(" in q["sql"].upper()]
    # The signals refreshed it after each write: 13 projects counted, never on the request.
    assert response.context["summary"]["projects"] == 13
    assert response.context["summary"]["granted_eur"] == Decimal("1300000.00")


def test_dashboard_says_when_its_figures_were_computed_in_both_languages(client):
    make_grant()
    french = client.get("/fr/grants/").content.decode()
    english = client.get("/en/grants/").content.decode()
    assert "Chiffres calculés le" in french
    assert "Figures computed on" in english
    assert " UTC." in english


def test_a_write_waits_for_its_commit_then_the_task_refreshes(
    client, settings, django_capture_on_commit_callbacks
):
    """The production path: the old figures stay until the write commits and the background
    task has run."""
    make_grant()
    settings.SUMMARIES_REFRESH = "on_commit"
    assert client.get("/fr/grants/").context["summary"]["projects"] == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_grant(amount=Decimal("50000.00"))
        cache.clear()
        assert client.get("/fr/grants/").context["summary"]["projects"] == 1
    assert callbacks
    summary = client.get("/fr/grants/").context["summary"]
    assert summary["projects"] == 2
    assert summary["granted_eur"] == Decimal("150000.00")


def test_programme_summary_api_reads_the_same_summary(client, django_assert_max_num_queries):
    make_grant(amount=Decimal("1234.50"))
    client.get("/api/v1/grants/programme-summary")
    cache.clear()
    with django_assert_max_num_queries(1):
        body = client.get("/api/v1/grants/programme-summary").json()
    assert body["projects"] == 1
