"""Forms of the grants pages: they validate types; the services apply the business rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edile.grants import codelists
from edile.grants.models import (
    BeneficiaryGroup,
    CoFinancingStatus,
    GrantStatus,
    Indicator,
    Partner,
    RiskLevel,
    Sector,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _money(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=2, min_value=0, required=required
    )


class ApplicationForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    summary_fr = forms.CharField(
        label=_("Summary (French)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    dac_code = forms.ChoiceField(label=_("DAC purpose code"), required=False)
    location_name = forms.CharField(label=_("Location"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)
    grant_requested = _money(_("Grant requested (in the call's currency)"))
    language = forms.ChoiceField(
        label=_("Language of the application"), choices=[("fr", _("French")), ("en", _("English"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, language: str = "fr", local_governments: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dac_code"].choices = [
            ("", _("The sector's main code"))
        ] + codelists.sector_choices(language)
        if local_governments is not None:
            self.fields["local_government"] = forms.ModelChoiceField(
                label=_("Applicant city"), queryset=local_governments, empty_label=None
            )
            self.order_fields(["local_government"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("A project cannot end before it starts."))
        if not (data.get("title_fr") or data.get("title_en")):
            self.add_error("title_fr", _("Give the project a title, in French or in English."))
        return data


class BudgetLineForm(forms.Form):
    label = forms.CharField(label=_("Budget item"), max_length=250)
    amount = _money(_("Amount"))


class CoFinancingForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.all())
    amount = _money(_("Amount"))
    currency = forms.CharField(label=_("Currency (ISO code)"), max_length=3, initial="EUR")
    status = forms.ChoiceField(label=_("Status"), choices=CoFinancingStatus.choices)
    date = forms.DateField(label=_("Date of the commitment or receipt"), widget=DATE)


class BeneficiaryForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), choices=BeneficiaryGroup.Group.choices)
    number = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10**10)
    is_breakdown = forms.TypedChoiceField(
        label=_("Are these people already counted in another group?"),
        choices=[
            ("", _("Women, men, children and young people: yes; others: no")),
            ("yes", _("Yes, a breakdown of the total (by sex or age)")),
            ("no", _("No, other people: add them to the total")),
        ],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )


class IndicatorForm(forms.Form):
    result_type = forms.ChoiceField(label=_("Result type"), choices=Indicator.ResultType.choices)
    name_fr = forms.CharField(label=_("Indicator (French)"), max_length=250, required=False)
    name_en = forms.CharField(label=_("Indicator (English)"), max_length=250, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=60)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=16, decimal_places=2, min_value=0)
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, min_value=0)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=250)
    file = forms.FileField(label=_("File"))
    is_public = forms.BooleanField(label=_("May be published"), required=False)


class AssignReviewerForm(forms.Form):
    reviewer = forms.EmailField(label=_("Reviewer's e-mail address"))


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    declaration = forms.CharField(
        label=_("If yes, which one"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, criteria: list[dict[str, Any]], language: str = "fr", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            label = criterion.get(f"label_{language}") or criterion["code"]
            self.fields[f"score_{criterion['code']}"] = forms.IntegerField(
                label=_("%(criterion)s (0 to %(max)s, weight %(weight)s)")
                % {"criterion": label, "max": criterion["max"], "weight": criterion["weight"]},
                min_value=0,
                max_value=int(criterion["max"]),
            )
        self.order_fields(
            [f for f in self.fields if f.startswith("score_")] + ["comment", "version"]
        )

    def scores(self) -> dict[str, int]:
        return {
            k.removeprefix("score_"): v
            for k, v in self.cleaned_data.items()
            if k.startswith("score_")
        }


class DecidedOnForm(forms.Form):
    decided_on = forms.DateField(label=_("Date of the decisions"), widget=DATE, required=False)


class AgreementForm(forms.Form):
    agreement_signed_on = forms.DateField(
        label=_("Agreement signed on"), widget=DATE, required=False
    )
    agreement_reference = forms.CharField(
        label=_("Agreement reference"), max_length=100, required=False
    )
    agreement_file = forms.FileField(label=_("Signed agreement (PDF)"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=GrantStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TrancheForm(forms.Form):
    """A tranche and the conditions that gate its payment request, chosen from the grant's
    reports and the project's co-financing."""

    amount = _money(_("Amount"))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    condition = forms.CharField(label=_("Condition (in words)"), max_length=250, required=False)
    reports = forms.MultipleChoiceField(
        label=_("Reports that must be accepted first"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cofinancing_received = forms.BooleanField(
        label=_("Partners' co-financing received first"), required=False
    )
    not_before = forms.DateField(label=_("Not before"), widget=DATE, required=False)

    def __init__(self, *args: Any, grant: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grant is not None:
            self.fields["reports"].choices = [(r.pk, r.title) for r in grant.reports.all()]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        conditions: list[dict[str, Any]] = [
            {"kind": "report_accepted", "report": int(pk)} for pk in data.get("reports") or []
        ]
        if data.get("cofinancing_received"):
            conditions.append({"kind": "cofinancing_received"})
        if data.get("not_before"):
            conditions.append({"kind": "date_reached", "on": data["not_before"].isoformat()})
        return {
            "amount": data["amount"],
            "due_on": data["due_on"],
            "condition": data["condition"],
            "conditions": conditions,
        }


class PaymentRequestForm(forms.Form):
    tranche = forms.IntegerField(widget=forms.HiddenInput)
    overdue_override = forms.CharField(
        label=_("Reason for paying although a report is overdue"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class PaymentDecisionForm(forms.Form):
    payment_request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment (required to refuse)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisbursementForm(forms.Form):
    payment_request = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)


class ReportReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ReportScheduleForm(forms.Form):
    title = forms.CharField(label=_("Report (French title)"), max_length=200)
    title_en = forms.CharField(label=_("Report (English title)"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("What happened in the period"), widget=forms.Textarea(attrs={"rows": 5})
    )
    spending = _money(_("Spending to date"))
    beneficiaries_reached = forms.IntegerField(
        label=_("Beneficiaries reached"), min_value=0, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, indicators: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=_("%(indicator)s: value reached (%(unit)s)")
                % {"indicator": indicator.name, "unit": indicator.unit},
                max_digits=16,
                decimal_places=2,
                min_value=0,
                required=False,
            )

    def values(self) -> dict[int, Any]:
        return {
            int(k.removeprefix("indicator_")): v
            for k, v in self.cleaned_data.items()
            if k.startswith("indicator_")
        }


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date of the visit"), widget=DATE)
    visitors = forms.CharField(label=_("Visitors"), max_length=300)
    findings_fr = forms.CharField(
        label=_("Findings (French)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    findings_en = forms.CharField(
        label=_("Findings (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    photo_caption_fr = forms.CharField(
        label=_("Photo caption (French)"), max_length=250, required=False
    )


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevel.choices)
    description = forms.CharField(label=_("Risk"), max_length=500)
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ProjectFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors"))] + list(Sector.choices)
    )
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, required=False)

    def __init__(self, *args: Any, years: list[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
