"""Writes of the grants programme. Views and the API call these, never .save() directly.

Every service checks the actor's permission on the object, runs in one transaction, and
refuses bad input with a `ServiceError` whose message a person can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from edile.accounts.models import RoleAssignment, RoleCode
from edile.core import formatting
from edile.core.concurrency import save_versioned
from edile.core.errors import ConflictError, ServiceError
from edile.grants import codelists
from edile.grants.models import (
    PARTNERSHIP_STATUSES,
    SECTOR_DAC,
    ZERO,
    Application,
    ApplicationStatus,
    BeneficiaryGroup,
    BudgetLine,
    Call,
    CoFinancing,
    CoFinancingStatus,
    Decision,
    DecisionOutcome,
    Disbursement,
    Document,
    ExchangeRate,
    Grant,
    GrantStatus,
    Indicator,
    IndicatorValue,
    MonitoringVisit,
    Partner,
    PaymentRequest,
    PaymentRequestStatus,
    ProgressReport,
    ReportStatus,
    Review,
    ReviewStatus,
    RiskFlag,
    Sector,
    Tranche,
    TrancheStatus,
)
from edile.members.models import LocalGovernment
from edile.members.selectors import is_in_good_standing

CENT = Decimal("0.01")
# Nothing in this programme comes near a billion; a bigger figure is a typing mistake.
ABSURD_AMOUNT = Decimal("1000000000")


# --- money ---------------------------------------------------------------------------------


def money_clean(value: Any, *, label: str, allow_zero: bool = False) -> Decimal:
    """A positive Decimal with at most two decimals, or a ServiceError saying what is wrong."""
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u202f", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            _("%(label)s: “%(value)s” is not an amount.") % {"label": label, "value": value}
        ) from None
    if not amount.is_finite():
        raise ServiceError(
            _("%(label)s: “%(value)s” is not an amount.") % {"label": label, "value": value}
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(_("%(label)s must be more than zero.") % {"label": label})
    if amount >= ABSURD_AMOUNT:
        raise ServiceError(
            _("%(label)s is too large to be right (%(value)s).") % {"label": label, "value": value}
        )
    if amount != amount.quantize(CENT):
        raise ServiceError(_("%(label)s has more than two decimals.") % {"label": label})
    return amount.quantize(CENT)


def currency_clean(code: str) -> str:
    code = (code or "").strip().upper()
    if not codelists.is_active("Currency", code):
        raise ServiceError(
            _("Unknown currency “%(code)s”: use an ISO 4217 code such as EUR or XOF.")
            % {"code": code}
        )
    return code


def rate_for(currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
    """Euros per unit of `currency` on `on`: the latest rate kept on or before that date."""
    if currency == "EUR":
        return Decimal(1), on
    rate = (
        ExchangeRate.objects.filter(currency=currency, date__lte=on)
        .order_by("-date")
        .values_list("eur_per_unit", "date")
        .first()
    )
    if rate is None:
        raise ServiceError(
            _("No exchange rate for %(currency)s on or before %(date)s: record one first.")
            % {"currency": currency, "date": on.isoformat()}
        )
    return rate[0], rate[1]


def to_eur(amount: Decimal, currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
    rate, rate_date = rate_for(currency, on)
    return (amount * rate).quantize(CENT), rate_date


@transaction.atomic
def exchange_rate_set(
    *, actor: Any, currency: str, date: dt.date, eur_per_unit: Decimal, source: str = ""
) -> ExchangeRate:
    if not actor.has_perm("grants.manage_call"):
        raise PermissionDenied(_("Only the secretariat keeps exchange rates."))
    currency = currency_clean(currency)
    if eur_per_unit is None or Decimal(eur_per_unit) <= 0:
        raise ServiceError(_("An exchange rate must be more than zero."))
    rate, _created = ExchangeRate.objects.update_or_create(
        currency=currency, date=date, defaults={"eur_per_unit": eur_per_unit, "source": source}
    )
    return rate


IATI_ORG_ID = r"^[A-Za-z0-9]{2,}-[A-Za-z0-9._-]+$"


@transaction.atomic
def partner_save(*, actor: Any, data: dict[str, Any], partner: Partner | None = None) -> Partner:
    """Create or change a partner: any organisation (a donor, a city's own government or own
    funds), with its IATI organisation identifier when known and its IATI type."""
    import re

    if not actor.has_perm("grants.manage_call"):
        raise PermissionDenied(_("Only the secretariat keeps the partners."))
    name_fr = (data.get("name_fr") or "").strip()
    if not name_fr:
        raise ServiceError(_("Give the partner's name in French."))
    iati_ref = (data.get("iati_ref") or "").strip()
    if iati_ref and not re.match(IATI_ORG_ID, iati_ref):
        raise ServiceError(
            _(
                "“%(ref)s” is not an IATI organisation identifier: it is a registration agency "
                "prefix, a hyphen and a number, e.g. XM-DAC-44000 or FR-RCS-123456789."
            )
            % {"ref": iati_ref}
        )
    org_type = str(data.get("org_type") or "")
    if not codelists.is_active("OrganisationType", org_type):
        raise ServiceError(_("Choose an IATI organisation type."))
    partner = partner or Partner()
    if partner.pk is None:
        partner.slug = data.get("slug") or slugify(data.get("name_en") or name_fr)[:100]
    partner.name = name_fr
    partner.name_fr = name_fr
    partner.name_en = (data.get("name_en") or "").strip() or name_fr
    partner.iati_ref = iati_ref
    partner.org_type = org_type
    partner.is_fictional = bool(data.get("is_fictional"))
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise ServiceError(_("A partner with this address already exists.")) from None
    return partner


def _ecb_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@transaction.atomic
def exchange_rates_import(*, actor: Any, data: bytes, source: str = "") -> int:
    """Import the ECB's euro reference rates (eurofxref.csv or eurofxref-hist.csv): units of
    each currency for one euro, kept as euros per unit. All rows or none."""
    import csv
    import io

    if not actor.has_perm("grants.manage_call"):
        raise PermissionDenied(_("Only the secretariat keeps exchange rates."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(_("The file is not a CSV file in UTF-8.")) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0][:1] != ["Date"]:
        raise ServiceError(
            _("This is not the ECB reference rates file: its first column must be “Date”.")
        )
    currencies = [c.strip() for c in rows[0][1:]]
    source = source or _("ECB euro foreign exchange reference rates")
    count, errors = 0, []
    for line, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        try:
            date = _ecb_date(row[0])
        except ValueError:
            errors.append(
                _("Line %(line)s: “%(value)s” is not a date.") % {"line": line, "value": row[0]}
            )
            continue
        for currency, cell in zip(currencies, row[1:], strict=False):
            cell = cell.strip()
            if not currency or not cell or cell == "N/A":
                continue
            if not codelists.is_active("Currency", currency):
                continue
            try:
                per_euro = Decimal(cell)
            except InvalidOperation:
                errors.append(
                    _("Line %(line)s, %(currency)s: “%(value)s” is not a rate.")
                    % {"line": line, "currency": currency, "value": cell}
                )
                continue
            if per_euro <= 0:
                errors.append(
                    _("Line %(line)s, %(currency)s: a rate must be more than zero.")
                    % {"line": line, "currency": currency}
                )
                continue
            ExchangeRate.objects.update_or_create(
                currency=currency,
                date=date,
                defaults={
                    "eur_per_unit": (Decimal(1) / per_euro).quantize(Decimal("0.00000001")),
                    "source": source,
                },
            )
            count += 1
    if errors:
        transaction.set_rollback(True)
        raise ServiceError(_("Nothing was imported: correct the file."), errors=errors[:20])
    if not count:
        raise ServiceError(_("The file holds no rate."))
    return count


# --- calls ---------------------------------------------------------------------------------


def call_settings_clean(
    *, rules: Any, criteria: Any, sectors: Any
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Rules, scoring grid and sectors checked against their JSON Schemas (call_schema)."""
    from edile.grants import call_schema

    problems = (
        call_schema.rules_problems(rules if rules is not None else {})
        + call_schema.criteria_problems(criteria if criteria is not None else [])
        + call_schema.sectors_problems(sectors if sectors is not None else [])
    )
    if problems:
        raise ServiceError(problems[0], errors=problems)
    return call_schema.rules_normalise(rules or {}), list(criteria or []), list(sectors or [])


