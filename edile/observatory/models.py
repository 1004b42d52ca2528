"""Observatory of Mayors in Danger: incidents (who did what to whom), intake, legal benchmark.

The incident graph follows HURIDOCS' Events Standard Formats: an incident holds acts; each act
has victims and alleged perpetrators. Every sensitive part carries its own confidentiality
level; what a viewer sees is computed in `selectors.incident_view`, never in templates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from edile.core.fields import EncryptedTextField
from edile.core.models import TimeStampedModel, VersionedModel
from edile.members.models import Gender


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (observatory members)")
    CONFIDENTIAL = "confidential", _("Confidential (analysts only)")


# Ordered levels: a viewer sees a part when their level is at least the part's level.
LEVELS = {Confidentiality.PUBLIC: 0, Confidentiality.RESTRICTED: 1, Confidentiality.CONFIDENTIAL: 2}


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    RANGE = "range", _("Range of dates")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("Exact place")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


class PerpetratorType(models.TextChoices):
    STATE_AGENT = "state_agent", _("State agent")
    ARMED_GROUP = "armed_group", _("Armed group")
    ORGANISED_CRIME = "organised_crime", _("Organised crime")
    PRIVATE_INDIVIDUAL = "private_individual", _("Private individual")
    UNKNOWN = "unknown", _("Unknown")


class Context(models.TextChoices):
    ELECTION = "election", _("Election")
    LAND = "land", _("Land dispute")
    CORRUPTION_INVESTIGATION = "corruption_investigation", _("Corruption investigation")
    ARMED_CONFLICT = "armed_conflict", _("Armed conflict")
    PUBLIC_PROTEST = "public_protest", _("Public protest")
    POLITICAL_RIVALRY = "political_rivalry", _("Political rivalry")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class VictimOffice(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    DEPUTY_MAYOR = "deputy_mayor", _("Deputy mayor")
    COUNCILLOR = "councillor", _("Councillor")
    FORMER_MAYOR = "former_mayor", _("Former mayor")
    CANDIDATE = "candidate", _("Candidate")
    RELATIVE = "relative", _("Relative of an elected official")
    MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
    OTHER = "other", _("Other")


class VictimScope(models.TextChoices):
    """The scope filters of the statistics, derived from the office (see `scope_of`)."""

    IN_OFFICE = "in_office", _("In office")
    FORMER = "former", _("Former official")
    CANDIDATE = "candidate", _("Candidate")
    RELATIVE = "relative", _("Relative")
    OTHER = "other", _("Other")


OFFICE_SCOPE = {
    VictimOffice.MAYOR: VictimScope.IN_OFFICE,
    VictimOffice.DEPUTY_MAYOR: VictimScope.IN_OFFICE,
    VictimOffice.COUNCILLOR: VictimScope.IN_OFFICE,
    VictimOffice.FORMER_MAYOR: VictimScope.FORMER,
    VictimOffice.CANDIDATE: VictimScope.CANDIDATE,
    VictimOffice.RELATIVE: VictimScope.RELATIVE,
    VictimOffice.MUNICIPAL_STAFF: VictimScope.OTHER,
    VictimOffice.OTHER: VictimScope.OTHER,
}


class VerificationStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    UNDER_REVIEW = "under_review", _("Under review")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")


class MotiveStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Motive confirmed")
    UNCONFIRMED = "unconfirmed", _("Motive unconfirmed")


class Impunity(models.TextChoices):
    NOT_APPLICABLE = "", _("Not assessed")
    COMPLETE = "complete", _("Complete impunity")
    PARTIAL = "partial", _("Partial justice")
    FULL = "full", _("Full justice")


class Outcome(models.TextChoices):
    PENDING = "", _("Pending or unknown")
    RELEASED = "released", _("Released")
    CONVICTED = "convicted", _("Perpetrators convicted")
    ACQUITTED = "acquitted", _("Perpetrators acquitted")
    IMPUNITY = "impunity", _("Impunity")
    REINSTATED = "reinstated", _("Reinstated in office")


class ViolationType(TimeStampedModel):
    """A term of the controlled vocabulary; `code` is stable and used in import files."""

    # label, definition: translated (translation.py).
    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class Incident(VersionedModel):
    # title, summary: translated (translation.py); history registered there.
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality of the incident"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    date_start = models.DateField(_("date"))
    date_end = models.DateField(_("end of the date range"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    country = CountryField(_("country"), db_index=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("local government"),
    )
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
    place_precision = models.CharField(
        _("place precision"),
        max_length=15,
        choices=PlacePrecision.choices,
        default=PlacePrecision.MUNICIPALITY,
    )
    location_confidentiality = models.CharField(
        _("confidentiality of the exact place"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )
    context = models.CharField(
        _("context"), max_length=30, choices=Context.choices, default=Context.UNKNOWN
    )
    killed = models.PositiveIntegerField(_("people killed"), default=0)
    injured = models.PositiveIntegerField(_("people injured"), default=0)
    motive = models.CharField(
        _("motive"),
        max_length=15,
        choices=MotiveStatus.choices,
        default=MotiveStatus.UNCONFIRMED,
    )
    verification_status = models.CharField(
        _("verification status"),
        max_length=15,
        choices=VerificationStatus.choices,
        default=VerificationStatus.REPORTED,
        db_index=True,
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    impunity = models.CharField(
        _("impunity"), max_length=10, choices=Impunity.choices, default="", blank=True
    )
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Always confidential: analysts only.")
    )
    is_fictional = models.BooleanField(
        _("fictional"),
        default=False,
        help_text=_("Demo data: an incident invented for the demonstration."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed_incidents",
        verbose_name=_("merged into"),
        help_text=_("Set when this record was merged into another: it is no longer counted."),
    )
    import_batch = models.ForeignKey(
        "observatory.ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("import"),
        help_text=_("The import that created this incident, if any."),
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-date_start", "-id"]
        indexes = [
            models.Index(fields=["is_published", "confidentiality", "-date_start"]),
            models.Index(fields=["country", "date_start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=F("date_start")),
                name="observatory_incident_range_ordered",
                violation_error_message=_("The end of the date range is before its start."),
            ),
            models.CheckConstraint(
                condition=~Q(date_precision="range") | Q(date_end__isnull=False),
                name="observatory_incident_range_has_end",
                violation_error_message=_("A date range needs an end date."),
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(verification_status="verified"),
                name="observatory_incident_published_is_verified",
                violation_error_message=_("Only a verified incident can be published."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="observatory_incident_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="observatory_incident_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("observatory:incident_detail", kwargs={"reference": self.reference})


class Victim(TimeStampedModel):
    """A victim: a person of the registry, or someone recorded only here."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="victims", verbose_name=_("incident")
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observatory_victims",
        verbose_name=_("person in the registry"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    office = models.CharField(
        _("office"), max_length=20, choices=VictimOffice.choices, default=VictimOffice.MAYOR
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local government"),
    )
    mandate = models.CharField(_("mandate"), max_length=200, blank=True)
    identity_confidentiality = models.CharField(
        _("confidentiality of the identity"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )
    contact = EncryptedTextField(
        _("contact details"),
        blank=True,
        help_text=_("Encrypted at rest; shown to analysts only."),
    )
    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = _("victim")
        verbose_name_plural = _("victims")
        ordering = ["id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.person) if self.person_id and not self.name else self.name

    @property
    def scope(self) -> str:
        return OFFICE_SCOPE.get(self.office, VictimScope.OTHER)


class Act(TimeStampedModel):
    """One violation (or several types of it) against some of the incident's victims."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="acts", verbose_name=_("incident")
    )
    violation_types = models.ManyToManyField(
        ViolationType, related_name="acts", verbose_name=_("violation types")
    )
    victims = models.ManyToManyField(Victim, related_name="acts", verbose_name=_("victims"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.incident} #{self.pk}"


class Perpetrator(TimeStampedModel):
    """An alleged perpetrator of an act: always 'alleged', attributed to the sources."""

    act = models.ForeignKey(
        Act, on_delete=models.CASCADE, related_name="perpetrators", verbose_name=_("act")
    )
    perpetrator_type = models.CharField(
        _("alleged perpetrator type"),
        max_length=20,
        choices=PerpetratorType.choices,
        default=PerpetratorType.UNKNOWN,
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Restricted: shown to observatory members only."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alleged perpetrator")
        verbose_name_plural = _("alleged perpetrators")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_perpetrator_type_display()


class Witness(TimeStampedModel):
    """A witness is always confidential: never on a public surface, whatever the incident."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="witnesses", verbose_name=_("incident")
    )
    name = models.CharField(_("name"), max_length=200)
    contact = EncryptedTextField(_("contact details"), blank=True)
    statement = models.TextField(_("statement"), blank=True)
    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SourceType(models.TextChoices):
    MEDIA = "media", _("Media report")
    NGO = "ngo", _("NGO or partner report")
    OFFICIAL = "official", _("Official document")
    COURT = "court", _("Court record")
    DIRECT = "direct", _("Direct testimony")
    SOCIAL_MEDIA = "social_media", _("Social media")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    """Reliability of the source (Admiralty scale)."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.TextChoices):
    """Credibility of the information (Admiralty scale)."""

    CONFIRMED = "1", _("1 — confirmed by other sources")
    PROBABLY = "2", _("2 — probably true")
    POSSIBLY = "3", _("3 — possibly true")
    DOUBTFUL = "4", _("4 — doubtful")
    IMPROBABLE = "5", _("5 — improbable")
    UNKNOWN = "6", _("6 — truth cannot be judged")


class Source(TimeStampedModel):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="sources", verbose_name=_("incident")
    )
    source_type = models.CharField(
        _("type"), max_length=20, choices=SourceType.choices, default=SourceType.MEDIA
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    document = models.CharField(_("document reference"), max_length=300, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    credibility = models.CharField(
        _("credibility"), max_length=1, choices=Credibility.choices, default=Credibility.UNKNOWN
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.RESTRICTED,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["published_on", "id"]

    def __str__(self) -> str:
        return self.title or self.url or self.document


class FollowUpKind(models.TextChoices):
    ADVOCACY = "advocacy", _("Advocacy action")
    RESOLUTION = "resolution", _("Resolution")
    LEGAL_CASE = "legal_case", _("Legal case")
    MISSION = "mission", _("Mission or trial observation")
    OTHER = "other", _("Other")


class FollowUp(TimeStampedModel):
    # description: translated (translation.py: description_fr, description_en); history
    # registered there.
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.RESTRICTED,
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date})"


class IncidentResponse(TimeStampedModel):
    """A General Assembly resolution or a grant project that responds to an incident.

    Exactly one of the two is set. Each side's page shows the link only to readers who may
    see both the incident (`selectors.incident_visible`) and the other record
    (docs/observatory.md, "Responses: resolutions and grant projects").
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="responses", verbose_name=_("incident")
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolution"),
    )
    project = models.ForeignKey(
        "grants.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grant project"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution__isnull=False, project__isnull=True)
                | Q(resolution__isnull=True, project__isnull=False),
                name="observatory_response_one_target",
                violation_error_message=_("A response is a resolution or a grant project."),
            ),
            models.UniqueConstraint(
                fields=["incident", "resolution"],
                condition=Q(resolution__isnull=False),
                name="observatory_response_resolution_once",
            ),
            models.UniqueConstraint(
                fields=["incident", "project"],
                condition=Q(project__isnull=False),
                name="observatory_response_project_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.resolution_id or self.project_id}"


class ReportChannel(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    PARTNER = "partner", _("Partner")
    CITY = "city", _("City")
    OTHER = "other", _("Signed-in person")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Waiting for triage")
    ACCEPTED = "accepted", _("Accepted as an incident")
    DUPLICATE = "duplicate", _("Duplicate of an incident")
    REJECTED = "rejected", _("Rejected")


class IntakeReport(TimeStampedModel):
    """A report as received: it waits for an analyst's triage and is never public."""

    channel = models.CharField(_("channel"), max_length=20, choices=ReportChannel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observatory_reports",
        verbose_name=_("submitted by"),
    )
    reporter_name = models.CharField(_("your name"), max_length=200, blank=True)
    reporter_contact = EncryptedTextField(_("how to reach you"), blank=True)
    contact_purged_at = models.DateTimeField(_("contact purged at"), null=True, blank=True)
    date = models.DateField(_("date of the incident"))
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    country = CountryField(_("country"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    victim_name = models.CharField(_("victim's name"), max_length=200, blank=True)
    victim_gender = models.CharField(
        _("victim's gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    victim_office = models.CharField(
        _("victim's office"),
        max_length=20,
        choices=VictimOffice.choices,
        default=VictimOffice.MAYOR,
    )
    violation_types = models.ManyToManyField(
        ViolationType, related_name="+", verbose_name=_("what happened")
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=ReportStatus.choices,
        default=ReportStatus.NEW,
        db_index=True,
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("incident"),
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["reporter_contact"])

    class Meta:
        verbose_name = _("intake report")
        verbose_name_plural = _("intake reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new") | Q(triaged_at__isnull=False),
                name="observatory_report_triaged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d}"


class PublicationDecision(models.Model):
    """Each publication or withdrawal: who, when, what the check found, and any override.

    An analyst may publish despite a warning of the publication check only with a written
    reason; the warning and the reason are kept here for review.
    """

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="publication_decisions",
        verbose_name=_("incident"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    published = models.BooleanField(_("published"))
    problems = models.JSONField(_("warnings of the check"), default=list, blank=True)
    override_reason = models.TextField(_("reason for publishing despite the warnings"), blank=True)
    decided_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.published} · {self.decided_at:%Y-%m-%d %H:%M}"


class IncidentMerge(models.Model):
    """Two records of one event merged: what moved from where, so that it can be undone.

    The absorbed incident is kept (marked `merged_into`, unpublished, no longer counted);
    `moved` lists the ids of the victims, acts, sources, witnesses, follow-ups and reports
    that came from it, and `absorbed_state` its publication and status before the merge.
    """

    kept = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="merges", verbose_name=_("kept incident")
    )
    absorbed = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="merged_away",
        verbose_name=_("absorbed incident"),
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    moved = models.JSONField(_("what moved"), default=dict)
    absorbed_state = models.JSONField(_("state of the absorbed incident"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge of incidents")
        verbose_name_plural = _("merges of incidents")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"


class ImportBatch(models.Model):
    """One import of a file: who imported it, when, whether they confirmed its verified rows,
    and the version of each incident it created, so that it can be undone while none of
    them has been changed or published (`services.import_batch_undo`)."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)
    filename = models.CharField(_("file"), max_length=255)
    digest = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("incidents created"), default=0)
    verified_confirmed = models.BooleanField(
        _("verified statuses confirmed by the importing analyst"), default=False
    )
    versions = models.JSONField(_("version of each incident created"), default=dict)
    sealed_at = models.DateTimeField(_("import finished at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import of incidents")
        verbose_name_plural = _("imports of incidents")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class DuplicateRule(models.Model):
    """How close two records must be to be shown as possible duplicates (one row, editable
    by analysts on the duplicates page; docs/decisions/observatory-duplicates.md)."""

    window_days = models.PositiveSmallIntegerField(
        _("days between the two dates"),
        default=60,
        validators=[MaxValueValidator(366)],
        help_text=_("Counted between the date ranges each precision allows."),
    )
    name_similarity = models.PositiveSmallIntegerField(
        _("similarity of names and places (%)"),
        default=85,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("duplicate rule")
        verbose_name_plural = _("duplicate rules")

    def __str__(self) -> str:
        return f"{self.window_days} d, {self.name_similarity} %"

    @classmethod
    def current(cls) -> DuplicateRule:
        rule = cls.objects.order_by("pk").first()
        return rule or cls(window_days=60, name_similarity=85)


class ConfidentialAccess(models.Model):
    """Who read which confidential data, when: the log administrators review."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )
    report = models.ForeignKey(
        IntakeReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intake report"),
    )
    what = models.CharField(_("what was read"), max_length=200)
    path = models.CharField(_("address"), max_length=500)
    accessed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("read of confidential data")
        verbose_name_plural = _("reads of confidential data")
        ordering = ["-accessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.what} · {self.accessed_at:%Y-%m-%d %H:%M}"


# ---- Legal benchmark -----------------------------------------------------------------------


class Pillar(TimeStampedModel):
    # name, description: translated (translation.py); history registered there.
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="observatory_pillar_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(TimeStampedModel):
    # name, question: translated (translation.py); history registered there.
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("pillar")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    question = models.TextField(_("question"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["pillar__order", "order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="observatory_criterion_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.TextChoices):
    DE_JURE = "de_jure", _("De jure (the texts)")
    DE_FACTO = "de_facto", _("De facto (the practice)")


class ScoreStatus(models.TextChoices):
    SCORED = "scored", _("Scored")
    NOT_APPLICABLE = "na", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class Score(VersionedModel):
    """One criterion for one country, de jure or de facto, scored 0–3, with its evidence."""

    country = CountryField(_("country"), db_index=True)
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.SCORED
    )
    value = models.PositiveSmallIntegerField(
        _("score (0–3)"), null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    citation = models.CharField(_("legal citation"), max_length=300, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    text_date = models.DateField(_("date of the text"), null=True, blank=True)
    coder = models.CharField(_("coder"), max_length=200, blank=True)
    reviewer = models.CharField(_("reviewer"), max_length=200, blank=True)
    government_reply = models.TextField(_("government's reply"), blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)
    # De facto only: the incidents that justify the score. Who may see which one is the
    # incidents' own rule (`selectors.incident_visible_at`); each change is a history note.
    incidents = models.ManyToManyField(
        Incident, blank=True, related_name="benchmark_scores", verbose_name=_("incidents cited")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["country", "criterion", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "criterion", "dimension"],
                name="observatory_score_one_per_country_criterion_dimension",
            ),
            models.CheckConstraint(
                condition=(Q(status="scored") & Q(value__isnull=False, value__lte=3))
                | (~Q(status="scored") & Q(value__isnull=True)),
                name="observatory_score_value_matches_status",
                violation_error_message=_(
                    "A scored criterion has a value from 0 to 3; N/A and unknown have none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.code} · {self.criterion.code} · {self.dimension}"


class BenchmarkSnapshot(TimeStampedModel):
    """The computed scores of one country for one year, frozen for comparisons over time."""

    year = models.PositiveSmallIntegerField(_("year"))
    country = CountryField(_("country"))
    data = models.JSONField(_("scores"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmark snapshot")
        verbose_name_plural = _("benchmark snapshots")
        ordering = ["-year", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "country"], name="observatory_snapshot_one_per_year_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.code} {self.year}"
