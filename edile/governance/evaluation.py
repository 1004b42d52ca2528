"""The one function that decides a vote: quorum, majority, ties, proxies, second convocation.

Everything that computes a result goes through `evaluate`: the vote service closing a poll,
the rule preview on the setup pages, and `POST /api/v1/governance/rules/evaluate`. It is pure
(no database), so it is unit-tested exhaustively.

The vocabulary is the API's (docs/governance.md):

- quorum: ``base`` ``members``; ``fraction`` ("1/2"); ``comparison`` ``at_least`` or
  ``more_than``; ``count_represented`` (do proxies count towards the quorum). ``None``: no quorum.
- majority: ``base`` ``votes_cast`` (yes + no), ``votes_cast_and_abstentions``, ``attending``
  (present + represented) or ``members`` (entitled); ``fraction``; ``comparison``.
- tie (yes equals no, at least one vote each way): ``rejected``; ``chair_decides`` (the chair's
  choice is the outcome, the French *voix prépondérante*); ``casting_vote`` (the chair's vote is
  added to its side, then the threshold applies).
- counts: ``members``, ``present``, ``represented``, ``yes``, ``no``, ``abstain`` (weights when
  the vote is weighted), and ``chair_vote`` (``yes``, ``no`` or None).

``required`` is the fewest yes votes that would have adopted the motion, the other votes (no,
abstentions, attendance) unchanged; ``None`` when no number of yes votes could (unanimity with
a vote against).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from edile.core.errors import ServiceError

QUORUM_BASES = ("members",)
MAJORITY_BASES = ("votes_cast", "votes_cast_and_abstentions", "attending", "members")
COMPARISONS = ("at_least", "more_than")
TIES = ("rejected", "chair_decides", "casting_vote")
CHAIR_VOTES = ("yes", "no")
COUNT_FIELDS = ("members", "present", "represented", "yes", "no", "abstain")

# Stored rules and old vote snapshots used other names: read them as the API's.
LEGACY_NAMES = {
    "members_entitled": "members",
    "votes_cast_with_abstentions": "votes_cast_and_abstentions",
    "present_and_represented": "attending",
    "chair_casting_vote": "chair_decides",
}
_FRACTION = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


class RuleError(ServiceError):
    """A rule or counts that cannot be evaluated (answered 400 with the message)."""


@dataclass(frozen=True)
class Quorum:
    fraction: Fraction
    comparison: str = "at_least"
    count_represented: bool = True
    base: str = "members"


@dataclass(frozen=True)
class Majority:
    base: str
    fraction: Fraction
    comparison: str


@dataclass(frozen=True)
class Rule:
    quorum: Quorum | None
    majority: Majority
    tie: str = "rejected"


@dataclass(frozen=True)
class Counts:
    members: int
    present: int
    represented: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    chair_vote: str | None = None
    # 2 on second convocation: only for the explanation (the rule's quorum is then None).
    convocation: int = 1

    @property
    def attending(self) -> int:
        return self.present + self.represented


@dataclass(frozen=True)
class Result:
    quorum_reached: bool
    tie: bool
    adopted: bool
    required: int | None
    quorum_required: int
    quorum_counted: int
    majority_base: int
    explanation_fr: str
    explanation_en: str

    @property
    def result(self) -> str:
        """The stored vote result: "pass", "fail" or "no_quorum"."""
        if not self.quorum_reached:
            return "no_quorum"
        return "pass" if self.adopted else "fail"

    def as_api(self) -> dict[str, Any]:
        return {
            "quorum_reached": self.quorum_reached,
            "tie": self.tie,
            "adopted": self.adopted,
            "required": self.required,
            "explanation": {"fr": self.explanation_fr, "en": self.explanation_en},
        }


# ---------------------------------------------------------------------------------------------
# Parsing (the API's JSON, and stored rules)


def _fraction(value: Any, label: str) -> Fraction:
    if isinstance(value, Fraction):
        f = value
    else:
        match = _FRACTION.match(str(value)) if isinstance(value, str) else None
        if match is None:
            raise RuleError(
                _("%(label)s: write the fraction as two whole numbers, such as “1/2” or “2/3”.")
                % {"label": label}
            )
        num, den = int(match[1]), int(match[2])
        if den == 0:
            raise RuleError(_("%(label)s: the denominator cannot be 0.") % {"label": label})
        f = Fraction(num, den)
    if not 0 < f <= 1:
        raise RuleError(
            _("%(label)s: the fraction must be above 0 and at most 1.") % {"label": label}
        )
    return f


def _choice(value: Any, allowed: tuple[str, ...], label: str) -> str:
    value = LEGACY_NAMES.get(value, value) if isinstance(value, str) else value
    if value not in allowed:
        raise RuleError(
            _("%(label)s: use one of %(allowed)s.")
            % {"label": label, "allowed": ", ".join(allowed)}
        )
    return value


def _mapping(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(_("%(label)s: give an object.") % {"label": label})
    return value


def parse_rule(data: dict[str, Any]) -> Rule:
    """A rule from the API's JSON (`quorum`, `majority`, `tie`); RuleError when it is bad."""
    data = _mapping(data, "rule")
    quorum = None
    if data.get("quorum") is not None:
        q = _mapping(data["quorum"], "quorum")
        count_represented = q.get("count_represented", True)
        if not isinstance(count_represented, bool):
            raise RuleError(_("quorum.count_represented: use true or false."))
        quorum = Quorum(
            base=_choice(q.get("base", "members"), QUORUM_BASES, "quorum.base"),
            fraction=_fraction(q.get("fraction"), "quorum.fraction"),
            comparison=_choice(q.get("comparison", "at_least"), COMPARISONS, "quorum.comparison"),
            count_represented=count_represented,
        )
    if "majority" not in data:
        raise RuleError(_("majority: give the majority's base, fraction and comparison."))
    m = _mapping(data["majority"], "majority")
    majority = Majority(
        base=_choice(m.get("base"), MAJORITY_BASES, "majority.base"),
        fraction=_fraction(m.get("fraction"), "majority.fraction"),
        comparison=_choice(m.get("comparison"), COMPARISONS, "majority.comparison"),
    )
    if majority.comparison == "more_than" and majority.fraction == 1:
        raise RuleError(
            _("majority: “more than 1/1” can never be reached; use “at least 1/1” for unanimity.")
        )
    tie = _choice(data.get("tie", "rejected"), TIES, "tie")
    return Rule(quorum=quorum, majority=majority, tie=tie)