CALL_FIELDS = (
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "year",
    "opens_on",
    "closes_on",
)


def _call_apply(call: Call, data: dict[str, Any]) -> Call:
    if not (data.get("title_fr") or "").strip():
        raise ServiceError(_("Give the call a title in French."))
    if data["closes_on"] < data["opens_on"]:
        raise ServiceError(_("A call cannot close before it opens."))
    rules, criteria, sectors = call_settings_clean(
        rules=data.get("rules", {}),
        criteria=data.get("criteria", []),
        sectors=data.get("sectors", []),
    )
    for field in CALL_FIELDS:
        if field in data:
            setattr(call, field, data[field])
    call.title = data["title_fr"]
    call.title_en = data.get("title_en") or data["title_fr"]
    call.description_fr = data.get("description_fr", "") or ""
    call.description_en = data.get("description_en", "") or ""
    call.envelope = money_clean(data["envelope"], label=_("Envelope"))
    call.currency = currency_clean(data.get("currency", "EUR"))
    call.rules, call.criteria, call.sectors = rules, criteria, sectors
    return call


@transaction.atomic
def call_create(*, actor: Any, data: dict[str, Any]) -> Call:
    """Open a call for projects: envelope, dates, DAC sectors, rules and scoring grid as data,
    the rules and grid validated against their JSON Schemas."""
    if not actor.has_perm("grants.manage_call"):
        raise PermissionDenied(_("Only the secretariat opens calls for projects."))
    call = _call_apply(Call(), data)
    call.slug = data.get("slug") or slugify(data.get("title_en") or data["title_fr"])[:100]
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:
        raise ServiceError(_("A call with this address already exists.")) from None
    return call


@transaction.atomic
def call_update(*, actor: Any, call: Call, data: dict[str, Any], expected_version: int) -> Call:
    """Change a call; its envelope never drops below what is already granted."""
    if not actor.has_perm("grants.manage_call"):
        raise PermissionDenied(_("Only the secretariat changes calls for projects."))
    call = _call_apply(call, data)
    granted = call.envelope - envelope_left(call)
    if call.envelope < granted:
        raise ServiceError(
            _("The envelope cannot be less than what is already granted (%(granted)s).")
            % {"granted": formatting.format_money(granted, call.currency)}
        )
    return save_versioned(call, expected_version=expected_version)


# --- applications --------------------------------------------------------------------------

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.DEFERRED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.DEFERRED: {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.APPROVED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}


def application_transition(application: Application, to: str) -> None:
    """The one place that changes an application's status; refuses moves that make no sense."""
    if to not in APPLICATION_TRANSITIONS[application.status]:
        raise ServiceError(
            _("An application that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ApplicationStatus(application.status).label,
                "target": ApplicationStatus(to).label,
            }
        )
    application.status = to


APPLICATION_FIELDS = (
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "sector",
    "dac_code",
    "location_name",
    "latitude",
    "longitude",
    "start",
    "end",
    "grant_requested",
    "language",
)


def _application_fields_clean(data: dict[str, Any], call: Call) -> dict[str, Any]:
    clean = {k: data[k] for k in APPLICATION_FIELDS if k in data}
    if not (clean.get("title_fr") or clean.get("title_en")):
        raise ServiceError(_("Give the project a title, in French or in English."))
    if "sector" in clean and clean["sector"] not in Sector.values:
        raise ServiceError(_("Choose one of the programme's sectors."))
    if not clean.get("dac_code") and clean.get("sector"):
        clean["dac_code"] = SECTOR_DAC[clean["sector"]]
    if clean.get("dac_code") and not codelists.is_active("Sector", clean["dac_code"]):
        raise ServiceError(
            _("“%(code)s” is not an active DAC 5-digit purpose code.") % {"code": clean["dac_code"]}
        )
    if "grant_requested" in clean:
        clean["grant_requested"] = money_clean(clean["grant_requested"], label=_("Grant requested"))
    if clean.get("start") and clean.get("end") and clean["end"] < clean["start"]:
        raise ServiceError(_("A project cannot end before it starts."))
    return clean


def _reference_for(call: Call, local_government: LocalGovernment) -> str:
    base = f"{call.year}-{local_government.slug}"[:50]
    reference, n = base, 1
    while Application.objects.filter(reference=reference).exists():
        n += 1
        reference = f"{base}-{n}"
    return reference


@transaction.atomic
def application_create(
    *,
    actor: Any,
    call: Call,
    local_government: LocalGovernment,
    data: dict[str, Any],
    today: dt.date | None = None,
) -> Application:
    """Start a draft application for one of the actor's cities, while the call is open."""
    from edile.accounts.permissions import is_focal_point_of

    if not is_focal_point_of(actor, local_government):
        raise PermissionDenied(_("Only a focal point of this city may apply on its behalf."))
    today = today or dt.date.today()
    if today > call.closes_on:
        raise ServiceError(
            _("The deadline of this call has passed (%(date)s).")
            % {"date": call.closes_on.isoformat()}
        )
    if today < call.opens_on:
        raise ServiceError(_("This call opens on %(date)s.") % {"date": call.opens_on.isoformat()})
    clean = _application_fields_clean(data, call)
    for required in ("sector", "start", "end", "grant_requested"):
        if clean.get(required) in (None, ""):
            raise ServiceError(
                _("Fill in the sector, the start and end dates and the grant requested.")
            )
    application = Application(
        call=call,
        local_government=local_government,
        currency=call.currency,
        reference=_reference_for(call, local_government),
        created_by=actor,
        **clean,
    )
    application.latitude = (
        application.latitude if application.latitude is not None else local_government.latitude
    )
    application.longitude = (
        application.longitude if application.longitude is not None else local_government.longitude
    )
    application.save()
    return application


def _require_editable(actor: Any, application: Application) -> None:
    if not actor.has_perm("grants.change_application", application):
        raise PermissionDenied(
            _(
                "You may not change this application (only its city's focal points, while it is a draft)."
            )
        )


def application_update(
    *, actor: Any, application: Application, data: dict[str, Any], expected_version: int
) -> Application:
    _require_editable(actor, application)
    clean = _application_fields_clean(data, application.call)
    for field, value in clean.items():
        setattr(application, field, value)
    return save_versioned(application, expected_version=expected_version)


def application_totals_refresh(application: Application) -> None:
    """Keep the stored totals (budget, co-financing in euros, beneficiaries) equal to the lines."""
    application.total_budget = application.budget_lines.aggregate(s=Sum("amount"))["s"] or 0
    application.cofinancing_eur = application.cofinancing.aggregate(s=Sum("amount_eur"))["s"] or 0
    application.partnerships_eur = (
        application.cofinancing.filter(status__in=PARTNERSHIP_STATUSES).aggregate(
            s=Sum("amount_eur")
        )["s"]
        or 0
    )
    # A fresh query: the page's application comes with its groups prefetched (before the change).
    application.beneficiaries = beneficiaries_counted_once(
        BeneficiaryGroup.objects.filter(application=application)
    )
    application.save(
        update_fields=[
            "total_budget",
            "cofinancing_eur",
            "partnerships_eur",
            "beneficiaries",
            "updated_at",
        ]
    )


@transaction.atomic
def budget_line_add(*, actor: Any, application: Application, label: str, amount: Any) -> BudgetLine:
    _require_editable(actor, application)
    if not (label or "").strip():
        raise ServiceError(_("Say what the budget line pays for."))
    line = BudgetLine.objects.create(
        application=application, label=label.strip(), amount=money_clean(amount, label=_("Amount"))
    )
    application_totals_refresh(application)
    return line


