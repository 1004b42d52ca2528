"""Governance benchmark: a congress of 5,000 registrations and a General Assembly of 300
voting cities. Reports the participant list, the check-in of one badge and the computation
of a vote result (median time and query count)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from edile.core.benchmarks import measure
from edile.governance import services
from edile.governance.models import (
    Attendance,
    Ballot,
    Body,
    BodyKind,
    DecisionRule,
    Meeting,
    MeetingKind,
    Registration,
    Resolution,
    Seat,
    SessionSignup,
    Vote,
    VoteMode,
)
from edile.members.models import LocalGovernment, Membership

REGISTRATIONS = int(os.environ.get("EDILE_BENCH_REGISTRATIONS", "5000"))
CITIES = int(os.environ.get("EDILE_BENCH_CITIES", "300"))
START = dt.datetime(2031, 12, 4, 2, 0, tzinfo=dt.UTC)


@transaction.atomic
def generate() -> dict[str, Any]:
    LocalGovernment.objects.bulk_create(
        LocalGovernment(
            name=f"Ville G{i}",
            name_fr=f"Ville G{i}",
            name_en=f"City G{i}",
            slug=f"gov-bench-{i}",
            country="FR",
        )
        for i in range(CITIES)
    )
    cities = list(LocalGovernment.objects.filter(slug__startswith="gov-bench-").order_by("pk"))
    Membership.objects.bulk_create(
        Membership(local_government=lg, joined_on=dt.date(2000, 1, 1)) for lg in cities
    )
    body = Body.objects.create(
        slug="gov-bench-assembly", name="AG", name_fr="AG", kind=BodyKind.GENERAL_ASSEMBLY
    )
    Seat.objects.bulk_create(
        Seat(body=body, local_government=lg, start=dt.date(2000, 1, 1)) for lg in cities
    )
    congress = Meeting.objects.create(
        slug="gov-bench-congress",
        kind=MeetingKind.CONGRESS,
        title="Congrès",
        title_fr="Congrès",
        start=START - dt.timedelta(days=2),
        end=START + dt.timedelta(days=1),
    )
    session = Meeting.objects.create(
        slug="gov-bench-ga",
        parent=congress,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        body=body,
        title="AG",
        title_fr="AG",
        start=START,
        end=START + dt.timedelta(hours=4),
    )
    Registration.objects.bulk_create(
        (
            Registration(
                congress=congress,
                given_name=f"Prénom{i}",
                family_name=f"Nom{i}",
                email=f"bench{i}@example.org",
                type="mayor" if i < CITIES else "partner",
                local_government=cities[i % CITIES],
                country="FR",
                status="confirmed",
                consent_to_list=i % 3 != 0,
                is_fictional=True,
            )
            for i in range(REGISTRATIONS)
        ),
        batch_size=2000,
    )
    mayors = Registration.objects.filter(congress=congress, type="mayor").order_by("pk")
    SessionSignup.objects.bulk_create(
        (SessionSignup(registration=r, session=session, status="confirmed") for r in mayors),
        batch_size=2000,
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=session, local_government=lg, status="present") for lg in cities
    )
    rule = DecisionRule.objects.create(code="gov-bench-rule", label="Majorité", label_fr="Majorité")
    resolutions = [
        Resolution.objects.create(
            slug=f"gov-bench-r{i}",
            title=f"R{i}",
            title_fr=f"R{i}",
            body=body,
            meeting=session,
            rule=rule,
            state="tabled",
        )
        for i in range(5)
    ]
    from edile.accounts.models import User
    from edile.accounts.services import role_grant

    staff = User.objects.create_user(email="gov-bench-staff@example.org", password=None)
    role_grant(user=staff, code="secretariat")
    return {
        "congress": congress,
        "session": session,
        "cities": cities,
        "resolutions": resolutions,
        "staff": staff,
    }


def _timed(out: TextIO, label: str, calls: list[Callable[[], Any]]) -> None:
    timings, queries = [], 0
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    out.write(f"  {label:<48} {statistics.median(timings):9.1f} ms  {queries:4d} queries\n")


def run(out: TextIO) -> None:
    out.write(f"  generating {REGISTRATIONS:,} registrations and {CITIES} voting cities…\n")
    world = generate()
    congress, session, staff = world["congress"], world["session"], world["staff"]
    measure(
        out,
        "participant list (public, consenting)",
        f"/fr/governance/congresses/{congress.slug}/participants/",
    )
    measure(
        out,
        "participant list page 40",
        f"/fr/governance/congresses/{congress.slug}/participants/?page=40",
    )
    measure(out, "congress statistics", f"/fr/governance/congresses/{congress.slug}/statistics/")
    tokens = list(
        Registration.objects.filter(congress=congress, type="mayor")
        .order_by("pk")
        .values_list("token", flat=True)[:5]
    )
    _timed(
        out,
        "check-in of one badge (service)",
        [
            (lambda t=t: services.registration_check_in(user=staff, token=str(t), session=session))
            for t in tokens
        ],
    )

    def close_one(resolution: Resolution) -> Callable[[], Any]:
        vote = services.vote_open(
            user=staff, resolution=resolution, meeting=session, mode=VoteMode.ROLL_CALL
        )
        Ballot.objects.bulk_create(
            Ballot(vote=vote, local_government=lg, option=("yes", "no", "abstain")[i % 3])
            for i, lg in enumerate(world["cities"])
        )
        return lambda: services.vote_close(user=staff, vote=vote, confirm_missing=True)

    _timed(
        out,
        f"vote result over {CITIES} ballots (close)",
        [close_one(r) for r in world["resolutions"]],
    )
    vote = Vote.objects.filter(meeting=session).first()
    measure(out, "vote page (roll call of all cities)", f"/fr/governance/votes/{vote.pk}/")
    measure(out, "API votes list", "/api/v1/governance/votes?meeting=gov-bench-ga")
    run_burst(out)
    election_burst(out)


# ---------------------------------------------------------------------------------------------
# Votes under a burst: 300 delegates cast their ballots within 10 seconds.

BURST_BALLOTS = int(os.environ.get("EDILE_BENCH_BURST", "300"))
BURST_WORKERS = int(os.environ.get("EDILE_BENCH_BURST_WORKERS", "30"))


def burst_world(n: int, *, prefix: str = "gov-burst") -> dict[str, Any]:
    """`n` member cities seated and present at a General Assembly, one delegate each, and a
    secret vote and a roll-call vote open (committed: the burst's threads must see them)."""
    from edile.accounts.models import RoleAssignment, RoleCode, User
    from edile.accounts.services import role_for_code

    with transaction.atomic():
        LocalGovernment.objects.bulk_create(
            LocalGovernment(
                name=f"Ville B{i}",
                name_fr=f"Ville B{i}",
                name_en=f"City B{i}",
                slug=f"{prefix}-{i}",
                country="FR",
            )
            for i in range(n)
        )
        cities = list(LocalGovernment.objects.filter(slug__startswith=f"{prefix}-").order_by("pk"))
        Membership.objects.bulk_create(
            Membership(local_government=lg, joined_on=dt.date(2000, 1, 1)) for lg in cities
        )
        body = Body.objects.create(
            slug=f"{prefix}-assembly", name="AG", name_fr="AG", kind=BodyKind.GENERAL_ASSEMBLY
        )
        Seat.objects.bulk_create(
            Seat(body=body, local_government=lg, start=dt.date(2000, 1, 1)) for lg in cities
        )
        session = Meeting.objects.create(
            slug=f"{prefix}-ga",
            kind=MeetingKind.GENERAL_ASSEMBLY,
            body=body,
            title="AG",
            title_fr="AG",
            start=START,
            end=START + dt.timedelta(hours=4),
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=session, local_government=lg, status="present") for lg in cities
        )
        rule = DecisionRule.objects.create(
            code=f"{prefix}-rule", label="Majorité", label_fr="Majorité"
        )
        User.objects.bulk_create(
            User(email=f"{prefix}-{i}@example.org", password="!") for i in range(n)
        )
        users = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("pk"))
        delegate = role_for_code(RoleCode.DELEGATE)  # seeded, or made again after a flush
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=u, role=delegate, local_government=lg)
            for u, lg in zip(users, cities, strict=True)
        )
        staff = User.objects.create_user(email=f"{prefix}-staff@example.org", password=None)
        RoleAssignment.objects.create(user=staff, role=role_for_code(RoleCode.SECRETARIAT))
        votes = {}
        for key, mode in (
            (VoteMode.SECRET, VoteMode.SECRET),
            (VoteMode.ROLL_CALL, VoteMode.ROLL_CALL),
            ("at_once", VoteMode.SECRET),
        ):
            resolution = Resolution.objects.create(
                slug=f"{prefix}-{key}",
                title=f"R {key}",
                title_fr=f"R {key}",
                body=body,
                meeting=session,
                rule=rule,
                state="tabled",
            )
            votes[key] = services.vote_open(
                user=staff, resolution=resolution, meeting=session, mode=mode
            )
    return {"cities": cities, "users": users, "votes": votes, "staff": staff, "session": session}


