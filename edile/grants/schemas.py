import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from edile.grants.models import Sector

SectorCode = Literal[tuple(Sector.values)]  # type: ignore[valid-type]


class SummaryFilters(Schema):
    year: int | None = Field(None, ge=1979, le=2100, description="Programme year, e.g. 2019.")
    sector: SectorCode | None = None
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code, e.g. KH.")


class SummaryOut(Schema):
    projects: int
    granted_eur: Decimal
    disbursed_eur: Decimal
    partnerships_eur: Decimal
    leverage: Decimal | None
    beneficiaries: int


class BreakdownRow(Schema):
    key: str | int
    label: str
    projects: int
    granted_eur: Decimal
    partnerships_eur: Decimal
    leverage: Decimal | None
    beneficiaries: int


class CallOut(Schema):
    slug: str
    title_fr: str
    title_en: str
    year: int
    envelope: Decimal
    currency: str
    opens_on: dt.date
    closes_on: dt.date
    sectors: list[str]
    rules: dict
    is_open: bool
    is_fictional: bool


class ProjectOut(Schema):
    reference: str
    title_fr: str
    title_en: str
    city: str
    country: str
    year: int
    sector: str
    dac_code: str
    start: dt.date
    end: dt.date
    granted: Decimal
    currency: str
    disbursed: Decimal
    partnerships_eur: Decimal
    beneficiaries: int
    latitude: float | None
    longitude: float | None
    is_fictional: bool


class ApplicationOut(Schema):
    reference: str
    title: str
    city: str
    call: str
    status: str
    grant_requested: Decimal
    currency: str


class Detail(Schema):
    detail: str
    errors: list[str] | None = None


class DecisionIn(Schema):
    outcome: Literal["approved", "rejected", "deferred"]
    amount: Decimal | None = Field(
        None, description="Only for an approval, in the call's currency.", ge=0, le=10**12
    )
    meeting: str = Field(
        ...,
        max_length=120,
        description="Slug of the Bureau meeting (governance module) that takes the decision.",
    )
    decided_on: dt.date | None = Field(
        None, description="Date of the decision, within the meeting; its first day by default."
    )
    reasons: str = Field(..., min_length=1, max_length=5000)
    review_override: str = Field(
        "",
        max_length=2000,
        description="Why the Bureau approves with fewer reviews than the call asks (recorded).",
    )
    body: str = Field(
        "", max_length=100, description="Slug of the deciding body: must be the meeting's."
    )


class DecisionOut(Schema):
    id: int
    outcome: str
    amount: Decimal | None
    meeting: str
    decided_on: dt.date
    resolution: str | None


class PaymentRequestIn(Schema):
    tranche: int | None = Field(None, ge=1, le=1000, description="Number of the tranche.")
    amount: Decimal | None = Field(None, ge=0, le=10**12, description="When no tranche.")
    overdue_override: str = Field(
        "", max_length=2000, description="Why pay although a report is overdue (recorded)."
    )
    comment: str = Field("", max_length=2000)


class PaymentRequestOut(Schema):
    id: int
    status: str
    amount: Decimal
    tranche: int | None
    requested_by: str
    decided_by: str | None


class RefusalIn(Schema):
    comment: str = Field(..., min_length=1, max_length=2000)


class DisbursementIn(Schema):
    payment_request: int = Field(
        ..., ge=1, le=2**62, description="The approved payment request that is paid."
    )
    paid_on: dt.date


class DisbursementOut(Schema):
    id: int
    amount: Decimal
    disbursed: Decimal


class ProblemOut(Schema):
    identifier: str
    reference: str
    problems: list[str]


class CallIn(Schema):
    slug: str = Field("", max_length=100)
    title_fr: str = Field(..., min_length=1, max_length=250)
    title_en: str = Field("", max_length=250)
    description_fr: str = ""
    description_en: str = ""
    year: int = Field(..., ge=1990, le=2100)
    envelope: Decimal
    currency: str = Field("EUR", min_length=3, max_length=3)
    opens_on: dt.date
    closes_on: dt.date
    sectors: list[str] = []
    rules: dict = {}
    criteria: list[dict] = []
