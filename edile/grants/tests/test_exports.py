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
    activities = doc.findall("iati-activity[@hierarchy='2']")  # the projects (1: programmes)
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
    identifiers = [
        a.findtext("iati-identifier") for a in doc.findall("iati-activity[@hierarchy='2']")
    ]
    assert identifiers == [f"{exports.REPORTING_ORG_REF}-{good.application.reference}"]
    # The refused project's programme is not published either (it would have no child).
    assert len(doc.findall("iati-activity[@hierarchy='1']")) == 1
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
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(1, 1).value == "Reference"
    assert sheet.cell(2, 1).value == grant.application.reference
    assert client.get("/fr/grants/projects/export.pdf").status_code == 400
    for url in ("/fr/grants/calls/export.csv", "/fr/grants/partners/export.xlsx"):
        assert client.get(url).status_code == 200


def test_shipped_codelists_match_shared_originals():
    """The compact copy in the app equals what the IATI codelist files say."""
    assert codelists.derive(SHARED / "standards/iati/codelists") == codelists.codelists()


def _additional_fields(data, schema, defs, path=""):
    """Every key the 360Giving schema does not define (what its data-quality tool reports as
    "additional fields")."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].split("/")[-1]]
    found = []
    if isinstance(data, dict):
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key not in properties:
                found.append(f"{path}/{key}")
            else:
                found += _additional_fields(value, properties[key], defs, f"{path}/{key}")
    elif isinstance(data, list) and "items" in schema:
        for item in data:
            found += _additional_fields(item, schema["items"], defs, path)
    return found


def test_360giving_has_no_additional_field_and_no_missing_id(client):
    """lib360dataquality found `beneficiaryLocation/locationScope` as an additional field 14
    times (it is a grant field in 1.4.3) and 28 missing location ids."""
    _full_grant()
    grant_schema = json.loads((SHARED / "standards/360giving/360-giving-schema.json").read_text())
    data = json.loads(b"".join(client.get("/api/v1/grants/360giving.json").streaming_content))
    for record in data["grants"]:
        assert _additional_fields(record, grant_schema, grant_schema["$defs"]) == []
        assert record["locationScope"] == "GLS050"
        locations = record["beneficiaryLocation"] + [
            loc for org in record["recipientOrganization"] for loc in org["location"]
        ]
        assert all(loc.get("id") for loc in locations)


def test_iati_has_links_contact_conditions_flow_type_periods_and_parent(client, iati_schema):
    """The IATI file lacked document-link, contact-info, conditions, default-flow-type, had one
    result period only and no parent activity; it warns while the reporting-org id is the
    placeholder."""
    from django.core.files.base import ContentFile

    from edile.grants.models import Document

    grant = _full_grant()
    application = grant.application
    Tranche.objects.filter(grant=grant, number=2).update(condition="Interim report accepted")
    earlier = ProgressReport.objects.create(
        grant=grant, title="First", due_on=TODAY - dt.timedelta(days=90), status="accepted"
    )
    IndicatorValue.objects.create(
        report=earlier, indicator=application.indicators.get(), value=Decimal("5")
    )
    public = Document(application=application, title="Étude de faisabilité", is_public=True)
    public.file.save("etude.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    private = Document(application=application, title="Notes internes", is_public=False)
    private.file.save("notes.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    body = b"".join(client.get("/api/v1/grants/iati-activities.xml").streaming_content)
    assert body.split(b"\n")[2].startswith(b"<!-- ") and b"EDILE_IATI_REPORTING_ORG" in body
    doc = etree.fromstring(body)
    assert iati_schema.validate(doc), iati_schema.error_log
    parent, child = doc.findall("iati-activity")
    assert parent.get("hierarchy") == "1" and child.get("hierarchy") == "2"
    child_ref = child.findtext("iati-identifier")
    assert [r.get("ref") for r in parent.findall("related-activity[@type='2']")] == [child_ref]
    assert child.find("related-activity[@type='1']").get("ref") == parent.findtext(
        "iati-identifier"
    )
    assert child.find("default-flow-type").get("code") == "30"
    assert child.find("contact-info/organisation/narrative") is not None
    links = child.findall("document-link")
    titles = [link.findtext("title/narrative") for link in links]
    assert "Étude de faisabilité" in titles and "Notes internes" not in titles
    assert child.find("conditions").get("attached") == "1"
    assert "Interim report accepted" in child.findtext("conditions/condition/narrative")
    periods = child.findall("result/indicator/period")
    assert [p.find("actual").get("value") for p in periods] == ["5", "12"]