def parse_counts(data: Any, chair_vote: Any = None) -> Counts:
    """Counts from the API's JSON; RuleError when they are impossible."""
    data = _mapping(data, "counts")
    values = {}
    for name in COUNT_FIELDS:
        value = data.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            raise RuleError(
                _("counts.%(name)s: give a whole number between 0 and 1,000,000,000.")
                % {"name": name}
            )
        values[name] = value
    if "members" not in data:
        raise RuleError(_("counts.members: give the number of members entitled to vote."))
    if chair_vote is None:
        chair_vote = data.get("chair_vote")
    if chair_vote is not None and chair_vote not in CHAIR_VOTES:
        raise RuleError(_("chair_vote: use “yes”, “no” or null."))
    counts = Counts(chair_vote=chair_vote, **values)
    check_counts(counts)
    return counts


def check_counts(counts: Counts) -> None:
    cast = counts.yes + counts.no + counts.abstain
    if counts.attending > counts.members:
        raise RuleError(
            _(
                "Impossible counts: %(attending)d present or represented but only %(members)d "
                "members."
            )
            % {"attending": counts.attending, "members": counts.members}
        )
    if cast > counts.attending:
        raise RuleError(
            _(
                "Impossible counts: %(cast)d votes (yes, no and abstentions) but only "
                "%(attending)d members present or represented."
            )
            % {"cast": cast, "attending": counts.attending}
        )


def rule_from_snapshot(snapshot: dict[str, Any], *, convocation: int = 1) -> Rule:
    """A stored rule (`DecisionRule.snapshot()`, old names too) as the evaluation's Rule.

    On second convocation the quorum applies only if the rule says so.
    """
    quorum = None
    needs_quorum = snapshot.get("quorum_base", "members") != "none" and (
        convocation == 1 or snapshot.get("quorum_on_second_convocation", False)
    )
    if needs_quorum:
        quorum = Quorum(
            fraction=Fraction(snapshot["quorum_numerator"], snapshot["quorum_denominator"]),
            comparison=snapshot.get("quorum_comparator", "at_least"),
            count_represented=bool(snapshot.get("proxies_count_for_quorum", True)),
        )
    majority = Majority(
        base=LEGACY_NAMES.get(snapshot["majority_base"], snapshot["majority_base"]),
        fraction=Fraction(snapshot["threshold_numerator"], snapshot["threshold_denominator"]),
        comparison=snapshot["comparator"],
    )
    tie = LEGACY_NAMES.get(snapshot.get("tie_rule", "rejected"), snapshot.get("tie_rule"))
    return Rule(quorum=quorum, majority=majority, tie=tie or "rejected")


# ---------------------------------------------------------------------------------------------
# Evaluation


