"""Urban data governance: the catalogue of datasets, access requests, the register of
processing, retention policies and the 2019 roadmap with maturity self-assessments.

Translated content fields (title, description…) are registered in translation.py, which also
registers the history of those models (simple-history must see the translated columns).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel, VersionedModel

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"


class Classification(models.TextChoices):
    OPEN = "open", _("Open")
    RESTRICTED = "restricted", _("Restricted")
    INTERNAL = "internal", _("Internal")
    PERSONAL = "personal", _("Personal data")


# dct:accessRights: the EU access-right authority table.
ACCESS_RIGHTS = {
    Classification.OPEN: "PUBLIC",
    Classification.RESTRICTED: "RESTRICTED",
    Classification.INTERNAL: "NON_PUBLIC",
    Classification.PERSONAL: "NON_PUBLIC",
}


class DataTheme(models.TextChoices):
    """The EU data-theme vocabulary (authority table data-theme)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Licence(models.TextChoices):
    ETALAB_2_0 = "etalab-2.0", _("Licence Ouverte 2.0 (Etalab)")
    ODBL = "odbl", _("Open Database Licence (ODbL)")
    CC_BY_4_0 = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA_4_0 = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
    CC0 = "cc0", _("Public domain dedication (CC0)")
    PROPRIETARY = "proprietary", _("Proprietary (terms set by the publisher)")
    # A harvested licence outside this list: its own URI is kept (Dataset.licence_uri).
    OTHER = "other", _("Other licence (see its link)")


LICENCE_URIS = {
    Licence.ETALAB_2_0: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
    Licence.CC_BY_4_0: EU_AUTHORITY + "licence/CC_BY_4_0",
    Licence.CC_BY_SA_4_0: EU_AUTHORITY + "licence/CC_BYSA_4_0",
    Licence.CC0: EU_AUTHORITY + "licence/CC0",
    Licence.PROPRIETARY: "",  # our own page: see exports.licence_uri
    Licence.OTHER: "",  # the dataset's own licence_uri
}
OPEN_LICENCES = {
    Licence.ETALAB_2_0,
    Licence.ODBL,
    Licence.CC_BY_4_0,
    Licence.CC_BY_SA_4_0,
    Licence.CC0,
}


class Frequency(models.TextChoices):
    """dct:accrualPeriodicity, codes of the EU frequency authority table."""

    CONTINUOUS = "UPDATE_CONT", _("Continuously updated")
    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    ANNUAL = "ANNUAL", _("Annual")
    IRREGULAR = "IRREG", _("Irregular")
    NEVER = "NEVER", _("Never (a one-off)")
    UNKNOWN = "UNKNOWN", _("Unknown")


