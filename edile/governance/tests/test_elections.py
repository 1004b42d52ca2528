"""Elections of persons (issue 10, item 9): rounds with their own rule, secret ballots by the
voting delegate of each city, results explained, ties for the chair, the elected seated."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import elections
from edile.governance.models import (
    Body,
    BodyKind,
    Candidate,
    ElectionReceipt,
    ElectionStatus,
    RoundTally,
    Seat,
    SeatRole,
    TieDecision,
)
from edile.governance.tests.factories import make_world
from edile.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/governance"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return make_world(6)


@pytest.fixture
def staff(make_user):
    return make_user("secretariat")


@pytest.fixture
def delegates(world, make_user):
    return [make_user("delegate", local_government=lg) for lg in world.cities]


def make_election(world, staff, *, seats=1, role=SeatRole.MEMBER, rules=None, n=3, term=3):
    bureau = Body.objects.create(slug="bureau", name="Bureau", kind=BodyKind.BUREAU)
    election = elections.election_save(
        user=staff,
        meeting=world.session,
        body=bureau,
        title_fr="Élection du Bureau",
        title_en="Election of the Bureau",
        seats=seats,
        seat_role=role,
        term_years=term,
        round_rules=rules or ["absolute", "relative"],
    )
    candidates = [
        elections.candidate_add(
            user=staff,
            election=election,
            person=PersonFactory(given_name=f"Given{i}", family_name=f"Family{i}"),
            local_government=world.cities[i],
        )
        for i in range(n)
    ]
    return election, candidates


def vote_all(election, world, delegates, choices, *, start=0):
    """Cast one ballot per city from `choices` (a list of candidate lists, or "blank"),
    from the city `start` on."""
    pairs = list(zip(delegates, world.cities, strict=True))[start:]
    for (user, lg), choice in zip(pairs, choices, strict=False):
        elections.election_ballot_cast(
            user=user,
            election=election,
            local_government=lg,
            candidates=[] if choice == "blank" else [c.pk for c in choice],
            blank=choice == "blank",
        )


# ---------------------------------------------------------------------------------------------
# The computation


def test_absolute_majority_counts_votes_cast_without_blank_ballots():
    """10 ballots, 2 blank: 8 votes cast, 5 required; 5 votes elect, 4 would not."""
    outcome = elections.round_evaluate(
        number=1,
        rule="absolute",
        seats=1,
        votes={1: 5, 2: 3},
        ballots=10,
        blank=2,
        names={1: "Awa Diallo", 2: "Jean Martin"},
    )
    assert outcome.elected == [1] and outcome.required == 5
    assert outcome.explanation_en == (
        "Round 1 (absolute majority of the votes cast): 10 ballots, of which 2 blank; 8 votes "
        "cast. An absolute majority is 5 votes. Elected: Awa Diallo (5 votes). Not elected: "
        "Jean Martin (3 votes)."
    )
    assert "\u00a0:" in outcome.explanation_fr and "Élu" in outcome.explanation_fr
    short = elections.round_evaluate(
        number=1, rule="absolute", seats=1, votes={1: 4, 2: 4}, ballots=10, blank=2, names={}
    )
    assert short.elected == [] and short.tied == []
    assert short.explanation_en.endswith("1 seat remains to be filled.")


def test_relative_majority_and_a_tie_for_the_last_seat():
    """Two seats: the first is clear, two candidates tie for the second: the chair decides."""
    outcome = elections.round_evaluate(
        number=2,
        rule="relative",
        seats=2,
        votes={1: 7, 2: 3, 3: 3, 4: 1},
        ballots=9,
        blank=0,
        names={1: "A", 2: "B", 3: "C", 4: "D"},
    )
    assert outcome.elected == [1] and sorted(outcome.tied) == [2, 3] and outcome.tie_seats == 1
    assert outcome.required is None
    assert "Tie for the last seat between B (3 votes), C (3 votes)" in outcome.explanation_en
    exact = elections.round_evaluate(
        number=2, rule="relative", seats=3, votes={1: 7, 2: 3, 3: 3}, ballots=9, blank=0, names={}
    )
    assert sorted(exact.elected) == [1, 2, 3] and exact.tied == []


def test_several_seats_under_an_absolute_majority():
    """Each ballot names up to 3 candidates; those above half the ballots are elected."""
    outcome = elections.round_evaluate(
        number=1,
        rule="absolute",
        seats=3,
        votes={1: 6, 2: 4, 3: 3, 4: 2},
        ballots=6,
        blank=0,
        names={},
    )
    assert outcome.elected == [1, 2] and outcome.required == 4


# ---------------------------------------------------------------------------------------------
# The services


def test_two_rounds_elect_and_seat_the_winner(world, staff, delegates):
    """Round 1 (absolute) elects no one; round 2 (relative) elects; publishing seats the
    elected from the meeting's date for the term."""
    election, (a, b, c) = make_election(world, staff)
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a], [a], [b], [b], [c], "blank"])
    round1 = elections.round_close(user=staff, election=election)
    assert round1.required == 3 and round1.ballots == 6 and round1.blank == 1
    election.refresh_from_db()
    assert election.status == ElectionStatus.BETWEEN_ROUNDS
    assert "An absolute majority is 3 votes." in round1.explanation_en
    round2 = elections.round_open(user=staff, election=election)
    assert round2.rule == "relative" and round2.number == 2
    vote_all(election, world, delegates, [[a], [a], [a], [b], [b], [c]])
    round2 = elections.round_close(user=staff, election=election)
    assert "Elected: Given0 Family0 (3 votes)." in round2.explanation_en
    with pytest.raises(ServiceError):
        elections.round_open(user=staff, election=election)
    elections.election_publish(user=staff, election=election)
    seat = Seat.objects.get(body=election.body)
    assert seat.person_id == a.person_id and seat.local_government_id == world.cities[0].pk
    assert seat.start == dt.date(2030, 12, 4)
    assert seat.end == dt.date(2033, 12, 3)


