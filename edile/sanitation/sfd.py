"""The SFD-style calculation: the one function that turns a matrix of systems into flows.

Each row is a sanitation system: its grid code, the share of the population using it and
the variables that apply to its branch, all in percent (0–100). The grid (which codes exist
and which branch each is on) is data, passed in as a mapping; see `selectors.sfd_grid()`.

The formulas are the research file's reconstruction of the SFD Manual (research a.4), to be
checked against the Manual: per branch, with p the share and rates as fractions,

    sewer:            WW contained = p; delivered = p·W4; treated = p·W4·W5 (safe)
    ww not contained: p (unsafe)
    fs contained:     not emptied = p·(1−F3) (safe, arrow F8); emptied = p·F3
    fs not contained: not emptied = p·(1−F3) (unsafe, arrow F15); emptied = p·F3
    emptied sludge:   delivered = e·F4; treated = e·F4·F5 (safe); the rest unsafe
    open defecation:  p (unsafe)

Invariants (checked on every call): shares sum to 100 (± `SHARE_TOLERANCE`, then scaled to
exactly 100), every rate in [0, 100], every branch conserves its inflow, safe + unsafe = 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

CODE_PATTERN = re.compile(r"^T[12](A([1-9]|10)|B11)C([1-9]|10)$")
VARIABLES = ("f3", "f4", "f5", "w4", "w5")
SHARE_TOLERANCE = 0.5
EPSILON = 1e-9

# The arrows of the graphic, in drawing order: key → (label, safe?). Terminal arrows (the
# fate of the excreta) are marked; the others are intermediate flows.
ARROWS: dict[str, tuple[str, bool | None]] = {
    "ww_contained": (gettext_noop("WW contained"), None),
    "ww_not_contained": (gettext_noop("WW not contained"), False),
    "ww_delivered_to_treatment": (gettext_noop("WW delivered to treatment"), None),
    "ww_not_delivered_to_treatment": (gettext_noop("WW not delivered to treatment"), False),
    "ww_treated": (gettext_noop("WW treated"), True),
    "ww_not_treated": (gettext_noop("WW not treated"), False),
    "fs_contained": (gettext_noop("FS contained"), None),
    "fs_not_contained": (gettext_noop("FS not contained"), None),
    "fs_contained_not_emptied": (gettext_noop("FS contained – not emptied"), True),
    "fs_not_contained_not_emptied": (gettext_noop("FS not contained – not emptied"), False),
    "fs_emptied": (gettext_noop("FS emptied"), None),
    "fs_delivered_to_treatment": (gettext_noop("FS delivered to treatment"), None),
    "fs_not_delivered_to_treatment": (gettext_noop("FS not delivered to treatment"), False),
    "fs_treated": (gettext_noop("FS treated"), True),
    "fs_not_treated": (gettext_noop("FS not treated"), False),
    "open_defecation": (gettext_noop("Open defecation"), False),
}
SAFE_ARROWS = tuple(k for k, (_label, safe) in ARROWS.items() if safe is True)
UNSAFE_ARROWS = tuple(k for k, (_label, safe) in ARROWS.items() if safe is False)


@dataclass(frozen=True)
class GridEntry:
    branch: str
    variables: tuple[str, ...]
    is_valid: bool = True


class SfdInputError(ValueError):
    """The matrix cannot be computed; `errors` name the rows and what to fix."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _row_label(index: int, code: str) -> str:
    return _("Row %(number)s (%(code)s)") % {"number": index + 1, "code": code or "?"}


def validate(
    rows: Iterable[Mapping[str, Any]], grid: Mapping[str, GridEntry]
) -> list[tuple[str, GridEntry, float, dict[str, float]]]:
    """Check the matrix; return (code, entry, share, rates as fractions) per row."""
    rows = list(rows)
    errors: list[str] = []
    clean: list[tuple[str, GridEntry, float, dict[str, float]]] = []
    if not rows:
        raise SfdInputError([_("Give at least one sanitation system (row).")])
    for index, row in enumerate(rows):
        code = str(row.get("code") or "").strip().upper()
        label = _row_label(index, code)
        if not CODE_PATTERN.match(code):
            errors.append(
                _("%(row)s: “%(code)s” is not an SFD grid code (e.g. T1A5C10).")
                % {"row": label, "code": code}
            )
            continue
        entry = grid.get(code)
        if entry is None or not entry.is_valid:
            errors.append(
                _("%(row)s: this combination of containment and outlet is not possible.")
                % {"row": label}
            )
            continue
        try:
            share = _number(row.get("population"))
        except ValueError:
            share = None
            errors.append(_("%(row)s: the population share must be a number.") % {"row": label})
            continue
        if share is None:
            errors.append(_("%(row)s: give the population share.") % {"row": label})
            continue
        if not 0 <= share <= 100:
            errors.append(
                _("%(row)s: the population share must be between 0 and 100.") % {"row": label}
            )
        rates: dict[str, float] = {}
        for name in VARIABLES:
            try:
                value = _number(row.get(name))
            except ValueError:
                errors.append(
                    _("%(row)s: %(name)s must be a number.") % {"row": label, "name": name.upper()}
                )
                continue
            if name not in entry.variables:
                if value is not None:
                    errors.append(
                        _("%(row)s: %(name)s does not apply to this system.")
                        % {"row": label, "name": name.upper()}
                    )
                continue
            if value is None:
                errors.append(
                    _("%(row)s: give %(name)s (0 to 100).") % {"row": label, "name": name.upper()}
                )
                continue
            if not 0 <= value <= 100:
                errors.append(
                    _("%(row)s: %(name)s must be between 0 and 100.")
                    % {"row": label, "name": name.upper()}
                )
                continue
            rates[name] = value / 100
        clean.append((code, entry, share, rates))
    if not errors:
        total = sum(share for _c, _e, share, _r in clean)
        if abs(total - 100) > SHARE_TOLERANCE:
            errors.append(
                _("The population shares add up to %(total)s, not 100.") % {"total": f"{total:g}"}
            )
    if errors:
        raise SfdInputError(errors)
    return clean