def _fewest(value: Fraction, comparison: str) -> int:
    """The smallest whole number n with n >= value (at_least) or n > value (more_than)."""
    if comparison == "at_least":
        return math.ceil(value)
    return math.floor(value) + 1


def _satisfies(n: int | Fraction, value: Fraction, comparison: str) -> bool:
    return n >= value if comparison == "at_least" else n > value


def majority_base(rule: Majority, counts: Counts, *, yes: int, no: int) -> int:
    return {
        "votes_cast": yes + no,
        "votes_cast_and_abstentions": yes + no + counts.abstain,
        "attending": counts.attending,
        "members": counts.members,
    }[rule.base]


def _threshold_yes(majority: Majority, counts: Counts) -> int | None:
    """The fewest yes votes that meet the threshold, the other votes unchanged (ties aside)."""
    f = majority.fraction
    if majority.base in ("attending", "members"):
        base = counts.attending if majority.base == "attending" else counts.members
        return max(_fewest(f * base, majority.comparison), 1)
    # The base grows with the yes votes: y ≥ f·(y + k)  ⇔  y·(1 − f) ≥ f·k.
    others = counts.no + (counts.abstain if majority.base == "votes_cast_and_abstentions" else 0)
    if f == 1:
        return 1 if others == 0 and majority.comparison == "at_least" else None
    return max(_fewest(f * others / (1 - f), majority.comparison), 1)


def _decide(rule: Rule, counts: Counts, yes: int) -> tuple[bool, bool, int]:
    """(tie, adopted, majority base) for `yes` yes votes and the other counts, quorum aside."""
    m = rule.majority
    no = counts.no
    tie = yes == no and yes >= 1
    if tie and rule.tie == "casting_vote" and counts.chair_vote:
        yes, no = (yes + 1, no) if counts.chair_vote == "yes" else (yes, no + 1)
    base = majority_base(m, counts, yes=yes, no=no)
    meets = yes >= 1 and _satisfies(yes, m.fraction * base, m.comparison)
    if tie and rule.tie == "rejected":
        return tie, False, base
    if tie and rule.tie == "chair_decides":
        return tie, counts.chair_vote == "yes", base
    return tie, meets, base


def required_yes(rule: Rule, counts: Counts) -> int | None:
    """The fewest yes votes that would have adopted the motion, the other votes unchanged
    (None when none would): the threshold, one more when that number would tie and a tie does
    not adopt, or the tie itself when the chair's vote makes a tie adopt."""
    threshold = _threshold_yes(rule.majority, counts)
    candidates = {c for c in (threshold, counts.no, counts.no + 1) if c}
    adopting = [c for c in sorted(candidates) if _decide(rule, counts, c)[1]]
    return adopting[0] if adopting else None


def evaluate(rule: Rule, counts: Counts) -> Result:
    """Decide a vote: is the quorum reached, is it a tie, is the motion adopted."""
    check_counts(counts)
    # Quorum.
    if rule.quorum is None:
        quorum_required, quorum_counted, quorum_reached = 0, counts.attending, True
    else:
        quorum_counted = counts.present + (
            counts.represented if rule.quorum.count_represented else 0
        )
        quorum_required = _fewest(rule.quorum.fraction * counts.members, rule.quorum.comparison)
        quorum_reached = quorum_counted >= quorum_required
    # Majority.
    tie, adopted, base = _decide(rule, counts, counts.yes)
    adopted = adopted and quorum_reached
    required = required_yes(rule, counts)
    texts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            texts[language] = _explain(
                rule,
                counts,
                quorum_required=quorum_required,
                quorum_counted=quorum_counted,
                quorum_reached=quorum_reached,
                base=base,
                tie=tie,
                adopted=adopted,
                required=required,
            )
    return Result(
        quorum_reached=quorum_reached,
        tie=tie,
        adopted=adopted,
        required=required,
        quorum_required=quorum_required,
        quorum_counted=quorum_counted,
        majority_base=base,
        explanation_fr=texts["fr"],
        explanation_en=texts["en"],
    )


def evaluate_payload(payload: dict[str, Any]) -> Result:
    """The API's entry: `{"quorum", "majority", "tie", "counts", "chair_vote"}`."""
    payload = _mapping(payload, "body")
    rule = parse_rule(payload)
    if "counts" not in payload:
        raise RuleError(_("counts: give members, present, represented, yes, no and abstain."))
    counts = parse_counts(payload["counts"], payload.get("chair_vote"))
    return evaluate(rule, counts)


# ---------------------------------------------------------------------------------------------
# Words


