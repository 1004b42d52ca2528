"""Forms of the observatory: validation only; the services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from edile.governance.models import Resolution
from edile.grants.models import Application
from edile.members.models import Gender, LocalGovernment, Person
from edile.observatory.models import (
    Confidentiality,
    Credibility,
    Criterion,
    DatePrecision,
    DuplicateRule,
    FollowUpKind,
    Incident,
    PerpetratorType,
    Pillar,
    Reliability,
    SourceType,
    VerificationStatus,
    Victim,
    VictimOffice,
    VictimScope,
    ViolationType,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    violation = forms.ChoiceField(label=_("Violation"), required=False)
    status = forms.ChoiceField(label=_("Verification status"), required=False)

    def __init__(self, *args: Any, analyst: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violation"].choices = [("", _("All"))] + [
            (v.code, v.label) for v in ViolationType.objects.all()
        ]
        if analyst:
            self.fields["status"].choices = [("", _("All")), *VerificationStatus.choices]
        else:
            del self.fields["status"]


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (e-mail)"), required=False, max_length=200)
    incident = forms.CharField(label=_("Incident reference"), required=False, max_length=20)
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)


class ReportForm(forms.Form):
    """The intake form: anyone may use it; `website` is a honeypot people never see."""

    date = forms.DateField(label=_("Date of the incident"), widget=DATE_INPUT)
    date_precision = forms.ChoiceField(
        label=_("How precise is this date?"),
        choices=[c for c in DatePrecision.choices if c[0] != "range"],
        initial="day",
    )
    country = CountryField().formfield(label=_("Country"))
    place = forms.CharField(label=_("Place (town or municipality)"), required=False, max_length=200)
    victim_name = forms.CharField(label=_("Name of the victim"), required=False, max_length=200)
    victim_gender = forms.ChoiceField(
        label=_("Gender of the victim"), choices=Gender.choices, initial="unknown"
    )
    victim_office = forms.ChoiceField(
        label=_("Office of the victim"), choices=VictimOffice.choices, initial="mayor"
    )
    violation_types = forms.ModelMultipleChoiceField(
        label=_("What happened?"),
        queryset=ViolationType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What happened, who was involved, what sources exist."),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("How to reach you (optional)"),
        required=False,
        max_length=500,
        help_text=_(
            "Encrypted, seen only by the observatory's analysts, and erased after the "
            "retention period."
        ),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date of the incident is in the future."))
        return date

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class IncidentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Incident
        fields = [
            "title_fr",
            "title_en",
            "summary_fr",
            "summary_en",
            "confidentiality",
            "location_confidentiality",
            "date_start",
            "date_end",
            "date_precision",
            "country",
            "region",
            "place",
            "latitude",
            "longitude",
            "place_precision",
            "context",
            "killed",
            "injured",
            "motive",
            "outcome",
            "impunity",
            "private_notes",
        ]
        widgets = {"date_start": DATE_INPUT, "date_end": DATE_INPUT}
        labels = {
            "title_fr": _("Title (French)"),
            "title_en": _("Title (English)"),
            "summary_fr": _("Summary (French)"),
            "summary_en": _("Summary (English)"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_fr"].required = True


class IncidentCreateForm(IncidentForm):
    """A new incident recorded directly by an analyst (no report, no import)."""

    version = None  # type: ignore[assignment]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=VerificationStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PublishForm(forms.Form):
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class VictimForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    office = forms.ChoiceField(label=_("Office"), choices=VictimOffice.choices)
    mandate = forms.CharField(label=_("Mandate"), required=False, max_length=200)
    identity_confidentiality = forms.ChoiceField(
        label=_("Confidentiality of the identity"), choices=Confidentiality.choices
    )
    contact = forms.CharField(
        label=_("Contact details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VictimLinkForm(forms.Form):
    """Link a victim to a person and a local government of the members registry.

    The choices come from a search on the edit page (never a list of every person); the
    fields only check that the chosen records exist. An empty value removes the link.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.ModelChoiceField(
        label=_("Person in the registry"),
        queryset=Person.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This person is not in the registry.")},
    )
    local_government = forms.ModelChoiceField(
        label=_("Local government in the registry"),
        queryset=LocalGovernment.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This local government is not in the registry.")},
    )


