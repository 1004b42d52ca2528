"""Elections of persons (issue 10, item 9): candidates, one or several seats, secret ballots,
rounds each with its own rule, results computed and explained, the elected seated.

`round_evaluate` is the one function that computes a round's result; the services below
(writes, keyword-only, atomic, permission-checked) and selectors (reads) serve the pages and
the API alike. A ballot's choice is stored with neither the city nor the user: it only adds
to the round's `RoundTally` rows (or its blank count); the `ElectionReceipt` says only that a
city voted, and refuses a second ballot (see docs/decisions/governance-elections.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edile.core.errors import ServiceError
from edile.governance import delegations, selectors
from edile.governance.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Candidate,
    Election,
    ElectionReceipt,
    ElectionRound,
    ElectionStatus,
    Meeting,
    RoundMajority,
    RoundStatus,
    RoundTally,
    Seat,
    SeatRole,
    TieDecision,
)
from edile.members.models import LocalGovernment, Person

MAX_ROUNDS = 5


def _require(user: Any, obj: Any = None) -> None:
    if not user.has_perm("governance.manage", obj):
        raise PermissionDenied(_("Only the secretariat runs an election."))


# ---------------------------------------------------------------------------------------------
# The one computation of a round's result


@dataclass
class RoundOutcome:
    elected: list[int]
    tied: list[int] = field(default_factory=list)
    tie_seats: int = 0
    required: int | None = None
    votes_cast: int = 0
    explanation_fr: str = ""
    explanation_en: str = ""


def round_evaluate(
    *,
    number: int,
    rule: str,
    seats: int,
    votes: dict[int, int],
    ballots: int,
    blank: int,
    names: dict[int, str],
) -> RoundOutcome:
    """Who a round elects to `seats` seats.

    `votes` maps a candidate to the ballots naming them; `ballots` counts every ballot and
    `blank` the blank ones, which are counted but are not votes cast. Under `absolute`, a
    candidate needs more than half the votes cast (non-blank ballots); under `relative`, the
    most votes win. Candidates tied for the last seats are reported, never chosen here: the
    chair settles the tie by a further round or a drawing of lots.
    """
    if rule not in RoundMajority.values:
        raise ServiceError(_("Unknown round rule."))
    cast = ballots - blank
    required: int | None = None
    if rule == RoundMajority.ABSOLUTE:
        required = cast // 2 + 1
        eligible = [c for c, n in votes.items() if cast > 0 and n >= required]
    else:
        eligible = [c for c, n in votes.items() if n > 0]
    eligible.sort(key=lambda c: (-votes[c], names.get(c, "")))
    elected: list[int] = []
    tied: list[int] = []
    tie_seats = 0
    if len(eligible) <= seats:
        elected = eligible
    else:
        boundary = votes[eligible[seats - 1]]
        elected = [c for c in eligible if votes[c] > boundary]
        at = [c for c in eligible if votes[c] == boundary]
        remaining = seats - len(elected)
        if len(at) == remaining:
            elected += at
        else:
            tied, tie_seats = at, remaining
    outcome = RoundOutcome(
        elected=elected, tied=tied, tie_seats=tie_seats, required=required, votes_cast=cast
    )
    for language in ("fr", "en"):
        with translation.override(language):
            text = _explain_round(
                number=number,
                rule=rule,
                seats=seats,
                votes=votes,
                ballots=ballots,
                blank=blank,
                names=names,
                outcome=outcome,
            )
        setattr(outcome, f"explanation_{language}", text)
    return outcome


def _with_votes(candidate: int, votes: dict[int, int], names: dict[int, str]) -> str:
    n = votes.get(candidate, 0)
    return ngettext("%(name)s (%(votes)d vote)", "%(name)s (%(votes)d votes)", n) % {
        "name": names.get(candidate, "?"),
        "votes": n,
    }


def _explain_round(
    *,
    number: int,
    rule: str,
    seats: int,
    votes: dict[int, int],
    ballots: int,
    blank: int,
    names: dict[int, str],
    outcome: RoundOutcome,
) -> str:
    parts = []
    rule_label = (
        _("absolute majority of the votes cast")
        if rule == RoundMajority.ABSOLUTE
        else _("relative majority")
    )
    parts.append(
        _(
            "Round %(number)d (%(rule)s): %(ballots)d ballots, of which %(blank)d blank; "
            "%(cast)d votes cast."
        )
        % {
            "number": number,
            "rule": rule_label,
            "ballots": ballots,
            "blank": blank,
            "cast": outcome.votes_cast,
        }
    )
    if outcome.required is not None:
        parts.append(
            _("An absolute majority is %(required)d votes.") % {"required": outcome.required}
        )
    if outcome.elected:
        parts.append(
            _("Elected: %(list)s.")
            % {"list": ", ".join(_with_votes(c, votes, names) for c in outcome.elected)}
        )
    others = sorted(
        (c for c in votes if c not in outcome.elected and c not in outcome.tied),
        key=lambda c: (-votes[c], names.get(c, "")),
    )
    if others:
        parts.append(
            _("Not elected: %(list)s.")
            % {"list": ", ".join(_with_votes(c, votes, names) for c in others)}
        )
    if outcome.tied:
        parts.append(
            ngettext(
                "Tie for the last seat between %(list)s: the chair decides on a further round "
                "or a drawing of lots.",
                "Tie for the last %(seats)d seats between %(list)s: the chair decides on a "
                "further round or a drawing of lots.",
                outcome.tie_seats,
            )
            % {
                "seats": outcome.tie_seats,
                "list": ", ".join(_with_votes(c, votes, names) for c in outcome.tied),
            }
        )
    remaining = seats - len(outcome.elected) - outcome.tie_seats
    if remaining > 0:
        parts.append(
            ngettext(
                "%(count)d seat remains to be filled.",
                "%(count)d seats remain to be filled.",
                remaining,
            )
            % {"count": remaining}
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Reads


def election_list(user: Any) -> QuerySet[Election]:
    """Elections: the published ones for everyone, every one for the secretariat."""
    qs = Election.objects.select_related("meeting", "body").order_by("-meeting__start", "pk")
    if not user.has_perm("governance.manage"):
        qs = qs.filter(status=ElectionStatus.PUBLISHED, meeting__is_public=True)
    return qs


def election_detail(user: Any, pk: int) -> Election:
    """One election (`Election.DoesNotExist` when it is not there or not for this reader).

    Before publication, the secretariat and the delegates of the meeting's cities see it
    (delegates need it to vote); the public sees it once published."""
    election = Election.objects.select_related("meeting", "body").get(pk=pk)
    if election.status == ElectionStatus.PUBLISHED and election.meeting.is_public:
        return election
    if user.has_perm("governance.manage") or delegations.may_vote_for(user, election.meeting):
        return election
    raise Election.DoesNotExist


def current_round(election: Election) -> ElectionRound | None:
    return election.rounds.filter(status=RoundStatus.OPEN).first()


def last_round(election: Election) -> ElectionRound | None:
    return election.rounds.order_by("-number").first()


def results_visible(user: Any, election: Election) -> bool:
    return election.status == ElectionStatus.PUBLISHED or user.has_perm("governance.manage")


def round_rows(round_: ElectionRound) -> list[dict[str, Any]]:
    """A closed round's candidates with their votes, most votes first (one query)."""
    rows = [
        {
            "candidate": t.candidate,
            "votes": t.votes,
            "elected": t.candidate.elected_in_round == round_.number,
            "tied": t.candidate_id in (round_.tied or []),
        }
        for t in round_.tallies.select_related(
            "candidate__person", "candidate__local_government"
        ).order_by("-votes", "candidate__pk")
    ]
    return rows


