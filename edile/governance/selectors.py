"""Reads of the governance module, filtered to what the user may see, in constant queries."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from edile.governance.models import (
    AgendaItem,
    Amendment,
    AmendmentOperation,
    AmendmentState,
    Attendance,
    AttendanceStatus,
    Ballot,
    Body,
    DecisionRule,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesStatus,
    Nomination,
    NominationStatus,
    Proxy,
    Registration,
    RegistrationStatus,
    RegistrationType,
    Resolution,
    ResolutionKind,
    ResolutionState,
    ResolutionVersion,
    Seat,
    SignupStatus,
    Vote,
    VoteMode,
    VoteStatus,
)
from edile.members.models import Gender, Mandate, Membership, MembershipStatus


def _is_staff(user: Any) -> bool:
    return bool(user and user.has_perm("governance.manage"))


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


# ---------------------------------------------------------------------------------------------
# Bodies and seats


def current_seats(
    body: Body, on: dt.date | None = None, *, local_government_id: int | None = None
) -> list[Seat]:
    """The seats of `body` on `on`: a seat held by a person on behalf of a city lapses when
    that person's mandate in the city has ended (unless the seat says otherwise)."""
    on = on or timezone.localdate()
    seats = Seat.objects.filter(body=body, start__lte=on)
    if local_government_id is not None:
        seats = seats.filter(local_government_id=local_government_id)
    seats = (
        seats.filter(Q(end__isnull=True) | Q(end__gte=on))
        .annotate(
            mandate_current=Exists(
                Mandate.objects.filter(
                    person=OuterRef("person"),
                    local_government=OuterRef("local_government"),
                    start__lte=on,
                ).filter(Q(end__isnull=True) | Q(end__gte=on))
            )
        )
        .select_related("local_government", "person")
        .order_by("role", "local_government__name", "pk")
    )
    return [
        s
        for s in seats
        if not (
            s.person_id
            and s.local_government_id
            and s.lapses_with_mandate
            and not s.mandate_current
        )
    ]


def body_by_slug(slug: str) -> Body | None:
    """The body with this slug, or None (for other modules: grants finds the Bureau)."""
    return Body.objects.filter(slug=slug).first()


def body_list() -> QuerySet[Body]:
    return Body.objects.annotate(
        seat_count=Count("seats", filter=Q(seats__end__isnull=True))
    ).order_by("kind", "name")


def entitled_weights(meeting: Meeting) -> dict[int, int]:
    """Member cities that hold a current seat in the meeting's body and are active members,
    with the weight of their vote (the seat's `votes`, used only by weighted rules)."""
    if meeting.body_id is None:
        return {}
    on = timezone.localdate(meeting.start)
    weights: dict[int, int] = {}
    for seat in current_seats(meeting.body, on):
        if seat.local_government_id:
            lg_id = seat.local_government_id
            weights[lg_id] = max(weights.get(lg_id, 0), seat.votes)
    active = set(
        Membership.objects.filter(
            local_government_id__in=weights, status=MembershipStatus.ACTIVE
        ).values_list("local_government_id", flat=True)
    )
    return {lg_id: w for lg_id, w in weights.items() if lg_id in active}


def entitled_weight(meeting: Meeting, local_government_id: int) -> int | None:
    """One city's vote weight at this meeting, or None if it is not entitled (two queries,
    whatever the size of the body: what a ballot needs under a burst)."""
    if meeting.body_id is None:
        return None
    on = timezone.localdate(meeting.start)
    seats = current_seats(meeting.body, on, local_government_id=local_government_id)
    if not seats:
        return None
    if not Membership.objects.filter(
        local_government_id=local_government_id, status=MembershipStatus.ACTIVE
    ).exists():
        return None
    return max(seat.votes for seat in seats)


def entitled_city_ids(meeting: Meeting) -> set[int]:
    return set(entitled_weights(meeting))


