"""Open data of the programme: IATI 2.03 activities (XML) and 360Giving 1.4 grants (JSON).

The IATI XSD checks structure only, so before an activity is published its codes are checked
against the IATI codelists and its content against IATI's rules; an activity that breaks one
is left out of the file, with an XML comment and `iati_problems()` saying which and why.
Both exports stream: one page of projects is in memory at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from edile.core.text import xml_safe
from edile.grants import codelists
from edile.grants.models import (
    Application,
    ApplicationStatus,
    Call,
    CoFinancing,
    Document,
    Grant,
    GrantStatus,
    IndicatorValue,
    ProgressReport,
    ReportStatus,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHUNK = 500
# The association is not yet an IATI publisher (research: open question); until it registers,
# its identifier is configurable and defaults to a clearly provisional XI-IATI one.
PLACEHOLDER_ORG_REF = "XI-IATI-EDILE"
REPORTING_ORG_REF = getattr(settings, "EDILE_IATI_REPORTING_ORG", PLACEHOLDER_ORG_REF)
# Flow type of the programme's grants (IATI FlowType; 30 = private development finance, the
# association's own funds); configurable as EDILE_IATI_FLOW_TYPE.
FLOW_TYPE = getattr(settings, "EDILE_IATI_FLOW_TYPE", "30")
SITE_URL = getattr(settings, "EDILE_SITE_URL", "https://edile.org").rstrip("/")
CONTACT_EMAIL = getattr(settings, "EDILE_IATI_CONTACT_EMAIL", "")


def reporting_org_warning() -> str:
    """A warning while the reporting organisation's identifier is the provisional one."""
    if REPORTING_ORG_REF == PLACEHOLDER_ORG_REF:
        return _(
            "The reporting organisation identifier is the placeholder %(ref)s: register the "
            "association as an IATI publisher and set EDILE_IATI_REPORTING_ORG before "
            "publishing this file."
        ) % {"ref": PLACEHOLDER_ORG_REF}
    return ""


REPORTING_ORG_TYPE = "21"  # International NGO
REPORTING_ORG_NAME = {
    "fr": "Association internationale des maires francophones",
    "en": "International Association of Francophone Mayors",
}
LOCAL_GOVERNMENT_TYPE = "11"


@dataclass
class Activity:
    """What one IATI activity needs, gathered from prefetched records (no queries)."""

    application: Application
    grant: Grant
    problems: list[str] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return f"{REPORTING_ORG_REF}-{self.application.reference}"


def export_queryset() -> QuerySet[Application]:
    """Approved projects with everything the exports read, in a constant number of queries."""
    return (
        Application.objects.filter(status=ApplicationStatus.APPROVED, grant__isnull=False)
        .select_related("local_government", "call", "grant", "grant__decision")
        .prefetch_related(
            Prefetch("cofinancing", queryset=CoFinancing.objects.select_related("partner")),
            "indicators",
            Prefetch("documents", queryset=Document.objects.filter(is_public=True)),
            "grant__disbursements",
            "grant__tranches",
            Prefetch(
                "grant__reports",
                queryset=ProgressReport.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.all())
                ),
            ),
        )
        .order_by("pk")
    )


def activity_status(grant: Grant) -> str:
    if grant.status == GrantStatus.CLOSED:
        return "4"
    if grant.status == GrantStatus.SUSPENDED:
        return "6"
    return "2" if grant.agreement_signed_on else "1"


def budgets(grant: Grant, application: Application) -> list[tuple[dt.date, dt.date, Decimal]]:
    """One budget per calendar year of the tranche plan (IATI: a period is at most a year)."""
    per_year: dict[int, Decimal] = {}
    for tranche in grant.tranches.all():
        per_year[tranche.due_on.year] = (
            per_year.get(tranche.due_on.year, Decimal(0)) + tranche.amount
        )
    planned = sum(per_year.values(), Decimal(0))
    decision_year = grant.decision.meeting_date.year
    if planned < grant.amount:
        per_year[decision_year] = per_year.get(decision_year, Decimal(0)) + grant.amount - planned
    return [(dt.date(y, 1, 1), dt.date(y, 12, 31), v) for y, v in sorted(per_year.items())]


