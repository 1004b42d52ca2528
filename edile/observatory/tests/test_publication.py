"""Publication that cannot betray: the check, the public-copy preview, the confirmation
step, the logged override and bulk publication."""

import pytest

from edile.core.errors import ServiceError
from edile.observatory import selectors, services
from edile.observatory.models import FollowUp, Incident, PublicationDecision
from edile.observatory.tests.factories import SECRET_VICTIM, make_incident

pytestmark = pytest.mark.django_db


def _unpublished(**kwargs):
    """A verified, unpublished public incident whose place and victim are confidential."""
    values = {
        "victim_name": SECRET_VICTIM,
        "identity": "confidential",
        "location": "confidential",
        "published": False,
        "status": "verified",
        "place": "Bafila-Nord",
        "title_fr": "Assassinat d’un maire",
        "title_en": "Killing of a mayor",
    }
    values.update(kwargs)
    return make_incident(**values)


@pytest.fixture
def analyst(make_user):
    return make_user("observatory_analyst")


def test_a_hidden_place_in_the_title_is_found_whatever_its_spelling(db):
    """The check finds "Bafila-Nord" written "bafila nord" or "BAFILA-NORD" in any public text."""
    for title in ("Killing of a mayor in Bafila-Nord", "killing in bafila nord", "BAFILA-NORD"):
        incident = _unpublished(title_en=title)
        problems = selectors.publication_problems(incident)
        assert [(p.field, p.hidden) for p in problems] == [("title_en", "place")]


def test_a_surname_alone_in_a_summary_is_found(db):
    """A hidden victim's surname in the French summary is enough to warn."""
    incident = _unpublished(summary_fr="Le maire Secretvictim a été tué.")
    problems = selectors.publication_problems(incident)
    assert [(p.field, p.hidden) for p in problems] == [("summary_fr", "victim_name")]


def test_public_follow_ups_and_witnesses_are_checked(db):
    """A public follow-up naming a witness is a problem; a confidential one is not read."""
    incident = _unpublished(witness="Fatou Hiddenwitness")
    FollowUp.objects.create(
        incident=incident,
        kind="advocacy",
        date="2024-06-01",
        description="Letter quoting Fatou Hiddenwitness",
        confidentiality="public",
    )
    FollowUp.objects.create(
        incident=incident,
        kind="advocacy",
        date="2024-06-02",
        description="Internal: Secretvictim",
        confidentiality="confidential",
    )
    problems = selectors.publication_problems(incident)
    assert [(p.field, p.hidden) for p in problems] == [("follow_up:1", "witness_name")]


def test_a_clean_incident_has_no_problem(db):
    """Region and country are public: naming them is not a problem."""
    incident = _unpublished(title_en="Killing of a mayor in Kayes, Mali")
    assert selectors.publication_problems(incident) == []


def test_publishing_with_a_hidden_value_is_refused_then_overridden_with_a_reason(analyst):
    """Refused (409) without a reason; with one, published and the decision kept."""
    incident = _unpublished(title_en="Killing of a mayor in Bafila-Nord")
    with pytest.raises(ServiceError) as refused:
        services.incident_publish(
            actor=analyst, incident=incident, publish=True, expected_version=incident.version
        )
    assert refused.value.status_code == 409
    incident.refresh_from_db()
    assert incident.is_published is False
    assert not PublicationDecision.objects.exists()
    services.incident_publish(
        actor=analyst,
        incident=incident,
        publish=True,
        expected_version=incident.version,
        override_reason="The family asked for the place to be named.",
    )
    incident.refresh_from_db()
    assert incident.is_published is True
    decision = PublicationDecision.objects.get()
    assert decision.user == analyst and decision.published is True
    assert decision.override_reason == "The family asked for the place to be named."
    assert decision.problems == [{"field": "title_en", "hidden": "place", "audience": 0}]


