"""Demo data for datagov: loaded by `manage.py load_demo`; running it twice changes nothing.

Datasets, requests, register records, roadmap actions and maturity assessments are invented
for the demonstration and flagged `is_fictional`. The roadmap itself is real: the mayors
adopted it at the Phnom Penh congress in December 2019; its detailed list of actions was not in
our sources, so the demo's actions are illustrative (and flagged so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction

from edile.datagov.models import (
    AccessRequest,
    AccessRequestStatus,
    ActionStatus,
    Classification,
    ColumnType,
    DataDictionary,
    Dataset,
    DictionaryColumn,
    Distribution,
    DistributionFormat,
    LegalBasis,
    Licence,
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    ProcessingRecord,
    RetentionPolicy,
    RetentionTarget,
    Roadmap,
    RoadmapAction,
    Theme,
)
from edile.datagov.services import dataset_keywords_sync
from edile.members.models import LocalGovernment

CITIES = [
    "phnom-penh",
    "siem-reap",
    "dakar",
    "district-de-bamako",
    "montreal",
    "nantes",
    "tunis",
    "district-abidjan",
    "ouagadougou",
    "cotonou",
    "hanoi",
    "kigali",
    "rabat",
]

# key, title fr, title en, description fr, description en, themes, format, frequency, classification, licence, keywords
TEMPLATES = [
    (
        "bus-stops",
        "Arrêts de bus",
        "Bus stops",
        "Localisation et nom des arrêts du réseau de bus urbain.",
        "Location and name of the urban bus network's stops.",
        ["TRAN"],
        "CSV",
        "MONTHLY",
        Classification.OPEN,
        Licence.ETALAB_2_0,
        "transport, bus, mobilité",
    ),
    (
        "waste-collection",
        "Collecte des déchets",
        "Waste collection",
        "Tonnages collectés par quartier et par mois.",
        "Tonnes collected per district and month.",
        ["ENVI"],
        "CSV",
        "MONTHLY",
        Classification.OPEN,
        Licence.ODBL,
        "déchets, environnement, propreté",
    ),
    (
        "budget",
        "Budget municipal",
        "Municipal budget",
        "Budget primitif et compte administratif par fonction.",
        "Adopted budget and accounts by function.",
        ["ECON", "GOVE"],
        "XLSX",
        "ANNUAL",
        Classification.OPEN,
        Licence.CC_BY_4_0,
        "budget, finances",
    ),
    (
        "schools",
        "Établissements scolaires",
        "Schools",
        "Écoles publiques, effectifs et coordonnées.",
        "Public schools, pupils and locations.",
        ["EDUC"],
        "GEOJSON",
        "ANNUAL",
        Classification.OPEN,
        Licence.CC_BY_4_0,
        "écoles, éducation",
    ),
    (
        "water-use",
        "Consommation d'eau par quartier",
        "Water consumption by district",
        "Volumes distribués et facturés par quartier (données du concessionnaire).",
        "Volumes supplied and billed per district (operator's data).",
        ["ENER", "ENVI"],
        "CSV",
        "QUARTERLY",
        Classification.RESTRICTED,
        Licence.PROPRIETARY,
        "eau, réseau, consommation",
    ),
    (
        "flood-zones",
        "Zones inondables",
        "Flood zones",
        "Zones exposées aux inondations, relevés de 2020 à 2024.",
        "Flood-prone areas, surveys from 2020 to 2024.",
        ["ENVI", "REGI"],
        "GEOJSON",
        "IRREG",
        Classification.OPEN,
        Licence.CC0,
        "inondations, résilience, risques",
    ),
    (
        "buildings",
        "Inventaire des bâtiments municipaux",
        "Inventory of municipal buildings",
        "État, surface et usage des bâtiments de la ville.",
        "Condition, floor area and use of the city's buildings.",
        ["GOVE"],
        "XLSX",
        "ANNUAL",
        Classification.INTERNAL,
        Licence.PROPRIETARY,
        "patrimoine, bâtiments",
    ),
    (
        "social-aid",
        "Bénéficiaires de l'aide sociale",
        "Social aid recipients",
        "Liste nominative des ménages aidés (données personnelles).",
        "Named list of households receiving aid (personal data).",
        ["SOCI"],
        "CSV",
        "MONTHLY",
        Classification.PERSONAL,
        Licence.PROPRIETARY,
        "aide sociale, ménages",
    ),
]
# Which templates each city publishes (index into TEMPLATES): 13 cities, 46 datasets.
PLAN = {
    "phnom-penh": [0, 1, 2, 4, 5, 6, 7],
    "siem-reap": [0, 1, 4, 5],
    "dakar": [0, 1, 2, 4],
    "district-de-bamako": [1, 2, 3],
    "montreal": [0, 2, 3, 5],
    "nantes": [0, 1, 3],
    "tunis": [1, 2, 4],
    "district-abidjan": [0, 5, 6],
    "ouagadougou": [1, 3, 7],
    "cotonou": [2, 5],
    "hanoi": [0, 1, 4],
    "kigali": [2, 3, 5],
    "rabat": [0, 3],
}

CSV_BODY = {
    "bus-stops": "stop_id,name,latitude,longitude\n{c}-001,Marché central,{lat},{lon}\n{c}-002,Hôtel de ville,{lat},{lon}\n{c}-003,Gare routière,{lat},{lon}\n",
    "waste-collection": "month,district,tonnes\n2024-01-01,Centre,812\n2024-01-01,Nord,455\n2024-02-01,Centre,790\n2024-02-01,Nord,470\n",
    "water-use": "quarter,district,m3_supplied,m3_billed\n2024-01-01,Centre,120000,98000\n2024-01-01,Nord,80000,61000\n",
    "social-aid": "household_id,district,members,aid\nH-0001,Centre,5,food\nH-0002,Nord,3,housing\n",
}


# The data dictionary of the waste-collection files: (name, type, unit, French, English).
WASTE_DICTIONARY = [
    ("month", ColumnType.DATE, "", "Premier jour du mois", "First day of the month"),
    ("district", ColumnType.STRING, "", "Arrondissement collecté", "District collected"),
    ("tonnes", ColumnType.INTEGER, "t", "Déchets collectés", "Waste collected"),
]


def _dictionary(dist: Distribution) -> None:
    """Describe a demo file's columns once (a second load leaves them as they are)."""
    dictionary, created = DataDictionary.objects.get_or_create(distribution=dist)
    if created:
        DictionaryColumn.objects.bulk_create(
            DictionaryColumn(
                dictionary=dictionary,
                position=i,
                name=name,
                datatype=datatype,
                unit=unit,
                description_fr=fr,
                description_en=en,
            )
            for i, (name, datatype, unit, fr, en) in enumerate(WASTE_DICTIONARY, start=1)
        )