def check_activity(activity: Activity, today: dt.date | None = None) -> list[str]:
    """IATI codes and rules the XSD does not check; each problem says what and why."""
    today = today or dt.date.today()
    a, g = activity.application, activity.grant
    problems = []
    codes = [
        ("ActivityStatus", activity_status(g)),
        ("Sector", a.dac_code),
        ("Country", a.local_government.country.code),
        ("Currency", g.currency),
        ("OrganisationType", REPORTING_ORG_TYPE),
        ("OrganisationType", LOCAL_GOVERNMENT_TYPE),
        ("FinanceType", "110"),
        ("AidType", "C01"),
        ("TiedStatus", "5"),
        ("ActivityScope", "7"),
        ("FlowType", FLOW_TYPE),
    ] + [("OrganisationType", c.partner.org_type) for c in a.cofinancing.all()]
    for list_name, code in codes:
        if not codelists.is_active(list_name, code):
            problems.append(
                _("Code “%(code)s” is not an active code of the IATI %(list)s codelist.")
                % {"code": code, "list": list_name}
            )
    if not activity.identifier.startswith(REPORTING_ORG_REF + "-"):
        problems.append(_("The identifier does not start with the reporting organisation's."))
    # One sector, vocabulary 1, at 100%: the percentages add up by construction; say so if not.
    sector_total = 100
    if sector_total != 100:
        problems.append(_("Sector percentages do not add up to 100."))
    if a.end < a.start:
        problems.append(
            _("The planned end (%(end)s) is before the planned start (%(start)s).")
            % {"end": a.end, "start": a.start}
        )
    if g.agreement_signed_on and g.agreement_signed_on > today:
        problems.append(_("The actual start date is in the future."))
    paid = Decimal(0)
    for payment in g.disbursements.all():
        paid += payment.amount
        if payment.paid_on > today:
            problems.append(
                _("A disbursement (%(date)s) is dated in the future.") % {"date": payment.paid_on}
            )
        if payment.paid_on < g.decision.meeting_date:
            problems.append(
                _("A disbursement (%(date)s) precedes the commitment.") % {"date": payment.paid_on}
            )
    if paid > g.amount:
        problems.append(_("Disbursements exceed the commitment."))
    for start, end, _value in budgets(g, a):
        if (end - start).days > 366:
            problems.append(_("A budget period is longer than a year."))
    for indicator in a.indicators.all():
        if indicator.baseline is None or indicator.target is None:
            problems.append(
                _("Indicator “%(name)s” needs a baseline and a target.") % {"name": indicator.name}
            )
    if not (a.title_fr or a.title_en):
        problems.append(_("The activity has no title."))
    return problems


def _narratives(parent: Any, tag: str, texts: dict[str, str], **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, **attrs)
    written = False
    for lang in ("fr", "en"):
        # Data typed before control characters were stripped on save must not stop the file.
        text = xml_safe(texts.get(lang) or "").strip()
        if not text:
            continue
        narrative = etree.SubElement(element, "narrative")
        if lang != "fr":  # French is the activity's default language
            narrative.set(XML_LANG, lang)
        narrative.text = text
        written = True
    if not written:
        etree.SubElement(element, "narrative").text = "-"
    return element


def _value(parent: Any, amount: Decimal, currency: str, value_date: dt.date) -> None:
    value = etree.SubElement(
        parent, "value", currency=currency, **{"value-date": value_date.isoformat()}
    )
    value.text = f"{amount:.2f}"


