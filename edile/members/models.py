"""The member registry: local governments, persons, their mandates, membership and dues."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel, VersionedModel


class LocalGovernmentKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("District")
    REGION = "region", _("Region")
    NATIONAL_ASSOCIATION = "national_association", _("National association of local governments")


class LocalGovernment(VersionedModel):
    # name, region: translated fields (name_fr, name_en…) registered in translation.py.
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=LocalGovernmentKind.choices,
        default=LocalGovernmentKind.MUNICIPALITY,
    )
    country = CountryField(_("country"), db_index=True)
    region = models.CharField(
        _("region"), max_length=200, blank=True, help_text=_("Province, state or region.")
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True)
    # history: registered in translation.py, after the translated fields exist.
    if TYPE_CHECKING:  # added at run time by modeltranslation and simple-history
        name_fr: str
        name_en: str | None
        region_fr: str
        region_en: str | None
        history: Any

    class Meta:
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind"]),
            # Lists are ordered by name in the reader's language (`name_fr`, `name_en`: added
            # by modeltranslation); the indexes let a page of 50 skip sorting every city.
            models.Index(fields=["name_fr", "id"], name="members_lg_name_fr_order"),
            models.Index(fields=["name_en", "id"], name="members_lg_name_en_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="members_localgovernment_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="members_localgovernment_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:local_government_detail", kwargs={"slug": self.slug})


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Person(VersionedModel):
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    is_fictional = models.BooleanField(
        _("fictional"),
        default=False,
        help_text=_("Demo data: a person invented for the demonstration."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def name(self) -> str:
        return str(self)


class Office(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    DEPUTY_MAYOR = "deputy_mayor", _("Deputy mayor")
    COUNCILLOR = "councillor", _("Councillor")
    GOVERNOR = "governor", _("Governor")
    PRESIDENT = "president", _("President")
    SECRETARY_GENERAL = "secretary_general", _("Secretary general")


class Mandate(TimeStampedModel):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("person")
    )
    office = models.CharField(_("office"), max_length=30, choices=Office.choices)
    local_government = models.ForeignKey(
        LocalGovernment,
        on_delete=models.CASCADE,
        related_name="mandates",
        verbose_name=_("local government"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government"],
                condition=Q(office="mayor", end__isnull=True),
                name="members_mandate_one_current_mayor",
                violation_error_message=_("This local government already has a current mayor."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="members_mandate_end_after_start",
                violation_error_message=_("A mandate cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_office_display()}, {self.local_government}"

    @property
    def is_current(self) -> bool:
        return self.end is None or self.end >= dt.date.today()


class MembershipCategory(models.TextChoices):
    FULL = "full", _("Full member")
    ASSOCIATE = "associate", _("Associate member")
    NATIONAL_ASSOCIATION = "national_association", _("National association member")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LAPSED = "lapsed", _("Lapsed")
    RESIGNED = "resigned", _("Resigned")


class Membership(VersionedModel):
    local_government = models.OneToOneField(
        LocalGovernment,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("local government"),
    )
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=MembershipCategory.choices,
        default=MembershipCategory.FULL,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
        db_index=True,
    )
    joined_on = models.DateField(_("joined on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.local_government} ({self.get_status_display()})"


class Dues(TimeStampedModel):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="dues", verbose_name=_("membership")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1979), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues")
        verbose_name_plural = _("dues")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "year"], name="members_dues_one_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="members_dues_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.local_government} {self.year}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None
