"""Verification, publication and editing by analysts: one transition function, no silent
overwrite, a role × action matrix."""

import threading

import pytest
from django.db import connection

from edile.core.errors import ConflictError, ServiceError
from edile.observatory import services
from edile.observatory.models import Incident
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def test_verify_then_publish_then_public_sees_it(client_as, client):
    """reported → under review → verified → published: then the public sees it."""
    incident = make_incident(published=False, status="reported")
    analyst = client_as("observatory_analyst")
    url = f"/fr/observatory/incidents/{incident.reference}"
    assert client.get(url + "/").status_code == 404
    for to in ("under_review", "verified"):
        incident.refresh_from_db()
        response = analyst.post(url + "/status/", {"to": to, "version": incident.version})
        assert response.status_code == 302, response.content
    incident.refresh_from_db()
    assert incident.verification_status == "verified" and incident.status_changed_by == analyst.user
    response = analyst.post(
        url + "/publish/", {"publish": "1", "version": incident.version, "confirm": "1"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_published
    assert client.get(url + "/").status_code == 200


def test_forbidden_transition_is_refused_with_a_message(client_as):
    """reported → verified skips the review: refused with a message."""
    incident = make_incident(published=False, status="reported")
    analyst = client_as("observatory_analyst")
    response = analyst.post(
        f"/en/observatory/incidents/{incident.reference}/status/",
        {"to": "verified", "version": incident.version},
    )
    assert response.status_code == 400
    assert "cannot go from" in response.content.decode()


def test_unverified_incident_cannot_be_published(make_user):
    """Publishing requires the verified status (service and database)."""
    incident = make_incident(published=False, status="under_review")
    with pytest.raises(ServiceError):
        services.incident_publish(
            actor=make_user("observatory_analyst"),
            incident=incident,
            publish=True,
            expected_version=incident.version,
        )


def test_moving_away_from_verified_unpublishes(make_user):
    """A published incident sent back to review is no longer public."""
    incident = make_incident()
    services.incident_transition(
        actor=make_user("observatory_analyst"),
        incident=incident,
        to="under_review",
        expected_version=incident.version,
    )
    incident.refresh_from_db()
    assert not incident.is_published


def test_two_analysts_cannot_silently_overwrite(client_as):
    """The second analyst saving from a stale version gets 409 and a message."""
    incident = make_incident()
    first, second = client_as("observatory_analyst"), client_as("observatory_analyst")
    url = f"/en/observatory/incidents/{incident.reference}/edit/"
    form = {
        "title_fr": "Titre A",
        "title_en": "Title A",
        "summary_fr": "",
        "summary_en": "",
        "confidentiality": "public",
        "location_confidentiality": "public",
        "date_start": "2024-05-03",
        "date_end": "",
        "date_precision": "day",
        "country": "ML",
        "region": "Kayes",
        "place": "Kita",
        "latitude": "",
        "longitude": "",
        "place_precision": "municipality",
        "context": "unknown",
        "killed": 0,
        "injured": 0,
        "motive": "unconfirmed",
        "outcome": "",
        "impunity": "",
        "private_notes": "",
        "version": incident.version,
    }
    assert first.post(url, form).status_code == 302
    response = second.post(url, {**form, "title_fr": "Titre B"})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    incident.refresh_from_db()
    assert incident.title_fr == "Titre A"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_one_wins(make_user):
    """Two simultaneous saves from the same version: exactly one succeeds."""
    incident = make_incident()
    analyst = make_user("observatory_analyst")
    results = []

    def save(title):
        from django.db import connection as conn

        try:
            copy = Incident.objects.get(pk=incident.pk)
            services.incident_update(
                actor=analyst, incident=copy, data={"title_fr": title}, expected_version=1
            )
            results.append("ok")
        except ConflictError:
            results.append("conflict")
        finally:
            conn.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]


@pytest.mark.parametrize(
    "role, allowed",
    [
        (None, False),
        ("public", False),
        ("focal_point", False),
        ("observatory_partner", False),
        ("bureau_member", False),
        ("secretariat", False),
        ("administrator", False),
        ("observatory_analyst", True),
    ],
)
def test_edit_matrix(client_as, role, allowed):
    """Only analysts open the edit page, change statuses, publish or add witnesses."""
    incident = make_incident(published=False, status="under_review")
    c = client_as(role)
    base = f"/fr/observatory/incidents/{incident.reference}"
    response = c.get(base + "/edit/")
    assert response.status_code == (200 if allowed else (302 if role is None else 403))
    c.post(base + "/status/", {"to": "verified", "version": incident.version})
    c.post(base + "/witnesses/", {"witness-name": "Nouveau témoin"})
    incident.refresh_from_db()
    assert (incident.verification_status == "verified") is allowed
    assert incident.witnesses.filter(name="Nouveau témoin").exists() is allowed


def test_analyst_adds_source_and_follow_up(client_as):
    """Sources and follow-ups are added from the edit page; bad input is refused."""
    incident = make_incident()
    analyst = client_as("observatory_analyst")
    base = f"/en/observatory/incidents/{incident.reference}"
    bad = analyst.post(
        base + "/sources/",
        {
            "source-source_type": "media",
            "source-reliability": "A",
            "source-credibility": "1",
            "source-confidentiality": "public",
        },
    )
    assert bad.status_code == 400 and "Give a link" in bad.content.decode()
    analyst.post(
        base + "/sources/",
        {
            "source-source_type": "court",
            "source-title": "Jugement",
            "source-reliability": "A",
            "source-credibility": "1",
            "source-confidentiality": "public",
        },
    )
    analyst.post(
        base + "/follow-ups/",
        {
            "followup-kind": "advocacy",
            "followup-date": "2024-06-01",
            "followup-description_fr": "Lettre",
            "followup-confidentiality": "public",
        },
    )
    assert incident.sources.filter(title="Jugement").exists()
    assert incident.follow_ups.filter(description_fr="Lettre").exists()


def test_analyst_adds_a_victim_and_an_act(client_as):
    """An incident can hold several acts against several victims by several perpetrators."""
    incident = make_incident()
    analyst = client_as("observatory_analyst")
    base = f"/en/observatory/incidents/{incident.reference}"
    analyst.post(
        base + "/victims/",
        {
            "newvictim-name": "Second Victim",
            "newvictim-gender": "male",
            "newvictim-office": "relative",
            "newvictim-identity_confidentiality": "confidential",
        },
    )
    second = incident.victims.get(name="Second Victim")
    response = analyst.post(
        base + "/acts/",
        {
            "act-violation_types": ["physical_assault", "threat"],
            "act-victims": [second.pk],
            "act-perpetrator_type": "state_agent",
            "act-description": "Coups",
        },
    )
    assert response.status_code == 302
    act = incident.acts.get(description="Coups")
    assert list(act.victims.all()) == [second]
    assert act.perpetrators.get().perpetrator_type == "state_agent"
    assert incident.acts.count() == 2 and incident.victims.count() == 2


def test_act_cannot_take_a_victim_of_another_incident(client_as):
    """Choosing another incident's victim is refused with a message."""
    incident, other = make_incident(), make_incident()
    foreign = other.victims.get()
    response = client_as("observatory_analyst").post(
        f"/en/observatory/incidents/{incident.reference}/acts/",
        {
            "act-violation_types": ["threat"],
            "act-victims": [foreign.pk],
            "act-perpetrator_type": "unknown",
        },
    )
    assert response.status_code == 400
    assert not incident.acts.filter(victims=foreign).exists()
