"""Minutes a secretary signs (issue 10, item 7)."""

import datetime as dt

import pytest
from django.urls import reverse

from edile.governance import services
from edile.governance.models import Seat, VoteMode
from edile.governance.tests.factories import make_world
from edile.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def voted(make_user):
    """Six seats, four present; a chair and a secretary; an amendment adopted and the text
    adopted by a named roll call."""
    world = make_world(6, present=4)
    chair = PersonFactory(given_name="Anne", family_name="Hidalgo")
    secretary = PersonFactory(given_name="Jean", family_name="Secrétaire")
    Seat.objects.create(body=world.body, person=chair, role="chair", start=dt.date(2001, 1, 1))
    Seat.objects.create(
        body=world.body, person=secretary, role="secretary", start=dt.date(2001, 1, 1)
    )
    staff = make_user("secretariat")
    amendment = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Les villes agissent pour la nature et le climat.",
        text_en="Cities act for nature and climate.",
    )
    vote = services.vote_open(
        user=staff,
        resolution=world.resolution,
        meeting=world.session,
        mode=VoteMode.ANALOG,
        amendment=amendment,
    )
    services.vote_record_counts(user=staff, vote=vote, yes=3, no=1, abstain=0)
    services.vote_close(user=staff, vote=vote)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    for lg in world.cities[:4]:
        services.ballot_cast(
            user=make_user("delegate", local_government=lg),
            vote=vote,
            local_government=lg,
            option="yes",
        )
    services.vote_close(user=staff, vote=vote)
    return world, staff


def test_minutes_say_what_a_secretary_signs(voted):
    """Chair and secretary, quorum at the opening, absent members computed (2, not 0), each
    vote with its rule and roll call, the full adopted text, signature lines; French with
    non-breaking spaces and the amendment's own gender ("Adopté")."""
    world, staff = voted
    minutes = services.minutes_generate(user=staff, meeting=world.session)
    fr, en = minutes.text_fr, minutes.text_en
    assert "Absent: 2." in en and f"Absents{NBSP}: 2." in fr
    assert "Chair: Anne Hidalgo." in en and f"Présidence{NBSP}: Anne Hidalgo." in fr
    assert "Secretary: Jean Secrétaire." in en
    assert "Quorum at the opening: reached, 4 of 6" in en
    assert f"Amendement A1 à «{NBSP}Résolution{NBSP}»{NBSP}: Adopté." in fr
    assert "Amendment A1 to Resolution: Adopted." in en
    assert "Rule: Simple majority; Named roll call." in en
    assert f"   {world.cities[0].name_en}: Yes" in en
    assert "2. Cities act for nature and climate." in en
    assert "2. Les villes agissent pour la nature et le climat." in fr
    assert "The chair (Anne Hidalgo): ____" in en


def test_minutes_page_shows_headings_not_markup(voted, client_as):
    """The page renders the minutes' headings and lists, never a raw "## " (the draft's
    edit box below keeps the plain text, as it should)."""
    world, staff = voted
    services.minutes_generate(user=staff, meeting=world.session)
    page = (
        client_as("secretariat")
        .get(reverse("governance:minutes", args=[world.session.slug]))
        .content.decode()
    )
    rendered = page.split('id="minutes-text">', 1)[1].split("</div>", 1)[0]
    assert "## " not in rendered
    assert "<h2>Présence</h2>" in rendered


def test_approved_minutes_are_frozen_and_their_versions_kept(voted, client_as):
    """Approval is recorded (who, when); approved minutes can no longer be edited nor drafted
    again from the records, on the page as in the services; each saved text is a version."""
    world, staff_user = voted
    services.minutes_generate(user=staff_user, meeting=world.session)
    minutes = world.session.minutes
    staff = client_as("secretariat")
    edit_url = reverse("governance:minutes_edit", args=[world.session.slug])
    staff.post(edit_url, {"version": minutes.version, "text_fr": "Texte v2", "text_en": "Text v2"})
    minutes.refresh_from_db()
    assert (minutes.text_fr, minutes.version) == ("Texte v2", 2)
    # A delegate cannot approve.
    delegate = client_as("delegate", local_government=world.cities[0])
    approve_url = reverse("governance:minutes_approve", args=[world.session.slug])
    assert delegate.post(approve_url, {"version": minutes.version}).status_code == 403
    minutes.refresh_from_db()
    assert minutes.status == "draft"
    staff.post(approve_url, {"version": minutes.version})
    minutes.refresh_from_db()
    assert minutes.status == "approved" and minutes.approved_by == staff.user
    assert minutes.approved_at is not None
    # Frozen: editing, drafting again, approving again are refused with a message.
    response = staff.post(
        edit_url,
        {"version": minutes.version, "text_fr": "Changé", "text_en": "Changed"},
        follow=True,
    )
    assert "Un procès-verbal approuvé ne peut pas être modifié." in response.content.decode()
    response = staff.post(
        reverse("governance:minutes_generate", args=[world.session.slug]), follow=True
    )
    assert "ne peut pas être régénéré" in response.content.decode()
    response = staff.post(approve_url, {"version": minutes.version}, follow=True)
    assert "déjà approuvé" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.text_fr == "Texte v2" and minutes.status == "approved"
    # Every saved state is kept: drafted, edited, approved.
    assert [h.text_fr for h in minutes.history.order_by("history_date")][-2:] == [
        "Texte v2",
        "Texte v2",
    ]
    assert minutes.history.count() == 3
