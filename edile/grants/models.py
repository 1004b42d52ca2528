"""Grants: calls for projects, applications, reviews, Bureau decisions, grants, partners,
monitoring. Amounts are Decimal with a currency; euro equivalents are stored with the date of
the rate used, so that programme totals are sums in SQL and can be explained later.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel, VersionedModel

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0")


def money_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


class Sector(models.TextChoices):
    """The programme's own sectors; each maps to a main DAC purpose code (research b.3)."""

    CULTURE = "culture", _("Culture")
    EDUCATION = "education", _("Education")
    WATER_SANITATION = "water_sanitation", _("Water and sanitation")
    HEALTH = "health", _("Health")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    OTHER = "other", _("Other")


SECTOR_DAC = {
    Sector.CULTURE: "16061",
    Sector.EDUCATION: "11120",
    Sector.WATER_SANITATION: "14030",
    Sector.HEALTH: "12230",
    Sector.ENTREPRENEURSHIP: "25030",
    Sector.OTHER: "43030",
}


class Partner(TimeStampedModel):
    """A co-financing organisation (EU, AFD, World Bank…). `name` is translated."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_("Only when known for certain, e.g. XM-DAC-44000 for the World Bank."),
    )
    org_type = models.CharField(
        _("IATI organisation type"),
        max_length=3,
        default="40",
        help_text=_(
            "Code of the IATI OrganisationType codelist (40 multilateral, 60 foundation…)."
        ),
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(TimeStampedModel):
    """How many euros one unit of `currency` was worth on `date` (kept in the platform)."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    eur_per_unit = models.DecimalField(
        _("euros per unit"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="grants_rate_one_per_day"),
            models.CheckConstraint(condition=Q(eur_per_unit__gt=0), name="grants_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.eur_per_unit} EUR"


class Call(VersionedModel):
    """A call for projects. `title` and `description` are translated.

    `rules` holds the eligibility rules as data, e.g. {"good_standing": true, "dues_year": 2018,
    "max_grant": "150000", "min_cofinancing_share": "0.30", "one_open_application": true,
    "eligible_countries": []}; `criteria` the scoring grid, e.g. [{"code": "relevance",
    "label_fr": "Pertinence", "label_en": "Relevance", "weight": 3, "max": 5}].
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveIntegerField(
        _("programme year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    envelope = money_field(_("envelope"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Last day to submit."))
    sectors = models.JSONField(_("eligible DAC sectors"), default=list, blank=True)
    rules = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    criteria = models.JSONField(_("scoring grid"), default=list, blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="grants_call_dates_in_order",
                violation_error_message=_("A call cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(envelope__gt=0),
                name="grants_call_envelope_positive",
                violation_error_message=_("The envelope must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grants:call_detail", kwargs={"slug": self.slug})

    def is_open(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.opens_on <= on <= self.closes_on

    def clean(self) -> None:
        """The admin checks rules, grid and sectors against the same JSON Schemas as the API."""
        from django.core.exceptions import ValidationError

        from edile.grants import call_schema

        errors = {}
        for field, check in (
            ("rules", call_schema.rules_problems),
            ("criteria", call_schema.criteria_problems),
            ("sectors", call_schema.sectors_problems),
        ):
            problems = check(getattr(self, field))
            if problems:
                errors[field] = problems
        if self.envelope is not None and self.envelope <= 0:
            errors["envelope"] = [_("The envelope must be more than zero.")]
        if errors:
            raise ValidationError(errors)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.DEFERRED,
)


class Application(VersionedModel):
    """A city's project application; once approved it is the project. Title and summary
    are translated."""

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("applicant city"),
    )
    reference = models.SlugField(_("reference"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    dac_code = models.CharField(_("DAC purpose code"), max_length=5)
    location_name = models.CharField(_("location"), max_length=200, blank=True)
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
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    grant_requested = money_field(_("grant requested"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total_budget = money_field(_("total budget"), default=ZERO)
    cofinancing_eur = money_field(_("co-financing in euros"), default=ZERO)
    # Committed or received only: what counts as partnerships (leverage), unlike the plan above.
    partnerships_eur = money_field(_("partnerships in euros"), default=ZERO)
    beneficiaries = models.PositiveBigIntegerField(_("expected beneficiaries"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    language = models.CharField(
        _("language of the application"), max_length=2, choices=settings.LANGUAGES, default="fr"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)
    # Withdrawn by its city before the decision: when, by whom and why (shown to staff).
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    # history: registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="grants_application_dates_in_order",
                violation_error_message=_("A project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(grant_requested__gt=0),
                name="grants_application_request_positive",
                violation_error_message=_("The grant requested must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grants:application_detail", kwargs={"reference": self.reference})

    def get_public_url(self) -> str:
        return reverse("grants:project_detail", kwargs={"reference": self.reference})


class BudgetLine(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    label = models.CharField(_("item"), max_length=250)
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_budgetline_positive")
        ]

    def __str__(self) -> str:
        return self.label


class CoFinancingStatus(models.TextChoices):
    SOUGHT = "sought", _("Sought")
    COMMITTED = "committed", _("Committed")
    RECEIVED = "received", _("Received")


# Partnerships count what partners committed or paid, never what is only sought
# (docs/decisions/grants-money-and-leverage.md).
PARTNERSHIP_STATUSES = (CoFinancingStatus.COMMITTED, CoFinancingStatus.RECEIVED)


class CoFinancing(TimeStampedModel):
    """A partner's contribution to a project, in its currency, with its euro equivalent."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cofinancing"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="cofinancing", verbose_name=_("partner")
    )
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CoFinancingStatus.choices,
        default=CoFinancingStatus.SOUGHT,
    )
    date = models.DateField(_("date"), help_text=_("Date of the commitment or of the receipt."))
    amount_eur = money_field(_("amount in euros"))
    rate_date = models.DateField(_("date of the exchange rate"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-financing")
        verbose_name_plural = _("co-financing")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_cofinancing_positive"),
            models.CheckConstraint(
                condition=Q(amount_eur__gte=0), name="grants_cofinancing_eur_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.amount} {self.currency}"


class BeneficiaryGroup(TimeStampedModel):
    class Group(models.TextChoices):
        WOMEN = "women", _("Women and girls")
        MEN = "men", _("Men and boys")
        CHILDREN = "children", _("Children")
        YOUTH = "youth", _("Young people")
        RESIDENTS = "residents", _("Residents (all)")
        ENTREPRENEURS = "entrepreneurs", _("Entrepreneurs")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="beneficiary_groups"
    )
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    number = models.PositiveBigIntegerField(_("number"), validators=[MinValueValidator(1)])
    # A breakdown (by sex or age) counts people already in a total group: it is never added.
    is_breakdown = models.BooleanField(
        _("breakdown of the total"),
        default=False,
        help_text=_(
            "These people are already counted in another group (a breakdown by sex or age)."
        ),
    )
    history = HistoricalRecords()

    # Groups that describe part of the people reached (by sex or age), not extra people.
    BREAKDOWN_GROUPS = ("women", "men", "children", "youth")

    class Meta:
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "group"], name="grants_beneficiary_group_once"
            )
        ]

    def __str__(self) -> str:
        if self.is_breakdown:
            return _("%(group)s: %(number)s (already counted in the total)") % {
                "group": self.get_group_display(),
                "number": self.number,
            }
        return f"{self.get_group_display()}: {self.number}"


