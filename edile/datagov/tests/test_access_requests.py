"""Access requests: a requester asks, the steward decides, access lapses by itself, downloads are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from edile.core.errors import ServiceError
from edile.datagov import services
from edile.datagov.models import AccessRequest, AccessRequestStatus, Classification, DownloadLog
from edile.datagov.tests.factories import DatasetFactory, csv_distribution


@pytest.fixture
def restricted(db, make_user):
    steward = make_user("focal_point")
    ds = DatasetFactory(classification=Classification.RESTRICTED, steward=steward)
    return ds, csv_distribution(ds), steward


def test_request_approved_gives_access_until_it_expires(restricted, make_user):
    """Approved access works for the duration asked, then ends without any job running."""
    ds, dist, steward = restricted
    requester = make_user("delegate")
    assert not requester.has_perm("datagov.access_data", ds)
    request = services.access_request_submit(
        user=requester, dataset=ds, purpose="Étude", intended_use="Statistiques", duration_days=10
    )
    services.access_request_decide(
        user=steward,
        access_request=request,
        approve=True,
        conditions="Pas de rediffusion",
        today=dt.date.today() - dt.timedelta(days=5),
    )
    assert requester.has_perm("datagov.access_data", ds)
    AccessRequest.objects.filter(pk=request.pk).update(
        expires_on=dt.date.today() - dt.timedelta(days=1)
    )
    assert not requester.has_perm("datagov.access_data", ds)


def test_only_the_steward_decides(restricted, make_user):
    """Someone who is not the steward (even the secretariat, when a steward is named) cannot decide."""
    ds, _dist, _steward = restricted
    request = services.access_request_submit(
        user=make_user("delegate"), dataset=ds, purpose="p", intended_use="u", duration_days=5
    )
    for intruder in (make_user("delegate"), make_user("secretariat")):
        with pytest.raises(PermissionDenied):
            services.access_request_decide(user=intruder, access_request=request, approve=True)


def test_refusal_needs_a_reason_and_is_final(restricted, make_user):
    """A refusal states why; a refused request cannot be approved afterwards."""
    ds, _dist, steward = restricted
    request = services.access_request_submit(
        user=make_user("delegate"), dataset=ds, purpose="p", intended_use="u", duration_days=5
    )
    with pytest.raises(ServiceError):
        services.access_request_decide(
            user=steward, access_request=request, approve=False, reason=" "
        )
    services.access_request_decide(
        user=steward, access_request=request, approve=False, reason="Usage flou"
    )
    with pytest.raises(ServiceError, match="cannot become"):
        services.access_request_decide(user=steward, access_request=request, approve=True)


def test_personal_data_request_needs_a_legal_basis(db, make_user):
    """Personal data: a request without a legal basis is refused with a message."""
    ds = DatasetFactory(classification=Classification.PERSONAL, steward=make_user("public"))
    with pytest.raises(ServiceError, match="legal basis"):
        services.access_request_submit(
            user=make_user("delegate"), dataset=ds, purpose="p", intended_use="u", duration_days=5
        )


def test_open_data_needs_no_request(db, make_user):
    """Asking for open data is refused: it can be downloaded directly."""
    with pytest.raises(ServiceError):
        services.access_request_submit(
            user=make_user("delegate"),
            dataset=DatasetFactory(),
            purpose="p",
            intended_use="u",
            duration_days=5,
        )


def test_every_download_of_non_open_data_is_logged(restricted, client_as):
    """Downloads of restricted data are logged with the user and the request; open data is not."""
    ds, dist, steward = restricted
    client = client_as("delegate")
    request = services.access_request_submit(
        user=client.user, dataset=ds, purpose="p", intended_use="u", duration_days=5
    )
    services.access_request_decide(user=steward, access_request=request, approve=True)
    response = client.get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/download/")
    assert response.status_code == 200
    log = DownloadLog.objects.get()
    assert (log.user, log.access_request, log.dataset) == (client.user, request, ds)
    open_ds = DatasetFactory()
    open_dist = csv_distribution(open_ds)
    client.get(f"/fr/data/datasets/{open_ds.slug}/distributions/{open_dist.pk}/download/")
    assert DownloadLog.objects.count() == 1


def test_request_and_decision_through_the_pages(restricted, client_as):
    """The request form and the steward's decision form work end to end."""
    ds, _dist, steward = restricted
    requester = client_as("delegate")
    response = requester.post(
        f"/fr/data/datasets/{ds.slug}/request/",
        {"purpose": "Étude", "intended_use": "Carte", "duration_days": 30, "legal_basis": ""},
    )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    from django.test import Client

    steward_client = Client()
    steward_client.force_login(steward)
    page = steward_client.get("/fr/data/requests/")
    assert "Étude" in page.content.decode()
    steward_client.post(
        f"/fr/data/requests/{request.pk}/decide/", {"decision": "approve", "conditions": "OK"}
    )
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.APPROVED
    assert request.expires_on == dt.date.today() + dt.timedelta(days=30)


