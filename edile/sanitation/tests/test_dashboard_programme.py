"""The dashboard's indicators, and the financing round in euros with the gap to the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edile.core.errors import ServiceError
from edile.sanitation import selectors, services
from edile.sanitation.models import Programme, TariffRule
from edile.sanitation.tests.factories import make_city, make_containment

pytestmark = pytest.mark.django_db


def _empty(city, containment, volume, received=None):
    request = services.request_create(actor=city.officer, containment=containment, channel="web")
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    request = services.request_transition(
        actor=city.crew,
        request=request,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )
    emptying = services.emptying_record(
        actor=city.crew,
        request=request,
        volume_l=volume,
        ppe={"gloves": True, "boots": True, "mask": True, "overalls": True},
    )
    if received is not None:
        trip = services.trip_create(
            actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, volume)]
        )
        services.reception_record(
            actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=received
        )
    return emptying


def test_dashboard_indicators():
    """Two emptyings, one received at the plant, one in a low-income zone."""
    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    _empty(city, city.containment, 2000, received=2000)
    poor = make_containment(city.lg, city.poor_zone, 2)
    _empty(city, poor, 1000)
    data = selectors.dashboard(city.lg, year=timezone.localdate().year)
    assert data["requests"] == 2
    assert data["emptyings"] == 2
    assert data["emptied_l"] == 3000
    assert data["received_l"] == 2000
    assert data["safe_desludging"] == 0.5
    assert data["inclusion"] == 0.5
    assert data["ppe_compliance"] == 1.0
    assert data["coverage"] == 1.0  # both registered containments emptied this year
    assert data["sla_compliance"] == 1.0
    by_zone = {z["name"]: z["emptyings"] for z in data["zones"]}
    assert by_zone == {"Sala Kamreuk": 1, "Chreav": 1}
    one_zone = selectors.dashboard(
        city.lg, year=timezone.localdate().year, zone_id=city.poor_zone.pk
    )
    assert (one_zone["emptyings"], one_zone["received_l"]) == (1, 2000)  # the plant is city-wide


def test_response_time_and_months_from_the_records():
    """Mean response in hours computed by the database; each month counted from its range."""
    from edile.sanitation.models import DesludgingRequest, EmptyingEvent

    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    first = _empty(city, city.containment, 2000, received=1800)
    second = _empty(city, make_containment(city.lg, city.zone, 2), 1000)
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    march = dt.datetime(year, 3, 31, 23, 30, tzinfo=tz)  # the last half hour of March
    DesludgingRequest.objects.filter(pk=first.request_id).update(
        created_at=march, served_at=march + dt.timedelta(hours=30)
    )
    DesludgingRequest.objects.filter(pk=second.request_id).update(
        created_at=march + dt.timedelta(hours=1), served_at=march + dt.timedelta(hours=7)
    )
    EmptyingEvent.objects.filter(pk=second.pk).update(emptied_on=dt.date(year, 4, 1))
    data = selectors.dashboard(city.lg, year=year)
    assert data["response_hours"] == 18.0  # (30 + 6) / 2
    months = {m["month"]: m for m in data["months"]}
    assert (months[3]["requests"], months[4]["requests"]) == (1, 1)
    assert months[4]["emptyings"] == 1 and months[4]["emptied_l"] == 1000
    assert sum(m["received_l"] for m in data["months"]) == 1800


# The page's queries: session, user and roles, the city, the year, the zones, the figures
# (one aggregate per table, the months counted in the same scans) and the estimates.
QUERIES_DASHBOARD = 17


def test_the_dashboard_takes_the_same_queries_whatever_the_records(django_assert_num_queries):
    """A constant number of queries: 3 emptyings or 12, one zone or all."""
    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    client = Client()
    client.force_login(city.officer)
    url = reverse("sanitation:dashboard", args=[city.lg.slug])
    for n in range(3):
        _empty(city, make_containment(city.lg, city.zone, 10 + n), 1000, received=1000)
    client.get(url)
    with django_assert_num_queries(QUERIES_DASHBOARD):
        assert client.get(url).status_code == 200
    for n in range(9):
        _empty(city, make_containment(city.lg, city.poor_zone, 20 + n), 1000, received=900)
    client.get(url)  # the month changed: its summary is recomputed once
    with django_assert_num_queries(QUERIES_DASHBOARD):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(QUERIES_DASHBOARD + 1):  # the zone checked to be the city's
        assert client.get(f"{url}?zone={city.poor_zone.pk}").status_code == 200


def test_derived_f4_is_received_over_emptied():
    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    _empty(city, city.containment, 2000, received=1500)
    derived = selectors.derived_variables(city.lg, year=timezone.localdate().year)
    assert derived == {"f3": 100.0, "f4": 75.0}


def _programme(city):
    return Programme.objects.create(local_government=city.lg, slug="prog", title="Programme")


def test_financing_round_in_euros_with_the_gap_to_the_plan():
    """Amounts convert at the grants module's dated rate; the gap is plan minus commitments."""
    from edile.grants.models import ExchangeRate, Partner

    city = make_city()
    ExchangeRate.objects.create(
        currency="USD", date=dt.date(2019, 1, 2), eur_per_unit=Decimal("0.9")
    )
    wb = Partner.objects.create(name="World Bank", slug="wb")
    afd = Partner.objects.create(name="AFD", slug="afd")
    programme = _programme(city)
    services.investment_line_add(
        actor=city.officer,
        programme=programme,
        component="Plant",
        year=2020,
        amount="1000000",
        currency="USD",
    )
    services.financing_record(
        actor=city.officer,
        programme=programme,
        partner=wb,
        stage="pledge",
        date=dt.date(2019, 12, 5),
        amount="800000",
        currency="USD",
    )
    financing = services.financing_record(
        actor=city.officer,
        programme=programme,
        partner=afd,
        stage="commitment",
        date=dt.date(2019, 12, 5),
        amount="300000",
        currency="EUR",
    )
    assert financing.amount_eur == Decimal("300000.00")
    summary = selectors.programme_summary(programme)
    assert summary["plan_eur"] == Decimal("900000.00")
    assert summary["pledged_eur"] == Decimal("720000.00")
    assert summary["gap_to_plan_eur"] == Decimal("600000.00")
    with pytest.raises(ServiceError, match="cannot be negative"):
        services.financing_record(
            actor=city.officer,
            programme=programme,
            partner=afd,
            stage="pledge",
            date=dt.date(2019, 12, 5),
            amount="-1",
            currency="EUR",
        )
    with pytest.raises(ServiceError, match="No exchange rate for JPY"):
        services.financing_record(
            actor=city.officer,
            programme=programme,
            partner=afd,
            stage="pledge",
            date=dt.date(2019, 12, 5),
            amount="1",
            currency="JPY",
        )


def test_the_public_sees_the_round_and_its_gap():
    city = make_city()
    programme = _programme(city)
    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        url = reverse("sanitation:programme_detail", args=[programme.slug])
    page = Client().get(url)
    assert page.status_code == 200
    assert 'data-figure="gap"' in page.content.decode()
    programme.is_public = False
    programme.save()
    assert Client().get(url).status_code == 404