def test_a_ballot_is_secret_and_cast_once(world, staff, delegates):
    """No stored row links a city or a person to a choice; a second ballot is refused."""
    election, (a, b, _c) = make_election(world, staff)
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a]])
    for model in (ElectionReceipt, RoundTally):
        names = {f.name for f in model._meta.get_fields() if isinstance(f, models.Field)}
        assert not ({"candidate", "votes"} & names and {"local_government", "cast_by"} & names)
    with pytest.raises(ServiceError, match="already voted in this round"):
        vote_all(election, world, delegates, [[b]])
    assert RoundTally.objects.get(candidate=a).votes == 1
    assert RoundTally.objects.get(candidate=b).votes == 0


def test_ballot_refusals(world, staff, delegates, make_user):
    """More candidates than seats, none, a candidate off the ballot, another city, the
    secretariat: each refused with a message, nothing counted."""
    election, (a, b, _c) = make_election(world, staff)
    elections.round_open(user=staff, election=election)
    lg, user = world.cities[0], delegates[0]
    cases = [
        ([a.pk, b.pk], False, "at most 1 candidate"),
        ([], False, "or cast a blank ballot"),
        ([a.pk], True, "A blank ballot names no candidate"),
        ([999999], False, "not on this round's ballot"),
    ]
    for chosen, blank, message in cases:
        with pytest.raises(ServiceError, match=message):
            elections.election_ballot_cast(
                user=user, election=election, local_government=lg, candidates=chosen, blank=blank
            )
    with pytest.raises(PermissionDenied):
        elections.election_ballot_cast(
            user=delegates[1], election=election, local_government=lg, candidates=[a.pk]
        )
    with pytest.raises(PermissionDenied):
        elections.election_ballot_cast(
            user=staff, election=election, local_government=lg, candidates=[a.pk]
        )
    assert not ElectionReceipt.objects.exists()


def test_closing_with_cities_yet_to_vote_needs_confirmation(world, staff, delegates):
    election, (a, _b, _c) = make_election(world, staff)
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a], [a], [a], [a]])
    with pytest.raises(ServiceError, match="2 cities present or represented have not voted"):
        elections.round_close(user=staff, election=election)
    round_ = elections.round_close(user=staff, election=election, confirm_missing=True)
    assert round_.ballots == 4
    a.refresh_from_db()
    assert a.elected_in_round == 1