def _stable(text: str, low: int, high: int) -> int:
    """A deterministic 'random' number, so that the demo is the same on every load."""
    return low + int(hashlib.sha256(text.encode()).hexdigest(), 16) % (high - low + 1)


@transaction.atomic
def load(out: TextIO) -> None:
    from edile.accounts.models import User

    users = {u.email: u for u in User.objects.filter(email__endswith="@demo.edile.org")}
    focal = users.get("focal@demo.edile.org")
    cities = {lg.slug: lg for lg in LocalGovernment.objects.filter(slug__in=CITIES)}
    themes = {t.code: t for t in Theme.objects.all()}
    datasets: dict[str, Dataset] = {}
    new: list[Dataset] = []
    for slug, picks in PLAN.items():
        lg = cities.get(slug)
        if lg is None:
            continue
        for index in picks:
            key, tfr, ten, dfr, den, theme_codes, fmt, freq, classification, licence, keywords = (
                TEMPLATES[index]
            )
            ds_slug = f"{slug}-{key}"
            year = _stable(ds_slug, 2019, 2023)
            ds, created = Dataset.objects.update_or_create(
                slug=ds_slug,
                defaults={
                    "title_fr": f"{tfr} — {lg.name_fr}",
                    "title_en": f"{ten} — {lg.name_en or lg.name_fr}",
                    "description_fr": dfr,
                    "description_en": den,
                    "publisher": lg,
                    "identifier": key,
                    "contact_name": f"Service des données, {lg.name_fr}",
                    "contact_email": f"donnees@{slug}.example.org",
                    "steward": focal if slug in {"phnom-penh", "siem-reap"} else None,
                    "keywords": keywords,
                    "spatial_local_government": lg,
                    "spatial_country": lg.country,
                    "temporal_start": dt.date(year, 1, 1),
                    "temporal_end": dt.date(2025, 12, 31),
                    "frequency": freq,
                    "licence": licence,
                    "classification": classification,
                    "issued": dt.date(year, 6, 1),
                    "modified": dt.date(2025, _stable(ds_slug, 1, 12), 1),
                    "is_fictional": True,
                    "quality_notes_fr": "Données fictives de démonstration.",
                    "quality_notes_en": "Fictional demonstration data.",
                },
            )
            ds.themes.set([themes[c] for c in theme_codes if c in themes])
            dataset_keywords_sync(dataset=ds)
            if not ds.distributions.exists():
                body = CSV_BODY.get(key)
                if body is not None:
                    content = body.format(
                        c=slug[:3].upper(), lat=lg.latitude or 0, lon=lg.longitude or 0
                    ).encode()
                    dist = Distribution(
                        dataset=ds,
                        title=f"{ten}.csv",
                        format=DistributionFormat.CSV,
                        media_type="text/csv",
                        byte_size=len(content),
                        checksum=hashlib.sha256(content).hexdigest(),
                    )
                    dist.file.save(f"demo-{ds_slug}.csv", ContentFile(content), save=False)
                    dist.save()
                else:
                    Distribution.objects.create(
                        dataset=ds,
                        title=ten,
                        format=fmt,
                        url=f"https://data.{slug}.example.org/{key}.{fmt.lower()}",
                    )
            if key == "waste-collection":
                for dist in ds.distributions.filter(format=DistributionFormat.CSV):
                    if dist.file:
                        _dictionary(dist)
            datasets[ds_slug] = ds
            if created:
                new.append(ds)
    _requests(users, datasets)
    _register()
    _roadmap(cities)
    _maturity(cities)
    from edile.datagov.services import datasets_check

    # The DCAT-AP check runs when a dataset is first created; reloading leaves it as it is.
    datasets_check(datasets=new)
    out.write(
        f"datagov: {len(datasets)} datasets from {len({d.publisher_id for d in datasets.values()})} cities, "
        f"{AccessRequest.objects.count()} access requests, {ProcessingRecord.objects.count()} processing records, "
        f"{RoadmapAction.objects.count()} roadmap actions, {MaturityAssessment.objects.count()} maturity assessments\n"
    )


