"""The one vote evaluation function, rule by rule (pure: no database), and its API.

The vocabulary is the API's: quorum {base, fraction, comparison, count_represented},
majority {base, fraction, comparison}, tie, counts, chair_vote.
"""

import itertools
from fractions import Fraction

import pytest

from edile.governance.evaluation import (
    Counts,
    Majority,
    Quorum,
    Rule,
    RuleError,
    describe_both,
    evaluate,
    evaluate_payload,
    rule_from_snapshot,
)

HALF = Fraction(1, 2)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


HALF_QUORUM = Quorum(fraction=HALF)


def rule(base="votes_cast", fraction=HALF, comparison="more_than", tie="rejected", quorum=None):
    return Rule(
        quorum=HALF_QUORUM if quorum is None else (quorum or None),
        majority=Majority(base=base, fraction=fraction, comparison=comparison),
        tie=tie,
    )


def counts(members=10, present=10, represented=0, yes=0, no=0, abstain=0, chair=None):
    return Counts(
        members=members,
        present=present,
        represented=represented,
        yes=yes,
        no=no,
        abstain=abstain,
        chair_vote=chair,
    )


# ---------------------------------------------------------------------------------------------
# The defects of issue 10, each as it was reported.


def test_a_tie_with_abstentions_in_the_base_is_a_tie():
    """4–4–2 under "votes cast including abstentions": yes equals no, so it is a tie (the old
    code saw no tie because 2 × yes was not the base)."""
    out = evaluate(rule(base="votes_cast_and_abstentions"), counts(yes=4, no=4, abstain=2))
    assert out.tie is True and out.adopted is False
    assert "Tie: the motion is rejected." in out.explanation_en


def test_five_three_two_is_not_a_tie():
    """5–3–2 of 10 present is no tie whatever the base; it passes on votes cast and fails on
    more than half of those attending (5 is not more than 5)."""
    for base, adopted in [
        ("votes_cast", True),
        ("votes_cast_and_abstentions", False),
        ("attending", False),
        ("members", False),
    ]:
        out = evaluate(rule(base=base, tie="chair_decides"), counts(yes=5, no=3, abstain=2))
        assert out.tie is False, base
        assert out.adopted is adopted, base
        assert "chair" not in out.explanation_en, base


def test_twenty_five_of_fifty_members_is_not_an_absolute_majority():
    """Absolute majority: more than half of the 50 members, so 26 yes are needed."""
    r = rule(base="members")
    out = evaluate(r, counts(members=50, present=40, yes=25, no=10, abstain=5))
    assert out.adopted is False and out.required == 26
    out = evaluate(r, counts(members=50, present=40, yes=26, no=10, abstain=4))
    assert out.adopted is True and out.required == 26


def test_stored_bureau_rule_is_majority_of_members_attending(db):
    """The demo's Bureau rule, labelled "majority of members present", is stored with the base
    "attending", and a chair who decides ties (voix prépondérante)."""
    from edile.governance.demo import _load_rules

    bureau = _load_rules()["bureau-ordinary"]
    assert bureau.majority_base == "attending"
    assert bureau.tie_rule == "chair_decides"
    assert rule_from_snapshot(bureau.snapshot()).majority.base == "attending"


# ---------------------------------------------------------------------------------------------
# Quorum


@pytest.mark.parametrize(
    ("members", "present", "comparison", "reached"),
    [
        (240, 120, "at_least", True),
        (240, 119, "at_least", False),
        (241, 120, "at_least", False),
        (241, 121, "at_least", True),
        (240, 120, "more_than", False),
        (240, 121, "more_than", True),
        (1, 1, "at_least", True),
    ],
)
def test_quorum_at_least_against_more_than(members, present, comparison, reached):
    """Half the members is enough "at least", not "more than"; odd totals round up."""
    r = rule(quorum=Quorum(fraction=HALF, comparison=comparison))
    out = evaluate(r, counts(members=members, present=present, yes=present))
    assert out.quorum_reached is reached
    assert out.adopted is reached


def test_quorum_with_and_without_proxies():
    """45 present and 10 represented of 100: the quorum of half is reached only when proxies
    count towards it."""
    c = counts(members=100, present=45, represented=10, yes=40)
    with_proxies = evaluate(rule(quorum=Quorum(fraction=HALF, count_represented=True)), c)
    without = evaluate(rule(quorum=Quorum(fraction=HALF, count_represented=False)), c)
    assert with_proxies.quorum_reached is True and with_proxies.adopted is True
    assert without.quorum_reached is False and without.adopted is False
    assert without.explanation_en.startswith("Quorum not reached: 45 of 100")
    assert without.explanation_fr.startswith("Quorum non atteint\u00a0: 45 sur 100")


