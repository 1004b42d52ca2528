"""Grants demo: the 2019 support programme as the Phnom Penh report tells it.

Fourteen city projects, nearly €1.5 M granted (under €1.5 M), more than €9 M of partnerships
and more than 3 M beneficiaries, in culture, education, water and sanitation, health and
entrepreneurship. The Siem Reap faecal sludge management project and the mayors' monitoring
visit of December 2019 come from the report; the other projects' details (titles, amounts,
partners' shares, indicators) are fictional and marked so. Plus an open call, fictional too.
Running `load` twice changes nothing: every row is keyed on a stable reference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction

from edile.governance.models import Body, BodyKind, Meeting, MeetingKind
from edile.grants import services
from edile.grants.models import (
    SECTOR_DAC,
    Application,
    ApplicationStatus,
    BeneficiaryGroup,
    BudgetLine,
    Call,
    CoFinancing,
    CoFinancingStatus,
    DecisionOutcome,
    ExchangeRate,
    Grant,
    Indicator,
    IndicatorValue,
    MonitoringVisit,
    Partner,
    ProgressReport,
    ReportStatus,
    Sector,
)
from edile.members.models import LocalGovernment

D = Decimal
CRITERIA = [
    {
        "code": "relevance",
        "label_fr": "Pertinence pour la ville",
        "label_en": "Relevance to the city",
        "weight": 3,
        "max": 5,
    },
    {
        "code": "feasibility",
        "label_fr": "Faisabilité et budget",
        "label_en": "Feasibility and budget",
        "weight": 2,
        "max": 5,
    },
    {
        "code": "impact",
        "label_fr": "Bénéficiaires et impact",
        "label_en": "Beneficiaries and impact",
        "weight": 3,
        "max": 5,
    },
    {
        "code": "partnerships",
        "label_fr": "Partenariats mobilisés",
        "label_en": "Partnerships raised",
        "weight": 2,
        "max": 5,
    },
]
RULES_2019 = {
    "good_standing": True,
    "dues_year": 2018,
    "max_grant": "150000.00",
    "min_cofinancing_share": "0.30",
    "one_open_application": True,
    "require_results": True,
}

# slug, name_fr, name_en, IATI identifier (only when certain), IATI organisation type
PARTNERS = [
    (
        "union-europeenne",
        "Union européenne (Commission européenne)",
        "European Union (European Commission)",
        "XI-IATI-EC_DEVCO",
        "15",
    ),
    ("afd", "Agence française de développement", "French Development Agency (AFD)", "FR-3", "10"),
    ("banque-mondiale", "Banque mondiale", "World Bank", "XM-DAC-44000", "40"),
    (
        "jica",
        "Agence japonaise de coopération internationale (JICA)",
        "Japan International Cooperation Agency (JICA)",
        "JP-8",
        "10",
    ),
    (
        "fondation-gates",
        "Fondation Bill & Melinda Gates",
        "Bill & Melinda Gates Foundation",
        "DAC-1601",
        "60",
    ),
    ("unicef", "UNICEF", "UNICEF", "XM-DAC-41122", "40"),
    ("ville-de-paris", "Ville de Paris", "City of Paris", "", "11"),
]

# Rates of 2019 kept in the platform (approximate yearly averages; XOF is pegged to the euro).
RATES = [
    ("USD", dt.date(2019, 1, 2), D("0.87300000")),
    ("JPY", dt.date(2019, 1, 2), D("0.00796000")),
    ("XOF", dt.date(1999, 1, 1), D("0.00152449")),
    ("XAF", dt.date(1999, 1, 1), D("0.00152449")),
]

# reference, city, sector, title_fr, title_en, grant, beneficiaries by group, partners
# [(partner, amount, currency, status)], indicator (fr, en, unit, baseline, target, actual),
# fictional?
PROJECTS = [
    (
        "2019-siem-reap-boues",
        "siem-reap",
        Sector.WATER_SANITATION,
        "Structuration d'un système de gestion des boues de vidange à Siem Reap",
        "Structuring a faecal sludge management system in Siem Reap",
        D("150000"),
        {"residents": 245000, "women": 125000, "men": 120000},
        [
            ("fondation-gates", D("1200000"), "USD", CoFinancingStatus.COMMITTED),
            ("afd", D("400000"), "EUR", CoFinancingStatus.RECEIVED),
        ],
        (
            "Ménages raccordés au service de vidange",
            "Households served by the emptying service",
            "ménages / households",
            0,
            12000,
            4300,
        ),
        False,
    ),
    (
        "2019-phnom-penh-ecoles",
        "phnom-penh",
        Sector.EDUCATION,
        "Réhabilitation de salles de classe dans les quartiers périphériques",
        "Rehabilitating classrooms in outlying districts",
        D("120000"),
        {"children": 38000},
        [
            ("jica", D("60000000"), "JPY", CoFinancingStatus.COMMITTED),
            ("unicef", D("250000"), "USD", CoFinancingStatus.RECEIVED),
        ],
        ("Salles de classe réhabilitées", "Classrooms rehabilitated", "salles / rooms", 0, 60, 22),
        True,
    ),
    (
        "2019-bamako-eau",
        "district-de-bamako",
        Sector.WATER_SANITATION,
        "Bornes-fontaines dans les communes du District",
        "Standpipes in the District's communes",
        D("110000"),
        {"women": 360000, "men": 340000},
        [("banque-mondiale", D("1500000"), "USD", CoFinancingStatus.COMMITTED)],
        ("Bornes-fontaines construites", "Standpipes built", "bornes / standpipes", 0, 80, 35),
        True,
    ),
    (
        "2019-dakar-entreprendre",
        "dakar",
        Sector.ENTREPRENEURSHIP,
        "Incubateur pour jeunes entrepreneurs",
        "Incubator for young entrepreneurs",
        D("100000"),
        {"entrepreneurs": 1500, "youth": (20000, False)},
        [
            ("afd", D("500000"), "EUR", CoFinancingStatus.COMMITTED),
            ("union-europeenne", D("250000"), "EUR", CoFinancingStatus.RECEIVED),
        ],
        (
            "Entreprises accompagnées",
            "Businesses supported",
            "entreprises / businesses",
            0,
            300,
            120,
        ),
        True,
    ),
    (
        "2019-ouagadougou-sante",
        "ouagadougou",
        Sector.HEALTH,
        "Centres de santé de quartier",
        "Neighbourhood health centres",
        D("110000"),
        {"women": 180000, "men": 170000},
        [("union-europeenne", D("700000"), "EUR", CoFinancingStatus.COMMITTED)],
        ("Consultations par an", "Consultations per year", "consultations", 20000, 90000, 41000),
        True,
    ),
    (
        "2019-cotonou-culture",
        "cotonou",
        Sector.CULTURE,
        "Maison du patrimoine de Cotonou",
        "Cotonou heritage house",
        D("95000"),
        {"residents": 150000},
        [
            ("afd", D("350000"), "EUR", CoFinancingStatus.COMMITTED),
            ("ville-de-paris", D("100000"), "EUR", CoFinancingStatus.RECEIVED),
        ],
        ("Visiteurs par an", "Visitors per year", "visiteurs / visitors", 0, 30000, 9000),
        True,
    ),
    (
        "2019-lome-assainissement",
        "lome",
        Sector.WATER_SANITATION,
        "Latrines publiques dans les marchés",
        "Public latrines in markets",
        D("100000"),
        {"women": 150000, "men": 140000},
        [("banque-mondiale", D("900000"), "USD", CoFinancingStatus.COMMITTED)],
        ("Blocs sanitaires construits", "Latrine blocks built", "blocs / blocks", 0, 40, 12),
        True,
    ),
    (
        "2019-yaounde-formation",
        "yaounde",
        Sector.EDUCATION,
        "Centre de formation aux métiers urbains",
        "Training centre for urban trades",
        D("105000"),
        {"youth": 25000},
        [("union-europeenne", D("550000"), "EUR", CoFinancingStatus.COMMITTED)],
        ("Jeunes formés", "Young people trained", "personnes / people", 0, 2500, 800),
        True,
    ),
    (
        "2019-kigali-marches",
        "kigali",
        Sector.ENTREPRENEURSHIP,
        "Modernisation des marchés de proximité",
        "Upgrading neighbourhood markets",
        D("90000"),
        {"entrepreneurs": 4000, "residents": 180000},
        [("banque-mondiale", D("600000"), "USD", CoFinancingStatus.COMMITTED)],
        ("Commerçants installés", "Traders settled", "commerçants / traders", 0, 1200, 400),
        True,
    ),
    (
        "2019-antananarivo-sante",
        "antananarivo",
        Sector.HEALTH,
        "Santé maternelle dans les centres municipaux",
        "Maternal health in municipal centres",
        D("115000"),
        {"residents": 400000, "women": 260000, "children": 140000},
        [
            ("fondation-gates", D("600000"), "USD", CoFinancingStatus.COMMITTED),
            ("unicef", D("200000"), "USD", CoFinancingStatus.RECEIVED),
        ],
        (
            "Accouchements assistés par an",
            "Assisted deliveries per year",
            "accouchements / deliveries",
            3000,
            9000,
            5200,
        ),
        True,
    ),
    (
        "2019-niamey-eau",
        "niamey",
        Sector.WATER_SANITATION,
        "Extension du réseau d'eau potable",
        "Extending the drinking-water network",
        D("100000"),
        {"residents": 520000},
        [("afd", D("350000000"), "XOF", CoFinancingStatus.COMMITTED)],
        (
            "Branchements sociaux réalisés",
            "Social connections made",
            "branchements / connections",
            0,
            6000,
            2100,
        ),
        True,
    ),
    (
        "2019-saint-louis-culture",
        "saint-louis",
        Sector.CULTURE,
        "Restauration du patrimoine de l'île de Saint-Louis",
        "Restoring the heritage of Saint-Louis island",
        D("95000"),
        {"residents": 90000},
        [("union-europeenne", D("450000"), "EUR", CoFinancingStatus.COMMITTED)],
        ("Façades restaurées", "Façades restored", "façades", 0, 120, 40),
        True,
    ),
    (
        "2019-segou-ecoles",
        "segou",
        Sector.EDUCATION,
        "Écoles bioclimatiques à Ségou",
        "Bioclimatic schools in Ségou",
        D("90000"),
        {"children": 24000},
        [
            ("afd", D("250000"), "EUR", CoFinancingStatus.COMMITTED),
            ("unicef", D("120000"), "USD", CoFinancingStatus.RECEIVED),
        ],
        ("Écoles construites", "Schools built", "écoles / schools", 0, 8, 3),
        True,
    ),
    (
        "2019-battambang-artisans",
        "battambang",
        Sector.ENTREPRENEURSHIP,
        "Pépinière d'artisans de Battambang",
        "Battambang craft business nursery",
        D("100000"),
        {"entrepreneurs": 900, "women": (45000, False)},
        [("jica", D("45000000"), "JPY", CoFinancingStatus.COMMITTED)],
        ("Artisans accompagnés", "Craftspeople supported", "artisans / craftspeople", 0, 400, 150),
        True,
    ),
]
# The report: the Bureau granted the 14 projects at its meeting of 3 December 2019, during the
# Phnom Penh congress (the governance demo's session "phnom-penh-2019-bureau").
BUREAU_MEETING = dt.date(2019, 12, 3)
BUREAU_MEETING_SLUG = "phnom-penh-2019-bureau"
SIEM_REAP_VISIT = dt.date(2019, 12, 3)


def _bureau() -> Body:
    body, _created = Body.objects.get_or_create(
        slug="bureau",
        defaults={
            "name": "Bureau",
            "name_fr": "Bureau",
            "name_en": "Bureau",
            "kind": BodyKind.BUREAU,
        },
    )
    return body


def _calls() -> tuple[Call, Call]:
    call_2019, _created = Call.objects.update_or_create(
        slug="appel-2019",
        defaults={
            "title": "Appel à projets 2019",
            "title_fr": "Appel à projets 2019",
            "title_en": "2019 call for projects",
            "description_fr": "Le programme de soutien aux projets des villes membres : culture, éducation, eau et assainissement, santé, entrepreneuriat.",
            "description_en": "The support programme for member cities' projects: culture, education, water and sanitation, health, entrepreneurship.",
            "year": 2019,
            "envelope": D("1500000.00"),
            "currency": "EUR",
            "opens_on": dt.date(2019, 1, 15),
            "closes_on": dt.date(2019, 4, 30),
            "sectors": sorted(set(SECTOR_DAC.values()) | {"14032", "14031", "11220", "12220"}),
            "rules": RULES_2019,
            "criteria": CRITERIA,
            "is_fictional": False,
        },
    )
    call_open, _created = Call.objects.update_or_create(
        slug="appel-2027",
        defaults={
            "title": "Appel à projets 2027",
            "title_fr": "Appel à projets 2027",
            "title_en": "2027 call for projects",
            "description_fr": "Appel de démonstration (fictif), ouvert aux villes membres à jour de cotisation.",
            "description_en": "Demonstration call (fictional), open to member cities whose dues are paid.",
            "year": 2027,
            "envelope": D("1600000.00"),
            "currency": "EUR",
            "opens_on": dt.date(2026, 11, 1),
            "closes_on": dt.date(2027, 1, 31),
            "sectors": sorted(set(SECTOR_DAC.values()) | {"14032", "14031"}),
            "rules": {**RULES_2019, "dues_year": 2019},
            "criteria": CRITERIA,
            "is_fictional": True,
        },
    )
    return call_2019, call_open


def _bureau_meeting(bureau: Body) -> Meeting:
    """The Bureau meeting of 3 December 2019 (created by the governance demo; made here with
    the same address and times when that demo has not run)."""
    import zoneinfo

    meeting = Meeting.objects.filter(slug=BUREAU_MEETING_SLUG).first()
    if meeting is not None:
        return meeting
    tz = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
    return Meeting.objects.create(
        slug=BUREAU_MEETING_SLUG,
        kind=MeetingKind.BUREAU_MEETING,
        body=bureau,
        title="Réunion du Bureau",
        title_fr="Réunion du Bureau",
        title_en="Bureau meeting",
        start=dt.datetime(2019, 12, 3, 9, 0, tzinfo=tz),
        end=dt.datetime(2019, 12, 3, 12, 0, tzinfo=tz),
        timezone="Asia/Phnom_Penh",
    )


def _person(email: str, name: str, role: str) -> Any:
    """A fictional demo account (no password: the records need a person, not a sign-in)."""
    from edile.accounts.models import RoleAssignment, User
    from edile.accounts.services import role_grant

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name)
    if not RoleAssignment.objects.filter(user=user, role__code=role).exists():
        role_grant(user=user, code=role, local_government=None, organisation="")
    return user


def _demo_people() -> dict[str, list[Any]]:
    """Two Bureau reviewers and two people of the secretariat (four eyes on payments)."""
    from edile.accounts.models import RoleCode

    return {
        "reviewers": [
            _person("relecteur1@demo.edile.org", "Rémi Relecteur", RoleCode.BUREAU_MEMBER),
            _person("relectrice2@demo.edile.org", "Rose Relectrice", RoleCode.BUREAU_MEMBER),
        ],
        "staff": [
            _person("programme@demo.edile.org", "Pia Programme", RoleCode.SECRETARIAT),
            _person("finances@demo.edile.org", "Fabrice Finances", RoleCode.SECRETARIAT),
        ],
    }


def _reviews(people: dict[str, list[Any]], applications: list[Application]) -> None:
    """Each 2019 application reviewed by the two Bureau reviewers (scores are fictional)."""
    from edile.grants.models import Review, ReviewStatus

    for application in applications:
        if application.status != ApplicationStatus.SUBMITTED:
            continue
        for index, reviewer in enumerate(people["reviewers"]):
            review = Review.objects.filter(application=application, reviewer=reviewer).first()
            if review is None:
                review = services.review_assign(
                    actor=people["staff"][0], application=application, reviewer=reviewer
                )
            if review.status == ReviewStatus.ASSIGNED:
                review = services.review_declare(actor=reviewer, review=review, has_conflict=False)
                review.refresh_from_db()
            if review.status == ReviewStatus.IN_PROGRESS:
                seed = sum(map(ord, application.reference)) + index
                services.review_submit(
                    actor=reviewer,
                    review=review,
                    scores={c["code"]: 3 + (seed + n) % 3 for n, c in enumerate(CRITERIA)},
                    comment="Évaluation de démonstration (fictive).",
                    expected_version=review.version,
                )


def _money(
    people: dict[str, list[Any]], grant: Grant, reference: str, ind: Any, actual: Any
) -> None:
    """Agreement, tranches with their conditions, the first tranche requested, approved by a
    second person and paid, the interim report accepted: through the services, once."""
    first_staff, second_staff = people["staff"]
    if grant.agreement_signed_on is None:
        services.grant_update(
            actor=first_staff,
            grant=grant,
            expected_version=grant.version,
            agreement_signed_on=dt.date(2019, 12, 20),
            agreement_reference=f"CONV-{reference}",
        )
        grant.refresh_from_db()
    interim = ProgressReport.objects.filter(grant=grant, title_fr="Rapport d'étape 2020").first()
    if interim is None:
        interim = services.report_schedule(
            actor=first_staff,
            grant=grant,
            title="Rapport d'étape 2020",
            title_en="2020 interim report",
            due_on=dt.date(2020, 6, 30),
        )
    if not grant.tranches.exists():
        first = (grant.amount * D("0.6")).quantize(D("0.01"))
        t1 = services.tranche_add(
            actor=first_staff,
            grant=grant,
            amount=first,
            due_on=dt.date(2020, 1, 15),
            condition="Signature de la convention / Agreement signed",
            conditions=[{"kind": "agreement_signed"}],
        )
        services.tranche_add(
            actor=first_staff,
            grant=grant,
            amount=grant.amount - first,
            due_on=dt.date(2020, 9, 30),
            condition="Rapport d'étape accepté / Interim report accepted",
            conditions=[{"kind": "report_accepted", "report": interim.pk}],
        )
        on = dt.date(2020, 1, 16)
        request = services.payment_request_create(
            actor=first_staff, grant=grant, tranche=t1, today=on
        )
        services.payment_request_approve(actor=second_staff, payment_request=request, today=on)
        services.disbursement_record(
            actor=first_staff, grant=grant, paid_on=dt.date(2020, 1, 20), payment_request=request
        )
    if interim.status == ReportStatus.DUE:
        # The city's report as it was received (filed on paper in 2020), then accepted.
        application = grant.application
        interim.narrative = "Travaux lancés, premiers résultats mesurés."
        interim.spending = (grant.amount * D("0.5")).quantize(D("0.01"))
        interim.beneficiaries_reached = application.beneficiaries // 3
        interim.status = ReportStatus.SUBMITTED
        interim.submitted_on = dt.date(2020, 6, 25)
        interim.save()
        IndicatorValue.objects.update_or_create(
            report=interim, indicator=ind, defaults={"value": actual}
        )
        services.report_accept(actor=second_staff, report=interim)
    if not ProgressReport.objects.filter(grant=grant, title_fr="Rapport final").exists():
        services.report_schedule(
            actor=first_staff,
            grant=grant,
            title="Rapport final",
            title_en="Final report",
            due_on=dt.date(2021, 10, 31),
        )


@transaction.atomic
def load(out: TextIO) -> None:
    for currency, date, rate in RATES:
        ExchangeRate.objects.update_or_create(
            currency=currency, date=date, defaults={"eur_per_unit": rate, "source": "demo"}
        )
    partners = {}
    for slug, name_fr, name_en, ref, org_type in PARTNERS:
        partners[slug], _created = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name_fr,
                "name_fr": name_fr,
                "name_en": name_en,
                "iati_ref": ref,
                "org_type": org_type,
            },
        )
    bureau = _bureau()
    call, _open = _calls()
    cities = {
        lg.slug: lg for lg in LocalGovernment.objects.filter(slug__in=[p[1] for p in PROJECTS])
    }
    to_decide = []
    for (
        reference,
        city,
        sector,
        title_fr,
        title_en,
        grant_amount,
        groups,
        funding,
        indicator,
        fictional,
    ) in PROJECTS:
        lg = cities.get(city)
        if lg is None:
            out.write(f"  grants demo: city {city} missing, project {reference} skipped\n")
            continue
        application, _created = Application.objects.update_or_create(
            reference=reference,
            defaults={
                "call": call,
                "local_government": lg,
                "title": title_fr,
                "title_fr": title_fr,
                "title_en": title_en,
                "summary_fr": f"{title_fr} : projet soutenu par le programme 2019.",
                "summary_en": f"{title_en}: a project supported by the 2019 programme.",
                "sector": sector,
                "dac_code": "14032" if reference.endswith("boues") else SECTOR_DAC[sector],
                "location_name": lg.name,
                "latitude": lg.latitude,
                "longitude": lg.longitude,
                "start": dt.date(2020, 1, 1),
                "end": dt.date(2021, 12, 31),
                "grant_requested": grant_amount,
                "currency": "EUR",
                "is_fictional": fictional,
                "language": "fr",
            },
        )
        total = grant_amount
        for index, (partner, amount, currency, status) in enumerate(funding):
            amount_eur, rate_date = services.to_eur(amount, currency, dt.date(2019, 6, 1))
            total += amount_eur
            CoFinancing.objects.update_or_create(
                application=application,
                partner=partners[partner],
                defaults={
                    "amount": amount,
                    "currency": currency,
                    "status": status,
                    "date": dt.date(2019, 6, 1) + dt.timedelta(days=index),
                    "amount_eur": amount_eur,
                    "rate_date": rate_date,
                },
            )
        BudgetLine.objects.update_or_create(
            application=application,
            label="Travaux et équipements / Works and equipment",
            defaults={"amount": (total * D("0.8")).quantize(D("0.01"))},
        )
        BudgetLine.objects.update_or_create(
            application=application,
            label="Études, suivi et formation / Studies, monitoring and training",
            defaults={"amount": total - (total * D("0.8")).quantize(D("0.01"))},
        )
        for group, value in groups.items():
            # (number, is_breakdown) when the default (groups by sex or age are breakdowns of
            # the total) does not hold: the women of the craft markets are other people.
            number, is_breakdown = (
                value
                if isinstance(value, tuple)
                else (value, group in BeneficiaryGroup.BREAKDOWN_GROUPS)
            )
            BeneficiaryGroup.objects.update_or_create(
                application=application,
                group=group,
                defaults={"number": number, "is_breakdown": is_breakdown},
            )
        name_fr, name_en, unit, baseline, target, actual = indicator
        ind, _created = Indicator.objects.update_or_create(
            application=application,
            name_fr=name_fr,
            defaults={
                "name": name_fr,
                "name_en": name_en,
                "unit": unit,
                "baseline": baseline,
                "target": target,
            },
        )
        services.application_totals_refresh(application)
        if application.status == ApplicationStatus.DRAFT or not application.submitted_at:
            # The 2019 applications were filed before the deadline (kept as they were filed).
            Application.objects.filter(pk=application.pk).update(
                status=ApplicationStatus.SUBMITTED,
                submitted_at=dt.datetime(2019, 4, 20, 10, 0, tzinfo=dt.UTC),
            )
            application.refresh_from_db()
        to_decide.append((application, grant_amount, ind, actual, groups))
    people = _demo_people()
    meeting = _bureau_meeting(bureau)
    _reviews(people, [a for a, *_rest in to_decide])
    undecided = [row for row in to_decide if row[0].status == ApplicationStatus.SUBMITTED]
    if undecided:
        services.decisions_record_batch(
            actor=people["staff"][0],
            meeting=meeting,
            rows=[
                {
                    "application": application,
                    "outcome": DecisionOutcome.APPROVED,
                    "amount": grant_amount,
                    "reasons": "Projet conforme aux critères de l'appel 2019.",
                }
                for application, grant_amount, *_rest in undecided
            ],
            notify=False,
        )
    for application, _amount, ind, actual, _groups in to_decide:
        application.refresh_from_db()
        grant = Grant.objects.select_related("decision").get(application=application)
        city = application.local_government.slug
        reference = application.reference
        _money(people, grant, reference, ind, actual)
        if city == "siem-reap":
            MonitoringVisit.objects.update_or_create(
                grant=grant,
                date=SIEM_REAP_VISIT,
                defaults={
                    "visitors": "Délégation de maires de l'AIMF / AIMF mayors' delegation",
                    "findings": "Visite de la station de traitement des boues de vidange par les maires.",
                    "findings_fr": "Visite de la station de traitement des boues de vidange par les maires, en marge du congrès de Phnom Penh.",
                    "findings_en": "The mayors visited the faecal sludge treatment plant, alongside the Phnom Penh congress.",
                    "is_fictional": False,
                },
            )
    summary = __import__(
        "edile.grants.selectors", fromlist=["programme_summary"]
    ).programme_summary(
        __import__("edile.grants.selectors", fromlist=["ProjectFilters"]).ProjectFilters(year=2019)
    )
    out.write(
        f"  grants: {summary['projects']} projects in 2019, {summary['granted_eur']} EUR granted, "
        f"{summary['partnerships_eur']} EUR of partnerships, {summary['beneficiaries']} beneficiaries\n"
    )
