"""The prize: eligibility, conflict-of-interest declarations, scored reviews, laureates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import services
from edile.governance.models import Nomination, PrizeEdition
from edile.governance.tests.factories import make_city
from edile.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def nomination():
    edition = PrizeEdition.objects.create(
        slug="p2030",
        year=2030,
        title="Prix",
        title_fr="Prix",
        nominations_close=dt.date(2100, 1, 1),
    )
    return Nomination.objects.create(
        edition=edition, nominee=PersonFactory(gender="female"), nominated_by=make_city()
    )


def test_eligibility_check(make_user, nomination):
    """A woman nominated by an active member is eligible; otherwise the reason is given."""
    staff = make_user("secretariat")
    assert (
        services.nomination_check_eligibility(user=staff, nomination=nomination).status
        == "eligible"
    )
    nomination.nominee.gender = "male"
    nomination.nominee.save()
    checked = services.nomination_check_eligibility(user=staff, nomination=nomination)
    assert checked.status == "ineligible" and "women" in checked.eligibility_note


def test_juror_declares_before_scoring(make_user, nomination):
    """No score without a declaration; a declared conflict bars scoring."""
    services.nomination_check_eligibility(user=make_user("secretariat"), nomination=nomination)
    juror = make_user("bureau_member")
    with pytest.raises(ServiceError, match="conflict of interest first"):
        services.review_submit(user=juror, nomination=nomination, score=15)
    services.conflict_declare(user=juror, nomination=nomination, has_conflict=True)
    with pytest.raises(ServiceError, match="declared a conflict"):
        services.review_submit(user=juror, nomination=nomination, score=15)
    other = make_user("bureau_member")
    services.conflict_declare(user=other, nomination=nomination, has_conflict=False)
    assert services.review_submit(user=other, nomination=nomination, score=17).score == 17
    with pytest.raises(ServiceError, match="between 0 and 20"):
        services.review_submit(user=other, nomination=nomination, score=21)


@pytest.mark.parametrize("role", ["delegate", "focal_point", "public"])
def test_only_jurors_review(make_user, nomination, role):
    """Reviews are for the jury (the Bureau)."""
    with pytest.raises(PermissionDenied):
        services.conflict_declare(user=make_user(role), nomination=nomination, has_conflict=False)


def test_laureate_appears_on_the_public_page(client, make_user, nomination):
    """A designated laureate is listed on the public laureates page."""
    staff = make_user("secretariat")
    with pytest.raises(ServiceError):
        services.laureate_designate(user=staff, nomination=nomination)
    services.nomination_check_eligibility(user=staff, nomination=nomination)
    services.laureate_designate(user=staff, nomination=nomination)
    page = client.get(reverse("governance:laureates")).content.decode()
    assert nomination.nominee.family_name in page


@pytest.mark.parametrize("role", ["delegate", "focal_point", "public"])
def test_jury_page_is_for_the_jury_and_staff(client_as, nomination, role):
    """Outsiders get a 403 on the jury's desk."""
    url = reverse("governance:jury", args=[nomination.edition.slug])
    assert client_as(role).get(url).status_code == 403


def test_jury_page_declare_score_and_designate(client_as, nomination):
    """Staff check eligibility; a juror declares then scores; staff designate the laureate."""
    url = reverse("governance:jury", args=[nomination.edition.slug])
    staff = client_as("secretariat")
    staff.post(url, {"nomination": nomination.pk, "action": "eligibility"})
    juror = client_as("bureau_member")
    assert juror.get(url).status_code == 200
    juror.post(url, {"nomination": nomination.pk, "action": "declare", "has_conflict": "0"})
    juror.post(url, {"nomination": nomination.pk, "action": "score", "score": "18"})
    assert nomination.reviews.get().score == 18
    page = staff.get(url).content.decode()
    assert "18,0" in page or "18.0" in page
    staff.post(url, {"nomination": nomination.pk, "action": "laureate"})
    nomination.refresh_from_db()
    assert nomination.status == "laureate"
