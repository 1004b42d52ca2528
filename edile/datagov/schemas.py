import datetime as dt
from typing import Literal

from ninja import Field, Schema

from edile.datagov.models import (
    Classification,
    ColumnType,
    DataTheme,
    DistributionFormat,
    Frequency,
    LegalBasis,
    Licence,
)

ClassificationCode = Literal[tuple(Classification.values)]  # type: ignore[valid-type]
ThemeCode = Literal[tuple(DataTheme.values)]  # type: ignore[valid-type]
FormatCode = Literal[tuple(DistributionFormat.values)]  # type: ignore[valid-type]
LicenceCode = Literal[tuple(Licence.values)]  # type: ignore[valid-type]
FrequencyCode = Literal[tuple(Frequency.values)]  # type: ignore[valid-type]
LegalBasisCode = Literal[tuple(LegalBasis.values)]  # type: ignore[valid-type]
ColumnTypeCode = Literal[tuple(ColumnType.values)]  # type: ignore[valid-type]


class DatasetFilters(Schema):
    q: str = Field("", max_length=100, description="Words in the title, description or keywords.")
    publisher: str = Field(
        "", max_length=200, description="A member city's slug, or `association`."
    )
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code of the publisher.")
    theme: ThemeCode | None = None
    format: FormatCode | None = None
    sort: Literal["", "relevance", "title", "modified"] = ""
    licence: LicenceCode | None = None
    classification: ClassificationCode | None = None
    year: str = Field("", pattern=r"^(\d{4})?$", description="Year of publication, e.g. `2024`.")
    keyword: str = Field(
        "",
        max_length=200,
        description="A keyword, in any case and accents (`donnees` finds `Données`).",
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class DistributionOut(Schema):
    id: int
    title: str
    format: str
    media_type: str
    byte_size: int | None
    checksum: str
    is_file: bool
    access_url: str
    download_url: str | None = Field(None, description="Only when the viewer may have the data.")
    csvw_url: str | None = Field(
        None, description="The CSVW description of its columns, when the file has a dictionary."
    )


class DatasetOut(Schema):
    slug: str
    uri: str
    title: str
    title_fr: str | None
    title_en: str | None
    description: str
    publisher: str | None
    publisher_slug: str | None
    country: str | None
    classification: str
    licence: str
    themes: list[str]
    keywords: list[str]
    formats: list[str]
    modified: dt.date
    is_fictional: bool


class DatasetDetailOut(DatasetOut):
    description_fr: str | None
    description_en: str | None
    contact_name: str
    contact_email: str
    frequency: str
    issued: dt.date
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    spatial_local_government: str | None
    spatial_country: str | None
    quality_notes: str
    version: int
    access: bool = Field(description="Whether the viewer may have the data itself.")
    distributions: list[DistributionOut]
    dcat_errors: list[str] | None = Field(None, description="Shown to the people who manage it.")
    dcat_warnings: list[str] | None = None


class FacetOption(Schema):
    value: str
    label: str
    count: int


class DatasetPage(Schema):
    count: int
    items: list[DatasetOut]
    facets: dict[str, list[FacetOption]]


class DatasetIn(Schema):
    publisher: str | None = Field(
        None, description="Slug of the member city; empty for the association."
    )
    title_fr: str = Field("", max_length=250)
    title_en: str = Field("", max_length=250)
    description_fr: str = ""
    description_en: str = ""
    classification: ClassificationCode
    licence: LicenceCode
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    keywords: str = Field("", max_length=500)
    themes: list[ThemeCode] = []
    frequency: FrequencyCode = "UNKNOWN"
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None


class DatasetUpdateIn(DatasetIn):
    version: int = Field(
        description="The version you read (`version` in the detail); 409 if it changed."
    )


class AccessRequestIn(Schema):
    purpose: str = Field(min_length=1, max_length=5000)
    intended_use: str = Field(min_length=1, max_length=5000)
    duration_days: int = Field(ge=1, le=730)
    legal_basis: LegalBasisCode | Literal[""] = ""


class AccessDecisionIn(Schema):
    approve: bool
    conditions: str = Field("", max_length=5000)
    reason: str = Field("", max_length=5000)


class AccessRequestOut(Schema):
    id: int
    dataset: str
    status: str
    purpose: str
    intended_use: str
    duration_days: int
    legal_basis: str
    conditions: str
    refusal_reason: str
    expires_on: dt.date | None
    active: bool


class HarvestSourceIn(Schema):
    url: str = Field(..., max_length=500, description="For CKAN: the portal's root address.")
    kind: Literal["ckan", "dcat"]
    city: str = Field(..., max_length=200, description="The publishing member city's slug.")
    name: str = Field("", max_length=200)
    schedule: Literal["manual", "daily", "weekly", "monthly"] = "weekly"
    default_licence: LicenceCode | Literal[""] = ""  # type: ignore[valid-type]
    default_contact_name: str = Field("", max_length=200)
    default_contact_email: str = Field("", max_length=254)
    default_language: Literal["fr", "en", ""] = "fr"


class HarvestSourceOut(Schema):
    id: int
    name: str
    url: str
    kind: str
    city: str
    schedule: str
    default_licence: str
    default_contact_email: str
    default_language: str
    last_run_at: dt.datetime | None


class RefusedRecordOut(Schema):
    record: str
    reason: str


class HarvestReportOut(Schema):
    run: int
    status: str
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    refused: list[RefusedRecordOut]
    flagged: list[RefusedRecordOut]


class ErrorDetail(Schema):
    detail: str


class DictionaryColumnIn(Schema):
    name: str = Field(min_length=1, max_length=200, description="The column's header.")
    datatype: ColumnTypeCode = "string"  # type: ignore[valid-type]
    unit: str = Field("", max_length=50)
    description_fr: str = Field("", max_length=2000)
    description_en: str = Field("", max_length=2000)


class DataDictionaryIn(Schema):
    version: int = Field(
        ge=0,
        description="The version you read (0 when the file has no dictionary yet); 409 if it changed.",
    )
    columns: list[DictionaryColumnIn] = Field(
        min_length=1, max_length=500, description="In the file's order."
    )


class DataDictionaryOut(Schema):
    version: int
    delimiter: str
    columns: list[DictionaryColumnIn]