def evaluate(rows: Iterable[Mapping[str, Any]], grid: Mapping[str, GridEntry]) -> dict[str, Any]:
    """Compute the flows of a matrix; raise `SfdInputError` naming the rows at fault."""
    clean = validate(rows, grid)
    total = sum(share for _c, _e, share, _r in clean)
    flows = dict.fromkeys(ARROWS, 0.0)
    for _code, entry, share, rates in clean:
        p = share * 100 / total if total else 0.0
        if entry.branch == "sewer":
            w4, w5 = rates.get("w4", 0.0), rates.get("w5", 0.0)
            flows["ww_contained"] += p
            flows["ww_delivered_to_treatment"] += p * w4
            flows["ww_not_delivered_to_treatment"] += p * (1 - w4)
            flows["ww_treated"] += p * w4 * w5
            flows["ww_not_treated"] += p * w4 * (1 - w5)
        elif entry.branch == "ww_not_contained":
            flows["ww_not_contained"] += p
        elif entry.branch in ("fs_contained", "fs_not_contained"):
            f3, f4, f5 = rates.get("f3", 0.0), rates.get("f4", 0.0), rates.get("f5", 0.0)
            emptied = p * f3
            flows[entry.branch] += p
            flows[f"{entry.branch}_not_emptied"] += p - emptied
            flows["fs_emptied"] += emptied
            flows["fs_delivered_to_treatment"] += emptied * f4
            flows["fs_not_delivered_to_treatment"] += emptied * (1 - f4)
            flows["fs_treated"] += emptied * f4 * f5
            flows["fs_not_treated"] += emptied * f4 * (1 - f5)
        elif entry.branch == "open_defecation":
            flows["open_defecation"] += p
        else:  # a grid cell with a branch this function does not know: a data error
            raise SfdInputError([_("The grid's branch “%s” is unknown.") % entry.branch])
    safe = sum(flows[k] for k in SAFE_ARROWS)
    unsafe = sum(flows[k] for k in UNSAFE_ARROWS)
    _check_invariants(flows, safe, unsafe)
    safe_rounded = round(safe, 2)
    return {
        "safely_managed": safe_rounded,
        "unsafely_managed": round(100 - safe_rounded, 2),
        "flows": {k: round(v, 2) for k, v in flows.items()},
    }


def _check_invariants(flows: dict[str, float], safe: float, unsafe: float) -> None:
    """Conservation: a violation is a bug in this module, never the user's input."""
    f = flows
    balances = [
        (f["ww_contained"], f["ww_delivered_to_treatment"] + f["ww_not_delivered_to_treatment"]),
        (f["ww_delivered_to_treatment"], f["ww_treated"] + f["ww_not_treated"]),
        (
            f["fs_contained"] + f["fs_not_contained"],
            f["fs_contained_not_emptied"] + f["fs_not_contained_not_emptied"] + f["fs_emptied"],
        ),
        (f["fs_emptied"], f["fs_delivered_to_treatment"] + f["fs_not_delivered_to_treatment"]),
        (f["fs_delivered_to_treatment"], f["fs_treated"] + f["fs_not_treated"]),
        (safe + unsafe, 100.0),
    ]
    for inflow, outflow in balances:
        if abs(inflow - outflow) > 1e-6:
            raise AssertionError(f"SFD flows do not balance: {inflow} != {outflow}")
    if any(v < -EPSILON for v in f.values()):
        raise AssertionError("SFD flow below zero")


def arrow_label(key: str) -> str:
    """The arrow's name in the reader's language."""
    return _(ARROWS[key][0])
