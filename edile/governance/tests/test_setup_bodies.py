"""Setup pages for bodies and seats (juries are bodies), prize editions and nominations
(issue 10, item 1): the secretariat does it on our pages, never in the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from edile.governance.models import Body, Nomination, NominationStatus, PrizeEdition, Seat
from edile.governance.tests.factories import make_world
from edile.members.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def prize_world():
    world = make_world(3)
    jury = Body.objects.create(
        slug="jury", kind="jury", name="Jury", name_fr="Jury", name_en="Jury"
    )
    edition = PrizeEdition.objects.create(
        slug="prix-2031", year=2031, title="Prix 2031", title_fr="Prix 2031", title_en="Prize 2031"
    )
    nominee = Person.objects.create(given_name="Awa", family_name="Diop", gender="female")
    nomination = Nomination.objects.create(
        edition=edition, nominee=nominee, nominated_by=world.cities[0]
    )
    seat = world.body.seats.order_by("pk").first()
    return world, jury, edition, nomination, seat


def _urls(world, jury, edition, nomination, seat):
    body = world.body.slug
    return [
        reverse("governance:setup_bodies"),
        reverse("governance:setup_body_new"),
        reverse("governance:setup_body", args=[body]),
        reverse("governance:setup_seat_new", args=[body]),
        reverse("governance:setup_seat", args=[body, seat.pk]),
        reverse("governance:setup_editions"),
        reverse("governance:setup_edition_new"),
        reverse("governance:setup_edition", args=[edition.slug]),
        reverse("governance:setup_nomination_new", args=[edition.slug]),
        reverse("governance:setup_nomination", args=[edition.slug, nomination.pk]),
    ]


def test_the_role_matrix(client, client_as, prize_world):
    """Secretariat 200; delegate and Bureau member 403; anonymous sent to sign in (302)."""
    urls = _urls(*prize_world)
    staff = client_as("secretariat")
    delegate = client_as("delegate")
    bureau = client_as("bureau_member")
    for url in urls:
        assert staff.get(url).status_code == 200, url
        assert delegate.get(url).status_code == 403, url
        assert bureau.get(url).status_code == 403, url
        assert delegate.post(url, {}).status_code == 403, url
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        assert client.post(url, {}).status_code == 302, url


def test_a_delegate_cannot_create_a_body_by_posting(client_as, prize_world):
    delegate = client_as("delegate")
    response = delegate.post(
        reverse("governance:setup_body_new"), {"kind": "commission", "name_fr": "Commission X"}
    )
    assert response.status_code == 403
    assert not Body.objects.filter(name_fr="Commission X").exists()


def test_the_secretariat_creates_a_body_then_gives_and_ends_a_seat(client_as, prize_world):
    world = prize_world[0]
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_body_new"),
        {
            "kind": "commission",
            "name_fr": "Commission des finances",
            "name_en": "Finance Commission",
            "description_fr": "Elle examine les comptes.",
            "description_en": "It examines the accounts.",
        },
    )
    body = Body.objects.get(name_fr="Commission des finances")
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:setup_body", args=[body.slug])
    assert body.slug == "commission-des-finances" and body.name_en == "Finance Commission"
    city = world.cities[1]
    response = staff.post(
        reverse("governance:setup_seat_new", args=[body.slug]),
        {"role": "chair", "local_government": city.pk, "start": "2031-01-01", "votes": "1"},
    )
    assert response.status_code == 302
    seat = Seat.objects.get(body=body)
    assert (seat.role, seat.local_government, seat.start) == ("chair", city, dt.date(2031, 1, 1))
    page = staff.get(reverse("governance:setup_body", args=[body.slug])).content.decode()
    assert city.name in page and "Présidence" in page
    # A second current chair is refused with a message, nothing written.
    response = staff.post(
        reverse("governance:setup_seat_new", args=[body.slug]),
        {
            "role": "chair",
            "local_government": world.cities[2].pk,
            "start": "2031-02-01",
            "votes": "1",
        },
    )
    assert response.status_code == 200
    assert "a déjà un président en exercice" in response.content.decode()
    assert Seat.objects.filter(body=body).count() == 1
    # Ending the seat keeps it, with its end date and its history.
    response = staff.post(
        reverse("governance:setup_seat", args=[body.slug, seat.pk]),
        {
            "role": "chair",
            "local_government": city.pk,
            "start": "2031-01-01",
            "end": "2031-06-30",
            "votes": "1",
        },
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.end == dt.date(2031, 6, 30) and seat.history.count() == 2
    # The English page.
    en = staff.get(f"/en/governance/setup/bodies/{body.slug}/").content.decode()
    assert "<h1>Finance Commission</h1>" in en
    assert "Add a seat" in en
    assert "<td>06/30/2031</td>" in en


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"role": "member", "start": "2031-01-01", "votes": "1"},
            "Un siège est occupé par une ville, une personne, ou les deux.",
        ),
        (
            {
                "role": "member",
                "city": True,
                "start": "2031-05-01",
                "end": "2031-01-01",
                "votes": "1",
            },
            "Un siège ne peut pas finir avant de commencer.",
        ),
        (
            {"role": "member", "city": True, "start": "hier", "votes": "1"},
            "Saisissez une date valide.",
        ),
        (
            {"role": "pope", "city": True, "start": "2031-01-01", "votes": "1"},
            "Sélectionnez un choix valide.",
        ),
        (
            {"role": "member", "city": True, "start": "2031-01-01", "votes": "0"},
            "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        ),
    ],
)
def test_bad_seats_get_a_message_not_a_500(client_as, prize_world, data, message):
    world = prize_world[0]
    staff = client_as("secretariat")
    before = Seat.objects.count()
    if data.pop("city", False):
        data["local_government"] = world.cities[2].pk
    response = staff.post(reverse("governance:setup_seat_new", args=[world.body.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("\u00a0", " ")
    assert Seat.objects.count() == before


def test_a_seat_of_another_body_is_404(client_as, prize_world):
    world, jury, _edition, _nomination, seat = prize_world
    staff = client_as("secretariat")
    assert staff.get(reverse("governance:setup_seat", args=[jury.slug, seat.pk])).status_code == 404
    assert staff.get(reverse("governance:setup_body", args=["nope"])).status_code == 404


def test_the_secretariat_creates_an_edition_with_its_jury_and_a_nomination(client_as, prize_world):
    world, jury, _edition, _nomination, _seat = prize_world
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_edition_new"),
        {
            "year": "2032",
            "title_fr": "Prix de la Femme francophone 2032",
            "title_en": "Prize for Francophone Women 2032",
            "jury": jury.pk,
            "nominations_close": "2032-06-30",
        },
    )
    assert response.status_code == 302
    edition = PrizeEdition.objects.get(year=2032)
    assert edition.jury == jury and edition.title_en == "Prize for Francophone Women 2032"
    assert edition.nominations_close == dt.date(2032, 6, 30)
    assert edition.minimum_scores == 1  # left empty: the default
    response = staff.post(
        reverse("governance:setup_edition", args=[edition.slug]),
        {"year": "2032", "title_fr": edition.title_fr, "jury": jury.pk, "minimum_scores": "2"},
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.minimum_scores == 2
    nominee = Person.objects.create(given_name="Mariam", family_name="Kane", gender="female")
    response = staff.post(
        reverse("governance:setup_nomination_new", args=[edition.slug]),
        {
            "nominee": nominee.pk,
            "nominated_by": world.cities[1].pk,
            "citation_fr": "Pour son action.",
            "citation_en": "For her work.",
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(edition=edition)
    assert nomination.nominee == nominee and nomination.status == NominationStatus.SUBMITTED
    page = staff.get(reverse("governance:setup_edition", args=[edition.slug])).content.decode()
    assert "Mariam Kane" in page and "Déposée" in page
    # The same person twice in one edition is refused with a message.
    response = staff.post(
        reverse("governance:setup_nomination_new", args=[edition.slug]),
        {"nominee": nominee.pk},
    )
    assert response.status_code == 200
    assert "déjà proposée pour cette édition" in response.content.decode()
    assert Nomination.objects.filter(edition=edition).count() == 1


def test_a_body_that_is_not_a_jury_cannot_judge_an_edition(client_as, prize_world):
    world = prize_world[0]
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_edition_new"),
        {"year": "2032", "title_fr": "Prix 2032", "jury": world.body.pk},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not PrizeEdition.objects.filter(year=2032).exists()


def test_changing_the_nominee_sends_the_nomination_back_for_eligibility(client_as, prize_world):
    _world, _jury, edition, nomination, _seat = prize_world
    nomination.status = NominationStatus.ELIGIBLE
    nomination.save()
    other = Person.objects.create(given_name="Fatou", family_name="Sow", gender="female")
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_nomination", args=[edition.slug, nomination.pk]),
        {"nominee": other.pk, "citation_fr": "Nouvelle citation."},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.nominee == other and nomination.status == NominationStatus.SUBMITTED
    assert nomination.citation_fr == "Nouvelle citation."
    # A laureate is decided: it cannot be changed any more.
    nomination.status = NominationStatus.LAUREATE
    nomination.save()
    response = staff.post(
        reverse("governance:setup_nomination", args=[edition.slug, nomination.pk]),
        {"nominee": other.pk, "citation_fr": "Autre."},
    )
    assert response.status_code == 200
    assert "déjà été tranchée" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.citation_fr == "Nouvelle citation."


def test_the_setup_index_and_session_pages_link_to_them(client_as, prize_world):
    world = prize_world[0]
    staff = client_as("secretariat")
    index = staff.get(reverse("governance:setup")).content.decode()
    assert reverse("governance:setup_bodies") in index
    assert reverse("governance:setup_editions") in index
    session = staff.get(reverse("governance:meeting_detail", args=["congress-ga"])).content.decode()
    assert reverse("governance:setup_body", args=[world.body.slug]) in session
    congress = staff.get(reverse("governance:meeting_detail", args=["congress"])).content.decode()
    assert reverse("governance:setup_bodies") in congress