def elected(election: Election) -> QuerySet[Candidate]:
    return (
        election.candidates.filter(elected_in_round__isnull=False)
        .select_related("person", "local_government")
        .order_by("elected_in_round", "pk")
    )


def ballot_candidates(round_: ElectionRound) -> list[Candidate]:
    """The candidates on a round's ballot paper."""
    return [
        t.candidate
        for t in round_.tallies.select_related(
            "candidate__person", "candidate__local_government"
        ).order_by("candidate__pk")
    ]


def attending_ids(meeting: Meeting) -> set[int]:
    """Entitled cities present at the session, or validly represented there by proxy."""
    entitled = selectors.entitled_city_ids(meeting)
    present = set(
        Attendance.objects.filter(
            meeting=meeting, status=AttendanceStatus.PRESENT, local_government_id__in=entitled
        ).values_list("local_government_id", flat=True)
    )
    return present | selectors.valid_proxy_grantors(meeting, present_ids=present)


def yet_to_vote(round_: ElectionRound) -> set[int]:
    voted = set(round_.receipts.values_list("local_government_id", flat=True))
    return attending_ids(round_.election.meeting) - voted


# ---------------------------------------------------------------------------------------------
# Writes


def _validate_round_rules(round_rules: list[str]) -> list[str]:
    rules = [str(r) for r in round_rules]
    if not 1 <= len(rules) <= MAX_ROUNDS or any(r not in RoundMajority.values for r in rules):
        raise ServiceError(
            _("Give the rule of each round (1 to %(max)d rounds): absolute or relative majority.")
            % {"max": MAX_ROUNDS}
        )
    return rules


