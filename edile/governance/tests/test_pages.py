"""Governance pages: who may see what, forms that answer with messages, constant queries."""

import pytest
from django.urls import reverse

from edile.governance import services
from edile.governance.models import Registration, RegistrationStatus, Resolution, VoteMode
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db

STAFF = {"secretariat", "administrator"}
ROLES = ["secretariat", "administrator", "bureau_member", "delegate", "focal_point", "public"]


@pytest.fixture
def world():
    return make_world(4)


def _register(world, n, **kwargs):
    data = {
        "given_name": f"Ana{n}",
        "family_name": f"Zed{n}",
        "email": f"p{n}@example.org",
        "type": "delegation_member",
        "consent_to_list": True,
        "send_email": False,
    }
    data.update(kwargs)
    return services.registration_create(congress=world.congress, **data)


def test_public_pages_answer(client, world):
    """The programme, resolution, participants and statistics pages are public."""
    for url in [
        reverse("governance:index"),
        reverse("governance:meeting_detail", args=[world.congress.slug]),
        reverse("governance:meeting_detail", args=[world.session.slug]),
        reverse("governance:body_detail", args=[world.body.slug]),
        reverse("governance:register", args=[world.congress.slug]),
        reverse("governance:participants", args=[world.congress.slug]),
        reverse("governance:statistics", args=[world.congress.slug]),
        reverse("governance:resolution_list"),
        reverse("governance:resolution_detail", args=[world.resolution.slug]),
        reverse("governance:laureates"),
    ]:
        assert client.get(url).status_code == 200, url


def test_programme_shows_local_times(client, world):
    """Session times are shown in the congress's own time zone (Phnom Penh, UTC+7)."""
    response = client.get(reverse("governance:meeting_detail", args=[world.congress.slug]))
    assert "09:00–13:00" in response.content.decode()


def test_draft_resolutions_are_hidden_from_the_public(client, client_as, world):
    """A draft is a 404 for the public and visible to the secretariat."""
    Resolution.objects.filter(pk=world.resolution.pk).update(state="draft")
    url = reverse("governance:resolution_detail", args=[world.resolution.slug])
    assert client.get(url).status_code == 404
    assert client_as("secretariat").get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES + [None])
@pytest.mark.parametrize("name", ["check_in", "moderation"])
def test_staff_pages_role_matrix(client_as, world, role, name):
    """Check-in and moderation: secretariat and administrators only; others 403 or sign in."""
    response = client_as(role).get(reverse(f"governance:{name}", args=[world.congress.slug]))
    if role is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in STAFF else 403)


def test_register_through_the_form(client, world):
    """The form registers the person and leads to their page with a badge link."""
    response = client.post(
        reverse("governance:register", args=[world.congress.slug]),
        {
            "given_name": "Awa",
            "family_name": "Diop",
            "email": "awa@example.org",
            "type": "mayor",
            "gender": "female",
            "language": "fr",
            "local_government": world.cities[0].pk,
            "sessions": [world.session.pk],
            "consent_to_list": "on",
        },
    )
    registration = Registration.objects.get(email="awa@example.org")
    assert response.status_code == 302
    assert response.url == reverse("governance:registration_detail", args=[registration.token])
    page = client.get(response.url).content.decode()
    assert reverse("governance:registration_badge", args=[registration.token]) in page


