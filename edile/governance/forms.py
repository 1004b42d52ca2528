"""Forms of the governance pages; they validate, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edile.governance.models import (
    AmendmentOperation,
    AttendanceStatus,
    BallotOption,
    Meeting,
    ResolutionState,
    VoteMode,
)
from edile.members.models import Gender, LocalGovernment


class RegistrationForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    type = forms.ChoiceField(label=_("I register as"), choices=[])
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    local_government = forms.ModelChoiceField(
        label=_("Member city"),
        required=False,
        queryset=LocalGovernment.objects.none(),
        help_text=_("The city you represent, if any."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language for e-mails and documents"),
        choices=[("fr", "Français"), ("en", "English")],
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions I will attend"),
        required=False,
        queryset=Meeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    consent_to_list = forms.BooleanField(
        label=_("I agree to appear on the public list of participants"), required=False
    )

    def __init__(self, *args: Any, congress: Meeting, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from edile.governance.registration_types import offered_types, type_label

        # The congress's active types, by code (what the service and the API take).
        self.fields["type"].choices = [
            (t.code, type_label(t)) for t in offered_types(congress, user)
        ]
        self.fields["local_government"].queryset = LocalGovernment.objects.order_by("name")
        self.fields["sessions"].queryset = congress.sessions.order_by("start", "pk")
        self.fields["sessions"].label_from_instance = lambda m: str(m.title)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=80,
        help_text=_("Scan the QR code on the badge, or type the code printed under it."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class ModerationForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=ResolutionState.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AmendmentForm(forms.Form):
    paragraph_number = forms.IntegerField(label=_("Paragraph"), min_value=1)
    operation = forms.ChoiceField(label=_("Change"), choices=AmendmentOperation.choices)
    text_fr = forms.CharField(
        label=_("Proposed text (French)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    text_en = forms.CharField(
        label=_("Proposed text (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    justification_fr = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    submitter = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=LocalGovernment.objects.none(), required=False
    )
    parent = forms.CharField(label=_("Amends amendment (number)"), max_length=20, required=False)

    def __init__(self, *args: Any, cities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cities is not None:
            self.fields["submitter"].queryset = cities


class VoteOpenForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Session"), queryset=Meeting.objects.none())
    mode = forms.ChoiceField(label=_("Voting mode"), choices=VoteMode.choices)
    amendment = forms.CharField(
        label=_("Amendment (number, empty for the whole text)"), max_length=20, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__isnull=False).select_related("parent").order_by("-start")
        )
        self.fields["meeting"].label_from_instance = meeting_choice_label


class BallotForm(forms.Form):
    local_government = forms.ModelChoiceField(
        label=_("City"), queryset=LocalGovernment.objects.none()
    )
    option = forms.ChoiceField(
        label=_("Vote"), choices=BallotOption.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, cities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_government"].queryset = LocalGovernment.objects.filter(
            pk__in=[c.pk for c in cities]
        ).order_by("name")
        # A delegate usually votes for one city: no empty choice to trip over.
        self.fields["local_government"].empty_label = None


class CountsForm(forms.Form):
    yes = forms.IntegerField(label=_("Yes"), min_value=0)
    no = forms.IntegerField(label=_("No"), min_value=0)
    abstain = forms.IntegerField(label=_("Abstentions"), min_value=0)


class CloseForm(forms.Form):
    chair_vote = forms.ChoiceField(
        label=_("Chair's casting vote (used only to break a tie)"),
        required=False,
        choices=[("", _("None")), (BallotOption.YES, _("Yes")), (BallotOption.NO, _("No"))],
    )
    confirm_missing = forms.BooleanField(
        label=_("Close even though some cities present or represented have not voted"),
        required=False,
    )


class AttendanceForm(forms.Form):
    local_government = forms.ModelChoiceField(
        label=_("City"), queryset=LocalGovernment.objects.order_by("name")
    )
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)


class ProxyForm(forms.Form):
    grantor = forms.ModelChoiceField(
        label=_("Represented city"), queryset=LocalGovernment.objects.order_by("name")
    )
    holder = forms.ModelChoiceField(
        label=_("Proxy holder"), queryset=LocalGovernment.objects.order_by("name")
    )


class MinutesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text_fr = forms.CharField(
        label=_("Minutes in French"), widget=forms.Textarea(attrs={"rows": 18})
    )
    text_en = forms.CharField(
        label=_("Minutes in English"), widget=forms.Textarea(attrs={"rows": 18})
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this nominee?"),
        choices=[("0", _("No")), ("1", _("Yes"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–20)"), min_value=0, max_value=20)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# ---------------------------------------------------------------------------------------------
# Setup pages (the secretariat prepares a congress without the admin)


def meeting_choice_label(meeting: Meeting) -> str:
    """A meeting told apart from its namesakes: "General Assembly — AIMF Congress, Phnom Penh
    2019 — 4 Dec 2019" (two assemblies of different years are never the same line)."""
    import zoneinfo

    from edile.core.formatting import format_date

    local = meeting.start.astimezone(zoneinfo.ZoneInfo(meeting.timezone or "UTC")).date()
    parts = [str(meeting.title)]
    if meeting.parent_id:
        parts.append(str(meeting.parent.title))
    elif meeting.venue:
        parts.append(str(meeting.venue))
    parts.append(format_date(local))
    return " — ".join(parts)