@transaction.atomic
def cofinancing_add(
    *,
    actor: Any,
    application: Application,
    partner: Partner,
    amount: Any,
    currency: str,
    status: str,
    date: dt.date,
) -> CoFinancing:
    """A partner's contribution in its currency, converted at the rate of its date."""
    _require_editable(actor, application)
    if status not in CoFinancingStatus.values:
        raise ServiceError(_("Choose sought, committed or received."))
    amount = money_clean(amount, label=_("Amount"))
    currency = currency_clean(currency)
    amount_eur, rate_date = to_eur(amount, currency, date)
    line = CoFinancing.objects.create(
        application=application,
        partner=partner,
        amount=amount,
        currency=currency,
        status=status,
        date=date,
        amount_eur=amount_eur,
        rate_date=rate_date,
    )
    application_totals_refresh(application)
    return line


def beneficiaries_counted_once(groups: Iterable[BeneficiaryGroup]) -> int:
    """People reached, each counted once (docs/decisions/grants-beneficiaries.md).

    Groups that are a total (residents, entrepreneurs…) add up; a breakdown by sex or age
    never adds to them. With no total group, the people are the larger of women + men and
    the largest single breakdown group (children and young people may overlap)."""
    groups = list(groups)
    totals = sum(g.number for g in groups if not g.is_breakdown)
    if totals:
        return totals
    by_group = {g.group: g.number for g in groups if g.is_breakdown}
    by_sex = by_group.get("women", 0) + by_group.get("men", 0)
    return max([by_sex, *by_group.values()], default=0)


@transaction.atomic
def beneficiary_group_set(
    *,
    actor: Any,
    application: Application,
    group: str,
    number: int,
    is_breakdown: bool | None = None,
) -> BeneficiaryGroup:
    """Set a group's number; `is_breakdown` (by default: true for groups by sex or age) says
    that these people are already counted in a total group."""
    _require_editable(actor, application)
    if group not in BeneficiaryGroup.Group.values:
        raise ServiceError(_("Choose one of the beneficiary groups."))
    if number is None or int(number) <= 0:
        raise ServiceError(_("The number of beneficiaries must be more than zero."))
    if is_breakdown is None:
        is_breakdown = group in BeneficiaryGroup.BREAKDOWN_GROUPS
    row, _created = BeneficiaryGroup.objects.update_or_create(
        application=application,
        group=group,
        defaults={"number": int(number), "is_breakdown": bool(is_breakdown)},
    )
    application_totals_refresh(application)
    return row


@transaction.atomic
def indicator_add(
    *,
    actor: Any,
    application: Application,
    name_fr: str,
    name_en: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    result_type: str = "1",
) -> Indicator:
    _require_editable(actor, application)
    if not (name_fr or name_en) or not unit:
        raise ServiceError(_("An indicator needs a name and a unit."))
    if baseline is None or target is None or baseline < 0 or target < 0:
        raise ServiceError(_("The baseline and the target must be zero or more."))
    return Indicator.objects.create(
        application=application,
        name_fr=name_fr or name_en,
        name_en=name_en or name_fr,
        unit=unit,
        baseline=baseline,
        target=target,
        result_type=result_type,
    )


DOCUMENT_EXTENSIONS = (".pdf", ".odt", ".docx", ".xlsx", ".ods", ".csv", ".jpg", ".jpeg", ".png")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def _check_upload(file: Any, extensions: tuple[str, ...]) -> None:
    """Refuse a file too large, of a kind not accepted, or whose content is not what its name
    says (an HTML page renamed .pdf): the platform's one upload check."""
    from edile.core.uploads import upload_check

    upload_check(file, extensions=extensions)


@transaction.atomic
def document_add(
    *, actor: Any, application: Application, title: str, file: Any, is_public: bool = False
) -> Document:
    _require_editable(actor, application)
    if file is None:
        raise ServiceError(_("Choose a file to attach."))
    _check_upload(file, DOCUMENT_EXTENSIONS)
    return Document.objects.create(
        application=application, title=title or file.name, file=file, is_public=is_public
    )


@transaction.atomic
def application_line_remove(*, actor: Any, application: Application, kind: str, pk: int) -> None:
    _require_editable(actor, application)
    models_by_kind = {
        "budget": BudgetLine,
        "cofinancing": CoFinancing,
        "beneficiaries": BeneficiaryGroup,
        "indicator": Indicator,
        "document": Document,
    }
    model = models_by_kind.get(kind)
    if model is None:
        raise ServiceError(_("Unknown kind of line."))
    deleted, _detail = model.objects.filter(application=application, pk=pk).delete()
    if not deleted:
        raise ServiceError(_("This line no longer exists."))
    application_totals_refresh(application)


def eligibility_failures(application: Application, *, today: dt.date | None = None) -> list[str]:
    """Every eligibility rule of the call the application breaks, each with its reason."""
    call = application.call
    rules = call.rules or {}
    today = today or dt.date.today()
    failures: list[str] = []
    if today > call.closes_on:
        failures.append(
            _("The deadline of this call has passed (%(date)s).")
            % {"date": call.closes_on.isoformat()}
        )
    if today < call.opens_on:
        failures.append(_("This call opens on %(date)s.") % {"date": call.opens_on.isoformat()})
    if rules.get("good_standing", True):
        year = int(rules.get("dues_year") or call.year - 1)
        if not is_in_good_standing(application.local_government_id, year):
            failures.append(
                _(
                    "The city is not a member in good standing: its dues for %(year)s are not recorded as paid."
                )
                % {"year": year}
            )
    countries = rules.get("eligible_countries") or []
    if countries and application.local_government.country.code not in countries:
        failures.append(_("Cities of this country are not eligible for this call."))
    if call.sectors and application.dac_code not in call.sectors:
        failures.append(
            _("The sector %(code)s is not one of the call's sectors.")
            % {"code": application.dac_code}
        )
    if application.currency != call.currency:
        failures.append(
            _("The application must be in the call's currency (%(currency)s).")
            % {"currency": call.currency}
        )
    max_grant = rules.get("max_grant")
    if max_grant and application.grant_requested > Decimal(str(max_grant)):
        failures.append(
            _("The grant requested (%(requested)s) is above the maximum of %(max)s.")
            % {"requested": application.grant_requested, "max": max_grant}
        )
    if application.grant_requested > call.envelope:
        failures.append(_("The grant requested is above the call's whole envelope."))
    if not application.budget_lines.exists():
        failures.append(_("The budget has no lines."))
    elif application.grant_requested > application.total_budget:
        failures.append(_("The grant requested is more than the project's total budget."))
    share = rules.get("min_cofinancing_share")
    if share not in (None, "") and application.total_budget > 0:
        actual = application.cofinancing_eur / application.total_budget
        if actual < Decimal(str(share)):
            failures.append(
                _(
                    "Co-financing covers %(actual)s%% of the budget; the call asks for at least %(min)s%%."
                )
                % {"actual": round(actual * 100, 1), "min": round(Decimal(str(share)) * 100, 1)}
            )
    if rules.get("require_results", True):
        if not application.indicators.exists():
            failures.append(_("Give at least one expected result with its indicator."))
        if application.beneficiaries <= 0:
            failures.append(_("Give the expected number of beneficiaries."))
    if not (application.title_fr or application.title_en) or not (
        application.summary_fr or application.summary_en
    ):
        failures.append(_("Give the project a title and a summary."))
    if rules.get("one_open_application", True):
        others = (
            Application.objects.filter(
                call=call,
                local_government_id=application.local_government_id,
                status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.DEFERRED],
            )
            .exclude(pk=application.pk)
            .exists()
        )
        if others:
            failures.append(_("The city already has an open application to this call."))
    return failures