def test_register_twice_shows_a_message(client, world):
    """A second registration with the same e-mail re-shows the form with the reason."""
    _register(world, 1)
    response = client.post(
        reverse("governance:register", args=[world.congress.slug]),
        {
            "given_name": "X",
            "family_name": "Y",
            "email": "p1@example.org",
            "type": "press",
            "gender": "unknown",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "déjà inscrite" in response.content.decode()


def test_badge_pdf_only_for_confirmed(client, world):
    """A confirmed registrant downloads a PDF badge; a waiting one does not get one."""
    registration = _register(world, 1)
    response = client.get(reverse("governance:registration_badge", args=[registration.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.WAITLISTED)
    response = client.get(reverse("governance:registration_badge", args=[registration.token]))
    assert response.status_code == 404


def test_check_in_page_scans_a_badge(client_as, world):
    """The desk scans the QR code (its text) and sees the welcome."""
    registration = _register(world, 1)
    staff = client_as("secretariat")
    url = reverse("governance:check_in", args=[world.congress.slug])
    response = staff.post(url, {"code": str(registration.token)})
    assert "arrivée enregistrée" in response.content.decode()
    response = staff.post(url, {"code": "nonsense"})
    assert "Aucune inscription" in response.content.decode()


def test_check_in_page_refuses_a_badge_of_another_congress_with_no_side_effect(client_as, world):
    """The reported defect: refused with a message but checked in anyway. Now nothing is
    written."""
    from edile.governance.models import Meeting

    other = Meeting.objects.create(
        slug="other",
        kind="congress",
        title="Autre",
        start=world.congress.start,
        end=world.congress.end,
    )
    registration = _register(world, 1)
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:check_in", args=[other.slug]),
        {"code": str(registration.token)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Ce badge concerne un autre congrès." in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_session_page_shows_attendance_list_live_quorum_and_agenda_once(client, client_as, world):
    """The session page lists attendance and the quorum (refreshed by htmx), and numbers its
    agenda once ("1. Opening", not "1. 1. Opening")."""
    from edile.governance.models import AgendaItem

    AgendaItem.objects.create(meeting=world.session, number="1", title="Ouverture", order=1)
    page = client.get(reverse("governance:meeting_detail", args=[world.session.slug])).content
    page = page.decode()
    assert '<ol class="agenda">' in page and "1. Ouverture" in page
    assert "Quorum atteint" in page
    assert str(world.cities[0].name) in page
    fragment = client.get(reverse("governance:session_quorum", args=[world.session.slug]))
    assert fragment.status_code == 200 and 'id="live-quorum"' in fragment.content.decode()


def test_session_roll_page_marks_and_checks_out(client, client_as, world):
    """The secretariat marks a city from the searchable list and checks another out; the
    public may not open the page."""
    from edile.governance import selectors

    url = reverse("governance:session_roll", args=[world.session.slug])
    assert client.get(url).status_code in (302, 403)
    staff = client_as("secretariat")
    searched = staff.get(url, {"q": str(world.cities[1].name)[:6]}).content.decode()
    assert str(world.cities[1].name) in searched
    mark = reverse("governance:session_roll_mark", args=[world.session.slug])
    staff.post(mark, {"local_government": world.cities[0].pk, "action": "check_out"})
    before = selectors.presence_counts(world.session)
    assert before[0] == len(world.cities) - 1
    staff.post(mark, {"local_government": world.cities[0].pk, "action": "present"})
    assert selectors.presence_counts(world.session)[0] == len(world.cities)


def test_participant_list_constant_queries(client, world, django_assert_max_num_queries):
    """The participant list costs the same few queries for 30 rows as for 3."""
    for n in range(30):
        _register(world, n, local_government=world.cities[n % 4])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("governance:participants", args=[world.congress.slug]))
    assert response.content.decode().count("<tr>") >= 31


def test_resolution_list_constant_queries(client, world, django_assert_max_num_queries):
    """The resolution list does not query per row."""
    for n in range(20):
        Resolution.objects.create(
            slug=f"r{n}",
            number=f"R{n}",
            title=f"T{n}",
            title_fr=f"T{n}",
            body=world.body,
            state="tabled",
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("governance:resolution_list"))
    assert response.status_code == 200


def test_delegate_votes_on_the_vote_page(client_as, world, make_user):
    """A delegate sees the ballot form for their city, votes, and cannot vote again."""
    staff = make_user("secretariat")
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    delegate = client_as("delegate", local_government=world.cities[0])
    url = reverse("governance:vote_detail", args=[vote.pk])
    assert "ballot" in delegate.get(url).content.decode()
    response = delegate.post(
        reverse("governance:ballot_cast", args=[vote.pk]),
        {"local_government": world.cities[0].pk, "option": "yes"},
        follow=True,
    )
    assert "Le vote de votre ville est enregistré" in response.content.decode()
    assert vote.ballots.count() == 1
    response = delegate.post(
        reverse("governance:ballot_cast", args=[vote.pk]),
        {"local_government": world.cities[0].pk, "option": "no"},
        follow=True,
    )
    assert vote.ballots.get().option == "yes"


@pytest.mark.parametrize("role", ["bureau_member", "delegate", "public"])
def test_only_staff_closes_a_vote(client_as, world, make_user, role):
    """Closing a vote from the page is refused to non-staff."""
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    response = client_as(role).post(reverse("governance:vote_close", args=[vote.pk]))
    assert response.status_code == 403
    vote.refresh_from_db()
    assert vote.status == "open"


def test_minutes_draft_then_approved_and_public(client, client_as, world, make_user):
    """Draft minutes are for the secretariat; once approved they are public, with a PDF."""
    staff_user = make_user("secretariat")
    vote = services.vote_open(
        user=staff_user, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    services.vote_record_counts(user=staff_user, vote=vote, yes=3, no=1, abstain=0)
    services.vote_close(user=staff_user, vote=vote)
    staff = client_as("secretariat")
    url = reverse("governance:minutes", args=[world.session.slug])
    staff.post(reverse("governance:minutes_generate", args=[world.session.slug]))
    assert client.get(url).status_code == 404
    page = staff.get(url).content.decode()
    assert "Quorum atteint\u00a0: 4 sur 4" in page
    minutes = world.session.minutes
    staff.post(
        reverse("governance:minutes_approve", args=[world.session.slug]),
        {"version": minutes.version},
    )
    assert client.get(url).status_code == 200
    english = client.get(
        reverse("governance:minutes", args=[world.session.slug]).replace("/fr/", "/en/", 1)
    ).content.decode()
    assert "Quorum reached: 4 of 4" in english
    pdf = client.get(reverse("governance:minutes_pdf", args=[world.session.slug]))
    assert pdf.content.startswith(b"%PDF")


def test_minutes_edit_refuses_a_stale_version(client_as, world, make_user):
    """Two editors: the second save, from an old version, is refused, not overwritten."""
    services.minutes_generate(user=make_user("secretariat"), meeting=world.session)
    minutes = world.session.minutes
    staff = client_as("secretariat")
    url = reverse("governance:minutes_edit", args=[world.session.slug])
    staff.post(url, {"version": minutes.version, "text_fr": "Premier", "text_en": "First"})
    response = staff.post(
        url, {"version": minutes.version, "text_fr": "Second", "text_en": "Second"}, follow=True
    )
    minutes.refresh_from_db()
    assert minutes.text_fr == "Premier"
    assert (
        "Someone else" in response.content.decode()
        or "Rechargez" in response.content.decode()
        or "quelqu" in response.content.decode().lower()
    )


def test_admin_lists_answer(client, make_user, world):
    """The back office lists meetings, resolutions, votes and registrations."""
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    for model in [
        "meeting",
        "resolution",
        "vote",
        "registration",
        "decisionrule",
        "workflowtransition",
        "nomination",
    ]:
        response = client.get(reverse(f"admin:governance_{model}_changelist"))
        assert response.status_code == 200, model


def test_delegate_submits_an_amendment_and_reads_its_diff(client_as, client, world):
    """A delegate amends a paragraph for their city; anyone reads the diff."""
    city = world.cities[0]
    delegate = client_as("delegate", local_government=city)
    page = delegate.get(reverse("governance:resolution_detail", args=[world.resolution.slug]))
    assert "Déposer un amendement" in page.content.decode()
    delegate.post(
        reverse("governance:amendment_create", args=[world.resolution.slug]),
        {
            "paragraph_number": 2,
            "operation": "replace",
            "submitter": city.pk,
            "text_fr": "Les villes agissent vite pour la nature.",
        },
    )
    amendment = world.resolution.amendments.get()
    assert amendment.submitter == city
    diff = client.get(
        reverse("governance:amendment_detail", args=[world.resolution.slug, amendment.number])
    )
    assert "<ins>vite</ins>" in diff.content.decode()


def test_delegate_cannot_amend_for_another_city(client_as, world):
    """Submitting on behalf of another city is refused."""
    delegate = client_as("delegate", local_government=world.cities[0])
    response = delegate.post(
        reverse("governance:amendment_create", args=[world.resolution.slug]),
        {
            "paragraph_number": 2,
            "operation": "replace",
            "submitter": world.cities[1].pk,
            "text_fr": "Autre texte.",
        },
    )
    assert response.status_code == 403
    assert not world.resolution.amendments.exists()


def test_roll_call_page_constant_queries(client, make_user, django_assert_max_num_queries):
    """The roll call of a closed vote lists every city's ballot without a query per city."""
    from edile.governance.models import Ballot, Vote

    world = make_world(25)
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    Ballot.objects.bulk_create(
        Ballot(vote=vote, local_government=lg, option="yes") for lg in world.cities
    )
    Vote.objects.filter(pk=vote.pk).update(status="closed", closed_at=vote.opened_at)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("governance:vote_detail", args=[vote.pk]))
    assert response.content.decode().count('<th scope="row">') == 25


def test_chair_watches_who_has_not_voted(client_as, world, make_user):
    """The secretariat sees the cities present that have not voted; htmx gets the fragment."""
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    lg = world.cities[0]
    services.ballot_cast(
        user=make_user("delegate", local_government=lg),
        vote=vote,
        local_government=lg,
        option="yes",
    )
    staff = client_as("secretariat")
    fragment = staff.get(
        reverse("governance:vote_detail", args=[vote.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert "1 bulletin reçu" in fragment
    assert f"<li>{world.cities[1].name}</li>" in fragment
    assert f"<li>{lg.name}</li>" not in fragment


def test_tampered_forms_answer_4xx_not_500(client_as, world):
    """A forged record id in a staff form is a 404, never a server error."""
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:moderation", args=[world.congress.slug]),
        {"registration": "abc", "approve": "1"},
    )
    assert response.status_code == 404


def test_admin_enters_a_text_paragraph_by_paragraph(client, make_user, world):
    """The version form in the back office carries the paragraph inline."""
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    version = world.resolution.versions.get()
    response = client.get(reverse("admin:governance_resolutionversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert "Les villes agissent pour la nature." in response.content.decode()