def _present_ids(meeting: Meeting, entitled: Any) -> set[int]:
    return set(
        Attendance.objects.filter(
            meeting=meeting, status=AttendanceStatus.PRESENT, local_government_id__in=entitled
        ).values_list("local_government_id", flat=True)
    )


def proxy_cap(meeting: Meeting, rule_cap: int | None = None) -> int:
    """Proxies one holder may carry: the session's cap, lowered by the rule's if it has one."""
    return meeting.proxy_cap if rule_cap is None else min(meeting.proxy_cap, rule_cap)


def valid_proxy_grantors(
    meeting: Meeting, *, present_ids: set[int] | None = None, rule_cap: int | None = None
) -> set[int]:
    """Cities validly represented at this session: their holder attends it (present, not
    itself represented), the grantor is not there itself, and the proxy is within the
    holder's cap (the first ones given count)."""
    weights = entitled_weights(meeting)
    present = present_ids if present_ids is not None else _present_ids(meeting, weights)
    cap = proxy_cap(meeting, rule_cap)
    held: Counter[int] = Counter()
    valid = set()
    for grantor, holder in (
        Proxy.objects.filter(meeting=meeting).order_by("pk").values_list("grantor_id", "holder_id")
    ):
        if holder not in present or grantor not in weights or grantor in present:
            continue
        if held[holder] >= cap:
            continue
        held[holder] += 1
        valid.add(grantor)
    return valid


def presence_counts(
    meeting: Meeting, *, weighted: bool = False, rule_cap: int | None = None
) -> tuple[int, int]:
    """(present, represented) among the entitled cities, in cities or in weighted votes.

    A proxy counts only while its holder is present at this session, and within the cap: a
    delegated vote of an absent holder is no vote at all (the complaint in OpenSlides#5745).
    """
    weights = entitled_weights(meeting)
    present_ids = _present_ids(meeting, weights)
    represented = valid_proxy_grantors(meeting, present_ids=present_ids, rule_cap=rule_cap)
    if weighted:
        return sum(weights[i] for i in present_ids), sum(weights[i] for i in represented)
    return len(present_ids), len(represented)


def proxies_per_holder(meeting: Meeting) -> list[int]:
    rows = (
        Proxy.objects.filter(meeting=meeting)
        .values("holder_id")
        .annotate(n=Count("id"))
        .order_by("holder_id")
    )
    return [r["n"] for r in rows]


def default_rule(meeting: Meeting, resolution_kind: str = "") -> DecisionRule | None:
    """The rule a body applies by default: `<body kind>-statutes` for an amendment to the
    statutes, else `<body kind>-ordinary`, else the simple majority."""
    kind = meeting.body.kind if meeting.body_id else ""
    codes = [f"{kind}-ordinary", "simple-majority"]
    if resolution_kind == "statute_amendment":
        codes.insert(0, f"{kind}-statutes")
    rules = {r.code: r for r in DecisionRule.objects.filter(code__in=codes)}
    return next((rules[c] for c in codes if c in rules), None)


# ---------------------------------------------------------------------------------------------
# Meetings


def meeting_visible(user: Any) -> Q:
    return Q() if _is_staff(user) else Q(is_public=True)


def congress_list(user: Any) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(meeting_visible(user), kind=MeetingKind.CONGRESS)
        .annotate(session_count=Count("sessions"))
        .order_by("-start")
    )


