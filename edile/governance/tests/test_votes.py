"""Votes, proxies, amendments and the resolution workflow, through the services."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import services
from edile.governance.models import (
    AmendmentState,
    ResolutionEvent,
    ResolutionState,
    VoteMode,
)
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return make_world(6)


@pytest.fixture
def staff(make_user):
    return make_user("secretariat")


def delegate(make_user, lg):
    return make_user("delegate", local_government=lg)


def test_roll_call_vote_adopts_the_resolution(world, staff, make_user):
    """Delegates vote for their cities; closing computes the result and adopts the text."""
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    for lg, option in zip(world.cities, ["yes", "yes", "yes", "no", "abstain", "yes"]):
        services.ballot_cast(
            user=delegate(make_user, lg), vote=vote, local_government=lg, option=option
        )
    vote = services.vote_close(user=staff, vote=vote)
    assert (vote.yes, vote.no, vote.abstain, vote.result) == (4, 1, 1, "pass")
    assert vote.explanation_en.startswith("Quorum reached: 6 of 6")
    world.resolution.refresh_from_db()
    assert world.resolution.state == ResolutionState.ADOPTED
    assert world.resolution.decided_on is not None
    assert vote.rule_snapshot["code"] == "general_assembly-ordinary"


def test_a_city_cannot_vote_twice(world, staff, make_user):
    """A second ballot for the same city is refused with a message."""
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    user = delegate(make_user, world.cities[0])
    services.ballot_cast(user=user, vote=vote, local_government=world.cities[0], option="yes")
    with pytest.raises(ServiceError, match="already voted"):
        services.ballot_cast(user=user, vote=vote, local_government=world.cities[0], option="no")


def test_no_ballot_after_the_poll_closes(world, staff, make_user):
    """Once closed, a vote accepts no more ballots."""
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    services.vote_close(user=staff, vote=vote, confirm_missing=True)
    with pytest.raises(ServiceError, match="closed"):
        services.ballot_cast(
            user=delegate(make_user, world.cities[0]),
            vote=vote,
            local_government=world.cities[0],
            option="yes",
        )


def test_delegate_cannot_vote_for_another_city(world, staff, make_user):
    """A delegate of one city may not cast another city's vote."""
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            user=delegate(make_user, world.cities[0]),
            vote=vote,
            local_government=world.cities[1],
            option="yes",
        )


def test_absent_city_cannot_vote(staff, make_user):
    """Only cities present or represented vote."""
    world = make_world(4, present=2)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    with pytest.raises(ServiceError, match="not recorded as present"):
        services.ballot_cast(
            user=delegate(make_user, world.cities[3]),
            vote=vote,
            local_government=world.cities[3],
            option="yes",
        )


def test_proxy_holder_votes_for_the_represented_city(staff, make_user):
    """The holder's delegate casts the grantor's vote, marked as by proxy."""
    world = make_world(4, present=3)
    grantor, holder = world.cities[3], world.cities[0]
    services.proxy_grant(user=staff, meeting=world.session, grantor=grantor, holder=holder)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    assert (vote.present, vote.represented) == (3, 1)
    ballot = services.ballot_cast(
        user=delegate(make_user, holder), vote=vote, local_government=grantor, option="yes"
    )
    assert ballot.by_proxy


def test_proxy_beyond_the_cap_is_refused(staff):
    """A holder cannot collect more proxies than the meeting allows."""
    world = make_world(6, present=3)
    world.session.proxy_cap = 2
    world.session.save()
    holder = world.cities[0]
    for grantor in world.cities[3:5]:
        services.proxy_grant(user=staff, meeting=world.session, grantor=grantor, holder=holder)
    with pytest.raises(ServiceError, match="already holds 2 proxies"):
        services.proxy_grant(
            user=staff, meeting=world.session, grantor=world.cities[5], holder=holder
        )


def test_delegate_can_only_give_own_city_proxy(make_user):
    """Giving a proxy is for the city's own delegate (or the secretariat)."""
    world = make_world(4, present=2)
    with pytest.raises(PermissionDenied):
        services.proxy_grant(
            user=delegate(make_user, world.cities[0]),
            meeting=world.session,
            grantor=world.cities[3],
            holder=world.cities[0],
        )


def test_analog_counts_beyond_voters_are_refused(world, staff):
    """Counts larger than the members present or represented are refused with a message."""
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    with pytest.raises(ServiceError, match="only 6 members are present"):
        services.vote_record_counts(user=staff, vote=vote, yes=5, no=2, abstain=0)