def test_a_tie_waits_for_the_chair_then_lots_elect(world, staff, delegates):
    """A tie for the last seat blocks the next round until the chair decides; a drawing of
    lots elects the candidate drawn."""
    election, (a, b, _c) = make_election(world, staff, rules=["relative"])
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a], [a], [a], [b], [b], [b]])
    round_ = elections.round_close(user=staff, election=election)
    assert round_.tie == TieDecision.PENDING and sorted(round_.tied) == sorted([a.pk, b.pk])
    with pytest.raises(ServiceError, match="record the chair's decision first"):
        elections.round_open(user=staff, election=election)
    with pytest.raises(ServiceError, match="Choose the 1 candidate drawn"):
        elections.round_tie_settle(user=staff, election=election, decision="lots", winners=[])
    elections.round_tie_settle(user=staff, election=election, decision="lots", winners=[b.pk])
    b.refresh_from_db()
    assert b.elected_in_round == 1 and b.elected_by_lot
    election.refresh_from_db()
    assert election.status == ElectionStatus.COMPLETE
    round_.refresh_from_db()
    assert round_.explanation_en.endswith("Elected by drawing of lots: Given1 Family1.")


def test_a_further_round_is_between_the_tied_candidates(world, staff, delegates):
    election, (a, b, c) = make_election(world, staff, rules=["relative"])
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a], [a], [b], [b], [c], "blank"])
    elections.round_close(user=staff, election=election)
    elections.round_tie_settle(user=staff, election=election, decision="next_round")
    round2 = elections.round_open(user=staff, election=election)
    assert {c.pk for c in elections.ballot_candidates(round2)} == {a.pk, b.pk}


def test_an_elected_chair_succeeds_the_current_one(world, staff, delegates):
    election, (a, _b, _c) = make_election(world, staff, role=SeatRole.CHAIR, term=None)
    old = Seat.objects.create(
        body=election.body, role=SeatRole.CHAIR, person=PersonFactory(), start=dt.date(2020, 1, 1)
    )
    elections.round_open(user=staff, election=election)
    vote_all(election, world, delegates, [[a]] * 6)
    elections.round_close(user=staff, election=election)
    elections.election_publish(user=staff, election=election)
    old.refresh_from_db()
    assert old.end == dt.date(2030, 12, 3)
    new = Seat.objects.get(body=election.body, end__isnull=True)
    assert new.person_id == a.person_id


def test_setup_refusals(world, staff, make_user):
    bureau = Body.objects.create(slug="bureau", name="Bureau", kind=BodyKind.BUREAU)
    base = {
        "meeting": world.session,
        "body": bureau,
        "title_fr": "É",
        "title_en": "E",
        "seats": 2,
        "seat_role": SeatRole.CHAIR,
        "term_years": 3,
        "round_rules": ["absolute"],
    }
    with pytest.raises(ServiceError, match="one chair"):
        elections.election_save(user=staff, **base)
    with pytest.raises(ServiceError, match="absolute or relative"):
        elections.election_save(user=staff, **{**base, "seat_role": "member", "round_rules": []})
    with pytest.raises(PermissionDenied):
        elections.election_save(user=make_user("delegate"), **{**base, "seat_role": "member"})
    election = elections.election_save(user=staff, **{**base, "seat_role": "member"})
    with pytest.raises(ServiceError, match="Add at least one candidate"):
        elections.round_open(user=staff, election=election)
    with pytest.raises(ServiceError, match="person of the registry or give"):
        elections.candidate_add(user=staff, election=election, local_government=world.cities[0])


# ---------------------------------------------------------------------------------------------
# Pages and API