def meeting_list(
    user: Any, *, kind: str = "", congress: str = "", body: str = "", year: int | None = None
) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(meeting_visible(user)).select_related("body", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if congress:
        qs = qs.filter(parent__slug=congress)
    if body:
        qs = qs.filter(body__slug=body)
    if year:
        qs = qs.filter(start__year=year)
    return qs.order_by("start", "pk")


def meeting_detail(user: Any, slug: str) -> Meeting:
    return (
        Meeting.objects.filter(meeting_visible(user))
        .select_related("body", "parent")
        .get(slug=slug)
    )


def programme(congress: Meeting, user: Any) -> list[tuple[dt.date, list[Meeting]]]:
    """The congress's sessions grouped by local day (the congress's own time zone)."""
    import zoneinfo

    tz = zoneinfo.ZoneInfo(congress.timezone or "UTC")
    sessions = (
        congress.sessions.filter(meeting_visible(user))
        .select_related("body")
        .annotate(confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)))
        .order_by("start", "pk")
    )
    days: dict[dt.date, list[Meeting]] = {}
    for session in sessions:
        session.local_start = session.start.astimezone(tz)
        session.local_end = session.end.astimezone(tz)
        days.setdefault(session.local_start.date(), []).append(session)
    return list(days.items())


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """Top-level items with their children, in order (two queries)."""
    items = list(meeting.agenda_items.select_related("content_type").order_by("order", "pk"))
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)
    for item in items:
        item.sub_items = by_parent.get(item.pk, [])
    return by_parent.get(None, [])


def attendance_list(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("local_government").order_by("local_government__name")


def attendance_summary(meeting: Meeting) -> dict[str, int]:
    """Present, represented, excused and absent among the entitled members; a member with no
    attendance row is absent (so the figures always add up to the members entitled)."""
    weights = entitled_weights(meeting)
    rows = dict(
        meeting.attendances.filter(local_government_id__in=weights).values_list(
            "local_government_id", "status"
        )
    )
    present, represented = presence_counts(meeting) if meeting.body_id else (0, 0)
    excused = sum(1 for status in rows.values() if status == AttendanceStatus.EXCUSED)
    return {
        "entitled": len(weights),
        "present": present,
        "represented": represented,
        "excused": excused,
        "absent": max(len(weights) - present - represented - excused, 0),
    }


def session_roll(meeting: Meeting, *, q: str = "") -> list[dict[str, Any]]:
    """Every entitled city with its attendance at this session (searchable by name), and the
    proxy it gave or holds: the list the desk works from (three queries)."""
    from edile.members.models import LocalGovernment

    weights = entitled_weights(meeting)
    cities = LocalGovernment.objects.filter(pk__in=weights).order_by("name")
    if q:
        cities = cities.filter(Q(name_fr__icontains=q) | Q(name_en__icontains=q))
    rows = {
        a.local_government_id: a
        for a in meeting.attendances.filter(local_government_id__in=weights)
    }
    proxies = {
        p.grantor_id: p for p in Proxy.objects.filter(meeting=meeting).select_related("holder")
    }
    valid = valid_proxy_grantors(meeting)
    out = []
    for lg in cities:
        attendance = rows.get(lg.pk)
        status = attendance.status if attendance else AttendanceStatus.ABSENT
        proxy = proxies.get(lg.pk)
        if status == AttendanceStatus.REPRESENTED and lg.pk not in valid:
            status = AttendanceStatus.ABSENT  # its holder is not here: the proxy counts for nothing
        out.append(
            {
                "city": lg,
                "status": status,
                "label": AttendanceStatus(status).label,
                "source": attendance.get_source_display() if attendance else "",
                "proxy_holder": proxy.holder if proxy else None,
            }
        )
    return out


def live_quorum(meeting: Meeting) -> dict[str, Any] | None:
    """The quorum now, under the rule the body applies by default, through the one
    evaluation function (None for a meeting without a convening body or rule)."""
    from edile.governance.evaluation import Counts, evaluate, rule_from_snapshot

    if meeting.body_id is None:
        return None
    rule = default_rule(meeting)
    if rule is None:
        return None
    present, represented = presence_counts(meeting, rule_cap=rule.max_proxies_per_holder)
    members = len(entitled_city_ids(meeting))
    result = evaluate(
        rule_from_snapshot(rule.snapshot(), convocation=meeting.convocation),
        Counts(
            members=members,
            present=present,
            represented=represented,
            convocation=meeting.convocation,
        ),
    )
    return {
        "rule": rule,
        "members": members,
        "present": present,
        "represented": represented,
        "counted": result.quorum_counted,
        "required": result.quorum_required,
        "reached": result.quorum_reached,
    }


def earlier_sessions(meeting: Meeting) -> QuerySet[Meeting]:
    """Statutory sessions of the same congress before this one (to carry a roll over)."""
    if meeting.parent_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        parent_id=meeting.parent_id, body__isnull=False, start__lt=meeting.start
    ).order_by("-start")


