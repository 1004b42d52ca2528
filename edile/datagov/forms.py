"""Forms of the data governance pages; they validate input, services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edile.datagov.models import (
    AccessRequest,
    Classification,
    ColumnType,
    Dataset,
    DataTheme,
    DistributionFormat,
    LegalBasis,
    Licence,
    MaturityDimension,
    MaturityLevel,
    ProcessingRecord,
)
from edile.members.models import LocalGovernment


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", "—"), *DataTheme.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", "—"), *DistributionFormat.choices]
    )
    licence = forms.ChoiceField(
        label=_("Licence"), required=False, choices=[("", "—"), *Licence.choices]
    )
    classification = forms.ChoiceField(
        label=_("Classification"), required=False, choices=[("", "—"), *Classification.choices]
    )
    year = forms.RegexField(
        label=_("Year of publication"), required=False, regex=r"^\d{4}$", max_length=4
    )
    keyword = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Relevance")),
            ("title", pgettext_lazy("sort by", "Title")),
            ("modified", _("Last modified")),
        ],
    )

    def clean_keyword(self) -> str:
        from edile.datagov.search import fold

        return fold(self.cleaned_data.get("keyword") or "")


class PublisherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalGovernment) -> str:
        return obj.name


class DatasetForm(forms.ModelForm):
    publisher = PublisherChoiceField(
        label=_("Publisher"),
        queryset=LocalGovernment.objects.none(),
        required=False,
        empty_label=_("The association"),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=DataTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    steward_email = forms.EmailField(
        label=_("Steward's e-mail address"),
        required=False,
        help_text=_(
            "The person, with an account here, who decides on access requests. Empty: the people who manage the dataset."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Dataset
        fields = [
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "classification",
            "licence",
            "contact_name",
            "contact_email",
            "keywords",
            "spatial_local_government",
            "spatial_country",
            "temporal_start",
            "temporal_end",
            "frequency",
            "issued",
            "modified",
            "quality_notes_fr",
            "quality_notes_en",
            "identifier",
        ]
        labels = {
            "title_fr": _("Title (French)"),
            "title_en": _("Title (English)"),
            "description_fr": _("Description (French)"),
            "description_en": _("Description (English)"),
            "quality_notes_fr": _("Quality notes (French)"),
            "quality_notes_en": _("Quality notes (English)"),
        }
        widgets = {
            "temporal_start": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "temporal_end": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "issued": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "modified": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "description_fr": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "quality_notes_fr": forms.Textarea(attrs={"rows": 2}),
            "quality_notes_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, publishers: Any = None, allow_association: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_fr"].required = False
        self.fields["description_fr"].required = False
        self.fields["spatial_local_government"].label_from_instance = lambda lg: lg.name
        if publishers is None:
            del self.fields["publisher"]
        else:
            self.fields["publisher"].queryset = publishers
            self.fields["publisher"].required = not allow_association
            if not allow_association:
                # Never offer "the association" to someone who may not publish for it.
                self.fields["publisher"].empty_label = "—" if len(publishers) > 1 else None
        if self.instance.pk:
            self.fields["themes"].initial = [t.code for t in self.instance.themes.all()]
            self.fields["steward_email"].initial = (
                self.instance.steward.email if self.instance.steward else ""
            )
            self.fields["version"].initial = self.instance.version

    # The publish form in steps, in the order a publisher thinks of them; `steps()` leaves out
    # a field the form does not have (the publisher, when editing).
    STEPS = (
        (
            _("Describe the data"),
            ("title_fr", "title_en", "description_fr", "description_en", "themes", "keywords"),
        ),
        (
            _("Who publishes it and who may get it"),
            (
                "publisher",
                "classification",
                "licence",
                "steward_email",
                "contact_name",
                "contact_email",
            ),
        ),
        (
            _("What it covers and how often it changes"),
            (
                "spatial_local_government",
                "spatial_country",
                "temporal_start",
                "temporal_end",
                "frequency",
                "issued",
                "modified",
            ),
        ),
        (_("Quality and identifier"), ("quality_notes_fr", "quality_notes_en", "identifier")),
    )

    def steps(self) -> list[dict[str, Any]]:
        """Each step: its number, its title, its bound fields and whether one has an error."""
        steps = []
        for title, names in self.STEPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                steps.append(
                    {
                        "number": len(steps) + 1,
                        "title": title,
                        "fields": fields,
                        "has_errors": any(f.errors for f in fields),
                    }
                )
        return steps

    def clean_steward_email(self) -> Any:
        from edile.accounts.models import User

        email = self.cleaned_data.get("steward_email")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has an account with this address."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("title_fr") or data.get("title_en")):
            self.add_error("title_fr", _("Give the dataset a title, in French or in English."))
        if not (data.get("description_fr") or data.get("description_en")):
            self.add_error("description_fr", _("Describe the dataset, in French or in English."))
        return data


class DistributionFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=250)
    file = forms.FileField(label=_("File"))


class DistributionEditForm(forms.Form):
    """Describe one file; optionally replace it by a new version with a note."""

    title = forms.CharField(label=_("Title"), required=False, max_length=250)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("New version of the file"),
        required=False,
        help_text=_("Leave empty to keep the current file."),
    )
    version_note = forms.CharField(
        label=_("What changed in this version"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DictionaryColumnForm(forms.Form):
    """One column of a CSV file in its data dictionary."""

    name = forms.CharField(label=_("Column name"), max_length=200)
    datatype = forms.ChoiceField(label=_("Type"), choices=ColumnType.choices)
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=50, help_text=_("km, €, %, m³…")
    )
    description_fr = forms.CharField(
        label=_("Description in French"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# At most as many columns as the service takes; a bigger management form is a 400, not a 500.
DictionaryColumnFormSet = forms.formset_factory(
    DictionaryColumnForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=500,
    validate_max=True,
    absolute_max=500,
)


class DictionaryVersionForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class DistributionLinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=250)
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
    format = forms.ChoiceField(label=_("Format"), choices=DistributionFormat.choices)


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["purpose", "intended_use", "duration_days", "legal_basis"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "intended_use": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"legal_basis": _("Required for personal data.")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason for refusal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProcessingRecordForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProcessingRecord
        fields = [
            "name_fr",
            "name_en",
            "purpose_fr",
            "purpose_en",
            "legal_basis",
            "data_categories",
            "subject_categories",
            "recipients",
            "transfers",
            "retention_period",
            "security_measures",
            "dpo_contact",
            "datasets",
        ]
        labels = {
            "name_fr": _("Name (French)"),
            "name_en": _("Name (English)"),
            "purpose_fr": _("Purpose (French)"),
            "purpose_en": _("Purpose (English)"),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "purpose_fr",
                "purpose_en",
                "data_categories",
                "subject_categories",
                "recipients",
                "transfers",
                "security_measures",
            )
        }

    def __init__(
        self, *args: Any, controller: LocalGovernment | None = None, **kwargs: Any
    ) -> None:
        from edile.datagov.models import Dataset

        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = LegalBasis.choices
        self.fields["name_fr"].required = False
        self.fields["purpose_fr"].required = False
        # Only the controller's own datasets (the association's when it is the controller).
        datasets = self.fields["datasets"]
        assert isinstance(datasets, forms.ModelMultipleChoiceField)
        datasets.queryset = Dataset.objects.filter(publisher=controller).order_by("slug")
        datasets.widget = forms.CheckboxSelectMultiple()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class MaturityAssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.datagov.models import MaturityDescriptor

        super().__init__(*args, **kwargs)
        levels = list(MaturityLevel.objects.order_by("value"))
        meaning = {
            (d.dimension_id, d.level_id): d.text for d in MaturityDescriptor.objects.all() if d.text
        }
        self.dimensions = list(MaturityDimension.objects.order_by("order"))
        for dim in self.dimensions:
            choices = [
                (
                    lv.value,
                    _("%(value)s — %(name)s: %(meaning)s")
                    % {
                        "value": lv.value,
                        "name": lv.name,
                        "meaning": meaning.get((dim.pk, lv.pk)) or lv.description,
                    }
                    if meaning.get((dim.pk, lv.pk)) or lv.description
                    else f"{lv.value} — {lv.name}",
                )
                for lv in levels
            ]
            self.fields[f"dim_{dim.code}"] = forms.TypedChoiceField(
                label=dim.name,
                choices=choices,
                coerce=int,
                help_text=dim.description,
                widget=forms.RadioSelect,
            )
            self.fields[f"ev_{dim.code}"] = forms.CharField(
                label=_("Evidence for “%(dimension)s”") % {"dimension": dim.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def levels(self) -> dict[str, int]:
        return {d.code: self.cleaned_data[f"dim_{d.code}"] for d in self.dimensions}

    def evidence(self) -> dict[str, str]:
        return {d.code: self.cleaned_data[f"ev_{d.code}"].strip() for d in self.dimensions}


class MaturityFrameworkForm(forms.Form):
    """What each level means on each dimension, in French and English: one pair of boxes per
    (dimension, level), named `d_<dimension>_<level>_<language>`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edile.datagov.models import MaturityDescriptor

        super().__init__(*args, **kwargs)
        current = {(d.dimension_id, d.level_id): d for d in MaturityDescriptor.objects.all()}
        self.levels = list(MaturityLevel.objects.order_by("value"))
        self.dimensions = list(MaturityDimension.objects.order_by("order"))
        self.rows = []
        for dim in self.dimensions:
            cells = []
            for lv in self.levels:
                existing = current.get((dim.pk, lv.pk))
                names = []
                for lang, label in (("fr", _("French")), ("en", _("English"))):
                    name = f"d_{dim.code}_{lv.value}_{lang}"
                    self.fields[name] = forms.CharField(
                        label=f"{lv.value} — {lv.name} ({label})",
                        required=False,
                        max_length=1000,
                        initial=getattr(existing, f"text_{lang}", "") or "",
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                    names.append(name)
                cells.append((lv, [self[n] for n in names]))
            self.rows.append((dim, cells))

    def texts(self) -> dict[tuple[str, int], tuple[str, str]]:
        return {
            (dim.code, lv.value): (
                self.cleaned_data[f"d_{dim.code}_{lv.value}_fr"].strip(),
                self.cleaned_data[f"d_{dim.code}_{lv.value}_en"].strip(),
            )
            for dim in self.dimensions
            for lv in self.levels
        }


class HarvestForm(forms.Form):
    publisher = PublisherChoiceField(label=_("City"), queryset=LocalGovernment.objects.none())
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_(
            "DCAT in JSON-LD (.jsonld), Turtle (.ttl) or RDF/XML (.rdf), or a CKAN package_search dump (.json)."
        ),
    )

    default_licence = forms.ChoiceField(
        label=_("Licence of records that state none"),
        required=False,
        choices=[("", "—")],
    )
    default_contact_email = forms.EmailField(
        label=_("Contact e-mail address for records that give none"),
        required=False,
        help_text=_("Empty: your own address."),
    )
    default_language = forms.ChoiceField(
        label=_("Language of untagged text"),
        required=False,
        initial="fr",
        choices=[("fr", _("French")), ("en", _("English")), ("", _("Unknown"))],
    )

    def __init__(self, *args: Any, publishers: Any, **kwargs: Any) -> None:
        from edile.datagov.models import Licence

        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = publishers
        self.fields["default_licence"].choices = [("", "—"), *Licence.choices]

    def defaults(self) -> Any:
        from edile.datagov.harvest import HarvestDefaults

        return HarvestDefaults(
            licence=self.cleaned_data.get("default_licence") or "",
            contact_email=self.cleaned_data.get("default_contact_email") or "",
            language=self.cleaned_data.get("default_language") or "",
        )