def test_pages_vote_on_a_phone_and_results_after_publication(
    world, staff, delegates, client, client_as
):
    """The delegate votes from the election page; the public sees nothing until publication,
    then the results and their explanation."""
    election, (a, _b, _c) = make_election(world, staff)
    url = reverse("governance:election_detail", kwargs={"pk": election.pk})
    assert client.get(url).status_code == 404
    elections.round_open(user=staff, election=election)
    delegate = client_as("delegate", local_government=world.cities[0])
    page = delegate.get(url)
    assert page.status_code == 200 and "Given0 Family0" in page.content.decode()
    assert 'id="election-ballot"' in page.content.decode()
    posted = delegate.post(
        reverse("governance:election_ballot", kwargs={"pk": election.pk}),
        {"local_government": world.cities[0].pk, "candidates": [a.pk]},
        follow=True,
    )
    assert "Your city&#x27;s ballot is recorded." in posted.content.decode()
    assert 'id="election-ballot"' not in posted.content.decode()
    vote_all(election, world, delegates, [[a]] * 5, start=1)
    secretariat = client_as("secretariat")
    secretariat.post(reverse("governance:election_round_close", kwargs={"pk": election.pk}))
    assert client.get(url).status_code == 404
    secretariat.post(reverse("governance:election_publish", kwargs={"pk": election.pk}))
    public = client.get(url).content.decode()
    assert 'id="election-elected"' in public
    assert "Given0 Family0" in public and "Round 1 (absolute majority" in public
    listing = client.get(reverse("governance:election_list")).content.decode()
    assert "Election of the Bureau" in listing


def test_secretariat_creates_an_election_and_candidates_from_pages(world, client_as):
    bureau = Body.objects.create(slug="bureau", name="Bureau", kind=BodyKind.BUREAU)
    secretariat = client_as("secretariat")
    new = reverse("governance:setup_election_new")
    assert secretariat.get(new).status_code == 200
    assert client_as("delegate").get(new).status_code == 403
    response = secretariat.post(
        new,
        {
            "title_fr": "Élection du Bureau",
            "title_en": "Election of the Bureau",
            "meeting": world.session.pk,
            "body": bureau.pk,
            "seats": 2,
            "seat_role": "member",
            "term_years": 3,
            "round_1": "absolute",
            "round_2": "relative",
        },
    )
    assert response.status_code == 302
    election = bureau.elections.get()
    assert election.round_rules == ["absolute", "relative"]
    add = reverse("governance:setup_candidate_new", kwargs={"pk": election.pk})
    response = secretariat.post(add, {"name": "Awa Diallo", "local_government": world.cities[0].pk})
    assert response.status_code == 302
    assert Candidate.objects.get(election=election).display_name == "Awa Diallo"
    refused = secretariat.post(add, {"local_government": world.cities[0].pk})
    assert refused.status_code == 200
    assert "Choose a person of the registry or give" in refused.content.decode()


def test_api_lists_shows_and_takes_ballots(
    world, staff, delegates, client, client_as, django_assert_max_num_queries
):
    election, (a, b, _c) = make_election(world, staff)
    elections.round_open(user=staff, election=election)
    url = f"{API}/elections/{election.pk}/ballots"
    payload = {"local_government": world.cities[0].slug, "candidates": [a.pk]}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    other = client_as("delegate", local_government=world.cities[1])
    assert other.post(url, payload, content_type="application/json").status_code == 403
    own = client_as("delegate", local_government=world.cities[0])
    too_many = own.post(
        url, {**payload, "candidates": [a.pk, b.pk]}, content_type="application/json"
    )
    assert too_many.status_code == 400 and "au plus 1 candidat" in too_many.json()["detail"]
    response = own.post(url, payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["round"] == 1
    assert own.post(url, payload, content_type="application/json").status_code == 400
    missing = own.post(f"{API}/elections/999999/ballots", payload, content_type="application/json")
    assert missing.status_code == 404
    assert client.get(f"{API}/elections/{election.pk}").status_code == 404
    vote_all(election, world, delegates, [[a]] * 5, start=1)
    elections.round_close(user=staff, election=election)
    elections.election_publish(user=staff, election=election)
    with django_assert_max_num_queries(4):
        listing = client.get(f"{API}/elections")
    assert listing.status_code == 200 and listing.json()["count"] == 1
    detail = client.get(f"{API}/elections/{election.pk}").json()
    assert detail["rounds"][0]["results"][0] == {"candidate": a.pk, "votes": 6}
    assert detail["rounds"][0]["explanation"]["en"].startswith("Round 1 (absolute majority")
    assert detail["candidates"][0]["elected_in_round"] == 1