@transaction.atomic
def application_submit(
    *, actor: Any, application: Application, expected_version: int, today: dt.date | None = None
) -> Application:
    """Submit before the deadline; refuses with every failed eligibility rule and its reason."""
    _require_editable(actor, application)
    # Lock the city's row: two focal points submitting at once cannot both pass "one open
    # application per city and call".
    LocalGovernment.objects.select_for_update().filter(pk=application.local_government_id).first()
    failures = eligibility_failures(application, today=today)
    if failures:
        raise ServiceError(_("The application cannot be submitted yet."), errors=failures)
    application_transition(application, ApplicationStatus.SUBMITTED)
    application.submitted_at = timezone.now()
    return save_versioned(application, expected_version=expected_version)


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: Application, reason: str, expected_version: int
) -> Application:
    """The city withdraws its application before the Bureau decides: the reason, the person
    and the moment are kept; the application leaves the Bureau's agenda (it stays on the
    ranked list as withdrawn) and its open reviews can no longer be submitted."""
    if not actor.has_perm("grants.withdraw_application", application):
        raise PermissionDenied(
            _(
                "Only a focal point of the applicant city withdraws an application, and only "
                "before the Bureau decides."
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the application is withdrawn."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    application_transition(application, ApplicationStatus.WITHDRAWN)
    application.withdrawn_at = timezone.now()
    application.withdrawn_by = actor
    application.withdrawal_reason = reason
    return save_versioned(application, expected_version=expected_version)


# --- review --------------------------------------------------------------------------------


def conflict_reasons(reviewer: Any, application: Application) -> list[str]:
    """Why `reviewer` may not review `application`: same city, or same country."""
    lg_ids = set(
        RoleAssignment.objects.filter(user=reviewer, local_government__isnull=False).values_list(
            "local_government_id", flat=True
        )
    )
    reasons = []
    if application.local_government_id in lg_ids:
        reasons.append(_("The reviewer holds a role for the applicant city."))
    countries = set(LocalGovernment.objects.filter(pk__in=lg_ids).values_list("country", flat=True))
    if application.local_government.country.code in countries:
        reasons.append(_("The reviewer holds a role for a city of the applicant's country."))
    if application.created_by_id == reviewer.pk:
        reasons.append(_("The reviewer wrote the application."))
    return reasons


@transaction.atomic
def review_assign(*, actor: Any, application: Application, reviewer: Any) -> Review:
    if not actor.has_perm("grants.assign_reviewer", application):
        raise PermissionDenied(_("Only the secretariat assigns reviewers."))
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.DEFERRED):
        raise ServiceError(_("Only a submitted application can be reviewed."))
    reasons = conflict_reasons(reviewer, application)
    if reasons:
        raise ServiceError(_("This reviewer has a conflict of interest."), errors=reasons)
    review, created = Review.objects.get_or_create(application=application, reviewer=reviewer)
    if not created:
        raise ServiceError(_("This reviewer is already assigned to this application."))
    return review


@transaction.atomic
def reviews_assign_bulk(
    *, actor: Any, call: Call, reviewers: Iterable[Any], notify: bool = True
) -> tuple[int, list[str]]:
    """Assign each reviewer to every submitted application of the call they have no conflict
    with, and e-mail each reviewer (in their language) the list. Returns the number of new
    assignments and, for each pair left out, why."""
    if not actor.has_perm("grants.assign_reviewer"):
        raise PermissionDenied(_("Only the secretariat assigns reviewers."))
    applications = list(
        call.applications.filter(
            status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.DEFERRED)
        ).select_related("local_government")
    )
    if not applications:
        raise ServiceError(_("This call has no submitted application to review."))
    assigned, skipped = 0, []
    per_reviewer: dict[int, list[Application]] = {}
    for reviewer in reviewers:
        for application in applications:
            reasons = conflict_reasons(reviewer, application)
            if reasons:
                skipped.append(
                    _("%(reviewer)s, %(reference)s: %(reason)s")
                    % {
                        "reviewer": reviewer,
                        "reference": application.reference,
                        "reason": reasons[0],
                    }
                )
                continue
            _review, created = Review.objects.get_or_create(
                application=application, reviewer=reviewer
            )
            if created:
                assigned += 1
                per_reviewer.setdefault(reviewer.pk, []).append(application)
    if notify and per_reviewer:
        users = {u.pk: u for u in reviewers}

        def send() -> None:
            for pk, assigned_applications in per_reviewer.items():
                user = users[pk]
                language = user.preferred_language or "fr"
                with translation.override(language):
                    subject = _("Applications to review: %(call)s") % {"call": call.title}
                    lines = [
                        _(
                            "You are asked to review these applications. Declare first whether "
                            "you have a conflict of interest with each one."
                        )
                    ] + [f"- {a.title} ({a.local_government.name})" for a in assigned_applications]
                    send_mail(subject, "\n".join(lines), None, [user.email])

        transaction.on_commit(send)
    return assigned, skipped


@transaction.atomic
def review_declare(
    *, actor: Any, review: Review, has_conflict: bool, declaration: str = ""
) -> Review:
    """The reviewer declares a conflict of interest (and is recused) or none (and may score)."""
    if not actor.has_perm("grants.review", review):
        raise PermissionDenied(_("This review is assigned to someone else."))
    if review.status != ReviewStatus.ASSIGNED:
        raise ServiceError(_("The declaration has already been made."))
    if has_conflict:
        if not declaration.strip():
            raise ServiceError(_("Say briefly what the conflict of interest is."))
        review.status = ReviewStatus.RECUSED
        review.conflict_declaration = declaration.strip()
    else:
        review.status = ReviewStatus.IN_PROGRESS
    review.save(update_fields=["status", "conflict_declaration", "updated_at"])
    return review


def weighted_total(criteria: list[dict[str, Any]], scores: dict[str, Any]) -> Decimal:
    """Score out of 100: each criterion's share of its maximum, weighted."""
    weights = sum(Decimal(c["weight"]) for c in criteria)
    total = sum(
        Decimal(str(scores[c["code"]])) / Decimal(c["max"]) * Decimal(c["weight"]) for c in criteria
    )
    return (total / weights * 100).quantize(CENT) if weights else Decimal(0)


@transaction.atomic
def review_submit(
    *, actor: Any, review: Review, scores: dict[str, Any], comment: str, expected_version: int
) -> Review:
    if not actor.has_perm("grants.review", review):
        raise PermissionDenied(_("This review is assigned to someone else."))
    if review.status != ReviewStatus.IN_PROGRESS:
        raise ServiceError(
            _(
                "Declare first that you have no conflict of interest; a submitted review cannot be changed."
            )
        )
    if Application.objects.filter(
        pk=review.application_id, status=ApplicationStatus.WITHDRAWN
    ).exists():
        raise ServiceError(_("The city has withdrawn this application: it needs no review."))
    criteria = review.application.call.criteria
    errors = []
    clean: dict[str, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion["code"])
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors.append(
                _("Give a score for “%(criterion)s”.")
                % {"criterion": criterion.get("label_en", criterion["code"])}
            )
            continue
        if not 0 <= value <= int(criterion["max"]):
            errors.append(
                _("The score for “%(criterion)s” must be between 0 and %(max)s.")
                % {
                    "criterion": criterion.get("label_en", criterion["code"]),
                    "max": criterion["max"],
                }
            )
        clean[criterion["code"]] = value
    if errors:
        raise ServiceError(_("The scores are not complete."), errors=errors)
    review.scores = clean
    review.total = weighted_total(criteria, clean)
    review.comment = comment
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    return save_versioned(review, expected_version=expected_version)


# --- decision ------------------------------------------------------------------------------


