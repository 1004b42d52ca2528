"""The member registry as of December 2019: the cities the Phnom Penh report names, and more.

Cities, countries and regions are real; populations and coordinates are approximate. Mayors are
fictional (and marked so) except those the report names. Running `load` twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from edile.members.models import (
    Dues,
    Gender,
    LocalGovernment,
    LocalGovernmentKind,
    Mandate,
    Membership,
    MembershipStatus,
    Office,
    Person,
)

M, D, R, N = (
    LocalGovernmentKind.MUNICIPALITY,
    LocalGovernmentKind.DISTRICT,
    LocalGovernmentKind.REGION,
    LocalGovernmentKind.NATIONAL_ASSOCIATION,
)

# slug, name_fr, name_en, kind, country, region_fr, region_en, population, lat, lon, joined
CITIES: list[tuple] = [
    ("phnom-penh", "Phnom Penh", "Phnom Penh", M, "KH", "Phnom Penh", "Phnom Penh", 2129371, "11.5564", "104.9282", 1993),
    ("siem-reap", "Siem Reap", "Siem Reap", M, "KH", "Province de Siem Reap", "Siem Reap Province", 245494, "13.3671", "103.8448", 2004),
    ("battambang", "Battambang", "Battambang", M, "KH", "Province de Battambang", "Battambang Province", 196709, "13.0957", "103.2022", 2008),
    ("paris", "Paris", "Paris", M, "FR", "Île-de-France", "Île-de-France", 2175601, "48.8566", "2.3522", 1979),
    ("nantes", "Nantes", "Nantes", M, "FR", "Pays de la Loire", "Pays de la Loire", 314138, "47.2184", "-1.5536", 1995),
    ("lyon", "Lyon", "Lyon", M, "FR", "Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes", 516092, "45.7640", "4.8357", 1990),
    ("bordeaux", "Bordeaux", "Bordeaux", M, "FR", "Nouvelle-Aquitaine", "Nouvelle-Aquitaine", 257068, "44.8378", "-0.5792", 1998),
    ("montreal", "Montréal", "Montreal", M, "CA", "Québec", "Quebec", 1762949, "45.5017", "-73.5673", 1979),
    ("quebec", "Québec", "Quebec City", M, "CA", "Québec", "Quebec", 542298, "46.8139", "-71.2080", 1979),
    ("district-de-bamako", "District de Bamako", "District of Bamako", D, "ML", "District de Bamako", "Bamako District", 2529300, "12.6392", "-8.0029", 1979),
    ("segou", "Ségou", "Ségou", M, "ML", "Région de Ségou", "Ségou Region", 133501, "13.4317", "-6.2157", 2003),
    ("dakar", "Dakar", "Dakar", M, "SN", "Région de Dakar", "Dakar Region", 1146053, "14.7167", "-17.4677", 1979),
    ("saint-louis", "Saint-Louis", "Saint-Louis", M, "SN", "Région de Saint-Louis", "Saint-Louis Region", 254171, "16.0326", "-16.4818", 1985),
    ("district-abidjan", "District autonome d'Abidjan", "Autonomous District of Abidjan", D, "CI", "Abidjan", "Abidjan", 4707404, "5.3600", "-4.0083", 1979),
    ("ouagadougou", "Ouagadougou", "Ouagadougou", M, "BF", "Centre", "Centre", 2415266, "12.3714", "-1.5197", 1979),
    ("niamey", "Niamey", "Niamey", M, "NE", "Niamey", "Niamey", 1334984, "13.5116", "2.1254", 1981),
    ("cotonou", "Cotonou", "Cotonou", M, "BJ", "Littoral", "Littoral", 679012, "6.3703", "2.3912", 1979),
    ("porto-novo", "Porto-Novo", "Porto-Novo", M, "BJ", "Ouémé", "Ouémé", 264320, "6.4969", "2.6289", 1992),
    ("lome", "Lomé", "Lomé", M, "TG", "Maritime", "Maritime", 837437, "6.1725", "1.2314", 1979),
    ("yaounde", "Yaoundé", "Yaoundé", M, "CM", "Centre", "Centre", 2765568, "3.8480", "11.5021", 1982),
    ("douala", "Douala", "Douala", M, "CM", "Littoral", "Littoral", 2768436, "4.0511", "9.7679", 1982),
    ("libreville", "Libreville", "Libreville", M, "GA", "Estuaire", "Estuaire", 703904, "0.4162", "9.4673", 1979),
    ("brazzaville", "Brazzaville", "Brazzaville", M, "CG", "Brazzaville", "Brazzaville", 1696392, "-4.2634", "15.2429", 1979),
    ("kinshasa", "Kinshasa", "Kinshasa", M, "CD", "Kinshasa", "Kinshasa", 14342000, "-4.4419", "15.2663", 1979),
    ("kigali", "Kigali", "Kigali", M, "RW", "Ville de Kigali", "City of Kigali", 1132686, "-1.9441", "30.0619", 1990),
    ("bujumbura", "Bujumbura", "Bujumbura", M, "BI", "Bujumbura Mairie", "Bujumbura Mairie", 1013000, "-3.3614", "29.3599", 1988),
    ("antananarivo", "Antananarivo", "Antananarivo", M, "MG", "Analamanga", "Analamanga", 1275207, "-18.8792", "47.5079", 1979),
    ("rabat", "Rabat", "Rabat", M, "MA", "Rabat-Salé-Kénitra", "Rabat-Salé-Kénitra", 577827, "34.0209", "-6.8416", 1980),
    ("marrakech", "Marrakech", "Marrakesh", M, "MA", "Marrakech-Safi", "Marrakesh-Safi", 928850, "31.6295", "-7.9811", 1996),
    ("tunis", "Tunis", "Tunis", M, "TN", "Gouvernorat de Tunis", "Tunis Governorate", 638845, "36.8065", "10.1815", 1979),
    ("nouakchott", "Nouakchott", "Nouakchott", R, "MR", "Nouakchott", "Nouakchott", 1195600, "18.0735", "-15.9582", 1986),
    ("beyrouth", "Beyrouth", "Beirut", M, "LB", "Beyrouth", "Beirut", 361366, "33.8938", "35.5018", 1994),
    ("hanoi", "Hanoï", "Hanoi", M, "VN", "Hanoï", "Hanoi", 8053663, "21.0278", "105.8342", 1993),
    ("hue", "Hué", "Hue", M, "VN", "Thừa Thiên-Huế", "Thừa Thiên-Huế", 455230, "16.4637", "107.5909", 1996),
    ("vientiane", "Vientiane", "Vientiane", M, "LA", "Préfecture de Vientiane", "Vientiane Prefecture", 948477, "17.9757", "102.6331", 1994),
    ("bruxelles", "Bruxelles", "Brussels", M, "BE", "Région de Bruxelles-Capitale", "Brussels-Capital Region", 185103, "50.8503", "4.3517", 1979),
    ("liege", "Liège", "Liège", M, "BE", "Wallonie", "Wallonia", 196623, "50.6326", "5.5797", 1985),
    ("geneve", "Genève", "Geneva", M, "CH", "Canton de Genève", "Canton of Geneva", 203856, "46.2044", "6.1432", 1979),
    ("lausanne", "Lausanne", "Lausanne", M, "CH", "Canton de Vaud", "Canton of Vaud", 139111, "46.5197", "6.6323", 1990),
    ("luxembourg", "Luxembourg", "Luxembourg", M, "LU", "Canton de Luxembourg", "Canton of Luxembourg", 122273, "49.6116", "6.1319", 1984),
    ("port-au-prince", "Port-au-Prince", "Port-au-Prince", M, "HT", "Ouest", "Ouest", 987310, "18.5944", "-72.3074", 1979),
    ("conakry", "Conakry", "Conakry", M, "GN", "Conakry", "Conakry", 1667864, "9.6412", "-13.5784", 1984),
    ("ndjamena", "N'Djaména", "N'Djamena", M, "TD", "N'Djaména", "N'Djamena", 1092066, "12.1348", "15.0557", 1985),
    ("djibouti", "Djibouti", "Djibouti", M, "DJ", "Djibouti", "Djibouti", 603900, "11.5721", "43.1456", 1989),
    ("moroni", "Moroni", "Moroni", M, "KM", "Grande Comore", "Grande Comore", 111326, "-11.7172", "43.2473", 1991),
    ("bangui", "Bangui", "Bangui", M, "CF", "Bangui", "Bangui", 889231, "4.3947", "18.5582", 1979),
    ("port-louis", "Port-Louis", "Port Louis", M, "MU", "Port-Louis", "Port Louis", 147066, "-20.1609", "57.5012", 1993),
    ("erevan", "Erevan", "Yerevan", M, "AM", "Erevan", "Yerevan", 1075800, "40.1792", "44.4991", 2009),
    ("bucarest", "Bucarest", "Bucharest", M, "RO", "Bucarest", "Bucharest", 1883425, "44.4268", "26.1025", 1994),
    ("monaco", "Monaco", "Monaco", M, "MC", "Monaco", "Monaco", 38300, "43.7384", "7.4246", 1997),
    ("uvcw", "Union des Villes et Communes de Wallonie", "Union of Cities and Municipalities of Wallonia", N, "BE", "Wallonie", "Wallonia", None, "50.4669", "4.8675", 2005),
]

# Members whose membership is not active, to show the status filter at work.
NOT_ACTIVE = {"erevan": MembershipStatus.LAPSED, "bucarest": MembershipStatus.SUSPENDED}
# Members with 2019 dues still unpaid in December 2019.
UNPAID_2019 = {"port-au-prince", "bangui", "moroni", "erevan", "bucarest"}

# Mayors named in the report are real; the others are invented for the demonstration.
REAL_MAYORS = {"district-de-bamako": ("Adama", "Sangaré", Gender.MALE, dt.date(2007, 6, 1))}
GIVEN_F = ["Aminata", "Claire", "Mariam", "Sophie", "Fatou", "Hélène", "Nadia", "Awa", "Linh", "Chantal"]
GIVEN_M = ["Jean", "Moussa", "Pierre", "Ibrahima", "Sokha", "Louis", "Karim", "Joseph", "Minh", "Marc"]
FAMILY = [
    "Diallo", "Martin", "Traoré", "Lefebvre", "Ouédraogo", "Nguyen", "Mensah", "Bernard",
    "Kaboré", "Sok", "Dubois", "Ndiaye", "Tremblay", "Rakoto", "Benali", "Keita", "Mbemba",
    "Girard", "Haidara", "Chea",
]

DEMO_YEAR = 2019


def _fictional_mayor(index: int) -> tuple[str, str, str]:
    female = index % 3 == 0
    given = (GIVEN_F if female else GIVEN_M)[index % 10]
    family = FAMILY[(index * 7) % len(FAMILY)]
    return given, family, Gender.FEMALE if female else Gender.MALE


@transaction.atomic
def load(out: TextIO) -> None:
    for index, row in enumerate(CITIES):
        (slug, name_fr, name_en, kind, country, region_fr, region_en, population, lat, lon,
         joined) = row
        lg, _created = LocalGovernment.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name_fr, "name_fr": name_fr, "name_en": name_en, "kind": kind,
                "country": country, "region": region_fr, "region_fr": region_fr,
                "region_en": region_en, "population": population,
                "latitude": Decimal(lat), "longitude": Decimal(lon),
            },
        )
        membership, _created = Membership.objects.update_or_create(
            local_government=lg,
            defaults={
                "joined_on": dt.date(joined, 1, 1),
                "status": NOT_ACTIVE.get(slug, MembershipStatus.ACTIVE),
                "category": "national_association" if kind == N else "full",
            },
        )
        for year in (2017, 2018, 2019):
            unpaid = year == 2019 and slug in UNPAID_2019
            Dues.objects.update_or_create(
                membership=membership,
                year=year,
                defaults={
                    "amount": Decimal("2500.00") if (population or 0) > 1_000_000 else Decimal("1200.00"),
                    "currency": "EUR",
                    "paid_on": None if unpaid else dt.date(year, 3, 15),
                },
            )
        if kind == N:
            continue
        if slug in REAL_MAYORS:
            given, family, gender, start = REAL_MAYORS[slug]
            fictional = False
        else:
            given, family, gender = _fictional_mayor(index)
            start, fictional = dt.date(2014 + index % 5, 4, 1), True
        person, _created = Person.objects.get_or_create(
            given_name=given, family_name=family,
            defaults={"gender": gender, "is_fictional": fictional},
        )
        Mandate.objects.get_or_create(
            local_government=lg, office=Office.MAYOR, end__isnull=True,
            defaults={"person": person, "start": start},
        )
        if fictional and index % 4 == 0:
            # A predecessor, so that detail pages show past mandates.
            pg, pf, pgender = _fictional_mayor(index + 11)
            predecessor, _created = Person.objects.get_or_create(
                given_name=pg, family_name=pf + "-Aîné",
                defaults={"gender": pgender, "is_fictional": True},
            )
            Mandate.objects.get_or_create(
                local_government=lg, office=Office.MAYOR, person=predecessor,
                defaults={"start": dt.date(2008, 4, 1), "end": start - dt.timedelta(days=1)},
            )
    countries = LocalGovernment.objects.values("country").distinct().count()
    out.write(f"members: {len(CITIES)} local governments in {countries} countries\n")
