"""Decisions taken at a Bureau meeting: the body allowed, the file seen, dates checked,
recusal, minimum reviews or a recorded override, one batch, each a governance decision."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from edile.core.errors import ServiceError
from edile.governance.models import Resolution, ResolutionKind
from edile.grants import services
from edile.grants.models import ApplicationStatus, Decision, Review, ReviewStatus
from edile.grants.tests.factories import (
    TODAY,
    bureau_meeting,
    general_assembly,
    make_application,
    make_call,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def submitted(**kwargs):
    application = make_application(status=ApplicationStatus.SUBMITTED, **kwargs)
    application.submitted_at = timezone.now() - dt.timedelta(days=10)
    application.save()
    return application


def decide(client, application, **payload):
    return client.post(
        f"/api/v1/grants/applications/{application.reference}/decision",
        {"outcome": "rejected", "reasons": "Not a priority", **payload},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_general_assembly_cannot_decide_grants(make_user):
    """`body: general-assembly` used to be accepted by the API; only the Bureau decides."""
    application = submitted()
    assembly = bureau_meeting(body=general_assembly())
    client = signed_in(make_user("secretariat"))
    response = decide(client, application, meeting=assembly.slug)
    assert response.status_code == 400
    assert "not a meeting of a body allowed to decide grants" in response.json()["detail"]
    response = decide(client, application, meeting=bureau_meeting().slug, body="general-assembly")
    assert response.status_code == 400
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("meeting_on", "decided_on", "message"),
    [
        (dt.date(2030, 5, 1), None, "in the future"),
        (TODAY - dt.timedelta(days=30), None, "cannot precede the submission"),
        (TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=3), "within the meeting"),
    ],
)
def test_decision_dates_checked(make_user, meeting_on, decided_on, message):
    """A meeting in 2030, an approval before the submission, a date outside the meeting: all
    refused with a message."""
    application = submitted()
    payload = {"meeting": bureau_meeting(meeting_on).slug}
    if decided_on:
        payload["decided_on"] = decided_on.isoformat()
    response = decide(signed_in(make_user("secretariat")), application, **payload)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_bureau_member_sees_the_file_with_reviews_and_scores(make_user):
    """A Bureau member who is not a reviewer opens the application (it used to be 403) and
    reads the submitted reviews with their scores."""
    application = submitted()
    reviewer = make_user("bureau_member")
    Review.objects.create(
        application=application,
        reviewer=reviewer,
        status=ReviewStatus.SUBMITTED,
        scores={"relevance": 4, "impact": 7},
        total=Decimal("77.50"),
        comment="Solid water project",
    )
    page = signed_in(make_user("bureau_member")).get(
        f"/en/grants/applications/{application.reference}/"
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Solid water project" in content and "77.5" in content


def test_bureau_member_recused_from_own_city(make_user):
    """A Bureau member holding a role for the applicant city cannot decide its application
    (403); the decision taken by others records the recusal."""
    application = submitted()
    own = make_user("bureau_member", local_government=application.local_government)
    meeting = bureau_meeting()
    response = decide(signed_in(own), application, meeting=meeting.slug)
    assert response.status_code == 403
    assert "recused" in response.json()["detail"]
    other = make_user("bureau_member")
    response = decide(signed_in(other), application, meeting=meeting.slug)
    assert response.status_code == 200
    decision = Decision.objects.get()
    assert list(decision.recused.all()) == [own]
    assert own.get_full_name() in decision.resolution.summary_en


def test_approval_needs_minimum_reviews_or_recorded_override(make_user):
    """An application without the call's minimum reviews cannot be approved, unless the
    Bureau records why; the override is kept on the decision."""
    call = make_call(rules={"min_reviews": 2})
    application = submitted(call=call)
    staff = make_user("secretariat")
    meeting = bureau_meeting()
    kwargs = {
        "actor": staff,
        "application": application,
        "meeting": meeting,
        "outcome": "approved",
        "amount": "50000",
        "reasons": "Priority",
        "notify": False,
    }
    with pytest.raises(ServiceError, match="has 0 review"):
        services.decision_record(**kwargs)
    decision = services.decision_record(**kwargs, review_override="Emergency after floods")
    assert decision.review_override == "Emergency after floods"


def test_call_without_the_rule_asks_two_reviews(make_user):
    """The default minimum is two submitted reviews (docs/decisions/grants-bureau-decisions.md)."""
    call = make_call(rules={})
    assert services.min_reviews(call) == 2


def test_batch_at_the_meeting_each_a_governance_decision(make_user):
    """The Bureau decides the ranking in one batch on the page: each decision is a decision
    resolution of that meeting, linked to the application; a bad row records nothing."""
    call = make_call()
    first, second, third = (submitted(call=call) for _ in range(3))
    meeting = bureau_meeting()
    client = signed_in(make_user("bureau_member"))
    url = f"/en/grants/calls/{call.slug}/decisions/"
    bad = client.post(
        url,
        {
            "meeting": meeting.slug,
            f"outcome-{first.pk}": "approved",
            f"amount-{first.pk}": "90000",
            f"reasons-{first.pk}": "Best score",
            f"outcome-{second.pk}": "approved",
            f"reasons-{second.pk}": "",
        },
    )
    assert bad.status_code == 302
    assert not Decision.objects.exists()
    response = client.post(
        url,
        {
            "meeting": meeting.slug,
            f"outcome-{first.pk}": "approved",
            f"amount-{first.pk}": "90000",
            f"reasons-{first.pk}": "Best score",
            f"outcome-{second.pk}": "deferred",
            f"reasons-{second.pk}": "Budget to clarify",
        },
    )
    assert response.status_code == 302
    decisions = Decision.objects.filter(meeting=meeting).order_by("application__pk")
    assert [d.application for d in decisions] == [first, second]
    third.refresh_from_db()
    assert third.status == ApplicationStatus.SUBMITTED
    for d in decisions:
        assert d.resolution.meeting == meeting
        assert d.resolution.kind == ResolutionKind.DECISION
        assert d.resolution.links.get().object_id == d.application.pk
    assert Resolution.objects.get(pk=decisions[0].resolution_id).title_en.startswith(
        "Grant granted"
    )
    page = client.get(f"/en/grants/calls/{call.slug}/ranking/")
    assert meeting.title in page.content.decode()


def test_envelope_race_answers_409_not_500(make_user):
    """When SQLite reports the database locked by a simultaneous decision, the API answers a
    clear 409 (it used to be a 500 "database is locked")."""
    application = submitted()
    meeting = bureau_meeting()
    client = signed_in(make_user("secretariat"))
    with mock.patch(
        "edile.grants.services._decision_record",
        side_effect=OperationalError("database is locked"),
    ):
        response = decide(client, application, meeting=meeting.slug)
    assert response.status_code == 409
    assert "at the same moment" in response.json()["detail"]


def test_envelope_exhausted_is_409(make_user):
    """An approval above what is left in the envelope is a conflict with the state (409)."""
    call = make_call(envelope=Decimal("150000"))
    application = submitted(call=call, grant_requested=Decimal("150000"))
    other = submitted(call=call)
    meeting = bureau_meeting()
    client = signed_in(make_user("secretariat"))
    ok = decide(
        client, other, meeting=meeting.slug, outcome="approved", amount="100000", reasons="ok"
    )
    assert ok.status_code == 200
    response = decide(client, application, meeting=meeting.slug, outcome="approved", amount="60000")
    assert response.status_code == 409
    assert "above what is left in the envelope" in response.json()["detail"]


def test_minutes_of_the_meeting_show_each_decision(make_user):
    """After the Bureau decides at its meeting, the minutes drafted from the records list each
    decision with its project, outcome and amount (they used to list none: decisions taken
    without a vote were left out of the minutes)."""
    call = make_call()
    first, second = (submitted(call=call) for _ in range(2))
    first.title_en, second.title_en = "Water towers for Thiès", "Market hall of Kaolack"
    first.save(), second.save()
    meeting = bureau_meeting()
    services.decisions_record_batch(
        actor=make_user("bureau_member"),
        meeting=meeting,
        rows=[
            {
                "application": first,
                "outcome": "approved",
                "amount": "90000",
                "reasons": "Best score",
                "review_override": "Urgent",
            },
            {"application": second, "outcome": "rejected", "reasons": "Not eligible"},
        ],
        notify=False,
    )
    staff = signed_in(make_user("secretariat"))
    generated = staff.post(f"/en/governance/meetings/{meeting.slug}/minutes/generate/")
    assert generated.status_code == 302
    page = staff.get(f"/en/governance/meetings/{meeting.slug}/minutes/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "No text was adopted." not in text
    assert "Grant granted: Water towers for Thiès" in text
    assert "€90,000" in text
    assert "Grant rejected: Market hall of Kaolack" in text
    assert "Not eligible" in text
    fr = staff.get(f"/fr/governance/meetings/{meeting.slug}/minutes/").content.decode()
    assert "Subvention accordée" in fr and "Subvention refusée" in fr
