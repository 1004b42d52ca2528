"""Public statistics and map are stored summaries, refreshed after the writes (issue 15)."""

import datetime as dt

import pytest
from django.core.cache import cache

from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def test_a_verification_refreshes_the_figures_once_its_task_has_run(
    client, make_user, settings, django_capture_on_commit_callbacks
):
    """The production path: until the write commits and the task runs, readers get the stored
    figures; then the new ones, for every reader (cache emptied: a new worker)."""
    from edile.observatory import services

    settings.SUMMARIES_REFRESH = "on_commit"
    for day in range(4):
        make_incident(country="ML", date=dt.date(2024, 1, day + 1))
    incident = make_incident(country="ML", published=False, status="under_review")
    url = "/api/v1/observatory/statistics"
    assert client.get(url).json()["total"]["count"] == 4
    analyst = make_user("observatory_analyst")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.incident_transition(
            actor=analyst, incident=incident, to="verified", expected_version=incident.version
        )
        assert client.get(url).json()["total"]["count"] == 4
    assert callbacks
    cache.clear()
    # Verified, not listed: the total would single it out, so it is hidden (unchanged rule).
    assert client.get(url).json()["total"]["suppressed"] is True


def test_map_and_statistics_pages_read_rows_for_a_new_worker(client, django_assert_max_num_queries):
    for n in range(6):
        make_incident(country=["ML", "HT"][n % 2], date=dt.date(2023, 1, n + 1))
    # Each page and language is computed once, by its first reader or the background task.
    for url in ("/en/observatory/statistics/", "/fr/observatory/map/"):
        client.get(url)
    cache.clear()
    with django_assert_max_num_queries(1):
        statistics = client.get("/en/observatory/statistics/")
    with django_assert_max_num_queries(2):
        incident_map = client.get("/fr/observatory/map/")
    assert "Figures computed on" in statistics.content.decode()
    assert "Chiffres calculés le" in incident_map.content.decode()


def test_analysts_figures_are_counted_live(client_as):
    """Analysts see unprotected internal figures, counted on their request (few readers, and
    they need the latest while verifying): no stored row, no date shown."""
    make_incident(country="ML")
    response = client_as("observatory_analyst").get("/en/observatory/statistics/")
    assert response.context["computed_at"] is None
    make_incident(country="ML")
    again = client_as("observatory_analyst").get("/api/v1/observatory/statistics").json()
    assert again["total"]["count"] == 2