@transaction.atomic
def election_save(
    *,
    user: Any,
    election: Election | None = None,
    meeting: Meeting,
    body: Body,
    title_fr: str,
    title_en: str,
    seats: int,
    seat_role: str,
    term_years: int | None,
    round_rules: list[str],
) -> Election:
    """Create or change an election while it is in preparation."""
    _require(user, meeting)
    if election is not None:
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.status != ElectionStatus.DRAFT:
            raise ServiceError(_("Voting has started: the election can no longer be changed."))
    if meeting.body_id is None:
        raise ServiceError(
            _("Elections are held at a session of a statutory body, whose cities vote.")
        )
    if not 1 <= seats <= 50:
        raise ServiceError(_("Give between 1 and 50 seats."))
    if seat_role not in SeatRole.values:
        raise ServiceError(_("Unknown seat role."))
    if seat_role == SeatRole.CHAIR and seats != 1:
        raise ServiceError(_("A body has one chair: elect one seat."))
    if term_years is not None and not 1 <= term_years <= 20:
        raise ServiceError(_("Give a term between 1 and 20 years, or none."))
    if not title_fr.strip() or not title_en.strip():
        raise ServiceError(_("Give the title in French and in English."))
    fields = {
        "meeting": meeting,
        "body": body,
        "title_fr": title_fr.strip(),
        "title_en": title_en.strip(),
        "seats": seats,
        "seat_role": seat_role,
        "term_years": term_years,
        "round_rules": _validate_round_rules(round_rules),
    }
    if election is None:
        return Election.objects.create(**fields)
    for name, value in fields.items():
        setattr(election, name, value)
    election.save()
    return election


@transaction.atomic
def candidate_add(
    *,
    user: Any,
    election: Election,
    local_government: LocalGovernment,
    person: Person | None = None,
    name: str = "",
) -> Candidate:
    """A candidate standing for a city: a person of the registry, or a name."""
    _require(user, election.meeting)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status != ElectionStatus.DRAFT:
        raise ServiceError(_("Voting has started: candidates can no longer be added."))
    name = name.strip()
    if person is None and not name:
        raise ServiceError(_("Choose a person of the registry or give the candidate's name."))
    if person is not None and name:
        raise ServiceError(_("Choose a person of the registry or give a name, not both."))
    if person is not None and election.candidates.filter(person=person).exists():
        raise ServiceError(_("This person is already a candidate."))
    return Candidate.objects.create(
        election=election, person=person, name=name, local_government=local_government
    )


@transaction.atomic
def candidate_withdraw(*, user: Any, candidate: Candidate) -> Candidate:
    """A candidate withdraws: off the ballot of the rounds still to open."""
    _require(user, candidate.election.meeting)
    election = Election.objects.select_for_update().get(pk=candidate.election_id)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.BETWEEN_ROUNDS):
        raise ServiceError(_("A candidate withdraws before a round opens."))
    if candidate.elected_in_round is not None:
        raise ServiceError(_("This candidate is already elected."))
    candidate.withdrawn = True
    candidate.save()
    return candidate


def _seats_left(election: Election) -> int:
    return election.seats - election.candidates.filter(elected_in_round__isnull=False).count()


@transaction.atomic
def round_open(*, user: Any, election: Election, now: dt.datetime | None = None) -> ElectionRound:
    """Open the next round, with the rule the election gives that round."""
    _require(user, election.meeting)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.BETWEEN_ROUNDS):
        raise ServiceError(_("No round can be opened now."))
    previous = last_round(election)
    if previous is not None and previous.tie == TieDecision.PENDING:
        raise ServiceError(_("The last round ended in a tie: record the chair's decision first."))
    number = (previous.number if previous else 0) + 1
    seats = _seats_left(election)
    on_ballot = list(
        election.candidates.filter(withdrawn=False, elected_in_round__isnull=True).order_by("pk")
    )
    if previous is not None and previous.tie == TieDecision.NEXT_ROUND and previous.tied:
        # A further round to settle a tie is between the tied candidates alone.
        on_ballot = [c for c in on_ballot if c.pk in previous.tied]
    if not on_ballot:
        raise ServiceError(_("Add at least one candidate first."))
    round_ = ElectionRound.objects.create(
        election=election,
        number=number,
        rule=election.rule_for_round(number),
        seats_to_fill=seats,
        opened_at=now or timezone.now(),
        entitled=len(selectors.entitled_city_ids(election.meeting)),
    )
    RoundTally.objects.bulk_create(RoundTally(round=round_, candidate=c) for c in on_ballot)
    election.status = ElectionStatus.VOTING
    election.save()
    return round_


