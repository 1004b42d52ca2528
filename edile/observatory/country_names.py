"""Country names as partners write them, matched to ISO 3166 codes for imports.

A cell may hold an ISO code ("ml", "MEX"), the English name django-countries knows
("Mali"), the French name Babel knows ("Mexique", "Côte d’Ivoire"), or a common variant
("Turkey", "USA", "UK", "RDC", "Ivory Coast"). Case, accents, apostrophes and punctuation
are ignored. Policy and how to add a variant: docs/decisions/observatory-import.md.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.utils import translation
from django_countries import countries

from edile.observatory.selectors import normalise_text

# Names not in django-countries (English) nor Babel (French) that partners' files use.
# Keys are written as a person would; they are normalised when the table is built.
VARIANTS: dict[str, str] = {
    # English variants
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "United States": "US",
    "United States of America": "US",
    "America": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Turkiye": "TR",
    "Ivory Coast": "CI",
    "DR Congo": "CD",
    "DRC": "CD",
    "D.R. Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "Democratic Republic of Congo": "CD",
    "Congo-Kinshasa": "CD",
    "Congo Kinshasa": "CD",
    "Republic of the Congo": "CG",
    "Congo-Brazzaville": "CG",
    "Congo Brazzaville": "CG",
    "Russia": "RU",
    "Syria": "SY",
    "Iran": "IR",
    "Venezuela": "VE",
    "Bolivia": "BO",
    "Tanzania": "TZ",
    "Vietnam": "VN",
    "Laos": "LA",
    "Moldova": "MD",
    "South Korea": "KR",
    "North Korea": "KP",
    "Palestine": "PS",
    "Czech Republic": "CZ",
    "Burma": "MM",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "Macedonia": "MK",
    "The Gambia": "GM",
    "Gambia": "GM",
    "Kosovo": "XK",
    # French variants
    "RDC": "CD",
    "R.D.C.": "CD",
    "RD Congo": "CD",
    "République démocratique du Congo": "CD",
    "Congo (RDC)": "CD",
    "République du Congo": "CG",
    "Congo-Brazza": "CG",
    "Etats-Unis": "US",
    "Etats-Unis d'Amérique": "US",
    "EUA": "US",
    "Grande-Bretagne": "GB",
    "Angleterre": "GB",
    "Turquie": "TR",
    "Russie": "RU",
    "Syrie": "SY",
    "Corée du Sud": "KR",
    "Palestine (État de)": "PS",
    "République tchèque": "CZ",
    "Birmanie": "MM",
}


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    french = Locale("fr").territories
    alpha3: dict[str, str] = {}
    with translation.override("en"):
        english = [(str(code), str(name)) for code, name in countries]
    for code, name in english:
        table[normalise_text(str(name))] = code
        if code in french:
            table[normalise_text(french[code])] = code
        three = countries.alpha3(code)
        if three:
            alpha3[three.lower()] = code
    known = {str(code) for code, _name in countries}
    for variant, code in VARIANTS.items():
        if code in known:
            table[normalise_text(variant)] = code
    # Codes last: "in" (India's alpha-3 is IND) never shadows a name, and names never
    # shadow a code.
    for code, _name in countries:
        table[str(code).lower()] = str(code)
    for three, code in alpha3.items():
        table.setdefault(three, code)
    return table


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a cell names, or None when it names no country we know."""
    raw = (value or "").strip()
    if not raw:
        return None
    table = _table()
    if len(raw) in (2, 3) and raw.isalpha():
        found = table.get(raw.lower())
        if found:
            return found
    return table.get(normalise_text(raw))