def _requests(users: dict, datasets: dict[str, Dataset]) -> None:
    plan = [
        (
            "partner@demo.edile.org",
            "phnom-penh-water-use",
            AccessRequestStatus.APPROVED,
            "Étude des pertes du réseau d'eau pour un rapport sur l'accès aux services essentiels.",
            "",
        ),
        (
            "analyst@demo.edile.org",
            "siem-reap-water-use",
            AccessRequestStatus.PENDING,
            "Comparer la consommation d'eau des villes touristiques.",
            "",
        ),
        (
            "delegate@demo.edile.org",
            "dakar-water-use",
            AccessRequestStatus.PENDING,
            "Préparer un échange d'expériences entre Dakar et Phnom Penh.",
            "",
        ),
        (
            "bureau@demo.edile.org",
            "tunis-water-use",
            AccessRequestStatus.REFUSED,
            "Usage non précisé.",
            "",
        ),
        (
            "secretariat@demo.edile.org",
            "phnom-penh-social-aid",
            AccessRequestStatus.APPROVED,
            "Évaluer le programme d'aide cofinancé par l'association.",
            LegalBasis.PUBLIC_TASK,
        ),
    ]
    decider = users.get("focal@demo.edile.org")
    for email, ds_slug, status, purpose, basis in plan:
        user, ds = users.get(email), datasets.get(ds_slug)
        if user is None or ds is None:
            continue
        approved = status == AccessRequestStatus.APPROVED
        AccessRequest.objects.update_or_create(
            dataset=ds,
            requester=user,
            purpose=purpose,
            defaults={
                "intended_use": "Analyse statistique, publication de résultats agrégés uniquement.",
                "duration_days": 365,
                "legal_basis": basis,
                "status": status,
                "conditions": "Pas de rediffusion des données brutes." if approved else "",
                "refusal_reason": "L'usage prévu n'est pas décrit."
                if status == AccessRequestStatus.REFUSED
                else "",
                "decided_by": decider if status != AccessRequestStatus.PENDING else None,
                "expires_on": dt.date(2026, 12, 31) + dt.timedelta(days=365) if approved else None,
            },
        )


