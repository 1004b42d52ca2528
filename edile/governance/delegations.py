"""Delegations: a city's delegation to a congress (head and members) and its voting delegate
for an assembly. Services (writes) and selectors (reads) of this sub-domain.

`may_vote_for(user, meeting)` is the one place that says for which cities a person's ballot
counts at a session: elections use it (see docs/decisions/governance-delegations.md).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edile.accounts.models import RoleAssignment, RoleCode
from edile.accounts.selectors import scoped_local_government_ids
from edile.core.errors import ServiceError
from edile.governance import selectors
from edile.governance.models import (
    Attendance,
    AttendanceStatus,
    Delegation,
    Meeting,
    MeetingKind,
    Proxy,
    VotingDelegate,
)
from edile.members.city_links import CityLink
from edile.members.models import LocalGovernment, Person


def _require_city(user: Any, local_government: LocalGovernment) -> None:
    if not user.has_perm("governance.manage_delegation", local_government):
        raise PermissionDenied(
            _("Only the secretariat or the city's focal point may change its delegation.")
        )


# ---------------------------------------------------------------------------------------------
# Reads


def delegation_for(congress: Meeting, local_government: LocalGovernment) -> Delegation | None:
    return (
        Delegation.objects.filter(congress=congress, local_government=local_government)
        .select_related("head")
        .prefetch_related("members")
        .first()
    )


def city_delegation_links(user: Any, local_government: LocalGovernment) -> list[CityLink]:
    """For the city's page (members' `city_links` registry): to whoever may set the city's
    delegation (its focal point, the secretariat), a link to its delegation page for each
    congress that has not ended, or for the latest congress when none is coming."""
    if not user.is_authenticated or not user.has_perm(
        "governance.manage_delegation", local_government
    ):
        return []
    congresses = Meeting.objects.filter(kind=MeetingKind.CONGRESS)
    coming = list(congresses.filter(end__gte=timezone.now()).order_by("start", "pk"))
    if not coming:
        coming = list(congresses.order_by("-start", "-pk")[:1])
    return [
        CityLink(
            label=_("Delegation to the congress: %(congress)s") % {"congress": c.title},
            url=reverse("governance:delegation_edit", args=[c.slug, local_government.slug]),
        )
        for c in coming
    ]


def delegation_list(congress: Meeting) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(congress=congress)
        .select_related("local_government", "head")
        .prefetch_related("members")
        .order_by("local_government__name")
    )


def cities_managed_by(user: Any) -> QuerySet[LocalGovernment]:
    """The cities whose delegation `user` may set: all for the secretariat, else their own."""
    if user.has_perm("governance.manage"):
        return LocalGovernment.objects.order_by("name")
    return LocalGovernment.objects.filter(
        pk__in=scoped_local_government_ids(user, RoleCode.FOCAL_POINT)
    ).order_by("name")


def assemblies_of(congress: Meeting) -> QuerySet[Meeting]:
    """The sessions of a congress where cities vote (those with a convening body)."""
    return Meeting.objects.filter(parent=congress, body__isnull=False).order_by("start")


def delegate_accounts(local_government: LocalGovernment) -> QuerySet[Any]:
    """Accounts that hold the delegate role for this city: who may be its voting delegate."""
    from edile.accounts.models import User

    ids = RoleAssignment.objects.filter(
        role__code=RoleCode.DELEGATE, local_government=local_government
    ).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids, is_active=True).order_by("email")


def voting_delegates(meeting: Meeting) -> dict[int, VotingDelegate]:
    return {
        vd.local_government_id: vd
        for vd in VotingDelegate.objects.filter(meeting=meeting).select_related("user", "person")
    }


def may_vote_for(user: Any, meeting: Meeting) -> dict[int, bool]:
    """The cities for which `user`'s ballot counts at `meeting`, each with `by_proxy`.

    A city votes through its delegate (an account with the delegate role for it) while it is
    recorded present at the session; once the city names a voting delegate for the session,
    only that account votes for it. A city present also votes for the cities whose proxy it
    validly holds (holder present, within the cap). Four queries whatever the assembly size.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    own = scoped_local_government_ids(user, RoleCode.DELEGATE)
    if not own:
        return {}
    designated = dict(
        VotingDelegate.objects.filter(meeting=meeting).values_list("local_government_id", "user_id")
    )
    mine = {lg for lg in own if designated.get(lg, user.pk) == user.pk}
    if not mine:
        return {}
    present = set(
        Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values_list(
            "local_government_id", flat=True
        )
    )
    entitled = selectors.entitled_city_ids(meeting)
    result = {lg: False for lg in mine if lg in present and lg in entitled}
    held = {
        grantor
        for grantor, holder in Proxy.objects.filter(meeting=meeting).values_list(
            "grantor_id", "holder_id"
        )
        if holder in result
    }
    if held:
        valid = selectors.valid_proxy_grantors(meeting, present_ids=present)
        for grantor in held & valid:
            result.setdefault(grantor, True)
    return result


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def delegation_save(
    *,
    user: Any,
    congress: Meeting,
    local_government: LocalGovernment,
    head: Person | None,
    members: list[Person],
) -> Delegation:
    """Set a city's delegation to a congress: its head (also counted as a member) and members."""
    _require_city(user, local_government)
    if congress.kind != MeetingKind.CONGRESS:
        raise ServiceError(_("A delegation is sent to a congress."))
    delegation, _created = Delegation.objects.select_for_update().get_or_create(
        congress=congress, local_government=local_government
    )
    delegation.head = head
    delegation.save()
    people = {p.pk: p for p in members}
    if head is not None:
        people[head.pk] = head
    delegation.members.set(list(people.values()))
    return delegation


@transaction.atomic
def voting_delegate_set(
    *,
    user: Any,
    meeting: Meeting,
    local_government: LocalGovernment,
    delegate: Any | None,
    person: Person | None = None,
) -> VotingDelegate | None:
    """Name the account whose ballots count for the city at this session (None: remove it,
    and any delegate of the city votes again)."""
    _require_city(user, local_government)
    if meeting.body_id is None:
        raise ServiceError(_("Only a session of a statutory body has voting delegates."))
    if meeting.pk and selectors.entitled_weight(meeting, local_government.pk) is None:
        raise ServiceError(_("This city is not entitled to vote at this session."))
    current = VotingDelegate.objects.select_for_update().filter(
        meeting=meeting, local_government=local_government
    )
    if delegate is None:
        current.delete()
        return None
    if not delegate_accounts(local_government).filter(pk=delegate.pk).exists():
        raise ServiceError(
            _(
                "%(user)s is not a delegate of %(city)s: give the account the delegate role "
                "for this city first."
            )
            % {"user": delegate, "city": local_government}
        )
    record = current.first()
    if record is None:
        return VotingDelegate.objects.create(
            meeting=meeting, local_government=local_government, user=delegate, person=person
        )
    record.user, record.person = delegate, person
    record.save()
    return record
