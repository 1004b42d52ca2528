"""Follow-ups are written in French and English; each reader gets their language, else the
other one marked with its language (issue 12, point 5: "free text in one language")."""

import pytest

from edile.observatory.models import FollowUp
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def _add(analyst, incident, **texts):
    return analyst.post(
        f"/en/observatory/incidents/{incident.reference}/follow-ups/",
        {
            "followup-kind": "advocacy",
            "followup-date": "2024-06-01",
            "followup-confidentiality": "public",
            **{f"followup-{k}": v for k, v in texts.items()},
        },
    )


def test_each_reader_gets_their_language(client_as):
    incident = make_incident()
    analyst = client_as("observatory_analyst")
    response = _add(
        analyst,
        incident,
        description_fr="Lettre au ministre",
        description_en="Letter to the minister",
    )
    assert response.status_code == 302
    follow_up = incident.follow_ups.get()
    assert (follow_up.description_fr, follow_up.description_en) == (
        "Lettre au ministre",
        "Letter to the minister",
    )
    reader = client_as(None)
    english = reader.get(f"/en/observatory/incidents/{incident.reference}/").content.decode()
    french = reader.get(f"/fr/observatory/incidents/{incident.reference}/").content.decode()
    assert '<span lang="en">Letter to the minister</span>' in english
    assert "Lettre au ministre" not in english
    assert '<span lang="fr">Lettre au ministre</span>' in french
    assert "Letter to the minister" not in french
    assert "in French" not in english


def test_a_follow_up_in_one_language_is_shown_to_all_marked_with_its_language(client_as):
    incident = make_incident()
    assert _add(client_as("observatory_analyst"), incident, description_fr="Plainte déposée")
    reader = client_as(None)
    english = reader.get(f"/en/observatory/incidents/{incident.reference}/").content.decode()
    assert '<span lang="fr">Plainte déposée</span>' in english
    assert "in French" in english
    api = reader.get(f"/api/v1/observatory/incidents/{incident.reference}").json()
    assert api["follow_ups"][0]["description"] == "Plainte déposée"
    assert api["follow_ups"][0]["language"] == "fr"
    assert api["follow_ups"][0]["description_en"] == ""


def test_a_follow_up_with_no_text_is_a_400_with_a_message(client_as):
    incident = make_incident()
    response = _add(client_as("observatory_analyst"), incident)
    assert response.status_code == 400
    assert "Write what was done, in French, in English or in both." in response.content.decode()
    assert not FollowUp.objects.filter(incident=incident).exists()


def test_an_edit_changes_one_language_and_keeps_the_other(client_as):
    incident = make_incident(published=False)
    follow_up = FollowUp.objects.create(
        incident=incident,
        kind="advocacy",
        date="2024-06-01",
        description_fr="Lettre",
        description_en="Letter",
    )
    prefix = f"follow-ups-{follow_up.pk}"
    response = client_as("observatory_analyst").post(
        f"/en/observatory/incidents/{incident.reference}/follow-ups/{follow_up.pk}/",
        {
            "version": incident.version,
            "action": "save",
            f"{prefix}-kind": "advocacy",
            f"{prefix}-date": "2024-06-01",
            f"{prefix}-description_fr": "Lettre",
            f"{prefix}-description_en": "Letter to the governor",
            f"{prefix}-confidentiality": "public",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.description_fr, follow_up.description_en) == (
        "Lettre",
        "Letter to the governor",
    )