RECORDS = [
    (
        None,
        RetentionTarget.CONGRESS_REGISTRATIONS,
        "Inscriptions aux congrès",
        "Congress registrations",
        "Organiser les congrès et réunions statutaires.",
        "Organising congresses and statutory meetings.",
        LegalBasis.CONTRACT,
        "Identité, fonction, contact, besoins d'accessibilité, régime alimentaire",
        "Élus, délégués, agents des villes membres",
        "2 ans après l'événement, puis anonymisation",
    ),
    (
        None,
        RetentionTarget.ANONYMOUS_REPORTS,
        "Signalements anonymes de l'Observatoire",
        "Observatory anonymous reports",
        "Recevoir et vérifier des signalements d'atteintes aux élus locaux.",
        "Receiving and verifying reports of attacks on local elected officials.",
        LegalBasis.PUBLIC_TASK,
        "Faits signalés, éventuellement données de tiers",
        "Témoins, élus concernés",
        "1 an après la clôture",
    ),
    (
        None,
        RetentionTarget.DOWNLOAD_LOGS,
        "Journal des téléchargements de données",
        "Data download log",
        "Tracer l'accès aux données non ouvertes.",
        "Tracing access to data that is not open.",
        LegalBasis.LEGITIMATE_INTERESTS,
        "Compte, jeu de données, date et heure",
        "Utilisateurs de la plateforme",
        "1 an",
    ),
    (
        None,
        RetentionTarget.ACCESS_REQUESTS,
        "Demandes d'accès aux données",
        "Data access requests",
        "Instruire les demandes d'accès aux données non ouvertes.",
        "Handling requests for access to data that is not open.",
        LegalBasis.PUBLIC_TASK,
        "Identité, finalité, usage prévu",
        "Demandeurs",
        "3 ans après la clôture, puis anonymisation",
    ),
    (
        "phnom-penh",
        None,
        "État civil",
        "Civil registry",
        "Tenir les registres de naissances, mariages et décès.",
        "Keeping the registers of births, marriages and deaths.",
        LegalBasis.LEGAL_OBLIGATION,
        "Identité, filiation, dates et lieux",
        "Habitants",
        "Permanente (archives)",
    ),
    (
        "phnom-penh",
        None,
        "Aide sociale",
        "Social aid",
        "Attribuer et suivre les aides aux ménages.",
        "Granting and following aid to households.",
        LegalBasis.PUBLIC_TASK,
        "Identité, composition du ménage, ressources",
        "Ménages demandeurs",
        "5 ans après la dernière aide",
    ),
    (
        "dakar",
        None,
        "Gestion des marchés",
        "Market management",
        "Attribuer les places de marché et percevoir les droits.",
        "Allocating market stalls and collecting fees.",
        LegalBasis.PUBLIC_TASK,
        "Identité, emplacement, paiements",
        "Commerçants",
        "10 ans (comptabilité publique)",
    ),
]


def _register() -> None:
    cities = {
        lg.slug: lg
        for lg in LocalGovernment.objects.filter(slug__in={r[0] for r in RECORDS if r[0]})
    }
    for city, target, nfr, nen, pfr, pen, basis, data_cat, subjects, retention in RECORDS:
        controller = cities.get(city) if city else None
        if city and controller is None:
            continue
        record, _created = ProcessingRecord.objects.update_or_create(
            controller=controller,
            name_fr=nfr,
            defaults={
                "name_en": nen,
                "purpose_fr": pfr,
                "purpose_en": pen,
                "legal_basis": basis,
                "data_categories": data_cat,
                "subject_categories": subjects,
                "recipients": "Services habilités",
                "transfers": "",
                "retention_period": retention,
                "security_measures": "Accès nominatif, double authentification, chiffrement des sauvegardes",
                "dpo_contact": "dpo@example.org",
                "is_fictional": controller is not None,
            },
        )
        if target:
            RetentionPolicy.objects.filter(target=target).update(processing_record=record)


