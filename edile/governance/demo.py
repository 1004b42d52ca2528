"""Governance demo: the association's bodies and the Phnom Penh congress of 2–5 December 2019.

The bodies, sessions, resolutions, decision and laureates are those the congress report names;
the resolution texts are short summaries written for the demo, not the authentic texts; the
participants are fictional (and marked so). Running `load` twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from edile.governance import services
from edile.governance.models import (
    AgendaItem,
    Amendment,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Body,
    BodyKind,
    DecisionRule,
    Meeting,
    MeetingKind,
    Minutes,
    Nomination,
    NominationStatus,
    PrizeEdition,
    Registration,
    RegistrationStatus,
    RegistrationTypeCode,
    Resolution,
    ResolutionEvent,
    ResolutionKind,
    ResolutionLink,
    ResolutionState,
    Seat,
    SeatRole,
    SessionSignup,
    SignupStatus,
    Topic,
    Vote,
    VoteMode,
)
from edile.members.models import Gender, LocalGovernment, Person

BODIES = [
    ("general-assembly", BodyKind.GENERAL_ASSEMBLY, "Assemblée générale", "General Assembly"),
    ("bureau", BodyKind.BUREAU, "Bureau", "Bureau"),
    (
        "commission-villes-innovantes",
        BodyKind.COMMISSION,
        "Commission Villes innovantes",
        "Innovative Cities Commission",
    ),
    (
        "commission-vivre-ensemble",
        BodyKind.COMMISSION,
        "Commission Vivre-ensemble",
        "Living Together Commission",
    ),
    (
        "jury-prix-femme-francophone",
        BodyKind.JURY,
        "Jury du Prix de la Femme francophone",
        "Jury of the Prize for Francophone Women",
    ),
]

# body slug -> [(local government slug, seat role)]
SEATS = {
    "bureau": [
        ("paris", SeatRole.CHAIR),
        ("phnom-penh", SeatRole.VICE_CHAIR),
        ("montreal", SeatRole.VICE_CHAIR),
        ("dakar", SeatRole.VICE_CHAIR),
        ("district-de-bamako", SeatRole.MEMBER),
        ("nantes", SeatRole.MEMBER),
        ("tunis", SeatRole.MEMBER),
        ("kinshasa", SeatRole.MEMBER),
        ("beyrouth", SeatRole.MEMBER),
        ("bruxelles", SeatRole.TREASURER),
        ("ouagadougou", SeatRole.MEMBER),
        ("hue", SeatRole.MEMBER),
        ("libreville", SeatRole.MEMBER),
    ],
    "commission-villes-innovantes": [
        ("nantes", SeatRole.CHAIR),
        ("lyon", SeatRole.MEMBER),
        ("kigali", SeatRole.MEMBER),
        ("dakar", SeatRole.MEMBER),
        ("phnom-penh", SeatRole.MEMBER),
        ("rabat", SeatRole.MEMBER),
    ],
    "commission-vivre-ensemble": [
        ("montreal", SeatRole.CHAIR),
        ("bruxelles", SeatRole.MEMBER),
        ("beyrouth", SeatRole.MEMBER),
        ("cotonou", SeatRole.MEMBER),
        ("geneve", SeatRole.MEMBER),
        ("niamey", SeatRole.MEMBER),
    ],
    "jury-prix-femme-francophone": [
        ("paris", SeatRole.CHAIR),
        ("montreal", SeatRole.MEMBER),
        ("dakar", SeatRole.MEMBER),
    ],
}
SEATS_FROM = dt.date(2017, 11, 1)

# code, label_fr, label_en, fields
RULES: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "general_assembly-ordinary",
        "Majorité des suffrages exprimés, quorum de la moitié des membres",
        "Majority of votes cast, quorum of half the members",
        {
            "statutory_reference": "Statuts, art. 9",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "majority_base": "votes_cast",
            "threshold_numerator": 1,
            "threshold_denominator": 2,
            "comparator": "more_than",
            "max_proxies_per_holder": 2,
        },
    ),
    (
        "general_assembly-statutes",
        "Deux tiers des membres présents et représentés",
        "Two thirds of members present and represented",
        {
            "statutory_reference": "Statuts, art. 18",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "majority_base": "attending",
            "threshold_numerator": 2,
            "threshold_denominator": 3,
            "comparator": "at_least",
            "max_proxies_per_holder": 2,
        },
    ),
    (
        "bureau-ordinary",
        "Majorité des membres présents, voix prépondérante du président",
        "Majority of members present, the chair has the casting vote",
        {
            "statutory_reference": "Statuts, art. 12",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "majority_base": "attending",
            "threshold_numerator": 1,
            "threshold_denominator": 2,
            "comparator": "more_than",
            "tie_rule": "chair_decides",
            "max_proxies_per_holder": 1,
        },
    ),
    (
        "simple-majority",
        "Majorité simple des suffrages exprimés",
        "Simple majority of votes cast",
        {"quorum_base": "none"},
    ),
]

TZ = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
CONGRESS = "phnom-penh-2019"


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 12, day, hour, minute, tzinfo=TZ)


# slug suffix, kind, body, day, start, end, title_fr, title_en, venue_fr, capacity
SESSIONS = [
    (
        "regional-conference",
        MeetingKind.REGIONAL_CONFERENCE,
        None,
        2,
        (9, 0),
        (17, 0),
        "Deuxième Conférence des maires d'Asie du Sud-Est",
        "Second Conference of the mayors of South-East Asia",
        "Hôtel de ville de Phnom Penh",
        None,
    ),
    (
        "bureau",
        MeetingKind.BUREAU_MEETING,
        "bureau",
        3,
        (9, 0),
        (12, 0),
        "Réunion du Bureau",
        "Bureau meeting",
        "Centre de conférences de Phnom Penh",
        None,
    ),
    (
        "symposium",
        MeetingKind.SYMPOSIUM,
        None,
        3,
        (14, 0),
        (18, 0),
        "Colloque : des villes résilientes",
        "Symposium: resilient cities",
        "Centre de conférences de Phnom Penh",
        None,
    ),
    (
        "general-assembly",
        MeetingKind.GENERAL_ASSEMBLY,
        "general-assembly",
        4,
        (9, 0),
        (13, 0),
        "Assemblée générale",
        "General Assembly",
        "Centre de conférences de Phnom Penh",
        None,
    ),
    (
        "commission-villes-innovantes",
        MeetingKind.COMMISSION_MEETING,
        "commission-villes-innovantes",
        4,
        (14, 30),
        (16, 30),
        "Commission Villes innovantes",
        "Innovative Cities Commission",
        "Salle A",
        60,
    ),
    (
        "commission-vivre-ensemble",
        MeetingKind.COMMISSION_MEETING,
        "commission-vivre-ensemble",
        4,
        (14, 30),
        (16, 30),
        "Commission Vivre-ensemble",
        "Living Together Commission",
        "Salle B",
        60,
    ),
    (
        "fast-track-cities",
        MeetingKind.INFORMATION_SESSION,
        None,
        5,
        (9, 0),
        (10, 30),
        "Séance d'information : Fast Track Cities",
        "Information session: Fast Track Cities",
        "Salle A",
        80,
    ),
    (
        "zero-palu",
        MeetingKind.INFORMATION_SESSION,
        None,
        5,
        (11, 0),
        (12, 30),
        "Séance d'information : Zéro Palu !",
        "Information session: Zéro Palu!",
        "Salle A",
        80,
    ),
    (
        "sanitation-round",
        MeetingKind.INFORMATION_SESSION,
        None,
        5,
        (9, 0),
        (10, 30),
        "Restitution des études préliminaires sur l'assainissement de Phnom Penh et tour de "
        "table financier",
        "Phnom Penh sanitation: the preliminary studies presented, and a financing round",
        "Salle B",
        80,
    ),
    (
        "site-visit",
        MeetingKind.SITE_VISIT,
        None,
        5,
        (14, 0),
        (17, 0),
        "Visite de terrain : l'assainissement à Phnom Penh",
        "Site visit: sanitation in Phnom Penh",
        "Départ : Centre de conférences",
        40,
    ),
]

TOPICS = [
    ("mayors-in-danger", "Maires en danger", "Mayors in danger"),
    ("refugees", "Réfugiés", "Refugees"),
    ("biodiversity", "Biodiversité", "Biodiversity"),
    ("resilience", "Résilience", "Resilience"),
    ("data-governance", "Gouvernance des données", "Data governance"),
]

# slug, number, kind, topic, title_fr, title_en, paragraphs [(fr, en)]
RESOLUTIONS = [
    (
        "ga-2019-resolution-adama-sangare",
        "AG-2019-R01",
        ResolutionKind.RESOLUTION,
        "mayors-in-danger",
        "Résolution sur la situation de M. Adama Sangaré, Maire du District de Bamako",
        "Resolution on the situation of Mr Adama Sangaré, Mayor of the District of Bamako",
        [
            (
                "L'Assemblée générale exprime sa solidarité avec M. Adama Sangaré, Maire du District de "
                "Bamako, et avec les habitants du District.",
                "The General Assembly expresses its solidarity with Mr Adama Sangaré, Mayor of the "
                "District of Bamako, and with the people of the District.",
            ),
            (
                "Elle demande que ses droits soient pleinement respectés et qu'il soit jugé dans des "
                "délais raisonnables.",
                "It asks that his rights be fully respected and that he be tried within a reasonable "
                "time.",
            ),
            (
                "Elle charge le Secrétariat permanent de suivre sa situation.",
                "It instructs the Permanent Secretariat to follow his situation.",
            ),
        ],
    ),
    (
        "ga-2019-resolution-refugees",
        "AG-2019-R02",
        ResolutionKind.RESOLUTION,
        "refugees",
        "Résolution pour un soutien renforcé aux populations réfugiées",
        "Resolution on enhanced support for refugee populations",
        [
            (
                "L'Assemblée générale constate que les villes accueillent une part croissante des "
                "populations réfugiées.",
                "The General Assembly notes that cities host a growing share of refugee populations.",
            ),
            (
                "Elle appelle les États et les bailleurs à soutenir directement les collectivités "
                "locales d'accueil.",
                "It calls on States and donors to support host local governments directly.",
            ),
            (
                "Elle invite les membres à partager leurs pratiques d'accueil.",
                "It invites members to share their reception practices.",
            ),
        ],
    ),
    (
        "ga-2019-resolution-biodiversity",
        "AG-2019-R03",
        ResolutionKind.RESOLUTION,
        "biodiversity",
        "Résolution sur l'action des maires en faveur de la biodiversité",
        "Resolution on mayors' action for biodiversity",
        [
            (
                "L'Assemblée générale reconnaît le rôle des villes dans la protection de la "
                "biodiversité.",
                "The General Assembly recognises the role of cities in protecting biodiversity.",
            ),
            (
                "Elle encourage les membres à intégrer la biodiversité dans leurs plans d'urbanisme.",
                "It encourages members to include biodiversity in their urban plans.",
            ),
            (
                "Elle demande au Secrétariat permanent de rendre compte des actions engagées.",
                "It asks the Permanent Secretariat to report on the actions taken.",
            ),
        ],
    ),
    (
        "ga-2019-decision-observatory",
        "AG-2019-D01",
        ResolutionKind.DECISION,
        "mayors-in-danger",
        "Décision d'associer l'AIMF au futur Observatoire international des maires en danger",
        "Decision to associate the AIMF with the future International Observatory of Mayors "
        "in Danger",
        [
            (
                "L'Assemblée générale décide d'associer l'association à la création de l'Observatoire "
                "international des maires en danger.",
                "The General Assembly decides to associate the association with the creation of the "
                "International Observatory of Mayors in Danger.",
            ),
            (
                "Elle mandate le Bureau pour en arrêter les modalités.",
                "It mandates the Bureau to settle the arrangements.",
            ),
        ],
    ),
    (
        "ga-2019-decision-data-roadmap",
        "AG-2019-D02",
        ResolutionKind.DECISION,
        "data-governance",
        "Décision d'adopter la feuille de route sur la gouvernance des données urbaines",
        "Decision to adopt the roadmap on the governance of urban data",
        [
            (
                "L'Assemblée générale adopte la feuille de route des maires francophones sur la "
                "gestion, la protection et la valorisation des données urbaines.",
                "The General Assembly adopts the French-speaking mayors' roadmap on the "
                "management, protection and enhancement of urban data.",
            ),
            (
                "Elle fonde le programme d'action mis en œuvre à partir de 2020 avec le soutien "
                "de l'Union européenne.",
                "It is the basis of the action programme carried out from 2020 with the support "
                "of the European Union.",
            ),
        ],
    ),
]

GIVEN_F = [
    "Aïcha",
    "Bich",
    "Claire",
    "Dalia",
    "Esther",
    "Fanta",
    "Gisèle",
    "Hoa",
    "Inès",
    "Josiane",
    "Kadiatou",
    "Léa",
    "Mariama",
    "Nathalie",
    "Odile",
]
GIVEN_M = [
    "Abdou",
    "Bertrand",
    "Chantha",
    "Didier",
    "Émile",
    "François",
    "Gaston",
    "Hamid",
    "Issa",
    "Julien",
    "Kossi",
    "Luc",
    "Mamadou",
    "Nicolas",
    "Olivier",
]
FAMILY = [
    "Achour",
    "Bâ",
    "Camara",
    "Dao",
    "Essomba",
    "Fofana",
    "Gueye",
    "Huynh",
    "Idrissi",
    "Jolivet",
    "Kouassi",
    "Lam",
    "Mbaye",
    "Nzeyimana",
    "Okou",
    "Pham",
    "Quenum",
    "Ravel",
    "Sy",
    "Touré",
    "Uwase",
    "Vang",
    "Wade",
    "Yaméogo",
    "Zinsou",
]
PARTICIPANTS = 420
# GA attendance: these cities are represented by proxy (grantor -> holder) or excused.
PROXIES = [("hue", "phnom-penh"), ("niamey", "dakar"), ("kigali", "nantes")]
EXCUSED = ["libreville"]
ABSENT_FROM_CONGRESS = {"hue", "niamey", "kigali", "libreville", "district-de-bamako"}


def _secretariat() -> Any:
    from edile.accounts.models import User

    return User.objects.get(email="secretariat@demo.edile.org")


@transaction.atomic
def load(out: TextIO) -> None:
    bodies = _load_bodies()
    rules = _load_rules()
    congress, sessions = _load_congress(bodies)
    count = _load_registrations(congress, sessions)
    _load_attendance(sessions["general-assembly"])
    _load_resolutions(bodies, rules, sessions)
    _load_prize(bodies, sessions)
    _load_election(bodies, sessions["general-assembly"])
    out.write(
        f"governance: {len(BODIES)} bodies; congress {CONGRESS} with {len(sessions)} sessions, "
        f"{count} registrations, {Resolution.objects.count()} resolutions\n"
    )


def _load_bodies() -> dict[str, Body]:
    bodies = {}
    for slug, kind, name_fr, name_en in BODIES:
        body, _created = Body.objects.update_or_create(
            slug=slug,
            defaults={"kind": kind, "name": name_fr, "name_fr": name_fr, "name_en": name_en},
        )
        bodies[slug] = body
        for lg_slug, role in SEATS.get(slug, []):
            lg = LocalGovernment.objects.get(slug=lg_slug)
            Seat.objects.get_or_create(
                body=body, local_government=lg, role=role, defaults={"start": SEATS_FROM}
            )
    # Every active member city holds a seat in the General Assembly.
    assembly = bodies["general-assembly"]
    have = set(assembly.seats.values_list("local_government_id", flat=True))
    Seat.objects.bulk_create(
        Seat(
            body=assembly, local_government=lg, role=SeatRole.MEMBER, start=lg.membership.joined_on
        )
        for lg in LocalGovernment.objects.filter(membership__status="active")
        .select_related("membership")
        .exclude(pk__in=have)
    )
    return bodies


def _load_rules() -> dict[str, DecisionRule]:
    rules = {}
    for code, label_fr, label_en, fields in RULES:
        rules[code], _created = DecisionRule.objects.update_or_create(
            code=code,
            defaults={"label": label_fr, "label_fr": label_fr, "label_en": label_en, **fields},
        )
    return rules


def _load_congress(bodies: dict[str, Body]) -> tuple[Meeting, dict[str, Meeting]]:
    congress, _created = Meeting.objects.update_or_create(
        slug=CONGRESS,
        defaults={
            "kind": MeetingKind.CONGRESS,
            "title": "Congrès de l'AIMF, Phnom Penh 2019 — les 40 ans de l'association",
            "title_fr": "Congrès de l'AIMF, Phnom Penh 2019 — les 40 ans de l'association",
            "title_en": "AIMF Congress, Phnom Penh 2019 — the association's 40th anniversary",
            "description_fr": "Congrès annuel de l'association, accueilli par la Ville de Phnom "
            "Penh, sur le thème des villes résilientes.",
            "description_en": "The association's annual congress, hosted by the City of Phnom "
            "Penh, on resilient cities.",
            "start": _at(2, 8),
            "end": _at(5, 18),
            "timezone": "Asia/Phnom_Penh",
            "venue": "Phnom Penh",
            "venue_fr": "Phnom Penh",
            "venue_en": "Phnom Penh",
            "capacity": 600,
            "registration_opens": dt.datetime(2019, 6, 1, tzinfo=dt.UTC),
            "registration_closes": dt.datetime(2019, 11, 25, tzinfo=dt.UTC),
        },
    )
    sessions = {}
    for suffix, kind, body, day, start, end, title_fr, title_en, venue, capacity in SESSIONS:
        sessions[suffix], _created = Meeting.objects.update_or_create(
            slug=f"{CONGRESS}-{suffix}",
            defaults={
                "parent": congress,
                "kind": kind,
                "body": bodies[body] if body else None,
                "title": title_fr,
                "title_fr": title_fr,
                "title_en": title_en,
                "venue": venue,
                "venue_fr": venue,
                "venue_en": venue,
                "start": _at(day, *start),
                "end": _at(day, *end),
                "timezone": "Asia/Phnom_Penh",
                "capacity": capacity,
            },
        )
    return congress, sessions


def _load_registrations(congress: Meeting, sessions: dict[str, Meeting]) -> int:
    """Fictional participants: one mayor per present member city, then delegations and
    guests. Bulk inserts, keyed by a stable e-mail address."""
    cities = list(LocalGovernment.objects.filter(membership__status="active").order_by("slug"))
    existing = set(Registration.objects.filter(congress=congress).values_list("email", flat=True))
    from edile.governance.registration_types import registration_types_ensure_defaults

    registration_types_ensure_defaults(congress=congress)
    type_rows = {t.code: t for t in congress.registration_types.all()}
    types = [RegistrationTypeCode.DELEGATION_MEMBER] * 6 + [
        RegistrationTypeCode.ACCOMPANYING_PERSON,
        RegistrationTypeCode.PARTNER,
        RegistrationTypeCode.SPEAKER,
        RegistrationTypeCode.PRESS,
        RegistrationTypeCode.STAFF,
    ]
    rows = []
    for i in range(PARTICIPANTS):
        email = f"participant{i:03d}@demo.edile.org"
        if email in existing:
            continue
        city = cities[i % len(cities)]
        female = i % 5 in (0, 2)
        kind = RegistrationTypeCode.MAYOR if i < len(cities) else types[i % len(types)]
        with_city = kind in (
            RegistrationTypeCode.MAYOR,
            RegistrationTypeCode.DELEGATION_MEMBER,
            RegistrationTypeCode.ACCOMPANYING_PERSON,
        )
        if city.slug in ABSENT_FROM_CONGRESS and kind == RegistrationTypeCode.MAYOR:
            continue
        rows.append(
            Registration(
                congress=congress,
                email=email,
                given_name=(GIVEN_F if female else GIVEN_M)[i % 15],
                family_name=FAMILY[(i * 7) % len(FAMILY)],
                gender=Gender.FEMALE if female else Gender.MALE,
                local_government=city if with_city else None,
                organisation=""
                if with_city
                else ["Cités Unies", "Presse francophone", "Banque de développement", "AIMF"][
                    i % 4
                ],
                country=city.country.code if with_city else ["FR", "CA", "SN", "KH"][i % 4],
                type=kind,
                registration_type=type_rows[kind],
                language="en" if i % 4 == 3 else "fr",
                consent_to_list=i % 10 < 7,
                status=RegistrationStatus.CONFIRMED,
                checked_in_at=_at(2 + i % 3, 8, i % 60),
                is_fictional=True,
            )
        )
    Registration.objects.bulk_create(rows, batch_size=500)
    # A demo loaded before registration types were data: point its rows to their type.
    for code, rtype in type_rows.items():
        Registration.objects.filter(
            congress=congress, type=code, registration_type__isnull=True
        ).update(registration_type=rtype)
    # Mayors and delegation members sign up for the statutory sessions.
    signed = set(
        SessionSignup.objects.filter(session__parent=congress).values_list(
            "registration_id", "session_id"
        )
    )
    signups = []
    taken = {
        s.pk: s.signups.filter(status=SignupStatus.CONFIRMED).count() for s in sessions.values()
    }
    regs = Registration.objects.filter(
        congress=congress, status=RegistrationStatus.CONFIRMED
    ).order_by("email")
    for n, reg in enumerate(regs):
        wanted = []
        if reg.type == RegistrationTypeCode.MAYOR:
            wanted = ["general-assembly", "symposium"]
        elif n % 3 == 0:
            wanted = [
                ["fast-track-cities", "zero-palu", "site-visit"][(n // 3) % 3],
                "regional-conference",
            ]
        for suffix in wanted:
            session = sessions[suffix]
            full = session.capacity is not None and taken[session.pk] >= session.capacity
            if (reg.pk, session.pk) not in signed and not full:
                taken[session.pk] += 1
                signups.append(
                    SessionSignup(registration=reg, session=session, status=SignupStatus.CONFIRMED)
                )
    SessionSignup.objects.bulk_create(signups, batch_size=500)
    return Registration.objects.filter(congress=congress).count()


def _load_attendance(assembly: Meeting) -> None:
    """Mayors checked in at the congress are present at the General Assembly."""
    present = Registration.objects.filter(
        congress=assembly.parent,
        type=RegistrationTypeCode.MAYOR,
        status=RegistrationStatus.CONFIRMED,
        checked_in_at__isnull=False,
    ).values_list("local_government_id", flat=True)
    for lg_id in present:
        Attendance.objects.get_or_create(
            meeting=assembly,
            local_government_id=lg_id,
            defaults={"status": AttendanceStatus.PRESENT, "source": AttendanceSource.CHECK_IN},
        )
    user = _secretariat()
    for grantor, holder in PROXIES:
        g = LocalGovernment.objects.get(slug=grantor)
        if not assembly.proxies.filter(grantor=g).exists():
            services.proxy_grant(
                user=user,
                meeting=assembly,
                grantor=g,
                holder=LocalGovernment.objects.get(slug=holder),
            )
    for slug in EXCUSED:
        Attendance.objects.get_or_create(
            meeting=assembly,
            local_government=LocalGovernment.objects.get(slug=slug),
            defaults={"status": AttendanceStatus.EXCUSED},
        )


def _load_resolutions(
    bodies: dict[str, Body], rules: dict[str, DecisionRule], sessions: dict[str, Meeting]
) -> None:
    for slug, name_fr, name_en in TOPICS:
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name_fr, "name_fr": name_fr, "name_en": name_en}
        )
    assembly = sessions["general-assembly"]
    user = _secretariat()
    AgendaItem.objects.update_or_create(
        meeting=assembly,
        number="1",
        defaults={
            "title": "Ouverture et vérification du quorum",
            "title_fr": "Ouverture et vérification du quorum",
            "title_en": "Opening and quorum check",
            "order": 1,
        },
    )
    AgendaItem.objects.update_or_create(
        meeting=assembly,
        number="2",
        defaults={
            "title": "Approbation du procès-verbal de l'Assemblée générale de 2018",
            "title_fr": "Approbation du procès-verbal de l'Assemblée générale de 2018",
            "title_en": "Approval of the minutes of the 2018 General Assembly",
            "order": 2,
        },
    )
    texts = AgendaItem.objects.update_or_create(
        meeting=assembly,
        number="3",
        defaults={
            "title": "Résolutions et décisions",
            "title_fr": "Résolutions et décisions",
            "title_en": "Resolutions and decisions",
            "order": 3,
        },
    )[0]
    resolution_type = ContentType.objects.get_for_model(Resolution)
    for order, (slug, number, kind, topic, title_fr, title_en, paragraphs) in enumerate(
        RESOLUTIONS, start=1
    ):
        resolution, created = Resolution.objects.get_or_create(
            slug=slug,
            defaults={
                "number": number,
                "kind": kind,
                "title": title_fr,
                "title_fr": title_fr,
                "title_en": title_en,
                "body": bodies["general-assembly"],
                "meeting": assembly,
                "rule": rules["general_assembly-ordinary"],
            },
        )
        resolution.topics.add(Topic.objects.get(slug=topic))
        resolution.sponsors.add(LocalGovernment.objects.get(slug="paris"))
        AgendaItem.objects.update_or_create(
            meeting=assembly,
            number=f"3.{order}",
            defaults={
                "parent": texts,
                "title": title_fr,
                "title_fr": title_fr,
                "title_en": title_en,
                "order": 3 + order,
                "content_type": resolution_type,
                "object_id": resolution.pk,
            },
        )
        if not created:
            continue
        services.resolution_version_create(
            resolution=resolution,
            paragraphs=paragraphs,
            note_fr="Texte déposé",
            note_en="Tabled text",
        )
        services.resolution_transition(
            user=user, resolution=resolution, to_state=ResolutionState.TABLED
        )
        ResolutionEvent.objects.filter(resolution=resolution).update(at=_at(3, 18))
        if slug == "ga-2019-resolution-adama-sangare":
            ResolutionLink.objects.get_or_create(
                resolution=resolution,
                content_type=ContentType.objects.get_for_model(LocalGovernment),
                object_id=LocalGovernment.objects.get(slug="district-de-bamako").pk,
            )
        if slug == "ga-2019-resolution-biodiversity":
            amendment = services.amendment_submit(
                user=user,
                resolution=resolution,
                paragraph_number=2,
                operation="replace",
                text_fr="Elle encourage les membres à intégrer la biodiversité et la nature en "
                "ville dans leurs plans d'urbanisme et leurs budgets.",
                text_en="It encourages members to include biodiversity and nature in the city "
                "in their urban plans and budgets.",
                justification_fr="Les plans sans budget restent lettre morte.",
                justification_en="Plans without a budget remain a dead letter.",
                submitter=LocalGovernment.objects.get(slug="montreal"),
            )
            _vote(user, resolution, assembly, amendment, yes=38, no=3, abstain=2)
        _vote(
            user,
            resolution,
            assembly,
            None,
            yes=40 if kind == "resolution" else 43,
            no=1,
            abstain=2,
        )
    # Only approved minutes are public: draft them from the records, then approve.
    if not Minutes.objects.filter(meeting=assembly).exists():
        minutes = services.minutes_generate(user=user, meeting=assembly)
        services.minutes_approve(user=user, minutes=minutes, expected_version=minutes.version)


def _vote(
    user: Any,
    resolution: Resolution,
    meeting: Meeting,
    amendment: Amendment | None,
    *,
    yes: int,
    no: int,
    abstain: int,
) -> Vote:
    vote = services.vote_open(
        user=user,
        resolution=resolution,
        meeting=meeting,
        mode=VoteMode.ANALOG,
        amendment=amendment,
        now=_at(4, 11),
    )
    services.vote_record_counts(user=user, vote=vote, yes=yes, no=no, abstain=abstain)
    vote = services.vote_close(user=user, vote=vote, now=_at(4, 11, 10))
    ResolutionEvent.objects.filter(resolution=resolution, vote=vote).update(at=_at(4, 11, 10))
    Resolution.objects.filter(pk=resolution.pk, decided_on__isnull=False).update(
        decided_on=dt.date(2019, 12, 4)
    )
    return vote


# The report: two citizens whose mobilisation for the environment is remarkable. Its English
# text says "the Nigerian Maïmou Wali", a translation of « nigérienne » (Cercle.DEV is in Niger).
LAUREATES_2019 = [
    (
        "Maïmou",
        "Wali",
        "Nigérienne, présidente de l'ONG Cercle.DEV, pour sa mobilisation en faveur de "
        "l'environnement.",
        "From Niger, President of the NGO Cercle.DEV, for her mobilisation for the environment.",
    ),
    (
        "Andréanne",
        "Laurein",
        "Canadienne, directrice générale de l'épicerie LOCO, pour sa mobilisation en faveur "
        "de l'environnement.",
        "From Canada, CEO of LOCO Grocery, for her mobilisation for the environment.",
    ),
]


def _load_prize(bodies: dict[str, Body], sessions: dict[str, Meeting]) -> None:
    edition, _created = PrizeEdition.objects.update_or_create(
        slug="prix-femme-francophone-2019",
        defaults={
            "year": 2019,
            "title": "Prix de l'AIMF pour la Femme francophone 2019",
            "title_fr": "Prix de l'AIMF pour la Femme francophone 2019",
            "title_en": "AIMF Prize for Francophone Women 2019",
            "jury": bodies["jury-prix-femme-francophone"],
            "ceremony": sessions["general-assembly"],
            "nominations_close": dt.date(2019, 10, 31),
        },
    )
    for given, family, citation_fr, citation_en in LAUREATES_2019:
        person, _created = Person.objects.get_or_create(
            given_name=given,
            family_name=family,
            defaults={"gender": Gender.FEMALE, "is_fictional": False},
        )
        Nomination.objects.update_or_create(
            edition=edition,
            nominee=person,
            defaults={
                "status": NominationStatus.LAUREATE,
                "citation": citation_fr,
                "citation_fr": citation_fr,
                "citation_en": citation_en,
            },
        )


# The General Assembly's election of two Bureau members (fictional candidates, written for
# the demo): round 1 under an absolute majority elects one, round 2 under a relative majority
# the other, as docs/decisions/governance-elections.md describes. The cities are not in the
# Bureau before, so its seats from SEATS are left as they are.
ELECTION_TITLE_FR = "Élection de deux membres du Bureau"
ELECTION_TITLE_EN = "Election of two members of the Bureau"
CANDIDATES = [
    ("kigali", "Aline Uwase"),
    ("rabat", "Karim Benali"),
    ("lyon", "Sophie Marchand"),
]


def _load_election(bodies: dict[str, Body], assembly: Meeting) -> None:
    """Record the election through its services (rounds opened and closed, results computed
    and explained, the elected seated); only the ballots are written as their totals, the way
    a secret ballot keeps them (receipts and tallies, no choice per city)."""
    from edile.governance import elections
    from edile.governance.models import (
        Election,
        ElectionReceipt,
        ElectionRound,
        RoundTally,
    )

    if Election.objects.filter(meeting=assembly, title_fr=ELECTION_TITLE_FR).exists():
        return
    user = _secretariat()
    election = elections.election_save(
        user=user,
        meeting=assembly,
        body=bodies["bureau"],
        title_fr=ELECTION_TITLE_FR,
        title_en=ELECTION_TITLE_EN,
        seats=2,
        seat_role=SeatRole.MEMBER,
        term_years=3,
        round_rules=["absolute", "relative"],
    )
    candidates = [
        elections.candidate_add(
            user=user,
            election=election,
            local_government=LocalGovernment.objects.get(slug=slug),
            name=name,
        )
        for slug, name in CANDIDATES
    ]
    voters = sorted(elections.attending_ids(assembly))
    n = len(voters)
    # Round 1: one blank ballot; A well above the absolute majority, B and C below it.
    # Round 2 (one seat, B and C): B ahead.
    plans = [
        (_at(4, 16, 0), _at(4, 16, 30), 1, [round(n * 0.62), round(n * 0.45), round(n * 0.38)]),
        (_at(4, 16, 45), _at(4, 17, 5), 2, [0, round(n * 0.55), round(n * 0.4)]),
    ]
    for opened, closed, blank, votes in plans:
        round_ = elections.round_open(user=user, election=election, now=opened)
        ElectionReceipt.objects.bulk_create(
            ElectionReceipt(round=round_, local_government_id=lg_id) for lg_id in voters
        )
        for candidate, count in zip(candidates, votes, strict=True):
            RoundTally.objects.filter(round=round_, candidate=candidate).update(votes=count)
        ElectionRound.objects.filter(pk=round_.pk).update(ballots=n, blank=blank)
        elections.round_close(user=user, election=election, now=closed)
    elections.election_publish(user=user, election=election, now=_at(4, 17, 10))
