"""Every list page of the programme runs the same number of queries whatever its length: each
is measured with a few rows, then must not exceed that count with many more (an N+1 query
would add one per row)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edile.grants.models import ExchangeRate, ProgressReport, Review
from edile.grants.tests.factories import (
    TODAY,
    bureau_meeting,
    make_application,
    make_call,
    make_grant,
    make_partner,
)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _constant(client, url, grow, django_assert_max_num_queries, small=2, large=12):
    """Queries of `url` with `small` rows, then at most as many with `large` rows."""
    grow(small)
    count, _response = _queries(client, url)
    grow(large - small)
    with django_assert_max_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _projects(n):
    for _ in range(n):
        grant = make_grant()
        ProgressReport.objects.create(
            grant=grant, title="Interim", due_on=TODAY - dt.timedelta(days=3)
        )


def test_public_lists_constant(client, django_assert_max_num_queries):
    """The dashboard, the project list and the API's project list."""
    for url in ("/fr/grants/", "/en/grants/projects/", "/api/v1/grants/projects?limit=50"):
        _constant(client, url, _projects, django_assert_max_num_queries)


def test_ranking_constant(client_as, django_assert_max_num_queries):
    call = make_call(envelope=Decimal("100000000"))
    bureau_meeting()
    staff = client_as("secretariat")

    def grow(n):
        for _ in range(n):
            application = make_application(call=call, status="submitted")
            Review.objects.create(
                application=application, reviewer=staff.user, status="submitted", total=50
            )

    response = _constant(
        staff, f"/fr/grants/calls/{call.slug}/ranking/", grow, django_assert_max_num_queries
    )
    assert response.content.decode().count('name="outcome-') == 12


def test_workspace_with_late_reports_constant(client_as, django_assert_max_num_queries):
    staff = client_as("secretariat")
    response = _constant(staff, "/en/grants/workspace/", _projects, django_assert_max_num_queries)
    assert response.status_code == 200


def test_staff_lists_constant(client_as, django_assert_max_num_queries):
    """The staff lists of calls, partners and exchange rates."""
    staff = client_as("secretariat")
    _constant(
        staff,
        "/en/grants/staff/calls/",
        lambda n: [make_call() for _ in range(n)],
        django_assert_max_num_queries,
    )
    _constant(
        staff,
        "/en/grants/staff/partners/",
        lambda n: [make_partner() for _ in range(n)],
        django_assert_max_num_queries,
    )
    days = iter(range(1, 100))

    def rates(n):
        for _ in range(n):
            ExchangeRate.objects.create(
                currency="XOF",
                date=TODAY - dt.timedelta(days=next(days)),
                eur_per_unit=Decimal("0.001524"),
            )

    _constant(staff, "/en/grants/staff/rates/", rates, django_assert_max_num_queries)
