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
    RegistrationType,
    ResolutionState,
    VoteMode,
)
from edile.members.models import Gender, LocalGovernment


class RegistrationForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    type = forms.ChoiceField(label=_("I register as"), choices=RegistrationType.choices)
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

    def __init__(self, *args: Any, congress: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        self.fields["meeting"].queryset = Meeting.objects.filter(body__isnull=False).order_by(
            "-start"
        )


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