class Indicator(TimeStampedModel):
    """An expected result with its indicator. `name` is translated."""

    class ResultType(models.TextChoices):
        OUTPUT = "1", _("Output")
        OUTCOME = "2", _("Outcome")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="indicators"
    )
    result_type = models.CharField(
        _("result type"), max_length=1, choices=ResultType.choices, default=ResultType.OUTPUT
    )
    name = models.CharField(_("indicator"), max_length=250)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, default=ZERO)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Document(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="grants/documents/%Y/")
    is_public = models.BooleanField(_("public"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("No conflict declared, scoring")
    SUBMITTED = "submitted", _("Submitted")
    RECUSED = "recused", _("Recused (conflict of interest)")


class Review(VersionedModel):
    """A reviewer's assignment, conflict-of-interest declaration and scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grant_reviews",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    conflict_declaration = models.TextField(_("conflict of interest declared"), blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(
        _("weighted score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="grants_review_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.reviewer}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class Decision(TimeStampedModel):
    """The Bureau's decision on an application, recorded as a decision of one meeting."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    body = models.ForeignKey(
        "governance.Body",
        on_delete=models.PROTECT,
        related_name="grant_decisions",
        verbose_name=_("deciding body"),
    )
    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_decisions",
        verbose_name=_("meeting"),
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_decisions",
        verbose_name=_("decision resolution"),
    )
    meeting_date = models.DateField(_("meeting date"))
    meeting_reference = models.CharField(_("meeting reference"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    review_override = models.TextField(
        _("reason for deciding with fewer reviews than the call asks"), blank=True
    )
    recused = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("Bureau members recused (conflict of interest)"),
    )
    amount = money_field(_("amount granted"), null=True, blank=True)
    reasons = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-meeting_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome="approved", amount__gt=0)
                    | (~Q(outcome="approved") & Q(amount__isnull=True))
                ),
                name="grants_decision_amount_iff_approved",
                violation_error_message=_("An approval needs an amount; other outcomes have none."),
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(outcome="approved"),
                name="grants_decision_one_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_outcome_display()}"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Grant(VersionedModel):
    """The award that follows an approval: agreement, tranches, payments, reports."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="grant", verbose_name=_("project")
    )
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="grant")
    amount = money_field(_("amount granted"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount_eur = money_field(_("amount in euros"))
    disbursed = money_field(_("disbursed"), default=ZERO)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    agreement_file = models.FileField(
        _("signed agreement"), upload_to="grants/agreements/%Y/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_grant_amount_positive"),
            # The last line of defence: never more paid than granted.
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("amount")),
                name="grants_grant_disbursed_within_amount",
                violation_error_message=_("Nothing may be paid beyond the amount granted."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REQUESTED = "requested", _("Payment requested")
    APPROVED = "approved", _("Payment approved")
    PAID = "paid", _("Paid")


class ConditionKind(models.TextChoices):
    """What must be true before a tranche may be requested (docs/decisions/grants-payments.md)."""

    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    COFINANCING_RECEIVED = "cofinancing_received", _("Co-financing received")
    DATE_REACHED = "date_reached", _("Date reached")


class Tranche(TimeStampedModel):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = money_field(_("amount"))
    due_on = models.DateField(_("due on"))
    condition = models.CharField(_("condition"), max_length=250, blank=True)
    # Conditions as data, e.g. [{"kind": "report_accepted", "report": 12},
    # {"kind": "date_reached", "on": "2020-06-01"}]; checked by services.tranche_unmet_conditions.
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="grants_tranche_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_tranche_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} — {self.number}"


class PaymentRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REFUSED = "refused", _("Refused")


class PaymentRequest(TimeStampedModel):
    """Four eyes: one person requests a payment, another approves it, then it is disbursed."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payment_requests")
    tranche = models.ForeignKey(
        Tranche,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        verbose_name=_("tranche"),
    )
    amount = money_field(_("amount"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PaymentRequestStatus.choices,
        default=PaymentRequestStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or refused by"),
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True, blank=True)
    overdue_override = models.TextField(
        _("reason for paying while a report is overdue"), blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="grants_payment_request_positive"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="grants_payment_request_four_eyes",
                violation_error_message=_("The person who requests a payment cannot approve it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant}: {self.amount}"


class Disbursement(TimeStampedModel):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="disbursements")
    payment_request = models.OneToOneField(
        PaymentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursement",
        verbose_name=_("payment request"),
    )
    tranche = models.OneToOneField(
        Tranche, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursement"
    )
    amount = money_field(_("amount"))
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_disbursement_positive")
        ]

    def __str__(self) -> str:
        return f"{self.grant}: {self.amount}"


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class ProgressReport(VersionedModel):
    """A reporting deadline and, once submitted, the report itself."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    narrative = models.TextField(_("narrative"), blank=True)
    spending = money_field(_("spending to date"), null=True, blank=True)
    beneficiaries_reached = models.PositiveBigIntegerField(
        _("beneficiaries reached"), null=True, blank=True
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    staff_comment = models.TextField(_("comments of the secretariat"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    last_reminder_on = models.DateField(_("last reminder on"), null=True, blank=True)
    # history: registered in translation.py, after the translated title exists.

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spending__isnull=True) | Q(spending__gte=0),
                name="grants_report_spending_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, on: dt.date | None = None) -> bool:
        return self.status in (ReportStatus.DUE, ReportStatus.RETURNED) and self.due_on < (
            on or dt.date.today()
        )


class IndicatorValue(TimeStampedModel):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="grants_indicator_value_once"
            )
        ]


class MonitoringVisit(TimeStampedModel):
    """A monitoring visit; `findings` is translated."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date"))
    visitors = models.CharField(_("visitors"), max_length=300)
    findings = models.TextField(_("findings"))
    photo = models.FileField(_("photo"), upload_to="grants/visits/%Y/", blank=True)
    photo_caption = models.CharField(_("photo caption"), max_length=250, blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)

    class Meta:
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.grant} — {self.date}"


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskFlag(TimeStampedModel):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="risks")
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    description = models.CharField(_("description"), max_length=500)
    raised_on = models.DateField(_("raised on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        ordering = ["-raised_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="grants_risk_resolved_after_raised",
            )
        ]

    def __str__(self) -> str:
        return self.description