def activity_element(activity: Activity) -> Any:
    a, g = activity.application, activity.grant
    lg = a.local_government
    root = etree.Element(
        "iati-activity",
        {
            XML_LANG: "fr",
            "default-currency": g.currency,
            "hierarchy": "2",
            "last-updated-datetime": a.updated_at.replace(microsecond=0).isoformat(),
        },
    )
    etree.SubElement(root, "iati-identifier").text = activity.identifier
    _narratives(
        root, "reporting-org", REPORTING_ORG_NAME, ref=REPORTING_ORG_REF, type=REPORTING_ORG_TYPE
    )
    _narratives(root, "title", {"fr": a.title_fr, "en": a.title_en})
    _narratives(root, "description", {"fr": a.summary_fr, "en": a.summary_en}, type="1")
    _narratives(
        root,
        "participating-org",
        REPORTING_ORG_NAME,
        ref=REPORTING_ORG_REF,
        type=REPORTING_ORG_TYPE,
        role="1",
    )
    seen = set()
    for line in a.cofinancing.all():
        partner = line.partner
        if partner.pk in seen or line.status == "sought":
            continue
        seen.add(partner.pk)
        attrs = {"role": "1", "type": partner.org_type}
        if partner.iati_ref:
            attrs["ref"] = partner.iati_ref
        _narratives(
            root, "participating-org", {"fr": partner.name_fr, "en": partner.name_en}, **attrs
        )
    _narratives(
        root,
        "participating-org",
        {"fr": lg.name_fr, "en": lg.name_en},
        role="2",
        type=LOCAL_GOVERNMENT_TYPE,
    )
    _narratives(
        root,
        "participating-org",
        {"fr": lg.name_fr, "en": lg.name_en},
        role="4",
        type=LOCAL_GOVERNMENT_TYPE,
    )
    etree.SubElement(root, "activity-status", code=activity_status(g))
    etree.SubElement(root, "activity-date", type="1", **{"iso-date": a.start.isoformat()})
    if g.agreement_signed_on:
        etree.SubElement(
            root, "activity-date", type="2", **{"iso-date": g.agreement_signed_on.isoformat()}
        )
    etree.SubElement(root, "activity-date", type="3", **{"iso-date": a.end.isoformat()})
    _contact_info(root)
    etree.SubElement(root, "activity-scope", code="7")
    etree.SubElement(root, "recipient-country", code=lg.country.code, percentage="100")
    if a.latitude is not None and a.longitude is not None:
        location = etree.SubElement(root, "location")
        _narratives(
            location,
            "name",
            {"fr": a.location_name or lg.name_fr, "en": a.location_name or lg.name_en},
        )
        point = etree.SubElement(
            location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326"
        )
        etree.SubElement(point, "pos").text = f"{a.latitude} {a.longitude}"
    etree.SubElement(root, "sector", vocabulary="1", code=a.dac_code, percentage="100")
    etree.SubElement(root, "default-flow-type", code=FLOW_TYPE)
    etree.SubElement(root, "default-finance-type", code="110")
    etree.SubElement(root, "default-aid-type", code="C01", vocabulary="1")
    etree.SubElement(root, "default-tied-status", code="5")
    for start, end, amount in budgets(g, a):
        budget = etree.SubElement(root, "budget", type="1", status="2")
        etree.SubElement(budget, "period-start", **{"iso-date": start.isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": end.isoformat()})
        _value(budget, amount, g.currency, start)
    for tranche in g.tranches.all():
        if tranche.status == "paid":
            continue
        planned = etree.SubElement(root, "planned-disbursement", type="1")
        etree.SubElement(planned, "period-start", **{"iso-date": tranche.due_on.isoformat()})
        _value(planned, tranche.amount, g.currency, tranche.due_on)
    transactions = [("2", g.decision.meeting_date, g.amount)] + [
        ("3", p.paid_on, p.amount) for p in g.disbursements.all()
    ]
    for kind, date, amount in transactions:
        transaction = etree.SubElement(root, "transaction")
        etree.SubElement(transaction, "transaction-type", code=kind)
        etree.SubElement(transaction, "transaction-date", **{"iso-date": date.isoformat()})
        _value(transaction, amount, g.currency, date)
        _narratives(
            transaction,
            "provider-org",
            REPORTING_ORG_NAME,
            ref=REPORTING_ORG_REF,
            type=REPORTING_ORG_TYPE,
        )
        _narratives(
            transaction,
            "receiver-org",
            {"fr": lg.name_fr, "en": lg.name_en},
            type=LOCAL_GOVERNMENT_TYPE,
        )
    _document_links(root, a)
    etree.SubElement(
        root, "related-activity", ref=programme_identifier(a.call), type="1"
    )  # the programme (parent)
    conditions = [t for t in g.tranches.all() if t.condition or t.conditions]
    element = etree.SubElement(root, "conditions", attached="1" if conditions else "0")
    for tranche in conditions:
        text = tranche.condition or ", ".join(c["kind"] for c in tranche.conditions)
        _narratives(
            element,
            "condition",
            {"fr": f"Tranche {tranche.number} : {text}", "en": f"Tranche {tranche.number}: {text}"},
            type="1",
        )
    reports = sorted(
        (r for r in g.reports.all() if r.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)),
        key=lambda r: (r.due_on, r.pk),
    )
    for indicator in a.indicators.all():
        result = etree.SubElement(root, "result", type=indicator.result_type)
        _narratives(result, "title", {"fr": indicator.name_fr, "en": indicator.name_en})
        element = etree.SubElement(result, "indicator", measure="1")
        _narratives(
            element,
            "title",
            {
                "fr": f"{indicator.name_fr} ({indicator.unit})",
                "en": f"{indicator.name_en} ({indicator.unit})",
            },
        )
        etree.SubElement(
            element, "baseline", year=str(a.start.year), value=f"{indicator.baseline.normalize():f}"
        )
        # One period per report (from the end of the previous one), with the value it gave;
        # without any report yet, one period over the project with its target.
        start = a.start
        periods = []
        for report in reports:
            value = next(
                (v.value for v in report.values.all() if v.indicator_id == indicator.pk), None
            )
            if value is None:
                continue
            periods.append((min(start, report.due_on), report.due_on, value))
            start = max(start, report.due_on + dt.timedelta(days=1))
        if not periods:
            periods = [(a.start, a.end, None)]
        for period_start, period_end, actual in periods:
            period = etree.SubElement(element, "period")
            etree.SubElement(period, "period-start", **{"iso-date": period_start.isoformat()})
            etree.SubElement(period, "period-end", **{"iso-date": period_end.isoformat()})
            etree.SubElement(period, "target", value=f"{indicator.target.normalize():f}")
            if actual is not None:
                etree.SubElement(period, "actual", value=f"{actual.normalize():f}")
    return root


def _contact_info(root: Any) -> None:
    contact = etree.SubElement(root, "contact-info", type="1")
    _narratives(contact, "organisation", REPORTING_ORG_NAME)
    if CONTACT_EMAIL:
        etree.SubElement(contact, "email").text = CONTACT_EMAIL
    etree.SubElement(contact, "website").text = SITE_URL + "/"


FORMATS = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def _document_links(root: Any, a: Application) -> None:
    """The public project page, then each document marked public (never a private one)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("fr"):
        page = reverse("grants:project_detail", kwargs={"reference": a.reference})
    link = etree.SubElement(root, "document-link", url=SITE_URL + page, format="text/html")
    _narratives(link, "title", {"fr": a.title_fr, "en": a.title_en})
    etree.SubElement(link, "category", code="A12")
    etree.SubElement(link, "language", code="fr")
    for document in a.documents.all():
        if not document.is_public:
            continue
        suffix = (
            "." + document.file.name.rsplit(".", 1)[-1].lower() if "." in document.file.name else ""
        )
        with translation.override("fr"):
            url = SITE_URL + reverse("grants:document_download", kwargs={"pk": document.pk})
        link = etree.SubElement(
            root, "document-link", url=url, format=FORMATS.get(suffix, "application/octet-stream")
        )
        _narratives(link, "title", {"fr": document.title, "en": document.title})
        etree.SubElement(link, "category", code="A01")
        etree.SubElement(
            link, "document-date", **{"iso-date": document.created_at.date().isoformat()}
        )


def programme_identifier(call: Call) -> str:
    return f"{REPORTING_ORG_REF}-{call.slug}"


def programme_element(call: Call, children: list[Application]) -> Any:
    """The call as the parent activity (hierarchy 1) of its projects."""
    root = etree.Element(
        "iati-activity",
        {
            XML_LANG: "fr",
            "default-currency": call.currency,
            "hierarchy": "1",
            "last-updated-datetime": call.updated_at.replace(microsecond=0).isoformat(),
        },
    )
    etree.SubElement(root, "iati-identifier").text = programme_identifier(call)
    _narratives(
        root, "reporting-org", REPORTING_ORG_NAME, ref=REPORTING_ORG_REF, type=REPORTING_ORG_TYPE
    )
    _narratives(root, "title", {"fr": call.title_fr, "en": call.title_en})
    _narratives(
        root,
        "description",
        {"fr": call.description_fr or call.title_fr, "en": call.description_en or call.title_en},
        type="1",
    )
    _narratives(
        root,
        "participating-org",
        REPORTING_ORG_NAME,
        ref=REPORTING_ORG_REF,
        type=REPORTING_ORG_TYPE,
        role="1",
    )
    etree.SubElement(root, "activity-status", code="2")
    etree.SubElement(root, "activity-date", type="1", **{"iso-date": call.opens_on.isoformat()})
    end = max((c.end for c in children), default=call.closes_on)
    etree.SubElement(root, "activity-date", type="3", **{"iso-date": end.isoformat()})
    _contact_info(root)
    etree.SubElement(root, "activity-scope", code="4")
    etree.SubElement(root, "recipient-region", code="998", vocabulary="1", percentage="100")
    granted: dict[str, Decimal] = {}
    for child in children:
        granted[child.dac_code] = granted.get(child.dac_code, Decimal(0)) + child.grant.amount
    total = sum(granted.values(), Decimal(0))
    if total:
        shares = {
            code: (amount * 100 / total).quantize(Decimal("0.01"))
            for code, amount in granted.items()
        }
        # The percentages must add up to exactly 100: the rounding goes to the largest share.
        largest = max(shares, key=lambda code: shares[code])
        shares[largest] += Decimal(100) - sum(shares.values())
        for code, share in sorted(shares.items()):
            etree.SubElement(root, "sector", vocabulary="1", code=code, percentage=f"{share:f}")
    etree.SubElement(root, "default-flow-type", code=FLOW_TYPE)
    etree.SubElement(root, "default-finance-type", code="110")
    etree.SubElement(root, "default-aid-type", code="C01", vocabulary="1")
    etree.SubElement(root, "default-tied-status", code="5")
    budget = etree.SubElement(root, "budget", type="1", status="2")
    etree.SubElement(budget, "period-start", **{"iso-date": dt.date(call.year, 1, 1).isoformat()})
    etree.SubElement(budget, "period-end", **{"iso-date": dt.date(call.year, 12, 31).isoformat()})
    _value(budget, call.envelope, call.currency, dt.date(call.year, 1, 1))
    for child in children:
        etree.SubElement(
            root, "related-activity", ref=f"{REPORTING_ORG_REF}-{child.reference}", type="2"
        )
    return root


def activities(queryset: QuerySet[Application] | None = None) -> Iterator[Activity]:
    for application in (queryset or export_queryset()).iterator(chunk_size=CHUNK):
        activity = Activity(application, application.grant)
        activity.problems = check_activity(activity)
        yield activity


def iati_problems() -> list[dict[str, Any]]:
    """Activities the export refuses to publish, with every reason."""
    return [
        {"identifier": a.identifier, "reference": a.application.reference, "problems": a.problems}
        for a in activities()
        if a.problems
    ]


def iati_xml_chunks(queryset: QuerySet[Application] | None = None) -> Iterator[bytes]:
    """The IATI activities file, piece by piece: memory stays flat as projects grow."""
    now = timezone.now().replace(microsecond=0).isoformat()
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="2.03" generated-datetime="{now}">\n'
    ).encode()
    warning = reporting_org_warning()
    if warning:
        yield f"<!-- {warning.replace('--', '- -')} -->\n".encode()
    calls = Call.objects.filter(
        applications__status=ApplicationStatus.APPROVED, applications__grant__isnull=False
    )
    if queryset is not None:
        calls = calls.filter(applications__in=queryset)
    for call in calls.distinct().order_by("year", "pk"):
        # Only the projects that are published are the programme's children.
        children = [
            activity.application
            for activity in activities(export_queryset().filter(call=call))
            if not activity.problems
        ]
        if children:
            yield etree.tostring(
                programme_element(call, children), encoding="UTF-8", pretty_print=True
            )
    for activity in activities(queryset):
        if activity.problems:
            reasons = "; ".join(activity.problems).replace("--", "- -")
            yield f"<!-- Not published: {activity.identifier}: {reasons} -->\n".encode()
            continue
        yield etree.tostring(activity_element(activity), encoding="UTF-8", pretty_print=True)
    yield b"</iati-activities>\n"


# --- 360Giving ------------------------------------------------------------------------------

GIVING_PREFIX = getattr(settings, "EDILE_360GIVING_PREFIX", "360G-edile")


def grant_record(application: Application) -> dict[str, Any]:
    g = application.grant
    lg = application.local_government
    location_id = f"{GIVING_PREFIX}-loc-{lg.slug}"
    recipient_location: dict[str, Any] = {
        "id": location_id,
        "countryCode": lg.country.code,
        "name": lg.name,
    }
    if lg.latitude is not None and lg.longitude is not None:
        recipient_location.update(latitude=float(lg.latitude), longitude=float(lg.longitude))
    record: dict[str, Any] = {
        "id": f"{GIVING_PREFIX}-{application.reference}",
        "title": application.title_en or application.title_fr,
        "description": application.summary_en or application.summary_fr or application.title_fr,
        "currency": g.currency,
        "amountAwarded": float(g.amount),
        "amountAppliedFor": float(application.grant_requested),
        "amountDisbursed": float(g.disbursed),
        "awardDate": g.decision.meeting_date.isoformat(),
        "fromOpenCall": "Yes",
        "recipientOrganization": [
            {
                "id": f"{GIVING_PREFIX}-city-{lg.slug}",
                "name": lg.name,
                "organisationType": "Local Government",
                "location": [recipient_location],
            }
        ],
        "fundingOrganization": [{"id": REPORTING_ORG_REF, "name": REPORTING_ORG_NAME["en"]}],
        "plannedDates": [
            {"startDate": application.start.isoformat(), "endDate": application.end.isoformat()}
        ],
        "grantProgramme": [
            {
                "code": application.call.slug,
                "title": application.call.title_en or application.call.title_fr,
            }
        ],
        "classifications": [
            {
                "vocabulary": "OECD-DAC-CRS",
                "code": application.dac_code,
                "title": codelists.label("Sector", application.dac_code),
            }
        ],
        "beneficiaryLocation": [
            {"id": location_id, "name": lg.name, "countryCode": lg.country.code}
        ],
        # 1.4.3: the location scope belongs to the grant, not to a location.
        "locationScope": "GLS050",
        "relatedActivity": [f"{REPORTING_ORG_REF}-{application.reference}"],
        "dateModified": application.updated_at.replace(microsecond=0).isoformat(),
        "dataSource": "https://edile.org/api/v1/grants/360giving.json",
    }
    record["commitmentTransaction"] = [
        {
            "id": f"{GIVING_PREFIX}-{application.reference}-c",
            "transactionDate": g.decision.meeting_date.isoformat(),
            "value": float(g.amount),
            "currency": g.currency,
        }
    ]
    if g.disbursements.all():
        record["disbursementTransaction"] = [
            {
                "id": f"{GIVING_PREFIX}-{application.reference}-d{p.pk}",
                "transactionDate": p.paid_on.isoformat(),
                "value": float(p.amount),
                "currency": g.currency,
            }
            for p in g.disbursements.all()
        ]
    return record


def giving_json_chunks(queryset: QuerySet[Application] | None = None) -> Iterator[str]:
    """The 360Giving package, streamed one grant at a time."""
    header = {
        "version": "1.4",
        "title": "Édile: support programme for city projects",
        "issued": timezone.now().replace(microsecond=0).isoformat(),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"identifier": REPORTING_ORG_REF, "name": REPORTING_ORG_NAME["en"]},
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "grants": ['
    first = True
    for activity in activities(queryset):
        if activity.problems:
            continue
        yield ("" if first else ",\n") + json.dumps(
            grant_record(activity.application), ensure_ascii=False
        )
        first = False
    yield "]}\n"
