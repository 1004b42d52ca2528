"""Schemas of the sanitation API (no `from __future__ import annotations`: ninja reads them)."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class SanitationErrorOut(Schema):
    detail: str
    # Messages (400) or the validator's error objects (422).
    errors: list[Any] = []


class SfdRowIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="The SFD grid code, e.g. T1A5C10.")
    population: float | None = Field(None, description="Share of the population, in %.")
    f3: float | None = Field(None, description="% of this system's sludge that is emptied.")
    f4: float | None = Field(None, description="% of emptied sludge delivered to treatment.")
    f5: float | None = Field(None, description="% of delivered sludge that is treated.")
    w4: float | None = Field(None, description="% of sewer wastewater delivered to treatment.")
    w5: float | None = Field(None, description="% of delivered wastewater that is treated.")


class SfdEvaluateIn(Schema):
    rows: list[SfdRowIn]


class SfdEvaluateOut(Schema):
    safely_managed: float
    unsafely_managed: float
    flows: dict[str, float]


class StudyOut(Schema):
    id: int
    city: str
    year: int
    title: str
    level: str
    basis: str
    status: str
    is_fictional: bool
    sdg_621_safely_managed: float | None = None
    result: SfdEvaluateOut | None = None
    errors: list[str] = []


class JobOut(Schema):
    id: int
    reference: str
    state: str
    containment: str
    local_type: str
    address: str
    zone: str
    scheduled_for: dt.date | None = None
    sla_deadline: dt.datetime
    trips_estimated: int
    vehicle: str | None = None


class EmptyingIn(Schema):
    emptied_on: dt.date | None = None
    volume_l: int = Field(description="Volume emptied, in litres.")
    trips: int = 1
    receipt_number: str = ""
    amount_collected: float = 0
    latitude: float | None = None
    longitude: float | None = None
    ppe_gloves: bool = False
    ppe_boots: bool = False
    ppe_mask: bool = False
    ppe_overalls: bool = False


class EmptyingOut(Schema):
    id: int
    request: str | None = None
    containment: str
    volume_l: int
    emptied_on: dt.date


class TransitionIn(Schema):
    action: str
    note: str = ""


class RequestOut(Schema):
    id: int
    reference: str
    state: str