class Theme(models.Model):
    """One row per EU data theme, so that datasets can have several and facets count them."""

    code = models.CharField(_("code"), max_length=4, choices=DataTheme.choices, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def uri(self) -> str:
        return f"{EU_AUTHORITY}data-theme/{self.code}"


class Keyword(models.Model):
    """A keyword, once for the whole catalogue: its label per language (translation.py) and its
    folded key ("Données" and "donnees" are one keyword), which facets count and filters match."""

    key = models.CharField(_("folded key"), max_length=200, unique=True)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label or self.key

    def labels(self) -> dict[str, str]:
        """{language: label} for the languages it has a label in."""
        return {lang: v for lang in ("fr", "en") if (v := getattr(self, f"label_{lang}", ""))}


class Dataset(VersionedModel):
    # title, description, quality_notes: translated (translation.py).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"))
    publisher = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("publisher"),
        help_text=_("The member city that publishes the data; empty for the association."),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=200,
        blank=True,
        help_text=_("The publisher's own identifier; harvesting uses it to update, not duplicate."),
    )
    contact_name = models.CharField(_("contact point"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stewarded_datasets",
        verbose_name=_("steward"),
        help_text=_("The person who decides on access requests."),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="datasets", verbose_name=_("themes")
    )
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by commas.")
    )
    # The normalised keywords (facet, filter, export), written from `keywords` by
    # services.dataset_keywords_sync; `keywords` stays what the publisher typed.
    keyword_tags = models.ManyToManyField(
        Keyword, blank=True, related_name="datasets", verbose_name=_("keywords (normalised)")
    )
    spatial_local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("spatial coverage (local government)"),
    )
    spatial_country = CountryField(_("spatial coverage (country)"), blank=True)
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage to"), null=True, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=12, choices=Frequency.choices, default=Frequency.UNKNOWN
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, db_index=True
    )
    quality_notes = models.TextField(_("quality notes"), blank=True)
    issued = models.DateField(_("issued"), default=dt.date.today)
    modified = models.DateField(_("modified"), default=dt.date.today)
    is_fictional = models.BooleanField(
        _("fictional"), default=False, help_text=_("Demo data invented for the demonstration.")
    )
    licence_uri = models.URLField(
        _("licence link"),
        blank=True,
        max_length=500,
        help_text=_("For another licence: the address of its text."),
    )
    # Harvested properties (DCAT-AP) that have no field of their own above.
    title_other = models.JSONField(
        _("titles in other languages"), default=dict, blank=True, help_text=_("{language: title}")
    )
    description_other = models.JSONField(
        _("descriptions in other languages"), default=dict, blank=True
    )
    keywords_other = models.JSONField(
        _("keywords in other languages"),
        default=dict,
        blank=True,
        help_text=_("{language: [keyword]}"),
    )
    landing_page = models.URLField(_("landing page"), blank=True, max_length=500)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("EU language codes (FRA, ENG…).")
    )
    source_publisher_name = models.CharField(
        _("publisher at the source"), max_length=250, blank=True
    )
    source_publisher_uri = models.URLField(
        _("publisher IRI at the source"), blank=True, max_length=500
    )
    spatial_uri = models.URLField(_("place IRI"), blank=True, max_length=500)
    spatial_geometry = models.TextField(
        _("geometry"), blank=True, help_text=_("WKT or GeoJSON, as the source gives it.")
    )
    hvd_categories = models.JSONField(
        _("high-value dataset categories"), default=list, blank=True, help_text=_("IRIs.")
    )
    # Harvesting: where the record came from, what the source said, what the steward changed.
    harvest_source = models.ForeignKey(
        "datagov.HarvestSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("harvest source"),
    )
    source_uri = models.CharField(_("IRI at the source"), max_length=500, blank=True)
    source_hash = models.CharField(
        _("fingerprint of the harvested record"), max_length=64, blank=True
    )
    local_fields = models.JSONField(
        _("fields edited locally"),
        default=list,
        blank=True,
        help_text=_("A re-harvest leaves these fields as the steward set them."),
    )
    harvest_flags = models.JSONField(_("harvest notes"), default=list, blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("Gone from its harvest source: kept, but no longer listed."),
    )
    # Search terms (search.py): folded, stemmed French and English words, kept up to date on save.
    search_title = models.TextField(_("search terms of the title"), blank=True, editable=False)
    search_text = models.TextField(_("search terms"), blank=True, editable=False)
    # The DCAT-AP check run when the dataset is saved (errors block nothing but are shown).
    dcat_errors = models.JSONField(_("DCAT-AP errors"), default=list, blank=True)
    dcat_warnings = models.JSONField(_("DCAT-AP warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-modified", "pk"]
        indexes = [models.Index(fields=["licence"]), models.Index(fields=["-modified", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(temporal_end__isnull=True)
                | Q(temporal_start__isnull=True)
                | Q(temporal_end__gte=models.F("temporal_start")),
                name="datagov_dataset_temporal_order",
                violation_error_message=_("The temporal coverage cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(modified__gte=models.F("issued")),
                name="datagov_dataset_modified_after_issued",
                violation_error_message=_("A dataset cannot be modified before it is issued."),
            ),
            models.UniqueConstraint(
                fields=["publisher", "identifier"],
                condition=~Q(identifier=""),
                name="datagov_dataset_unique_identifier_per_publisher",
                violation_error_message=_(
                    "This publisher already has a dataset with this identifier."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("datagov:dataset_detail", kwargs={"slug": self.slug})

    def refresh_search(self) -> None:
        from edile.datagov.search import index_text

        titles = [self.title_fr, self.title_en, *(self.title_other or {}).values()]
        self.search_title = index_text(*titles)
        others = [" ".join(words) for words in (self.keywords_other or {}).values()]
        self.search_text = index_text(
            *titles,
            self.description_fr,
            self.description_en,
            *(self.description_other or {}).values(),
            self.keywords,
            *others,
        )

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_title", "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def display_title(self) -> str:
        """The title in the reader's language, else the other one, else the source's own."""
        return self.title or next(iter(self.title_other.values()), "")

    @property
    def display_description(self) -> str:
        return self.description or next(iter(self.description_other.values()), "")

    @property
    def is_open(self) -> bool:
        return self.classification == Classification.OPEN

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class DistributionFormat(models.TextChoices):
    CSV = "CSV", "CSV"
    JSON = "JSON", "JSON"
    GEOJSON = "GEOJSON", "GeoJSON"
    XLSX = "XLSX", "XLSX"
    ODS = "ODS", "ODS"
    XML = "XML", "XML"
    PDF = "PDF", "PDF"
    ZIP = "ZIP", "ZIP"
    SHP = "SHP", "Shapefile"
    API = "API", "API"
    XLS = "XLS", "XLS"
    GML = "GML", "GML"
    KML = "KML", "KML"
    KMZ = "KMZ", "KMZ"
    GPKG = "GPKG", "GeoPackage"
    WMS = "WMS", "WMS"
    WFS = "WFS", "WFS"
    RDF_XML = "RDF_XML", "RDF/XML"
    TURTLE = "TURTLE", "Turtle"
    JSON_LD = "JSON_LD", "JSON-LD"
    HTML = "HTML", "HTML"
    TXT = "TXT", _("Text")
    DOCX = "DOCX", "DOCX"
    ODT = "ODT", "ODT"
    TIFF = "TIFF", "TIFF"
    PNG = "PNG", "PNG"
    JPEG = "JPEG", "JPEG"
    PARQUET = "PARQUET", "Parquet"
    OTHER = "OTHER", _("Other")


class Distribution(TimeStampedModel):
    """A file uploaded to the platform, or a link to where the data lives."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="distributions", verbose_name=_("dataset")
    )
    title = models.CharField(_("title"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language of the title"), max_length=8, blank=True, help_text=_("fr, en, de…")
    )
    identifier = models.CharField(
        _("identifier at the source"),
        max_length=500,
        blank=True,
        help_text=_("Harvesting matches files on it, so that they keep their address."),
    )
    access_url = models.URLField(_("access page"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to="datagov/%Y/%m/", blank=True, max_length=300)
    url = models.URLField(_("link"), blank=True, max_length=500)
    format = models.CharField(_("format"), max_length=10, choices=DistributionFormat.choices)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum = models.CharField(_("checksum"), max_length=128, blank=True)
    checksum_algorithm = models.CharField(_("checksum algorithm"), max_length=20, default="sha256")
    version_note = models.TextField(
        _("version note"),
        blank=True,
        help_text=_("What changed when the file was last replaced."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["dataset", "pk"]
        indexes = [models.Index(fields=["format"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="datagov_distribution_file_or_link",
                violation_error_message=_("A distribution is either an uploaded file or a link."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.dataset} ({self.format})"

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class ColumnType(models.TextChoices):
    """The CSVW built-in datatypes a column can have (their names are CSVW's)."""

    STRING = "string", _("text")
    INTEGER = "integer", _("integer")
    NUMBER = "number", _("decimal")
    DATE = "date", _("date")
    BOOLEAN = "boolean", _("yes/no")


class DataDictionary(VersionedModel):
    """The description of a CSV file's columns, written by the dataset's steward."""

    distribution = models.OneToOneField(
        Distribution,
        on_delete=models.CASCADE,
        related_name="dictionary",
        verbose_name=_("distribution"),
    )
    delimiter = models.CharField(
        _("delimiter"), max_length=1, default=",", help_text=_("As read from the file.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data dictionary")
        verbose_name_plural = _("data dictionaries")

    def __str__(self) -> str:
        return str(self.distribution)


class DictionaryColumn(models.Model):
    """One column of a CSV file: its header, type, unit and description (translation.py)."""

    dictionary = models.ForeignKey(
        DataDictionary,
        on_delete=models.CASCADE,
        related_name="columns",
        verbose_name=_("data dictionary"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("column name"), max_length=200)
    datatype = models.CharField(
        _("type"), max_length=10, choices=ColumnType.choices, default=ColumnType.STRING
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True, help_text=_("km, €, %, m³…"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["dictionary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dictionary", "position"], name="datagov_column_unique_position"
            ),
            models.UniqueConstraint(
                fields=["dictionary", "name"],
                name="datagov_column_unique_name",
                violation_error_message=_("Two columns of a file cannot have the same name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HarvestKind(models.TextChoices):
    CKAN = "ckan", _("CKAN portal (action API)")
    DCAT = "dcat", _("DCAT-AP file or endpoint (RDF/XML, Turtle, JSON-LD, N-Triples)")


class HarvestSchedule(models.TextChoices):
    MANUAL = "manual", _("Only when run by hand")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


SCHEDULE_DAYS = {HarvestSchedule.DAILY: 1, HarvestSchedule.WEEKLY: 7, HarvestSchedule.MONTHLY: 30}


class HarvestSource(TimeStampedModel):
    """A city's existing catalogue, harvested by URL on a schedule."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("address"),
        max_length=500,
        help_text=_("For CKAN, the portal's root (https://data.example.org/)."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=HarvestKind.choices)
    publisher = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="harvest_sources",
        verbose_name=_("city"),
    )
    schedule = models.CharField(
        _("schedule"),
        max_length=10,
        choices=HarvestSchedule.choices,
        default=HarvestSchedule.WEEKLY,
    )
    default_licence = models.CharField(
        _("default licence"),
        max_length=20,
        choices=Licence.choices,
        blank=True,
        help_text=_("For records that state no licence."),
    )
    default_contact_name = models.CharField(_("default contact point"), max_length=200, blank=True)
    default_contact_email = models.EmailField(
        _("default contact e-mail address"),
        blank=True,
        help_text=_("For records that give no contact e-mail address."),
    )
    default_language = models.CharField(
        _("language of untagged text"),
        max_length=2,
        choices=[("fr", _("French")), ("en", _("English")), ("", _("Unknown"))],
        default="fr",
        blank=True,
        help_text=_("The language of titles and descriptions that the source does not tag."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        ordering = ["publisher__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "url"],
                name="datagov_harvestsource_unique_url_per_city",
                violation_error_message=_("This city already harvests this address."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("datagov:harvest_source_detail", kwargs={"pk": self.pk})

    def is_due(self, now: dt.datetime) -> bool:
        days = SCHEDULE_DAYS.get(self.schedule)
        if not self.is_active or days is None:
            return False
        return self.last_run_at is None or now - self.last_run_at >= dt.timedelta(
            days=days
        ) - dt.timedelta(hours=1)


class HarvestRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class HarvestRun(models.Model):
    """One run of a source and its report (created, updated, unchanged, withdrawn, refused)."""

    source = models.ForeignKey(
        HarvestSource, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HarvestRunStatus.choices,
        default=HarvestRunStatus.QUEUED,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    refused = models.JSONField(_("refused records"), default=list, blank=True)
    flagged = models.JSONField(_("records imported with notes"), default=list, blank=True)
    error = models.TextField(_("why the run stopped"), blank=True)

    class Meta:
        verbose_name = _("harvest run")
        verbose_name_plural = _("harvest runs")
        ordering = ["-queued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.queued_at:%Y-%m-%d %H:%M}"

    def report(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "refused": self.refused,
        }


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1), also a neutral baseline for members outside the EU."""

    CONSENT = "consent", _("Consent of the persons concerned")
    CONTRACT = "contract", _("Performance of a contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    PUBLIC_TASK = "public_task", _("Public interest or official authority")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")


class AccessRequest(TimeStampedModel):
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="access_requests", verbose_name=_("dataset")
    )
    # Nullable: the retention job anonymises closed requests by removing the requester.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="data_access_requests",
        verbose_name=_("requester"),
    )
    purpose = models.TextField(_("purpose"))
    intended_use = models.TextField(_("intended use"))
    duration_days = models.PositiveIntegerField(
        _("duration (days)"), validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
        db_index=True,
    )
    conditions = models.TextField(_("conditions"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    expires_on = models.DateField(_("access expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(expires_on__isnull=False),
                name="datagov_accessrequest_approved_expires",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="datagov_accessrequest_refusal_has_reason",
                violation_error_message=_("A refusal states its reason."),
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=730),
                name="datagov_accessrequest_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} — {self.requester}"

    def is_active(self, on: dt.date | None = None) -> bool:
        """Approved access lapses by itself: no job needs to run for it to expire."""
        on = on or dt.date.today()
        return (
            self.status == AccessRequestStatus.APPROVED
            and self.expires_on is not None
            and self.expires_on >= on
        )

    @property
    def is_expired(self) -> bool:
        return self.status == AccessRequestStatus.APPROVED and not self.is_active()


class DownloadLog(models.Model):
    """Every download of non-open data; personal data, kept for the retention period only."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="download_logs", verbose_name=_("dataset")
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("distribution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    access_request = models.ForeignKey(
        AccessRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("access request"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    anonymised = models.BooleanField(_("anonymised"), default=False)
    # No history table on purpose: the log is itself the audit trail, and a history copy would
    # keep personal data beyond its retention period (docs/decisions/datagov-retention.md).

    class Meta:
        verbose_name = _("download log entry")
        verbose_name_plural = _("download log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.dataset} @ {self.at:%Y-%m-%d %H:%M}"


class ProcessingRecord(VersionedModel):
    """A record of processing activities (GDPR Art. 30) of a city, or of the association."""

    # name, purpose: translated (translation.py).
    controller = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processing_records",
        verbose_name=_("controller"),
        help_text=_("Empty for the association itself."),
    )
    name = models.CharField(_("name"), max_length=250)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    data_categories = models.TextField(_("categories of personal data"))
    subject_categories = models.TextField(_("categories of persons"))
    recipients = models.TextField(_("recipients"), blank=True)
    transfers = models.TextField(
        _("transfers outside the country"),
        blank=True,
        help_text=_("Countries or international organisations, and the safeguards."),
    )
    retention_period = models.CharField(_("retention period"), max_length=250)
    security_measures = models.TextField(_("security measures"))
    dpo_contact = models.CharField(_("data protection contact"), max_length=250, blank=True)
    datasets = models.ManyToManyField(
        "datagov.Dataset",
        blank=True,
        related_name="processing_records",
        verbose_name=_("datasets concerned"),
        help_text=_("The controller's datasets that this processing produces or uses."),
    )
    is_fictional = models.BooleanField(_("fictional"), default=False)

    class Meta:
        verbose_name = _("processing record")
        verbose_name_plural = _("register of processing")
        ordering = ["controller__name", "name"]

    def __str__(self) -> str:
        return self.name


class RetentionTarget(models.TextChoices):
    CONGRESS_REGISTRATIONS = "governance.registrations", _("Congress registrations")
    ANONYMOUS_REPORTS = "observatory.anonymous_reports", _("Anonymous reports")
    DOWNLOAD_LOGS = "datagov.download_logs", _("Data download logs")
    ACCESS_REQUESTS = "datagov.access_requests", _("Closed data access requests")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise")


class RetentionPolicy(TimeStampedModel):
    """How long the platform keeps one kind of its own personal data, and what happens then."""

    target = models.CharField(
        _("target"), max_length=40, choices=RetentionTarget.choices, unique=True
    )
    period_days = models.PositiveIntegerField(_("period (days)"), validators=[MinValueValidator(1)])
    action = models.CharField(_("action"), max_length=10, choices=RetentionAction.choices)
    processing_record = models.ForeignKey(
        ProcessingRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processing record"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_run_count = models.PositiveIntegerField(_("records handled at the last run"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["target"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_days__gte=1), name="datagov_retention_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_target_display())


class Roadmap(TimeStampedModel):
    # title, description: translated (translation.py).
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    adopted_on = models.DateField(_("adopted on"))
    adopted_at = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted in"),
    )
    supported_by = models.CharField(_("supported by"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["-adopted_on"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = frozenset(
    {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DELAYED}
)


class RoadmapAction(VersionedModel):
    # title: translated (translation.py).
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="actions", verbose_name=_("roadmap")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=250)
    owner = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Empty for the association."),
    )
    partner = models.CharField(_("partner"), max_length=250, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)

    class Meta:
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")
        ordering = ["roadmap", "due_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "code"], name="datagov_action_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_overdue(self) -> bool:
        """Past its due date and neither done nor cancelled: the page says so, whatever the
        status last typed ("planned" in 2026 for an action due in 2025)."""
        return self.status in OPEN_ACTION_STATUSES and self.due_date < dt.date.today()


class MaturityDimension(models.Model):
    # name, description: translated (translation.py).
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("maturity dimension")
        verbose_name_plural = _("maturity dimensions")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class MaturityLevel(models.Model):
    # name, description: translated (translation.py).
    value = models.PositiveSmallIntegerField(
        _("value"), unique=True, validators=[MaxValueValidator(10)]
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} — {self.name}"


class MaturityDescriptor(models.Model):
    """What one level means on one dimension ("4 — managed: a complete inventory, updated each
    year"), written by the secretariat; without one, the level's general description is shown."""

    # text: translated (translation.py).
    dimension = models.ForeignKey(
        MaturityDimension,
        on_delete=models.CASCADE,
        related_name="descriptors",
        verbose_name=_("dimension"),
    )
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.CASCADE, related_name="+", verbose_name=_("level")
    )
    text = models.TextField(_("what this level means"))

    class Meta:
        verbose_name = _("maturity level descriptor")
        verbose_name_plural = _("maturity level descriptors")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "level"], name="datagov_descriptor_one_per_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.level.value}"


class MaturityAssessment(TimeStampedModel):
    """A city's self-assessment on one date; several over the years show its progress."""

    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="maturity_assessments",
        verbose_name=_("local government"),
    )
    assessed_on = models.DateField(_("assessed on"))
    notes = models.TextField(_("notes"), blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        ordering = ["local_government", "assessed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government", "assessed_on"],
                name="datagov_assessment_unique_date",
                violation_error_message=_("This city already has an assessment on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government} {self.assessed_on}"


class MaturityScore(models.Model):
    assessment = models.ForeignKey(
        MaturityAssessment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("assessment"),
    )
    dimension = models.ForeignKey(
        MaturityDimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("dimension")
    )
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("What shows this level: a document, a link, a fact.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maturity score")
        verbose_name_plural = _("maturity scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="datagov_score_one_per_dimension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.dimension}: {self.level.value}"