class IncidentResponseForm(forms.Form):
    """Add or remove the link to one resolution or one grant project (chosen from a search of
    the edit page); the fields only check that the record exists, the service checks that it
    may be linked."""

    action = forms.ChoiceField(
        choices=[("add", _("Add")), ("remove", _("Remove"))],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose to add or to remove the link.")},
    )
    resolution = forms.ModelChoiceField(
        label=_("Resolution"),
        queryset=Resolution.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("There is no such resolution.")},
    )
    project = forms.ModelChoiceField(
        label=_("Grant project"),
        queryset=Application.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("There is no such grant project.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("resolution") is None) == (data.get("project") is None):
            raise forms.ValidationError(_("Choose one resolution or one grant project."))
        return data


class ActForm(forms.Form):
    violation_types = forms.ModelMultipleChoiceField(
        label=_("Violation types"),
        queryset=ViolationType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    victims = forms.ModelMultipleChoiceField(
        label=_("Victims of this act"),
        queryset=Victim.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    perpetrator_type = forms.ChoiceField(
        label=_("Alleged perpetrator"), choices=PerpetratorType.choices, initial="unknown"
    )
    perpetrator_description = forms.CharField(
        label=_("Description of the alleged perpetrator"), required=False, max_length=300
    )
    description = forms.CharField(
        label=_("Description of the act"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args: Any, incident: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this incident's victims can be chosen (the service checks it too).
        self.fields["victims"].queryset = incident.victims.all()
        self.fields["victims"].label_from_instance = lambda v: v.display_name or str(v.pk)


class WitnessForm(forms.Form):
    name = forms.CharField(label=_("Name of the witness"), max_length=200)
    contact = forms.CharField(label=_("Contact details"), required=False, max_length=1000)
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )


class SourceForm(forms.Form):
    source_type = forms.ChoiceField(label=_("Type of source"), choices=SourceType.choices)
    title = forms.CharField(label=_("Title of the source"), required=False, max_length=300)
    url = forms.URLField(label=_("Link"), required=False, max_length=500)
    document = forms.CharField(label=_("Document reference"), required=False, max_length=300)
    published_on = forms.DateField(label=_("Date of the source"), required=False, widget=DATE_INPUT)
    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices)
    credibility = forms.ChoiceField(label=_("Credibility"), choices=Credibility.choices)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality of the source"),
        choices=Confidentiality.choices,
        initial="restricted",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("url") or data.get("document") or data.get("title")):
            raise forms.ValidationError(_("Give a link, a document reference or a title."))
        return data


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of follow-up"), choices=FollowUpKind.choices)
    date = forms.DateField(label=_("Date of the follow-up"), widget=DATE_INPUT)
    description_fr = forms.CharField(
        label=_("What was done (in French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    description_en = forms.CharField(
        label=_("What was done (in English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    url = forms.URLField(label=_("Link to the follow-up"), required=False, max_length=500)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality of the follow-up"),
        choices=Confidentiality.choices,
        initial="restricted",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            not (data.get("description_fr") or "").strip()
            and not (data.get("description_en") or "").strip()
        ):
            raise forms.ValidationError(_("Write what was done, in French, in English or in both."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would be created, and the possible duplicates, saving nothing"),
        required=False,
        initial=True,
    )
    confirm_verified = forms.BooleanField(
        label=_(
            "I have checked the rows the file marks as verified and confirm their status "
            "(otherwise every row stays “reported”)"
        ),
        required=False,
        initial=False,
    )
    mapping = forms.CharField(
        label=_("Column mapping (for a file whose headers differ)"),
        help_text=_(
            "One line per column to rename: their header = our column, "
            "for example “Date of death = date”."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def clean_mapping(self) -> dict[str, str]:
        from edile.observatory.services import import_mapping_parse

        try:
            return import_mapping_parse(self.cleaned_data.get("mapping", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class StatisticsForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("Counting unit"),
        choices=[("incidents", _("Incidents")), ("acts", _("Acts")), ("victims", _("Victims"))],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    scope = forms.ChoiceField(
        label=_("Victims"), choices=[("", _("All")), *VictimScope.choices], required=False
    )


class CountryForm(forms.Form):
    country = CountryField().formfield(label=_("Country to assess"))


class ScoreForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("scored", _("Scored")),
            ("na", _("Not applicable")),
            ("unknown", _("Unknown")),
        ],
    )
    value = forms.IntegerField(label=_("Score (0–3)"), required=False, min_value=0, max_value=3)
    citation = forms.CharField(label=_("Legal citation"), required=False, max_length=300)
    excerpt = forms.CharField(
        label=_("Excerpt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500)
    text_date = forms.DateField(label=_("Date of the text"), required=False, widget=DATE_INPUT)
    coder = forms.CharField(label=_("Coder"), required=False, max_length=200)
    reviewer = forms.CharField(label=_("Reviewer"), required=False, max_length=200)
    government_reply = forms.CharField(
        label=_("Government's reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScoreIncidentForm(forms.Form):
    """Cite an incident as evidence of a de facto score, or stop citing it."""

    reference = forms.CharField(label=_("Incident reference"), max_length=20)
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("add", _("Cite this incident")), ("remove", _("Stop citing this incident"))],
        initial="add",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DuplicateRuleForm(forms.ModelForm):
    class Meta:
        model = DuplicateRule
        fields = ["window_days", "name_similarity"]


class MergeForm(forms.Form):
    keep = forms.CharField(label=_("Incident to keep"), max_length=20)
    absorb = forms.CharField(label=_("Incident merged into it"), max_length=20)
    keep_version = forms.IntegerField(widget=forms.HiddenInput)
    absorb_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why these are the same event"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I have compared both records: they describe the same event."), required=True
    )


class ViolationTypeForm(forms.ModelForm):
    class Meta:
        model = ViolationType
        fields = ["code", "label_fr", "label_en", "definition_fr", "definition_en", "order"]


class PillarForm(forms.ModelForm):
    class Meta:
        model = Pillar
        fields = [
            "code",
            "name_fr",
            "name_en",
            "description_fr",
            "description_en",
            "weight",
            "order",
        ]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "code",
            "pillar",
            "name_fr",
            "name_en",
            "question_fr",
            "question_en",
            "weight",
            "order",
        ]


VOCABULARY_FORMS: dict[str, type[forms.ModelForm]] = {
    "violation-types": ViolationTypeForm,
    "pillars": PillarForm,
    "criteria": CriterionForm,
}


def vocabulary_form(kind: str, *args: Any, **kwargs: Any) -> forms.ModelForm:
    """The form of a term; the code is fixed once created (imports and the API use it)."""
    form = VOCABULARY_FORMS[kind](*args, **kwargs)
    if form.instance.pk:
        del form.fields["code"]
    return form