def election_ballot_cast(
    *,
    user: Any,
    election: Election,
    local_government: LocalGovernment,
    candidates: list[int],
    blank: bool = False,
) -> ElectionReceipt:
    """A city's secret ballot in the open round: up to `seats_to_fill` candidates, or blank.

    Only the city's voting delegate (`delegations.may_vote_for`) casts it. The choice adds to
    the round's tallies and nothing else; the receipt refuses a second ballot. As for votes,
    what cannot change during the round is read before the short write transaction.
    """
    round_ = current_round(election)
    if round_ is None:
        raise ServiceError(_("No round of this election is open."))
    chosen = list(dict.fromkeys(candidates))
    if len(chosen) != len(candidates):
        raise ServiceError(_("Name each candidate once."))
    if blank and chosen:
        raise ServiceError(_("A blank ballot names no candidate."))
    if not blank and not chosen:
        raise ServiceError(
            _("Choose up to %(seats)d candidates, or cast a blank ballot.")
            % {"seats": round_.seats_to_fill}
        )
    if len(chosen) > round_.seats_to_fill:
        raise ServiceError(
            ngettext(
                "Choose at most %(seats)d candidate.",
                "Choose at most %(seats)d candidates.",
                round_.seats_to_fill,
            )
            % {"seats": round_.seats_to_fill}
        )
    on_ballot = set(round_.tallies.values_list("candidate_id", flat=True))
    if not set(chosen) <= on_ballot:
        raise ServiceError(_("A chosen candidate is not on this round's ballot."))
    allowed = delegations.may_vote_for(user, election.meeting)
    if local_government.pk not in allowed:
        if user.has_perm("governance.vote_for_city", local_government):
            raise ServiceError(
                _(
                    "Your ballot does not count for this city here: it is not recorded present, "
                    "or another account is its voting delegate."
                )
            )
        raise PermissionDenied(_("Only the city's voting delegate votes for it."))
    by_proxy = allowed[local_government.pk]
    with transaction.atomic():
        status = (
            ElectionRound.objects.select_for_update()
            .filter(pk=round_.pk)
            .values_list("status", flat=True)
        )[0]
        if status != RoundStatus.OPEN:
            raise ServiceError(_("This round is closed: no more ballots are accepted."))
        try:
            with transaction.atomic():
                receipt = ElectionReceipt.objects.create(
                    round=round_, local_government=local_government, cast_by=user, by_proxy=by_proxy
                )
        except IntegrityError:
            raise ServiceError(_("This city has already voted in this round.")) from None
        if chosen:
            RoundTally.objects.filter(round=round_, candidate_id__in=chosen).update(
                votes=F("votes") + 1
            )
        ElectionRound.objects.filter(pk=round_.pk).update(
            ballots=F("ballots") + 1, blank=F("blank") + (1 if blank else 0)
        )
    return receipt


@transaction.atomic
def round_close(
    *,
    user: Any,
    election: Election,
    confirm_missing: bool = False,
    now: dt.datetime | None = None,
) -> ElectionRound:
    """Close the open round and compute its result; a tie for the last seats waits for the
    chair. Closing while cities present or represented have not voted needs confirmation."""
    _require(user, election.meeting)
    election = Election.objects.select_for_update().get(pk=election.pk)
    round_ = (
        ElectionRound.objects.select_for_update()
        .filter(election=election, status=RoundStatus.OPEN)
        .first()
    )
    if round_ is None:
        raise ServiceError(_("No round of this election is open."))
    missing = len(yet_to_vote(round_))
    if missing and not confirm_missing:
        raise ServiceError(
            ngettext(
                "%(count)d city present or represented has not voted yet. Close the round anyway?",
                "%(count)d cities present or represented have not voted yet. Close the round "
                "anyway?",
                missing,
            )
            % {"count": missing}
        )
    tallies = list(round_.tallies.select_related("candidate__person"))
    votes = {t.candidate_id: t.votes for t in tallies}
    names = {t.candidate_id: t.candidate.display_name for t in tallies}
    ballots = round_.receipts.count()
    outcome = round_evaluate(
        number=round_.number,
        rule=round_.rule,
        seats=round_.seats_to_fill,
        votes=votes,
        ballots=ballots,
        blank=round_.blank,
        names=names,
    )
    round_.ballots = ballots
    round_.required = outcome.required
    round_.tied, round_.tie_seats = outcome.tied, outcome.tie_seats
    round_.tie = TieDecision.PENDING if outcome.tied else TieDecision.NONE
    round_.explanation_fr, round_.explanation_en = outcome.explanation_fr, outcome.explanation_en
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now or timezone.now()
    round_.save()
    Candidate.objects.filter(pk__in=outcome.elected).update(elected_in_round=round_.number)
    election.status = (
        ElectionStatus.COMPLETE if _seats_left(election) == 0 else ElectionStatus.BETWEEN_ROUNDS
    )
    election.save()
    return round_


