"""The leak matrix: confidential victims, witnesses and exact places never reach a surface
a role may not see, and nothing confidential is written to the logs."""

import datetime as dt
import logging
from decimal import Decimal

import pytest

from edile.core.testing import pdf_text
from edile.observatory.models import ConfidentialAccess
from edile.observatory.tests.factories import (
    SECRET_VICTIM,
    SECRET_WITNESS,
    make_incident,
    make_secret_incident,
)

pytestmark = pytest.mark.django_db

ROLES = [
    None,
    "public",
    "focal_point",
    "observatory_partner",
    "bureau_member",
    "secretariat",
    "delegate",
    "administrator",
]
PUBLIC_LEVEL_ROLES = {None, "public", "focal_point", "delegate"}
SECRET_CONTACT = "+223 555 0101"
EXACT = ["12.345678", "-7.654321", "12.3457", "-7.6543"]
# The public incident's place is public: members see it exactly, the public only rounded.
PUBLIC_PLACE_EXACT = ["14.123456", "3.987654", "14.1235", "3.9877"]
HIDDEN_VICTIM = "Hidden Unpublished"


@pytest.fixture
def world(db):
    """A public incident with a confidential victim, witness and place; a hidden incident."""
    secret = make_secret_incident(date=dt.date(2024, 3, 1))
    public = make_incident(
        victim_name="Open Mayor",
        witness="Open Witness",
        location="public",
        latitude=Decimal("14.123456"),
        longitude=Decimal("3.987654"),
    )
    hidden = make_incident(
        victim_name=HIDDEN_VICTIM,
        confidentiality="confidential",
        published=False,
        identity="confidential",
    )
    restricted = make_incident(
        victim_name="Restricted Mayor",
        confidentiality="restricted",
        identity="restricted",
        latitude=Decimal("14.123456"),
        longitude=Decimal("3.987654"),
    )
    return {"secret": secret, "public": public, "hidden": hidden, "restricted": restricted}


SURFACES = {
    "list page": lambda w: "/fr/observatory/incidents/",
    "list page (en)": lambda w: "/en/observatory/incidents/",
    "search by victim name": lambda w: "/fr/observatory/incidents/?q=Secretvictim",
    "search by witness name": lambda w: "/fr/observatory/incidents/?q=Hiddenwitness",
    "detail page": lambda w: f"/fr/observatory/incidents/{w['secret'].reference}/",
    "public detail page": lambda w: f"/fr/observatory/incidents/{w['public'].reference}/",
    "API list": lambda w: "/api/v1/observatory/incidents",
    "API detail": lambda w: f"/api/v1/observatory/incidents/{w['secret'].reference}",
    "API search": lambda w: "/api/v1/observatory/incidents?q=Secretvictim",
    "CSV export": lambda w: "/api/v1/observatory/incidents.csv",
    "statistics endpoint": lambda w: "/api/v1/observatory/statistics?unit=victims",
    "statistics page": lambda w: "/fr/observatory/statistics/?unit=victims",
    "map data": lambda w: "/api/v1/observatory/map?by=region",
    "map page": lambda w: "/fr/observatory/map/?by=region",
    "suggestions": lambda w: "/api/v1/observatory/suggestions?q=Secret",
    "suggestions of a witness": lambda w: "/api/v1/observatory/suggestions?q=Hidden",
    "annual report page": lambda w: "/fr/observatory/annual-report/2024/",
    "annual report PDF": lambda w: "/en/observatory/annual-report/2024.pdf",
    "index page": lambda w: "/fr/observatory/",
    "404 of a hidden incident": lambda w: f"/fr/observatory/incidents/{w['hidden'].reference}/",
    "API 404 of a hidden incident": lambda w: (
        f"/api/v1/observatory/incidents/{w['hidden'].reference}"
    ),
    "edit page of a hidden incident": lambda w: (
        f"/fr/observatory/incidents/{w['hidden'].reference}/edit/"
    ),
    "triage queue": lambda w: "/fr/observatory/triage/",
}


def _body(response):
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(response.content)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def expected_status(surface: str, role: str | None) -> int:
    """The exact answer of each surface to each role (none of them is an analyst)."""
    if surface.startswith(("404 of", "API 404 of")):
        return 404
    if surface in ("edit page of a hidden incident", "triage queue"):
        return 302 if role is None else 403
    return 200


@pytest.mark.parametrize("surface", list(SURFACES))
def test_confidential_parts_never_leak(world, client_as, caplog, surface):
    """No confidential victim, witness, contact or exact place on any surface for any role.

    Each surface answers exactly what it should (a page that moved or broke fails here, it
    does not pass for lack of content)."""
    caplog.set_level(logging.DEBUG)
    for role in ROLES:
        client = client_as(role)
        response = client.get(SURFACES[surface](world))
        assert response.status_code == expected_status(surface, role), (
            role,
            response.status_code,
        )
        body = _body(response)
        forbidden = [
            SECRET_VICTIM,
            SECRET_WITNESS,
            "Open Witness",
            SECRET_CONTACT,
            HIDDEN_VICTIM,
            EXACT[0],
            EXACT[1],
        ]
        if role in PUBLIC_LEVEL_ROLES:
            # Public surfaces coarsen even a public place: no exact or 4-decimal coordinates.
            forbidden += EXACT + PUBLIC_PLACE_EXACT + ["Restricted Mayor"]
        for text in forbidden:
            assert text not in body, f"{text!r} leaked on {surface} for {role}"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (SECRET_VICTIM, SECRET_WITNESS, SECRET_CONTACT, HIDDEN_VICTIM):
        assert text not in logged


