"""Import of past projects from CSV/XLSX: all-or-nothing, every bad row reported with its line.

The template is documented in docs/grants.md. Each row is one approved project of a past
programme: the call of that year is created if needed (marked as a past programme).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edile.core.errors import ServiceError
from edile.core.imports import ImportFileError, ImportReport, RowError, read_rows
from edile.governance.models import Body, BodyKind
from edile.grants import codelists, services
from edile.grants.models import (
    SECTOR_DAC,
    Application,
    ApplicationStatus,
    Call,
    CoFinancing,
    CoFinancingStatus,
    Decision,
    DecisionOutcome,
    Disbursement,
    Grant,
    Partner,
    Sector,
)
from edile.members.models import LocalGovernment

COLUMNS = [
    ("reference", gettext_lazy("Unique reference, e.g. 2017-dakar-ecoles")),
    ("city", gettext_lazy("City slug as in the member registry, e.g. dakar")),
    ("year", gettext_lazy("Programme year, e.g. 2017")),
    ("title_fr", gettext_lazy("Title in French")),
    ("title_en", gettext_lazy("Title in English")),
    ("summary_fr", gettext_lazy("Summary in French (optional)")),
    ("summary_en", gettext_lazy("Summary in English (optional)")),
    (
        "sector",
        gettext_lazy("culture, education, water_sanitation, health, entrepreneurship or other"),
    ),
    ("dac_code", gettext_lazy("DAC 5-digit purpose code (optional: the sector's main code)")),
    ("start", gettext_lazy("Start date, YYYY-MM-DD")),
    ("end", gettext_lazy("End date, YYYY-MM-DD")),
    ("decision_date", gettext_lazy("Date of the Bureau's decision, YYYY-MM-DD")),
    ("amount", gettext_lazy("Amount granted, e.g. 95000.00")),
    ("currency", gettext_lazy("ISO 4217 code, e.g. EUR")),
    ("disbursed", gettext_lazy("Amount paid so far (optional)")),
    ("beneficiaries", gettext_lazy("Number of beneficiaries")),
    ("partner", gettext_lazy("Partner slug (optional), e.g. afd")),
    ("partner_amount", gettext_lazy("Partner's contribution (optional)")),
    ("partner_currency", gettext_lazy("Currency of the contribution (optional)")),
]
REQUIRED = (
    "reference",
    "city",
    "year",
    "sector",
    "start",
    "end",
    "decision_date",
    "amount",
    "currency",
    "beneficiaries",
)


def _date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("%(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
            % {"column": column, "value": value}
        ) from None


def _clean_row(
    row: dict[str, str],
    cities: dict[str, LocalGovernment],
    partners: dict[str, Partner],
    seen: set[str],
) -> dict[str, Any]:
    missing = [c for c in REQUIRED if not row.get(c)]
    if missing:
        raise ValueError(_("missing value in %(columns)s.") % {"columns": ", ".join(missing)})
    if not (row.get("title_fr") or row.get("title_en")):
        raise ValueError(_("give a title in French or in English."))
    reference = row["reference"]
    if reference in seen or Application.objects.filter(reference=reference).exists():
        raise ValueError(
            _("the reference “%(reference)s” is already used.") % {"reference": reference}
        )
    city = cities.get(row["city"])
    if city is None:
        raise ValueError(
            _("no city with the slug “%(slug)s” in the member registry.") % {"slug": row["city"]}
        )
    try:
        year = int(row["year"])
    except ValueError:
        raise ValueError(_("year: “%(value)s” is not a year.") % {"value": row["year"]}) from None
    if not 1979 <= year <= dt.date.today().year:
        raise ValueError(_("year: %(value)s is out of range.") % {"value": year})
    if row["sector"] not in Sector.values:
        raise ValueError(
            _("sector: “%(value)s” is not one of the programme's sectors.")
            % {"value": row["sector"]}
        )
    dac = row.get("dac_code") or SECTOR_DAC[row["sector"]]
    if not codelists.is_active("Sector", dac):
        raise ValueError(
            _("dac_code: “%(value)s” is not an active DAC 5-digit purpose code.") % {"value": dac}
        )
    start, end = _date(row["start"], "start"), _date(row["end"], "end")
    decision_date = _date(row["decision_date"], "decision_date")
    if end < start:
        raise ValueError(_("the end date is before the start date."))
    if decision_date > dt.date.today():
        raise ValueError(_("the decision date is in the future."))
    try:
        amount = services.money_clean(row["amount"], label="amount")
        currency = services.currency_clean(row["currency"])
        disbursed = services.money_clean(
            row.get("disbursed") or "0", label="disbursed", allow_zero=True
        )
        amount_eur, _rate_date = services.to_eur(amount, currency, decision_date)
    except ServiceError as exc:
        raise ValueError(exc.message) from None
    if disbursed > amount:
        raise ValueError(_("more disbursed than granted."))
    try:
        beneficiaries = int(row["beneficiaries"])
    except ValueError:
        raise ValueError(
            _("beneficiaries: “%(value)s” is not a whole number.") % {"value": row["beneficiaries"]}
        ) from None
    if beneficiaries < 0:
        raise ValueError(_("beneficiaries cannot be negative."))
    partner = None
    if row.get("partner"):
        partner = partners.get(row["partner"])
        if partner is None:
            raise ValueError(_("no partner with the slug “%(slug)s”.") % {"slug": row["partner"]})
        try:
            partner_amount = services.money_clean(row.get("partner_amount"), label="partner_amount")
            partner_currency = services.currency_clean(row.get("partner_currency") or "EUR")
            partner_eur, partner_rate_date = services.to_eur(
                partner_amount, partner_currency, decision_date
            )
        except ServiceError as exc:
            raise ValueError(exc.message) from None
    seen.add(reference)
    clean = {
        "reference": reference,
        "city": city,
        "year": year,
        "title_fr": row.get("title_fr") or row["title_en"],
        "title_en": row.get("title_en") or row["title_fr"],
        "summary_fr": row.get("summary_fr", ""),
        "summary_en": row.get("summary_en", ""),
        "sector": row["sector"],
        "dac_code": dac,
        "start": start,
        "end": end,
        "decision_date": decision_date,
        "amount": amount,
        "currency": currency,
        "amount_eur": amount_eur,
        "disbursed": disbursed,
        "beneficiaries": beneficiaries,
        "partner": partner,
    }
    if partner is not None:
        clean.update(
            partner_amount=partner_amount,
            partner_currency=partner_currency,
            partner_eur=partner_eur,
            partner_rate_date=partner_rate_date,
        )
    return clean


def projects_import(*, actor: Any, data: bytes, filename: str) -> ImportReport:
    """Check every row first; import nothing unless all rows are good."""
    if not actor.has_perm("grants.import_projects"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the secretariat imports past projects."))
    report = ImportReport()
    try:
        rows = read_rows(data, filename)
    except ImportFileError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    if not rows:
        report.errors.append(RowError(1, _("The file has no rows.")))
        return report
    header = set(rows[0][1])
    absent = [c for c in REQUIRED if c not in header]
    if absent:
        report.errors.append(
            RowError(1, _("missing columns: %(columns)s.") % {"columns": ", ".join(absent)})
        )
        return report
    cities = {
        lg.slug: lg
        for lg in LocalGovernment.objects.filter(slug__in={r["city"] for _line, r in rows})
    }
    partners = {p.slug: p for p in Partner.objects.all()}
    seen: set[str] = set()
    clean_rows = []
    for line, row in rows:
        try:
            clean_rows.append(_clean_row(row, cities, partners, seen))
        except ValueError as exc:
            report.errors.append(RowError(line, str(exc)))
    if report.errors:
        return report
    with transaction.atomic():
        body, _created = Body.objects.get_or_create(
            slug="bureau",
            defaults={
                "name": "Bureau",
                "name_fr": "Bureau",
                "name_en": "Bureau",
                "kind": BodyKind.BUREAU,
            },
        )
        for row in clean_rows:
            _create_project(row, body)
            report.created += 1
    return report


def _past_call(year: int, currency: str) -> Call:
    call, _created = Call.objects.get_or_create(
        slug=f"programme-{year}",
        defaults={
            "title": f"Programme {year}",
            "title_fr": f"Programme {year}",
            "title_en": f"{year} programme",
            "description_fr": "Programme passé, importé.",
            "description_en": "Past programme, imported.",
            "year": year,
            "envelope": Decimal("100000000"),
            "currency": currency,
            "opens_on": dt.date(year, 1, 1),
            "closes_on": dt.date(year, 12, 31),
        },
    )
    return call


def _create_project(row: dict[str, Any], body: Body) -> None:
    call = _past_call(row["year"], row["currency"])
    city = row["city"]
    application = Application.objects.create(
        call=call,
        local_government=city,
        reference=row["reference"],
        title=row["title_fr"],
        title_fr=row["title_fr"],
        title_en=row["title_en"],
        summary_fr=row["summary_fr"],
        summary_en=row["summary_en"],
        sector=row["sector"],
        dac_code=row["dac_code"],
        location_name=city.name,
        latitude=city.latitude,
        longitude=city.longitude,
        start=row["start"],
        end=row["end"],
        grant_requested=row["amount"],
        currency=row["currency"],
        total_budget=row["amount"],
        beneficiaries=row["beneficiaries"],
        status=ApplicationStatus.APPROVED,
    )
    decision = Decision.objects.create(
        application=application,
        body=body,
        meeting_date=row["decision_date"],
        outcome=DecisionOutcome.APPROVED,
        amount=row["amount"],
        reasons=_("Imported past project."),
    )
    grant = Grant.objects.create(
        application=application,
        decision=decision,
        amount=row["amount"],
        currency=row["currency"],
        amount_eur=row["amount_eur"],
        disbursed=row["disbursed"],
    )
    if row["disbursed"]:
        Disbursement.objects.create(
            grant=grant, amount=row["disbursed"], paid_on=row["decision_date"]
        )
    if row["partner"] is not None:
        CoFinancing.objects.create(
            application=application,
            partner=row["partner"],
            amount=row["partner_amount"],
            currency=row["partner_currency"],
            status=CoFinancingStatus.COMMITTED,
            date=row["decision_date"],
            amount_eur=row["partner_eur"],
            rate_date=row["partner_rate_date"],
        )
        application.cofinancing_eur = application.partnerships_eur = row["partner_eur"]
        application.save(update_fields=["cofinancing_eur", "partnerships_eur"])