def envelope_left(call: Call) -> Decimal:
    granted = Decision.objects.filter(
        application__call=call, outcome=DecisionOutcome.APPROVED
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return call.envelope - granted


# Policy as data: which bodies may decide a call's applications (call.rules["deciding_bodies"],
# body slugs) and how many submitted reviews an approval needs (call.rules["min_reviews"]).
# Defaults in docs/decisions/grants-bureau-decisions.md.
DEFAULT_DECIDING_BODIES = ("bureau",)
DEFAULT_MIN_REVIEWS = 2


def deciding_bodies(call: Call) -> list[str]:
    return list((call.rules or {}).get("deciding_bodies") or DEFAULT_DECIDING_BODIES)


def min_reviews(call: Call) -> int:
    value = (call.rules or {}).get("min_reviews")
    return DEFAULT_MIN_REVIEWS if value in (None, "") else int(value)


def decision_meeting_problems(call: Call, meeting: Any) -> list[str]:
    """Why `meeting` may not decide this call's applications (empty: it may)."""
    if meeting.body_id is None or meeting.body.slug not in deciding_bodies(call):
        return [
            _(
                "“%(meeting)s” is not a meeting of a body allowed to decide grants of this call "
                "(%(bodies)s)."
            )
            % {"meeting": meeting.title, "bodies": ", ".join(deciding_bodies(call))}
        ]
    return []


def city_conflict(user: Any, application: Application) -> bool:
    """A person holding a role for the applicant city has a conflict of interest."""
    return RoleAssignment.objects.filter(
        user=user, local_government_id=application.local_government_id
    ).exists()


def recused_members(application: Application) -> list[Any]:
    """Bureau members who hold a role for the applicant city: recused from its decision."""
    from edile.accounts.models import User

    return list(
        User.objects.filter(
            role_assignments__role__code=RoleCode.BUREAU_MEMBER,
            is_active=True,
        )
        .filter(role_assignments__local_government_id=application.local_government_id)
        .distinct()
        .order_by("pk")
    )


def _decision_date_clean(
    application: Application, meeting: Any, decided_on: dt.date | None, today: dt.date
) -> dt.date:
    start, end = meeting.start.date(), meeting.end.date()
    decided_on = decided_on or start
    if decided_on > today:
        raise ServiceError(_("A decision cannot be dated in the future."))
    if not start <= decided_on <= end:
        raise ServiceError(
            _("The decision must be dated within the meeting (%(start)s to %(end)s).")
            % {"start": formatting.format_date(start), "end": formatting.format_date(end)}
        )
    if application.submitted_at and decided_on < application.submitted_at.date():
        raise ServiceError(
            _("The decision cannot precede the submission of the application (%(date)s).")
            % {"date": formatting.format_date(application.submitted_at.date())}
        )
    return decided_on


def _decision_resolution(*, actor: Any, meeting: Any, decision: Decision) -> Any:
    """The decision as a governance *decision* resolution of the meeting, so that it appears in
    its minutes (`edile.governance.services.decision_record`), linked to the application."""
    from edile.governance import services as governance_services

    application = decision.application
    outcome_fr = {"approved": "accordée", "rejected": "refusée", "deferred": "ajournée"}[
        decision.outcome
    ]
    outcome_en = {"approved": "granted", "rejected": "rejected", "deferred": "deferred"}[
        decision.outcome
    ]
    city = application.local_government.name
    title_fr = f"Subvention {outcome_fr} : {application.title_fr or application.title} ({city})"
    title_en = f"Grant {outcome_en}: {application.title_en or application.title} ({city})"
    amount_fr = amount_en = ""
    if decision.amount:
        currency = application.call.currency
        amount_fr = " " + formatting.format_money(decision.amount, currency, "fr") + "."
        amount_en = " " + formatting.format_money(decision.amount, currency, "en") + "."
    recused = ", ".join(str(u) for u in decision.recused.all())
    summary_fr = f"{decision.reasons}{amount_fr}" + (
        f" Se sont récusés (conflit d'intérêts) : {recused}." if recused else ""
    )
    summary_en = f"{decision.reasons}{amount_en}" + (
        f" Recused (conflict of interest): {recused}." if recused else ""
    )
    resolution = governance_services.decision_record(
        meeting=meeting,
        title_fr=title_fr[:300],
        title_en=title_en[:300],
        text_fr=summary_fr,
        text_en=summary_en,
        actor=actor,
        decided_on=decision.meeting_date,
        summary_fr=summary_fr,
        summary_en=summary_en,
    )
    # The resolution says which application it decided (shown with the meeting's records).
    from django.contrib.contenttypes.models import ContentType

    from edile.governance.models import ResolutionLink

    ResolutionLink.objects.get_or_create(
        resolution=resolution,
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
    )
    return resolution


def decision_record(**kwargs: Any) -> Decision:
    """Record a decision of a Bureau meeting (see `_decision_record`). Two decisions racing for
    the same envelope: the loser gets a ConflictError (409), on SQLite and PostgreSQL alike."""
    try:
        return _decision_record(**kwargs)
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "serializ" in str(exc).lower():
            raise ConflictError(
                _(
                    "Another decision on this call was being recorded at the same moment: reload "
                    "the ranking and decide again."
                )
            ) from exc
        raise


@transaction.atomic
def _decision_record(
    *,
    actor: Any,
    application: Application,
    meeting: Any,
    outcome: str,
    reasons: str,
    amount: Any = None,
    decided_on: dt.date | None = None,
    meeting_reference: str = "",
    review_override: str = "",
    notify: bool = True,
    today: dt.date | None = None,
) -> Decision:
    """Record the decision of a Bureau meeting on one application: the meeting's body must be
    allowed to decide the call, the date within the meeting and after the submission, a Bureau
    member with a role for the applicant city is recused, an approval needs the call's minimum
    number of reviews (or a recorded override) and never goes beyond the envelope left."""
    today = today or dt.date.today()
    if not actor.has_perm("grants.decide", application):
        if actor.has_perm("grants.view_ranking") and city_conflict(actor, application):
            raise PermissionDenied(
                _("You hold a role for %(city)s: you are recused from deciding its application.")
                % {"city": application.local_government.name}
            )
        raise PermissionDenied(_("Only the Bureau or the secretariat records decisions."))
    if outcome not in DecisionOutcome.values:
        raise ServiceError(_("Choose approved, rejected or deferred."))
    if not (reasons or "").strip():
        raise ServiceError(_("Give the reasons for the decision."))
    problems = decision_meeting_problems(application.call, meeting)
    if problems:
        raise ServiceError(problems[0], errors=problems)
    # Lock the call: two people approving at once must not both spend the same envelope.
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = (
        Application.objects.select_for_update()
        .select_related("local_government", "call")
        .get(pk=application.pk)
    )
    decided_on = _decision_date_clean(application, meeting, decided_on, today)
    review_override = (review_override or "").strip()
    if outcome == DecisionOutcome.APPROVED:
        amount = money_clean(amount, label=_("Amount granted"))
        done = application.reviews.filter(status=ReviewStatus.SUBMITTED).count()
        needed = min_reviews(call)
        if done < needed and not review_override:
            raise ServiceError(
                _(
                    "“%(title)s” has %(done)s review(s); the call asks for %(needed)s before an "
                    "approval. Wait for the reviews, or record why the Bureau decides without them."
                )
                % {"title": application.title, "done": done, "needed": needed}
            )
        if done >= needed:
            review_override = ""
        left = envelope_left(call)
        if amount > left:
            raise ConflictError(
                _("The amount (%(amount)s) is above what is left in the envelope (%(left)s).")
                % {
                    "amount": formatting.format_money(amount, call.currency),
                    "left": formatting.format_money(left, call.currency),
                }
            )
        if amount > application.grant_requested:
            raise ServiceError(_("The amount granted cannot be more than the amount requested."))
    elif amount not in (None, ""):
        raise ServiceError(_("Only an approval has an amount."))
    else:
        amount = None
        review_override = ""
    application_transition(application, outcome)
    application.version += 1  # the row is locked, so a plain increment is safe
    application.save(update_fields=["status", "version", "updated_at"])
    decision = Decision.objects.create(
        application=application,
        body=meeting.body,
        meeting=meeting,
        meeting_date=decided_on,
        meeting_reference=meeting_reference or meeting.title,
        outcome=outcome,
        amount=amount,
        reasons=reasons.strip(),
        review_override=review_override,
        recorded_by=actor,
    )
    decision.recused.set(recused_members(application))
    decision.resolution = _decision_resolution(actor=actor, meeting=meeting, decision=decision)
    decision.save(update_fields=["resolution", "updated_at"])
    if outcome == DecisionOutcome.APPROVED:
        amount_eur, _rate_date = to_eur(amount, call.currency, decided_on)
        Grant.objects.create(
            application=application,
            decision=decision,
            amount=amount,
            currency=call.currency,
            amount_eur=amount_eur,
        )
    if notify:
        from edile.grants.tasks import send_decision_notice

        transaction.on_commit(lambda: send_decision_notice.enqueue(decision.pk))
    return decision


@transaction.atomic
def decisions_record_batch(
    *,
    actor: Any,
    meeting: Any,
    rows: list[dict[str, Any]],
    decided_on: dt.date | None = None,
    notify: bool = True,
    today: dt.date | None = None,
) -> list[Decision]:
    """The Bureau decides the ranking in one batch at its meeting: every row is recorded, or
    none (each refusal is listed with the application it concerns)."""
    decisions, errors = [], []
    for row in rows:
        application = row["application"]
        try:
            with transaction.atomic():
                decisions.append(
                    decision_record(
                        actor=actor,
                        application=application,
                        meeting=meeting,
                        outcome=row["outcome"],
                        reasons=row.get("reasons", ""),
                        amount=row.get("amount"),
                        review_override=row.get("review_override", ""),
                        decided_on=decided_on,
                        notify=notify,
                        today=today,
                    )
                )
        except (ServiceError, PermissionDenied) as exc:
            message = getattr(exc, "message", None) or str(exc)
            errors.append(f"{application.reference}: {message}")
    if errors:
        raise ServiceError(
            _("No decision was recorded: correct these rows and decide again."), errors=errors
        )
    return decisions


def _focal_points(local_government_id: int) -> Iterable[Any]:
    from edile.accounts.models import User

    return User.objects.filter(
        role_assignments__role__code=RoleCode.FOCAL_POINT,
        role_assignments__local_government_id=local_government_id,
        is_active=True,
    ).distinct()


def decision_notify(*, decision_id: int) -> int:
    """E-mail the decision to the city's focal points, each in their own language."""
    decision = Decision.objects.select_related(
        "application", "application__local_government", "application__call"
    ).get(pk=decision_id)
    sent = 0
    currency = decision.application.call.currency
    for user in _focal_points(decision.application.local_government_id):
        language = user.preferred_language or "fr"
        with translation.override(language):
            title = decision.application.title
            subject = _("Decision on your application “%(title)s”") % {"title": title}
            lines = [
                _("The Bureau examined your application “%(title)s” on %(date)s.")
                % {"title": title, "date": formatting.format_date(decision.meeting_date, language)},
                _("Decision: %(outcome)s.") % {"outcome": DecisionOutcome(decision.outcome).label},
            ]
            if decision.amount:
                lines.append(
                    _("Amount granted: %(amount)s.")
                    % {"amount": formatting.format_money(decision.amount, currency, language)}
                )
            lines.append(_("Reasons: %(reasons)s") % {"reasons": decision.reasons})
            send_mail(subject, "\n\n".join(lines), None, [user.email])
        sent += 1
    return sent


# --- grants --------------------------------------------------------------------------------

GRANT_TRANSITIONS: dict[str, set[str]] = {
    GrantStatus.ACTIVE: {GrantStatus.SUSPENDED, GrantStatus.CLOSED},
    GrantStatus.SUSPENDED: {GrantStatus.ACTIVE, GrantStatus.CLOSED},
    GrantStatus.CLOSED: set(),
}


def grant_transition(grant: Grant, to: str) -> None:
    if to not in GRANT_TRANSITIONS[grant.status]:
        raise ServiceError(
            _("A grant that is “%(current)s” cannot become “%(target)s”.")
            % {"current": GrantStatus(grant.status).label, "target": GrantStatus(to).label}
        )
    grant.status = to


def _require_manager(actor: Any, grant: Grant) -> None:
    if not actor.has_perm("grants.manage_grant", grant):
        raise PermissionDenied(_("Only the secretariat manages grants."))


def grant_update(
    *,
    actor: Any,
    grant: Grant,
    expected_version: int,
    status: str | None = None,
    agreement_signed_on: dt.date | None = None,
    agreement_reference: str | None = None,
    agreement_file: Any = None,
) -> Grant:
    _require_manager(actor, grant)
    if agreement_file:
        _check_upload(agreement_file, (".pdf",))
        grant.agreement_file = agreement_file
    if status and status != grant.status:
        if (
            status == GrantStatus.CLOSED
            and grant.reports.exclude(status=ReportStatus.ACCEPTED).exists()
        ):
            raise ServiceError(_("A grant closes only once every report has been accepted."))
        grant_transition(grant, status)
    if agreement_signed_on is not None:
        if agreement_signed_on < grant.decision.meeting_date:
            raise ServiceError(_("The agreement cannot be signed before the Bureau's decision."))
        if agreement_signed_on > dt.date.today():
            raise ServiceError(
                _("The agreement cannot be signed in the future: record it once it is signed.")
            )
        grant.agreement_signed_on = agreement_signed_on
    if agreement_reference is not None:
        grant.agreement_reference = agreement_reference
    return save_versioned(grant, expected_version=expected_version)


CONDITION_KINDS = {
    "agreement_signed",
    "report_accepted",
    "cofinancing_received",
    "date_reached",
}


def _conditions_clean(grant: Grant, conditions: Iterable[dict[str, Any]] | None) -> list[dict]:
    """Conditions as data: each names its kind and, where needed, its report, partner or date."""
    clean: list[dict[str, Any]] = []
    for raw in conditions or []:
        kind = (raw or {}).get("kind")
        if kind not in CONDITION_KINDS:
            raise ServiceError(
                _("Unknown condition “%(kind)s”: use %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(sorted(CONDITION_KINDS))}
            )
        item: dict[str, Any] = {"kind": kind}
        if kind == "report_accepted":
            report_id = raw.get("report")
            if not grant.reports.filter(pk=report_id).exists():
                raise ServiceError(
                    _("The condition names a report that is not one of this grant's.")
                )
            item["report"] = int(report_id)
        elif kind == "cofinancing_received":
            partner = raw.get("partner")
            if partner:
                if not grant.application.cofinancing.filter(partner_id=partner).exists():
                    raise ServiceError(_("This partner does not co-finance the project."))
                item["partner"] = int(partner)
        elif kind == "date_reached":
            on = raw.get("on")
            try:
                on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
            except ValueError:
                raise ServiceError(_("Give the date of the condition as YYYY-MM-DD.")) from None
            item["on"] = on.isoformat()
        clean.append(item)
    return clean


def tranche_unmet_conditions(tranche: Tranche, *, today: dt.date | None = None) -> list[str]:
    """Every condition of the tranche not met yet, each said in words (empty: it may be paid).

    The agreement is a condition of every payment, whether the tranche says so or not."""
    today = today or dt.date.today()
    grant = tranche.grant
    unmet: list[str] = []
    if grant.agreement_signed_on is None:
        unmet.append(_("The grant agreement has not been signed."))
    for condition in tranche.conditions or []:
        kind = condition.get("kind")
        if kind == "report_accepted":
            report = grant.reports.filter(pk=condition.get("report")).first()
            if report is None or report.status != ReportStatus.ACCEPTED:
                unmet.append(
                    _("The report “%(title)s” has not been accepted.")
                    % {"title": report.title if report else "?"}
                )
        elif kind == "cofinancing_received":
            lines = grant.application.cofinancing.filter(status=CoFinancingStatus.RECEIVED)
            if condition.get("partner"):
                lines = lines.filter(partner_id=condition["partner"])
            if not lines.exists():
                unmet.append(_("The partner's co-financing has not been received."))
        elif kind == "date_reached":
            on = dt.date.fromisoformat(condition["on"])
            if today < on:
                unmet.append(
                    _("This tranche may not be requested before %(date)s.")
                    % {"date": formatting.format_date(on)}
                )
    return unmet


def overdue_reports(grant: Grant, *, today: dt.date | None = None) -> list[ProgressReport]:
    today = today or dt.date.today()
    return list(
        grant.reports.filter(
            status__in=[ReportStatus.DUE, ReportStatus.RETURNED], due_on__lt=today
        ).order_by("due_on")
    )


@transaction.atomic
def tranche_add(
    *,
    actor: Any,
    grant: Grant,
    amount: Any,
    due_on: dt.date,
    condition: str = "",
    conditions: Iterable[dict[str, Any]] | None = None,
) -> Tranche:
    """Plan a tranche; `conditions` (data) gate its payment request."""
    _require_manager(actor, grant)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    amount = money_clean(amount, label=_("Amount"))
    planned = grant.tranches.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if planned + amount > grant.amount:
        raise ServiceError(
            _("The tranches would add up to more than the grant (%(amount)s).")
            % {"amount": formatting.format_money(grant.amount, grant.currency)}
        )
    if due_on < grant.decision.meeting_date:
        raise ServiceError(_("A tranche cannot fall due before the Bureau's decision."))
    number = (grant.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Tranche.objects.create(
        grant=grant,
        number=number,
        amount=amount,
        due_on=due_on,
        condition=condition,
        conditions=_conditions_clean(grant, conditions),
    )


OPEN_REQUEST_STATUSES = (PaymentRequestStatus.REQUESTED, PaymentRequestStatus.APPROVED)


@transaction.atomic
def payment_request_create(
    *,
    actor: Any,
    grant: Grant,
    tranche: Tranche | None = None,
    amount: Any = None,
    overdue_override: str = "",
    comment: str = "",
    today: dt.date | None = None,
) -> PaymentRequest:
    """Ask for a payment (first pair of eyes). Refused until the agreement is signed and the
    tranche's conditions are met, and while a report is overdue unless a reason is given."""
    _require_manager(actor, grant)
    today = today or dt.date.today()
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != GrantStatus.ACTIVE:
        raise ServiceError(_("Payments are only made on an active grant."))
    if tranche is not None:
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk, grant=grant)
        if tranche.status == TrancheStatus.PAID:
            raise ServiceError(_("This tranche has already been paid."))
        if tranche.payment_requests.filter(status__in=OPEN_REQUEST_STATUSES).exists():
            raise ServiceError(_("A payment of this tranche is already requested."))
        amount = tranche.amount
        unmet = tranche_unmet_conditions(tranche, today=today)
    else:
        unmet = (
            [_("The grant agreement has not been signed.")]
            if grant.agreement_signed_on is None
            else []
        )
    if unmet:
        raise ServiceError(_("This payment cannot be requested yet."), errors=unmet)
    amount = money_clean(amount, label=_("Amount"))
    late = overdue_reports(grant, today=today)
    overdue_override = (overdue_override or "").strip()
    if late and not overdue_override:
        raise ServiceError(
            _(
                "The report “%(title)s” was due on %(date)s and has not been received: no payment "
                "while a report is overdue, unless you give the reason for an exception."
            )
            % {"title": late[0].title, "date": formatting.format_date(late[0].due_on)}
        )
    pending = grant.payment_requests.filter(status__in=OPEN_REQUEST_STATUSES).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    if grant.disbursed + pending + amount > grant.amount:
        raise ServiceError(
            _(
                "This payment would bring the total paid or requested to %(total)s, above the "
                "%(amount)s granted."
            )
            % {
                "total": formatting.format_money(
                    grant.disbursed + pending + amount, grant.currency
                ),
                "amount": formatting.format_money(grant.amount, grant.currency),
            }
        )
    request = PaymentRequest.objects.create(
        grant=grant,
        tranche=tranche,
        amount=amount,
        requested_by=actor,
        overdue_override=overdue_override if late else "",
        comment=(comment or "").strip(),
    )
    if tranche is not None:
        tranche.status = TrancheStatus.REQUESTED
        tranche.save(update_fields=["status", "updated_at"])
    return request


def _locked_request(payment_request: PaymentRequest) -> PaymentRequest:
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join (tranche).
    return PaymentRequest.objects.select_for_update().get(pk=payment_request.pk)


@transaction.atomic
def payment_request_approve(
    *, actor: Any, payment_request: PaymentRequest, today: dt.date | None = None
) -> PaymentRequest:
    """The second pair of eyes: someone other than the requester approves the payment."""
    _require_manager(actor, payment_request.grant)
    request = _locked_request(payment_request)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("You requested this payment: another person must approve it (four eyes).")
        )
    if request.status != PaymentRequestStatus.REQUESTED:
        raise ServiceError(_("Only a payment that is requested can be approved or refused."))
    if request.tranche is not None:
        unmet = tranche_unmet_conditions(request.tranche, today=today)
        if unmet:
            raise ServiceError(_("This payment cannot be approved yet."), errors=unmet)
        request.tranche.status = TrancheStatus.APPROVED
        request.tranche.save(update_fields=["status", "updated_at"])
    request.status = PaymentRequestStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


@transaction.atomic
def payment_request_refuse(
    *, actor: Any, payment_request: PaymentRequest, comment: str
) -> PaymentRequest:
    _require_manager(actor, payment_request.grant)
    request = _locked_request(payment_request)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("You requested this payment: another person must approve it (four eyes).")
        )
    if request.status != PaymentRequestStatus.REQUESTED:
        raise ServiceError(_("Only a payment that is requested can be approved or refused."))
    if not (comment or "").strip():
        raise ServiceError(_("Say why the payment is refused."))
    request.status = PaymentRequestStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    if request.tranche is not None:
        request.tranche.status = TrancheStatus.PLANNED
        request.tranche.save(update_fields=["status", "updated_at"])
    return request


