"""The one function that decides a vote: quorum, majority, ties, proxies, second convocation.

It is pure (no database), so every rule in the table is unit-tested exhaustively; the vote
service feeds it the rule snapshot and the counts, and stores its bilingual explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Tally:
    """The inputs of a vote, all in voting units (cities, or weights when weighted)."""

    entitled: int
    present: int
    represented: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    convocation: int = 1
    chair_vote: str = ""  # "yes" / "no" when the chair has a casting vote
    # Proxies held by each holder, to enforce the cap: only `cap` of them count.
    proxies_per_holder: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Outcome:
    result: str  # "pass", "fail" or "no_quorum"
    quorum_required: int
    quorum_counted: int
    quorum_met: bool
    majority_base: int
    required_yes: int
    tie: bool
    explanation_fr: str
    explanation_en: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _count_needed(base: int, fraction: Fraction, comparator: str) -> int:
    """Smallest whole number of votes that satisfies `comparator` `fraction` of `base`."""
    exact = fraction * base
    if comparator == "at_least":
        return int(-(-exact.numerator // exact.denominator))  # ceiling
    return int(exact) + 1  # strictly more than


def counted_represented(tally: Tally, cap: int) -> int:
    """Proxies beyond a holder's cap do not count (they should have been refused anyway)."""
    if not tally.proxies_per_holder:
        return tally.represented
    return min(tally.represented, sum(min(n, cap) for n in tally.proxies_per_holder))


def evaluate(rule: dict[str, Any], tally: Tally) -> Outcome:
    """Compute a vote's result from a rule snapshot (`DecisionRule.snapshot()`) and a tally."""
    cap = int(rule.get("max_proxies_per_holder", 0))
    represented = counted_represented(tally, cap)
    present = tally.present
    cast = tally.yes + tally.no

    # Quorum.
    quorum_counted = present + (represented if rule["proxies_count_for_quorum"] else 0)
    needs_quorum = rule["quorum_base"] != "none" and (
        tally.convocation == 1 or rule["quorum_on_second_convocation"]
    )
    if needs_quorum:
        q_fraction = Fraction(rule["quorum_numerator"], rule["quorum_denominator"])
        quorum_required = _count_needed(tally.entitled, q_fraction, "at_least")
    else:
        quorum_required = 0
    quorum_met = quorum_counted >= quorum_required

    # Majority.
    base_kind = rule["majority_base"]
    majority_base = {
        "votes_cast": cast,
        "votes_cast_with_abstentions": cast + tally.abstain,
        "present_and_represented": present + represented,
        "members_entitled": tally.entitled,
    }[base_kind]
    m_fraction = Fraction(rule["threshold_numerator"], rule["threshold_denominator"])
    required_yes = _count_needed(majority_base, m_fraction, rule["comparator"])
    required_yes = max(required_yes, 1)
    # A tie is when yes and no are equal and that equality is what decides: exactly half of
    # the base for a simple majority.
    tie = (
        m_fraction == Fraction(1, 2)
        and rule["comparator"] == "more_than"
        and tally.yes * 2 == majority_base
        and tally.yes > 0
    )
    if not quorum_met:
        result = "no_quorum"
    elif tally.yes >= required_yes:
        result = "pass"
    elif tie and rule["tie_rule"] == "chair_casting_vote" and tally.chair_vote:
        result = "pass" if tally.chair_vote == "yes" else "fail"
    else:
        result = "fail"

    texts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            texts[language] = _explain(
                rule,
                tally,
                result=result,
                quorum_required=quorum_required,
                quorum_counted=quorum_counted,
                needs_quorum=needs_quorum,
                majority_base=majority_base,
                required_yes=required_yes,
                tie=tie,
                represented=represented,
            )
    return Outcome(
        result=result,
        quorum_required=quorum_required,
        quorum_counted=quorum_counted,
        quorum_met=quorum_met,
        majority_base=majority_base,
        required_yes=required_yes,
        tie=tie,
        explanation_fr=texts["fr"],
        explanation_en=texts["en"],
    )


def _explain(
    rule: dict[str, Any],
    tally: Tally,
    *,
    result: str,
    quorum_required: int,
    quorum_counted: int,
    needs_quorum: bool,
    majority_base: int,
    required_yes: int,
    tie: bool,
    represented: int,
) -> str:
    parts = []
    if rule["quorum_base"] == "none":
        parts.append(_("No quorum is required."))
    elif not needs_quorum:
        parts.append(
            _(
                "Second convocation: no quorum is required (%(counted)d of %(entitled)d members "
                "present or represented)."
            )
            % {"counted": quorum_counted, "entitled": tally.entitled}
        )
    elif quorum_counted >= quorum_required:
        parts.append(
            _(
                "Quorum reached: %(counted)d of %(entitled)d members present or represented "
                "(%(present)d present, %(represented)d represented); %(required)d required."
            )
            % {
                "counted": quorum_counted,
                "entitled": tally.entitled,
                "present": tally.present,
                "represented": represented if rule["proxies_count_for_quorum"] else 0,
                "required": quorum_required,
            }
        )
    else:
        parts.append(
            _(
                "Quorum not reached: %(counted)d of %(entitled)d members present or represented; "
                "%(required)d required. The vote is void."
            )
            % {"counted": quorum_counted, "entitled": tally.entitled, "required": quorum_required}
        )
        return " ".join(parts)
    parts.append(
        _("Yes %(yes)d, no %(no)d, abstentions %(abstain)d.")
        % {"yes": tally.yes, "no": tally.no, "abstain": tally.abstain}
    )
    base_labels = {
        "votes_cast": _("votes cast"),
        "votes_cast_with_abstentions": _("votes cast including abstentions"),
        "present_and_represented": _("members present and represented"),
        "members_entitled": _("members entitled to vote"),
    }
    parts.append(
        _(
            "Majority required: %(required)d yes out of %(base)d %(base_label)s "
            "(%(comparator)s %(num)d/%(den)d)."
        )
        % {
            "required": required_yes,
            "base": majority_base,
            "base_label": base_labels[rule["majority_base"]],
            "comparator": _("more than") if rule["comparator"] == "more_than" else _("at least"),
            "num": rule["threshold_numerator"],
            "den": rule["threshold_denominator"],
        }
    )
    if tie:
        if rule["tie_rule"] == "chair_casting_vote" and tally.chair_vote:
            parts.append(_("Tie: the chair's casting vote decides."))
        else:
            parts.append(_("Tie: the motion is rejected."))
    parts.append(_("Adopted.") if result == "pass" else _("Rejected."))
    return " ".join(parts)
