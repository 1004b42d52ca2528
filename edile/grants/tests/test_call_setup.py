"""Staff set up the programme: calls with rules and scoring grid validated by JSON Schema in
the API, the staff pages and the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from edile.grants.models import Call
from edile.grants.tests.factories import make_call

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "title_fr": "Appel 2027",
    "title_en": "2027 call",
    "year": 2027,
    "envelope": "500000",
    "opens_on": "2027-01-01",
    "closes_on": "2027-03-31",
    "sectors": ["14030"],
    "rules": {"max_grant": "100000", "min_cofinancing_share": "0.3"},
    "criteria": [
        {"code": "impact", "label_fr": "Impact", "label_en": "Impact", "weight": 1, "max": 5}
    ],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rules": {"max_grnt": "10"}}, "Unknown rule key “max_grnt”"),
        ({"rules": {"min_cofinancing_share": "30"}}, "min_cofinancing_share: “30” is not allowed"),
        ({"rules": {"min_cofinancing_share": 1.5}}, "min_cofinancing_share: “1.5” is not allowed"),
        ({"rules": {"max_grant": "-150000"}}, "max_grant: “-150000” is not allowed"),
        ({"rules": {"max_grant": -5}}, "max_grant: “-5” is not allowed"),
        (
            {"criteria": [{"code": "impact", "label_fr": "Impact", "weight": 0, "max": 5}]},
            "Criterion 1, weight: “0” is not allowed",
        ),
        (
            {"criteria": [{"code": "impact", "label_fr": "Impact", "weight": 1, "max": 5, "x": 1}]},
            "Unknown criterion key “x”",
        ),
        ({"sectors": ["99999"]}, "“99999” is not an active DAC 5-digit purpose code."),
    ],
)
def test_api_refuses_bad_rules_with_a_message(client_as, change, message):
    """`{"max_grnt": "10"}` used to be saved; impossible shares, negative amounts and weight 0
    are refused too, with a message saying what to write."""
    staff = client_as("secretariat")
    response = staff.post(
        "/api/v1/grants/calls",
        {**PAYLOAD, **change},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    assert message in " ".join([response.json()["detail"], *response.json().get("errors", [])])
    assert not Call.objects.exists()


def test_admin_form_checks_the_same_schema():
    """The admin (ModelForm → Model.full_clean → Call.clean) saved sector 99999, a share of
    "30", a negative maximum and a criterion of weight 0; now each is refused."""
    call = make_call(
        sectors=["99999"],
        rules={"min_cofinancing_share": "30", "max_grant": "-1"},
        criteria=[{"code": "a", "label_fr": "A", "weight": 0, "max": 5}],
    )
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    errors = refused.value.message_dict
    assert set(errors) == {"rules", "criteria", "sectors"}
    assert any("min_cofinancing_share" in e for e in errors["rules"])
    assert any("max_grant" in e for e in errors["rules"])


def test_staff_open_and_edit_a_call_from_the_pages(client_as):
    """The secretariat opens a call from a page (rules and grid as form fields), then edits
    it; a focal point gets 403."""
    staff = client_as("secretariat")
    assert staff.get("/en/grants/staff/calls/").status_code == 200
    form = {
        "slug": "appel-2028",
        "title_fr": "Appel 2028",
        "title_en": "2028 call",
        "year": "2028",
        "envelope": "900000",
        "currency": "EUR",
        "opens_on": "2028-01-01",
        "closes_on": "2028-03-31",
        "sectors": "14030, 11120",
        "good_standing": "on",
        "max_grant": "150000",
        "min_cofinancing_share": "30",
        "min_reviews": "2",
        "deciding_bodies": "bureau",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-code": "relevance",
        "criteria-0-label_fr": "Pertinence",
        "criteria-0-label_en": "Relevance",
        "criteria-0-weight": "3",
        "criteria-0-max": "5",
    }
    response = staff.post("/en/grants/staff/calls/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(slug="appel-2028")
    assert call.rules["min_cofinancing_share"] == "0.3"
    assert call.rules["max_grant"] == "150000.00"
    assert call.criteria == [
        {
            "code": "relevance",
            "label_fr": "Pertinence",
            "label_en": "Relevance",
            "weight": 3,
            "max": 5,
        }
    ]
    bad = {**form, "version": call.version, "min_cofinancing_share": "130"}
    response = staff.post(f"/en/grants/staff/calls/{call.slug}/edit/", bad)
    assert response.status_code == 400
    edit = {**form, "version": call.version, "envelope": "950000"}
    assert staff.post(f"/en/grants/staff/calls/{call.slug}/edit/", edit).status_code == 302
    call.refresh_from_db()
    assert str(call.envelope) == "950000.00"
    assert client_as("focal_point").get("/en/grants/staff/calls/").status_code == 403
    assert call.closes_on == dt.date(2028, 3, 31)


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


def test_staff_keep_partners_from_a_page(client_as):
    """Partners are kept from a page (the secretariat got 403 in the admin): a city's own
    government is a partner too; a made-up IATI identifier is refused."""
    from edile.grants.models import Partner

    staff = client_as("secretariat")
    assert staff.get("/en/grants/staff/partners/").status_code == 200
    bad = staff.post(
        "/en/grants/staff/partners/",
        {"name_fr": "Ville de Dakar", "org_type": "11", "iati_ref": "not an id"},
    )
    assert bad.status_code == 400 and "not an IATI organisation identifier" in bad.content.decode()
    ok = staff.post(
        "/en/grants/staff/partners/",
        {
            "name_fr": "Ville de Dakar (fonds propres)",
            "name_en": "City of Dakar (own funds)",
            "org_type": "11",
        },
    )
    assert ok.status_code == 302
    partner = Partner.objects.get(slug="city-of-dakar-own-funds")
    assert partner.org_type == "11"
    assert client_as("focal_point").get("/en/grants/staff/partners/").status_code == 403


def test_ecb_reference_rates_imported(client_as):
    """The ECB's daily and historical CSV files are imported as euros per unit."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from edile.grants.models import ExchangeRate

    staff = client_as("secretariat")
    for name in ("eurofxref.csv", "eurofxref-hist.csv"):
        upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), "text/csv")
        response = staff.post("/en/grants/staff/rates/", {"import": "1", "file": upload})
        assert response.status_code == 302
    usd = ExchangeRate.objects.get(currency="USD", date=dt.date(2026, 11, 28))
    assert usd.eur_per_unit == (Decimal(1) / Decimal("1.05")).quantize(Decimal("0.00000001"))
    assert ExchangeRate.objects.filter(currency="JPY").count() == 3
    assert not ExchangeRate.objects.filter(currency="CYP").exists()  # N/A cells skipped
    bad = SimpleUploadedFile("x.csv", b"currency,rate\nUSD,1\n", "text/csv")
    response = staff.post("/en/grants/staff/rates/", {"import": "1", "file": bad})
    assert response.status_code == 400 and "first column must be" in response.content.decode()
