"""Factories for the sanitation tests: a small city with one operator, truck and plant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from edile.accounts.tests.factories import make_user
from edile.members.tests.factories import LocalGovernmentFactory
from edile.sanitation.models import (
    Containment,
    Operator,
    Property,
    TreatmentSite,
    Vehicle,
    VehicleDocument,
    Zone,
)


@dataclass
class City:
    lg: Any
    zone: Zone
    poor_zone: Zone
    prop: Property
    containment: Containment
    operator: Operator
    vehicle: Vehicle
    site: TreatmentSite
    officer: Any
    crew: Any
    plant: Any


def make_containment(city_lg: Any, zone: Zone, n: int, volume_l: int | None = 3000) -> Containment:
    prop = Property.objects.create(
        local_government=city_lg,
        zone=zone,
        reference=f"P{n}",
        address=f"{n} Street of the Pagoda",
        households=1,
        residents=5,
        owner_name="Sok Dara",
        owner_phone="+855 12 345 678",
    )
    containment = Containment.objects.create(
        local_government=city_lg,
        reference=f"C{n}",
        local_type="septic tank with soak pit",
        sfd_containment="A2",
        sfd_outlet="C5",
        volume_l=volume_l,
    )
    containment.properties.add(prop)
    return containment


def make_city(name: str = "Siem Reap") -> City:
    ensure_reference_data()
    lg = LocalGovernmentFactory(name=name, name_fr=name, name_en=name, country="KH")
    zone = Zone.objects.create(local_government=lg, name="Sala Kamreuk", code="SK")
    poor = Zone.objects.create(
        local_government=lg, name="Chreav", code="CH", is_low_income=True, groundwater_risk="T2"
    )
    containment = make_containment(lg, zone, 1)
    operator = Operator.objects.create(
        local_government=lg,
        name="Angkor Vidange",
        licence_number="SR-001",
        licence_valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    operator.zones.add(zone, poor)
    vehicle = Vehicle.objects.create(operator=operator, plate="2A-1234", tank_capacity_l=4000)
    VehicleDocument.objects.create(
        vehicle=vehicle, kind="insurance", valid_until=timezone.localdate() + dt.timedelta(days=90)
    )
    site = TreatmentSite.objects.create(
        local_government=lg, name="Station de boues", kind="fstp", design_capacity_l_per_day=60000
    )
    officer = make_user("sanitation_officer", local_government=lg)
    crew = make_user("sanitation_operator", local_government=lg)
    operator.accounts.add(crew)
    plant = make_user("treatment_plant_operator", local_government=lg)
    site.accounts.add(plant)
    return City(
        lg=lg,
        zone=zone,
        poor_zone=poor,
        prop=containment.properties.first(),
        containment=containment,
        operator=operator,
        vehicle=vehicle,
        site=site,
        officer=officer,
        crew=crew,
        plant=plant,
    )


def ensure_reference_data() -> None:
    """The grid, the workflow and the roles come from data migrations; a transactional test
    may run after a flush that emptied them, so load them again (the loaders are idempotent)."""
    import importlib

    from django.apps import apps

    from edile.sanitation.models import RequestState, SfdGridCell

    if SfdGridCell.objects.exists() and RequestState.objects.exists():
        return
    grid = importlib.import_module("edile.sanitation.migrations.0002_load_sfd_grid")
    seed = importlib.import_module("edile.sanitation.migrations.0003_seed_workflow_and_roles")
    grid.load_grid(apps, None)
    seed.seed(apps, None)
