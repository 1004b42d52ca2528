"""Pages of elections (secretariat: prepare, run the rounds, publish; delegates: vote on a
phone; public: results once published) and of delegations (secretariat, or the city's own
focal point). Thin: the services in `elections.py` and `delegations.py` decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edile.core.errors import ServiceError
from edile.governance import delegations, elections
from edile.governance.forms_elections import (
    CandidateForm,
    DelegationForm,
    ElectionBallotForm,
    ElectionForm,
    RoundCloseForm,
    TieForm,
    VotingDelegateForm,
)
from edile.governance.models import (
    Candidate,
    Election,
    ElectionStatus,
    Meeting,
    MeetingKind,
    RoundMajority,
    RoundStatus,
    TieDecision,
)
from edile.governance.views import _attempt
from edile.members.models import LocalGovernment, Person


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("governance.manage"):
        raise PermissionDenied(_("This page is for the secretariat."))


def _election_or_404(request: HttpRequest, pk: int) -> Election:
    try:
        return elections.election_detail(request.user, pk)
    except Election.DoesNotExist:
        raise Http404(_("No election here, or its results are not published yet.")) from None


def election_list(request: HttpRequest) -> HttpResponse:
    rows = list(elections.election_list(request.user))
    return render(request, "governance/elections/list.html", {"elections": rows})


def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election_or_404(request, pk)
    can_manage = request.user.has_perm("governance.manage")
    open_round = elections.current_round(election)
    rounds = list(election.rounds.order_by("number"))
    ballot_form = None
    voted: set[int] = set()
    if open_round is not None:
        allowed = delegations.may_vote_for(request.user, election.meeting)
        voted = set(
            open_round.receipts.filter(local_government_id__in=allowed).values_list(
                "local_government_id", flat=True
            )
        )
        remaining = [lg for lg in allowed if lg not in voted]
        if remaining:
            ballot_form = ElectionBallotForm(
                cities=remaining, candidates=elections.ballot_candidates(open_round)
            )
    last = rounds[-1] if rounds else None
    tie_form = None
    if can_manage and last is not None and last.tie == TieDecision.PENDING:
        tie_form = TieForm(tied=last.tied)
    show_results = elections.results_visible(request.user, election)
    return render(
        request,
        "governance/elections/detail.html",
        {
            "election": election,
            "candidates": election.candidates.select_related("person", "local_government"),
            "open_round": open_round,
            "rounds": [
                {"round": r, "rows": elections.round_rows(r)}
                for r in rounds
                if r.status == RoundStatus.CLOSED
            ]
            if show_results
            else [],
            "elected": elections.elected(election) if show_results else [],
            "ballot_form": ballot_form,
            "voted_count": len(voted),
            "can_manage": can_manage,
            "waiting": len(elections.yet_to_vote(open_round)) if can_manage and open_round else 0,
            "received": open_round.receipts.count() if can_manage and open_round else 0,
            "close_form": RoundCloseForm() if can_manage and open_round else None,
            "tie_form": tie_form,
            "can_open": can_manage
            and election.status in (ElectionStatus.DRAFT, ElectionStatus.BETWEEN_ROUNDS)
            and tie_form is None,
            "can_publish": can_manage and election.status == ElectionStatus.COMPLETE,
            "can_edit": can_manage and election.status == ElectionStatus.DRAFT,
        },
    )


@login_required
@require_POST
def election_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election_or_404(request, pk)
    open_round = elections.current_round(election)
    if open_round is None:
        messages.error(request, _("No round of this election is open."))
        return redirect("governance:election_detail", pk=pk)
    allowed = delegations.may_vote_for(request.user, election.meeting)
    form = ElectionBallotForm(
        request.POST, cities=list(allowed), candidates=elections.ballot_candidates(open_round)
    )
    if form.is_valid():
        _attempt(
            request,
            lambda: elections.election_ballot_cast(
                user=request.user,
                election=election,
                local_government=form.cleaned_data["local_government"],
                candidates=[c.pk for c in form.cleaned_data["candidates"]],
                blank=form.cleaned_data["blank"],
            ),
            _("Your city's ballot is recorded."),
        )
    else:
        messages.error(request, _("Choose your city and your candidates, or a blank ballot."))
    return redirect("governance:election_detail", pk=pk)


@login_required
@require_POST
def election_round_open(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk)
    _attempt(
        request,
        lambda: elections.round_open(user=request.user, election=election),
        _("The round is open: delegates can vote."),
    )
    return redirect("governance:election_detail", pk=pk)


@login_required
@require_POST
def election_round_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk)
    form = RoundCloseForm(request.POST)
    confirm = bool(form.is_valid() and form.cleaned_data["confirm_missing"])
    _attempt(
        request,
        lambda: elections.round_close(
            user=request.user, election=election, confirm_missing=confirm
        ),
        _("The round is closed and its result computed."),
    )
    return redirect("governance:election_detail", pk=pk)


@login_required
@require_POST
def election_tie(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk)
    last = elections.last_round(election)
    form = TieForm(request.POST, tied=list(last.tied) if last else [])
    if form.is_valid():
        _attempt(
            request,
            lambda: elections.round_tie_settle(
                user=request.user,
                election=election,
                decision=form.cleaned_data["decision"],
                winners=[c.pk for c in form.cleaned_data["winners"]],
            ),
            _("The chair's decision is recorded."),
        )
    else:
        messages.error(request, _("Choose a further round or a drawing of lots."))
    return redirect("governance:election_detail", pk=pk)


@login_required
@require_POST
def election_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk)
    _attempt(
        request,
        lambda: elections.election_publish(user=request.user, election=election),
        _("The results are published and the elected take their seats."),
    )
    return redirect("governance:election_detail", pk=pk)


@login_required
def election_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change an election (while in preparation)."""
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if election is not None:
        rules = list(election.round_rules or [])
        initial = {
            "title_fr": election.title_fr,
            "title_en": election.title_en,
            "meeting": election.meeting_id,
            "body": election.body_id,
            "seats": election.seats,
            "seat_role": election.seat_role,
            "term_years": election.term_years,
            "round_1": rules[0] if rules else RoundMajority.ABSOLUTE,
            "round_2": rules[-1] if rules else RoundMajority.RELATIVE,
        }
    elif request.GET.get("meeting", "").isdigit():
        initial = {"meeting": int(request.GET["meeting"]), "term_years": 3}
    else:
        initial = {"term_years": 3}
    form = ElectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        round_rules = [data.pop("round_1"), data.pop("round_2")]
        try:
            saved = elections.election_save(
                user=request.user, election=election, round_rules=round_rules, **data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The election is saved."))
            return redirect("governance:election_detail", pk=saved.pk)
    return render(request, "governance/elections/form.html", {"form": form, "election": election})


@login_required
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, pk=pk)
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            elections.candidate_add(user=request.user, election=election, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The candidate is added."))
            return redirect("governance:election_detail", pk=pk)
    return render(
        request, "governance/elections/candidate_form.html", {"form": form, "election": election}
    )


@login_required
@require_POST
def candidate_withdraw(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    _require_manager(request)
    candidate = get_object_or_404(Candidate, pk=candidate_pk, election_id=pk)
    _attempt(
        request,
        lambda: elections.candidate_withdraw(user=request.user, candidate=candidate),
        _("The candidate has withdrawn."),
    )
    return redirect("governance:election_detail", pk=pk)


# ---------------------------------------------------------------------------------------------
# Delegations


def _congress_or_404(slug: str) -> Meeting:
    return get_object_or_404(Meeting, slug=slug, kind=MeetingKind.CONGRESS)


@login_required
def delegation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat sees every city; a focal point sees their own."""
    congress = _congress_or_404(slug)
    cities = list(delegations.cities_managed_by(request.user))
    if not cities:
        raise PermissionDenied(_("This page is for the secretariat and the cities' focal points."))
    existing = {d.local_government_id: d for d in delegations.delegation_list(congress)}
    rows = [{"city": lg, "delegation": existing.get(lg.pk)} for lg in cities]
    return render(
        request,
        "governance/delegations/list.html",
        {"congress": congress, "rows": rows},
    )


@login_required
def delegation_edit(request: HttpRequest, slug: str, city: str) -> HttpResponse:
    congress = _congress_or_404(slug)
    lg = get_object_or_404(LocalGovernment, slug=city)
    if not request.user.has_perm("governance.manage_delegation", lg):
        raise PermissionDenied(
            _("Only the secretariat or the city's focal point may change its delegation.")
        )
    delegation = delegations.delegation_for(congress, lg)
    assemblies = delegations.assemblies_of(congress)
    initial: dict[str, Any] = {}
    if delegation is not None:
        initial = {"head": delegation.head_id, "members": list(delegation.members.all())}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = DelegationForm(request.POST if action == "delegation" else None, initial=initial)
    voting_form = VotingDelegateForm(
        request.POST if action == "voting" else None,
        assemblies=assemblies,
        accounts=delegations.delegate_accounts(lg),
        people=Person.objects.order_by("family_name", "given_name"),
    )
    if action == "delegation" and form.is_valid():
        try:
            delegations.delegation_save(
                user=request.user,
                congress=congress,
                local_government=lg,
                head=form.cleaned_data["head"],
                members=list(form.cleaned_data["members"]),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The delegation is saved."))
            return redirect("governance:delegation_edit", slug=slug, city=city)
    if action == "voting" and voting_form.is_valid():
        try:
            delegations.voting_delegate_set(
                user=request.user,
                meeting=voting_form.cleaned_data["meeting"],
                local_government=lg,
                delegate=voting_form.cleaned_data["delegate"],
                person=voting_form.cleaned_data["person"],
            )
        except ServiceError as exc:
            voting_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The voting delegate is saved."))
            return redirect("governance:delegation_edit", slug=slug, city=city)
    current = [
        {"meeting": m, "delegate": delegations.voting_delegates(m).get(lg.pk)} for m in assemblies
    ]
    return render(
        request,
        "governance/delegations/form.html",
        {
            "congress": congress,
            "city": lg,
            "delegation": delegation,
            "form": form,
            "voting_form": voting_form,
            "current": current,
        },
    )
