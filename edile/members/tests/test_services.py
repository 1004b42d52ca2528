"""Rules of the registry: one current mayor, dates in order, dues validated, no lost edits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import translation

from edile.core.errors import ConflictError, ServiceError
from edile.members import selectors, services
from edile.members.models import Mandate, Office
from edile.members.tests.factories import (
    LocalGovernmentFactory,
    MandateFactory,
    MembershipFactory,
    PersonFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the French ones are in the catalogue tests."""
    with translation.override("en"):
        yield


def test_database_refuses_two_current_mayors():
    lg = LocalGovernmentFactory()
    MandateFactory(local_government=lg)
    with pytest.raises(IntegrityError):
        MandateFactory(local_government=lg)


def test_database_refuses_a_mandate_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        MandateFactory(start=dt.date(2020, 1, 1), end=dt.date(2019, 1, 1))


def test_new_mayor_ends_the_previous_mandate_the_day_before():
    lg = LocalGovernmentFactory()
    old = MandateFactory(local_government=lg, start=dt.date(2014, 4, 1))
    new = services.mandate_start(
        person=PersonFactory(), office=Office.MAYOR, local_government=lg, start=dt.date(2020, 7, 1)
    )
    old.refresh_from_db()
    assert old.end == dt.date(2020, 6, 30)
    assert selectors.current_mayor(lg) == new.person


def test_new_mayor_cannot_start_before_the_current_one():
    lg = LocalGovernmentFactory()
    MandateFactory(local_government=lg, start=dt.date(2020, 1, 1))
    with pytest.raises(ServiceError, match="must start after"):
        services.mandate_start(
            person=PersonFactory(),
            office=Office.MAYOR,
            local_government=lg,
            start=dt.date(2019, 1, 1),
        )
    assert Mandate.objects.filter(local_government=lg).count() == 1


@pytest.mark.parametrize(
    "amount, currency, message",
    [
        (Decimal("-1"), "EUR", "negative"),
        (Decimal("1200"), "XYZ", "Unknown currency"),
        (Decimal("99999999"), "EUR", "implausibly large"),
    ],
)
def test_dues_refuse_bad_amounts_and_currencies(amount, currency, message):
    membership = MembershipFactory()
    with pytest.raises(ServiceError, match=message):
        services.dues_record(membership=membership, year=2019, amount=amount, currency=currency)


def test_good_standing_needs_active_membership_and_paid_dues():
    lg = make_member()
    assert selectors.is_in_good_standing(lg, 2019)
    lg.membership.dues.filter(year=2019).update(paid_on=None)
    assert not selectors.is_in_good_standing(lg, 2019)


def test_concurrent_edits_do_not_overwrite_each_other(make_user):
    """Two editors load version 1; the second save is refused with a message."""
    lg = LocalGovernmentFactory(name_fr="Dakar")
    staff = make_user("secretariat")
    first = type(lg).objects.get(pk=lg.pk)
    second = type(lg).objects.get(pk=lg.pk)
    services.local_government_update(
        actor=staff, local_government=first, data={"name_fr": "Dakar A"}, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.local_government_update(
            actor=staff, local_government=second, data={"name_fr": "Dakar B"}, expected_version=1
        )
    lg.refresh_from_db()
    assert lg.name_fr == "Dakar A"


def test_stale_form_gets_409_with_a_message(client_as):
    lg = make_member(name="Dakar", name_fr="Dakar")
    c = client_as("secretariat")
    first = c.post(f"/en/members/{lg.slug}/edit/", {"name_fr": "A", "name_en": "A", "version": 1})
    assert first.status_code == 302
    stale = c.post(f"/en/members/{lg.slug}/edit/", {"name_fr": "B", "name_en": "B", "version": 1})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    lg.refresh_from_db()
    assert lg.name_fr == "A"


def test_every_change_is_kept_in_history_with_who(client_as):
    lg = make_member(name="Dakar", name_fr="Dakar")
    c = client_as("secretariat")
    c.post(f"/en/members/{lg.slug}/edit/", {"name_fr": "Dakar 2", "name_en": "Dakar", "version": 1})
    last = lg.history.first()
    assert last.name_fr == "Dakar 2"
    assert last.history_user == c.user
    body = c.get(f"/en/members/{lg.slug}/").content.decode()
    assert "History of changes" in body and str(c.user) in body


def test_service_messages_are_in_french_for_french_readers():
    membership = MembershipFactory()
    with translation.override("fr"), pytest.raises(ServiceError, match="ne peut pas être négatif"):
        services.dues_record(membership=membership, year=2019, amount=Decimal("-1"))