# ---------------------------------------------------------------------------------------------
# Registration


def participant_list(congress: Meeting, user: Any, *, q: str = "") -> QuerySet[Registration]:
    """Confirmed participants; the public sees only those who consented to appear."""
    qs = Registration.objects.filter(congress=congress).select_related("local_government")
    if _is_staff(user):
        qs = qs.exclude(status=RegistrationStatus.CANCELLED)
    else:
        qs = qs.filter(
            status=RegistrationStatus.CONFIRMED, consent_to_list=True, anonymised_at__isnull=True
        )
    if q:
        qs = qs.filter(
            Q(family_name__icontains=q)
            | Q(given_name__icontains=q)
            | Q(local_government__name_fr__icontains=q)
            | Q(organisation__icontains=q)
        )
    return qs.order_by("family_name", "given_name", "pk")


def registration_for_badge(token: str) -> Registration:
    return Registration.objects.select_related(
        "congress", "local_government", "registration_type"
    ).get(token=token)


def registration_statistics(congress: Meeting) -> dict[str, list[tuple[str, int]]]:
    """Confirmed participants by country, registration type and gender (four queries)."""
    base = Registration.objects.filter(congress=congress, status=RegistrationStatus.CONFIRMED)
    by_country = [
        (country_names.name(r["country"]) or r["country"] or "—", r["n"])
        for r in base.values("country").annotate(n=Count("id")).order_by("-n", "country")
    ]
    # The congress's own type names (in the reader's language), the code for a row that has
    # no type (written outside the registration service).
    names = {t.code: str(t.name) for t in RegistrationType.objects.filter(congress=congress)}
    by_type = [
        (names.get(r["type"]) or str(r["type"]), r["n"])
        for r in base.values("type").annotate(n=Count("id")).order_by("-n", "type")
    ]
    gender_labels = dict(Gender.choices)
    by_gender = [
        (str(gender_labels.get(r["gender"], r["gender"])), r["n"])
        for r in base.values("gender").annotate(n=Count("id")).order_by("-n", "gender")
    ]
    return {"country": by_country, "type": by_type, "gender": by_gender}


