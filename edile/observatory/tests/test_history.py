"""The incident's history says what changed (old → new), who and when, for the incident and
its parts, and shows each value only to a viewer who may read it (issue 12, point 5)."""

import pytest

from edile.observatory import services
from edile.observatory.models import ConfidentialAccess, Source
from edile.observatory.tests.factories import SECRET_VICTIM, SECRET_WITNESS, make_secret_incident

pytestmark = pytest.mark.django_db

NEW_NAME = "Amadou Secretvictim-Traore"
NOTE = "Rencontre discrète au commissariat"


def _edited_case(client):
    analyst = client.user
    incident = make_secret_incident(confidentiality="restricted")
    services.incident_update(
        actor=analyst,
        incident=incident,
        data={"place": "Kayes-Ville", "killed": 2, "private_notes": NOTE},
        expected_version=incident.version,
    )
    services.victim_update(actor=analyst, victim=incident.victims.get(), data={"name": NEW_NAME})
    hidden = Source.objects.create(
        incident=incident, title="Rapport interne", confidentiality="confidential"
    )
    incident.refresh_from_db()
    services.part_update(
        actor=analyst,
        incident=incident,
        part=hidden,
        data={"title": "Rapport interne révisé"},
        expected_version=incident.version,
    )
    witness = incident.witnesses.get()
    incident.refresh_from_db()
    # Through the page, so that the history records who made the change.
    response = client.post(
        f"/en/observatory/incidents/{incident.reference}/witnesses/{witness.pk}/",
        {
            "version": incident.version,
            "action": "save",
            f"witnesses-{witness.pk}-name": witness.name,
            f"witnesses-{witness.pk}-statement": "Il a tout vu",
        },
    )
    assert response.status_code == 302
    return incident


def test_an_analyst_reads_every_change_old_and_new(client_as):
    analyst = client_as("observatory_analyst")
    incident = _edited_case(analyst)
    response = analyst.get(f"/en/observatory/incidents/{incident.reference}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "place: Kita → Kayes-Ville" in html
    assert "people killed: 0 → 2" in html
    assert f"name: {SECRET_VICTIM} → {NEW_NAME}" in html
    assert "title: Rapport interne → Rapport interne révisé" in html
    assert "statement: — → Il a tout vu" in html
    assert analyst.user.email in html
    assert ConfidentialAccess.objects.filter(
        user=analyst.user, incident=incident, what="incident history"
    ).exists()


def test_a_partner_sees_that_hidden_values_changed_never_the_values(client_as):
    analyst = client_as("observatory_analyst")
    incident = _edited_case(analyst)
    partner = client_as("observatory_partner")
    page = partner.get(f"/en/observatory/incidents/{incident.reference}/")
    assert f"/en/observatory/incidents/{incident.reference}/history/" in page.content.decode()
    response = partner.get(f"/en/observatory/incidents/{incident.reference}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "people killed: 0 → 2" in html  # a value members may read
    assert "place: hidden value changed" in html
    assert "name: hidden value changed" in html
    assert "private notes: hidden value changed" in html
    for secret in (
        "Kayes-Ville",
        "Kita",
        SECRET_VICTIM,
        "Secretvictim",
        NOTE,
        "Rapport interne",
        SECRET_WITNESS,
        "Il a tout vu",
    ):
        assert secret not in html


def test_the_history_is_not_for_the_public(client_as):
    incident = make_secret_incident()
    response = client_as(None).get(f"/en/observatory/incidents/{incident.reference}/history/")
    assert response.status_code == 403
    page = client_as(None).get(f"/en/observatory/incidents/{incident.reference}/")
    assert "/history/" not in page.content.decode()


def test_the_history_of_a_hidden_incident_is_not_found(client_as):
    incident = make_secret_incident(published=False)
    response = client_as("observatory_partner").get(
        f"/en/observatory/incidents/{incident.reference}/history/"
    )
    assert response.status_code == 404


def test_the_french_history_page(client_as):
    analyst = client_as("observatory_analyst")
    incident = _edited_case(analyst)
    html = (
        client_as("observatory_partner")
        .get(f"/fr/observatory/incidents/{incident.reference}/history/")
        .content.decode()
    )
    assert "valeur masquée modifiée" in html