@transaction.atomic
def disbursement_record(
    *,
    actor: Any,
    grant: Grant,
    paid_on: dt.date,
    payment_request: PaymentRequest | None = None,
) -> Disbursement:
    """Pay an approved payment request. Nothing is paid without a signed agreement and an
    approval by a second person, nor beyond the amount granted, even when two people pay at
    once: the grant row is locked and the database checks the total too."""
    _require_manager(actor, grant)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != GrantStatus.ACTIVE:
        raise ServiceError(_("Payments are only made on an active grant."))
    if grant.agreement_signed_on is None:
        raise ServiceError(_("No payment before the grant agreement is signed."))
    if payment_request is None:
        raise ServiceError(
            _("Request the payment and have it approved by a second person before paying it.")
        )
    request = _locked_request(payment_request)
    if request.grant_id != grant.pk:
        raise ServiceError(_("This payment request belongs to another grant."))
    if request.status == PaymentRequestStatus.PAID:
        raise ServiceError(_("This payment has already been made."))
    if request.status != PaymentRequestStatus.APPROVED:
        raise ServiceError(_("This payment has not been approved by a second person yet."))
    amount = request.amount
    tranche = request.tranche
    if paid_on < grant.decision.meeting_date:
        raise ServiceError(_("A payment cannot precede the Bureau's decision."))
    if paid_on > dt.date.today():
        raise ServiceError(_("A payment cannot be recorded in the future."))
    if grant.disbursed + amount > grant.amount:
        raise ServiceError(
            _("This payment would bring the total paid to %(total)s, above the %(amount)s granted.")
            % {
                "total": formatting.format_money(grant.disbursed + amount, grant.currency),
                "amount": formatting.format_money(grant.amount, grant.currency),
            }
        )
    Grant.objects.filter(pk=grant.pk).update(
        disbursed=F("disbursed") + amount, version=F("version") + 1
    )
    request.status = PaymentRequestStatus.PAID
    request.save(update_fields=["status", "updated_at"])
    if tranche is not None:
        tranche.status = TrancheStatus.PAID
        tranche.save(update_fields=["status", "updated_at"])
    return Disbursement.objects.create(
        grant=grant,
        tranche=tranche,
        payment_request=request,
        amount=amount,
        paid_on=paid_on,
        recorded_by=actor,
    )


