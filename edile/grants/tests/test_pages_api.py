"""Public pages, the dashboard and the API: figures from records, constant queries, 4xx on bad input."""

from decimal import Decimal

import pytest

from edile.grants.models import CoFinancing
from edile.grants.tests.factories import make_grant

pytestmark = pytest.mark.django_db


def _grants(n):
    from edile.grants.services import application_totals_refresh

    grants = [make_grant() for _ in range(n)]
    for grant in grants:
        CoFinancing.objects.filter(application=grant.application).update(
            amount_eur=Decimal("200000")
        )
        application_totals_refresh(grant.application)
    return grants


def test_programme_summary_computed_from_records(client):
    """The summary counts approved projects, euros granted, partnerships, leverage, beneficiaries."""
    grants = _grants(3)
    year = grants[0].application.call.year
    body = client.get(f"/api/v1/grants/programme-summary?year={year}").json()
    assert body["projects"] == 3
    assert Decimal(body["granted_eur"]) == Decimal("300000")
    assert Decimal(body["partnerships_eur"]) == Decimal("600000")
    assert Decimal(body["leverage"]) == Decimal("2.00")
    assert body["beneficiaries"] == 15000
    assert client.get("/api/v1/grants/programme-summary?year=1990").json()["projects"] == 0


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("year=abc", "year"),
        ("year=1800", "year"),
        ("sector=castles", "sector"),
        ("country=KHM", "country"),
    ],
)
def test_bad_summary_filters_get_422_with_message(client, query, fragment):
    """Bad filters are refused with a message naming the parameter."""
    response = client.get(f"/api/v1/grants/programme-summary?{query}")
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_unknown_breakdown_and_project_404(client):
    """Unknown dimensions and projects answer 404 with a message."""
    assert "dimension" in client.get("/api/v1/grants/programme-summary/by/planet").json()["detail"]
    assert client.get("/api/v1/grants/projects/nope").status_code == 404


def test_list_endpoint_constant_queries(client, django_assert_max_num_queries):
    """The project list endpoint runs a constant number of queries for 20 projects."""
    _grants(20)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/grants/projects?limit=50")
    assert response.json()["count"] == 20


def test_dashboard_and_list_pages_constant_queries(client, django_assert_max_num_queries):
    """The dashboard and the project list keep a constant number of queries with 20 projects."""
    _grants(20)
    # The first reader of a language computes the stored summary (core.summaries); the
    # figures below are a worker's with the rows stored, whatever the number of projects.
    client.get("/fr/grants/")
    client.get("/en/grants/projects/")
    with django_assert_max_num_queries(6):
        response = client.get("/fr/grants/")
    assert response.status_code == 200
    assert 'data-figure="projects">20<' in response.content.decode()
    with django_assert_max_num_queries(6):
        response = client.get("/en/grants/projects/")
    assert response.status_code == 200 and b"20 projects" in response.content


def test_public_project_page_and_call_page_in_both_languages(client):
    """A funded project and its call have public pages in French and English."""
    grant = _grants(1)[0]
    application = grant.application
    fr = client.get(f"/fr/grants/projects/{application.reference}/")
    en = client.get(f"/en/grants/projects/{application.reference}/")
    assert (
        application.title_fr in fr.content.decode() and application.title_en in en.content.decode()
    )
    assert client.get(f"/en/grants/calls/{application.call.slug}/").status_code == 200
    assert client.get("/fr/grants/projects/unknown/").status_code == 404
    assert client.get("/fr/grants/calls/unknown/").status_code == 404


def test_unapproved_project_has_no_public_page(client):
    """A draft or submitted application has no public project page."""
    from edile.grants.tests.factories import make_application

    application = make_application(status="submitted")
    assert client.get(f"/fr/grants/projects/{application.reference}/").status_code == 404


def test_staff_open_a_call_through_the_api(client_as):
    """The secretariat opens a call; bad dates, codes or amounts get a message; others get 403."""
    staff = client_as("secretariat")
    payload = {
        "title_fr": "Appel 2027",
        "title_en": "2027 call",
        "year": 2027,
        "envelope": "500000",
        "opens_on": "2027-01-01",
        "closes_on": "2027-03-31",
        "sectors": ["14030"],
        "rules": {"max_grant": "100000", "min_cofinancing_share": "0.3"},
        "criteria": [
            {"code": "impact", "label_fr": "Impact", "label_en": "Impact", "weight": 1, "max": 5}
        ],
    }
    response = staff.post("/api/v1/grants/calls", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "2027-call"
    bad = {**payload, "slug": "other", "closes_on": "2026-12-31"}
    assert (
        staff.post("/api/v1/grants/calls", bad, content_type="application/json").status_code == 400
    )
    bad = {**payload, "slug": "other", "sectors": ["99999"]}
    assert (
        "99999"
        in staff.post("/api/v1/grants/calls", bad, content_type="application/json").json()["detail"]
    )
    bad = {**payload, "slug": "other", "envelope": "-1"}
    assert (
        staff.post("/api/v1/grants/calls", bad, content_type="application/json").status_code == 400
    )
    focal = client_as("focal_point")
    assert (
        focal.post("/api/v1/grants/calls", payload, content_type="application/json").status_code
        == 403
    )


def test_ranking_and_workspace_constant_queries(client_as, django_assert_max_num_queries):
    """The ranked list and the staff workspace keep a constant number of queries."""
    from edile.grants.models import Review
    from edile.grants.tests.factories import make_application, make_call

    call = make_call()
    staff = client_as("secretariat")
    for _ in range(20):
        application = make_application(call=call, status="submitted")
        Review.objects.create(
            application=application, reviewer=staff.user, status="submitted", total=Decimal("50")
        )
    # Session, user, MFA and role checks included; 20 rows would add 20 if it were N+1.
    with django_assert_max_num_queries(15):
        response = staff.get(f"/fr/grants/calls/{call.slug}/ranking/")
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        response = staff.get("/fr/grants/workspace/")
    assert response.status_code == 200
    export = staff.get("/fr/grants/applications/export.csv")
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 21


def test_map_has_one_point_per_city(client):
    """The dashboard map shows one point per funded city, with its number of projects."""
    from edile.grants import selectors
    from edile.grants.tests.factories import make_application, make_call
    from edile.members.tests.factories import make_member

    call = make_call()
    city = make_member(latitude=Decimal("14.7"), longitude=Decimal("-17.4"), name_en="Dakar")
    for _ in range(3):
        make_application(call=call, local_government=city, status="approved")
    points = selectors.map_points()
    assert len(points) == 1
    assert points[0]["label"] == "Dakar: 3 funded projects"
