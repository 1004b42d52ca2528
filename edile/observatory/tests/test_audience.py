"""Every view labelled with its audience: public links give public fields whoever clicks
them; analysts' reports say "confidential — internal" on every page and are logged."""

import datetime as dt

import pytest

from edile.core.testing import pdf_text
from edile.observatory.models import ConfidentialAccess
from edile.observatory.tests.factories import SECRET_VICTIM, make_incident, make_secret_incident

pytestmark = pytest.mark.django_db

MARKING = "Confidential — internal"


@pytest.fixture
def world(db):
    public = [make_incident(date=dt.date(2024, 4, day + 1)) for day in range(3)]
    secret = make_secret_incident(date=dt.date(2024, 3, 1))
    unpublished = make_incident(
        victim_name="Unpublished Victimname",
        confidentiality="confidential",
        identity="confidential",
        published=False,
        date=dt.date(2024, 2, 1),
    )
    return {"public": public, "secret": secret, "unpublished": unpublished}


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_public_csv_link_gives_public_fields_to_a_signed_in_analyst(world, client_as):
    """`?audience=public` for an analyst: the anonymous file, byte for byte, and no log."""
    analyst = client_as("observatory_analyst")
    theirs = _csv(analyst.get("/api/v1/observatory/incidents.csv?audience=public"))
    anonymous = _csv(client_as(None).get("/api/v1/observatory/incidents.csv"))
    assert theirs == anonymous
    assert SECRET_VICTIM not in theirs and "Unpublished Victimname" not in theirs
    assert world["unpublished"].reference not in theirs
    assert len(theirs.strip().splitlines()) == 1 + 4
    assert not ConfidentialAccess.objects.exists()


def test_the_index_links_to_the_public_file(world, client_as):
    """The index's "public fields" link carries `audience=public`."""
    body = client_as("observatory_analyst").get("/en/observatory/").content.decode()
    assert 'href="/api/v1/observatory/incidents.csv?audience=public"' in body


def test_an_analysts_own_csv_is_named_internal_and_logged(world, client_as):
    """Without `audience`, an analyst's CSV holds everything, says so, and is logged once."""
    analyst = client_as("observatory_analyst")
    response = analyst.get("/api/v1/observatory/incidents.csv")
    assert response["X-Edile-Audience"] == "confidential-internal"
    assert "incidents-confidential-internal.csv" in response["Content-Disposition"]
    assert "Unpublished Victimname" in _csv(response)
    assert ConfidentialAccess.objects.filter(user=analyst.user).count() == 1


def test_the_analysts_annual_report_is_marked_and_logged_once(world, client_as):
    """Page and PDF say "Confidential — internal" (every PDF page) and each read is logged."""
    analyst = client_as("observatory_analyst")
    page = analyst.get("/en/observatory/annual-report/2024/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count(MARKING) == 2  # at the top and at the bottom of the page
    assert world["unpublished"].title_en in body or "Threats against a mayor" in body
    assert ConfidentialAccess.objects.filter(user=analyst.user).count() == 1
    response = analyst.get("/en/observatory/annual-report/2024.pdf")
    text = pdf_text(response.content)
    pages = response.content.count(b"/Type /Page\n") or response.content.count(b"/Type /Page ")
    # PDF strings escape the dash; the words around it are plain.
    assert text.count("Confidential ") >= max(pages, 1)
    assert text.count("internal: includes unpublished") >= max(pages, 1)
    assert ConfidentialAccess.objects.filter(user=analyst.user).count() == 2


def test_the_public_annual_report_is_unmarked_complete_and_explained(world, client):
    """The public report: no marking, the full list (stated), the method note, no log."""
    body = client.get("/en/observatory/annual-report/2024/").content.decode()
    assert MARKING not in body
    assert "The full list of the 4 incidents of 2024 you may read one by one" in body
    assert "Protection: a count of 1 or 2 is hidden" in body
    assert SECRET_VICTIM not in body
    assert not ConfidentialAccess.objects.exists()


def test_the_pdf_keeps_the_fictional_badge(client):
    """A report of fictional (demo) incidents says so in the PDF too."""
    for day in range(3):
        make_incident(date=dt.date(2024, 5, day + 1), is_fictional=True)
    text = pdf_text(client.get("/en/observatory/annual-report/2024.pdf").content)
    assert "Fictional data, made for the demonstration." in text
    assert "\\(fictional\\)" in text  # PDF strings escape parentheses