def _fraction_text(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def _comparison_text(comparison: str) -> str:
    return _("more than") if comparison == "more_than" else _("at least")


def _base_text(base: str) -> str:
    return {
        "votes_cast": _("the votes cast (yes and no)"),
        "votes_cast_and_abstentions": _("the votes cast including abstentions"),
        "attending": _("the members present and represented"),
        "members": _("the members entitled to vote"),
    }[base]


def _tie_text(tie: str) -> str:
    return {
        "rejected": _("A tie (as many yes as no) rejects the motion."),
        "chair_decides": _("In a tie (as many yes as no), the chair's choice decides."),
        "casting_vote": _(
            "In a tie (as many yes as no), the chair's vote is added to its side, then the "
            "majority applies."
        ),
    }[tie]


def describe(rule: Rule) -> str:
    """The rule in plain words, in the active language (the setup pages' preview)."""
    parts = []
    if rule.quorum is None:
        parts.append(_("No quorum is required."))
    else:
        parts.append(
            _("Quorum: %(comparison)s %(fraction)s of the members %(who)s.")
            % {
                "comparison": _comparison_text(rule.quorum.comparison),
                "fraction": _fraction_text(rule.quorum.fraction),
                "who": _("present or represented by proxy")
                if rule.quorum.count_represented
                else _("present in person (proxies do not count)"),
            }
        )
    parts.append(
        _("Adopted with %(comparison)s %(fraction)s of %(base)s voting yes.")
        % {
            "comparison": _comparison_text(rule.majority.comparison),
            "fraction": _fraction_text(rule.majority.fraction),
            "base": _base_text(rule.majority.base),
        }
    )
    parts.append(_tie_text(rule.tie))
    return " ".join(parts)


def describe_both(rule: Rule) -> dict[str, str]:
    out = {}
    for language in ("fr", "en"):
        with translation.override(language):
            out[language] = describe(rule)
    return out


def _explain(
    rule: Rule,
    counts: Counts,
    *,
    quorum_required: int,
    quorum_counted: int,
    quorum_reached: bool,
    base: int,
    tie: bool,
    adopted: bool,
    required: int | None,
) -> str:
    parts = []
    if rule.quorum is None and counts.convocation == 2:
        parts.append(
            _(
                "Second convocation: no quorum is required (%(counted)d of %(entitled)d members "
                "present or represented)."
            )
            % {"counted": counts.attending, "entitled": counts.members}
        )
    elif rule.quorum is None:
        parts.append(_("No quorum is required."))
    elif quorum_reached:
        parts.append(
            _(
                "Quorum reached: %(counted)d of %(entitled)d members present or represented "
                "(%(present)d present, %(represented)d represented); %(required)d required."
            )
            % {
                "counted": quorum_counted,
                "entitled": counts.members,
                "present": counts.present,
                "represented": counts.represented if rule.quorum.count_represented else 0,
                "required": quorum_required,
            }
        )
    else:
        parts.append(
            _(
                "Quorum not reached: %(counted)d of %(entitled)d members present or represented; "
                "%(required)d required. The vote is void."
            )
            % {
                "counted": quorum_counted,
                "entitled": counts.members,
                "required": quorum_required,
            }
        )
        return " ".join(parts)
    parts.append(
        _("Yes %(yes)d, no %(no)d, abstentions %(abstain)d.")
        % {"yes": counts.yes, "no": counts.no, "abstain": counts.abstain}
    )
    m = rule.majority
    parts.append(
        _("Majority required: %(comparison)s %(fraction)s of %(base_label)s (%(base)d).")
        % {
            "comparison": _comparison_text(m.comparison),
            "fraction": _fraction_text(m.fraction),
            "base_label": _base_text(m.base),
            "base": base,
        }
    )
    if required is None:
        parts.append(_("No number of yes votes could adopt it with these votes against."))
    else:
        parts.append(
            _("Fewest yes votes that would have adopted it: %(required)d.") % {"required": required}
        )
    if tie:
        if rule.tie == "rejected":
            parts.append(_("Tie: the motion is rejected."))
        elif rule.tie == "chair_decides" and counts.chair_vote:
            parts.append(
                _("Tie: the chair decides (%(choice)s).")
                % {"choice": _("yes") if counts.chair_vote == "yes" else _("no")}
            )
        elif rule.tie == "chair_decides":
            parts.append(_("Tie: the chair has not decided, so the motion is not adopted."))
        elif counts.chair_vote:
            parts.append(
                _("Tie: the chair's casting vote (%(choice)s) is added to its side.")
                % {"choice": _("yes") if counts.chair_vote == "yes" else _("no")}
            )
        else:
            parts.append(_("Tie: the chair has not cast a casting vote."))
    parts.append(_("Adopted.") if adopted else _("Rejected."))
    return " ".join(parts)
