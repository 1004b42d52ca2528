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


class DecisionIn(Schema):
    outcome: Literal["approved", "rejected", "deferred"]
    amount: Decimal | None = Field(
        None, description="Only for an approval, in the call's currency."
    )
    meeting_date: dt.date
    meeting_reference: str = Field("", max_length=200)
    reasons: str = Field(..., min_length=1, max_length=5000)
    body: str = Field("bureau", description="Slug of the deciding body.")


class DisbursementIn(Schema):
    amount: Decimal | None = None
    paid_on: dt.date
    tranche: int | None = Field(None, description="Number of the tranche paid, if any.")


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
