"""Every write of the API, walked from its OpenAPI description: anonymous → 401, a cross-site
request with the session cookie → 403 JSON; and, for a representative set, each role's status.

New endpoints are covered automatically: they appear in the description. An endpoint that
accepts anonymous writes must be listed in ANONYMOUS_WRITES, on purpose.
"""

import re

import pytest
from django.test import Client

from edile.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# Writes open to anonymous visitors, deliberately: a congress registration form.
ANONYMOUS_WRITES = {
    ("post", "/api/v1/governance/congresses/{slug}/registrations"),
    # A pure computation open to anyone: it writes nothing.
    ("post", "/api/v1/governance/rules/evaluate"),
    ("post", "/api/v1/sanitation/sfd/evaluate"),
}
CSRF_REFUSAL = "Cross-site request refused"


def _write_operations() -> list[tuple[str, str]]:
    from edile.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    )


def _concrete(path: str) -> str:
    """Fill the path parameters with values of the right shape (the objects need not exist:
    authentication and the CSRF check come before any lookup)."""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: "1" if m.group(1).endswith("id") or m.group(1) == "pk" else "nothing",
        path,
    )


OPERATIONS = _write_operations()


def test_the_walk_finds_the_api_writes():
    """The discovery is not empty and sees each app's writes (a guard on the walk itself)."""
    apps = {path.split("/")[3] for _m, path in OPERATIONS}
    assert {"governance", "grants", "datagov"} <= apps
    assert len(OPERATIONS) >= 10


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_write_is_401(client, method, path):
    """Without a session or a token, every write answers 401 with a message."""
    response = getattr(client, method)(
        _concrete(path), "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    if (method, path) in ANONYMOUS_WRITES:
        assert response.status_code != 401
        assert response.status_code < 500
        return
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_cross_site_write_with_the_session_cookie_is_403(method, path):
    """A `text/plain` write from https://evil.example carrying the session cookie is refused
    before anything happens, for every role that may write."""
    c = Client(enforce_csrf_checks=True)
    c.force_login(make_user("secretariat"))
    response = getattr(c, method)(
        _concrete(path),
        "local_government=x&option=yes",
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith(CSRF_REFUSAL)


def test_same_site_write_with_the_csrf_token_goes_through(client_as):
    """The pages' own requests (same origin, X-CSRFToken) still work: a delegate votes."""
    from edile.governance import services
    from edile.governance.tests.factories import make_world

    world = make_world(2)
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    c = Client(enforce_csrf_checks=True)
    c.force_login(make_user("delegate", local_government=world.cities[0]))
    c.get("/en/")
    token = c.cookies["csrftoken"].value
    response = c.post(
        f"/api/v1/governance/votes/{vote.pk}/ballots",
        {"local_government": world.cities[0].slug, "option": "yes"},
        content_type="application/json",
        HTTP_ORIGIN="http://testserver",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_token_requests_need_no_csrf_token(client):
    """A program with a personal token is not a browser: no CSRF check, whatever the Origin."""
    from edile.accounts.services import api_token_create

    user = make_user("secretariat")
    _token, raw = api_token_create(user=user, name="scanner")
    response = client.post(
        "/api/v1/governance/check-in",
        "not json",
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # The body is refused for what it is (not JSON), not for where it comes from.
    assert response.status_code == 400
    assert not response.json()["detail"].startswith(CSRF_REFUSAL)


# --- Role matrix on representative writes ---------------------------------------------------

ROLES = [
    "public",
    "focal_point",
    "delegate",
    "bureau_member",
    "secretariat",
    "observatory_analyst",
    "observatory_partner",
]


def _client_for(client_as, role, local_government):
    if role in {"focal_point", "delegate", "bureau_member"}:
        return client_as(role, local_government=local_government)
    return client_as(role)


@pytest.fixture
def vote_world(make_user):
    from edile.governance import services
    from edile.governance.tests.factories import make_world

    world = make_world(3)
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    return world, vote


BALLOT_STATUS = {
    "public": 403,
    "focal_point": 403,
    "delegate": 201,
    "bureau_member": 403,
    "observatory_analyst": 403,
    "observatory_partner": 403,
    "secretariat": 403,  # issue 9: the secretariat casts no city's ballot
}


@pytest.mark.parametrize("role", sorted(BALLOT_STATUS))
def test_role_matrix_ballot(client_as, vote_world, role):
    """Only the city's delegate casts its ballot (the role is held for that city)."""
    world, vote = vote_world
    c = _client_for(client_as, role, world.cities[0])
    response = c.post(
        f"/api/v1/governance/votes/{vote.pk}/ballots",
        {"local_government": world.cities[0].slug, "option": "yes"},
        content_type="application/json",
    )
    assert response.status_code == BALLOT_STATUS[role]


CHECK_IN_STATUS = dict.fromkeys(ROLES, 403) | {"secretariat": 200}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_check_in(client_as, role):
    """Scanning badges at the door is the secretariat's."""
    from edile.governance import services
    from edile.governance.tests.factories import make_world

    world = make_world(1, present=0)
    registration = services.registration_create(
        congress=world.congress,
        given_name="A",
        family_name="B",
        email="ab@example.org",
        type="mayor",
        local_government=world.cities[0],
        sessions=[world.session],
        send_email=False,
    )
    c = _client_for(client_as, role, world.cities[0])
    response = c.post(
        "/api/v1/governance/check-in",
        {"code": str(registration.token)},
        content_type="application/json",
    )
    assert response.status_code == CHECK_IN_STATUS[role]


# The secretariat and a Bureau member of another city decide at a real Bureau meeting; every
# other role is refused with 403 before any lookup, and a Bureau member is recused from their
# own city's application (403 with a message).
DECISION_ALLOWED = {"secretariat", "bureau_member"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_grant_decision(client_as, role):
    """A Bureau member (of another city) or the secretariat records the Bureau's decision."""
    from edile.grants.models import ApplicationStatus, Decision
    from edile.grants.tests.factories import bureau_meeting, make_application
    from edile.members.tests.factories import make_member

    application = make_application(status=ApplicationStatus.SUBMITTED)
    meeting = bureau_meeting()
    c = _client_for(client_as, role, make_member())
    response = c.post(
        f"/api/v1/grants/applications/{application.reference}/decision",
        {"outcome": "rejected", "meeting": meeting.slug, "reasons": "Not ready."},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    if role in DECISION_ALLOWED:
        assert response.status_code == 200, response.content
        assert response.json()["outcome"] == "rejected"
        assert response.json()["meeting"] == meeting.slug
        assert Decision.objects.filter(application=application, outcome="rejected").count() == 1
    else:
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == "Only the Bureau or the secretariat records decisions."
        assert not Decision.objects.filter(application=application).exists()
    # An unknown reference or meeting answers 403, not 404, to those who may not decide.
    missing = c.post(
        "/api/v1/grants/applications/no-such-reference/decision",
        {"outcome": "rejected", "meeting": "no-such-meeting", "reasons": "no"},
        content_type="application/json",
    )
    assert missing.status_code == (404 if role in DECISION_ALLOWED else 403), missing.content
    if role == "bureau_member":
        # Recused: a Bureau member never decides the application of their own city.
        own = make_application(status=ApplicationStatus.SUBMITTED)
        member = client_as("bureau_member", local_government=own.local_government)
        response = member.post(
            f"/api/v1/grants/applications/{own.reference}/decision",
            {"outcome": "approved", "amount": "50000", "meeting": meeting.slug, "reasons": "Ok"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 403, response.content
        assert "you are recused from deciding its application" in response.json()["detail"]
        assert not Decision.objects.filter(application=own).exists()


DISBURSEMENT_ALLOWED = {"secretariat"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_disbursement(client_as, role, make_user):
    """Only the secretariat pays a payment request requested and approved by two other people;
    every other role gets 403, also on an unknown grant (no 404 telling which ids exist)."""
    from edile.grants import services
    from edile.grants.models import PaymentRequestStatus
    from edile.grants.tests.factories import make_grant

    grant = make_grant()
    requester, approver = make_user("secretariat"), make_user("secretariat")
    payment_request = services.payment_request_create(
        actor=requester, grant=grant, tranche=None, amount="20000", comment=""
    )
    services.payment_request_approve(actor=approver, payment_request=payment_request)
    c = _client_for(client_as, role, grant.application.local_government)
    response = c.post(
        f"/api/v1/grants/grants/{grant.pk}/disbursements",
        {"payment_request": payment_request.pk, "paid_on": str(grant.decision.meeting_date)},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    payment_request.refresh_from_db()
    grant.refresh_from_db()
    if role in DISBURSEMENT_ALLOWED:
        assert response.status_code == 200, response.content
        assert str(response.json()["disbursed"]) in ("20000.00", "20000")
        assert payment_request.status == PaymentRequestStatus.PAID
        # Paid once: a second payment of the same request is refused with a message.
        again = c.post(
            f"/api/v1/grants/grants/{grant.pk}/disbursements",
            {"payment_request": payment_request.pk, "paid_on": str(grant.decision.meeting_date)},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert again.status_code == 400, again.content
        assert again.json()["detail"] == "This payment has already been made."
    else:
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == "Only the secretariat manages grants."
        assert payment_request.status == PaymentRequestStatus.APPROVED
        assert grant.disbursed == 0
    missing = c.post(
        "/api/v1/grants/grants/999999/disbursements",
        {"payment_request": 1, "paid_on": "2020-01-01"},
        content_type="application/json",
    )
    assert missing.status_code == (404 if role in DISBURSEMENT_ALLOWED else 403), missing.content
