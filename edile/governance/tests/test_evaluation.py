"""The vote evaluation function, rule by rule (pure: no database)."""

import pytest

from edile.governance.evaluation import Tally, evaluate

BASE_RULE = {
    "code": "t",
    "label_fr": "t",
    "label_en": "t",
    "statutory_reference": "",
    "quorum_base": "members_entitled",
    "quorum_numerator": 1,
    "quorum_denominator": 2,
    "quorum_on_second_convocation": False,
    "proxies_count_for_quorum": True,
    "majority_base": "votes_cast",
    "threshold_numerator": 1,
    "threshold_denominator": 2,
    "comparator": "more_than",
    "tie_rule": "rejected",
    "voting_unit": "one_city_one_vote",
    "max_proxies_per_holder": 2,
}


def rule(**overrides):
    return {**BASE_RULE, **overrides}


def test_quorum_reached_explained_in_both_languages():
    """The explanation gives the quorum figures in French and English."""
    out = evaluate(
        rule(),
        Tally(
            entitled=240,
            present=150,
            represented=32,
            yes=120,
            no=40,
            abstain=22,
            proxies_per_holder=(2,) * 16,
        ),
    )
    assert out.result == "pass" and out.quorum_met
    assert out.quorum_required == 120
    assert "182" in out.explanation_en and "240" in out.explanation_en
    assert out.explanation_en.startswith("Quorum reached: 182 of 240")
    assert out.explanation_fr.startswith("Quorum atteint : 182 sur 240")


@pytest.mark.parametrize(
    ("entitled", "present", "met"),
    [(240, 120, True), (240, 119, False), (241, 120, False), (241, 121, True), (1, 1, True)],
)
def test_quorum_threshold_is_at_least_the_fraction(entitled, present, met):
    """Half of the members is enough; one fewer is not; odd totals round up."""
    out = evaluate(rule(), Tally(entitled=entitled, present=present, yes=present))
    assert out.quorum_met is met
    assert out.result == ("pass" if met else "no_quorum")


def test_no_quorum_voids_the_vote_even_if_unanimous():
    """Without quorum the vote does not count, whatever the counts."""
    out = evaluate(rule(), Tally(entitled=100, present=10, yes=10))
    assert out.result == "no_quorum"
    assert "void" in out.explanation_en


def test_no_quorum_rule_needs_nobody():
    """A rule without quorum decides with whoever is there."""
    out = evaluate(rule(quorum_base="none"), Tally(entitled=100, present=3, yes=2, no=1))
    assert out.result == "pass" and out.quorum_required == 0


def test_second_convocation_drops_the_quorum():
    """On second convocation the assembly deliberates validly whatever the attendance."""
    out = evaluate(rule(), Tally(entitled=100, present=10, yes=6, no=4, convocation=2))
    assert out.result == "pass"
    assert "Second convocation" in out.explanation_en


def test_second_convocation_quorum_when_the_rule_says_so():
    """A rule can keep its quorum on second convocation."""
    out = evaluate(
        rule(quorum_on_second_convocation=True),
        Tally(entitled=100, present=10, yes=6, convocation=2),
    )
    assert out.result == "no_quorum"


def test_proxies_count_for_quorum_or_not():
    """Represented members make the quorum only if the rule counts proxies."""
    tally = Tally(
        entitled=100, present=45, represented=10, yes=40, proxies_per_holder=(2, 2, 2, 2, 2)
    )
    assert evaluate(rule(), tally).quorum_met
    assert not evaluate(rule(proxies_count_for_quorum=False), tally).quorum_met


def test_proxies_beyond_the_cap_do_not_count():
    """A holder with five proxies under a cap of two brings only two."""
    tally = Tally(entitled=100, present=45, represented=5, yes=40, proxies_per_holder=(5,))
    out = evaluate(rule(max_proxies_per_holder=2), tally)
    assert out.quorum_counted == 47 and not out.quorum_met


def test_abstentions_ignored_with_votes_cast_base():
    """Votes cast: abstentions neither help nor hurt."""
    out = evaluate(rule(), Tally(entitled=10, present=10, yes=3, no=2, abstain=5))
    assert out.result == "pass" and out.majority_base == 5


def test_abstentions_count_against_when_included():
    """Votes cast including abstentions: abstaining counts like voting no."""
    out = evaluate(
        rule(majority_base="votes_cast_with_abstentions"),
        Tally(entitled=10, present=10, yes=3, no=2, abstain=5),
    )
    assert out.result == "fail" and out.majority_base == 10


def test_majority_of_present_and_represented():
    """The base is everyone present or represented, voting or not."""
    r = rule(majority_base="present_and_represented")
    assert (
        evaluate(
            r, Tally(entitled=20, present=10, represented=2, yes=7, proxies_per_holder=(2,))
        ).result
        == "pass"
    )
    assert (
        evaluate(
            r, Tally(entitled=20, present=10, represented=2, yes=6, no=0, proxies_per_holder=(2,))
        ).result
        == "fail"
    )


def test_absolute_majority_of_members_entitled():
    """Members entitled: more than half of all members, present or not."""
    r = rule(majority_base="members_entitled")
    assert evaluate(r, Tally(entitled=240, present=200, yes=120, no=10)).result == "fail"
    assert evaluate(r, Tally(entitled=240, present=200, yes=121, no=10)).result == "pass"


@pytest.mark.parametrize(
    ("comparator", "yes", "no", "expected"),
    [
        ("at_least", 20, 10, "pass"),
        ("at_least", 19, 10, "fail"),
        ("more_than", 20, 10, "fail"),
        ("more_than", 21, 10, "pass"),
    ],
)
def test_two_thirds_at_least_versus_more_than(comparator, yes, no, expected):
    """Qualified majority: exactly two thirds passes with 'at least', not with 'more than'."""
    r = rule(threshold_numerator=2, threshold_denominator=3, comparator=comparator)
    out = evaluate(r, Tally(entitled=40, present=40, yes=yes, no=no))
    assert out.result == expected


def test_tie_is_rejected_by_default():
    """An equal split rejects the motion."""
    out = evaluate(rule(), Tally(entitled=10, present=10, yes=4, no=4, abstain=2))
    assert out.tie and out.result == "fail"
    assert "Tie" in out.explanation_en


@pytest.mark.parametrize(("chair", "expected"), [("yes", "pass"), ("no", "fail"), ("", "fail")])
def test_tie_with_chair_casting_vote(chair, expected):
    """The chair's casting vote decides a tie when the rule gives it; none given, it fails."""
    out = evaluate(
        rule(tie_rule="chair_casting_vote"),
        Tally(entitled=13, present=12, yes=5, no=5, abstain=2, chair_vote=chair),
    )
    assert out.result == expected


def test_chair_vote_ignored_when_there_is_no_tie():
    """A casting vote only breaks ties."""
    out = evaluate(
        rule(tie_rule="chair_casting_vote"),
        Tally(entitled=13, present=12, yes=4, no=6, chair_vote="yes"),
    )
    assert out.result == "fail"


def test_all_abstain_fails():
    """Nobody for the motion: it is not adopted."""
    out = evaluate(rule(), Tally(entitled=10, present=10, abstain=10))
    assert out.result == "fail"


def test_unanimity_rule():
    """A 1/1 'at least' rule needs every vote cast to be yes."""
    r = rule(threshold_numerator=1, threshold_denominator=1, comparator="at_least")
    assert evaluate(r, Tally(entitled=5, present=5, yes=5)).result == "pass"
    assert evaluate(r, Tally(entitled=5, present=5, yes=4, no=1)).result == "fail"
