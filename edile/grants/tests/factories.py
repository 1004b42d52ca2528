"""Test data for the grants programme: an open call, a complete draft, an approved grant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from edile.governance.models import Body, BodyKind, Meeting, MeetingKind
from edile.grants import services
from edile.grants.models import (
    Application,
    BeneficiaryGroup,
    BudgetLine,
    Call,
    CoFinancing,
    Decision,
    Grant,
    Indicator,
    Partner,
)
from edile.members.tests.factories import make_member

TODAY = dt.date.today()
CRITERIA = [
    {"code": "relevance", "label_fr": "Pertinence", "label_en": "Relevance", "weight": 3, "max": 5},
    {"code": "impact", "label_fr": "Impact", "label_en": "Impact", "weight": 1, "max": 10},
]


def make_call(**kwargs: Any) -> Call:
    n = Call.objects.count() + 1
    defaults = {
        "slug": f"call-{n}",
        "title": f"Appel {n}",
        "title_fr": f"Appel {n}",
        "title_en": f"Call {n}",
        "year": TODAY.year,
        "envelope": Decimal("300000.00"),
        "currency": "EUR",
        "opens_on": TODAY - dt.timedelta(days=30),
        "closes_on": TODAY + dt.timedelta(days=30),
        "sectors": ["14030", "14032", "11120", "16061", "12230", "25030"],
        "rules": {
            "good_standing": True,
            "max_grant": "150000",
            "min_cofinancing_share": "0.30",
            "one_open_application": True,
            # Tests about the minimum number of reviews set their own.
            "min_reviews": 0,
        },
        "criteria": CRITERIA,
    }
    defaults.update(kwargs)
    return Call.objects.create(**defaults)


def make_partner(**kwargs: Any) -> Partner:
    n = Partner.objects.count() + 1
    defaults = {
        "slug": f"partner-{n}",
        "name": f"Partner {n}",
        "name_fr": f"Partenaire {n}",
        "name_en": f"Partner {n}",
        "iati_ref": "XM-DAC-44000",
        "org_type": "40",
    }
    defaults.update(kwargs)
    return Partner.objects.create(**defaults)


def bureau() -> Body:
    body, _created = Body.objects.get_or_create(
        slug="bureau",
        defaults={
            "name": "Bureau",
            "name_fr": "Bureau",
            "name_en": "Bureau",
            "kind": BodyKind.BUREAU,
        },
    )
    return body


def general_assembly() -> Body:
    body, _created = Body.objects.get_or_create(
        slug="general-assembly",
        defaults={
            "name": "Assemblée générale",
            "name_fr": "Assemblée générale",
            "name_en": "General Assembly",
            "kind": BodyKind.GENERAL_ASSEMBLY,
        },
    )
    return body


def bureau_meeting(on: dt.date | None = None, body: Body | None = None, **kwargs: Any) -> Meeting:
    """A Bureau meeting (yesterday unless told) of one morning."""
    on = on or TODAY - dt.timedelta(days=1)
    body = body or bureau()
    n = Meeting.objects.count() + 1
    start = dt.datetime.combine(on, dt.time(9, 0), tzinfo=dt.UTC)
    defaults = {
        "slug": f"{body.slug}-meeting-{n}",
        "kind": MeetingKind.BUREAU_MEETING
        if body.kind == BodyKind.BUREAU
        else MeetingKind.GENERAL_ASSEMBLY,
        "title": f"Réunion {n}",
        "title_fr": f"Réunion {n}",
        "title_en": f"Meeting {n}",
        "body": body,
        "start": start,
        "end": start + dt.timedelta(hours=3),
    }
    defaults.update(kwargs)
    return Meeting.objects.create(**defaults)


def make_application(
    call: Call | None = None, local_government: Any = None, *, complete: bool = True, **kwargs: Any
) -> Application:
    """A draft; `complete` adds budget, co-financing (40%), beneficiaries and an indicator."""
    call = call or make_call()
    lg = local_government or make_member(country="SN")
    n = Application.objects.count() + 1
    defaults = {
        "call": call,
        "local_government": lg,
        "reference": f"app-{n}",
        "title": f"Projet {n}",
        "title_fr": f"Projet {n}",
        "title_en": f"Project {n}",
        "summary_fr": "Résumé",
        "summary_en": "Summary",
        "sector": "water_sanitation",
        "dac_code": "14030",
        "start": TODAY + dt.timedelta(days=60),
        "end": TODAY + dt.timedelta(days=425),
        "grant_requested": Decimal("100000.00"),
        "currency": call.currency,
        "latitude": Decimal("14.7"),
        "longitude": Decimal("-17.4"),
    }
    defaults.update(kwargs)
    application = Application.objects.create(**defaults)
    if complete:
        BudgetLine.objects.create(
            application=application, label="Travaux", amount=Decimal("200000.00")
        )
        CoFinancing.objects.create(
            application=application,
            partner=make_partner(),
            amount=Decimal("80000.00"),
            currency="EUR",
            status="committed",
            date=TODAY,
            amount_eur=Decimal("80000.00"),
            rate_date=TODAY,
        )
        BeneficiaryGroup.objects.create(
            application=application, group="women", number=5000, is_breakdown=True
        )
        Indicator.objects.create(
            application=application,
            name="Latrines",
            name_fr="Latrines",
            name_en="Latrines",
            unit="u",
            baseline=0,
            target=50,
        )
        services.application_totals_refresh(application)
    return application


def make_grant(
    amount: Decimal = Decimal("100000.00"), *, signed: bool = True, **kwargs: Any
) -> Grant:
    """An approved application with its decision (a month ago) and grant; the agreement is
    signed unless `signed` is False."""
    application = make_application(status="approved", **kwargs)
    decision = Decision.objects.create(
        application=application,
        body=bureau(),
        meeting_date=TODAY - dt.timedelta(days=30),
        outcome="approved",
        amount=amount,
        reasons="OK",
    )
    return Grant.objects.create(
        application=application,
        decision=decision,
        amount=amount,
        amount_eur=amount,
        agreement_signed_on=TODAY - dt.timedelta(days=20) if signed else None,
    )


def pay(
    grant: Grant,
    requester: Any,
    approver: Any,
    *,
    tranche: Any = None,
    amount: Any = None,
    paid_on: dt.date | None = None,
    **kwargs: Any,
) -> Any:
    """Request, approve (another person) and disburse a payment."""
    request = services.payment_request_create(
        actor=requester, grant=grant, tranche=tranche, amount=amount, **kwargs
    )
    services.payment_request_approve(actor=approver, payment_request=request)
    return services.disbursement_record(
        actor=requester, grant=grant, paid_on=paid_on or TODAY, payment_request=request
    )
