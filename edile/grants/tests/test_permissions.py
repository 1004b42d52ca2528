"""Who sees and does what, role by role: applications before decision, rankings, grants."""

import pytest

from edile.grants.models import ApplicationStatus
from edile.grants.tests.factories import make_application, make_grant
from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

ROLES = [
    "public",
    "focal_point",
    "other_focal_point",
    "secretariat",
    "administrator",
    "bureau_member",
    "delegate",
    "observatory_analyst",
    "reviewer",
]


def _client(client_as, role, application):
    if role is None or role == "public":
        return client_as(None)
    if role == "focal_point":
        return client_as("focal_point", local_government=application.local_government)
    if role == "other_focal_point":
        return client_as("focal_point", local_government=make_member())
    if role == "reviewer":
        c = client_as("bureau_member")
        application.reviews.create(reviewer=c.user, status="in_progress")
        return c
    return client_as(role)


# The Bureau decides on the file: its members see every submitted application (issue 11).
SUBMITTED_VISIBLE = {"focal_point", "secretariat", "administrator", "reviewer", "bureau_member"}


@pytest.mark.parametrize("role", ROLES)
def test_submitted_application_visible_only_to_city_reviewers_and_staff(client_as, role):
    """Before the decision, only the city's focal points, assigned reviewers and staff see it."""
    application = make_application(status=ApplicationStatus.SUBMITTED)
    c = _client(client_as, role, application)
    response = c.get(f"/fr/grants/applications/{application.reference}/")
    if role == "public":
        assert response.status_code == 302  # to the sign-in page
    else:
        assert response.status_code == (200 if role in SUBMITTED_VISIBLE else 403)
    api = c.get("/api/v1/grants/applications")
    if role == "public":
        assert api.status_code == 401
    else:
        refs = [a["reference"] for a in api.json()["items"]]
        assert (application.reference in refs) == (role in SUBMITTED_VISIBLE)


RANKING = {"secretariat", "administrator", "bureau_member", "reviewer"}


@pytest.mark.parametrize("role", ROLES)
def test_ranking_for_bureau_and_staff(client_as, role):
    """The ranked list is for the Bureau and the secretariat."""
    application = make_application(status=ApplicationStatus.SUBMITTED)
    c = _client(client_as, role, application)
    response = c.get(f"/fr/grants/calls/{application.call.slug}/ranking/")
    expected = 302 if role == "public" else (200 if role in RANKING else 403)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_pay(client_as, role):
    """Only the secretariat (and administrators) record payments, through page or API."""
    grant = make_grant()
    c = _client(client_as, role, grant.application)
    response = c.post(
        f"/api/v1/grants/grants/{grant.pk}/payment-requests",
        {"amount": "10"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    if role == "public":
        assert response.status_code == 401
    elif role in {"secretariat", "administrator"}:
        assert response.status_code == 201
        assert response.json()["status"] == "requested"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_decision_through_api_only_bureau_or_staff(client_as, role):
    """Decisions are recorded by the Bureau or the secretariat only."""
    application = make_application(status=ApplicationStatus.SUBMITTED)
    from edile.grants.tests.factories import bureau_meeting

    meeting = bureau_meeting()
    c = _client(client_as, role, application)
    response = c.post(
        f"/api/v1/grants/applications/{application.reference}/decision",
        {"outcome": "rejected", "meeting": meeting.slug, "reasons": "no"},
        content_type="application/json",
    )
    if role == "public":
        assert response.status_code == 401
    elif role in {"secretariat", "administrator", "bureau_member", "reviewer"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_draft_editable_only_by_its_focal_points(client_as):
    """Another city's focal point cannot add lines to a draft."""
    application = make_application(complete=False)
    other = _client(client_as, "other_focal_point", application)
    response = other.post(
        f"/fr/grants/applications/{application.reference}/budget/add/",
        {"budget-label": "x", "budget-amount": "10"},
    )
    assert response.status_code == 403
    own = _client(client_as, "focal_point", application)
    own.post(
        f"/fr/grants/applications/{application.reference}/budget/add/",
        {"budget-label": "x", "budget-amount": "10"},
    )
    assert application.budget_lines.count() == 1


def test_documents_served_only_to_those_who_may_see_them(client_as, settings, tmp_path):
    """An application's document is served to its city's focal points and staff, to the public
    only once the project is funded and the document marked public."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edile.grants.models import Document

    settings.MEDIA_ROOT = tmp_path
    application = make_application(status=ApplicationStatus.SUBMITTED)
    document = Document.objects.create(
        application=application,
        title="Plan",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
        is_public=True,
    )
    url = f"/fr/grants/documents/{document.pk}/"
    assert _client(client_as, "focal_point", application).get(url).status_code == 200
    assert _client(client_as, "secretariat", application).get(url).status_code == 200
    assert _client(client_as, "other_focal_point", application).get(url).status_code == 403
    assert client_as(None).get(url).status_code == 403
    application.status = ApplicationStatus.APPROVED
    application.save()
    assert client_as(None).get(url).status_code == 200
    assert client_as(None).get("/fr/grants/documents/999999/").status_code == 404