def test_bad_request_form_answers_400_with_a_message(restricted, client_as):
    """A duration out of range is refused with a message, not a 500."""
    ds, _dist, _steward = restricted
    response = client_as("delegate").post(
        f"/fr/data/datasets/{ds.slug}/request/",
        {"purpose": "x", "intended_use": "y", "duration_days": 9999},
    )
    assert response.status_code == 400
    assert AccessRequest.objects.count() == 0


def test_api_request_and_decision(restricted, client_as):
    """The API offers the same flow: request, list to decide, decide, with 4xx on bad input."""
    ds, _dist, steward = restricted
    requester = client_as("delegate")
    bad = requester.post(
        f"/api/v1/datagov/datasets/{ds.slug}/access-requests",
        {"purpose": "p", "intended_use": "u", "duration_days": 0},
        content_type="application/json",
    )
    assert bad.status_code == 422
    created = requester.post(
        f"/api/v1/datagov/datasets/{ds.slug}/access-requests",
        {"purpose": "p", "intended_use": "u", "duration_days": 7},
        content_type="application/json",
    )
    assert created.status_code == 201
    again = requester.post(
        f"/api/v1/datagov/datasets/{ds.slug}/access-requests",
        {"purpose": "p", "intended_use": "u", "duration_days": 7},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["detail"]
    own = requester.post(
        f"/api/v1/datagov/access-requests/{created.json()['id']}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert own.status_code == 403
    from django.test import Client

    sc = Client()
    sc.force_login(steward)
    assert len(sc.get("/api/v1/datagov/access-requests").json()["to_decide"]) == 1
    decided = sc.post(
        f"/api/v1/datagov/access-requests/{created.json()['id']}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["active"] is True
    assert requester.get(f"/api/v1/datagov/datasets/{ds.slug}").json()["access"] is True


def test_steward_sees_current_accesses_and_revokes_one(restricted, client_as, mailoutbox):
    """The dataset page lists the live accesses to the steward; revoking one ends the access
    at once (the download is refused) and tells the requester why, in their language."""
    from django.test import Client

    ds, dist, steward = restricted
    requester = client_as("delegate", preferred_language="en")
    request = services.access_request_submit(
        user=requester.user,
        dataset=ds,
        purpose="Étude des quartiers",
        intended_use="u",
        duration_days=30,
    )
    services.access_request_decide(user=steward, access_request=request, approve=True)
    steward_client = Client()
    steward_client.force_login(steward)
    page = steward_client.get(f"/fr/data/datasets/{ds.slug}/").content.decode()
    assert "Accès en cours" in page and "Étude des quartiers" in page
    # Someone else cannot revoke it (404, as for a request they may not see).
    assert (
        requester.post(f"/fr/data/requests/{request.pk}/revoke/", {"reason": "x"}).status_code
        == 404
    )
    response = steward_client.post(
        f"/fr/data/requests/{request.pk}/revoke/", {"reason": "Fin du projet"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.REVOKED
    assert request.revocation_reason == "Fin du projet"
    assert not requester.user.has_perm("datagov.access_data", ds)
    download = requester.get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/download/")
    assert download.status_code == 403
    # Received (to the steward), approved, then revoked (to the requester, in English).
    assert [m.to for m in mailoutbox] == [
        [steward.email],
        [requester.user.email],
        [requester.user.email],
    ]
    assert mailoutbox[-1].subject.startswith("Your access to")
    assert mailoutbox[-1].subject.endswith("has been revoked")
    assert "Fin du projet" in mailoutbox[-1].body


def test_revocation_needs_a_live_access_and_a_reason(restricted, make_user):
    """A pending request cannot be revoked; a revocation states its reason."""
    ds, _dist, steward = restricted
    requester = make_user("delegate")
    request = services.access_request_submit(
        user=requester, dataset=ds, purpose="p", intended_use="u", duration_days=5
    )
    with pytest.raises(ServiceError, match="not live"):
        services.access_request_revoke(user=steward, access_request=request, reason="r")
    services.access_request_decide(user=steward, access_request=request, approve=True)
    with pytest.raises(ServiceError, match="reason"):
        services.access_request_revoke(user=steward, access_request=request, reason=" ")
    with pytest.raises(PermissionDenied):
        services.access_request_revoke(user=requester, access_request=request, reason="r")