@transaction.atomic
def report_schedule(
    *, actor: Any, grant: Grant, title: str, due_on: dt.date, title_en: str = ""
) -> ProgressReport:
    """Schedule a report; `title` is French (or the only one), `title_en` its English title."""
    _require_manager(actor, grant)
    if not title.strip():
        raise ServiceError(_("Give the report a title."))
    return ProgressReport.objects.create(
        grant=grant,
        title=title.strip(),
        title_fr=title.strip(),
        title_en=(title_en or title).strip(),
        due_on=due_on,
    )


# A report's spending above the project's total budget gets a warning; above this many times
# the budget (or the grant, when there is no budget) it cannot be right and is refused
# (docs/decisions/grants-payments.md). A call may set its own in rules["max_spending_ratio"].
IMPOSSIBLE_SPENDING_RATIO = Decimal("2")


def report_figures_check(
    report: ProgressReport, *, spending: Decimal, beneficiaries_reached: int | None
) -> list[str]:
    """Warnings on a report's figures; a ServiceError for values that cannot be right."""
    grant = report.grant
    application = grant.application
    budget = max(application.total_budget or ZERO, grant.amount)
    ratio = Decimal(
        str((application.call.rules or {}).get("max_spending_ratio") or IMPOSSIBLE_SPENDING_RATIO)
    )
    money = lambda v: formatting.format_money(v, grant.currency)  # noqa: E731
    if spending > budget * ratio:
        raise ServiceError(
            _(
                "Spending of %(spending)s cannot be right on a project whose total budget is "
                "%(budget)s: check the figure (in %(currency)s, not in thousands or cents)."
            )
            % {"spending": money(spending), "budget": money(budget), "currency": grant.currency}
        )
    warnings = []
    if spending > budget:
        warnings.append(
            _(
                "Spending (%(spending)s) is above the project's total budget (%(budget)s): "
                "explain the overrun in the narrative."
            )
            % {"spending": money(spending), "budget": money(budget)}
        )
    if beneficiaries_reached is not None:
        population = application.local_government.population
        if beneficiaries_reached < 0:
            raise ServiceError(_("The number of beneficiaries reached cannot be negative."))
        if population and beneficiaries_reached > population:
            raise ServiceError(
                _(
                    "%(reached)s beneficiaries reached is more than the city's population "
                    "(%(population)s): count each person once."
                )
                % {
                    "reached": formatting.format_number(beneficiaries_reached),
                    "population": formatting.format_number(population),
                }
            )
        expected = application.beneficiaries
        if expected and beneficiaries_reached > expected:
            warnings.append(
                _(
                    "%(reached)s beneficiaries reached is more than the %(expected)s expected: "
                    "say why in the narrative."
                )
                % {
                    "reached": formatting.format_number(beneficiaries_reached),
                    "expected": formatting.format_number(expected),
                }
            )
    return warnings


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    report: ProgressReport,
    narrative: str,
    spending: Any,
    beneficiaries_reached: int | None,
    values: dict[int, Any],
    expected_version: int,
) -> ProgressReport:
    """Submit (or resubmit, once returned) a report. Figures that cannot be right are refused;
    figures above the budget or the expected beneficiaries are kept with a warning."""
    if not actor.has_perm("grants.submit_report", report.grant):
        raise PermissionDenied(_("Only the city's focal points submit its reports."))
    if report.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
        raise ServiceError(_("This report has already been submitted."))
    if not (narrative or "").strip():
        raise ServiceError(_("Write what happened in the period."))
    report.narrative = narrative.strip()
    report.spending = money_clean(spending, label=_("Spending"), allow_zero=True)
    if beneficiaries_reached is not None and beneficiaries_reached < 0:
        raise ServiceError(_("The number of beneficiaries reached cannot be negative."))
    report.warnings = report_figures_check(
        report, spending=report.spending, beneficiaries_reached=beneficiaries_reached
    )
    report.beneficiaries_reached = beneficiaries_reached
    report.status = ReportStatus.SUBMITTED
    report.submitted_on = dt.date.today()
    indicator_ids = set(report.grant.application.indicators.values_list("pk", flat=True))
    for indicator_id, value in values.items():
        if value in (None, ""):
            continue
        if int(indicator_id) not in indicator_ids:
            raise ServiceError(_("This indicator is not one of the project's."))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ServiceError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite() or number < 0:
            raise ServiceError(_("An indicator value must be zero or more."))
        IndicatorValue.objects.update_or_create(
            report=report, indicator_id=int(indicator_id), defaults={"value": number}
        )
    return save_versioned(report, expected_version=expected_version)