def test_analog_vote_without_quorum_changes_nothing(staff):
    """Without quorum the text stays tabled and the explanation says why."""
    world = make_world(10, present=3)
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    services.vote_record_counts(user=staff, vote=vote, yes=3, no=0, abstain=0)
    vote = services.vote_close(user=staff, vote=vote)
    assert vote.result == "no_quorum"
    assert "Quorum non atteint\u00a0: 3 sur 10" in vote.explanation_fr
    world.resolution.refresh_from_db()
    assert world.resolution.state == ResolutionState.TABLED


def test_snapshot_keeps_the_rule_as_it_was(world, staff):
    """Changing the rule after a vote opened does not change how that vote is decided."""
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    world.rule.threshold_numerator, world.rule.threshold_denominator = 5, 6
    world.rule.save()
    services.vote_record_counts(user=staff, vote=vote, yes=4, no=2, abstain=0)
    assert services.vote_close(user=staff, vote=vote).result == "pass"


def test_second_convocation_decides_without_quorum(staff):
    """On second convocation a thin attendance still decides."""
    world = make_world(10, present=2)
    world.session.convocation = 2
    world.session.save()
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    services.vote_record_counts(user=staff, vote=vote, yes=2, no=0, abstain=0)
    assert services.vote_close(user=staff, vote=vote).result == "pass"


def test_only_staff_opens_and_closes_votes(world, make_user):
    """Delegates and the Bureau cannot run a vote."""
    for role in ("delegate", "bureau_member", "public"):
        with pytest.raises(PermissionDenied):
            services.vote_open(
                user=make_user(role), resolution=world.resolution, meeting=world.session
            )


def test_adoption_needs_a_passed_vote(world, staff):
    """The workflow refuses 'adopted' without a vote that passed."""
    with pytest.raises(ServiceError, match="closed vote"):
        services.resolution_transition(
            user=staff, resolution=world.resolution, to_state=ResolutionState.ADOPTED
        )


def test_transitions_not_in_the_workflow_are_refused(world, staff):
    """A tabled text cannot go back to draft."""
    with pytest.raises(ServiceError, match="cannot go"):
        services.resolution_transition(
            user=staff, resolution=world.resolution, to_state=ResolutionState.DRAFT
        )


@pytest.mark.parametrize("role", ["delegate", "bureau_member", "focal_point", "public"])
def test_transitions_check_the_role(world, make_user, role):
    """Only the role named by the workflow row may withdraw a text."""
    with pytest.raises(PermissionDenied):
        services.resolution_transition(
            user=make_user(role), resolution=world.resolution, to_state=ResolutionState.WITHDRAWN
        )


def test_withdrawal_is_recorded_in_the_history(world, staff):
    """Each move leaves a dated step on the resolution's history."""
    services.resolution_transition(
        user=staff, resolution=world.resolution, to_state=ResolutionState.WITHDRAWN, note="retiré"
    )
    event = ResolutionEvent.objects.get(resolution=world.resolution)
    assert (event.from_state, event.to_state, event.note) == ("tabled", "withdrawn", "retiré")


def test_adopted_amendment_makes_a_new_version(world, staff, make_user):
    """A delegate's amendment, adopted by vote, rewrites its paragraph in a new version."""
    city = world.cities[0]
    amendment = services.amendment_submit(
        user=delegate(make_user, city),
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Les villes agissent pour la nature et le climat.",
        text_en="Cities act for nature and climate.",
        submitter=city,
    )
    sub = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Les villes agissent résolument pour la nature et le climat.",
        parent=amendment,
    )
    assert sub.number == "A1.1"
    vote = services.vote_open(
        user=staff,
        resolution=world.resolution,
        meeting=world.session,
        mode=VoteMode.ANALOG,
        amendment=sub,
    )
    services.vote_record_counts(user=staff, vote=vote, yes=4, no=1, abstain=0)
    services.vote_close(user=staff, vote=vote)
    amendment.refresh_from_db()
    assert amendment.text_fr.startswith("Les villes agissent résolument")
    vote = services.vote_open(
        user=staff,
        resolution=world.resolution,
        meeting=world.session,
        mode=VoteMode.ANALOG,
        amendment=amendment,
    )
    services.vote_record_counts(user=staff, vote=vote, yes=4, no=1, abstain=0)
    services.vote_close(user=staff, vote=vote)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ADOPTED
    world.resolution.refresh_from_db()
    assert world.resolution.state == ResolutionState.AMENDED
    latest = world.resolution.versions.order_by("-number").first()
    assert latest.number == 2
    assert latest.paragraphs.get(number=2).text_fr.startswith("Les villes agissent résolument")
    assert latest.paragraphs.get(number=1).text_fr == "Premier paragraphe."


