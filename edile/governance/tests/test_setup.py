"""Setup pages (issue 10, item 1): the secretariat prepares a congress without the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from edile.governance.forms import ResolutionSetupForm, VoteOpenForm
from edile.governance.models import AgendaItem, DecisionRule, Meeting, Resolution
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_the_pages_are_for_the_secretariat(client_as):
    """A delegate gets 403 on every setup page; the secretariat 200."""
    make_world(1)
    urls = [
        reverse("governance:setup"),
        reverse("governance:setup_congress_new"),
        reverse("governance:setup_session_new", args=["congress"]),
        reverse("governance:setup_agenda", args=["congress-ga"]),
        reverse("governance:setup_rule_new"),
        reverse("governance:setup_resolution_new"),
    ]
    delegate, staff = client_as("delegate"), client_as("secretariat")
    for url in urls:
        assert delegate.get(url).status_code == 403, url
        assert staff.get(url).status_code == 200, url


def test_a_session_typed_at_nine_in_kigali_is_stored_and_shown_at_nine(client_as):
    """The "09:00 Kigali" defect: times are typed in the venue's zone, stored as the instant
    (07:00 UTC) and shown back as 09:00 on the session page and in the API."""
    make_world(1)
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_session_new", args=["congress"]),
        {
            "kind": "general_assembly",
            "title_fr": "Assemblée générale de Kigali",
            "title_en": "Kigali General Assembly",
            "body": Meeting.objects.get(slug="congress-ga").body_id,
            "venue": "Kigali Convention Centre",
            "timezone": "Africa/Kigali",
            "start_date": "2031-05-12",
            "start_time": "09:00",
            "end_date": "2031-05-12",
            "end_time": "12:30",
            "proxy_cap": "2",
            "convocation": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Meeting.objects.get(title_fr="Assemblée générale de Kigali")
    assert session.start == dt.datetime(2031, 5, 12, 7, 0, tzinfo=dt.UTC)
    assert session.timezone == "Africa/Kigali" and session.parent.slug == "congress"
    page = staff.get(session.get_absolute_url()).content.decode()
    assert "09:00–12:30" in page and "Africa/Kigali" in page
    api = staff.get(f"/api/v1/governance/meetings/{session.slug}").json()
    assert api["timezone"] == "Africa/Kigali"
    assert api["start"].startswith("2031-05-12T07:00:00")


def test_meetings_of_the_same_name_are_told_apart_in_choices():
    """The two identical "General Assembly" entries: each choice names its congress and
    date."""
    world = make_world(1)
    later = Meeting.objects.create(
        slug="ga-2026",
        kind="general_assembly",
        body=world.body,
        title="Assemblée générale",
        start=dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC),
        venue="Kigali",
        timezone="Africa/Kigali",
    )
    for form in (ResolutionSetupForm(), VoteOpenForm()):
        labels = [label for _value, label in form.fields["meeting"].choices if _value]
        assert len(labels) == len(set(labels)) == 2
        assert any("Kigali" in label and "2026" in label for label in labels)
        assert any("Congrès" in label and "2030" in label for label in labels)
    assert later.pk


def test_agenda_items_are_added_as_a_tree(client_as):
    world = make_world(1)
    staff = client_as("secretariat")
    url = reverse("governance:setup_agenda", args=[world.session.slug])
    staff.post(url, {"number": "1", "title_fr": "Ouverture", "title_en": "Opening"})
    parent = AgendaItem.objects.get(number="1")
    staff.post(url, {"number": "1.1", "title_fr": "Quorum", "parent": parent.pk})
    again = staff.post(url, {"number": "1", "title_fr": "Doublon"})
    assert "already has an item 1" in again.content.decode() or "déjà un point 1" in (
        again.content.decode()
    )
    assert AgendaItem.objects.get(number="1.1").parent == parent


def test_a_rule_is_previewed_in_plain_words_then_saved(client_as):
    """The preview says the rule in both languages before anything is saved; saving stores
    it in the evaluation's vocabulary; a nonsense fraction is refused on the form."""
    staff = client_as("secretariat")
    url = reverse("governance:setup_rule_new")
    data = {
        "code": "bureau-members",
        "label_fr": "Majorité absolue des membres",
        "label_en": "Absolute majority of members",
        "quorum_base": "members",
        "quorum_fraction": "1/2",
        "quorum_comparator": "at_least",
        "proxies_count_for_quorum": "on",
        "majority_base": "members",
        "majority_fraction": "1/2",
        "comparator": "more_than",
        "tie_rule": "rejected",
        "voting_unit": "one_city_one_vote",
        "max_proxies_per_holder": "1",
    }
    preview = staff.post(url, {**data, "preview": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    page = preview.content.decode()
    assert "Adopted with more than 1/2 of the members entitled to vote voting yes." in page
    assert "Adopté avec plus de 1/2 des membres ayant droit de vote votant pour." in page
    assert not DecisionRule.objects.filter(code="bureau-members").exists()
    saved = staff.post(url, {**data, "save": "1"})
    assert saved.status_code == 302
    rule = DecisionRule.objects.get(code="bureau-members")
    assert (rule.majority_base, rule.comparator, rule.threshold_numerator) == (
        "members",
        "more_than",
        1,
    )
    bad = staff.post(url, {**data, "code": "x", "majority_fraction": "3/2", "save": "1"})
    assert bad.status_code == 200 and not DecisionRule.objects.filter(code="x").exists()


def test_a_text_pasted_in_both_languages_is_tabled_in_aligned_paragraphs(client_as):
    world = make_world(1)
    staff = client_as("secretariat")
    url = reverse("governance:setup_resolution_new")
    data = {
        "meeting": world.session.pk,
        "number": "R9",
        "kind": "resolution",
        "title_fr": "Eau potable",
        "title_en": "Drinking water",
        "text_fr": "Considérant l'eau,\n\nDemande des fontaines.",
        "text_en": "Considering water,\n\nAsks for fountains.",
    }
    check = staff.post(url, {**data, "preview": "1"}).content.decode()
    assert "Demande des fontaines." in check and "Asks for fountains." in check
    mismatch = staff.post(url, {**data, "text_en": "One paragraph only.", "save": "1"})
    assert mismatch.status_code == 200
    assert not Resolution.objects.filter(number="R9").exists()
    tabled = staff.post(url, {**data, "save": "1"})
    assert tabled.status_code == 302
    r = Resolution.objects.get(number="R9")
    assert r.state == "tabled"
    assert list(
        r.versions.get().paragraphs.order_by("number").values_list("text_fr", "text_en")
    ) == [
        ("Considérant l'eau,", "Considering water,"),
        ("Demande des fontaines.", "Asks for fountains."),
    ]
