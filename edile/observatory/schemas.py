"""API schemas of the observatory. Only what `selectors.incident_view` lets through exists here."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

Unit = Literal["incidents", "acts", "victims"]
Scope = Literal["in_office", "former", "candidate", "relative", "other"]


def _country(value: str) -> str:
    from django_countries import countries

    value = value.strip().upper()
    if value and value not in dict(countries):
        raise ValueError(f"unknown country code {value!r}; use an ISO 3166-1 alpha-2 code")
    return value


def _violation_codes(schema: dict) -> None:
    """The description lists the codes the codebook holds when it is generated (staff may add
    codes), so that it promises exactly what the validator accepts."""
    from django.db import DatabaseError

    from edile.observatory.models import ViolationType

    try:
        codes = list(ViolationType.objects.order_by("code").values_list("code", flat=True))
    except (DatabaseError, RuntimeError):
        # No database reachable (a build step; pytest's collection, where access is blocked):
        # the description stays open.
        return
    schema["enum"] = ["", *codes]


class IncidentFilters(Schema):
    q: str = Field("", max_length=100, description="Text in the public title or summary.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. ML.")
    year: int | None = Field(None, ge=1900, le=2100)
    violation: str = Field(
        "",
        max_length=50,
        description="A violation type code (the codebook's codes, listed here).",
        json_schema_extra=_violation_codes,
    )
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        return _country(value)

    @field_validator("violation")
    @classmethod
    def violation_is_known(cls, value: str) -> str:
        from edile.observatory.models import ViolationType

        if value and not ViolationType.objects.filter(code=value).exists():
            raise ValueError(f"unknown violation type {value!r}")
        return value


class StatisticsQuery(Schema):
    unit: Unit = "incidents"
    year: int | None = Field(None, ge=1900, le=2100)
    country: str = ""
    scope: Scope | None = None

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        return _country(value)


class CodeLabel(Schema):
    code: str
    label: str


class VictimOut(Schema):
    label: str = Field(
        description="The name, or the office and region when the identity is withheld."
    )
    name: str | None = Field(None, description="Null when the identity is withheld.")
    identity_visible: bool
    gender: str
    office: str
    local_government: str = ""
    mandate: str = ""


class PerpetratorOut(Schema):
    type: str
    label: str
    description: str = ""


class ActOut(Schema):
    violations: list[CodeLabel]
    victims: list[str]
    perpetrators: list[PerpetratorOut]
    description: str = ""


class IncidentOut(Schema):
    reference: str
    url: str
    title: str
    title_fr: str | None
    title_en: str | None
    summary: str | None
    summary_fr: str | None
    summary_en: str | None
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    country: str
    region: str
    place: str
    place_precision: str
    latitude: float | None = Field(description="Rounded to 0.1° on public answers.")
    longitude: float | None
    violations: list[CodeLabel]
    perpetrator_types: list[CodeLabel]
    context: str
    killed: int
    injured: int
    motive: str
    verification_status: str
    outcome: str
    impunity: str
    is_fictional: bool
    victims: list[VictimOut]
    acts: list[ActOut]


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int


class SourceOut(Schema):
    type: str
    title: str
    url: str
    document: str
    date: dt.date | None
    reliability: str
    credibility: str


class FollowUpOut(Schema):
    kind: str
    date: dt.date
    description: str  # in the caller's language, else the other (see `language`)
    description_fr: str = ""
    description_en: str = ""
    language: str = ""
    url: str


class ResponseOut(Schema):
    kind: Literal["resolution", "project"]
    label: str
    url: str


class IncidentDetailOut(IncidentOut):
    sources: list[SourceOut]
    follow_ups: list[FollowUpOut]
    # Resolutions and grant projects that respond to the incident, as the caller may see them.
    responses: list[ResponseOut] = []


class SuggestionOut(Schema):
    reference: str
    title: str
    url: str