def test_amendment_to_a_missing_paragraph_is_refused(world, staff):
    """An amendment must target a paragraph of the current text."""
    with pytest.raises(ServiceError, match="no paragraph 9"):
        services.amendment_submit(
            user=staff,
            resolution=world.resolution,
            paragraph_number=9,
            operation="replace",
            text_fr="x",
        )


def test_amendment_diff_marks_changed_words(world, staff):
    """The diff shows deleted and inserted words against the paragraph."""
    from edile.governance.selectors import amendment_diff

    amendment = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Les villes agissent vite pour la nature.",
    )
    diff = amendment_diff(amendment)
    assert ("ins", "vite") in diff
    assert ("same", "Les villes agissent") in diff


def test_weighted_vote_counts_seat_weights(staff, make_user):
    """Under a weighted rule a city's ballot weighs its seat's votes, in quorum and majority."""
    world = make_world(3, rule={"voting_unit": "weighted"})
    big = world.cities[0]
    world.body.seats.filter(local_government=big).update(votes=5)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    assert (vote.entitled, vote.present) == (7, 7)
    services.ballot_cast(
        user=delegate(make_user, big), vote=vote, local_government=big, option="yes"
    )
    for lg in world.cities[1:]:
        services.ballot_cast(
            user=delegate(make_user, lg), vote=vote, local_government=lg, option="no"
        )
    vote = services.vote_close(user=staff, vote=vote)
    assert (vote.yes, vote.no, vote.result) == (5, 2, "pass")


def test_statute_amendment_takes_the_two_thirds_rule(staff):
    """Without a rule of its own, an amendment to the statutes gets the body's statutes rule."""
    from edile.governance.models import DecisionRule

    world = make_world(6)
    DecisionRule.objects.create(
        code="general_assembly-statutes",
        label="Deux tiers",
        label_fr="Deux tiers",
        majority_base="attending",
        threshold_numerator=2,
        threshold_denominator=3,
        comparator="at_least",
    )
    world.resolution.rule = None
    world.resolution.kind = "statute_amendment"
    world.resolution.save()
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    assert vote.rule_snapshot["code"] == "general_assembly-statutes"
    services.vote_record_counts(user=staff, vote=vote, yes=3, no=0, abstain=3)
    assert services.vote_close(user=staff, vote=vote).result == "fail"


# ---------------------------------------------------------------------------------------------
# Ballot integrity (issue 10, item 4; issue 9: the secretariat votes for no city)


def test_the_secretariat_cannot_cast_a_ballot_for_any_city(world, staff):
    """Only a city's voting delegate votes: the secretariat is refused, and nothing is stored."""
    from edile.governance.models import BallotReceipt

    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    with pytest.raises(PermissionDenied, match="voting delegate"):
        services.ballot_cast(user=staff, vote=vote, local_government=world.cities[0], option="yes")
    assert not BallotReceipt.objects.filter(vote=vote).exists()


def test_a_secret_ballot_stores_the_choice_with_neither_city_nor_user(world, staff, make_user):
    """A secret ballot leaves a receipt (who has voted) and a tally (what was chosen), with
    nothing linking the two; a second ballot is refused; the result counts every ballot."""
    from edile.governance.models import Ballot, BallotReceipt, SecretTally

    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.SECRET
    )
    for lg, option in zip(world.cities, ["yes", "yes", "no", "yes", "abstain", "yes"]):
        services.ballot_cast(
            user=delegate(make_user, lg), vote=vote, local_government=lg, option=option
        )
    assert not Ballot.objects.filter(vote=vote).exists()
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert "option" not in receipt_fields
    assert BallotReceipt.objects.filter(vote=vote).count() == 6
    tally = SecretTally.objects.get(vote=vote)
    assert (tally.yes, tally.no, tally.abstain) == (4, 1, 1)
    tally_fields = {f.name for f in SecretTally._meta.get_fields()}
    assert tally_fields == {"id", "vote", "yes", "no", "abstain"}
    with pytest.raises(ServiceError, match="already voted"):
        services.ballot_cast(
            user=delegate(make_user, world.cities[0]),
            vote=vote,
            local_government=world.cities[0],
            option="no",
        )
    vote = services.vote_close(user=staff, vote=vote)
    assert (vote.yes, vote.no, vote.abstain, vote.result) == (4, 1, 1, "pass")


