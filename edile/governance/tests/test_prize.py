"""The prize: eligibility, conflict-of-interest declarations, scored reviews, laureates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import selectors, services
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
    juror = make_user("bureau_member")
    services.conflict_declare(user=juror, nomination=nomination, has_conflict=False)
    services.review_submit(user=juror, nomination=nomination, score=17)
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


def _eligible(make_user, nomination):
    services.nomination_check_eligibility(user=make_user("secretariat"), nomination=nomination)


def test_a_juror_of_the_nominating_city_cannot_declare_no_conflict(make_user, nomination):
    """The defect: a juror of the nominating city declared no conflict and nothing flagged
    it. Now the records find the conflict: "no conflict" is refused, scoring too."""
    _eligible(make_user, nomination)
    juror = make_user("bureau_member", local_government=nomination.nominated_by)
    with pytest.raises(ServiceError, match="You act for the nominating city"):
        services.conflict_declare(user=juror, nomination=nomination, has_conflict=False)
    assert not nomination.conflicts.exists()
    with pytest.raises(ServiceError, match="conflict of interest first"):
        services.review_submit(user=juror, nomination=nomination, score=20)
    services.conflict_declare(user=juror, nomination=nomination, has_conflict=True)
    with pytest.raises(ServiceError, match="declared a conflict"):
        services.review_submit(user=juror, nomination=nomination, score=20)
    assert not nomination.reviews.exists()


def test_a_juror_of_the_same_country_or_of_the_nominees_city_is_flagged(make_user, nomination):
    from edile.members.models import Mandate

    _eligible(make_user, nomination)
    neighbour = make_city(country=nomination.nominated_by.country)
    juror = make_user("bureau_member", local_government=neighbour)
    assert "country" in selectors.detected_conflict(nomination, juror)
    home = make_city(country="SN" if str(nomination.nominated_by.country) != "SN" else "CA")
    Mandate.objects.create(
        person=nomination.nominee, office="mayor", local_government=home, start=dt.date(2020, 1, 1)
    )
    juror2 = make_user("bureau_member", local_government=home)
    assert selectors.detected_conflict(nomination, juror2) == (
        "You act for a city where the nominee holds a mandate."
    )
    far = make_city(country="VU" if str(home.country) != "VU" else "NZ")
    assert (
        selectors.detected_conflict(nomination, make_user("bureau_member", local_government=far))
        == ""
    )


def test_a_conflict_declared_after_scoring_removes_the_score(make_user, nomination):
    """The defect: a conflict declared after scoring kept the score in the average."""
    _eligible(make_user, nomination)
    juror = make_user("bureau_member")
    services.conflict_declare(user=juror, nomination=nomination, has_conflict=False)
    services.review_submit(user=juror, nomination=nomination, score=19)
    assert nomination.reviews.count() == 1
    services.conflict_declare(user=juror, nomination=nomination, has_conflict=True, note="Cousin")
    assert nomination.reviews.count() == 0
    row = selectors.jury_rows(nomination.edition, juror)[0]
    assert row["nomination"].average is None and row["nomination"].review_count == 0


def test_a_laureate_needs_the_editions_minimum_of_jury_scores(make_user, nomination):
    """The defect: a nomination with no score was made laureate."""
    _eligible(make_user, nomination)
    staff = make_user("secretariat")
    with pytest.raises(ServiceError, match="at least 1 jury score; this nomination has 0"):
        services.laureate_designate(user=staff, nomination=nomination)
    nomination.edition.minimum_scores = 2
    nomination.edition.save()
    first = make_user("bureau_member")
    services.conflict_declare(user=first, nomination=nomination, has_conflict=False)
    services.review_submit(user=first, nomination=nomination, score=15)
    with pytest.raises(ServiceError, match="at least 2 jury scores; this nomination has 1"):
        services.laureate_designate(user=staff, nomination=nomination)
    second = make_user("bureau_member")
    services.conflict_declare(user=second, nomination=nomination, has_conflict=False)
    services.review_submit(user=second, nomination=nomination, score=16)
    assert services.laureate_designate(user=staff, nomination=nomination).status == "laureate"


def test_the_jury_page_flags_a_detected_conflict(client_as, make_user, nomination):
    _eligible(make_user, nomination)
    juror = client_as("bureau_member", local_government=nomination.nominated_by)
    url = reverse("governance:jury", args=[nomination.edition.slug])
    page = juror.get("/en" + url[3:]).content.decode()
    assert "You act for the nominating city. This is a conflict of interest" in page
    response = juror.post(
        url, {"nomination": nomination.pk, "action": "declare", "has_conflict": "0"}
    )
    assert response.status_code == 302
    assert not nomination.conflicts.exists()
