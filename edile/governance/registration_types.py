"""Registration types as data: each congress has its own (code, names in French and English,
fee, quota, who may use it, badge, voting right), kept by the secretariat on a setup page.

The code is what the API and `Registration.type` carry and never changes once created; the
names are what people read (registration form, badge, statistics). See
`docs/decisions/governance-registration-types.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edile.core.concurrency import save_versioned
from edile.core.errors import ServiceError
from edile.core.formatting import format_money, is_known_currency
from edile.governance.models import (
    Meeting,
    Registration,
    RegistrationEligibility,
    RegistrationStatus,
    RegistrationType,
    RegistrationTypeCode,
)


@dataclass(frozen=True)
class DefaultType:
    code: str
    name_fr: str
    name_en: str
    eligibility: str = RegistrationEligibility.ANYONE
    gives_voting_right: bool = False


# The list every congress starts with (the one that was fixed in the code before); the same
# values are written by migration 0011 for the congresses that existed then.
DEFAULT_TYPES: tuple[DefaultType, ...] = (
    DefaultType(
        RegistrationTypeCode.MAYOR,
        "Maire",
        "Mayor",
        RegistrationEligibility.MEMBER_CITY,
        gives_voting_right=True,
    ),
    DefaultType(
        RegistrationTypeCode.DELEGATION_MEMBER,
        "Membre de délégation",
        "Delegation member",
        gives_voting_right=True,
    ),
    DefaultType(
        RegistrationTypeCode.ACCOMPANYING_PERSON, "Personne accompagnante", "Accompanying person"
    ),
    DefaultType(RegistrationTypeCode.PARTNER, "Partenaire", "Partner"),
    DefaultType(RegistrationTypeCode.SPEAKER, "Intervenant", "Speaker"),
    DefaultType(RegistrationTypeCode.PRESS, "Presse", "Press"),
    DefaultType(RegistrationTypeCode.STAFF, "Personnel", "Staff"),
)

# Registrations that hold a place of their type's quota.
HOLDING_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


# ---- selectors


def registration_types(congress: Meeting, *, active_only: bool = False) -> QuerySet[Any]:
    """A congress's types in their order, each with `taken` (places held: pending, confirmed
    or waiting)."""
    qs = RegistrationType.objects.filter(congress=congress)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        taken=Count("registrations", filter=Q(registrations__status__in=HOLDING_STATUSES))
    ).order_by("order", "code")


def offered_types(congress: Meeting, user: Any = None) -> list[RegistrationType]:
    """The types the registration form offers this reader: active ones, and those kept for
    the secretariat only to the secretariat."""
    manager = bool(user is not None and user.has_perm("governance.manage"))
    return [
        t
        for t in registration_types(congress, active_only=True)
        if manager or t.eligibility != RegistrationEligibility.SECRETARIAT
    ]


def type_label(rtype: RegistrationType) -> str:
    """The name as the form shows it, with the fee when there is one."""
    if not rtype.fee:
        return str(rtype.name)
    return _("%(name)s (%(fee)s)") % {
        "name": rtype.name,
        "fee": format_money(rtype.fee, rtype.currency),
    }


# ---- services


def registration_types_ensure_defaults(*, congress: Meeting) -> int:
    """Give a congress that has no registration types the default list; returns how many
    were created (0 when it already has types: staff's changes are never overwritten)."""
    if not congress.is_congress or RegistrationType.objects.filter(congress=congress).exists():
        return 0
    rows = [
        RegistrationType(
            congress=congress,
            code=d.code,
            name=d.name_fr,
            name_fr=d.name_fr,
            name_en=d.name_en,
            eligibility=d.eligibility,
            gives_voting_right=d.gives_voting_right,
            order=(i + 1) * 10,
        )
        for i, d in enumerate(DEFAULT_TYPES)
    ]
    RegistrationType.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _require_manager(user: Any, congress: Meeting) -> None:
    if not user.has_perm("governance.manage_registration_types", congress):
        raise PermissionDenied(_("Registration types are kept by the secretariat."))


@transaction.atomic
def registration_type_save(
    *,
    user: Any,
    congress: Meeting,
    rtype: RegistrationType | None = None,
    expected_version: int | None = None,
    code: str = "",
    name_fr: str,
    name_en: str = "",
    fee: Decimal | None = None,
    currency: str = "EUR",
    quota: int | None = None,
    eligibility: str = RegistrationEligibility.ANYONE,
    gives_badge: bool = True,
    gives_voting_right: bool = False,
    is_active: bool = True,
    order: int = 0,
) -> RegistrationType:
    """Create a congress's registration type or change one (refused if someone saved it
    since `expected_version`). The code of an existing type never changes."""
    _require_manager(user, congress)
    if not congress.is_congress:
        raise ServiceError(_("Registration types belong to a congress."))
    name_fr = (name_fr or "").strip()
    if not name_fr:
        raise ServiceError(_("Give the type’s name in French."))
    if eligibility not in RegistrationEligibility.values:
        raise ServiceError(_("Choose who may register with this type."))
    fee = fee if fee is not None else Decimal("0")
    if fee < 0:
        raise ServiceError(_("The fee cannot be negative."))
    currency = (currency or "").strip().upper()
    if not is_known_currency(currency):
        raise ServiceError(_("Give the currency as a three-letter code, for example EUR."))
    fields = {
        "name": name_fr,
        "name_fr": name_fr,
        "name_en": (name_en or "").strip() or name_fr,
        "fee": fee,
        "currency": currency,
        "quota": quota,
        "eligibility": eligibility,
        "gives_badge": gives_badge,
        "gives_voting_right": gives_voting_right,
        "is_active": is_active,
        "order": order,
    }
    if rtype is None:
        code = slugify(code or name_fr).replace("-", "_")[:30]
        if not code:
            raise ServiceError(_("Give the type a code, for example “observer”."))
        if RegistrationType.objects.filter(congress=congress, code=code).exists():
            raise ServiceError(
                _("This congress already has a type with the code “%(code)s”.") % {"code": code}
            )
        try:
            with transaction.atomic():
                return RegistrationType.objects.create(congress=congress, code=code, **fields)
        except IntegrityError:
            raise ServiceError(
                _("This congress already has a type with the code “%(code)s”.") % {"code": code}
            ) from None
    if rtype.congress_id != congress.pk:
        raise ServiceError(_("This type belongs to another congress."))
    for name, value in fields.items():
        setattr(rtype, name, value)
    return save_versioned(
        rtype, expected_version=rtype.version if expected_version is None else expected_version
    )


@transaction.atomic
def registration_type_set_active(
    *, user: Any, rtype: RegistrationType, active: bool, expected_version: int
) -> RegistrationType:
    """Deactivate a type (no new registrations with it; those made keep it) or reactivate it."""
    _require_manager(user, rtype.congress)
    rtype.is_active = active
    return save_versioned(rtype, expected_version=expected_version)


def registration_type_for(
    *, congress: Meeting, code: str, user: Any = None, local_government: Any = None
) -> RegistrationType:
    """The congress's type a registration may use, or a ServiceError saying why not.

    Called inside `registration_create`'s transaction, after the congress row is locked, so
    two people cannot both take the last place of a quota."""
    registration_types_ensure_defaults(congress=congress)
    rtype = RegistrationType.objects.filter(congress=congress, code=code).first()
    if rtype is None or not rtype.is_active:
        raise ServiceError(_("Choose a registration type."))
    if rtype.eligibility == RegistrationEligibility.MEMBER_CITY and local_government is None:
        raise ServiceError(
            _("Registering as “%(type)s” needs the member city you represent.")
            % {"type": rtype.name}
        )
    if rtype.eligibility == RegistrationEligibility.SECRETARIAT and not (
        user is not None and user.has_perm("governance.manage")
    ):
        raise ServiceError(
            _("Only the secretariat registers people as “%(type)s”.") % {"type": rtype.name}
        )
    if rtype.quota is not None:
        taken = Registration.objects.filter(
            registration_type=rtype, status__in=HOLDING_STATUSES
        ).count()
        if taken >= rtype.quota:
            raise ServiceError(
                _(
                    "The %(quota)d places for “%(type)s” are all taken: choose another "
                    "registration type or contact the secretariat."
                )
                % {"quota": rtype.quota, "type": rtype.name}
            )
    return rtype