class RoadmapActionForm(forms.ModelForm):
    """What the secretariat plans: an action's code, titles, owner, partner and due date; on
    an existing action also its status and evidence (with the version it was read at)."""

    owner = PublisherChoiceField(
        label=_("Owner"),
        queryset=LocalGovernment.objects.none(),
        required=False,
        empty_label=_("The association"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        from edile.datagov.models import RoadmapAction

        model = RoadmapAction
        fields = [
            "code",
            "title_fr",
            "title_en",
            "owner",
            "partner",
            "due_date",
            "status",
            "evidence",
            "evidence_url",
        ]
        labels = {"title_fr": _("Title (French)"), "title_en": _("Title (English)")}
        widgets = {
            "due_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = LocalGovernment.objects.order_by("name")
        self.fields["title_fr"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:  # a new action is planned; its status and evidence come later
            for name in ("status", "evidence", "evidence_url"):
                del self.fields[name]


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        from edile.datagov.models import RetentionPolicy

        model = RetentionPolicy
        fields = ["period_days", "action", "is_active"]


class HarvestSourceForm(forms.ModelForm):
    publisher = PublisherChoiceField(label=_("City"), queryset=LocalGovernment.objects.none())

    class Meta:
        from edile.datagov.models import HarvestSource

        model = HarvestSource
        fields = [
            "publisher",
            "name",
            "url",
            "kind",
            "schedule",
            "default_licence",
            "default_contact_name",
            "default_contact_email",
            "default_language",
        ]

    def __init__(self, *args: Any, publishers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = publishers
        self.fields["name"].required = False
        self.fields["url"].assume_scheme = "https"