def test_roll_call_is_published_only_once_closed(world, staff, make_user, client):
    """While the poll is open nobody sees who voted what, on the page or the API; once it
    is closed the roll call is public."""
    from django.urls import reverse

    from edile.governance.selectors import named_ballots

    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    services.ballot_cast(
        user=delegate(make_user, world.cities[0]),
        vote=vote,
        local_government=world.cities[0],
        option="no",
    )
    assert list(named_ballots(vote)) == []
    name = str(world.cities[0].name)
    url = reverse("governance:vote_detail", args=[vote.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert name not in page
    services.vote_close(user=staff, vote=vote, confirm_missing=True)
    vote.refresh_from_db()
    assert [b.local_government.name for b in named_ballots(vote)] == [world.cities[0].name]
    page = client.get(url).content.decode()
    assert name in page


def test_closing_with_attending_cities_not_voted_asks_confirmation(world, staff, make_user):
    """4 of 6 cities present have not voted: closing asks to confirm, saying 4; confirmed,
    it closes."""
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    for lg in world.cities[:2]:
        services.ballot_cast(
            user=delegate(make_user, lg), vote=vote, local_government=lg, option="yes"
        )
    with pytest.raises(services.VoteNotCompleteError, match="^4 cities present or represented"):
        services.vote_close(user=staff, vote=vote)
    vote.refresh_from_db()
    assert vote.status == "open"
    vote = services.vote_close(user=staff, vote=vote, confirm_missing=True)
    assert vote.status == "closed" and vote.yes == 2


def test_a_proxy_of_an_absent_holder_is_refused_and_not_counted(staff, make_user):
    """The reported 15–15: the holder of a proxy is absent from the session, so the proxy
    ballot is refused and the represented city is not counted; the tie stays a tie."""
    from edile.governance import selectors
    from edile.governance.models import Attendance

    world = make_world(31, present=30)
    absent_holder, grantor = world.cities[29], world.cities[30]
    services.proxy_grant(user=staff, meeting=world.session, grantor=grantor, holder=absent_holder)
    Attendance.objects.filter(meeting=world.session, local_government=absent_holder).update(
        status="absent"
    )
    assert selectors.presence_counts(world.session) == (29, 0)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    with pytest.raises(ServiceError, match="not recorded as present at this session"):
        services.ballot_cast(
            user=delegate(make_user, absent_holder),
            vote=vote,
            local_government=grantor,
            option="yes",
        )
    for i, lg in enumerate(world.cities[:29]):
        option = "yes" if i < 14 else ("no" if i < 28 else "abstain")
        services.ballot_cast(
            user=delegate(make_user, lg), vote=vote, local_government=lg, option=option
        )
    vote = services.vote_close(user=staff, vote=vote)
    assert (vote.yes, vote.no, vote.represented, vote.result) == (14, 14, 0, "fail")


def test_proxies_beyond_the_rules_cap_do_not_count(staff, make_user):
    """A rule allowing one proxy per holder counts only the first, even where the session
    allowed two when they were given; the second proxy's ballot is refused."""
    world = make_world(6, present=3, rule={"max_proxies_per_holder": 1})
    holder = world.cities[0]
    first, second = world.cities[3], world.cities[4]
    for grantor in (first, second):
        services.proxy_grant(user=staff, meeting=world.session, grantor=grantor, holder=holder)
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    assert (vote.present, vote.represented) == (3, 1)
    services.ballot_cast(
        user=delegate(make_user, holder), vote=vote, local_government=first, option="yes"
    )
    with pytest.raises(ServiceError, match="beyond the number"):
        services.ballot_cast(
            user=delegate(make_user, holder), vote=vote, local_government=second, option="yes"
        )


# ---------------------------------------------------------------------------------------------
# Amendments that keep the text right (issue 10, item 2)


def _five_paragraphs(world):
    services.resolution_version_create(
        resolution=world.resolution,
        paragraphs=[(f"Paragraphe {i}.", f"Paragraph {i}.") for i in range(1, 6)],
    )
    return world.resolution.versions.order_by("-number").first().number


def test_two_amendments_against_one_version_change_the_paragraphs_they_meant(world, staff):
    """Delete ¶3 and replace ¶4, both written against the same version, both adopted: ¶3 is
    gone and the old ¶4 (now ¶3) is replaced, not the old ¶5."""
    version = _five_paragraphs(world)
    delete = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        version=version,
        paragraph_number=3,
        operation="delete",
    )
    replace = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        version=version,
        paragraph_number=4,
        operation="replace",
        text_fr="Paragraphe 4 amendé.",
        text_en="Paragraph 4 amended.",
    )
    services.amendment_decide(user=staff, amendment=delete, adopted=True)
    services.amendment_decide(user=staff, amendment=replace, adopted=True)
    latest = world.resolution.versions.order_by("-number").first()
    texts = list(latest.paragraphs.order_by("number").values_list("text_fr", "text_en"))
    assert texts == [
        ("Paragraphe 1.", "Paragraph 1."),
        ("Paragraphe 2.", "Paragraph 2."),
        ("Paragraphe 4 amendé.", "Paragraph 4 amended."),
        ("Paragraphe 5.", "Paragraph 5."),
    ]