@transaction.atomic
def report_accept(*, actor: Any, report: ProgressReport) -> ProgressReport:
    _require_manager(actor, report.grant)
    if report.status != ReportStatus.SUBMITTED:
        raise ServiceError(_("Only a submitted report can be accepted."))
    report.status = ReportStatus.ACCEPTED
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    return report


@transaction.atomic
def report_return(*, actor: Any, report: ProgressReport, comment: str) -> ProgressReport:
    """Send a submitted report back to the city for changes, saying what to change."""
    _require_manager(actor, report.grant)
    if report.status != ReportStatus.SUBMITTED:
        raise ServiceError(_("Only a submitted report can be returned for changes."))
    if not (comment or "").strip():
        raise ServiceError(_("Say what the city should change in its report."))
    report.status = ReportStatus.RETURNED
    report.staff_comment = comment.strip()
    report.version += 1
    report.save(update_fields=["status", "staff_comment", "version", "updated_at"])
    return report


REMINDER_INTERVAL_DAYS = 7


def reports_remind(*, today: dt.date | None = None) -> int:
    """E-mail the focal points of every late report, at most once a week per report. A report
    is marked reminded only when at least one person received the e-mail; the staff list of
    late reports says which cities have no one to receive it (selectors.late_reports)."""
    today = today or dt.date.today()
    late = ProgressReport.objects.filter(
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED], due_on__lt=today
    ).select_related("grant__application")
    sent = 0
    for report in late:
        if (
            report.last_reminder_on
            and (today - report.last_reminder_on).days < REMINDER_INTERVAL_DAYS
        ):
            continue
        application = report.grant.application
        sent_for_report = 0
        for user in _focal_points(application.local_government_id):
            language = user.preferred_language or "fr"
            with translation.override(language):
                subject = _("Report overdue: %(title)s") % {"title": application.title}
                body = _(
                    "The report “%(report)s” for the project “%(title)s” was due on %(date)s. "
                    "Please submit it on the platform."
                ) % {
                    "report": report.title,
                    "title": application.title,
                    "date": formatting.format_date(report.due_on, language),
                }
                sent_for_report += send_mail(subject, body, None, [user.email])
        if sent_for_report:
            ProgressReport.objects.filter(pk=report.pk).update(last_reminder_on=today)
        sent += sent_for_report
    return sent


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    grant: Grant,
    date: dt.date,
    visitors: str,
    findings_fr: str,
    findings_en: str = "",
    photo: Any = None,
    photo_caption_fr: str = "",
    photo_caption_en: str = "",
    is_fictional: bool = False,
) -> MonitoringVisit:
    _require_manager(actor, grant)
    if date > dt.date.today():
        raise ServiceError(_("A visit cannot be recorded before it happens."))
    if not (findings_fr or findings_en).strip():
        raise ServiceError(_("Write the findings of the visit."))
    if photo:
        _check_upload(photo, PHOTO_EXTENSIONS)
    return MonitoringVisit.objects.create(
        grant=grant,
        date=date,
        visitors=visitors,
        findings_fr=findings_fr or findings_en,
        findings_en=findings_en or findings_fr,
        photo=photo or "",
        photo_caption_fr=photo_caption_fr,
        photo_caption_en=photo_caption_en,
        is_fictional=is_fictional,
    )


@transaction.atomic
def risk_flag_raise(
    *, actor: Any, grant: Grant, level: str, description: str, raised_on: dt.date
) -> RiskFlag:
    _require_manager(actor, grant)
    if not description.strip():
        raise ServiceError(_("Describe the risk."))
    return RiskFlag.objects.create(
        grant=grant, level=level, description=description.strip(), raised_on=raised_on
    )
