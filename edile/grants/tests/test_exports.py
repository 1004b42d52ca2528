"""Open data: IATI 2.03 valid against the XSD, codes and rules checked; 360Giving valid
against its JSON Schema with formats checked; CSV and XLSX of the lists."""

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from openpyxl import load_workbook
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from edile.grants import codelists, exports
from edile.grants.models import Disbursement, IndicatorValue, ProgressReport, Tranche
from edile.grants.tests.factories import TODAY, make_grant

pytestmark = pytest.mark.django_db


def _shared() -> Path:
    candidate = Path(__file__).resolve().parents[3].parent / "shared"
    return candidate if candidate.exists() else Path("/work/shared")


SHARED = _shared()


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SHARED / "standards/iati/iati-activities-schema.xsd")))


@pytest.fixture(scope="module")
def giving_validator():
    base = SHARED / "standards/360giving"
    grant = json.loads((base / "360-giving-schema.json").read_text())
    package = json.loads((base / "360-giving-package-schema.json").read_text())
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    # The package schema points at the grant schema by its 1.4.2 URL (see the folder's README).
    registry = Registry().with_resources(
        [(grant["$id"], resource), (grant["$id"].replace("1.4.3", "1.4.2"), resource)]
    )
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _full_grant():
    grant = make_grant()
    grant.agreement_signed_on = TODAY - dt.timedelta(days=20)
    grant.save()
    tranche = Tranche.objects.create(
        grant=grant,
        number=1,
        amount=Decimal("60000"),
        due_on=TODAY - dt.timedelta(days=10),
        status="paid",
    )
    Tranche.objects.create(
        grant=grant, number=2, amount=Decimal("40000"), due_on=TODAY + dt.timedelta(days=200)
    )
    Disbursement.objects.create(
        grant=grant, tranche=tranche, amount=Decimal("60000"), paid_on=TODAY - dt.timedelta(days=5)
    )
    grant.disbursed = Decimal("60000")
    grant.save()
    report = ProgressReport.objects.create(
        grant=grant, title="Interim", due_on=TODAY, status="accepted"
    )
    IndicatorValue.objects.create(
        report=report, indicator=grant.application.indicators.get(), value=Decimal("12")
    )
    return grant


def test_iati_export_valid_against_xsd_with_fr_and_en(client, iati_schema):
    """The IATI file validates against the 2.03 XSD and carries French and English narratives."""
    grants = [_full_grant() for _ in range(3)]
    response = client.get("/api/v1/grants/iati-activities.xml")
    assert response.status_code == 200 and response.streaming
    doc = etree.fromstring(b"".join(response.streaming_content))
    assert iati_schema.validate(doc), iati_schema.error_log
    activities = doc.findall("iati-activity")
    assert len(activities) == len(grants)
    first = activities[0]
    assert first.findtext("iati-identifier").startswith(exports.REPORTING_ORG_REF + "-")
    langs = {n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in first.find("title")}
    assert langs == {None, "en"}
    assert [t.find("transaction-type").get("code") for t in first.findall("transaction")] == [
        "2",
        "3",
    ]
    assert first.find("result/indicator/period/actual").get("value") == "12"
    assert {p.get("role") for p in first.findall("participating-org")} == {"1", "2", "4"}


def test_every_exported_code_is_an_active_iati_code(client):
    """Every @code in the file exists, active, in the matching IATI codelist."""
    _full_grant()
    doc = etree.fromstring(
        b"".join(client.get("/api/v1/grants/iati-activities.xml").streaming_content)
    )
    lists = {
        "activity-status": "ActivityStatus",
        "sector": "Sector",
        "recipient-country": "Country",
        "default-finance-type": "FinanceType",
        "default-aid-type": "AidType",
        "default-tied-status": "TiedStatus",
        "transaction-type": "TransactionType",
        "activity-scope": "ActivityScope",
    }
    for tag, list_name in lists.items():
        for element in doc.iter(tag):
            assert codelists.is_active(list_name, element.get("code")), (tag, element.get("code"))
    for element in doc.iter("participating-org"):
        assert codelists.is_active("OrganisationRole", element.get("role"))
        assert codelists.is_active("OrganisationType", element.get("type"))


def test_activity_breaking_a_rule_is_refused_with_reason(client):
    """An activity with an unknown DAC code or planned dates out of order is not published, and says why."""
    good = _full_grant()
    bad = _full_grant()
    bad.application.dac_code = "99999"
    bad.application.save()
    body = b"".join(client.get("/api/v1/grants/iati-activities.xml").streaming_content)
    doc = etree.fromstring(body)
    identifiers = [a.findtext("iati-identifier") for a in doc.findall("iati-activity")]
    assert identifiers == [f"{exports.REPORTING_ORG_REF}-{good.application.reference}"]
    assert b"Not published" in body and b"99999" in body
    problems = client.get("/api/v1/grants/iati-problems", HTTP_ACCEPT_LANGUAGE="en").json()
    assert problems[0]["reference"] == bad.application.reference
    assert "Sector codelist" in problems[0]["problems"][0]


def test_rules_checked_beyond_the_xsd():
    """Dates out of order and payments before the commitment are caught by the rule checks."""
    grant = _full_grant()
    application = grant.application
    application.end = application.start - dt.timedelta(days=1)
    Disbursement.objects.create(
        grant=grant, amount=Decimal("1"), paid_on=grant.decision.meeting_date - dt.timedelta(days=1)
    )
    activity = next(exports.activities())
    text = " ".join(exports.check_activity(exports.Activity(application, grant)))
    assert "planned end" in text and "precedes the commitment" in text
    assert activity.problems  # the queryset-based run sees the payment too


def test_360giving_package_valid_with_formats(client, giving_validator):
    """The 360Giving package validates against its schema, dates and date-times checked."""
    _full_grant()
    _full_grant()
    response = client.get("/api/v1/grants/360giving.json")
    data = json.loads(b"".join(response.streaming_content))
    errors = [e.message for e in giving_validator.iter_errors(data)]
    assert not errors, errors
    assert len(data["grants"]) == 2
    assert data["grants"][0]["disbursementTransaction"][0]["value"] == 60000.0


def test_360giving_format_checker_catches_bad_date_time(giving_validator):
    """The validator really checks formats: a malformed date-time fails."""
    grant = {
        "id": "360G-x-1",
        "title": "t",
        "description": "d",
        "currency": "EUR",
        "amountAwarded": 1,
        "awardDate": "2019-06-20",
        "recipientOrganization": [{"id": "x", "name": "y"}],
        "fundingOrganization": [{"id": "x", "name": "y"}],
        "dateModified": "yesterday",
    }
    assert list(giving_validator.iter_errors({"grants": [grant]}))


def test_project_list_csv_and_xlsx(client):
    """Funded projects download as CSV and XLSX with headers in the reader's language."""
    grant = _full_grant()
    csv_body = b"".join(client.get("/fr/grants/projects/export.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert csv_body.splitlines()[0].startswith("Reference") or csv_body.splitlines()[0].startswith(
        "Référence"
    )
    assert grant.application.reference in csv_body
    xlsx = client.get("/en/grants/projects/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "Reference"
    assert sheet.cell(2, 1).value == grant.application.reference
    assert client.get("/fr/grants/projects/export.pdf").status_code == 400
    for url in ("/fr/grants/calls/export.csv", "/fr/grants/partners/export.xlsx"):
        assert client.get(url).status_code == 200


def test_shipped_codelists_match_shared_originals():
    """The compact copy in the app equals what the IATI codelist files say."""
    assert codelists.derive(SHARED / "standards/iati/codelists") == codelists.codelists()