def registration_counts(congress: Meeting) -> dict[str, int]:
    rows = Registration.objects.filter(congress=congress).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def pending_registrations(congress: Meeting) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            congress=congress,
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED],
        )
        .select_related("local_government")
        .order_by("created_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Resolutions


@dataclass(frozen=True)
class ResolutionFilters:
    q: str = ""
    state: str = ""
    kind: str = ""
    topic: str = ""
    body: str = ""
    meeting: str = ""


def resolution_list(user: Any, filters: ResolutionFilters | None = None) -> QuerySet[Resolution]:
    filters = filters or ResolutionFilters()
    qs = Resolution.objects.select_related("body", "meeting").prefetch_related("topics")
    if not _is_staff(user):
        qs = qs.exclude(state=ResolutionState.DRAFT)
    if filters.q:
        qs = qs.filter(
            Q(title_fr__icontains=filters.q)
            | Q(title_en__icontains=filters.q)
            | Q(number__icontains=filters.q)
        )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    if filters.body:
        qs = qs.filter(body__slug=filters.body)
    if filters.meeting:
        qs = qs.filter(meeting__slug=filters.meeting)
    return qs.order_by("-decided_on", "number", "pk")


def resolution_detail(user: Any, slug: str) -> Resolution:
    qs = Resolution.objects.select_related("body", "meeting", "rule").prefetch_related(
        "topics",
        "sponsors",
        Prefetch(
            "versions",
            queryset=ResolutionVersion.objects.prefetch_related("paragraphs").order_by("number"),
        ),
        Prefetch(
            "amendments",
            queryset=Amendment.objects.select_related("submitter", "parent").order_by("number"),
        ),
        Prefetch(
            "votes",
            queryset=Vote.objects.select_related("amendment", "meeting").order_by(
                "opened_at", "pk"
            ),
        ),
        "events",
        "links__content_type",
    )
    if not _is_staff(user):
        qs = qs.exclude(state=ResolutionState.DRAFT)
    return qs.get(slug=slug)


def current_version(resolution: Resolution) -> ResolutionVersion | None:
    return resolution.versions.order_by("-number").first()


def current_keys(resolution: Resolution) -> set[int]:
    """The identities of the paragraphs of the current text."""
    version = current_version(resolution)
    return set(version.paragraphs.values_list("key", flat=True)) if version else set()


def amendment_target_key(amendment: Amendment) -> int | None:
    if amendment.paragraph_key:
        return amendment.paragraph_key
    version = amendment.base_version
    if version is None:
        return None
    paragraph = next(
        (p for p in version.paragraphs.all() if p.number == amendment.paragraph_number), None
    )
    return paragraph.key if paragraph else None


def amendment_conflicts(resolution: Resolution) -> dict[int, list[Amendment]]:
    """For each pending amendment, the other pending ones that touch the same paragraph
    (two insertions after one paragraph do not conflict). The chair orders them."""
    pending = [
        a
        for a in resolution.amendments.all()
        if a.state == AmendmentState.SUBMITTED and a.parent_id is None
    ]
    by_key: dict[int | None, list[Amendment]] = {}
    for a in pending:
        by_key.setdefault(amendment_target_key(a), []).append(a)
    out: dict[int, list[Amendment]] = {}
    for group in by_key.values():
        for a in group:
            others = [
                b
                for b in group
                if b.pk != a.pk
                and not (
                    a.operation == AmendmentOperation.INSERT_AFTER
                    and b.operation == AmendmentOperation.INSERT_AFTER
                )
            ]
            if others:
                out[a.pk] = others
    return out


def side_by_side(resolution: Resolution) -> list[dict[str, Any]]:
    """The tabled text (version 1) and the current text, paragraph by paragraph (by identity),
    in both languages: what each amendment changed."""
    versions = list(resolution.versions.all())
    if not versions:
        return []
    first, last = versions[0], versions[-1]
    tabled = {p.key: p for p in first.paragraphs.all()}
    final = list(last.paragraphs.all())
    rows: list[dict[str, Any]] = []
    seen = set()
    final_keys = [p.key for p in final]
    # Walk the final text; slot each deleted tabled paragraph where it stood.
    tabled_order = [p.key for p in first.paragraphs.all()]
    for p in final:
        for k in tabled_order:
            if k in seen or k in final_keys:
                continue
            if tabled_order.index(k) < tabled_order.index(p.key) if p.key in tabled else False:
                rows.append({"tabled": tabled[k], "final": None, "change": "deleted"})
                seen.add(k)
        before = tabled.get(p.key)
        if before is None:
            change = "inserted"
        elif (before.text_fr, before.text_en) != (p.text_fr, p.text_en):
            change = "replaced"
        else:
            change = "same"
        rows.append({"tabled": before, "final": p, "change": change})
        seen.add(p.key)
    for k in tabled_order:
        if k not in seen and k not in final_keys:
            rows.append({"tabled": tabled[k], "final": None, "change": "deleted"})
    return rows


# Another app says which of its records a reader may see as what a resolution concerns
# (`register_link_guard`, in its AppConfig.ready): governance never imports it, and a record
# hidden from the reader (an observatory incident) is not listed, named or counted.
_link_guards: dict[str, Callable[[Any, Any], bool]] = {}


def register_link_guard(model_label: str, guard: Callable[[Any, Any], bool]) -> None:
    """`guard(user, obj)` answers whether `user` may see `obj` (`model_label`: "app.model")."""
    _link_guards[model_label.lower()] = guard


def link_rows(resolution: Resolution, user: Any = None) -> list[dict[str, Any]]:
    """What the resolution concerns, as label and address (without importing other apps),
    leaving out the records the other app's guard hides from `user`."""
    rows = []
    for link in resolution.links.all():
        obj = link.subject
        if obj is None:
            continue
        guard = _link_guards.get(obj._meta.label_lower)
        if guard is not None and not guard(user, obj):
            continue
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        rows.append(
            {
                "label": str(obj),
                "url": url,
                "kind": str(link.content_type.model_class()._meta.verbose_name),
            }
        )
    return rows


def amendment_diff(amendment: Amendment) -> list[tuple[str, str]]:
    """Word-level diff of the proposal against what it amends, in the reader's language.

    Returns (kind, text) pairs, kind being "same", "del" or "ins".
    """
    lang = _lang()
    # Compare like with like: fall back to French (authentic) when the proposal has no text
    # in the reader's language.
    if amendment.operation != AmendmentOperation.DELETE and not getattr(amendment, f"text_{lang}"):
        lang = "fr"
    if amendment.parent_id:
        before = getattr(amendment.parent, f"text_{lang}") or ""
    else:
        # The text the amendment was written against, not today's (it may have changed it).
        version = (
            amendment.base_version or amendment.resolution.versions.order_by("-number").first()
        )
        paragraph = (
            version.paragraphs.filter(number=amendment.paragraph_number).first()
            if version
            else None
        )
        before = (getattr(paragraph, f"text_{lang}") or "") if paragraph else ""
    after = (
        ""
        if amendment.operation == AmendmentOperation.DELETE
        else (getattr(amendment, f"text_{lang}") or "")
    )
    if amendment.operation == AmendmentOperation.INSERT_AFTER and not amendment.parent_id:
        return [("same", before), ("ins", after)]
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("ins", " ".join(b[j1:j2])))
    return out


