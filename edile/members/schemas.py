import datetime as dt

from ninja import Field, Schema
from pydantic import BaseModel, field_validator

from edile.members.models import LocalGovernmentKind, MembershipStatus


class LocalGovernmentFilters(Schema):
    q: str = Field("", max_length=100, description="Text in the name or region.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. KH.")
    region: str = Field("", max_length=200)
    kind: LocalGovernmentKind | None = None
    status: MembershipStatus | None = Field(None, description="Membership status.")

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        from django_countries import countries

        value = value.strip().upper()
        if value and value not in dict(countries):
            raise ValueError(f"unknown country code {value!r}; use an ISO 3166-1 alpha-2 code")
        return value


# Output models are plain pydantic models built from dicts: ninja's `Schema` wraps every
# object in a getter that resolves attributes one by one, which cost more than the SQL of a
# 50-row page (docs/performance.md).


class PersonOut(BaseModel):
    id: int
    name: str
    gender: str
    is_fictional: bool


class LocalGovernmentOut(BaseModel):
    id: int
    slug: str
    name: str
    name_fr: str
    name_en: str | None
    kind: str
    country: str
    region: str | None
    population: int | None
    latitude: float | None
    longitude: float | None
    website: str
    membership_status: str | None
    current_mayor: PersonOut | None


class MandateOut(BaseModel):
    person: PersonOut
    office: str
    start: dt.date
    end: dt.date | None


class LocalGovernmentDetailOut(LocalGovernmentOut):
    mandates: list[MandateOut]
    joined_on: dt.date | None
