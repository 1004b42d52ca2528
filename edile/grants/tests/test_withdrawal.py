"""Withdrawal of an application by its city before the Bureau decides (it had no way out:
a focal point could only leave a submitted application on the Bureau's agenda)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from edile.grants import services
from edile.grants.models import ApplicationStatus, Review, ReviewStatus
from edile.grants.tests.factories import bureau_meeting, make_application

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def submitted():
    application = make_application(status=ApplicationStatus.SUBMITTED)
    application.submitted_at = timezone.now() - dt.timedelta(days=5)
    application.save()
    return application


def withdraw(client, application, reason="The city council chose another site"):
    return client.post(
        f"/en/grants/applications/{application.reference}/withdraw/",
        {"reason": reason, "version": application.version},
    )


def test_focal_point_withdraws_and_staff_see_it(make_user):
    """The focal point withdraws a submitted application with a reason; the staff see the new
    state, who and why, on the application and on the ranked list."""
    application = submitted()
    focal = make_user("focal_point", local_government=application.local_government)
    client = signed_in(focal)
    page = client.get(f"/en/grants/applications/{application.reference}/")
    assert "Withdraw the application" in page.content.decode()
    response = withdraw(client, application)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_by == focal
    staff = signed_in(make_user("secretariat"))
    detail = staff.get(f"/en/grants/applications/{application.reference}/").content.decode()
    assert "<strong>Withdrawn</strong>" in detail
    assert "The city council chose another site" in detail
    assert str(focal) in detail
    ranking = staff.get(f"/en/grants/calls/{application.call.slug}/ranking/").content.decode()
    assert "Withdrawn (" in ranking and "The city council chose another site" in ranking
    assert f'name="outcome-{application.pk}"' not in ranking
    fr = staff.get(f"/fr/grants/applications/{application.reference}/").content.decode()
    assert "Retirée par la ville le" in fr


def test_withdrawal_needs_a_reason_and_is_refused_after_the_decision(make_user):
    """No reason: 400 with a message, nothing changed. Once decided, or for someone who is not
    its city's focal point, the application cannot be withdrawn (403)."""
    application = submitted()
    focal = make_user("focal_point", local_government=application.local_government)
    client = signed_in(focal)
    response = withdraw(client, application, reason="  ")
    assert response.status_code == 400
    assert "Say why the application is withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert withdraw(signed_in(make_user("secretariat")), application).status_code == 403
    services.decision_record(
        actor=make_user("secretariat"),
        application=application,
        meeting=bureau_meeting(),
        outcome="rejected",
        reasons="Not a priority",
        notify=False,
    )
    application.refresh_from_db()
    assert withdraw(client, application).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_withdrawn_application_cannot_be_decided_nor_reviewed(make_user):
    """The Bureau can no longer decide a withdrawn application, nor a reviewer score it."""
    application = submitted()
    reviewer = make_user("bureau_member")
    review = Review.objects.create(
        application=application, reviewer=reviewer, status=ReviewStatus.IN_PROGRESS
    )
    focal = make_user("focal_point", local_government=application.local_government)
    assert withdraw(signed_in(focal), application).status_code == 302
    response = signed_in(make_user("secretariat")).post(
        f"/api/v1/grants/applications/{application.reference}/decision",
        {
            "outcome": "approved",
            "amount": "1000",
            "reasons": "x",
            "review_override": "y",
            "meeting": bureau_meeting().slug,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "cannot become" in response.json()["detail"]
    with pytest.raises(services.ServiceError, match="withdrawn this application"):
        services.review_submit(
            actor=reviewer,
            review=review,
            scores={"relevance": 4},
            comment="",
            expected_version=review.version,
        )
    assert Decimal(0) == sum(r.total or 0 for r in Review.objects.all())