ACTIONS = [
    (
        "A1",
        "Désigner un référent données dans chaque ville pilote",
        "Name a data officer in each pilot city",
        None,
        "2020-06-30",
        ActionStatus.DONE,
    ),
    (
        "A2",
        "Inventorier les jeux de données des villes pilotes",
        "Inventory the pilot cities' datasets",
        "phnom-penh",
        "2020-12-31",
        ActionStatus.DONE,
    ),
    (
        "A3",
        "Adopter une politique de protection des données personnelles",
        "Adopt a personal data protection policy",
        "dakar",
        "2021-06-30",
        ActionStatus.DONE,
    ),
    (
        "A4",
        "Former les agents municipaux à la gestion des données",
        "Train municipal staff in data management",
        None,
        "2021-12-31",
        ActionStatus.IN_PROGRESS,
    ),
    (
        "A5",
        "Publier un premier catalogue de données ouvertes",
        "Publish a first open data catalogue",
        "siem-reap",
        "2022-06-30",
        ActionStatus.DONE,
    ),
    (
        "A6",
        "Tenir un registre des traitements dans chaque ville",
        "Keep a register of processing in each city",
        None,
        "2023-12-31",
        ActionStatus.IN_PROGRESS,
    ),
    (
        "A7",
        "Normaliser les formats d'échange (DCAT-AP)",
        "Standardise exchange formats (DCAT-AP)",
        None,
        "2024-12-31",
        ActionStatus.IN_PROGRESS,
    ),
    (
        "A8",
        "Évaluer la maturité des villes tous les deux ans",
        "Assess the cities' maturity every two years",
        None,
        "2025-12-31",
        ActionStatus.PLANNED,
    ),
    (
        "A9",
        "Partager les données de résilience urbaine entre villes",
        "Share urban resilience data between cities",
        "montreal",
        "2026-12-31",
        ActionStatus.DELAYED,
    ),
]


def _roadmap(cities: dict[str, LocalGovernment]) -> None:
    title_fr = (
        "Feuille de route sur la gestion, la protection et la valorisation des données urbaines"
    )
    title_en = "Roadmap on the management, protection and enhancement of urban data"
    roadmap, _created = Roadmap.objects.update_or_create(
        slug="feuille-de-route-donnees-2019",
        defaults={
            "title_fr": title_fr,
            "title_en": title_en,
            "description_fr": "Adoptée par les maires au congrès de Phnom Penh (2–5 décembre 2019). Les actions ci-dessous sont des exemples de démonstration.",
            "description_en": "Adopted by the mayors at the Phnom Penh congress (2–5 December 2019). The actions below are demonstration examples.",
            "adopted_on": dt.date(2019, 12, 4),
            "adopted_at": cities.get("phnom-penh"),
            "supported_by": "Union européenne (partenariat stratégique AIMF–UE)",
        },
    )
    for code, tfr, ten, owner, due, status in ACTIONS:
        RoadmapAction.objects.update_or_create(
            roadmap=roadmap,
            code=code,
            defaults={
                "title_fr": tfr,
                "title_en": ten,
                "owner": cities.get(owner) if owner else None,
                "partner": "Union européenne",
                "due_date": dt.date.fromisoformat(due),
                "status": status,
                "evidence": "Rapport d'activité (fictif)" if status == ActionStatus.DONE else "",
                "is_fictional": True,
            },
        )


def _maturity(cities: dict[str, LocalGovernment]) -> None:
    dimensions = list(MaturityDimension.objects.all())
    levels = {lv.value: lv for lv in MaturityLevel.objects.all()}
    if not dimensions or not levels:
        return
    for slug, lg in cities.items():
        for step, year in enumerate((2021, 2023, 2025)):
            assessment, _created = MaturityAssessment.objects.update_or_create(
                local_government=lg,
                assessed_on=dt.date(year, 11, 15),
                defaults={
                    "is_fictional": True,
                    "notes": "Auto-évaluation fictive de démonstration.",
                },
            )
            for dim in dimensions:
                value = min(
                    5,
                    _stable(f"{slug}-{dim.code}", 1, 2)
                    + step
                    + _stable(f"{slug}-{dim.code}-{year}", 0, 1),
                )
                MaturityScore.objects.update_or_create(
                    assessment=assessment, dimension=dim, defaults={"level": levels[value]}
                )
