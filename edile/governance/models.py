"""Governance: the association's bodies and the seats in them.

The foundation defines bodies and seats (the Bureau and commissions are part of the member
registry's demo); meetings, resolutions, votes and prizes build on them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from edile.core.models import TimeStampedModel, VersionedModel
from edile.members.models import Gender


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
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("local government"),
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("person"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    votes = models.PositiveSmallIntegerField(
        _("votes"),
        default=1,
        help_text=_("The weight of this seat's vote when the body's rule weighs votes."),
    )
    lapses_with_mandate = models.BooleanField(
        _("lapses when the holder's mandate ends"),
        default=True,
        help_text=_("A seat held by a person on behalf of a city ends with their mandate."),
    )
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
            models.CheckConstraint(
                condition=Q(votes__gte=1), name="governance_seat_votes_positive"
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


# ---------------------------------------------------------------------------------------------
# Meetings: a congress is a meeting whose children are its sessions.


class MeetingKind(models.TextChoices):
    CONGRESS = "congress", _("Congress")
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    BUREAU_MEETING = "bureau_meeting", _("Bureau meeting")
    COMMISSION_MEETING = "commission_meeting", _("Commission meeting")
    SYMPOSIUM = "symposium", _("Symposium")
    REGIONAL_CONFERENCE = "regional_conference", _("Regional conference")
    INFORMATION_SESSION = "information_session", _("Information session")
    SITE_VISIT = "site_visit", _("Site visit")
    CEREMONY = "ceremony", _("Ceremony")


class Meeting(TimeStampedModel):
    """A congress or one of its sessions; statutory sessions have a convening body."""

    # title, venue, description: translated (translation.py).
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("congress"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("convening body"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    convocation = models.PositiveSmallIntegerField(
        _("convocation"), default=1, help_text=_("1 for the first convocation, 2 for the second.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    proxy_cap = models.PositiveSmallIntegerField(
        _("proxies per holder"),
        default=2,
        help_text=_("How many cities one city may represent by proxy at this meeting."),
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    moderation_required = models.BooleanField(_("registrations need approval"), default=False)
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="governance_meeting_end_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(convocation__in=[1, 2]), name="governance_meeting_convocation_1_or_2"
            ),
            models.CheckConstraint(
                condition=Q(registration_opens__isnull=True)
                | Q(registration_closes__isnull=True)
                | Q(registration_closes__gte=models.F("registration_opens")),
                name="governance_meeting_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("governance:meeting_detail", kwargs={"slug": self.slug})

    @property
    def is_congress(self) -> bool:
        return self.kind == MeetingKind.CONGRESS


class AgendaItem(TimeStampedModel):
    """An item of a meeting's agenda: a tree, each item optionally linked to what it decides."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="governance_agendaitem_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    REPRESENTED = "represented", _("Represented")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class AttendanceSource(models.TextChoices):
    CHECK_IN = "check_in", _("Badge check-in")
    MANUAL = "manual", _("Recorded by the secretariat")
    PROXY = "proxy", _("Proxy")


