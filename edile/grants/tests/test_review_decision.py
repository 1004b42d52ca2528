"""Review with conflict-of-interest rules and blind scores; Bureau decisions within the envelope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from edile.core.errors import ServiceError
from edile.grants import selectors, services
from edile.grants.models import ApplicationStatus, Grant, ReviewStatus
from edile.grants.tests.factories import TODAY, bureau_meeting, make_application
from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_user):
    application = make_application()
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    return application


@pytest.fixture
def staff(make_user):
    return make_user("secretariat")


def test_reviewer_from_applicant_city_or_country_excluded(make_user, submitted, staff):
    """A reviewer holding a role for the applicant city, or a city of its country, is refused."""
    same_city = make_user("focal_point", local_government=submitted.local_government)
    same_country = make_user("delegate", local_government=make_member(country="SN"))
    for reviewer in (same_city, same_country):
        with pytest.raises(ServiceError, match="conflict of interest"):
            services.review_assign(actor=staff, application=submitted, reviewer=reviewer)
    other = make_user("bureau_member", local_government=make_member(country="FR"))
    assert (
        services.review_assign(actor=staff, application=submitted, reviewer=other).status
        == ReviewStatus.ASSIGNED
    )


def test_only_staff_assign(make_user, submitted):
    """Only the secretariat assigns reviewers."""
    with pytest.raises(PermissionDenied):
        services.review_assign(
            actor=make_user("bureau_member"),
            application=submitted,
            reviewer=make_user("bureau_member"),
        )


def test_file_shown_only_after_declaring_no_conflict(make_user, submitted, staff):
    """A reviewer sees the file only after declaring no conflict; declaring one recuses them."""
    reviewer, recused = make_user("bureau_member"), make_user("bureau_member")
    review = services.review_assign(actor=staff, application=submitted, reviewer=reviewer)
    other = services.review_assign(actor=staff, application=submitted, reviewer=recused)
    assert not reviewer.has_perm("grants.view_application", submitted)
    services.review_declare(actor=reviewer, review=review, has_conflict=False)
    assert reviewer.has_perm("grants.view_application", submitted)
    with pytest.raises(ServiceError, match="what the conflict"):
        services.review_declare(actor=recused, review=other, has_conflict=True, declaration=" ")
    services.review_declare(
        actor=recused, review=other, has_conflict=True, declaration="My brother runs the works."
    )
    other.refresh_from_db()
    assert other.status == ReviewStatus.RECUSED
    assert not recused.has_perm("grants.view_application", submitted)


def test_scores_hidden_from_other_reviewers_until_submitted(make_user, submitted, staff):
    """A reviewer sees no one else's scores before submitting their own, then sees submitted ones."""
    first, second = make_user("bureau_member"), make_user("bureau_member")
    r1 = services.review_assign(actor=staff, application=submitted, reviewer=first)
    r2 = services.review_assign(actor=staff, application=submitted, reviewer=second)
    for user, review in ((first, r1), (second, r2)):
        services.review_declare(actor=user, review=review, has_conflict=False)
        review.refresh_from_db()
    services.review_submit(
        actor=first,
        review=r1,
        scores={"relevance": 5, "impact": 10},
        comment="",
        expected_version=r1.version,
    )
    assert [r.pk for r in selectors.reviews_visible_to(second, submitted)] == [r2.pk]
    services.review_submit(
        actor=second,
        review=r2,
        scores={"relevance": 0, "impact": 5},
        comment="",
        expected_version=r2.version,
    )
    assert {r.pk for r in selectors.reviews_visible_to(second, submitted)} == {r1.pk, r2.pk}
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert r1.total == Decimal("100.00")
    assert r2.total == Decimal("12.50")  # (0/5*3 + 5/10*1) / 4 * 100
    ranked = selectors.ranking(submitted.call)
    assert ranked[0].average == Decimal("56.25") and ranked[0].spread == Decimal("87.50")


def test_incomplete_or_out_of_range_scores_refused(make_user, submitted, staff):
    """Every criterion needs a score within its range."""
    reviewer = make_user("bureau_member")
    review = services.review_assign(actor=staff, application=submitted, reviewer=reviewer)
    services.review_declare(actor=reviewer, review=review, has_conflict=False)
    review.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.review_submit(
            actor=reviewer,
            review=review,
            scores={"relevance": 6},
            comment="",
            expected_version=review.version,
        )
    assert len(exc.value.errors) == 2


