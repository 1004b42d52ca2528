"""The DCAT-AP check, said to a steward in their own language.

The SHACL report speaks English and names nodes by IRI ("Less than 1 values on
<http://localhost/…#dataset>->dct:spatial"). What we store for each finding is what it is about
— the class of the node, the property, the kind of constraint — and this module says it as a
sentence in the reader's language when a page or the API shows it. Nothing of the report's
own text (nor any IRI) reaches the page.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SUBJECTS: dict[str, Promise] = {
    "dcat:Dataset": gettext_lazy("Dataset"),
    "dcat:Distribution": gettext_lazy("File"),
    "dcat:Catalog": gettext_lazy("Catalogue"),
    "foaf:Agent": gettext_lazy("Publisher"),
    "vcard:Kind": gettext_lazy("Contact point"),
    "vcard:Organization": gettext_lazy("Contact point"),
    "dct:Location": gettext_lazy("Place"),
    "dct:PeriodOfTime": gettext_lazy("Temporal coverage"),
    "dct:LicenseDocument": gettext_lazy("Licence"),
    "dcat:Checksum": gettext_lazy("Checksum"),
}

PROPERTIES: dict[str, Promise] = {
    "dcat:contactPoint": gettext_lazy("contact point"),
    "dcat:distribution": gettext_lazy("at least one file or link"),
    "dcat:keyword": gettext_lazy("keywords"),
    "dct:publisher": gettext_lazy("publisher"),
    "dct:spatial": gettext_lazy("spatial coverage (the place the data covers)"),
    "dct:temporal": gettext_lazy("temporal coverage (the “from” and “to” dates)"),
    "dcat:theme": gettext_lazy("theme"),
    "dct:title": gettext_lazy("title"),
    "dct:description": gettext_lazy("description"),
    "dct:format": gettext_lazy("format"),
    "dct:license": gettext_lazy("licence"),
    "dcatap:availability": gettext_lazy("availability (how long the file will stay online)"),
    "dct:type": gettext_lazy("type"),
    "dcat:bbox": gettext_lazy("bounding box (the member city's coordinates)"),
    "dcat:centroid": gettext_lazy("centre point (the member city's coordinates)"),
    "dcat:startDate": gettext_lazy("start date"),
    "dcat:endDate": gettext_lazy("end date"),
    "dcat:accessURL": gettext_lazy("address of the file"),
    "dcat:downloadURL": gettext_lazy("download address"),
    "dcat:byteSize": gettext_lazy("size in bytes"),
    "dcat:mediaType": gettext_lazy("media type"),
    "dct:issued": gettext_lazy("date of issue"),
    "dct:modified": gettext_lazy("date of last modification"),
    "dct:accrualPeriodicity": gettext_lazy("update frequency"),
    "dct:language": gettext_lazy("language"),
    "dcat:landingPage": gettext_lazy("landing page"),
    "foaf:name": gettext_lazy("name"),
    "vcard:hasEmail": gettext_lazy("e-mail address"),
    "vcard:fn": gettext_lazy("name"),
    "spdx:checksum": gettext_lazy("checksum"),
}


def finding(kind: str, path: str, constraint: str) -> dict[str, str]:
    """What is stored for one SHACL result (`Dataset.dcat_errors` / `dcat_warnings`)."""
    return {"kind": kind, "path": path, "constraint": constraint.removeprefix("sh:")}


def finding_text(item: Any) -> str:
    """One finding as a sentence in the active language. Older checks stored English text:
    shown as they are until the dataset's next check replaces them."""
    if not isinstance(item, dict):
        return str(item)
    subject = str(SUBJECTS.get(item.get("kind", ""), item.get("kind") or _("Dataset")))
    path = item.get("path", "")
    # A property we have no words for: its local name, never its IRI.
    prop = str(PROPERTIES.get(path) or re.split(r"[:#/]", path)[-1])
    constraint = item.get("constraint", "")
    if constraint == "MinCountConstraintComponent":
        return _("%(subject)s — to fill in: %(property)s.") % {
            "subject": subject,
            "property": prop,
        }
    if constraint == "MaxCountConstraintComponent":
        return _("%(subject)s — only one value expected: %(property)s.") % {
            "subject": subject,
            "property": prop,
        }
    if not path:
        return _("%(subject)s — to complete as DCAT-AP asks.") % {"subject": subject}
    return _("%(subject)s — value to correct: %(property)s.") % {
        "subject": subject,
        "property": prop,
    }


def findings_text(items: list[Any]) -> list[str]:
    return [finding_text(item) for item in items]