def test_two_amendments_to_one_paragraph_conflict_and_the_second_lapses(world, staff):
    """Both replace ¶2: each is flagged as conflicting with the other; once one is adopted
    the other lapses and cannot be adopted over it."""
    from edile.governance import selectors

    a1 = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Version A.",
    )
    a2 = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="replace",
        text_fr="Version B.",
    )
    conflicts = selectors.amendment_conflicts(world.resolution)
    assert [a.pk for a in conflicts[a1.pk]] == [a2.pk]
    assert [a.pk for a in conflicts[a2.pk]] == [a1.pk]
    services.amendment_decide(user=staff, amendment=a1, adopted=True)
    a2.refresh_from_db()
    assert a2.state == AmendmentState.LAPSED
    with pytest.raises(ServiceError, match="already decided"):
        services.amendment_decide(user=staff, amendment=a2, adopted=True)
    latest = world.resolution.versions.order_by("-number").first()
    assert latest.paragraphs.get(number=2).text_fr == "Version A."


def test_a_voted_amendment_cannot_be_decided_by_hand(world, staff):
    """A poll's result cannot be typed in: once a vote decided, the secretariat cannot."""
    a1 = services.amendment_submit(
        user=staff, resolution=world.resolution, paragraph_number=1, operation="delete"
    )
    vote = services.vote_open(
        user=staff,
        resolution=world.resolution,
        meeting=world.session,
        mode=VoteMode.ANALOG,
        amendment=a1,
    )
    services.vote_record_counts(user=staff, vote=vote, yes=1, no=4, abstain=0)
    services.vote_close(user=staff, vote=vote)
    a1.refresh_from_db()
    assert a1.state == AmendmentState.REJECTED
    a2 = services.amendment_submit(
        user=staff, resolution=world.resolution, paragraph_number=1, operation="delete"
    )
    vote = services.vote_open(
        user=staff,
        resolution=world.resolution,
        meeting=world.session,
        mode=VoteMode.ANALOG,
        amendment=a2,
    )
    services.vote_record_counts(user=staff, vote=vote, yes=1, no=4, abstain=0)
    services.vote_close(user=staff, vote=vote)
    a2.refresh_from_db()
    a2.state = AmendmentState.SUBMITTED
    a2.save()
    with pytest.raises(ServiceError, match="cannot be typed in"):
        services.amendment_decide(user=staff, amendment=a2, adopted=True)


def test_side_by_side_shows_tabled_and_final_text(world, staff):
    """The side-by-side view pairs each tabled paragraph with its final text by identity."""
    from edile.governance import selectors

    a = services.amendment_submit(
        user=staff, resolution=world.resolution, paragraph_number=1, operation="delete"
    )
    b = services.amendment_submit(
        user=staff,
        resolution=world.resolution,
        paragraph_number=2,
        operation="insert_after",
        text_fr="Nouveau.",
        text_en="New.",
    )
    services.amendment_decide(user=staff, amendment=a, adopted=True)
    services.amendment_decide(user=staff, amendment=b, adopted=True)
    rows = selectors.side_by_side(world.resolution)
    assert [r["change"] for r in rows] == ["deleted", "same", "inserted"]
    assert rows[0]["tabled"].text_en == "First paragraph." and rows[0]["final"] is None
    assert rows[2]["final"].text_en == "New."