# ---------------------------------------------------------------------------------------------
# Votes


def vote_list(
    user: Any, *, meeting: str = "", result: str = "", resolution: str = ""
) -> QuerySet[Vote]:
    qs = Vote.objects.select_related("resolution", "amendment", "meeting")
    if not _is_staff(user):
        qs = qs.exclude(resolution__state=ResolutionState.DRAFT)
    if meeting:
        qs = qs.filter(meeting__slug=meeting)
    if result:
        qs = qs.filter(result=result)
    if resolution:
        qs = qs.filter(resolution__slug=resolution)
    return qs.order_by("opened_at", "pk")


def vote_detail(user: Any, pk: int) -> Vote:
    return vote_list(user).get(pk=pk)


def named_ballots(vote: Vote) -> QuerySet[Ballot] | list[Ballot]:
    """Who voted what: for a named roll call only, and only once the poll is closed."""
    if vote.mode != VoteMode.ROLL_CALL or vote.status != VoteStatus.CLOSED:
        return []
    return vote.ballots.select_related("local_government").order_by("local_government__name")


def vote_rule_cap(vote: Vote) -> int | None:
    cap = (vote.rule_snapshot or {}).get("max_proxies_per_holder")
    return int(cap) if cap is not None else None


def voted_city_ids(vote: Vote) -> set[int]:
    return set(vote.receipts.values_list("local_government_id", flat=True))