def _timezones() -> list[tuple[str, str]]:
    import zoneinfo

    return [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class MeetingSetupForm(forms.Form):
    """A congress or a session; times are typed in the venue's own time zone."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    body = forms.ModelChoiceField(
        label=_("Convening body"),
        queryset=None,
        required=False,
        help_text=_("For a statutory session (it votes): the body that meets."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=250, required=False)
    timezone = forms.ChoiceField(
        label=_("Venue's time zone"),
        choices=[],
        help_text=_("Times below are the venue's local times, as on the programme."),
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=1, max_value=100000
    )
    proxy_cap = forms.IntegerField(
        label=_("Proxies per holder"), min_value=0, max_value=50, initial=2
    )
    convocation = forms.TypedChoiceField(
        label=_("Convocation"),
        choices=[(1, _("First convocation")), (2, _("Second convocation"))],
        coerce=int,
        initial=1,
    )

    def __init__(self, *args: Any, congress: Meeting | None = None, **kwargs: Any) -> None:
        from edile.governance.models import Body, MeetingKind

        super().__init__(*args, **kwargs)
        self.congress = congress
        kinds = [
            (k, label)
            for k, label in MeetingKind.choices
            if (k == "congress") == (congress is None)
        ]
        self.fields["kind"].choices = kinds
        self.fields["body"].queryset = Body.objects.order_by("kind", "name")
        self.fields["timezone"].choices = _timezones()
        if congress is None:
            del self.fields["body"], self.fields["proxy_cap"], self.fields["convocation"]
        elif not self.is_bound:
            self.fields["timezone"].initial = congress.timezone
            self.fields["venue"].initial = congress.venue

    def clean(self) -> dict[str, Any]:
        import datetime as dt
        import zoneinfo

        data = super().clean()
        if self.errors:
            return data
        tz = zoneinfo.ZoneInfo(data["timezone"])
        data["start"] = dt.datetime.combine(data["start_date"], data["start_time"], tzinfo=tz)
        data["end"] = dt.datetime.combine(data["end_date"], data["end_time"], tzinfo=tz)
        if data["end"] <= data["start"]:
            self.add_error("end_time", _("The meeting must end after it starts."))
        return data


class DecisionRuleForm(forms.Form):
    """A decision rule; the page previews it in plain words before saving."""

    code = forms.SlugField(label=_("Code"), max_length=60)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=200)
    label_en = forms.CharField(label=_("Label (English)"), max_length=200, required=False)
    statutory_reference = forms.CharField(
        label=_("Statutory reference"), max_length=120, required=False
    )
    quorum_base = forms.ChoiceField(label=_("Quorum"), choices=[])
    quorum_fraction = forms.CharField(label=_("Quorum fraction"), initial="1/2", max_length=15)
    quorum_comparator = forms.ChoiceField(label=_("Quorum comparison"), choices=[])
    proxies_count_for_quorum = forms.BooleanField(
        label=_("Proxies count for the quorum"), required=False, initial=True
    )
    quorum_on_second_convocation = forms.BooleanField(
        label=_("Quorum also required on second convocation"), required=False
    )
    majority_base = forms.ChoiceField(label=_("Majority of"), choices=[])
    majority_fraction = forms.CharField(label=_("Majority fraction"), initial="1/2", max_length=15)
    comparator = forms.ChoiceField(label=_("Majority comparison"), choices=[])
    tie_rule = forms.ChoiceField(label=_("Tie"), choices=[])
    voting_unit = forms.ChoiceField(label=_("Voting unit"), choices=[])
    max_proxies_per_holder = forms.IntegerField(
        label=_("Proxies per holder"), min_value=0, max_value=50, initial=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.governance.models import (
            Comparator,
            MajorityBase,
            QuorumBase,
            TieRule,
            VotingUnit,
        )

        super().__init__(*args, **kwargs)
        self.fields["quorum_base"].choices = QuorumBase.choices
        self.fields["quorum_comparator"].choices = Comparator.choices
        self.fields["majority_base"].choices = MajorityBase.choices
        self.fields["comparator"].choices = Comparator.choices
        self.fields["tie_rule"].choices = TieRule.choices
        self.fields["voting_unit"].choices = VotingUnit.choices

    def clean(self) -> dict[str, Any]:
        from edile.core.errors import ServiceError
        from edile.governance.evaluation import _fraction

        data = super().clean()
        for name in ("quorum_fraction", "majority_fraction"):
            if name in data:
                try:
                    data[name] = _fraction(data[name], str(self.fields[name].label))
                except ServiceError as exc:
                    self.add_error(name, exc.message)
        return data


class ResolutionSetupForm(forms.Form):
    """Paste a text in French and in English: blank lines separate the paragraphs."""

    meeting = forms.ModelChoiceField(label=_("Session"), queryset=Meeting.objects.none())
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    text_fr = forms.CharField(
        label=_("Text (French, authentic)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Separate paragraphs with a blank line."),
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("The same paragraphs, in the same order."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.governance.models import ResolutionKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ResolutionKind.choices
        field = self.fields["meeting"]
        field.queryset = (
            Meeting.objects.filter(body__isnull=False).select_related("parent").order_by("-start")
        )
        field.label_from_instance = meeting_choice_label


class AgendaItemForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=20, help_text=_("For example 3 or 3.1."))
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    parent = forms.ModelChoiceField(label=_("Under the item"), queryset=None, required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = meeting.agenda_items.filter(parent__isnull=True).order_by(
            "order"
        )


class BodySetupForm(forms.Form):
    """A body: the Bureau, a commission, a network, a prize jury."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.governance.models import BodyKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BodyKind.choices


class SeatSetupForm(forms.Form):
    """A seat in a body: a city, a person on behalf of a city, or a person."""

    role = forms.ChoiceField(label=_("Role"), choices=[])
    local_government = forms.ModelChoiceField(
        label=_("City"), queryset=LocalGovernment.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        required=False,
        help_text=_("A juror or a person holding the seat on behalf of the city."),
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Give an end date to end the seat; its history stays."),
    )
    votes = forms.IntegerField(
        label=_("Votes"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=_("The weight of this seat's vote when the body's rule weighs votes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.governance.models import SeatRole
        from edile.members.models import Person

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = SeatRole.choices
        self.fields["local_government"].queryset = LocalGovernment.objects.order_by("name")
        self.fields["person"].queryset = Person.objects.order_by("family_name", "given_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("local_government") and not data.get("person"):
            raise forms.ValidationError(_("A seat is held by a city, a person, or both."))
        return data


class PrizeEditionSetupForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    jury = forms.ModelChoiceField(
        label=_("Jury"),
        queryset=None,
        required=False,
        help_text=_("A body of the kind “jury”: its members are the edition's jurors."),
    )
    ceremony = forms.ModelChoiceField(
        label=_("Ceremony"), queryset=Meeting.objects.none(), required=False
    )
    nominations_close = forms.DateField(
        label=_("Nominations close"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    minimum_scores = forms.IntegerField(
        label=_("Jury scores needed"),
        min_value=1,
        max_value=100,
        initial=1,
        required=False,
        help_text=_("A nomination becomes a laureate only with at least this many jury scores."),
    )

    def clean_minimum_scores(self) -> int:
        return self.cleaned_data.get("minimum_scores") or 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.governance.models import Body, BodyKind

        super().__init__(*args, **kwargs)
        self.fields["jury"].queryset = Body.objects.filter(kind=BodyKind.JURY).order_by("name")
        ceremony = self.fields["ceremony"]
        ceremony.queryset = Meeting.objects.select_related("parent").order_by("-start")
        ceremony.label_from_instance = meeting_choice_label


class NominationSetupForm(forms.Form):
    nominee = forms.ModelChoiceField(label=_("Nominee"), queryset=None)
    nominated_by = forms.ModelChoiceField(
        label=_("Nominated by"), queryset=LocalGovernment.objects.none(), required=False
    )
    citation_fr = forms.CharField(
        label=_("Citation (French)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    citation_en = forms.CharField(
        label=_("Citation (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.members.models import Person

        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = Person.objects.order_by("family_name", "given_name")
        self.fields["nominated_by"].queryset = LocalGovernment.objects.order_by("name")


class RegistrationTypeForm(forms.Form):
    """A congress's registration type; `version` is the one the editor started from."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=30,
        required=False,
        help_text=_(
            "What programs and the API use, for example “observer”; it cannot change once "
            "the type exists. Empty: made from the French name."
        ),
    )
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    fee = forms.DecimalField(
        label=_("Fee"), min_value=0, max_digits=10, decimal_places=2, initial=0, required=False
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    quota = forms.IntegerField(
        label=_("Quota"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("How many people may register with this type; empty means no limit."),
    )
    eligibility = forms.ChoiceField(label=_("Who may register with it"), choices=[])
    gives_badge = forms.BooleanField(label=_("Gives a badge"), required=False, initial=True)
    gives_voting_right = forms.BooleanField(
        label=_("Its badge makes the city present at votes (mayors, delegation members)"),
        required=False,
    )
    is_active = forms.BooleanField(
        label=_("Active (offered on the registration form)"), required=False, initial=True
    )
    # The column is a small integer: a larger number would fail in the database.
    order = forms.IntegerField(
        label=_("Order in the list"), min_value=0, max_value=32767, initial=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from edile.governance.models import RegistrationEligibility

        self.fields["eligibility"].choices = RegistrationEligibility.choices
        if editing:
            self.fields["code"].disabled = True