def burst(
    vote: Vote, users: list[Any], cities: list[Any], *, workers: int, window: float = 0.0
) -> dict[str, Any]:
    """Every delegate casts their city's ballot, `workers` threads at a time (each thread its
    own database connection). With `window` > 0 the ballots arrive evenly within that many
    seconds (300 in 10 s: one every 33 ms); with 0 they all arrive at once. Returns the time
    to the last answer, latencies, the errors by kind and what was counted."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    options = ("yes", "no", "abstain")
    n = len(users)
    start = time.perf_counter()

    def cast(i: int) -> tuple[str, float]:
        due = start + window * i / n
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        try:
            services.ballot_cast(
                user=users[i], vote=vote, local_government=cities[i], option=options[i % 3]
            )
            return "ok", time.perf_counter() - began
        except Exception as exc:  # noqa: BLE001 — a benchmark counts every failure
            return f"{type(exc).__name__}: {str(exc)[:60]}", time.perf_counter() - began
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(cast, range(n)))
    elapsed = time.perf_counter() - start
    errors: dict[str, int] = {}
    for outcome, _latency in outcomes:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    latencies = sorted(latency for _o, latency in outcomes)
    counts = services.vote_counts(Vote.objects.get(pk=vote.pk))
    return {
        "window": window,
        "elapsed": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1],
        "errors": errors,
        "ok": sum(1 for o, _l in outcomes if o == "ok"),
        "receipts": vote.receipts.count(),
        "counted": counts["yes"] + counts["no"] + counts["abstain"],
        "expected": {o: sum(1 for i in range(n) if options[i % 3] == o) for o in options},
        "counts": counts,
    }


def run_burst(
    out: TextIO, *, n: int = BURST_BALLOTS, workers: int = BURST_WORKERS, window: float = 10.0
) -> list:
    """Three polls: a secret ballot and a named roll call with the ballots arriving within
    `window` seconds, and a secret ballot with all of them at once."""
    vendor = connection.vendor
    out.write(f"  burst: {n} delegates, {workers} threads, {vendor}\n")
    world = burst_world(n)
    results = []
    runs = [
        ("secret", world["votes"][VoteMode.SECRET], window),
        ("roll_call", world["votes"][VoteMode.ROLL_CALL], window),
        ("at_once", world["votes"]["at_once"], 0.0),
    ]
    for label, vote, win in runs:
        r = burst(vote, world["users"], world["cities"], workers=workers, window=win)
        errors = sum(r["errors"].values())
        arrival = f"within {win:.0f} s" if win else "all at once"
        out.write(
            f"  burst {label:<9} {n} ballots {arrival:<12}: last answer at {r['elapsed']:5.2f} s, "
            f"p50 {r['p50_ms']:6.0f} ms, p95 {r['p95_ms']:6.0f} ms, {errors} errors, "
            f"{r['receipts']} receipts, {r['counted']} counted "
            f"(yes {r['counts']['yes']}, no {r['counts']['no']}, abstain {r['counts']['abstain']})\n"
        )
        for kind, count in sorted(r["errors"].items()):
            out.write(f"      {count:4d} × {kind}\n")
        results.append((label, r))
    return results


# ---------------------------------------------------------------------------------------------
# An election under a burst: 300 voting delegates cast their secret ballot in one round.


def election_burst(
    out: TextIO, *, n: int = BURST_BALLOTS, workers: int = BURST_WORKERS, window: float = 10.0
) -> dict[str, Any]:
    """Every city's delegate casts a ballot naming up to 2 of 3 candidates (one in ten
    blank), `workers` threads at a time, arriving within `window` seconds; then checks that
    every ballot was counted exactly once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from edile.governance import elections
    from edile.governance.models import ElectionRound

    world = burst_world(n, prefix="gov-elect")
    staff, session = world["staff"], world["session"]
    with transaction.atomic():
        election = elections.election_save(
            user=staff,
            meeting=session,
            body=session.body,
            title_fr="Élection",
            title_en="Election",
            seats=2,
            seat_role="member",
            term_years=3,
            round_rules=["absolute", "relative"],
        )
        candidates = [
            elections.candidate_add(
                user=staff, election=election, name=f"Candidat {i}", local_government=lg
            )
            for i, lg in enumerate(world["cities"][:3])
        ]
        round_ = elections.round_open(user=staff, election=election)
    choices = [
        [] if i % 10 == 0 else [candidates[i % 3].pk, candidates[(i + 1) % 3].pk][: 1 + i % 2]
        for i in range(n)
    ]
    expected = {c.pk: sum(1 for ch in choices if c.pk in ch) for c in candidates}
    start = time.perf_counter()

    def cast(i: int) -> tuple[str, float]:
        delay = start + window * i / n - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        try:
            elections.election_ballot_cast(
                user=world["users"][i],
                election=election,
                local_government=world["cities"][i],
                candidates=choices[i],
                blank=not choices[i],
            )
            return "ok", time.perf_counter() - began
        except Exception as exc:  # noqa: BLE001 — a benchmark counts every failure
            return f"{type(exc).__name__}: {str(exc)[:60]}", time.perf_counter() - began
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(cast, range(n)))
    elapsed = time.perf_counter() - start
    errors: dict[str, int] = {}
    for outcome, _latency in outcomes:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    latencies = sorted(latency for _o, latency in outcomes)
    round_ = ElectionRound.objects.get(pk=round_.pk)
    counts = dict(round_.tallies.values_list("candidate_id", "votes"))
    result = {
        "elapsed": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1],
        "errors": errors,
        "ok": sum(1 for o, _l in outcomes if o == "ok"),
        "receipts": round_.receipts.count(),
        "ballots": round_.ballots,
        "blank": round_.blank,
        "expected_blank": sum(1 for ch in choices if not ch),
        "counts": {str(k): v for k, v in counts.items()},
        "expected": {str(k): v for k, v in expected.items()},
    }
    out.write(
        f"  election burst: {n} ballots within {window:.0f} s: last answer at {elapsed:5.2f} s, "
        f"p50 {result['p50_ms']:6.0f} ms, p95 {result['p95_ms']:6.0f} ms, "
        f"{sum(errors.values())} errors, {result['receipts']} receipts, "
        f"{result['ballots']} ballots counted ({result['blank']} blank)\n"
    )
    for kind, count in sorted(errors.items()):
        out.write(f"      {count:4d} × {kind}\n")
    return result