def voting_cities_for(user: Any, vote: Vote) -> list[Any]:
    """The cities this user may still vote for in this vote: their own while it attends, and
    those whose proxy their city holds while it attends (within the cap)."""
    from edile.accounts.models import RoleCode
    from edile.accounts.selectors import scoped_local_government_ids
    from edile.members.models import LocalGovernment

    if vote.status != VoteStatus.OPEN or vote.mode == VoteMode.ANALOG:
        return []
    own = set(scoped_local_government_ids(user, RoleCode.DELEGATE))
    if not own:
        return []
    weights = entitled_weights(vote.meeting)
    present = _present_ids(vote.meeting, weights)
    valid = valid_proxy_grantors(vote.meeting, present_ids=present, rule_cap=vote_rule_cap(vote))
    via_proxy = set(
        Proxy.objects.filter(
            meeting=vote.meeting, holder_id__in=own & present, grantor_id__in=valid
        ).values_list("grantor_id", flat=True)
    )
    ids = ((own & present) | via_proxy) - voted_city_ids(vote)
    return list(LocalGovernment.objects.filter(pk__in=ids).order_by("name"))


# ---------------------------------------------------------------------------------------------
# Minutes


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    """Everything the minutes say, read from the records."""
    votes = list(
        Vote.objects.filter(meeting=meeting, status=VoteStatus.CLOSED)
        .select_related("resolution", "amendment")
        .order_by("closed_at", "pk")
    )
    # Texts adopted by a vote, and decisions the meeting took without one (recorded by
    # `services.decision_record`, e.g. the Bureau's grant decisions).
    adopted = list(
        Resolution.objects.filter(
            Q(votes__in=votes) | Q(meeting=meeting, kind=ResolutionKind.DECISION),
            state=ResolutionState.ADOPTED,
        )
        .distinct()
        .order_by("number", "decided_on", "pk")
    )
    import zoneinfo

    tz = zoneinfo.ZoneInfo(meeting.timezone or "UTC")
    adopted_texts = []
    for r in adopted:
        version = current_version(r)
        adopted_texts.append(
            {"resolution": r, "paragraphs": list(version.paragraphs.all()) if version else []}
        )
    lang = _lang()
    for v in votes:
        v.roll = list(named_ballots(v))
        v.rule_label = (v.rule_snapshot or {}).get(f"label_{lang}") or (v.rule_snapshot or {}).get(
            "label_fr", ""
        )
    return {
        "LANGUAGE_CODE": lang,
        "officers": officers(meeting),
        "quorum": live_quorum(meeting) if meeting.body_id else None,
        "adopted_texts": adopted_texts,
        "meeting": meeting,
        "local_start": meeting.start.astimezone(tz),
        "local_end": meeting.end.astimezone(tz),
        "summary": attendance_summary(meeting) if meeting.body_id else None,
        "attendances": list(attendance_list(meeting)),
        "proxies": list(
            Proxy.objects.filter(meeting=meeting)
            .select_related("grantor", "holder")
            .order_by("grantor__name")
        ),
        "agenda": agenda(meeting),
        "votes": votes,
        "adopted": adopted,
    }


def officers(meeting: Meeting) -> dict[str, Any]:
    """The chair and the secretary of the convening body on the meeting's day (their seats)."""
    out: dict[str, Any] = {"chair": None, "secretary": None}
    if meeting.body_id is None:
        return out
    for seat in current_seats(meeting.body, timezone.localdate(meeting.start)):
        if seat.role in out and out[seat.role] is None:
            out[seat.role] = seat.person or seat.local_government
    return out


def minutes_blocks(text: str) -> list[tuple[str, Any]]:
    """The minutes' plain text as blocks for the page: "## " headings, "- " list items
    grouped, other lines paragraphs (never shown as raw markup)."""
    blocks: list[tuple[str, Any]] = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("## "):
            blocks.append(("h2", stripped[3:]))
        elif stripped.startswith("### "):
            blocks.append(("h3", stripped[4:]))
        elif stripped.startswith("- ") or (line.startswith("   ") and blocks):
            item = stripped[2:] if stripped.startswith("- ") else stripped
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(item)
            else:
                blocks.append(("ul", [item]))
        else:
            blocks.append(("p", stripped))
    return blocks


def minutes_for(user: Any, meeting: Meeting) -> Minutes | None:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not user.has_perm("governance.view_minutes", minutes):
        return None
    return minutes