def test_search_does_not_find_hidden_names(world, client):
    """Searching a confidential victim's or a witness's name finds nothing for the public."""
    for q in ("Secretvictim", "Hiddenwitness", "Hidden Unpublished"):
        assert client.get(f"/api/v1/observatory/incidents?q={q}").json()["count"] == 0
        assert client.get(f"/api/v1/observatory/suggestions?q={q}").json() == []


def test_annual_report_pdf_is_checked_as_text(world, client):
    """The PDF check above is meaningful: its text is readable in the bytes."""
    body = client.get("/en/observatory/annual-report/2024.pdf").content
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "Mali" in text and "Threats against a mayor" in text


def test_hidden_incident_404_is_the_same_as_a_missing_one(world, client):
    """A hidden incident answers exactly like a reference that does not exist."""
    hidden = client.get(f"/fr/observatory/incidents/{world['hidden'].reference}/")
    missing = client.get("/fr/observatory/incidents/OBS-00000000/")
    assert hidden.status_code == missing.status_code == 404
    api_hidden = client.get(f"/api/v1/observatory/incidents/{world['hidden'].reference}")
    api_missing = client.get("/api/v1/observatory/incidents/OBS-00000000")
    assert api_hidden.status_code == api_missing.status_code == 404
    assert api_hidden.json() == api_missing.json()


def test_public_sees_the_victim_as_an_office_in_a_region(world, client):
    """A withheld identity is shown as the office and the region, never the name."""
    body = client.get(f"/en/observatory/incidents/{world['secret'].reference}/").content.decode()
    assert "Mayor (identity withheld), Kayes" in body
    data = client.get(f"/api/v1/observatory/incidents/{world['secret'].reference}").json()
    assert data["victims"][0]["name"] is None
    assert data["latitude"] is None and data["place"] == ""


def test_public_coordinates_are_rounded(world, client):
    """A public place is still coarsened to 0.1° for the public."""
    data = client.get(f"/api/v1/observatory/incidents/{world['public'].reference}").json()
    assert data["latitude"] == 14.1 and data["longitude"] == 4.0


def test_partner_sees_restricted_incident_but_not_confidential_identity(world, client_as):
    """Observatory members see restricted parts; confidential ones stay with analysts."""
    client = client_as("observatory_partner")
    body = client.get("/fr/observatory/incidents/").content.decode()
    assert "Restricted Mayor" in body
    assert SECRET_VICTIM not in body


def test_analyst_sees_everything_and_the_read_is_logged(world, client_as, caplog):
    """An analyst reads the confidential parts; the read is logged without the data itself."""
    caplog.set_level(logging.DEBUG)
    client = client_as("observatory_analyst")
    body = client.get(f"/fr/observatory/incidents/{world['secret'].reference}/").content.decode()
    assert SECRET_VICTIM in body and SECRET_WITNESS in body and SECRET_CONTACT in body
    entry = ConfidentialAccess.objects.get(incident=world["secret"])
    assert entry.user == client.user
    assert "victim identity" in entry.what and "witnesses" in entry.what
    assert SECRET_VICTIM not in entry.what
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_VICTIM not in logged and SECRET_WITNESS not in logged


def test_analyst_api_read_is_logged(world, client_as):
    """Reading confidential data through the API is logged too."""
    client = client_as("observatory_analyst")
    data = client.get("/api/v1/observatory/incidents?limit=10").json()
    assert any(v["name"] == SECRET_VICTIM for i in data["items"] for v in i["victims"])
    assert ConfidentialAccess.objects.filter(user=client.user, what__startswith="API").exists()


def test_public_reads_are_not_logged(world, client):
    """Only reads of confidential data are logged, not every public visit."""
    client.get(f"/fr/observatory/incidents/{world['secret'].reference}/")
    assert not ConfidentialAccess.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [
        ("administrator", 200),
        ("observatory_analyst", 403),
        ("secretariat", 403),
        ("public", 403),
        (None, 302),
    ],
)
def test_access_log_page_is_for_administrators(world, client_as, role, status):
    """Only administrators read the log of confidential reads."""
    response = client_as(role).get("/fr/observatory/access-log/")
    assert response.status_code == status


def test_victim_contact_is_encrypted_at_rest(world):
    """The database holds a token, never the victim's phone number."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM observatory_victim")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(SECRET_CONTACT not in value for value in stored)


def test_saving_a_case_section_by_section_is_one_read(world, client_as):
    """Fourteen saves that each show the edit page again write one row, not fourteen."""
    client = client_as("observatory_analyst")
    url = f"/fr/observatory/incidents/{world['secret'].reference}/edit/"
    for _ in range(14):
        assert client.get(url).status_code == 200
    assert ConfidentialAccess.objects.filter(incident=world["secret"]).count() == 1


def test_the_read_log_filters_and_exports(world, client_as):
    """Administrators filter the log by person and incident, and download it as CSV."""
    analyst = client_as("observatory_analyst")
    analyst.get(f"/fr/observatory/incidents/{world['secret'].reference}/")
    analyst.get(f"/fr/observatory/incidents/{world['hidden'].reference}/edit/")
    admin = client_as("administrator")
    ref = world["secret"].reference
    page = admin.get(f"/en/observatory/access-log/?incident={ref}")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count(f"<td>{ref}</td>") == 1
    assert world["hidden"].reference not in body
    nobody = admin.get("/en/observatory/access-log/?person=nobody@example.org").content.decode()
    assert "No read recorded." in nobody
    response = admin.get(f"/en/observatory/access-log/?incident={ref}&format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "when,who,what,incident,address"
    assert len(lines) == 2 and ref in lines[1] and analyst.user.email in lines[1]
    assert admin.get("/en/observatory/access-log/?since=not-a-date").status_code == 400
