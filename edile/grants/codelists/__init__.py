"""IATI codelists the grants module needs, shipped as one compact JSON file.

`shared/standards/` is not deployed, so the app carries `iati.json`, derived from the IATI
codelist XML files by `derive()`; a test checks the copy still matches the originals.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JSON_FILE = HERE / "iati.json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The lists the export and the forms use; OrganisationRegistrationAgency keeps only codes.
LISTS = (
    "ActivityDateType",
    "ActivityScope",
    "ActivityStatus",
    "AidType",
    "BudgetType",
    "Country",
    "Currency",
    "DocumentCategory",
    "FinanceType",
    "FlowType",
    "IndicatorMeasure",
    "Language",
    "OrganisationRole",
    "OrganisationType",
    "Region",
    "ResultType",
    "Sector",
    "SectorCategory",
    "SectorVocabulary",
    "TiedStatus",
    "TransactionType",
)
CODES_ONLY = ("OrganisationRegistrationAgency",)


def _narratives(element: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    if element is None:
        return names
    for narrative in element.findall("narrative"):
        lang = narrative.get(XML_LANG, "en")
        names.setdefault(lang, (narrative.text or "").strip())
    return names


def derive(codelist_dir: Path) -> dict[str, Any]:
    """Read the IATI codelist XML files into {list: {code: {name, name_fr, status}}}."""
    from lxml import etree

    result: dict[str, Any] = {}
    for name in LISTS + CODES_ONLY:
        tree = etree.parse(str(codelist_dir / f"{name}.xml"))  # noqa: S320 (trusted, local files)
        items: dict[str, Any] = {}
        for item in tree.iter("codelist-item"):
            code = (item.findtext("code") or "").strip()
            status = item.get("status", "active")
            if name in CODES_ONLY:
                items[code] = {"status": status}
                continue
            names = _narratives(item.find("name"))
            entry = {"name": names.get("en", ""), "status": status}
            if names.get("fr"):
                entry["name_fr"] = names["fr"]
            category = item.findtext("category")
            if category:
                entry["category"] = category.strip()
            items[code] = entry
        result[name] = items
    return result


def write(codelist_dir: Path) -> None:
    JSON_FILE.write_text(
        json.dumps(derive(codelist_dir), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
        encoding="utf-8",
    )


@cache
def codelists() -> dict[str, Any]:
    return json.loads(JSON_FILE.read_text(encoding="utf-8"))


def is_active(list_name: str, code: str) -> bool:
    """True when `code` exists in the IATI codelist `list_name` and is not withdrawn."""
    entry = codelists().get(list_name, {}).get(str(code))
    return bool(entry) and entry.get("status", "active") == "active"


def label(list_name: str, code: str, language: str = "en") -> str:
    entry = codelists().get(list_name, {}).get(str(code)) or {}
    if language.startswith("fr") and entry.get("name_fr"):
        return entry["name_fr"]
    return entry.get("name", str(code))


def sector_choices(language: str = "en") -> list[tuple[str, str]]:
    """Active DAC 5-digit purpose codes, for forms and call settings."""
    return [
        (code, f"{code} — {label('Sector', code, language)}")
        for code, entry in sorted(codelists()["Sector"].items())
        if entry.get("status", "active") == "active"
    ]


def choices(list_name: str, language: str = "en") -> list[tuple[str, str]]:
    """Active codes of an IATI codelist with their labels, for forms."""
    return [
        (code, f"{code} — {label(list_name, code, language)}")
        for code, entry in sorted(codelists().get(list_name, {}).items())
        if entry.get("status", "active") == "active"
    ]