def test_quorum_explained_in_both_languages():
    """The explanation gives the quorum figures in French and English."""
    out = evaluate(rule(), counts(members=240, present=150, represented=32, yes=120, no=40))
    assert out.quorum_reached and out.adopted
    assert out.explanation_en.startswith("Quorum reached: 182 of 240")
    assert out.explanation_fr.startswith("Quorum atteint\u00a0: 182 sur 240")


def test_no_quorum_voids_even_a_unanimous_vote():
    out = evaluate(rule(), counts(members=100, present=10, yes=10))
    assert (out.quorum_reached, out.adopted, out.result) == (False, False, "no_quorum")
    assert "void" in out.explanation_en


def test_a_rule_without_quorum_decides_with_whoever_is_there():
    out = evaluate(rule(quorum=False), counts(members=100, present=3, yes=2, no=1))
    assert out.quorum_reached and out.adopted
    assert "No quorum is required." in out.explanation_en


def test_second_convocation_drops_the_quorum_unless_the_rule_keeps_it():
    """On second convocation the stored rule's quorum applies only if it says so."""
    snapshot = {
        "quorum_base": "members",
        "quorum_numerator": 1,
        "quorum_denominator": 2,
        "quorum_on_second_convocation": False,
        "proxies_count_for_quorum": True,
        "majority_base": "votes_cast",
        "threshold_numerator": 1,
        "threshold_denominator": 2,
        "comparator": "more_than",
        "tie_rule": "rejected",
    }
    c = Counts(members=100, present=10, yes=6, no=4, convocation=2)
    out = evaluate(rule_from_snapshot(snapshot, convocation=2), c)
    assert out.adopted and "Second convocation" in out.explanation_en
    kept = rule_from_snapshot({**snapshot, "quorum_on_second_convocation": True}, convocation=2)
    assert evaluate(kept, c).quorum_reached is False
    assert evaluate(rule_from_snapshot(snapshot, convocation=1), c).quorum_reached is False


# ---------------------------------------------------------------------------------------------
# Majority bases


@pytest.mark.parametrize(
    ("base", "expected_base", "adopted"),
    [
        ("votes_cast", 5, True),  # 3 > 2.5
        ("votes_cast_and_abstentions", 10, False),  # 3 ≤ 5
        ("attending", 12, False),
        ("members", 20, False),
    ],
)
def test_each_majority_base(base, expected_base, adopted):
    """3 yes, 2 no, 5 abstentions, 10 present and 2 represented of 20 members."""
    out = evaluate(
        rule(base=base), counts(members=20, present=10, represented=2, yes=3, no=2, abstain=5)
    )
    assert out.majority_base == expected_base
    assert out.adopted is adopted


def test_abstentions_do_not_count_as_votes_cast():
    """Under votes cast, abstentions change nothing: 3–2 passes with 0 or 5 abstentions."""
    for abstain in (0, 5):
        assert evaluate(rule(), counts(yes=3, no=2, abstain=abstain)).adopted


def test_only_abstentions_adopt_nothing():
    out = evaluate(rule(), counts(abstain=10))
    assert out.adopted is False and out.tie is False and out.required == 1


@pytest.mark.parametrize(
    ("yes", "no", "comparison", "adopted"),
    [
        (20, 10, "at_least", True),  # exactly two thirds
        (20, 10, "more_than", False),
        (21, 10, "more_than", True),
        (19, 10, "at_least", False),
    ],
)
def test_two_thirds_at_least_against_more_than(yes, no, comparison, adopted):
    r = rule(fraction=Fraction(2, 3), comparison=comparison)
    assert evaluate(r, counts(members=40, present=40, yes=yes, no=no)).adopted is adopted


def test_unanimity_at_least_all():
    r = rule(fraction=Fraction(1, 1), comparison="at_least")
    assert evaluate(r, counts(members=5, present=5, yes=5)).adopted
    out = evaluate(r, counts(members=5, present=5, yes=4, no=1))
    assert out.adopted is False and out.required is None


# ---------------------------------------------------------------------------------------------
# `required`: the fewest yes votes that would have adopted it, the other votes unchanged.


