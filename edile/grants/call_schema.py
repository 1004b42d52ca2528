"""A call's eligibility rules and scoring grid, validated against JSON Schemas.

The same check runs in the API (`services.call_create` / `call_update`), the staff pages and
the admin (`Call.clean`): unknown keys, impossible shares, negative amounts and criteria of
weight 0 are refused with a message a person can act on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

AMOUNT = {
    "oneOf": [
        {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"},
        {"type": "number", "exclusiveMinimum": 0, "maximum": 10**12},
    ]
}
SHARE = {
    "oneOf": [
        {"type": "string", "pattern": r"^0(\.[0-9]{1,4})?$"},
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    ]
}

RULES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Eligibility rules of a call for projects",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "good_standing": {"type": "boolean"},
        "dues_year": {"type": "integer", "minimum": 1990, "maximum": 2100},
        "max_grant": AMOUNT,
        "min_cofinancing_share": SHARE,
        "one_open_application": {"type": "boolean"},
        "require_results": {"type": "boolean"},
        "eligible_countries": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "uniqueItems": True,
        },
        "min_reviews": {"type": "integer", "minimum": 0, "maximum": 10},
        "deciding_bodies": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-z0-9-]{1,100}$"},
            "minItems": 1,
            "uniqueItems": True,
        },
        "max_spending_ratio": {
            "oneOf": [
                {"type": "string", "pattern": r"^[1-9][0-9]?(\.[0-9]{1,2})?$"},
                {"type": "number", "minimum": 1, "maximum": 100},
            ]
        },
    },
}

CRITERIA_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Scoring grid of a call for projects",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "label_fr", "weight", "max"],
        "properties": {
            "code": {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"},
            "label_fr": {"type": "string", "minLength": 1, "maxLength": 200},
            "label_en": {"type": "string", "maxLength": 200},
            "weight": {"type": "integer", "minimum": 1, "maximum": 100},
            "max": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    },
}

SECTORS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[0-9]{5}$"},
    "uniqueItems": True,
}


def _hints() -> dict[str, str]:
    return {
        "good_standing": _("yes or no"),
        "dues_year": _("a year between 1990 and 2100"),
        "max_grant": _("an amount above zero with at most two decimals, e.g. 150000"),
        "min_cofinancing_share": _("a share from 0 to less than 1, e.g. 0.30 for 30 %"),
        "one_open_application": _("yes or no"),
        "require_results": _("yes or no"),
        "eligible_countries": _("two-letter ISO country codes such as SN or KH"),
        "min_reviews": _("a whole number from 0 to 10"),
        "deciding_bodies": _("the addresses (slugs) of bodies, e.g. bureau"),
        "max_spending_ratio": _("a number from 1 to 100"),
        "code": _("lower-case letters, digits, - or _"),
        "label_fr": _("a label in French"),
        "label_en": _("a label in English"),
        "weight": _("a whole number of at least 1"),
        "max": _("a whole number of at least 1"),
    }


def _messages(errors: Any, what: str) -> list[str]:
    hints = _hints()
    messages = []
    for error in sorted(errors, key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties":
            known = set((error.schema.get("properties") or {}).keys())
            unknown = sorted(set(error.instance) - known)
            messages.append(
                _("Unknown %(what)s key “%(key)s”: use %(known)s.")
                % {"what": what, "key": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
            continue
        if error.validator == "required":
            messages.append(
                _("Each criterion needs a code, a French label, a weight and a maximum.")
            )
            continue
        field = next((p for p in reversed(path) if not p.isdigit()), what)
        position = next((int(p) + 1 for p in path if p.isdigit()), None)
        hint = hints.get(field, "")
        value = error.instance
        if position is not None and field in ("code", "label_fr", "label_en", "weight", "max"):
            messages.append(
                _("Criterion %(n)s, %(field)s: “%(value)s” is not allowed (%(hint)s).")
                % {"n": position, "field": field, "value": value, "hint": hint}
            )
        else:
            messages.append(
                _("%(field)s: “%(value)s” is not allowed (%(hint)s).")
                % {"field": field, "value": value, "hint": hint or _("see the call's rules")}
            )
    return messages


def rules_problems(rules: Any) -> list[str]:
    return _messages(Draft202012Validator(RULES_SCHEMA).iter_errors(rules), _("rule"))


def criteria_problems(criteria: Any) -> list[str]:
    problems = _messages(
        Draft202012Validator(CRITERIA_SCHEMA).iter_errors(criteria), _("criterion")
    )
    if not problems:
        codes = [c["code"] for c in criteria]
        if len(codes) != len(set(codes)):
            problems.append(_("Each scoring criterion needs its own code."))
    return problems


def sectors_problems(sectors: Any) -> list[str]:
    from edile.grants import codelists

    problems = _messages(Draft202012Validator(SECTORS_SCHEMA).iter_errors(sectors), _("sector"))
    if not problems:
        problems = [
            _("“%(code)s” is not an active DAC 5-digit purpose code.") % {"code": code}
            for code in sectors
            if not codelists.is_active("Sector", code)
        ]
    return problems


def rules_normalise(rules: dict[str, Any]) -> dict[str, Any]:
    """Amounts and shares stored as strings of two (or four) decimals, once valid."""
    clean = dict(rules)
    if "max_grant" in clean:
        clean["max_grant"] = str(Decimal(str(clean["max_grant"])).quantize(Decimal("0.01")))
    if "min_cofinancing_share" in clean:
        clean["min_cofinancing_share"] = str(Decimal(str(clean["min_cofinancing_share"])))
    return clean
