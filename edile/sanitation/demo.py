"""Sanitation demo: Siem Reap's sludge management system and Phnom Penh's financing round.

From the report: the structuring of a faecal sludge management system in Siem Reap (a grant
project of the support programme, which the mayors visited in December 2019) and the
preliminary sanitation studies of Phnom Penh, on which a financing round was opened with the
sector's donors (World Bank, AFD, JICA, the Gates Foundation). Everything else — the
operators, a year of requests, emptyings, trips and receptions, the amounts of the round and
the inputs of the two SFD-style estimates — is FICTIONAL and marked so.

Idempotent: every row is keyed on a stable reference; the year of records is generated once
(with a fixed seed) and left alone on later loads.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from edile.members.models import LocalGovernment

YEAR = 2019
FICTION = "(fictif / fictional)"

SIEM_REAP_ZONES = [
    # code, name, low-income, groundwater risk
    ("SK", "Sala Kamreuk", False, "T1"),
    ("SV", "Svay Dangkum", False, "T1"),
    ("KR", "Krong Siem Reap (centre)", False, "T1"),
    ("CH", "Chreav", True, "T2"),
    ("SB", "Sambuor", True, "T2"),
    ("NK", "Nokor Thum", False, "T1"),
]

# Containment mixes: local type, list A, list B, volume in litres, weight.
CONTAINMENT_TYPES = [
    ("fosse septique avec puisard / septic tank with soak pit", "A2", "C5", 3000, 5),
    ("fosse septique raccordée au caniveau / septic tank to open drain", "A2", "C6", 2500, 2),
    ("fosse maçonnée à fond ouvert / lined tank, open bottom", "A4", "C10", 2000, 2),
    ("latrine à double fosse / twin pits", "A5", "C10", 1500, 1),
]

# SFD-style estimates (fictional inputs): code, description, share, variables.
SFD_INPUTS = {
    "siem-reap": [
        (
            "T1A2C5",
            "Fosses septiques avec puisard (nappe peu vulnérable)",
            45,
            {"f3": 40, "f4": 75, "f5": 60},
        ),
        (
            "T2A2C5",
            "Fosses septiques avec puisard (nappe vulnérable)",
            15,
            {"f3": 35, "f4": 75, "f5": 60},
        ),
        ("T1A2C6", "Fosses septiques raccordées aux caniveaux", 20, {"f3": 30, "f4": 70, "f5": 60}),
        ("T1A1C2", "Égout séparatif du centre", 12, {"w4": 60, "w5": 50}),
        ("T1B11C8", "Défécation à l'air libre", 8, {}),
    ],
    "phnom-penh": [
        ("T1A1C1", "Réseau unitaire vers les lagunes", 35, {"w4": 70, "w5": 10}),
        ("T1A2C6", "Fosses septiques raccordées aux caniveaux", 40, {"f3": 25, "f4": 50, "f5": 20}),
        ("T1A2C5", "Fosses septiques avec puisard", 15, {"f3": 30, "f4": 60, "f5": 20}),
        ("T2A6C10", "Fosses non revêtues (nappe vulnérable)", 5, {"f3": 10, "f4": 40, "f5": 20}),
        ("T1B11C8", "Défécation à l'air libre", 5, {}),
    ],
}

PP_PLAN = [
    (
        "Études préliminaires et de faisabilité / preliminary and feasibility studies",
        2020,
        D("2500000"),
    ),
    ("Réhabilitation du réseau unitaire / combined sewer rehabilitation", 2021, D("28000000")),
    ("Station de traitement des boues / faecal sludge treatment plant", 2021, D("9000000")),
    ("Camions de vidange et service programmé / trucks and scheduled emptying", 2022, D("4500000")),
    (
        "Mise aux normes des fosses des ménages pauvres / upgrading poor households' tanks",
        2022,
        D("6000000"),
    ),
]

# partner slug, stage, date, amount, currency (all amounts fictional)
PP_ROUND = [
    ("banque-mondiale", "pledge", dt.date(2019, 12, 5), D("25000000"), "USD"),
    ("banque-mondiale", "commitment", dt.date(2020, 6, 30), D("18000000"), "USD"),
    ("afd", "pledge", dt.date(2019, 12, 5), D("10000000"), "EUR"),
    ("afd", "commitment", dt.date(2020, 3, 31), D("8000000"), "EUR"),
    ("jica", "pledge", dt.date(2019, 12, 5), D("600000000"), "JPY"),
    ("fondation-gates", "commitment", dt.date(2019, 12, 5), D("2000000"), "USD"),
    ("fondation-gates", "disbursement", dt.date(2020, 2, 1), D("500000"), "USD"),
]

DEMO_USERS = [
    # email, name, role, city slug
    (
        "sanitation.siemreap@demo.edile.org",
        "Sokha Assainissement",
        "sanitation_officer",
        "siem-reap",
    ),
    ("operator.siemreap@demo.edile.org", "Vichea Vidange", "sanitation_operator", "siem-reap"),
    ("plant.siemreap@demo.edile.org", "Rithy Station", "treatment_plant_operator", "siem-reap"),
    (
        "sanitation.phnompenh@demo.edile.org",
        "Malis Assainissement",
        "sanitation_officer",
        "phnom-penh",
    ),
]


def _users(cities: dict[str, LocalGovernment], out: TextIO) -> dict[str, Any]:
    from edile.accounts.demo import DEMO_PASSWORD
    from edile.accounts.models import User
    from edile.accounts.services import role_grant

    users = {}
    for email, name, role, slug in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "preferred_language": "fr"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        role_grant(user=user, code=role, local_government=cities[slug])
        users[email] = user
        out.write(f"  {email:40} {role} ({slug})\n")
    return users


def _registry(lg: LocalGovernment, users: dict[str, Any]) -> dict[str, Any]:
    from edile.sanitation.models import (
        CitySettings,
        Operator,
        TariffRule,
        TreatmentSite,
        Vehicle,
        VehicleDocument,
        Worker,
        Zone,
    )

    CitySettings.objects.update_or_create(
        local_government=lg,
        defaults={
            "currency": "USD",
            "figures_public": True,
            "monthly_operating_cost": D("6500"),
        },
    )
    zones = {}
    for code, name, low, risk in SIEM_REAP_ZONES:
        zones[code], _ = Zone.objects.update_or_create(
            local_government=lg,
            code=code,
            defaults={"name": name, "is_low_income": low, "groundwater_risk": risk},
        )
    for name, priority, low, kind, amount in (
        ("Ménages à faible revenu (subventionné) / low-income (subsidised)", 10, True, "", D("0")),
        ("Commerces / commercial", 20, None, "commercial", D("45")),
        ("Résidentiel / residential", 30, None, "", D("25")),
    ):
        TariffRule.objects.update_or_create(
            local_government=lg,
            name=name,
            defaults={
                "priority": priority,
                "low_income": low,
                "property_type": kind,
                "amount_per_trip": amount,
                "currency": "USD",
            },
        )
    site, _ = TreatmentSite.objects.update_or_create(
        local_government=lg,
        name=f"Station de traitement des boues de Siem Reap {FICTION}",
        defaults={
            "kind": "fstp",
            "design_capacity_l_per_day": 40000,
            "opens_at": dt.time(7, 0),
            "closes_at": dt.time(17, 0),
            "is_fictional": True,
        },
    )
    site.accounts.add(users["plant.siemreap@demo.edile.org"])
    operators = []
    for index, (name, municipal, plates) in enumerate(
        (
            (f"Angkor Vidange {FICTION}", False, [("SR-2A-0101", 3000), ("SR-2A-0102", 6000)]),
            (f"Régie municipale de vidange {FICTION}", True, [("SR-1B-0201", 4000)]),
        )
    ):
        operator, _ = Operator.objects.update_or_create(
            local_government=lg,
            name=name,
            defaults={
                "licence_number": f"SR-LIC-{index + 1:03d}",
                "licence_valid_until": dt.date(2030, 12, 31),
                "is_municipal": municipal,
                "is_fictional": True,
            },
        )
        operator.zones.set(zones.values())
        for plate, capacity in plates:
            vehicle, _ = Vehicle.objects.update_or_create(
                operator=operator, plate=plate, defaults={"tank_capacity_l": capacity}
            )
            for kind in ("insurance", "fitness", "permit"):
                VehicleDocument.objects.update_or_create(
                    vehicle=vehicle, kind=kind, defaults={"valid_until": dt.date(2030, 12, 31)}
                )
        for worker, role in (
            (f"Chauffeur {index + 1}", "driver"),
            (f"Vidangeur {index + 1}", "emptier"),
        ):
            Worker.objects.update_or_create(
                operator=operator,
                name=f"{worker} {FICTION}",
                defaults={"role": role, "ppe_issued_on": dt.date(2019, 1, 15)},
            )
        operators.append(operator)
    operators[0].accounts.add(users["operator.siemreap@demo.edile.org"])
    return {"zones": zones, "site": site, "operators": operators}


def _chain(lg: LocalGovernment, reg: dict[str, Any], officer: Any) -> int:
    """A year of records, generated once with a fixed seed; flags follow from them."""
    from edile.sanitation.models import (
        Containment,
        DesludgingRequest,
        EmptyingEvent,
        PlantReception,
        Property,
        RequestState,
        Trip,
        TripLoad,
    )

    if Containment.objects.filter(local_government=lg, reference="SR-C-0001").exists():
        return 0
    rng = random.Random(2019)
    zones = list(reg["zones"].values())
    weights = [t[4] for t in CONTAINMENT_TYPES]
    containments = []
    for n in range(1, 401):
        zone = zones[n % len(zones)]
        prop = Property.objects.create(
            local_government=lg,
            zone=zone,
            reference=f"SR-P-{n:04d}",
            address=f"{n} rue {zone.name} {FICTION}",
            property_type="commercial" if n % 15 == 0 else "residential",
            households=1 + (n % 3 == 0),
            residents=rng.randint(3, 9),
            is_low_income=zone.is_low_income and n % 2 == 0,
            owner_name=f"Ménage {n} {FICTION}",
        )
        local_type, a, c, volume, _w = rng.choices(CONTAINMENT_TYPES, weights)[0]
        built = dt.date(rng.randint(1995, 2016), rng.randint(1, 12), 1)
        last = None
        if rng.random() < 0.4:
            last = dt.date(rng.randint(2014, 2018), rng.randint(1, 12), rng.randint(1, 28))
        containment = Containment.objects.create(
            local_government=lg,
            reference=f"SR-C-{n:04d}",
            local_type=local_type,
            sfd_containment=a,
            sfd_outlet=c,
            volume_l=volume,
            construction_date=built,
            last_emptied_on=last,
            next_emptying_due=last.replace(year=last.year + 3) if last else None,
            times_emptied=1 if last else 0,
        )
        containment.properties.add(prop)
        containments.append(containment)

    states = {s.code: s for s in RequestState.objects.all()}
    tz = timezone.get_current_timezone()
    operators = reg["operators"]
    site = reg["site"]
    emptied_list: list[tuple[Any, Any]] = []
    requests = []
    for n, containment in enumerate(rng.sample(containments, 260), start=1):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 340))
        created = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tz)
        operator = operators[n % 2]
        vehicle = operator.vehicles.all()[n % operator.vehicles.count()]
        outcome = rng.random()
        state = "closed" if outcome < 0.85 else ("cancelled" if outcome < 0.9 else "feedback")
        served = created + dt.timedelta(hours=rng.randint(6, 90)) if state != "cancelled" else None
        prop = containment.properties.first()
        low = prop.is_low_income
        fee = D("0") if low else (D("45") if prop.property_type == "commercial" else D("25"))
        requests.append(
            DesludgingRequest(
                local_government=lg,
                reference=f"DR-SR-{YEAR}-{n:04d}",
                containment=containment,
                channel=rng.choice(["phone", "counter", "web", "schedule"]),
                applicant_name=f"Demandeur {n} {FICTION}",
                trips_estimated=1,
                fee_amount=fee,
                fee_currency="USD",
                state=states[state],
                operator=operator if state != "cancelled" else None,
                vehicle=vehicle if state != "cancelled" else None,
                scheduled_for=served.date() if served else None,
                sla_deadline=created + dt.timedelta(hours=48),
                served_at=served,
                paid_at=created if fee else None,
                rating=rng.choice([3, 4, 4, 5, 5]) if state == "closed" else None,
                feedback_ppe_worn=rng.random() < 0.8 if state == "closed" else None,
                created_by=officer,
            )
        )
    DesludgingRequest.objects.bulk_create(requests)
    for request in DesludgingRequest.objects.filter(
        local_government=lg, reference__startswith=f"DR-SR-{YEAR}-"
    ).select_related("containment", "vehicle"):
        n = int(request.reference.rsplit("-", 1)[1])
        # created_at is auto_now_add: set the year's dates afterwards.
        DesludgingRequest.objects.filter(pk=request.pk).update(
            created_at=request.sla_deadline - dt.timedelta(hours=48)
        )
        if request.served_at is None:
            continue
        capacity = request.containment.volume_l or 2500
        volume = int(capacity * rng.uniform(0.6, 0.95))
        if n in (17, 121):
            volume = int(capacity * 1.3)  # flagged: more than the containment holds
        emptying = EmptyingEvent.objects.create(
            local_government=lg,
            request=request,
            containment=request.containment,
            operator=request.operator,
            vehicle=request.vehicle,
            emptied_on=request.served_at.date(),
            volume_l=volume,
            trips=1,
            receipt_number=f"R-{n:05d}",
            amount_collected=request.fee_amount,
            ppe_gloves=True,
            ppe_boots=True,
            ppe_mask=rng.random() < 0.85,
            ppe_overalls=rng.random() < 0.9,
        )
        emptied_list.append((request, emptying))
        Containment.objects.filter(pk=request.containment_id).update(
            last_emptied_on=emptying.emptied_on,
            next_emptying_due=emptying.emptied_on.replace(year=YEAR + 3),
            times_emptied=request.containment.times_emptied + 1,
        )
    for index, (request, emptying) in enumerate(emptied_list, start=1):
        loaded = request.served_at + dt.timedelta(hours=1)
        declared = emptying.volume_l
        if index == 40:
            declared = request.vehicle.tank_capacity_l + 1500  # flagged: above the tank
        trip = Trip.objects.create(
            local_government=lg,
            reference=f"TR-SR-{YEAR}-{index:04d}",
            operator=request.operator,
            vehicle=request.vehicle,
            site=site,
            loaded_at=loaded,
            declared_volume_l=declared,
            status="loaded",
        )
        TripLoad.objects.create(trip=trip, emptying=emptying, volume_l=declared)
        if index in (55, 160):
            continue  # flagged: loaded and never received
        received = int(declared * rng.uniform(0.96, 1.04))
        if index in (23, 98, 180):
            received = int(declared * 0.6)  # flagged: 40 % missing on arrival
        PlantReception.objects.create(
            local_government=lg,
            site=site,
            trip=trip,
            plate_seen=request.vehicle.plate,
            arrived_at=loaded + dt.timedelta(minutes=rng.randint(25, 70)),
            left_at=loaded + dt.timedelta(minutes=rng.randint(80, 110)),
            received_volume_l=received,
        )
        Trip.objects.filter(pk=trip.pk).update(status="received")
    # An unregistered truck at the plant (flagged).
    PlantReception.objects.create(
        local_government=lg,
        site=site,
        plate_seen="SR-9Z-9999",
        arrived_at=dt.datetime(YEAR, 9, 14, 10, 30, tzinfo=tz),
        received_volume_l=3500,
    )
    return len(emptied_list)


def _study(lg: LocalGovernment, rows: list[tuple[str, str, int, dict[str, int]]]) -> Any:
    from edile.sanitation.models import SfdGridCell, SfdStudy, SfdSystemRow, SfdVariable

    study, _ = SfdStudy.objects.update_or_create(
        local_government=lg,
        year=YEAR,
        title_fr=f"Estimation de type SFD {FICTION}",
        defaults={
            "title_fr": f"Estimation de type SFD {FICTION}",
            "title_en": f"SFD-style estimate {FICTION}",
            "population": lg.population,
            "level": "initial",
            "basis": "desk",
            "status": "published",
            "prepared_by": "Édile demo",
            "sources": "Données fictives de démonstration / fictional demonstration inputs.",
            "is_fictional": True,
        },
    )
    for position, (code, description, share, variables) in enumerate(rows):
        row, _ = SfdSystemRow.objects.update_or_create(
            study=study,
            position=position,
            defaults={
                "cell": SfdGridCell.objects.get(code=code),
                "description": description,
                "population_share": D(share),
            },
        )
        for name, value in variables.items():
            SfdVariable.objects.update_or_create(
                row=row,
                name=name,
                defaults={
                    "value": D(value),
                    "source": "fictional",
                    "assumption": "Valeur fictive de démonstration / fictional value.",
                },
            )
    return study


def _programmes(cities: dict[str, LocalGovernment], officer: Any) -> None:
    from edile.grants.models import Grant, Partner
    from edile.grants.services import rate_for
    from edile.sanitation.models import Financing, InvestmentLine, Programme, ProgrammeStudy

    pp = cities["phnom-penh"]
    programme, _ = Programme.objects.update_or_create(
        slug="phnom-penh-assainissement",
        defaults={
            "local_government": pp,
            "title": "Programme d'assainissement de Phnom Penh",
            "title_fr": "Programme d'assainissement de Phnom Penh",
            "title_en": "Phnom Penh sanitation programme",
            "description_fr": (
                "Études préliminaires d'assainissement et tour de table des bailleurs du secteur "
                "pour une mise en œuvre à partir de 2020. Montants fictifs."
            ),
            "description_en": (
                "Preliminary sanitation studies and a financing round with the sector's donors "
                "for implementation from 2020. Fictional amounts."
            ),
            "is_public": True,
            "is_fictional": True,
        },
    )
    ProgrammeStudy.objects.update_or_create(
        programme=programme,
        title="Études préliminaires d'assainissement de Phnom Penh",
        defaults={
            "title_fr": "Études préliminaires d'assainissement de Phnom Penh",
            "title_en": "Preliminary sanitation studies of Phnom Penh",
            "year": 2019,
            "summary_fr": "Diagnostic du réseau unitaire et de la filière boues (document fictif).",
            "summary_en": "Diagnosis of the combined sewer and the sludge chain (fictional document).",
        },
    )
    for component, year, amount in PP_PLAN:
        rate, rate_date = rate_for("USD", dt.date(year, 1, 1))
        InvestmentLine.objects.update_or_create(
            programme=programme,
            component=component,
            year=year,
            defaults={
                "amount": amount,
                "currency": "USD",
                "amount_eur": (amount * rate).quantize(D("0.01")),
                "rate_date": rate_date,
            },
        )
    partners = {p.slug: p for p in Partner.objects.all()}
    for slug, stage, date, amount, currency in PP_ROUND:
        rate, rate_date = rate_for(currency, date)
        Financing.objects.update_or_create(
            programme=programme,
            partner=partners[slug],
            stage=stage,
            date=date,
            defaults={
                "amount": amount,
                "currency": currency,
                "amount_eur": (amount * rate).quantize(D("0.01")),
                "rate_date": rate_date,
                "note": "Montant fictif / fictional amount",
            },
        )
    sr = cities["siem-reap"]
    grant = Grant.objects.filter(application__reference="2019-siem-reap-boues").first()
    Programme.objects.update_or_create(
        slug="siem-reap-boues-de-vidange",
        defaults={
            "local_government": sr,
            "title": "Gestion des boues de vidange de Siem Reap",
            "title_fr": "Gestion des boues de vidange de Siem Reap",
            "title_en": "Siem Reap faecal sludge management",
            "description_fr": "Structuration du système de gestion des boues de vidange, projet soutenu par le programme de l'association.",
            "description_en": "Structuring the faecal sludge management system, a project of the association's support programme.",
            "grant": grant,
            "is_public": True,
            "is_fictional": False,
        },
    )


@transaction.atomic
def load(out: TextIO) -> None:
    from edile.sanitation import services

    cities = {
        lg.slug: lg for lg in LocalGovernment.objects.filter(slug__in=["siem-reap", "phnom-penh"])
    }
    if len(cities) < 2:
        out.write("  sanitation: Siem Reap or Phnom Penh missing, skipped.\n")
        return
    out.write("\nSanitation demo accounts\n")
    users = _users(cities, out)
    reg = _registry(cities["siem-reap"], users)
    emptied = _chain(cities["siem-reap"], reg, users["sanitation.siemreap@demo.edile.org"])
    services.reconciliation_run(
        local_government=cities["siem-reap"], now=dt.datetime(YEAR, 12, 31, 23, 0, tzinfo=dt.UTC)
    )
    # The chain was written partly in bulk (no signals): the dashboard's summary is rebuilt.
    from edile.sanitation import summary

    summary.rebuild(cities["siem-reap"])
    for slug, rows in SFD_INPUTS.items():
        _study(cities[slug], rows)
    _programmes(cities, users["sanitation.phnompenh@demo.edile.org"])
    services.city_settings_get(cities["phnom-penh"])
    out.write(
        f"  sanitation: Siem Reap's chain ({emptied} emptyings generated this time), "
        "two SFD-style estimates, Phnom Penh's financing round.\n"
    )
