"""A victim is linked to a person and a local government of the members registry from the
edit page (search by name, version-checked); the link shows on the incident page to those
who may see the victim, never for a hidden victim (issue 12, point 5)."""

import pytest

from edile.members.tests.factories import LocalGovernmentFactory, PersonFactory
from edile.observatory.tests.factories import make_incident, make_secret_incident

pytestmark = pytest.mark.django_db


def _link_url(incident, victim):
    return f"/en/observatory/incidents/{incident.reference}/victims/{victim.pk}/link/"


def test_the_analyst_finds_and_links_a_person_and_a_local_government(client_as):
    incident = make_incident()
    victim = incident.victims.get()
    person = PersonFactory(given_name="Mariam", family_name="Zongotest")
    PersonFactory(given_name="Other", family_name="Someone")
    town = LocalGovernmentFactory(name="Kitaville", name_fr="Kitaville", name_en="Kitaville")
    analyst = client_as("observatory_analyst")
    search = analyst.get(
        f"/en/observatory/incidents/{incident.reference}/edit/",
        {"link_victim": victim.pk, "registry_q": "zongo"},
    )
    html = search.content.decode()
    assert search.status_code == 200
    assert f'name="person" value="{person.pk}"' in html
    assert "Other Someone" not in html  # the search lists matches, never every person
    search = analyst.get(
        f"/en/observatory/incidents/{incident.reference}/edit/",
        {"link_victim": victim.pk, "registry_q": "kitaville"},
    )
    assert f'name="local_government" value="{town.pk}"' in search.content.decode()
    response = analyst.post(
        _link_url(incident, victim),
        {"version": incident.version, "person": person.pk, "local_government": town.pk},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert (victim.person, victim.local_government) == (person, town)
    page = client_as(None).get(f"/en/observatory/incidents/{incident.reference}/")
    html = page.content.decode()
    assert "In the members registry: Mariam Zongotest" in html
    assert town.get_absolute_url() in html
    history = analyst.get(f"/en/observatory/incidents/{incident.reference}/history/")
    assert "person in the registry: — → Mariam Zongotest" in history.content.decode()


def test_a_stale_link_is_refused(client_as):
    incident = make_incident()
    victim = incident.victims.get()
    person = PersonFactory()
    response = client_as("observatory_analyst").post(
        _link_url(incident, victim), {"version": incident.version - 1, "person": person.pk}
    )
    assert response.status_code == 409
    victim.refresh_from_db()
    assert victim.person is None


def test_an_unknown_person_is_a_400_with_a_message(client_as):
    incident = make_incident()
    victim = incident.victims.get()
    response = client_as("observatory_analyst").post(
        _link_url(incident, victim), {"version": incident.version, "person": 999999}
    )
    assert response.status_code == 400
    assert "This person is not in the registry." in response.content.decode()


def test_only_analysts_link_victims(client_as):
    incident = make_incident()
    victim = incident.victims.get()
    response = client_as("observatory_partner").post(
        _link_url(incident, victim), {"version": incident.version, "person": PersonFactory().pk}
    )
    assert response.status_code == 403


def test_a_hidden_victims_link_never_reaches_public_surfaces(client_as):
    incident = make_secret_incident()
    victim = incident.victims.get()
    person = PersonFactory(given_name="Hidden", family_name="Registryperson")
    town = LocalGovernmentFactory(name="Secrettown", name_fr="Secrettown", name_en="Secrettown")
    response = client_as("observatory_analyst").post(
        _link_url(incident, victim),
        {"version": incident.version, "person": person.pk, "local_government": town.pk},
    )
    assert response.status_code == 302
    anonymous = client_as(None)
    for url in (
        f"/en/observatory/incidents/{incident.reference}/",
        f"/api/v1/observatory/incidents/{incident.reference}",
        "/api/v1/observatory/incidents",
        "/api/v1/observatory/incidents.csv",
        "/en/observatory/incidents/",
    ):
        response = anonymous.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode()
        assert "Registryperson" not in body, url
        assert "Secrettown" not in body, url


def test_linking_a_hidden_victim_to_a_town_named_in_the_public_title_is_refused(client_as):
    incident = make_secret_incident(title_en="Threats in Bafila", title_fr="Menaces à Bafila")
    victim = incident.victims.get()
    town = LocalGovernmentFactory(name="Bafila", name_fr="Bafila", name_en="Bafila")
    response = client_as("observatory_analyst").post(
        _link_url(incident, victim), {"version": incident.version, "local_government": town.pk}
    )
    assert response.status_code == 409
    victim.refresh_from_db()
    assert victim.local_government is None
