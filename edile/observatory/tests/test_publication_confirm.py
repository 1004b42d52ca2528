"""Bulk publication has a confirmation step that shows, for each selected incident, exactly
its public copy (the single preview's rendering) before the final "publish" (issue 12,
point 1: "publishing is one click with no confirmation")."""

import pytest

from edile.observatory.models import Incident
from edile.observatory.tests.factories import SECRET_VICTIM, make_incident

pytestmark = pytest.mark.django_db

URL = "/en/observatory/incidents/publication/"


def _verified(**kwargs):
    values = {
        "victim_name": SECRET_VICTIM,
        "identity": "confidential",
        "location": "confidential",
        "published": False,
        "status": "verified",
        "place": "Bafila-Nord",
    }
    values.update(kwargs)
    return make_incident(**values)


def test_the_selection_leads_to_the_public_copies_then_publishes(client_as):
    first = _verified(title_en="Threats against a mayor in Kayes")
    second = _verified(title_en="Assault on a councillor in Kayes", summary_en="Beaten at night.")
    analyst = client_as("observatory_analyst")
    listing = analyst.get(URL).content.decode()
    assert 'method="get"' in listing and 'name="review"' in listing
    selection = [f"{i.reference}:{i.version}" for i in (first, second)]
    review = analyst.get(URL, {"review": "1", "incident": selection})
    assert review.status_code == 200
    html = review.content.decode()
    for incident in (first, second):
        assert f'id="incident-{incident.reference}"' in html
        assert f'name="incident" value="{incident.reference}:{incident.version}"' in html
    # Exactly what an anonymous reader gets: the titles and summary, never the hidden values.
    assert "Threats against a mayor in Kayes" in html
    assert "Beaten at night." in html
    assert "Mayor (identity withheld), Kayes" in html
    assert SECRET_VICTIM not in html
    assert "Bafila-Nord" not in html
    assert "I have read the 2 public copies above: publish these incidents." in html
    assert not Incident.objects.filter(is_published=True).exists()  # reading publishes nothing
    response = analyst.post(URL, {"incident": selection, "confirm": "1"})
    assert response.status_code == 200
    assert set(Incident.objects.filter(is_published=True)) == {first, second}


def test_the_copy_is_the_single_previews_copy(client_as):
    incident = _verified(title_en="Threats against a mayor in Kayes")
    analyst = client_as("observatory_analyst")
    review = analyst.get(
        URL, {"review": "1", "incident": f"{incident.reference}:{incident.version}"}
    )
    preview = analyst.get(f"/en/observatory/incidents/{incident.reference}/preview/")

    def copy_of(html, start):
        body = html[html.index(start) :]
        return body[body.index("<h3>") : body.index("</section>")]

    assert copy_of(review.content.decode(), f'id="copy-{incident.reference}-1"') == copy_of(
        preview.content.decode(), 'id="copy-1"'
    )


def test_an_incident_with_a_warning_is_left_out_of_the_confirmation(client_as):
    clean = _verified(title_en="Threats in Kayes")
    leaking = _verified(title_en="Killing in Bafila-Nord")
    analyst = client_as("observatory_analyst")
    review = analyst.get(
        URL,
        {"review": "1", "incident": [f"{i.reference}:{i.version}" for i in (clean, leaking)]},
    )
    html = review.content.decode()
    assert f'value="{clean.reference}:{clean.version}"' in html
    assert f'value="{leaking.reference}:' not in html
    assert f"{leaking.reference}: The English title names a place hidden from the public." in html
    assert "Killing in Bafila-Nord" not in html


def test_a_change_after_the_confirmation_page_is_refused(client_as):
    incident = _verified(title_en="Threats in Kayes")
    analyst = client_as("observatory_analyst")
    analyst.get(URL, {"review": "1", "incident": f"{incident.reference}:{incident.version}"})
    seen = incident.version
    incident.title_en = "Threats in Kayes (edited)"
    incident.save()
    response = analyst.post(URL, {"incident": f"{incident.reference}:{seen}", "confirm": "1"})
    assert response.status_code == 200
    assert not Incident.objects.filter(is_published=True).exists()
    assert f"{incident.reference}:" in response.content.decode()


def test_an_empty_selection_is_a_400_with_a_message(client_as):
    response = client_as("observatory_analyst").get(URL, {"review": "1"})
    assert response.status_code == 400
    assert "Select at least one incident." in response.content.decode()


def test_only_analysts_reach_the_confirmation(client_as):
    incident = _verified()
    response = client_as("observatory_partner").get(
        URL, {"review": "1", "incident": f"{incident.reference}:{incident.version}"}
    )
    assert response.status_code == 403