def approved_minutes_exist(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).exists()


# ---------------------------------------------------------------------------------------------
# Prize


def laureates() -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(status=NominationStatus.LAUREATE)
        .select_related("edition", "nominee", "nominated_by")
        .order_by("-edition__year", "nominee__family_name")
    )


def nominations_for_review(edition_slug: str) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(edition__slug=edition_slug)
        .select_related("nominee", "nominated_by", "edition")
        .annotate(review_count=Count("reviews"))
        .order_by("nominee__family_name")
    )


def jury_rows(edition: Any, user: Any) -> list[dict[str, Any]]:
    """Nominations of an edition with this juror's declaration and score, and the average
    score of all jurors (three queries)."""
    from django.db.models import Avg

    from edile.governance.models import ConflictDeclaration, JuryReview

    nominations = list(
        Nomination.objects.filter(edition=edition)
        .select_related("nominee", "nominated_by")
        .annotate(average=Avg("reviews__score"), review_count=Count("reviews"))
        .order_by("nominee__family_name", "pk")
    )
    ids = [n.pk for n in nominations]
    declarations = (
        {
            d.nomination_id: d
            for d in ConflictDeclaration.objects.filter(nomination_id__in=ids, juror=user)
        }
        if user.is_authenticated
        else {}
    )
    reviews = (
        {r.nomination_id: r for r in JuryReview.objects.filter(nomination_id__in=ids, juror=user)}
        if user.is_authenticated
        else {}
    )
    return [
        {
            "nomination": n,
            "declaration": declarations.get(n.pk),
            "review": reviews.get(n.pk),
            "detected_conflict": detected_conflict(n, user) if user.is_authenticated else "",
        }
        for n in nominations
    ]


def detected_conflict(nomination: Nomination, juror: Any) -> str:
    """Why `juror` has a conflict of interest on `nomination`, found from the records and
    whatever the juror declares: a city the juror acts for (any role scoped to a city) is
    the nominating city or a city where the nominee holds a mandate, or in the same country
    as one of them. "" when none is found."""
    from edile.accounts.models import RoleAssignment
    from edile.members.models import LocalGovernment, Mandate

    juror_cities = list(
        RoleAssignment.objects.filter(user=juror, local_government__isnull=False).values_list(
            "local_government_id", "local_government__country"
        )
    )
    if not juror_cities:
        return ""
    nominee_city_ids = set(
        Mandate.objects.filter(person_id=nomination.nominee_id).values_list(
            "local_government_id", flat=True
        )
    )
    related_ids = nominee_city_ids | (
        {nomination.nominated_by_id} if nomination.nominated_by_id else set()
    )
    related = {
        pk: str(country)
        for pk, country in LocalGovernment.objects.filter(pk__in=related_ids).values_list(
            "pk", "country"
        )
    }
    for city_id, _country in juror_cities:
        if city_id == nomination.nominated_by_id:
            return _("You act for the nominating city.")
        if city_id in nominee_city_ids:
            return _("You act for a city where the nominee holds a mandate.")
    related_countries = set(related.values())
    for _city_id, country in juror_cities:
        if str(country) in related_countries:
            return _("You act for a city of the nominee's or the nominating city's country.")
    return ""


def cities_yet_to_vote(vote: Vote) -> list[Any]:
    """Cities present or validly represented that have not voted yet: the chair watches the
    poll, and closing it early needs a confirmation saying how many."""
    from edile.members.models import LocalGovernment

    if vote.status != VoteStatus.OPEN or vote.mode == VoteMode.ANALOG:
        return []
    weights = entitled_weights(vote.meeting)
    present = _present_ids(vote.meeting, weights)
    attending = present | valid_proxy_grantors(
        vote.meeting, present_ids=present, rule_cap=vote_rule_cap(vote)
    )
    missing = attending - voted_city_ids(vote)
    return list(LocalGovernment.objects.filter(pk__in=missing).order_by("name"))