class Attendance(TimeStampedModel):
    """Whether a member city attended a session: the input of every quorum check."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("local government"),
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=AttendanceSource.choices,
        default=AttendanceSource.MANUAL,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "local_government__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "local_government"], name="governance_attendance_one_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government}: {self.get_status_display()}"


class Proxy(TimeStampedModel):
    """A member city (grantor) gives its vote at a meeting to another member city (holder)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("meeting")
    )
    grantor = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="proxies_given",
        verbose_name=_("represented city"),
    )
    holder = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="proxies_held",
        verbose_name=_("proxy holder"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "grantor"],
                name="governance_proxy_one_per_grantor",
                violation_error_message=_("This city has already given a proxy for this meeting."),
            ),
            models.CheckConstraint(
                condition=~Q(grantor=models.F("holder")),
                name="governance_proxy_not_to_self",
                violation_error_message=_("A city cannot hold its own proxy."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.holder}"


# ---------------------------------------------------------------------------------------------
# Registration for a congress and its sessions.


class RegistrationTypeCode(models.TextChoices):
    """The codes of the association's default registration types (each congress's types are
    rows of `RegistrationType`; these are the ones a new congress starts with)."""

    MAYOR = "mayor", _("Mayor")
    DELEGATION_MEMBER = "delegation_member", _("Delegation member")
    ACCOMPANYING_PERSON = "accompanying_person", _("Accompanying person")
    PARTNER = "partner", _("Partner")
    SPEAKER = "speaker", _("Speaker")
    PRESS = "press", _("Press")
    STAFF = "staff", _("Staff")


class RegistrationEligibility(models.TextChoices):
    ANYONE = "anyone", _("Anyone")
    MEMBER_CITY = "member_city", _("People representing a member city")
    SECRETARIAT = "secretariat", _("Registered by the secretariat only")


class RegistrationType(VersionedModel):
    """A way to register for one congress (mayor, press…): its fee, its quota, who may use it,
    and whether it gives a badge and the right to make the city present at a vote.

    `code` is what the API and the registrations' `type` carry; it never changes."""

    congress = models.ForeignKey(
        "Meeting",
        on_delete=models.CASCADE,
        related_name="registration_types",
        verbose_name=_("congress"),
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    fee = models.DecimalField(
        _("fee"), max_digits=10, decimal_places=2, default=0, help_text=_("0 for free.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    quota = models.PositiveIntegerField(
        _("quota"),
        null=True,
        blank=True,
        help_text=_("How many people may register with this type; empty means no limit."),
    )
    eligibility = models.CharField(
        _("who may register with it"),
        max_length=20,
        choices=RegistrationEligibility.choices,
        default=RegistrationEligibility.ANYONE,
    )
    gives_badge = models.BooleanField(_("gives a badge"), default=True)
    gives_voting_right = models.BooleanField(
        _("makes the city present at votes"),
        default=False,
        help_text=_("A badge of this type scanned at a statutory session makes the city present."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration type")
        verbose_name_plural = _("registration types")
        ordering = ["congress", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "code"],
                name="governance_registrationtype_unique_code",
                violation_error_message=_("This congress already has a type with this code."),
            ),
            models.CheckConstraint(
                condition=Q(fee__gte=0), name="governance_registrationtype_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(TimeStampedModel):
    """One person's registration for a congress; `token` is what the badge's QR code carries."""

    congress = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("congress")
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("account"),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail address"), blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("city"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    # The type's code, kept on the row so that the API, statistics and retention read it
    # without a join; `registration_type` is the congress's type it was registered with.
    type = models.CharField(_("registration type code"), max_length=30)
    registration_type = models.ForeignKey(
        RegistrationType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("registration type"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="fr"
    )
    consent_to_list = models.BooleanField(
        _("I agree to appear on the public list of participants"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        db_index=True,
    )
    token = models.UUIDField(_("badge code"), default=uuid.uuid4, unique=True, editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    is_fictional = models.BooleanField(_("fictional"), default=False)
    history = HistoricalRecords(excluded_fields=["given_name", "family_name", "email"])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["family_name", "given_name", "pk"]
        indexes = [models.Index(fields=["congress", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "email"],
                condition=~Q(email=""),
                name="governance_registration_one_per_email",
                violation_error_message=_("This e-mail address is already registered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SessionSignup(TimeStampedModel):
    """A registrant's place in one session: confirmed within capacity, else on the waiting list."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="signups",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="signups", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="governance_signup_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} — {self.session}"


# ---------------------------------------------------------------------------------------------
# Decision rules: quorum and majority as data.


class QuorumBase(models.TextChoices):
    NONE = "none", _("No quorum")
    MEMBERS = "members", _("Members entitled to vote")


class MajorityBase(models.TextChoices):
    # The values are the evaluation API's vocabulary (evaluation.py).
    VOTES_CAST = "votes_cast", _("Votes cast (yes and no; abstentions not counted)")
    VOTES_CAST_AND_ABSTENTIONS = (
        "votes_cast_and_abstentions",
        _("Votes cast including abstentions"),
    )
    ATTENDING = "attending", _("Members present and represented")
    MEMBERS = "members", _("Members entitled to vote")


class Comparator(models.TextChoices):
    MORE_THAN = "more_than", _("More than")
    AT_LEAST = "at_least", _("At least")


class TieRule(models.TextChoices):
    REJECTED = "rejected", _("A tie rejects the motion")
    CHAIR_DECIDES = "chair_decides", _("The chair's choice decides (voix prépondérante)")
    CASTING_VOTE = "casting_vote", _("The chair's vote is added to its side")


class VotingUnit(models.TextChoices):
    ONE_CITY_ONE_VOTE = "one_city_one_vote", _("One city, one vote")
    WEIGHTED = "weighted", _("Weighted")


class DecisionRule(TimeStampedModel):
    """How a body decides: quorum, majority, ties, weighting and proxies. Kept as data."""

    # label: translated (translation.py).
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=200)
    statutory_reference = models.CharField(_("statutory reference"), max_length=120, blank=True)
    quorum_base = models.CharField(
        _("quorum base"),
        max_length=30,
        choices=QuorumBase.choices,
        default=QuorumBase.MEMBERS,
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=2)
    quorum_comparator = models.CharField(
        _("quorum comparison"),
        max_length=20,
        choices=Comparator.choices,
        default=Comparator.AT_LEAST,
    )
    quorum_on_second_convocation = models.BooleanField(
        _("quorum also required on second convocation"), default=False
    )
    proxies_count_for_quorum = models.BooleanField(_("proxies count for quorum"), default=True)
    majority_base = models.CharField(
        _("majority base"),
        max_length=40,
        choices=MajorityBase.choices,
        default=MajorityBase.VOTES_CAST,
    )
    threshold_numerator = models.PositiveSmallIntegerField(_("majority numerator"), default=1)
    threshold_denominator = models.PositiveSmallIntegerField(_("majority denominator"), default=2)
    comparator = models.CharField(
        _("comparator"), max_length=20, choices=Comparator.choices, default=Comparator.MORE_THAN
    )
    tie_rule = models.CharField(
        _("tie rule"), max_length=30, choices=TieRule.choices, default=TieRule.REJECTED
    )
    voting_unit = models.CharField(
        _("voting unit"),
        max_length=30,
        choices=VotingUnit.choices,
        default=VotingUnit.ONE_CITY_ONE_VOTE,
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(_("proxies per holder"), default=2)

    class Meta:
        verbose_name = _("decision rule")
        verbose_name_plural = _("decision rules")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(threshold_denominator__gt=0)
                & Q(quorum_numerator__lte=models.F("quorum_denominator"))
                & Q(threshold_numerator__lte=models.F("threshold_denominator")),
                name="governance_decisionrule_fractions",
                violation_error_message=_("Fractions must be between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def snapshot(self) -> dict[str, Any]:
        """The rule as it stood when a vote opened: statutes change, past votes must not."""
        fields = [
            "code",
            "label_fr",
            "label_en",
            "statutory_reference",
            "quorum_base",
            "quorum_numerator",
            "quorum_denominator",
            "quorum_comparator",
            "quorum_on_second_convocation",
            "proxies_count_for_quorum",
            "majority_base",
            "threshold_numerator",
            "threshold_denominator",
            "comparator",
            "tie_rule",
            "voting_unit",
            "max_proxies_per_holder",
        ]
        return {f: getattr(self, f) for f in fields}


# ---------------------------------------------------------------------------------------------
# Resolutions, their versions, paragraphs and amendments.


class Topic(TimeStampedModel):
    # name: translated (translation.py).
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class ResolutionKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DECISION = "decision", _("Decision")
    DECLARATION = "declaration", _("Declaration")
    STATUTE_AMENDMENT = "statute_amendment", _("Amendment to the statutes")


class ResolutionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TABLED = "tabled", _("Tabled")
    AMENDED = "amended", _("Amended")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DEFERRED = "deferred", _("Deferred")


class VoteRequirement(models.TextChoices):
    NONE = "", _("No vote needed")
    PASSED = "pass", _("A vote that passed")
    FAILED = "fail", _("A vote that failed")


class WorkflowTransition(models.Model):
    """One allowed move of a resolution's state: who may make it and which vote result it needs."""

    from_state = models.CharField(_("from"), max_length=20, choices=ResolutionState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ResolutionState.choices)
    role = models.CharField(
        _("role"), max_length=30, help_text=_("The role code allowed to make this move.")
    )
    requires_vote = models.CharField(
        _("requires"), max_length=10, blank=True, choices=VoteRequirement.choices
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["from_state", "to_state"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_state", "to_state"], name="governance_transition_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class Resolution(TimeStampedModel):
    """A resolution or a decision of a body; bilingual, French authentic by default."""

    # title, summary: translated (translation.py).
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=ResolutionKind.choices, default=ResolutionKind.RESOLUTION
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("body")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("meeting"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ResolutionState.choices,
        default=ResolutionState.DRAFT,
        db_index=True,
    )
    authentic_language = models.CharField(
        _("authentic language"), max_length=2, choices=settings.LANGUAGES, default="fr"
    )
    rule = models.ForeignKey(
        DecisionRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("decision rule"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="resolutions", verbose_name=_("topics")
    )
    sponsors = models.ManyToManyField(
        "members.LocalGovernment",
        blank=True,
        related_name="sponsored_resolutions",
        verbose_name=_("sponsors"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-decided_on", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("governance:resolution_detail", kwargs={"slug": self.slug})


class ResolutionLink(TimeStampedModel):
    """What a resolution concerns (a member city, an observatory case, a project): generic."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="links", verbose_name=_("resolution")
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "content_type", "object_id"],
                name="governance_resolutionlink_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.subject)


class ResolutionVersion(TimeStampedModel):
    """A state of a resolution's text: the tabled text, then one version per adopted amendment."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="versions", verbose_name=_("resolution")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    # note: translated (translation.py).
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("text version")
        verbose_name_plural = _("text versions")
        ordering = ["resolution", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"], name="governance_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution} v{self.number}"


class Paragraph(models.Model):
    """A numbered paragraph; the same number in both languages, so amendments target both."""

    version = models.ForeignKey(
        ResolutionVersion,
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("version"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    # The paragraph's identity across versions: an amendment targets the key, so it changes
    # the paragraph it meant whatever was adopted before it (numbers shift, keys do not).
    key = models.PositiveIntegerField(_("identity"), default=0)
    # text: translated (translation.py).
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="governance_paragraph_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"§{self.number}"


class AmendmentOperation(models.TextChoices):
    REPLACE = "replace", _("Replace the paragraph")
    INSERT_AFTER = "insert_after", _("Insert a paragraph after")
    DELETE = "delete", _("Delete the paragraph")


class AmendmentState(models.TextChoices):
    # A context of its own: in French an amendment is masculine, a resolution feminine.
    SUBMITTED = "submitted", pgettext_lazy("amendment state", "Submitted")
    ADOPTED = "adopted", pgettext_lazy("amendment state", "Adopted")
    REJECTED = "rejected", pgettext_lazy("amendment state", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("amendment state", "Withdrawn")
    # Another amendment adopted on the same paragraph made this one moot.
    LAPSED = "lapsed", pgettext_lazy("amendment state", "Lapsed")


class Amendment(TimeStampedModel):
    """A proposed change to one paragraph, or to another amendment (`parent`)."""

    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("resolution"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_amendments",
        verbose_name=_("amends"),
    )
    number = models.CharField(_("number"), max_length=20)
    base_version = models.ForeignKey(
        "ResolutionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amended version"),
    )
    paragraph_number = models.PositiveSmallIntegerField(
        _("paragraph"), help_text=_("Its number in the amended version.")
    )
    paragraph_key = models.PositiveIntegerField(_("paragraph identity"), null=True, blank=True)
    vote_order = models.PositiveSmallIntegerField(
        _("order of the vote"), null=True, blank=True, help_text=_("Set by the chair.")
    )
    operation = models.CharField(
        _("operation"),
        max_length=20,
        choices=AmendmentOperation.choices,
        default=AmendmentOperation.REPLACE,
    )
    # text, justification: translated (translation.py).
    text = models.TextField(_("proposed text"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    submitter = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("submitted by"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AmendmentState.choices, default=AmendmentState.SUBMITTED
    )

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["resolution", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"], name="governance_amendment_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(operation="delete") | ~Q(text=""),
                name="governance_amendment_text_unless_delete",
                violation_error_message=_("Give the proposed text."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ResolutionEvent(models.Model):
    """The public history of a resolution: each change of state, with who and why."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="events", verbose_name=_("resolution")
    )
    at = models.DateTimeField(_("date"))
    from_state = models.CharField(
        _("from"), max_length=20, choices=ResolutionState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=ResolutionState.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vote = models.ForeignKey(
        "Vote", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution event")
        verbose_name_plural = _("resolution events")
        ordering = ["resolution", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.resolution}: {self.to_state}"


# ---------------------------------------------------------------------------------------------
# Votes.


class VoteMode(models.TextChoices):
    ANALOG = "analog", _("Counted in the room")
    ROLL_CALL = "roll_call", _("Named roll call")
    SECRET = "secret", _("Secret ballot")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class VoteResult(models.TextChoices):
    PASSED = "pass", _("Adopted")
    FAILED = "fail", _("Rejected")
    NO_QUORUM = "no_quorum", _("No quorum")


class BallotOption(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class Vote(TimeStampedModel):
    """A vote on a resolution or an amendment; its result is computed, never typed in."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="votes", verbose_name=_("resolution")
    )
    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("amendment"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="votes", verbose_name=_("meeting")
    )
    rule = models.ForeignKey(
        DecisionRule,
        on_delete=models.PROTECT,
        related_name="votes",
        verbose_name=_("decision rule"),
    )
    rule_snapshot = models.JSONField(_("rule as applied"), default=dict)
    mode = models.CharField(
        _("mode"), max_length=20, choices=VoteMode.choices, default=VoteMode.ROLL_CALL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    entitled = models.PositiveIntegerField(_("members entitled"), default=0)
    present = models.PositiveIntegerField(_("present"), default=0)
    represented = models.PositiveIntegerField(_("represented"), default=0)
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    chair_vote = models.CharField(
        _("chair's casting vote"), max_length=10, blank=True, choices=BallotOption.choices
    )
    result = models.CharField(_("result"), max_length=20, blank=True, choices=VoteResult.choices)
    explanation_fr = models.TextField(_("explanation (French)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="governance_vote_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        target = self.amendment or self.resolution
        return f"{target} — {self.opened_at:%Y-%m-%d}"

    @property
    def explanation(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "fr").startswith("en"):
            return self.explanation_en
        return self.explanation_fr


class Ballot(TimeStampedModel):
    """One city's vote, cast by its delegate or by the city holding its proxy."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("city"),
    )
    option = models.CharField(_("option"), max_length=10, choices=BallotOption.choices)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    cast_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_proxy = models.BooleanField(_("by proxy"), default=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "local_government__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "local_government"],
                name="governance_ballot_one_per_city",
                violation_error_message=_("This city has already voted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government}: {self.option}"


class BallotReceipt(models.Model):
    """That a city has voted in a vote (never what it chose): refuses a second ballot.

    Every mode keeps one; a secret ballot's choice is only added to the vote's `SecretTally`,
    so nothing links a city or a person to a choice.
    """

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("vote")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="ballot_receipts",
        verbose_name=_("city"),
    )
    cast_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_proxy = models.BooleanField(_("by proxy"), default=False)

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "local_government"],
                name="governance_receipt_one_per_city",
                violation_error_message=_("This city has already voted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.local_government_id}"


class SecretTally(models.Model):
    """The running counts of a secret ballot: no row per ballot, no timestamp, no history."""

    vote = models.OneToOneField(
        Vote, on_delete=models.CASCADE, related_name="secret_tally", verbose_name=_("vote")
    )
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    abstain = models.PositiveIntegerField(_("abstentions"), default=0)

    class Meta:
        verbose_name = _("secret ballot tally")
        verbose_name_plural = _("secret ballot tallies")

    def __str__(self) -> str:
        return f"{self.vote_id}"


# ---------------------------------------------------------------------------------------------
# Minutes.


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Minutes(VersionedModel):
    """Minutes of a session, generated from the records in both languages, then edited."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"))
    status = models.CharField(
        _("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Approved "by <body> at <meeting>": a later meeting of the same body; empty when the
    # secretariat approved them.
    approved_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_approved",
        verbose_name=_("approved at the meeting"),
    )
    approved_version = models.PositiveIntegerField(_("approved version"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="governance_minutes_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}"

    def text(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_fr


# ---------------------------------------------------------------------------------------------
# The prize.


class PrizeEdition(TimeStampedModel):
    # title, description: translated (translation.py).
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    jury = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prize_editions",
        verbose_name=_("jury"),
    )
    ceremony = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prize_editions",
        verbose_name=_("ceremony"),
    )
    nominations_close = models.DateField(_("nominations close"), null=True, blank=True)
    minimum_scores = models.PositiveSmallIntegerField(
        _("jury scores needed"),
        default=1,
        help_text=_("A nomination becomes a laureate only with at least this many jury scores."),
    )

    class Meta:
        verbose_name = _("prize edition")
        verbose_name_plural = _("prize editions")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    LAUREATE = "laureate", _("Laureate")
    NOT_SELECTED = "not_selected", _("Not selected")


class Nomination(TimeStampedModel):
    edition = models.ForeignKey(
        PrizeEdition,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("edition"),
    )
    nominee = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("nominee"),
    )
    nominated_by = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("nominated by"),
    )
    # citation: translated (translation.py).
    citation = models.TextField(_("citation"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.SUBMITTED,
    )
    eligibility_note = models.CharField(_("eligibility"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "nominee__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "nominee"], name="governance_nomination_once_per_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee} ({self.edition.year})"


class ConflictDeclaration(TimeStampedModel):
    """A juror declares, before scoring, whether they have a conflict of interest."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("nomination")
    )
    juror = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("juror")
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "juror"], name="governance_conflict_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.nomination}"


class JuryReview(TimeStampedModel):
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("nomination")
    )
    juror = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("juror")
    )
    score = models.PositiveSmallIntegerField(_("score (0–20)"))
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jury review")
        verbose_name_plural = _("jury reviews")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "juror"], name="governance_review_once"),
            models.CheckConstraint(
                condition=Q(score__lte=20), name="governance_review_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.nomination}: {self.score}"


# ---------------------------------------------------------------------------------------------
# Elections of persons and delegations (issue 10, items 1 and 9).


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    VOTING = "voting", _("A round is open")
    BETWEEN_ROUNDS = "between_rounds", _("Between rounds")
    COMPLETE = "complete", _("All seats filled")
    PUBLISHED = "published", _("Results published")


class RoundMajority(models.TextChoices):
    ABSOLUTE = "absolute", _("Absolute majority of the votes cast")
    RELATIVE = "relative", _("Relative majority (most votes)")


def default_round_rules() -> list[str]:
    return [RoundMajority.ABSOLUTE.value, RoundMajority.RELATIVE.value]


class Election(TimeStampedModel):
    """An election of persons to seats of a body, held by secret ballot at a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="elections", verbose_name=_("meeting")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="elections", verbose_name=_("body")
    )
    title_fr = models.CharField(_("title (French)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250)
    seats = models.PositiveSmallIntegerField(_("seats to fill"), default=1)
    seat_role = models.CharField(
        _("seat role"), max_length=20, choices=SeatRole.choices, default=SeatRole.MEMBER
    )
    term_years = models.PositiveSmallIntegerField(
        _("term (years)"), null=True, blank=True, help_text=_("Empty: the seat has no end date.")
    )
    # One rule per round ("absolute" or "relative"); rounds beyond the list use the last one.
    round_rules = models.JSONField(_("rule of each round"), default=default_round_rules)
    status = models.CharField(
        _("status"), max_length=20, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-meeting__start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=50), name="governance_election_seats"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "fr").startswith("en"):
            return self.title_en or self.title_fr
        return self.title_fr

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("governance:election_detail", kwargs={"pk": self.pk})

    def rule_for_round(self, number: int) -> str:
        rules = list(self.round_rules or default_round_rules())
        return str(rules[min(number, len(rules)) - 1])


class Candidate(TimeStampedModel):
    """A person of the member registry, or a name, standing for a city."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("city"),
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    elected_in_round = models.PositiveSmallIntegerField(
        _("elected in round"), null=True, blank=True
    )
    elected_by_lot = models.BooleanField(_("elected by drawing of lots"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="governance_candidate_person_or_name",
                violation_error_message=_("A candidate is a person of the registry or a name."),
            ),
            models.UniqueConstraint(
                fields=["election", "person"],
                condition=Q(person__isnull=False),
                name="governance_candidate_once",
                violation_error_message=_("This person is already a candidate."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.person) if self.person_id else self.name


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TieDecision(models.TextChoices):
    NONE = "", _("No tie")
    PENDING = "pending", _("Tie: the chair decides")
    NEXT_ROUND = "next_round", _("Tie: settled by a further round")
    LOTS = "lots", _("Tie: settled by a drawing of lots")


class ElectionRound(TimeStampedModel):
    """One round of an election: its rule, its counts and its computed result."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("election")
    )
    number = models.PositiveSmallIntegerField(_("round"))
    rule = models.CharField(_("rule"), max_length=20, choices=RoundMajority.choices)
    seats_to_fill = models.PositiveSmallIntegerField(_("seats to fill"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    entitled = models.PositiveIntegerField(_("cities entitled"), default=0)
    # Ballots: every receipt; blank ones are counted here, never with a city.
    ballots = models.PositiveIntegerField(_("ballots"), default=0)
    blank = models.PositiveIntegerField(_("blank ballots"), default=0)
    required = models.PositiveIntegerField(_("votes required"), null=True, blank=True)
    tie = models.CharField(
        _("tie"), max_length=20, blank=True, choices=TieDecision.choices, default=TieDecision.NONE
    )
    # The candidates tied for the last `tie_seats` seats of this round (their ids).
    tied = models.JSONField(_("tied candidates"), default=list, blank=True)
    tie_seats = models.PositiveSmallIntegerField(_("seats in the tie"), default=0)
    explanation_fr = models.TextField(_("explanation (French)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    history = HistoricalRecords(excluded_fields=["ballots", "blank"])

    class Meta:
        verbose_name = _("election round")
        verbose_name_plural = _("election rounds")
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="governance_round_unique_number"
            ),
            models.UniqueConstraint(
                fields=["election"],
                condition=Q(status="open"),
                name="governance_round_one_open",
                violation_error_message=_("A round of this election is already open."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election} — {self.number}"

    @property
    def explanation(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "fr").startswith("en"):
            return self.explanation_en
        return self.explanation_fr


class RoundTally(models.Model):
    """A candidate's running count in a round: no row per ballot, no timestamp, no history."""

    round = models.ForeignKey(
        ElectionRound, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("round")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("candidate")
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("round tally")
        verbose_name_plural = _("round tallies")
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="governance_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.candidate_id}: {self.votes}"


class ElectionReceipt(models.Model):
    """That a city has voted in a round (never for whom): refuses a second ballot."""

    round = models.ForeignKey(
        ElectionRound, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("round")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="election_receipts",
        verbose_name=_("city"),
    )
    cast_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_proxy = models.BooleanField(_("by proxy"), default=False)

    class Meta:
        verbose_name = _("election receipt")
        verbose_name_plural = _("election receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "local_government"],
                name="governance_election_receipt_once",
                violation_error_message=_("This city has already voted in this round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.local_government_id}"


class Delegation(TimeStampedModel):
    """A city's delegation to a congress: its head and its members (persons)."""

    congress = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("congress")
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("city"),
    )
    head = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_headed",
        verbose_name=_("head of delegation"),
    )
    members = models.ManyToManyField(
        "members.Person", blank=True, related_name="delegations", verbose_name=_("members")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["congress", "local_government__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "local_government"], name="governance_delegation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government} — {self.congress}"


class VotingDelegate(TimeStampedModel):
    """The one account whose ballots count for a city at an assembly (a session)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="voting_delegates",
        verbose_name=_("session"),
    )
    local_government = models.ForeignKey(
        "members.LocalGovernment",
        on_delete=models.PROTECT,
        related_name="voting_delegates",
        verbose_name=_("city"),
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="voting_delegations",
        verbose_name=_("voting delegate"),
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voting delegate")
        verbose_name_plural = _("voting delegates")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "local_government"], name="governance_voting_delegate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government}: {self.user}"
