"""Sanitation: a city's faecal sludge service chain, its excreta flow diagrams (SFD-style
estimates) and the financing round of its sanitation programme.

Volumes are integer litres (shown in m³); shares and rates are percentages (0–100) kept as
Decimal. Every record belongs to one local government (directly or through its parent).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel, VersionedModel

MONEY = {"max_digits": 16, "decimal_places": 2}
PERCENT = {
    "max_digits": 6,
    "decimal_places": 3,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
}
LG = "members.LocalGovernment"


# --- the SFD grid and studies -------------------------------------------------------------


class GroundwaterRisk(models.TextChoices):
    LOW = "T1", _("Low risk of groundwater pollution")
    SIGNIFICANT = "T2", _("Significant risk of groundwater pollution")


class SfdBranch(models.TextChoices):
    """Where the calculation sends a system's population share (research a.4)."""

    SEWER = "sewer", _("Wastewater contained (sewer)")
    WW_NOT_CONTAINED = "ww_not_contained", _("Wastewater not contained")
    FS_CONTAINED = "fs_contained", _("Faecal sludge contained")
    FS_NOT_CONTAINED = "fs_not_contained", _("Faecal sludge not contained")
    OPEN_DEFECATION = "open_defecation", _("Open defecation")


class SfdGridCell(models.Model):
    """One cell of the SFD selection grid: a system code and the branch it is computed on.

    Loaded from `data/sfd_grid.csv` by a migration; staff may correct a cell in the admin
    once it has been checked against the SFD Manual (`confirmed`). Codes absent from this
    table, or marked not valid, are refused.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    groundwater_risk = models.CharField(
        _("groundwater risk"), max_length=2, choices=GroundwaterRisk.choices
    )
    containment = models.CharField(_("containment (list A)"), max_length=4)
    outlet = models.CharField(_("outlet (list B)"), max_length=4)
    branch = models.CharField(_("branch"), max_length=20, choices=SfdBranch.choices)
    variables = models.CharField(
        _("variables that apply"),
        max_length=40,
        blank=True,
        help_text=_("Separated by spaces, e.g. “f3 f4 f5” or “w4 w5”."),
    )
    is_valid = models.BooleanField(_("valid combination"), default=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Checked against a published source (the SFD Manual or its FAQ)."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("SFD grid cell")
        verbose_name_plural = _("SFD grid cells")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def variable_names(self) -> list[str]:
        return self.variables.split()


class SfdLevel(models.TextChoices):
    INITIAL = "initial", _("Initial")
    INTERMEDIATE = "intermediate", _("Intermediate")
    COMPREHENSIVE = "comprehensive", _("Comprehensive")
    LITE = "lite", _("SFD Lite")


class SfdBasis(models.TextChoices):
    DESK = "desk", _("Desk-based")
    FIELD = "field", _("Field-based")


class SfdStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")
    PUBLISHED = "published", pgettext_lazy("study status", "Published")


class SfdStudy(VersionedModel):
    """An SFD-style estimate of a city for a year. Published studies are public."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sfd_studies", verbose_name=_("city")
    )
    year = models.PositiveSmallIntegerField(_("reference year"))
    title = models.CharField(_("title"), max_length=200)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    boundary = models.CharField(_("area covered"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=SfdLevel.choices, default=SfdLevel.INITIAL
    )
    basis = models.CharField(
        _("basis"), max_length=10, choices=SfdBasis.choices, default=SfdBasis.DESK
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SfdStatus.choices, default=SfdStatus.DRAFT
    )
    prepared_by = models.CharField(_("prepared by"), max_length=200, blank=True)
    sources = models.TextField(_("sources"), blank=True)
    method_version = models.CharField(
        _("method version"), max_length=60, default="SFD Manual 2.0 (reconstruction)"
    )
    sdg_621_safely_managed = models.DecimalField(
        _("SDG 6.2.1 safely managed sanitation (%)"),
        null=True,
        blank=True,
        help_text=_(
            "The JMP figure, from its own source: it is not the SFD's safely managed share."
        ),
        **PERCENT,
    )
    sdg_621_source = models.CharField(
        _("source of the SDG 6.2.1 figure"), max_length=300, blank=True
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)
    # history: registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("SFD-style estimate")
        verbose_name_plural = _("SFD-style estimates")
        ordering = ["local_government__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "year", "title"], name="sanitation_study_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class SfdSystemRow(TimeStampedModel):
    """One sanitation system of a study: its grid code and the share of the population."""

    study = models.ForeignKey(SfdStudy, on_delete=models.CASCADE, related_name="rows")
    cell = models.ForeignKey(
        SfdGridCell, on_delete=models.PROTECT, related_name="rows", verbose_name=_("grid code")
    )
    description = models.CharField(_("local description"), max_length=200, blank=True)
    population_share = models.DecimalField(_("population share (%)"), **PERCENT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanitation system")
        verbose_name_plural = _("sanitation systems")
        ordering = ["study", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.cell.code} {self.population_share} %"


class VariableSource(models.TextChoices):
    SURVEY = "survey", _("Household survey")
    OPERATOR_RECORDS = "operator_records", _("Operators' records")
    SERVICE_CHAIN = "service_chain", _("Derived from the service chain's records")
    EXPERT = "expert", _("Expert opinion")
    LITERATURE = "literature", _("Literature")
    FICTIONAL = "fictional", _("Fictional (demonstration)")


class SfdVariable(TimeStampedModel):
    """A variable of a system row (F3, F4, F5, W4, W5), with its source and assumption.

    A value proposed from the service chain is `is_derived` until a person confirms it.
    """

    row = models.ForeignKey(SfdSystemRow, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(_("variable"), max_length=8)
    value = models.DecimalField(_("value (%)"), **PERCENT)
    source = models.CharField(
        _("source"), max_length=20, choices=VariableSource.choices, default=VariableSource.EXPERT
    )
    assumption = models.CharField(_("assumption"), max_length=300, blank=True)
    is_derived = models.BooleanField(_("derived, to be confirmed"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SFD variable")
        verbose_name_plural = _("SFD variables")
        ordering = ["row", "name"]
        constraints = [
            models.UniqueConstraint(fields=["row", "name"], name="sanitation_variable_once")
        ]

    def __str__(self) -> str:
        return f"{self.name.upper()} = {self.value} %"


# --- the city's settings ------------------------------------------------------------------


class CitySettings(TimeStampedModel):
    """A city's rules for its service chain, as data its sanitation officer can change."""

    local_government = models.OneToOneField(
        LG, on_delete=models.CASCADE, related_name="sanitation_settings"
    )
    emptying_interval_years = models.PositiveSmallIntegerField(
        _("emptying interval (years)"), default=3
    )
    sla_hours = models.PositiveIntegerField(_("service deadline (hours)"), default=48)
    volume_tolerance_percent = models.DecimalField(
        _("volume tolerance (%)"), default=Decimal(10), **PERCENT
    )
    unreceived_after_hours = models.PositiveIntegerField(
        _("trip not received after (hours)"), default=24
    )
    daily_trip_capacity = models.PositiveIntegerField(_("trips per day"), default=20)
    non_working_weekdays = models.CharField(
        _("non-working days"),
        max_length=20,
        default="6",
        blank=True,
        help_text=_(
            "Days of the week with no scheduled emptying: 0 Monday … 6 Sunday, e.g. “5 6”."
        ),
    )
    schedule_horizon_days = models.PositiveSmallIntegerField(
        _("scheduled emptying: due within (days)"), default=30
    )
    coverage_years = models.PositiveSmallIntegerField(_("coverage window (years)"), default=3)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    figures_public = models.BooleanField(
        _("figures public"),
        default=False,
        help_text=_("Show the city's service figures (no personal data) to the public."),
    )
    monthly_operating_cost = models.DecimalField(
        _("operating cost per month"), null=True, blank=True, **MONEY
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city sanitation settings")
        verbose_name_plural = _("city sanitation settings")

    def __str__(self) -> str:
        return str(self.local_government)


# --- the registry -------------------------------------------------------------------------


class Zone(TimeStampedModel):
    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_zones", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=30)
    is_low_income = models.BooleanField(_("low-income area"), default=False)
    groundwater_risk = models.CharField(
        _("groundwater risk"),
        max_length=2,
        choices=GroundwaterRisk.choices,
        default=GroundwaterRisk.LOW,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["local_government", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "code"], name="sanitation_zone_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PropertyType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INSTITUTIONAL = "institutional", _("Institutional (school, health centre…)")
    PUBLIC_TOILET = "public_toilet", _("Public toilet")


class Property(TimeStampedModel):
    """A building or plot served by a containment. Owner contact is personal data."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_properties", verbose_name=_("city")
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="properties")
    reference = models.CharField(_("reference"), max_length=40)
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    property_type = models.CharField(
        _("type"), max_length=20, choices=PropertyType.choices, default=PropertyType.RESIDENTIAL
    )
    households = models.PositiveIntegerField(_("households"), default=1)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    daily_users = models.PositiveIntegerField(
        _("users per day"), null=True, blank=True, help_text=_("For public toilets.")
    )
    is_low_income = models.BooleanField(_("low-income household"), default=False)
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["local_government", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "reference"], name="sanitation_property_ref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.address}"


class Containment(TimeStampedModel):
    """A tank or pit; its SFD grid code follows from its zone's groundwater risk."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_containments", verbose_name=_("city")
    )
    reference = models.CharField(_("reference"), max_length=40)
    properties = models.ManyToManyField(
        Property, related_name="containments", verbose_name=_("properties served")
    )
    local_type = models.CharField(
        _("local type"), max_length=120, help_text=_("E.g. “septic tank with soak pit”.")
    )
    sfd_containment = models.CharField(_("SFD containment (list A)"), max_length=4)
    sfd_outlet = models.CharField(_("SFD outlet (list B)"), max_length=4)
    length_m = models.DecimalField(
        _("length (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    width_m = models.DecimalField(
        _("width (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    depth_m = models.DecimalField(
        _("depth (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    diameter_m = models.DecimalField(
        _("diameter (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    volume_l = models.PositiveIntegerField(_("volume (litres)"), null=True, blank=True)
    construction_date = models.DateField(_("construction date"), null=True, blank=True)
    last_emptied_on = models.DateField(_("last emptied on"), null=True, blank=True)
    next_emptying_due = models.DateField(_("next emptying due"), null=True, blank=True)
    times_emptied = models.PositiveIntegerField(_("times emptied"), default=0)
    emptying_interval_months = models.PositiveSmallIntegerField(
        _("emptying interval (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Regular emptying; empty to use the city's interval."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("containment")
        verbose_name_plural = _("containments")
        ordering = ["local_government", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "reference"], name="sanitation_containment_ref_unique"
            )
        ]
        indexes = [models.Index(fields=["local_government", "next_emptying_due"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.local_type}"


class Operator(TimeStampedModel):
    """An emptying service provider (private or municipal) licensed by the city."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_operators", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    is_municipal = models.BooleanField(_("municipal service"), default=False)
    zones = models.ManyToManyField(Zone, related_name="operators", blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="sanitation_operators",
        blank=True,
        verbose_name=_("accounts"),
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ["local_government", "name"]

    def __str__(self) -> str:
        return self.name


class Vehicle(TimeStampedModel):
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="vehicles")
    plate = models.CharField(_("plate"), max_length=20)
    tank_capacity_l = models.PositiveIntegerField(_("tank capacity (litres)"))
    is_active = models.BooleanField(_("in service"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "plate"], name="sanitation_plate_unique"),
            models.CheckConstraint(
                condition=Q(tank_capacity_l__gt=0), name="sanitation_vehicle_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.plate


class VehicleDocumentKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    FITNESS = "fitness", _("Fitness certificate")
    EMISSIONS = "emissions", _("Emissions certificate")
    ROAD_TAX = "road_tax", _("Road tax")
    PERMIT = "permit", _("Emptying permit")


class VehicleDocument(TimeStampedModel):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=VehicleDocumentKind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vehicle document")
        verbose_name_plural = _("vehicle documents")
        ordering = ["vehicle", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_until}"


class WorkerRole(models.TextChoices):
    DRIVER = "driver", _("Driver")
    EMPTIER = "emptier", _("Emptier")


class Worker(TimeStampedModel):
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=WorkerRole.choices)
    driving_licence = models.CharField(_("driving licence"), max_length=60, blank=True)
    ppe_issued_on = models.DateField(_("protective equipment issued on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["operator", "name"]

    def __str__(self) -> str:
        return self.name


class TreatmentSiteKind(models.TextChoices):
    FSTP = "fstp", _("Faecal sludge treatment plant")
    WWTP = "wwtp", _("Wastewater treatment plant")
    CO_TREATMENT = "co_treatment", _("Co-treatment plant")
    DISPOSAL = "disposal", _("Designated disposal site")


class TreatmentSite(TimeStampedModel):
    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_sites", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=TreatmentSiteKind.choices)
    design_capacity_l_per_day = models.PositiveIntegerField(_("design capacity (litres per day)"))
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="sanitation_sites",
        blank=True,
        verbose_name=_("plant operators' accounts"),
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("treatment site")
        verbose_name_plural = _("treatment sites")
        ordering = ["local_government", "name"]

    def __str__(self) -> str:
        return self.name


# --- the service chain --------------------------------------------------------------------


class TariffRule(TimeStampedModel):
    """A fee per trip; the most specific matching rule (lowest `priority`) applies."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_tariffs", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=120)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    property_type = models.CharField(
        _("property type"), max_length=20, choices=PropertyType.choices, blank=True
    )
    low_income = models.BooleanField(_("low-income"), null=True, blank=True)
    max_tank_capacity_l = models.PositiveIntegerField(
        _("up to tank capacity (litres)"), null=True, blank=True
    )
    max_distance_km = models.DecimalField(
        _("up to distance (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    amount_per_trip = models.DecimalField(
        _("amount per trip"), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tariff rule")
        verbose_name_plural = _("tariff rules")
        ordering = ["local_government", "priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_per_trip__gte=0), name="sanitation_tariff_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RequestState(models.Model):
    """A state of the request workflow, as data."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_initial = models.BooleanField(_("initial"), default=False)
    is_terminal = models.BooleanField(_("terminal"), default=False)
    counts_as_served = models.BooleanField(
        _("service done"), default=False, help_text=_("The SLA is met when reached in time.")
    )

    class Meta:
        verbose_name = _("request state")
        verbose_name_plural = _("request states")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class RequestTransition(models.Model):
    """An allowed move of the workflow: `action` from `source` to `target`, by `actors`."""

    action = models.CharField(_("action"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    source = models.ForeignKey(RequestState, on_delete=models.CASCADE, related_name="exits")
    target = models.ForeignKey(RequestState, on_delete=models.CASCADE, related_name="entries")
    actors = models.CharField(
        _("who may do it"),
        max_length=100,
        help_text=_("Separated by spaces: officer, operator, plant, applicant, system."),
    )

    class Meta:
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")
        ordering = ["source__position", "action"]
        constraints = [
            models.UniqueConstraint(fields=["source", "action"], name="sanitation_transition_once")
        ]

    def __str__(self) -> str:
        return f"{self.source.code} —{self.action}→ {self.target.code}"


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    COUNTER = "counter", _("Counter")
    PHONE = "phone", _("Phone")
    SCHEDULE = "schedule", _("Scheduled emptying")


class DesludgingRequest(VersionedModel):
    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_requests", verbose_name=_("city")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    containment = models.ForeignKey(Containment, on_delete=models.PROTECT, related_name="requests")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=200, blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=40, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    trips_estimated = models.PositiveSmallIntegerField(_("trips estimated"), default=1)
    distance_km = models.DecimalField(
        _("distance to the plant (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    fee_amount = models.DecimalField(_("fee"), default=Decimal(0), **MONEY)
    fee_currency = models.CharField(_("currency"), max_length=3, default="USD")
    tariff = models.ForeignKey(
        TariffRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.ForeignKey(RequestState, on_delete=models.PROTECT, related_name="requests")
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    sla_deadline = models.DateTimeField(_("service deadline"))
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback_ppe_worn = models.BooleanField(_("workers wore protection"), null=True, blank=True)
    feedback_comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("desludging request")
        verbose_name_plural = _("desludging requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["local_government", "created_at"]),
            models.Index(fields=["operator", "state"]),
        ]

    def __str__(self) -> str:
        return self.reference


class RequestStep(models.Model):
    """The log of a request's transitions."""

    request = models.ForeignKey(DesludgingRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=30)
    source = models.ForeignKey(RequestState, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(RequestState, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["request", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"


class EmptyingEvent(TimeStampedModel):
    """An emptying as recorded by the operator's crew in the field."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_emptyings", verbose_name=_("city")
    )
    request = models.OneToOneField(
        DesludgingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emptying",
    )
    containment = models.ForeignKey(Containment, on_delete=models.PROTECT, related_name="emptyings")
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="emptyings")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="emptyings")
    emptied_on = models.DateField(_("emptied on"))
    volume_l = models.PositiveIntegerField(_("volume emptied (litres)"))
    trips = models.PositiveSmallIntegerField(_("trips"), default=1)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    amount_collected = models.DecimalField(_("amount collected"), default=Decimal(0), **MONEY)
    photo = models.FileField(_("photo"), upload_to="sanitation/emptyings/", blank=True)
    ppe_gloves = models.BooleanField(_("gloves"), default=False)
    ppe_boots = models.BooleanField(_("boots"), default=False)
    ppe_mask = models.BooleanField(_("mask"), default=False)
    ppe_overalls = models.BooleanField(_("overalls"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emptying")
        verbose_name_plural = _("emptyings")
        ordering = ["-emptied_on", "-pk"]
        indexes = [models.Index(fields=["local_government", "emptied_on"])]

    def __str__(self) -> str:
        return f"{self.containment.reference} {self.emptied_on}"

    @property
    def ppe_complete(self) -> bool:
        return self.ppe_gloves and self.ppe_boots and self.ppe_mask and self.ppe_overalls


class TripStatus(models.TextChoices):
    LOADED = "loaded", _("Loaded")
    RECEIVED = "received", _("Received")
    DECLINED = "declined", _("Declined by the plant")


class Trip(TimeStampedModel):
    """A manifest: one truckload carrying the sludge of one or several emptyings."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_trips", verbose_name=_("city")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="trips")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="trips")
    site = models.ForeignKey(TreatmentSite, on_delete=models.PROTECT, related_name="trips")
    loaded_at = models.DateTimeField(_("loaded at"))
    declared_volume_l = models.PositiveIntegerField(_("declared volume (litres)"))
    status = models.CharField(
        _("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.LOADED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-loaded_at"]
        indexes = [models.Index(fields=["local_government", "status", "loaded_at"])]

    def __str__(self) -> str:
        return self.reference


class TripLoad(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="loads")
    emptying = models.ForeignKey(EmptyingEvent, on_delete=models.PROTECT, related_name="loads")
    volume_l = models.PositiveIntegerField(_("volume (litres)"))

    class Meta:
        verbose_name = _("trip load")
        verbose_name_plural = _("trip loads")
        constraints = [
            models.UniqueConstraint(fields=["trip", "emptying"], name="sanitation_load_once")
        ]

    def __str__(self) -> str:
        return f"{self.trip_id} ← {self.emptying_id}: {self.volume_l} l"


class PlantReception(TimeStampedModel):
    """A truck's arrival at a treatment site; `trip` is empty for unregistered vehicles."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_receptions", verbose_name=_("city")
    )
    site = models.ForeignKey(TreatmentSite, on_delete=models.PROTECT, related_name="receptions")
    trip = models.OneToOneField(
        Trip, on_delete=models.PROTECT, null=True, blank=True, related_name="reception"
    )
    plate_seen = models.CharField(_("plate seen"), max_length=20)
    arrived_at = models.DateTimeField(_("arrived at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    received_volume_l = models.PositiveIntegerField(_("volume received (litres)"), default=0)
    declined = models.BooleanField(_("declined"), default=False)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plant reception")
        verbose_name_plural = _("plant receptions")
        ordering = ["-arrived_at"]
        indexes = [models.Index(fields=["local_government", "arrived_at"])]

    def __str__(self) -> str:
        return f"{self.plate_seen} {self.arrived_at:%Y-%m-%d %H:%M}"


class FlagRule(models.TextChoices):
    VOLUME_MISMATCH = "volume_mismatch", _("Received volume outside the declared volume")
    NOT_RECEIVED = "not_received", _("Trip loaded and never received")
    ORPHAN_RECEPTION = "orphan_reception", _("Reception with no trip")
    OVER_TANK = "over_tank", _("Declared volume above the tank's capacity")
    OVER_CONTAINMENT = "over_containment", _("Emptied volume above the containment's")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ReconciliationFlag(TimeStampedModel):
    """A computed discrepancy in the chain; a person resolves it with a note."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_flags", verbose_name=_("city")
    )
    key = models.CharField(max_length=80, unique=True)
    rule = models.CharField(_("rule"), max_length=20, choices=FlagRule.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    trip = models.ForeignKey(
        Trip, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reception = models.ForeignKey(
        PlantReception, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    emptying = models.ForeignKey(
        EmptyingEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    occurred_on = models.DateField(_("occurred on"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reconciliation flag")
        verbose_name_plural = _("reconciliation flags")
        ordering = ["resolved_at", "-occurred_on", "pk"]
        indexes = [models.Index(fields=["local_government", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.get_severity_display()})"

    @property
    def message(self) -> str:
        """The detail in the reader's language, from the figures kept with the flag."""
        template = FLAG_MESSAGES.get(self.rule)
        if template is None or not self.data:
            return self.detail
        try:
            return str(template) % self.data
        except (KeyError, TypeError, ValueError):
            return self.detail


FLAG_MESSAGES = {
    FlagRule.VOLUME_MISMATCH: _("declared %(declared)s l, received %(received)s l"),
    FlagRule.NOT_RECEIVED: _("loaded on %(loaded)s, no reception after %(hours)s h"),
    FlagRule.ORPHAN_RECEPTION: _("%(plate)s: %(volume)s l with no trip"),
    FlagRule.OVER_TANK: _("declared %(declared)s l, tank %(capacity)s l"),
    FlagRule.OVER_CONTAINMENT: _("emptied %(volume)s l, containment %(capacity)s l"),
}


# --- the dashboard's monthly summary -------------------------------------------------------


class MonthlySummary(models.Model):
    """A city's figures for one month (all zones when `zone` is empty), precomputed for the
    dashboard. Marked stale when a request, emptying, trip or reception of the month
    changes; recomputed on the next read or by `manage.py sanitation_refresh_summaries`."""

    local_government = models.ForeignKey(LG, on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(
        "sanitation.Zone", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    stale = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True, blank=True)
    requests = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    in_time = models.PositiveIntegerField(default=0)
    response_seconds = models.FloatField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    ppe_said = models.PositiveIntegerField(default=0)
    ppe_yes = models.PositiveIntegerField(default=0)
    emptyings = models.PositiveIntegerField(default=0)
    emptied_l = models.PositiveBigIntegerField(default=0)
    ppe_complete = models.PositiveIntegerField(default=0)
    collected = models.DecimalField(default=Decimal(0), **MONEY)
    emptyings_received = models.PositiveIntegerField(default=0)
    emptyings_low_income = models.PositiveIntegerField(default=0)
    receptions = models.PositiveIntegerField(default=0)
    received_l = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "year", "month", "zone"],
                name="sanitation_summary_unique",
            ),
            models.UniqueConstraint(
                fields=["local_government", "year", "month"],
                condition=Q(zone__isnull=True),
                name="sanitation_summary_city_unique",
            ),
        ]
        indexes = [models.Index(fields=["local_government", "year", "zone"])]

    def __str__(self) -> str:
        return f"{self.local_government_id} {self.year}-{self.month:02d} {self.zone_id or '*'}"


# --- the programme and its financing round ------------------------------------------------


class Programme(VersionedModel):
    """A city's sanitation programme: studies, investment plan and financing round."""

    local_government = models.ForeignKey(
        LG, on_delete=models.CASCADE, related_name="sanitation_programmes", verbose_name=_("city")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    grant = models.ForeignKey(
        "grants.Grant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grant project of the support programme"),
    )
    is_public = models.BooleanField(_("public"), default=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)
    # history: registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("sanitation programme")
        verbose_name_plural = _("sanitation programmes")
        ordering = ["local_government__name", "title"]

    def __str__(self) -> str:
        return self.title


class ProgrammeStudy(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="studies")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(_("document"), upload_to="sanitation/studies/", blank=True)
    document_url = models.URLField(_("document link"), blank=True)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["programme", "year", "title"]

    def __str__(self) -> str:
        return self.title


class InvestmentLine(TimeStampedModel):
    """The investment plan: an amount for a component in a year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan")
    component = models.CharField(_("component"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    amount_eur = models.DecimalField(_("amount in euros"), **MONEY)
    rate_date = models.DateField(_("date of the exchange rate"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment line")
        verbose_name_plural = _("investment plan")
        ordering = ["programme", "year", "component"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="sanitation_plan_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.year}"


class FinancingStage(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    COMMITMENT = "commitment", _("Commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")


class Financing(TimeStampedModel):
    """A partner's pledge, commitment or disbursement, converted at the dated rate."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="financings")
    partner = models.ForeignKey(
        "grants.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=FinancingStage.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    amount_eur = models.DecimalField(_("amount in euros"), **MONEY)
    rate_date = models.DateField(_("date of the exchange rate"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financing")
        verbose_name_plural = _("financings")
        ordering = ["programme", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="sanitation_financing_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.get_stage_display()} {self.amount} {self.currency}"
