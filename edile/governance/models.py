"""Governance: the association's bodies and the seats in them.

The foundation defines bodies and seats (the Bureau and commissions are part of the member
registry's demo); meetings, resolutions, votes and prizes build on them.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel


class BodyKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    BUREAU = "bureau", _("Bureau")
    COMMISSION = "commission", _("Commission")
    NETWORK = "network", _("Network")
    JURY = "jury", _("Jury")


class Body(TimeStampedModel):
    # name, description: translated (translation.py).
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    description = models.TextField(_("description"), blank=True)
    # history: registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    TREASURER = "treasurer", _("Treasurer")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class Seat(TimeStampedModel):
    """A seat in a body, held by a city, or by a person on behalf of a city."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("body")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=SeatRole.choices, default=SeatRole.MEMBER
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="seats", verbose_name=_("local government"),
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="seats", verbose_name=_("person"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_government__isnull=False) | Q(person__isnull=False),
                name="governance_seat_has_holder",
                violation_error_message=_("A seat is held by a city, a person, or both."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="governance_seat_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(role="chair", end__isnull=True),
                name="governance_seat_one_current_chair",
                violation_error_message=_("This body already has a current chair."),
            ),
        ]

    def __str__(self) -> str:
        holder = self.person or self.local_government
        return f"{self.body} — {self.get_role_display()}: {holder}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.start <= on and (self.end is None or self.end >= on)