@pytest.mark.parametrize(
    ("base", "fraction", "comparison"),
    list(
        itertools.product(
            ["votes_cast", "votes_cast_and_abstentions", "attending", "members"],
            [Fraction(1, 2), Fraction(2, 3), Fraction(3, 5)],
            ["at_least", "more_than"],
        )
    ),
)
def test_required_is_the_fewest_yes_that_adopts(base, fraction, comparison):
    """For every base, fraction and comparison, `required` yes adopt and one fewer does not,
    the other votes unchanged (a tie is rejected)."""
    r = Rule(quorum=None, majority=Majority(base, fraction, comparison))
    for no, abstain in [(0, 0), (3, 2), (7, 0), (10, 5), (30, 0)]:
        present = 1000 if base.startswith("votes_cast") else 200
        members = 1000 if base.startswith("votes_cast") else 250

        def adopts(y, no=no, abstain=abstain, present=present, members=members):
            c = Counts(members=members, present=present, yes=y, no=no, abstain=abstain)
            return evaluate(r, c).adopted

        c = Counts(members=members, present=present, no=no, abstain=abstain)
        required = evaluate(r, c).required
        assert required is not None and required >= 1
        assert adopts(required), (no, abstain, required)
        assert not any(adopts(y) for y in range(0, required)), (no, abstain, required)


def test_required_counts_the_tie_rule():
    """At least half of the votes cast with 3 against: 3 yes tie, so 4 are needed when a tie
    rejects, 3 when the chair decides yes."""
    r = rule(fraction=HALF, comparison="at_least")
    assert evaluate(r, counts(yes=0, no=3)).required == 4
    chair = rule(fraction=HALF, comparison="at_least", tie="chair_decides")
    assert evaluate(chair, counts(yes=0, no=3, chair="yes")).required == 3


def test_required_for_a_tie():
    """15–15 under votes cast: 16 yes would have adopted it."""
    assert evaluate(rule(), counts(members=30, present=30, yes=15, no=15)).required == 16


# ---------------------------------------------------------------------------------------------
# Ties under each rule and each base


@pytest.mark.parametrize("base", ["votes_cast", "votes_cast_and_abstentions", "attending"])
def test_tie_is_yes_equal_no_under_every_base(base):
    out = evaluate(rule(base=base), counts(members=12, present=12, yes=5, no=5, abstain=2))
    assert out.tie is True and out.adopted is False


def test_no_tie_without_a_vote_each_way():
    assert evaluate(rule(), counts(abstain=4)).tie is False


@pytest.mark.parametrize(("chair", "adopted"), [("yes", True), ("no", False), (None, False)])
def test_tie_chair_decides(chair, adopted):
    """Voix prépondérante: in a tie the chair's choice is the outcome."""
    out = evaluate(
        rule(tie="chair_decides"), counts(members=13, present=12, yes=5, no=5, chair=chair)
    )
    assert out.tie is True and out.adopted is adopted
    if chair == "yes":
        assert "Tie: the chair decides (yes)." in out.explanation_en


def test_chair_vote_is_ignored_without_a_tie():
    out = evaluate(rule(tie="chair_decides"), counts(yes=4, no=6, chair="yes"))
    assert out.tie is False and out.adopted is False


@pytest.mark.parametrize(
    ("base", "chair", "adopted"),
    [
        ("votes_cast", "yes", True),  # 6 > 5.5
        ("votes_cast", "no", False),
        ("votes_cast", None, False),
        ("members", "yes", False),  # 6 is not more than 10 of 20
        ("attending", "yes", True),  # 6 > 5 of 10 attending
    ],
)
def test_tie_casting_vote_adds_the_chairs_vote_then_the_threshold_applies(base, chair, adopted):
    out = evaluate(
        rule(base=base, tie="casting_vote"),
        counts(members=20, present=10, yes=5, no=5, chair=chair),
    )
    assert out.tie is True and out.adopted is adopted


# ---------------------------------------------------------------------------------------------
# Weighted votes and proxies


def test_weighted_votes_are_counted_in_weights():
    """Counts are weights when the vote is weighted: 7 weighted yes against 6 no pass."""
    out = evaluate(rule(base="attending"), counts(members=20, present=13, yes=7, no=6))
    assert out.adopted is True
    out = evaluate(rule(base="members"), counts(members=20, present=13, yes=7, no=6))
    assert out.adopted is False and out.required == 11


def test_proxies_count_in_the_attending_base():
    out = evaluate(
        rule(base="attending"), counts(members=20, present=10, represented=2, yes=7, no=5)
    )
    assert out.majority_base == 12 and out.adopted is True


