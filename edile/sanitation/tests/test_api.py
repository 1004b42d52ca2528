"""The API for operators' apps and the public estimates."""

from __future__ import annotations

import pytest
from django.utils import timezone

from edile.accounts.services import api_token_create
from edile.sanitation import services
from edile.sanitation.models import TariffRule
from edile.sanitation.tests.factories import make_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    request = services.request_create(
        actor=city.officer,
        containment=city.containment,
        channel="web",
        applicant_name="Chan Sophea",
        applicant_phone="+855 99 000 111",
    )
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    request = services.request_transition(
        actor=city.crew,
        request=request,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )
    return city, request


def _auth(user) -> dict[str, str]:
    _token, secret = api_token_create(user=user, name="app")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_crew_app_lists_its_jobs_without_personal_data(client, job):
    city, request = job
    response = client.get("/api/v1/sanitation/jobs", **_auth(city.crew))
    assert response.status_code == 200
    body = response.json()
    assert [j["reference"] for j in body] == [request.reference]
    assert body[0]["state"] == "scheduled"
    assert "Chan Sophea" not in response.content.decode()
    assert "+855" not in response.content.decode()


def test_jobs_need_a_token(client):
    assert client.get("/api/v1/sanitation/jobs").status_code == 401


def test_the_crew_app_records_an_emptying(client, job):
    city, request = job
    url = f"/api/v1/sanitation/jobs/{request.pk}/emptying"
    headers = _auth(city.crew)
    bad = client.post(url, {"volume_l": -10}, content_type="application/json", **headers)
    assert bad.status_code == 400
    assert "cannot be negative" in bad.json()["detail"]
    ok = client.post(
        url, {"volume_l": 2200, "ppe_gloves": True}, content_type="application/json", **headers
    )
    assert ok.status_code == 201
    assert ok.json()["volume_l"] == 2200
    again = client.post(url, {"volume_l": 2200}, content_type="application/json", **headers)
    assert again.status_code == 400  # no longer scheduled


def test_another_operator_gets_404(client, job, make_user):
    from edile.sanitation.models import Operator

    city, request = job
    rival = Operator.objects.create(local_government=city.lg, name="Rival")
    other = make_user("sanitation_operator", local_government=city.lg)
    rival.accounts.add(other)
    response = client.post(
        f"/api/v1/sanitation/jobs/{request.pk}/emptying",
        {"volume_l": 100},
        content_type="application/json",
        **_auth(other),
    )
    assert response.status_code == 404
    assert client.get("/api/v1/sanitation/jobs", **_auth(other)).json() == []


def test_a_crew_declines_through_the_app_with_a_reason(client, job):
    city, request = job
    from edile.sanitation.models import RequestState

    request.state = RequestState.objects.get(code="pending_operator")
    request.save()
    url = f"/api/v1/sanitation/jobs/{request.pk}/transition"
    headers = _auth(city.crew)
    no_reason = client.post(url, {"action": "decline"}, content_type="application/json", **headers)
    assert no_reason.status_code == 400
    done = client.post(
        url,
        {"action": "decline", "note": "truck broken"},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200
    assert done.json()["state"] == "operator_declined"
    forbidden = client.post(url, {"action": "reassign"}, content_type="application/json", **headers)
    assert forbidden.status_code == 403
