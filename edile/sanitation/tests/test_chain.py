"""The service chain: requests with fees and a workflow as data, emptying, trips, receptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from edile.core.errors import ConflictError, ServiceError
from edile.sanitation import services
from edile.sanitation.models import (
    Operator,
    ReconciliationFlag,
    RequestTransition,
    TariffRule,
    TripStatus,
    Vehicle,
    VehicleDocument,
)
from edile.sanitation.tests.factories import make_city, make_containment

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_city()


def _scheduled(city, fee: Decimal = Decimal("25")):
    TariffRule.objects.create(
        local_government=city.lg, name="Standard", amount_per_trip=fee, currency="USD"
    )
    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="phone", trips_estimated=2
    )
    if fee:
        request = services.request_transition(actor=city.officer, request=request, action="submit")
        request = services.request_transition(actor=city.officer, request=request, action="pay")
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    return services.request_transition(
        actor=city.crew,
        request=request,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )


def test_the_whole_chain_from_request_to_disposal(city):
    """Officer records and assigns, crew empties, truck is received: the request is disposed."""
    request = _scheduled(city)
    assert request.fee_amount == Decimal("50.00")  # 25 per trip × 2 trips
    assert request.state.code == "scheduled"
    emptying = services.emptying_record(
        actor=city.crew, request=request, volume_l=2500, ppe={"gloves": True, "boots": True}
    )
    city.containment.refresh_from_db()
    assert city.containment.times_emptied == 1
    assert city.containment.last_emptied_on == timezone.localdate()
    assert city.containment.next_emptying_due == timezone.localdate().replace(
        year=timezone.localdate().year + 3
    )
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, 2500)]
    )
    assert trip.declared_volume_l == 2500
    services.reception_record(
        actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=2450
    )
    trip.refresh_from_db()
    request.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED
    assert request.state.code == "disposed"
    assert request.served_at is not None
    assert [s.action for s in request.steps.all()] == [
        "submit",
        "pay",
        "assign",
        "accept",
        "empty",
        "dispose",
    ]


def test_a_zero_fee_skips_payment(city):
    """A subsidised (zero) tariff goes straight to assignment."""
    TariffRule.objects.create(
        local_government=city.lg, name="Low-income", low_income=True, amount_per_trip=0
    )
    TariffRule.objects.create(local_government=city.lg, name="Standard", amount_per_trip=30)
    city.prop.is_low_income = True
    city.prop.save()
    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="counter"
    )
    assert request.fee_amount == 0
    assert request.state.code == "pending_assignment"


def test_the_workflow_is_data(city):
    """A move missing from the table is refused; adding a row to the table allows it."""
    request = _scheduled(city)
    with pytest.raises(ServiceError, match="cannot be “close”"):
        services.request_transition(actor=city.officer, request=request, action="close")
    from edile.sanitation.models import RequestState

    RequestTransition.objects.create(
        action="close",
        name="Close",
        source=RequestState.objects.get(code="scheduled"),
        target=RequestState.objects.get(code="closed"),
        actors="officer",
    )
    closed = services.request_transition(actor=city.officer, request=request, action="close")
    assert closed.state.code == "closed"


def test_no_cancellation_once_emptied(city):
    request = _scheduled(city)
    services.emptying_record(actor=city.crew, request=request, volume_l=1000)
    request.refresh_from_db()
    with pytest.raises(ServiceError, match="cannot be “cancel”"):
        services.request_transition(actor=city.officer, request=request, action="cancel")


def test_the_operator_cannot_assign_and_declining_needs_a_reason(city):
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="web"
    )
    with pytest.raises(PermissionDenied):
        services.request_transition(
            actor=city.crew, request=request, action="assign", operator=city.operator
        )
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    with pytest.raises(ServiceError, match="Say why"):
        services.request_transition(actor=city.crew, request=request, action="decline")
    declined = services.request_transition(
        actor=city.crew, request=request, action="decline", note="truck in repair"
    )
    assert declined.state.code == "operator_declined"


def test_dispatch_is_refused_when_a_vehicle_document_has_expired(city):
    """A truck whose insurance expired yesterday cannot be sent to a job."""
    VehicleDocument.objects.filter(vehicle=city.vehicle).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="web"
    )
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    with pytest.raises(ServiceError, match="cannot be dispatched: expired Insurance"):
        services.request_transition(
            actor=city.crew,
            request=request,
            action="accept",
            vehicle=city.vehicle,
            scheduled_for=timezone.localdate(),
        )


def test_an_operator_sees_only_its_own_jobs(city, make_user):
    """Another operator's crew can neither record the emptying nor load the trip."""
    request = _scheduled(city)
    rival = Operator.objects.create(local_government=city.lg, name="Rival")
    other_crew = make_user("sanitation_operator", local_government=city.lg)
    rival.accounts.add(other_crew)
    with pytest.raises(PermissionDenied):
        services.emptying_record(actor=other_crew, request=request, volume_l=1000)
    from edile.sanitation.selectors import operator_jobs

    assert list(operator_jobs(other_crew)) == []
    assert list(operator_jobs(city.crew)) == [request]


def test_an_officer_of_another_city_cannot_record_a_request(city, make_user):
    other = make_city("Battambang")
    with pytest.raises(PermissionDenied):
        services.request_create(actor=other.officer, containment=city.containment, channel="web")


def test_volumes_are_never_negative(city):
    request = _scheduled(city)
    with pytest.raises(ServiceError, match="cannot be negative"):
        services.emptying_record(actor=city.crew, request=request, volume_l=-5)
    with pytest.raises(ServiceError, match="cannot be negative"):
        services.reception_record(
            actor=city.plant, site=city.site, plate_seen="X", received_volume_l=-1
        )