# ---------------------------------------------------------------------------------------------
# Bad rules and impossible counts


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"majority": {"base": "votes", "fraction": "1/2", "comparison": "more_than"}}, "base"),
        (
            {"majority": {"base": "votes_cast", "fraction": "half", "comparison": "more_than"}},
            "1/2",
        ),
        (
            {"majority": {"base": "votes_cast", "fraction": "3/2", "comparison": "at_least"}},
            "at most 1",
        ),
        (
            {"majority": {"base": "votes_cast", "fraction": "1/0", "comparison": "at_least"}},
            "denominator",
        ),
        (
            {"majority": {"base": "votes_cast", "fraction": "1/1", "comparison": "more_than"}},
            "never",
        ),
        (
            {"majority": {"base": "votes_cast", "fraction": "1/2", "comparison": "over"}},
            "comparison",
        ),
        ({"quorum": {"fraction": "1/2", "count_represented": "yes"}}, "count_represented"),
        ({"tie": "coin"}, "tie"),
        ({"counts": {"members": 10, "present": 11}}, "Impossible counts"),
        ({"counts": {"members": 10, "present": 5, "yes": 4, "no": 2}}, "Impossible counts"),
        ({"counts": {"members": 10, "present": 5, "yes": -1}}, "whole number"),
        ({"counts": {"present": 5}}, "members"),
        ({"chair_vote": "maybe"}, "chair_vote"),
    ],
)
def test_bad_rules_and_impossible_counts_are_refused(payload, message):
    base = {
        "quorum": None,
        "majority": {"base": "votes_cast", "fraction": "1/2", "comparison": "more_than"},
        "tie": "rejected",
        "counts": {"members": 10, "present": 10, "yes": 5, "no": 3, "abstain": 2},
        "chair_vote": None,
    }
    with pytest.raises(RuleError, match=message):
        evaluate_payload({**base, **payload})


def test_describe_a_rule_in_plain_words():
    """The setup pages' preview says the rule in both languages."""
    words = describe_both(
        Rule(
            quorum=Quorum(fraction=HALF, count_represented=False),
            majority=Majority("members", Fraction(2, 3), "at_least"),
            tie="chair_decides",
        )
    )
    assert words["en"] == (
        "Quorum: at least 1/2 of the members present in person (proxies do not count). "
        "Adopted with at least 2/3 of the members entitled to vote voting yes. "
        "In a tie (as many yes as no), the chair's choice decides."
    )
    assert words["fr"].startswith("Quorum\u00a0: au moins 1/2 des membres présents en personne")


# ---------------------------------------------------------------------------------------------
# The API


URL = "/api/v1/governance/rules/evaluate"


@pytest.mark.django_db
def test_api_evaluates_the_reported_tie(client):
    """15–15 with a chair who decides yes: a tie, adopted (so 15 yes were enough), explained
    in both languages."""
    answer = client.post(
        URL,
        {
            "quorum": {
                "base": "members",
                "fraction": "1/2",
                "comparison": "at_least",
                "count_represented": True,
            },
            "majority": {"base": "votes_cast", "fraction": "1/2", "comparison": "more_than"},
            "tie": "chair_decides",
            "counts": {
                "members": 40,
                "present": 28,
                "represented": 2,
                "yes": 15,
                "no": 15,
                "abstain": 0,
            },
            "chair_vote": "yes",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("quorum_reached", "tie", "adopted", "required")} == {
        "quorum_reached": True,
        "tie": True,
        "adopted": True,
        "required": 15,
    }
    assert body["explanation"]["en"].startswith("Quorum reached: 30 of 40")
    assert body["explanation"]["fr"].startswith("Quorum atteint\u00a0: 30 sur 40")


@pytest.mark.django_db
def test_api_refuses_impossible_counts_with_400(client):
    answer = client.post(
        URL,
        {
            "quorum": None,
            "majority": {"base": "members", "fraction": "1/2", "comparison": "more_than"},
            "tie": "rejected",
            "counts": {"members": 5, "present": 6},
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert (
        "Impossible counts: 6 present or represented but only 5 members."
        in (answer.json()["detail"])
    )


@pytest.mark.django_db
def test_api_refuses_a_bad_rule_with_400(client):
    answer = client.post(
        URL,
        {"majority": {"base": "everyone"}, "counts": {"members": 5}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("majority.base: use one of votes_cast")