def test_the_publish_button_needs_the_confirmation_box(analyst, client):
    """Without the box ticked, the analyst is sent back to the preview; nothing is published."""
    incident = _unpublished()
    client.force_login(analyst)
    url = f"/en/observatory/incidents/{incident.reference}/publish/"
    response = client.post(url, {"publish": "1", "version": incident.version})
    assert response.status_code == 302
    assert response["Location"] == f"/en/observatory/incidents/{incident.reference}/preview/"
    incident.refresh_from_db()
    assert incident.is_published is False
    response = client.post(url, {"publish": "1", "version": incident.version, "confirm": "1"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_published is True


def test_a_refused_publication_goes_back_to_the_preview_with_the_warning(analyst, client):
    """The page view of a refusal: back to the preview, which lists the warning."""
    incident = _unpublished(title_en="Killing of a mayor in Bafila-Nord")
    client.force_login(analyst)
    response = client.post(
        f"/en/observatory/incidents/{incident.reference}/publish/",
        {"publish": "1", "version": incident.version, "confirm": "1"},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The English title names a place hidden from the public." in body
    assert 'name="override_reason"' in body
    incident.refresh_from_db()
    assert incident.is_published is False


def test_the_preview_shows_exactly_the_public_copy(analyst, client):
    """The preview shows the public's copy (identity withheld, no place) and the API answer."""
    incident = _unpublished(title_en="Killing of a mayor in Kayes")
    client.force_login(analyst)
    response = client.get(f"/en/observatory/incidents/{incident.reference}/preview/")
    assert response.status_code == 200
    body = response.content.decode()
    # Only the analyst's own heading may name the victim: the copies never do.
    copies = body.split("Publication check", 1)[1]
    assert SECRET_VICTIM not in copies
    assert "Bafila-Nord" not in copies
    assert "Mayor (identity withheld), Kayes" in copies
    assert "No public text names a hidden place, victim or witness." in body
    assert f"&quot;reference&quot;: &quot;{incident.reference}&quot;" in body
    incident.refresh_from_db()
    assert incident.is_published is False


def test_editing_a_published_incident_cannot_add_a_hidden_value(analyst):
    """Once published, an edit that would name the hidden place in a title is refused."""
    incident = make_incident(location="confidential", place="Bafila-Nord")
    with pytest.raises(ServiceError) as refused:
        services.incident_update(
            actor=analyst,
            incident=incident,
            data={"title_en": "Threats in Bafila-Nord"},
            expected_version=incident.version,
        )
    assert refused.value.status_code == 409
    incident.refresh_from_db()
    assert incident.title_en == "Threats against a mayor"


def test_bulk_publication_publishes_the_clean_selection_only(analyst, client):
    """Selected clean incidents are published; one with a warning is listed as refused."""
    clean = [_unpublished(title_en=f"Killing of a mayor in Kayes {n}") for n in range(2)]
    leaking = _unpublished(title_en="Killing in Bafila-Nord")
    client.force_login(analyst)
    url = "/en/observatory/incidents/publication/"
    page = client.get(url).content.decode()
    assert f'value="{clean[0].reference}:{clean[0].version}"' in page
    assert f'value="{leaking.reference}:' not in page
    refused = client.post(url, {"incident": [f"{clean[0].reference}:{clean[0].version}"]})
    assert refused.status_code == 400
    assert not Incident.objects.filter(is_published=True).exists()
    selection = [f"{i.reference}:{i.version}" for i in [*clean, leaking]]
    response = client.post(url, {"incident": selection, "confirm": "1"})
    assert response.status_code == 200
    assert set(Incident.objects.filter(is_published=True)) == set(clean)
    assert f"{leaking.reference}: Publishing would reveal hidden values" in (
        response.content.decode()
    )


def test_no_published_demo_incident_names_a_hidden_value(db):
    """The demo data passes its own check ("Killing of a mayor in Bafila-Nord" is gone)."""
    from io import StringIO

    from edile.observatory import demo

    demo.load(StringIO())
    published = Incident.objects.filter(is_published=True).prefetch_related(
        "victims", "sources", "follow_ups", "witnesses", "acts__perpetrators"
    )
    assert published.count() > 10
    for incident in published:
        assert selectors.publication_problems(incident) == [], incident.reference