@transaction.atomic
def round_tie_settle(
    *, user: Any, election: Election, decision: str, winners: list[int] | None = None
) -> ElectionRound:
    """Record how the chair settles a tie: a further round between the tied candidates, or a
    drawing of lots (the candidates drawn, as many as the seats in the tie)."""
    _require(user, election.meeting)
    election = Election.objects.select_for_update().get(pk=election.pk)
    round_ = last_round(election)
    if round_ is None or round_.tie != TieDecision.PENDING:
        raise ServiceError(_("No tie is waiting for the chair's decision."))
    winners = list(dict.fromkeys(winners or []))
    if decision == TieDecision.NEXT_ROUND:
        if winners:
            raise ServiceError(_("A further round names no winner."))
        round_.tie = TieDecision.NEXT_ROUND
        note = {
            "fr": "Le président décide d’un tour supplémentaire entre les ex\u00a0aequo.",
            "en": "The chair calls a further round between the tied candidates.",
        }
    elif decision == TieDecision.LOTS:
        if len(winners) != round_.tie_seats or not set(winners) <= set(round_.tied):
            raise ServiceError(
                ngettext(
                    "Choose the %(count)d candidate drawn by lot among those tied.",
                    "Choose the %(count)d candidates drawn by lot among those tied.",
                    round_.tie_seats,
                )
                % {"count": round_.tie_seats}
            )
        round_.tie = TieDecision.LOTS
        Candidate.objects.filter(pk__in=winners).update(
            elected_in_round=round_.number, elected_by_lot=True
        )
        drawn = ", ".join(
            c.display_name
            for c in Candidate.objects.filter(pk__in=winners).select_related("person")
        )
        note = {
            "fr": f"Élu(s) par tirage au sort\u00a0: {drawn}.",
            "en": f"Elected by drawing of lots: {drawn}.",
        }
    else:
        raise ServiceError(_("The chair settles a tie by a further round or a drawing of lots."))
    round_.explanation_fr = f"{round_.explanation_fr} {note['fr']}"
    round_.explanation_en = f"{round_.explanation_en} {note['en']}"
    round_.save()
    election.status = (
        ElectionStatus.COMPLETE if _seats_left(election) == 0 else ElectionStatus.BETWEEN_ROUNDS
    )
    election.save()
    return round_


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def election_publish(*, user: Any, election: Election, now: dt.datetime | None = None) -> Election:
    """Publish the results and seat the elected in the body from the meeting's date (the end
    from the term); an elected chair succeeds the current one, whose seat ends the day before."""
    _require(user, election.meeting)
    election = Election.objects.select_for_update().select_related("meeting").get(pk=election.pk)
    if election.status != ElectionStatus.COMPLETE:
        raise ServiceError(_("Publish the results once every seat is filled."))
    start = timezone.localdate(election.meeting.start)
    end = (
        _add_years(start, election.term_years) - dt.timedelta(days=1)
        if election.term_years
        else None
    )
    if election.seat_role == SeatRole.CHAIR:
        for seat in Seat.objects.filter(
            Q(end__isnull=True) | Q(end__gte=start), body=election.body, role=SeatRole.CHAIR
        ):
            seat.end = max(seat.start, start - dt.timedelta(days=1))
            seat.save()
    for candidate in elected(election):
        Seat.objects.create(
            body=election.body,
            role=election.seat_role,
            person=candidate.person,
            local_government=candidate.local_government,
            start=start,
            end=end,
        )
    election.status = ElectionStatus.PUBLISHED
    election.published_at = now or timezone.now()
    election.save()
    return election
