"""Bodies and seats: a seat held by a person on behalf of a city lapses with their mandate."""

import datetime as dt

import pytest

from edile.governance.models import Body, Seat
from edile.governance.selectors import current_seats
from edile.governance.tests.factories import make_city
from edile.members.models import Mandate
from edile.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_person_seat_lapses_when_the_mandate_ends():
    """The mayor's Bureau seat ends with the mayoral mandate; a city's own seat does not."""
    body = Body.objects.create(slug="b", name="Bureau", name_fr="Bureau", kind="bureau")
    city, other = make_city(), make_city()
    mayor = PersonFactory()
    Mandate.objects.create(
        person=mayor,
        local_government=city,
        office="mayor",
        start=dt.date(2015, 1, 1),
        end=dt.date(2020, 6, 30),
    )
    person_seat = Seat.objects.create(
        body=body, local_government=city, person=mayor, role="vice_chair", start=dt.date(2017, 1, 1)
    )
    city_seat = Seat.objects.create(
        body=body, local_government=other, role="member", start=dt.date(2017, 1, 1)
    )
    assert set(current_seats(body, dt.date(2019, 12, 3))) == {person_seat, city_seat}
    assert current_seats(body, dt.date(2021, 1, 1)) == [city_seat]
    person_seat.lapses_with_mandate = False
    person_seat.save()
    assert person_seat in current_seats(body, dt.date(2021, 1, 1))