def test_approval_never_above_envelope_left(make_user, submitted):
    """An approval above what is left of the envelope is refused with the amount left."""
    bureau_member = make_user("bureau_member")
    other = make_application(
        call=submitted.call, status=ApplicationStatus.SUBMITTED, grant_requested=Decimal("150000")
    )
    services.decision_record(
        actor=bureau_member,
        application=other,
        meeting=bureau_meeting(TODAY),
        outcome="approved",
        amount="150000",
        reasons="Good",
        notify=False,
    )
    submitted.call.envelope = Decimal("200000")
    submitted.call.save()
    with pytest.raises(ServiceError, match="left in the envelope"):
        services.decision_record(
            actor=bureau_member,
            application=submitted,
            meeting=bureau_meeting(TODAY),
            outcome="approved",
            amount="60000",
            reasons="Good",
            notify=False,
        )
    decision = services.decision_record(
        actor=bureau_member,
        application=submitted,
        meeting=bureau_meeting(TODAY),
        outcome="approved",
        amount="50000",
        reasons="Good",
        notify=False,
    )
    assert Grant.objects.get(decision=decision).amount == Decimal("50000.00")


def test_deferred_then_rejected_with_reasons(make_user, submitted):
    """A deferred application can be decided again later; each decision keeps its reasons."""
    actor = make_user("secretariat")
    services.decision_record(
        actor=actor,
        application=submitted,
        meeting=bureau_meeting(TODAY),
        outcome="deferred",
        reasons="Budget unclear",
        notify=False,
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.DEFERRED
    services.decision_record(
        actor=actor,
        application=submitted,
        meeting=bureau_meeting(TODAY),
        outcome="rejected",
        reasons="Still unclear",
        notify=False,
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.REJECTED
    assert list(submitted.decisions.values_list("reasons", flat=True).order_by("pk")) == [
        "Budget unclear",
        "Still unclear",
    ]
    with pytest.raises(ServiceError, match="cannot become"):
        services.decision_record(
            actor=actor,
            application=submitted,
            meeting=bureau_meeting(TODAY),
            outcome="approved",
            amount="1000",
            reasons="x",
            notify=False,
        )


def test_focal_point_cannot_decide(make_user, submitted):
    """Focal points do not record decisions."""
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=make_user("focal_point", local_government=submitted.local_government),
            application=submitted,
            meeting=bureau_meeting(TODAY),
            outcome="rejected",
            reasons="x",
        )


def test_applicants_notified_in_their_language(
    make_user, submitted, django_capture_on_commit_callbacks
):
    """Each focal point of the city receives the decision by e-mail in their own language."""
    make_user("focal_point", local_government=submitted.local_government, preferred_language="en")
    make_user("focal_point", local_government=submitted.local_government, preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_record(
            actor=make_user("secretariat"),
            application=submitted,
            meeting=bureau_meeting(dt.date(2026, 6, 20)),
            outcome="approved",
            amount="90000",
            reasons="Strong project",
        )
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any(s.startswith("Decision on your application") for s in subjects)
    assert any(s.startswith("Décision sur votre candidature") for s in subjects)


def test_reviewers_assigned_in_bulk_with_an_email_each(
    client_as, make_user, django_capture_on_commit_callbacks
):
    """The secretariat assigns reviewers to every submitted application of a call at once;
    each reviewer gets one e-mail in their language; conflicts are left out with the reason."""
    from edile.grants.models import Review
    from edile.grants.tests.factories import make_call

    call = make_call()
    first, second = (
        make_application(call=call, status=ApplicationStatus.SUBMITTED) for _ in range(2)
    )
    fr = make_user(
        "bureau_member", local_government=make_member(country="FR"), preferred_language="fr"
    )
    conflicted = make_user("bureau_member", local_government=first.local_government)
    staff = client_as("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/en/grants/calls/{call.slug}/reviewers/",
            {"reviewers": f"{fr.email}\n{conflicted.email}"},
        )
    assert response.status_code == 302
    assert Review.objects.filter(reviewer=fr).count() == 2
    # A role for a city of the applicants' country (SN): a conflict with both, so none.
    assert Review.objects.filter(reviewer=conflicted).count() == 0
    subjects = sorted(m.subject for m in mail.outbox)
    assert any(s.startswith("Candidatures à évaluer") for s in subjects)
    assert [m.to for m in mail.outbox if m.to == [fr.email]] == [[fr.email]]
    assert (
        client_as("focal_point")
        .post(f"/en/grants/calls/{call.slug}/reviewers/", {"reviewers": fr.email})
        .status_code
        == 403
    )
