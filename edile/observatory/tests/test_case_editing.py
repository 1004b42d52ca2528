"""Complete case editing (issue 12, point 5): acts with their alleged perpetrator, witnesses,
sources and follow-ups are edited and removed from the edit page, by analysts only,
version-checked, and witnesses never reach an administrator."""

import pytest

from edile.observatory.models import FollowUp, Source, Witness
from edile.observatory.tests.factories import SECRET_WITNESS, make_incident

pytestmark = pytest.mark.django_db


def _url(incident, kind, pk):
    return f"/en/observatory/incidents/{incident.reference}/{kind}/{pk}/"


def test_an_act_first_recorded_as_unknown_perpetrator_is_corrected(client_as):
    """The defect: an act created with perpetrator "unknown" stayed forever."""
    incident = make_incident(perpetrator="unknown")
    act = incident.acts.get()
    victim = incident.victims.get()
    analyst = client_as("observatory_analyst")
    response = analyst.post(
        _url(incident, "acts", act.pk),
        {
            "version": incident.version,
            "action": "save",
            f"acts-{act.pk}-violation_types": ["killing"],
            f"acts-{act.pk}-victims": [victim.pk],
            f"acts-{act.pk}-perpetrator_type": "state_agent",
            f"acts-{act.pk}-perpetrator_description": "Police",
            f"acts-{act.pk}-description": "Tir",
        },
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert [p.perpetrator_type for p in act.perpetrators.all()] == ["state_agent"]
    assert [v.code for v in act.violation_types.all()] == ["killing"]
    assert act.description == "Tir"
    page = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/")
    assert "The act has been saved." in page.content.decode()


def test_an_act_is_removed(client_as):
    incident = make_incident()
    act = incident.acts.get()
    response = client_as("observatory_analyst").post(
        _url(incident, "acts", act.pk), {"version": incident.version, "action": "delete"}
    )
    assert response.status_code == 302
    assert not incident.acts.exists()
    incident.refresh_from_db()
    assert incident.version == 2  # the case's version (and history) moved


@pytest.mark.parametrize(
    ("kind", "make", "fields", "check"),
    [
        (
            "witnesses",
            lambda i: Witness.objects.create(incident=i, name="Old Name"),
            {"name": "New Name", "contact": "", "statement": "Vu"},
            lambda part: part.name == "New Name" and part.statement == "Vu",
        ),
        (
            "sources",
            lambda i: Source.objects.create(incident=i, title="Old", confidentiality="restricted"),
            {
                "source_type": "court",
                "title": "Jugement",
                "url": "",
                "document": "",
                "published_on": "",
                "reliability": "B",
                "credibility": "2",
                "confidentiality": "public",
            },
            lambda part: part.title == "Jugement" and part.reliability == "B",
        ),
        (
            "follow-ups",
            lambda i: FollowUp.objects.create(
                incident=i, kind="advocacy", date="2024-06-01", description="Lettre"
            ),
            {
                "kind": "legal_case",
                "date": "2024-07-01",
                "description_fr": "Plainte déposée",
                "description_en": "Complaint filed",
                "url": "",
                "confidentiality": "public",
            },
            lambda part: (
                (part.description_fr, part.description_en, part.kind)
                == ("Plainte déposée", "Complaint filed", "legal_case")
            ),
        ),
    ],
)
def test_parts_are_edited_then_removed(client_as, kind, make, fields, check):
    incident = make_incident(published=False)
    part = make(incident)
    analyst = client_as("observatory_analyst")
    data = {f"{kind}-{part.pk}-{k}": v for k, v in fields.items()}
    response = analyst.post(
        _url(incident, kind, part.pk), {"version": incident.version, "action": "save", **data}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    part.refresh_from_db()
    assert check(part)
    incident.refresh_from_db()
    response = analyst.post(
        _url(incident, kind, part.pk), {"version": incident.version, "action": "delete"}
    )
    assert response.status_code == 302
    assert not type(part).objects.filter(pk=part.pk).exists()


def test_a_stale_edit_of_a_part_is_refused(client_as):
    """Version-checked: an edit from a page read before someone else's change is a 409."""
    incident = make_incident()
    source = incident.sources.get()
    analyst = client_as("observatory_analyst")
    stale = incident.version
    assert (
        analyst.post(
            _url(incident, "sources", source.pk), {"version": stale, "action": "delete"}
        ).status_code
        == 302
    )
    follow_up = FollowUp.objects.create(
        incident=incident, kind="advocacy", date="2024-06-01", description="Lettre"
    )
    response = analyst.post(
        _url(incident, "follow-ups", follow_up.pk), {"version": stale, "action": "delete"}
    )
    assert response.status_code == 409
    assert FollowUp.objects.filter(pk=follow_up.pk).exists()


def test_bad_part_input_is_a_400_with_a_message(client_as):
    incident = make_incident()
    source = incident.sources.get()
    response = client_as("observatory_analyst").post(
        _url(incident, "sources", source.pk),
        {
            "version": incident.version,
            "action": "save",
            f"sources-{source.pk}-source_type": "media",
            f"sources-{source.pk}-reliability": "Z",
            f"sources-{source.pk}-credibility": "1",
            f"sources-{source.pk}-confidentiality": "public",
        },
    )
    assert response.status_code == 400
    assert "Check the fields of the item you edited." in response.content.decode()
    source.refresh_from_db()
    assert source.url == "https://example.org/news"


def test_a_part_of_another_incident_is_not_found(client_as):
    incident, other = make_incident(), make_incident()
    foreign = other.sources.get()
    response = client_as("observatory_analyst").post(
        _url(incident, "sources", foreign.pk), {"version": incident.version, "action": "delete"}
    )
    assert response.status_code == 404
    assert Source.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("role", ["administrator", "secretariat", "observatory_partner"])
def test_only_analysts_edit_or_remove_parts(client_as, role):
    incident = make_incident(witness=SECRET_WITNESS)
    witness = incident.witnesses.get()
    c = client_as(role)
    response = c.post(
        _url(incident, "witnesses", witness.pk), {"version": incident.version, "action": "delete"}
    )
    assert response.status_code == 403
    assert SECRET_WITNESS not in response.content.decode()
    assert Witness.objects.filter(pk=witness.pk).exists()


def test_the_edit_page_offers_an_edit_form_per_part(client_as):
    incident = make_incident(witness=SECRET_WITNESS)
    body = client_as("observatory_analyst").get(
        f"/en/observatory/incidents/{incident.reference}/edit/"
    )
    html = body.content.decode()
    for kind, pk in [
        ("acts", incident.acts.get().pk),
        ("witnesses", incident.witnesses.get().pk),
        ("sources", incident.sources.get().pk),
    ]:
        assert f'action="{_url(incident, kind, pk)}"' in html


def test_history_shows_what_changed_old_and_new(client_as):
    """The defect: the history showed who and when, never what changed."""
    from edile.observatory import services

    incident = make_incident(published=False)
    analyst = client_as("observatory_analyst")
    services.incident_update(
        actor=analyst.user,
        incident=incident,
        data={"place": "Kayes-Ville", "killed": 2},
        expected_version=incident.version,
    )
    html = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/").content.decode()
    assert "place: Kita → Kayes-Ville" in html
    assert "people killed: 0 → 2" in html


def test_the_edit_page_lists_the_reports_attached_to_the_incident(client_as):
    """The defect: "duplicate of" attached a report the incident page never listed."""
    import datetime as dt

    from edile.observatory.models import IntakeReport

    incident = make_incident()
    analyst = client_as("observatory_analyst")
    report = IntakeReport.objects.create(
        channel="public",
        date=dt.date(2024, 5, 3),
        date_precision="day",
        country="ML",
        place="Kita",
        description="Menaces",
        status="duplicate",
        incident=incident,
        triaged_by=analyst.user,
        triaged_at=dt.datetime(2024, 5, 4, tzinfo=dt.UTC),
    )
    html = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/").content.decode()
    assert f"/en/observatory/triage/{report.pk}/" in html


def _two_victims(incident):
    """A second record of the same victim, as a merge leaves it, with its own act."""
    from edile.observatory.models import Act, Victim

    twin = Victim.objects.create(incident=incident, name="J. Twin", gender="unknown")
    act = Act.objects.create(incident=incident)
    act.violation_types.set(incident.acts.first().violation_types.all())
    act.victims.add(twin)
    return twin, act


def test_a_victim_recorded_twice_is_removed_version_checked(client_as):
    """The defect (seen in the browser journey): after a merge the same person was listed
    twice, and a victim could be edited but never removed; nor was a victim's edit
    version-checked."""
    incident = make_incident()
    twin, act = _two_victims(incident)
    incident.refresh_from_db()
    analyst = client_as("observatory_analyst")
    url = f"/en/observatory/incidents/{incident.reference}/victims/{twin.pk}/"
    # The only victim of its act: the act goes first, with a message.
    refused = analyst.post(url, {"version": incident.version, "action": "delete"}, follow=True)
    assert refused.status_code == 400
    assert "only victim of act" in refused.content.decode()
    assert incident.victims.count() == 2
    act.victims.add(incident.victims.exclude(pk=twin.pk).get())
    stale = analyst.post(url, {"version": incident.version - 1, "action": "delete"})
    assert stale.status_code == 409 and incident.victims.count() == 2
    page = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/")
    assert "Remove victim 2" in page.content.decode()
    before = incident.version
    done = analyst.post(url, {"version": before, "action": "delete"})
    assert done.status_code == 302
    assert list(incident.victims.values_list("name", flat=True)) == ["Public Mayor"]
    assert list(act.victims.values_list("name", flat=True)) == ["Public Mayor"]
    incident.refresh_from_db()
    assert incident.version > before
    # The last victim stays; the page offers no removal then.
    last = incident.victims.get()
    again = analyst.post(
        f"/en/observatory/incidents/{incident.reference}/victims/{last.pk}/",
        {"version": incident.version, "action": "delete"},
    )
    assert again.status_code == 400 and incident.victims.count() == 1
    page = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/")
    assert "Remove victim" not in page.content.decode()


def test_a_victim_edit_is_version_checked_and_analysts_only(client_as):
    incident = make_incident()
    victim = incident.victims.get()
    url = f"/en/observatory/incidents/{incident.reference}/victims/{victim.pk}/"
    data = {
        f"v{victim.pk}-name": "Aminata Keita",
        f"v{victim.pk}-gender": "female",
        f"v{victim.pk}-office": "mayor",
        f"v{victim.pk}-identity_confidentiality": "public",
        "action": "save",
    }
    analyst = client_as("observatory_analyst")
    assert analyst.post(url, data).status_code == 400  # no version: reload the page
    assert analyst.post(url, {**data, "version": incident.version + 5}).status_code == 409
    victim.refresh_from_db()
    assert victim.name == "Public Mayor"
    assert (
        client_as("observatory_partner")
        .post(url, {"version": incident.version, "action": "delete"})
        .status_code
        == 403
    )
    saved = analyst.post(url, {**data, "version": incident.version})
    assert saved.status_code == 302
    victim.refresh_from_db()
    assert victim.name == "Aminata Keita"


def test_the_edit_pages_scrolling_tables_are_reachable_by_keyboard(client_as):
    """axe-core (scrollable-region-focusable, serious) in the browser journey: at 390 px the
    history table scrolls sideways, and a keyboard user could not reach what is beyond."""
    import re

    incident = make_incident()
    analyst = client_as("observatory_analyst")
    page = analyst.get(f"/en/observatory/incidents/{incident.reference}/edit/").content.decode()
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', page)
    assert wraps and all('tabindex="0"' in w for w in wraps)