def test_a_trip_cannot_be_received_twice(city):
    request = _scheduled(city)
    emptying = services.emptying_record(actor=city.crew, request=request, volume_l=2000)
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, 2000)]
    )
    services.reception_record(
        actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=2000
    )
    with pytest.raises(ConflictError, match="already been received"):
        services.reception_record(
            actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=2000
        )


def test_the_plant_may_decline_with_a_reason(city):
    request = _scheduled(city)
    emptying = services.emptying_record(actor=city.crew, request=request, volume_l=2000)
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, 2000)]
    )
    with pytest.raises(ServiceError, match="Say why"):
        services.reception_record(
            actor=city.plant,
            site=city.site,
            trip=trip,
            plate_seen="",
            received_volume_l=0,
            declined=True,
        )
    services.reception_record(
        actor=city.plant,
        site=city.site,
        trip=trip,
        plate_seen="",
        received_volume_l=0,
        declined=True,
        decline_reason="industrial waste",
    )
    trip.refresh_from_db()
    assert trip.status == TripStatus.DECLINED


def test_reconciliation_flags_each_rule_once_and_resolves(city):
    """Mismatch, unreceived trip, orphan reception, over tank, over containment: each flagged."""
    # 1. A trip received with 30 % less than declared (tolerance 10 %).
    request = _scheduled(city)
    emptying = services.emptying_record(actor=city.crew, request=request, volume_l=3600)
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, 3000)]
    )
    services.reception_record(
        actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=2100
    )
    # 2. A trip loaded two days ago and never received; 3. declared above the 4000 l tank.
    other = make_containment(city.lg, city.zone, 2)
    TariffRule.objects.all().delete()
    r2 = services.request_create(actor=city.officer, containment=other, channel="web")
    r2 = services.request_transition(
        actor=city.officer, request=r2, action="assign", operator=city.operator
    )
    r2 = services.request_transition(
        actor=city.crew,
        request=r2,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )
    e2 = services.emptying_record(actor=city.crew, request=r2, volume_l=2000)
    services.trip_create(
        actor=city.crew,
        vehicle=city.vehicle,
        site=city.site,
        loads=[(e2, 5000)],
        loaded_at=timezone.now() - dt.timedelta(hours=48),
    )
    # 4. An unregistered truck at the plant.
    services.reception_record(
        actor=city.plant, site=city.site, plate_seen="9z-9999", received_volume_l=3000
    )
    result = services.reconciliation_run(local_government=city.lg)
    rules = sorted(ReconciliationFlag.objects.values_list("rule", flat=True))
    assert rules == [
        "not_received",
        "orphan_reception",
        "over_containment",  # 3600 l from a 3000 l tank
        "over_tank",
        "volume_mismatch",
    ]
    assert result == {"detected": 5, "new": 5, "resolved": 0}
    mismatch = ReconciliationFlag.objects.get(rule="volume_mismatch")
    assert mismatch.severity == "high"  # 30 % off, more than twice the tolerance
    assert mismatch.detail == "declared 3000 l, received 2100 l"
    # Run again: nothing new.
    assert services.reconciliation_run(local_government=city.lg)["new"] == 0
    with pytest.raises(ServiceError, match="Write what was found"):
        services.flag_resolve(actor=city.officer, flag=mismatch, note=" ")
    services.flag_resolve(actor=city.officer, flag=mismatch, note="Meter misread; checked.")
    mismatch.refresh_from_db()
    assert mismatch.resolved_by == city.officer


def test_reconciliation_tolerance_is_city_data(city):
    """Within the tolerance no flag; a stricter tolerance flags the same trip."""
    request = _scheduled(city)
    emptying = services.emptying_record(actor=city.crew, request=request, volume_l=2000)
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, 2000)]
    )
    services.reception_record(
        actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=1900
    )
    services.reconciliation_run(local_government=city.lg)
    assert not ReconciliationFlag.objects.filter(rule="volume_mismatch").exists()
    cfg = services.city_settings_get(city.lg)
    cfg.volume_tolerance_percent = Decimal(2)
    cfg.save()
    services.reconciliation_run(local_government=city.lg)
    assert ReconciliationFlag.objects.filter(rule="volume_mismatch").count() == 1


def test_vehicles_of_the_operator_only(city):
    request = _scheduled(city)
    rival = Operator.objects.create(local_government=city.lg, name="Rival")
    truck = Vehicle.objects.create(operator=rival, plate="R-1", tank_capacity_l=3000)
    emptying = services.emptying_record(actor=city.crew, request=request, volume_l=2000)
    with pytest.raises(PermissionDenied):
        services.trip_create(actor=city.crew, vehicle=truck, site=city.site, loads=[(emptying, 1)])


def test_the_register_lists_the_processing_with_its_retention():
    from edile.datagov.models import ProcessingRecord

    record = ProcessingRecord.objects.get(
        name_en="Sludge emptying service: applicants and property owners"
    )
    assert "2 years after the request is closed" in record.retention_period


def test_applicants_contacts_are_erased_after_the_retention_period(city):
    """A request cancelled more than two years ago loses its applicant's name and phone."""
    TariffRule.objects.create(local_government=city.lg, name="Free", amount_per_trip=0)
    request = services.request_create(
        actor=city.officer,
        containment=city.containment,
        channel="phone",
        applicant_name="Chan Sophea",
        applicant_phone="+855 99 000 111",
    )
    services.request_transition(actor=city.officer, request=request, action="cancel")
    assert services.applicant_data_erase_expired() == 0
    later = timezone.now() + dt.timedelta(days=731)
    assert services.applicant_data_erase_expired(now=later) == 1
    request.refresh_from_db()
    assert (request.applicant_name, request.applicant_phone) == ("", "")
