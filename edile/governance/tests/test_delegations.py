"""Delegations (issue 10, item 1): head and members of a city's delegation, its voting
delegate for an assembly (whose ballots alone count for the city); and minutes approved by
the body at a later meeting (item 7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import delegations, elections, services
from edile.governance.models import Meeting, MeetingKind, Minutes, MinutesStatus
from edile.governance.tests.factories import make_world
from edile.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return make_world(3)


def test_the_voting_delegate_alone_votes_for_the_city(world, make_user):
    """Two delegates of a city: once one is named voting delegate for the assembly, the
    other's election ballot is refused; before, either counts."""
    staff = make_user("secretariat")
    lg = world.cities[0]
    first, second = (make_user("delegate", local_government=lg) for _ in range(2))
    assert delegations.may_vote_for(second, world.session) == {lg.pk: False}
    delegations.voting_delegate_set(
        user=staff, meeting=world.session, local_government=lg, delegate=first
    )
    assert delegations.may_vote_for(second, world.session) == {}
    assert delegations.may_vote_for(first, world.session) == {lg.pk: False}
    from edile.governance.models import Body, BodyKind

    bureau = Body.objects.create(slug="bureau", name="Bureau", kind=BodyKind.BUREAU)
    election = elections.election_save(
        user=staff,
        meeting=world.session,
        body=bureau,
        title_fr="É",
        title_en="E",
        seats=1,
        seat_role="member",
        term_years=None,
        round_rules=["relative"],
    )
    candidate = elections.candidate_add(
        user=staff, election=election, name="Awa", local_government=lg
    )
    elections.round_open(user=staff, election=election)
    with pytest.raises(ServiceError, match="another account is its voting delegate"):
        elections.election_ballot_cast(
            user=second, election=election, local_government=lg, candidates=[candidate.pk]
        )
    elections.election_ballot_cast(
        user=first, election=election, local_government=lg, candidates=[candidate.pk]
    )


def test_a_voting_delegate_must_hold_the_delegate_role(world, make_user):
    staff = make_user("secretariat")
    with pytest.raises(ServiceError, match="give the account the delegate role"):
        delegations.voting_delegate_set(
            user=staff,
            meeting=world.session,
            local_government=world.cities[0],
            delegate=make_user("delegate", local_government=world.cities[1]),
        )


def test_a_focal_point_sets_their_own_city_only(world, make_user, client_as):
    """The city's focal point sets its delegation (page and service); another city's is 403."""
    lg, other = world.cities[0], world.cities[1]
    focal = client_as("focal_point", local_government=lg)
    head, member = PersonFactory(), PersonFactory()
    url = reverse(
        "governance:delegation_edit", kwargs={"slug": world.congress.slug, "city": lg.slug}
    )
    assert focal.get(url).status_code == 200
    response = focal.post(url, {"action": "delegation", "head": head.pk, "members": [member.pk]})
    assert response.status_code == 302
    delegation = delegations.delegation_for(world.congress, lg)
    assert delegation.head == head
    assert set(delegation.members.all()) == {head, member}
    other_url = reverse(
        "governance:delegation_edit", kwargs={"slug": world.congress.slug, "city": other.slug}
    )
    assert focal.get(other_url).status_code == 403
    with pytest.raises(PermissionDenied):
        delegations.delegation_save(
            user=focal.user, congress=world.congress, local_government=other, head=None, members=[]
        )
    listing = focal.get(reverse("governance:delegation_list", kwargs={"slug": world.congress.slug}))
    assert listing.status_code == 200
    assert lg.name in listing.content.decode() and other.name not in listing.content.decode()
    assert client_as("delegate", local_government=lg).get(url).status_code == 403


def _later_meeting(world, body=None):
    return Meeting.objects.create(
        slug="ga-2031",
        kind=MeetingKind.GENERAL_ASSEMBLY,
        body=body or world.body,
        title="AG 2031",
        title_fr="AG 2031",
        title_en="GA 2031",
        start=world.session.start + dt.timedelta(days=365),
        end=world.session.start + dt.timedelta(days=365, hours=3),
    )


def test_minutes_approved_by_the_body_at_a_later_meeting(world, make_user, client_as):
    """Approval at a meeting of another body or an earlier one is refused; approved at a
    later meeting of the same body, the minutes say so and are frozen."""
    staff = make_user("secretariat")
    minutes = services.minutes_generate(user=staff, meeting=world.session)
    earlier = Meeting.objects.create(
        slug="ga-2029",
        kind=MeetingKind.GENERAL_ASSEMBLY,
        body=world.body,
        title="AG 2029",
        start=world.session.start - dt.timedelta(days=365),
        end=world.session.start - dt.timedelta(days=364),
    )
    with pytest.raises(ServiceError, match="later meeting"):
        services.minutes_approve(
            user=staff, minutes=minutes, expected_version=minutes.version, at_meeting=earlier
        )
    from edile.governance.models import Body, BodyKind

    bureau = Body.objects.create(slug="bureau", name="Bureau", kind=BodyKind.BUREAU)
    other = _later_meeting(world, bureau)
    with pytest.raises(ServiceError, match="same body"):
        services.minutes_approve(
            user=staff, minutes=minutes, expected_version=minutes.version, at_meeting=other
        )
    later = Meeting.objects.create(
        slug="ga-2031b",
        kind=MeetingKind.GENERAL_ASSEMBLY,
        body=world.body,
        title="AG 2031",
        title_fr="AG 2031",
        title_en="GA 2031",
        start=world.session.start + dt.timedelta(days=365),
        end=world.session.start + dt.timedelta(days=366),
    )
    secretariat = client_as("secretariat")
    response = secretariat.post(
        reverse("governance:minutes_approve", kwargs={"slug": world.session.slug}),
        {"version": minutes.version, "at_meeting": later.pk},
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(pk=minutes.pk)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_at_meeting == later
    assert minutes.approved_version == minutes.version
    page = secretariat.get(reverse("governance:minutes", kwargs={"slug": world.session.slug}))
    assert "approved by General Assembly at GA 2031" in page.content.decode()
    with pytest.raises(ServiceError, match="cannot be edited"):
        services.minutes_edit(
            user=staff, minutes=minutes, text_fr="x", text_en="y", expected_version=minutes.version
        )
    with pytest.raises(ServiceError, match="cannot be regenerated"):
        services.minutes_generate(user=staff, meeting=world.session)


def test_the_voting_delegate_alone_votes_on_a_resolution_too(world, make_user):
    """The same rule for resolution votes: once a city names its voting delegate for the
    session, its other delegate's ballot is refused (and counts nothing); the named one votes."""
    staff = make_user("secretariat")
    lg = world.cities[0]
    first, second = (make_user("delegate", local_government=lg) for _ in range(2))
    delegations.voting_delegate_set(
        user=staff, meeting=world.session, local_government=lg, delegate=first
    )
    vote = services.vote_open(user=staff, resolution=world.resolution, meeting=world.session)
    with pytest.raises(PermissionDenied, match="voting delegate"):
        services.ballot_cast(user=second, vote=vote, local_government=lg, option="no")
    assert vote.ballots.count() == 0
    services.ballot_cast(user=first, vote=vote, local_government=lg, option="yes")
    assert vote.ballots.count() == 1
