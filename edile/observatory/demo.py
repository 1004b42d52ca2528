"""Demo data for the observatory: fictional incidents and a fictional legal benchmark.

Everything here is invented and marked `is_fictional` (shown as a badge). Places are invented
municipalities in real regions, so that no real mayor is associated with an invented attack.
Running it twice changes nothing: records are keyed by a stable reference.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from edile.observatory.models import (
    Act,
    Criterion,
    FollowUp,
    Incident,
    Perpetrator,
    Score,
    Source,
    Victim,
    ViolationType,
    Witness,
)
from edile.observatory.services import vocabulary_sync

# country, region, invented municipality, latitude, longitude (approximate regional centre)
PLACES: list[tuple[str, str, str, str, str]] = [
    ("ML", "Région de Kayes", "Bafila-Nord", "14.45", "-11.44"),
    ("ML", "Région de Mopti", "Sénou-Dari", "14.49", "-4.18"),
    ("BF", "Sahel", "Koumbéri", "14.10", "-0.35"),
    ("BF", "Boucle du Mouhoun", "Tiaré", "12.45", "-3.46"),
    ("NE", "Tillabéri", "Gorou-Banda", "14.21", "1.45"),
    ("CM", "Nord-Ouest", "Mbali-Haut", "6.05", "10.15"),
    ("CM", "Extrême-Nord", "Mokolo-Est", "10.74", "13.80"),
    ("CD", "Nord-Kivu", "Kitembo", "-0.80", "29.20"),
    ("HT", "Artibonite", "Bois-Lalanne", "19.20", "-72.55"),
    ("CI", "Montagnes", "Zouan-Sud", "7.40", "-7.55"),
    ("SN", "Ziguinchor", "Niaguis-Bas", "12.55", "-16.27"),
    ("MG", "Atsimo-Andrefana", "Ankilimary", "-23.35", "43.67"),
    ("TD", "Lac", "Bol-Tchari", "13.46", "14.71"),
    ("BJ", "Alibori", "Kandi-Ouest", "11.13", "2.94"),
    ("TG", "Savanes", "Dapaong-Sud", "10.86", "0.21"),
    ("GN", "Nzérékoré", "Lola-Forêt", "7.80", "-8.53"),
    ("BI", "Cibitoke", "Rugombo-Haut", "-2.89", "29.12"),
    ("CF", "Ouham", "Bossangoa-Est", "6.49", "17.45"),
    ("LB", "Békaa", "Qaa el-Jdid", "33.85", "36.00"),
    ("KH", "Province de Preah Vihear", "Tbeng Thmey", "13.80", "104.98"),
]
GIVEN_F = ["Aïssata", "Mireille", "Koumba", "Sandrine", "Rokia", "Odile", "Sreymom", "Nadège"]
GIVEN_M = ["Boubacar", "Théodore", "Issa", "Gaston", "Yacouba", "Rithy", "Serge", "Modibo"]
FAMILY = [
    "Sidibé",
    "Kouyaté",
    "Mbarga",
    "Rasolofo",
    "Hounkpè",
    "Camara",
    "Ntakirutimana",
    "Lamothe",
    "Chea",
    "Yaméogo",
    "Abdou",
    "Zongo",
    "Kamga",
    "Tshibanda",
]
VIOLATIONS = [
    "killing",
    "attempted_killing",
    "physical_assault",
    "kidnapping",
    "threat",
    "arbitrary_detention",
    "judicial_harassment",
    "arbitrary_dismissal",
    "attack_on_family_or_property",
    "online_harassment",
]
VIOLATION_TEXT = {
    "killing": ("Assassinat d’un maire", "Killing of a mayor"),
    "attempted_killing": ("Tentative d’assassinat", "Attempted killing"),
    "physical_assault": ("Agression d’une élue locale", "Assault on a local councillor"),
    "kidnapping": ("Enlèvement d’un maire", "Kidnapping of a mayor"),
    "threat": ("Menaces de mort", "Death threats"),
    "arbitrary_detention": ("Détention arbitraire d’un maire", "Arbitrary detention of a mayor"),
    "judicial_harassment": ("Poursuites abusives", "Judicial harassment"),
    "arbitrary_dismissal": ("Suspension arbitraire", "Arbitrary suspension"),
    "attack_on_family_or_property": ("Incendie du domicile", "Arson at the home"),
    "online_harassment": ("Campagne de harcèlement en ligne", "Online harassment campaign"),
}
PERPETRATORS = ["state_agent", "armed_group", "organised_crime", "private_individual", "unknown"]
CONTEXTS = [
    "election",
    "land",
    "corruption_investigation",
    "armed_conflict",
    "public_protest",
    "political_rivalry",
    "unknown",
]
OFFICES = [
    "mayor",
    "mayor",
    "mayor",
    "deputy_mayor",
    "councillor",
    "former_mayor",
    "candidate",
    "relative",
]
STATUSES = ["verified"] * 6 + ["under_review", "reported", "disputed", "unverifiable"]
INCIDENT_COUNT = 90
YEARS = [2020, 2021, 2022, 2023, 2024, 2025]

# A fictional legal benchmark: 12 countries, values invented for the demonstration.
BENCHMARK_COUNTRIES = ["ML", "BF", "NE", "CM", "CD", "HT", "CI", "SN", "MG", "FR", "CA", "BE"]


def _incident_values(n: int, rng: random.Random) -> dict:
    country, region, place, lat, lon = PLACES[n % len(PLACES)]
    year = YEARS[n % len(YEARS)]
    date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    violation = VIOLATIONS[rng.randrange(len(VIOLATIONS))]
    status = STATUSES[rng.randrange(len(STATUSES))]
    confidentiality = "public" if n % 7 else ("confidential" if n % 2 else "restricted")
    title_fr, title_en = VIOLATION_TEXT[violation]
    location_hidden = n % 3 == 0
    # A hidden place is never named in a public text: the title and summary say the region.
    where = region if location_hidden else place
    return {
        "n": n,
        "violation": violation,
        "incident": {
            "title": f"{title_fr} à {where}",
            "title_fr": f"{title_fr} à {where}",
            "title_en": f"{title_en} in {where}",
            "summary": "",
            "summary_fr": (
                f"Incident fictif créé pour la démonstration : {title_fr.lower()} "
                + (
                    f"dans la région de {region}."
                    if location_hidden
                    else f"dans la commune de {place} ({region})."
                )
            ),
            "summary_en": (
                f"Fictional incident made for the demonstration: {title_en.lower()} "
                + (
                    f"in the region of {region}."
                    if location_hidden
                    else f"in the municipality of {place} ({region})."
                )
            ),
            "confidentiality": confidentiality,
            "is_published": status == "verified",
            "date_start": date,
            "date_precision": "day" if n % 5 else "month",
            "country": country,
            "region": region,
            "place": place,
            "latitude": Decimal(lat) + Decimal(rng.randint(-40, 40)) / 100,
            "longitude": Decimal(lon) + Decimal(rng.randint(-40, 40)) / 100,
            "place_precision": "exact" if location_hidden else "municipality",
            "location_confidentiality": "confidential" if location_hidden else "public",
            "context": CONTEXTS[rng.randrange(len(CONTEXTS))],
            "killed": 1 if violation == "killing" else 0,
            "injured": rng.randint(0, 3)
            if violation in ("physical_assault", "attempted_killing")
            else 0,
            "motive": "confirmed" if n % 3 else "unconfirmed",
            "verification_status": status,
            "outcome": ["", "released", "convicted", "acquitted", "impunity"][n % 5],
            "impunity": ["complete", "partial", "full", ""][n % 4]
            if violation == "killing"
            else "",
            "private_notes": "Note fictive d’analyste." if n % 4 == 0 else "",
            "is_fictional": True,
        },
        "victim": {
            "name": (f"{(GIVEN_F if n % 2 else GIVEN_M)[n % 8]} {FAMILY[n % len(FAMILY)]}"),
            "gender": "female" if n % 2 else "male",
            "office": OFFICES[n % len(OFFICES)],
            "mandate": f"{where}, 2020–2026",
            "identity_confidentiality": "public" if n % 4 == 1 else "confidential",
            "contact": f"+000 {n:04d} (fictif)",
        },
        "perpetrator": PERPETRATORS[n % len(PERPETRATORS)],
    }


@transaction.atomic
def load(out: TextIO) -> None:
    vocabulary_sync()
    rng = random.Random(20191204)
    violations = {v.code: v for v in ViolationType.objects.all()}
    created = 0
    for n in range(INCIDENT_COUNT):
        values = _incident_values(n, rng)
        reference = f"DEMO-{n + 1:04d}"
        incident, was_created = Incident.objects.get_or_create(
            reference=reference, defaults=values["incident"]
        )
        if not was_created:
            continue
        created += 1
        victim = Victim.objects.create(incident=incident, **values["victim"])
        act = Act.objects.create(incident=incident)
        act.violation_types.add(violations[values["violation"]])
        act.victims.add(victim)
        Perpetrator.objects.create(act=act, perpetrator_type=values["perpetrator"])
        Source.objects.create(
            incident=incident,
            source_type="media",
            title="Presse locale (fictif)",
            url=f"https://example.org/demo/{reference.lower()}",
            published_on=incident.date_start,
            reliability="B",
            credibility="2",
            confidentiality="public",
        )
        if n % 3 == 0:
            Witness.objects.create(
                incident=incident,
                name=f"{GIVEN_M[(n + 3) % 8]} {FAMILY[(n + 5) % len(FAMILY)]}",
                contact="temoin@example.org",
                statement="Déclaration fictive.",
            )
        if n % 4 == 0:
            FollowUp.objects.create(
                incident=incident,
                kind="advocacy",
                date=incident.date_start,
                description_fr="Lettre de l’association aux autorités (fictif).",
                description_en="Letter from the association to the authorities (fictional).",
                confidentiality="public",
            )
    out.write(
        f"  observatory: {created} fictional incidents created "
        f"({Incident.objects.filter(is_fictional=True).count()} in all)\n"
    )
    _load_benchmark(out)


def _load_benchmark(out: TextIO) -> None:
    rng = random.Random(2019)
    criteria = list(Criterion.objects.select_related("pillar").order_by("pk"))
    created = 0
    for country in BENCHMARK_COUNTRIES:
        for criterion in criteria:
            for dimension in ("de_jure", "de_facto"):
                roll = rng.random()
                status = "na" if roll < 0.04 else ("unknown" if roll < 0.1 else "scored")
                value = rng.randint(0, 3) if status == "scored" else None
                _score, was_created = Score.objects.get_or_create(
                    country=country,
                    criterion=criterion,
                    dimension=dimension,
                    defaults={
                        "status": status,
                        "value": value,
                        "citation": f"Loi fictive n° {rng.randint(1990, 2024)}-{rng.randint(1, 99)}, "
                        f"art. {rng.randint(1, 120)}",
                        "excerpt": "Extrait fictif du texte, pour la démonstration.",
                        "url": "https://example.org/demo/loi",
                        "text_date": dt.date(rng.randint(1995, 2024), 1, 1),
                        "coder": "Analyste (démo)",
                        "reviewer": "Relecteur (démo)",
                        "government_reply": ""
                        if rng.random() < 0.8
                        else "Réponse fictive du gouvernement.",
                        "is_fictional": True,
                    },
                )
                created += was_created
    out.write(
        f"  observatory: {created} fictional benchmark scores created "
        f"({len(BENCHMARK_COUNTRIES)} countries)\n"
    )
