"""Forms of the election and delegation pages (the services decide; forms only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edile.governance.forms import meeting_choice_label
from edile.governance.models import (
    Body,
    Candidate,
    Meeting,
    RoundMajority,
    SeatRole,
    TieDecision,
)
from edile.members.models import LocalGovernment, Person


def _field(form: forms.Form, name: str) -> Any:
    """A form's field with its model-choice attributes (django-stubs types it as `Field`)."""
    return form.fields[name]


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return meeting_choice_label(obj)


class ElectionForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250)
    meeting = MeetingChoiceField(
        label=_("Held at"),
        queryset=Meeting.objects.none(),
        help_text=_("The session whose member cities vote (the General Assembly)."),
    )
    body: forms.ModelChoiceField[Body] = forms.ModelChoiceField(
        label=_("Body whose seats are filled"), queryset=Body.objects.none()
    )
    seats = forms.IntegerField(label=_("Seats to fill"), min_value=1, max_value=50, initial=1)
    seat_role = forms.ChoiceField(label=_("Seat role"), choices=SeatRole.choices)
    term_years = forms.IntegerField(
        label=_("Term (years)"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("The seat ends after this many years; empty for no end date."),
    )
    round_1 = forms.ChoiceField(
        label=_("Rule of round 1"), choices=RoundMajority.choices, initial=RoundMajority.ABSOLUTE
    )
    round_2 = forms.ChoiceField(
        label=_("Rule of round 2 and later"),
        choices=RoundMajority.choices,
        initial=RoundMajority.RELATIVE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "meeting").queryset = (
            Meeting.objects.filter(body__isnull=False).select_related("parent").order_by("-start")
        )
        _field(self, "body").queryset = Body.objects.order_by("kind", "name")


class CandidateForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person of the registry"), queryset=Person.objects.none(), required=False
    )
    name = forms.CharField(
        label=_("Or a name"),
        max_length=200,
        required=False,
        help_text=_("For a candidate not in the registry."),
    )
    local_government: forms.ModelChoiceField[LocalGovernment] = forms.ModelChoiceField(
        label=_("City"), queryset=LocalGovernment.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "person").queryset = Person.objects.order_by("family_name", "given_name")
        _field(self, "local_government").queryset = LocalGovernment.objects.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool((data.get("name") or "").strip()):
            raise forms.ValidationError(
                _("Choose a person of the registry or give the candidate's name (one of them).")
            )
        return data


class ElectionBallotForm(forms.Form):
    local_government: forms.ModelChoiceField[LocalGovernment] = forms.ModelChoiceField(
        label=_("City"), queryset=LocalGovernment.objects.none()
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=Candidate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    blank = forms.BooleanField(label=_("Blank ballot"), required=False)

    def __init__(
        self, *args: Any, cities: list[int], candidates: list[Candidate], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "local_government").queryset = LocalGovernment.objects.filter(
            pk__in=cities
        ).order_by("name")
        _field(self, "local_government").empty_label = None
        _field(self, "candidates").queryset = Candidate.objects.filter(
            pk__in=[c.pk for c in candidates]
        ).select_related("person", "local_government")
        _field(self, "candidates").label_from_instance = lambda c: (
            f"{c.display_name} ({c.local_government.name})"
        )


class RoundCloseForm(forms.Form):
    confirm_missing = forms.BooleanField(
        label=_("Close the round even though some cities have not voted"), required=False
    )


class TieForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The chair's decision"),
        choices=[
            (TieDecision.NEXT_ROUND.value, TieDecision.NEXT_ROUND.label),
            (TieDecision.LOTS.value, TieDecision.LOTS.label),
        ],
        widget=forms.RadioSelect,
    )
    winners = forms.ModelMultipleChoiceField(
        label=_("Drawn by lot"),
        queryset=Candidate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tied: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "winners").queryset = Candidate.objects.filter(pk__in=tied).select_related(
            "person"
        )
        _field(self, "winners").label_from_instance = lambda c: c.display_name


class DelegationForm(forms.Form):
    head = forms.ModelChoiceField(
        label=_("Head of delegation"), queryset=Person.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.order_by("family_name", "given_name")
        _field(self, "head").queryset = people
        _field(self, "members").queryset = people


class VotingDelegateForm(forms.Form):
    meeting = MeetingChoiceField(label=_("Assembly"), queryset=Meeting.objects.none())
    delegate: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Voting delegate"),
        queryset=None,
        required=False,
        help_text=_(
            "An account with the delegate role for this city; empty: any of its delegates votes."
        ),
    )
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, assemblies: Any, accounts: Any, people: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "meeting").queryset = assemblies
        _field(self, "delegate").queryset = accounts
        _field(self, "person").queryset = people


class MinutesApprovalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    at_meeting = MeetingChoiceField(
        label=_("Approved by the body at"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Empty: approved by the secretariat."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Meeting.objects.none()
        if meeting.body_id:
            qs = (
                Meeting.objects.filter(body_id=meeting.body_id, start__gt=meeting.start)
                .select_related("parent")
                .order_by("start")
            )
        _field(self, "at_meeting").queryset = qs
