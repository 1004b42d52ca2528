"""Small worlds for governance tests: a body with member cities, a congress, a tabled text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from edile.governance import services
from edile.governance.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    DecisionRule,
    Meeting,
    MeetingKind,
    Resolution,
    ResolutionState,
    Seat,
)
from edile.members.models import LocalGovernment, Membership
from edile.members.tests.factories import LocalGovernmentFactory

START = dt.datetime(2030, 12, 4, 2, 0, tzinfo=dt.UTC)


def make_city(**kwargs: Any) -> LocalGovernment:
    """An active member city (lighter than make_member: no dues, no mayor)."""
    lg = LocalGovernmentFactory(**kwargs)
    Membership.objects.create(local_government=lg, joined_on=dt.date(2000, 1, 1), status="active")
    return lg


@dataclass
class World:
    body: Body
    cities: list[LocalGovernment]
    congress: Meeting
    session: Meeting
    rule: DecisionRule
    resolution: Resolution
    extra: dict[str, Any] = field(default_factory=dict)


def make_world(
    n_cities: int = 6,
    *,
    present: int | None = None,
    rule: dict | None = None,
    capacity: int | None = None,
) -> World:
    """A General Assembly of `n_cities` seats meeting in a congress, one resolution tabled,
    and the first `present` cities recorded present."""
    body = Body.objects.create(
        slug="ga",
        name="Assemblée générale",
        name_fr="Assemblée générale",
        name_en="General Assembly",
        kind=BodyKind.GENERAL_ASSEMBLY,
    )
    cities = [make_city() for _ in range(n_cities)]
    for lg in cities:
        Seat.objects.create(body=body, local_government=lg, start=dt.date(2001, 1, 1))
    congress = Meeting.objects.create(
        slug="congress",
        kind=MeetingKind.CONGRESS,
        title="Congrès",
        title_fr="Congrès",
        title_en="Congress",
        start=START - dt.timedelta(days=2),
        end=START + dt.timedelta(days=1),
        timezone="Asia/Phnom_Penh",
        venue="Phnom Penh",
    )
    session = Meeting.objects.create(
        slug="congress-ga",
        parent=congress,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        body=body,
        title="Assemblée générale",
        title_fr="Assemblée générale",
        title_en="General Assembly",
        start=START,
        end=START + dt.timedelta(hours=4),
        timezone="Asia/Phnom_Penh",
        capacity=capacity,
    )
    decision_rule = DecisionRule.objects.create(
        code="general_assembly-ordinary",
        label="Majorité simple",
        label_fr="Majorité simple",
        label_en="Simple majority",
        **(rule or {}),
    )
    resolution = Resolution.objects.create(
        slug="res-1",
        number="R1",
        title="Résolution",
        title_fr="Résolution",
        title_en="Resolution",
        body=body,
        meeting=session,
        rule=decision_rule,
        state=ResolutionState.TABLED,
    )
    services.resolution_version_create(
        resolution=resolution,
        paragraphs=[
            ("Premier paragraphe.", "First paragraph."),
            ("Les villes agissent pour la nature.", "Cities act for nature."),
        ],
    )
    for lg in cities[: n_cities if present is None else present]:
        Attendance.objects.create(
            meeting=session, local_government=lg, status=AttendanceStatus.PRESENT
        )
    return World(body, cities, congress, session, decision_rule, resolution)
