"""Forms of the grants pages: they validate types; the services apply the business rules."""

from __future__ import annotations

from decimal import Decimal
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


def _codes(value: str, *, upper: bool = False) -> list[str]:
    items = [v.strip() for v in (value or "").replace(";", ",").split(",") if v.strip()]
    return [v.upper() for v in items] if upper else items


class CallForm(forms.Form):
    """A call with its rules as form fields; the service checks them against the JSON Schema."""

    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=100,
        required=False,
        help_text=_("Made from the English title if empty."),
    )
    title_fr = forms.CharField(label=_("Title (French)"), max_length=250)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    year = forms.IntegerField(label=_("Programme year"), min_value=1990, max_value=2100)
    envelope = _money(_("Envelope"))
    currency = forms.CharField(label=_("Currency (ISO code)"), max_length=3, initial="EUR")
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on (last day to submit)"), widget=DATE)
    sectors = forms.CharField(
        label=_("Eligible DAC purpose codes"),
        required=False,
        help_text=_("5-digit codes separated by commas, e.g. 14030, 11120; empty for all."),
    )
    good_standing = forms.BooleanField(
        label=_("Only members in good standing (dues paid)"), required=False, initial=True
    )
    dues_year = forms.IntegerField(
        label=_("Dues year checked"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("The year before the programme year if empty."),
    )
    max_grant = forms.DecimalField(
        label=_("Maximum grant per project"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    min_cofinancing_share = forms.DecimalField(
        label=_("Minimum co-financing (% of the budget)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=99.99,
        required=False,
    )
    one_open_application = forms.BooleanField(
        label=_("One open application per city"), required=False, initial=True
    )
    require_results = forms.BooleanField(
        label=_("Expected results and beneficiaries required"), required=False, initial=True
    )
    eligible_countries = forms.CharField(
        label=_("Eligible countries"),
        required=False,
        help_text=_("ISO codes separated by commas, e.g. SN, KH; empty for all."),
    )
    min_reviews = forms.IntegerField(
        label=_("Reviews needed before an approval"), min_value=0, max_value=10, initial=2
    )
    deciding_bodies = forms.CharField(
        label=_("Bodies that decide (addresses)"),
        initial="bureau",
        help_text=_("Addresses of governance bodies separated by commas, e.g. bureau."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CALL_FIELDS = (
        "slug",
        "title_fr",
        "title_en",
        "description_fr",
        "description_en",
        "year",
        "envelope",
        "currency",
        "opens_on",
        "closes_on",
        "sectors",
    )
    RULE_FIELDS = (
        "good_standing",
        "dues_year",
        "max_grant",
        "min_cofinancing_share",
        "one_open_application",
        "require_results",
        "eligible_countries",
        "min_reviews",
        "deciding_bodies",
    )

    def call_fields(self) -> list[Any]:
        return [self[name] for name in self.CALL_FIELDS]

    def rule_fields(self) -> list[Any]:
        return [self[name] for name in self.RULE_FIELDS]

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        rules: dict[str, Any] = {
            "good_standing": d["good_standing"],
            "one_open_application": d["one_open_application"],
            "require_results": d["require_results"],
            "min_reviews": d["min_reviews"],
            "deciding_bodies": _codes(d["deciding_bodies"]),
        }
        if d.get("dues_year"):
            rules["dues_year"] = d["dues_year"]
        if d.get("max_grant") is not None:
            rules["max_grant"] = str(d["max_grant"])
        if d.get("min_cofinancing_share") is not None:
            rules["min_cofinancing_share"] = str((d["min_cofinancing_share"] / 100).normalize())
        if d.get("eligible_countries"):
            rules["eligible_countries"] = _codes(d["eligible_countries"], upper=True)
        return {
            "slug": d.get("slug") or "",
            **{
                k: d[k]
                for k in (
                    "title_fr",
                    "title_en",
                    "description_fr",
                    "description_en",
                    "year",
                    "envelope",
                    "currency",
                    "opens_on",
                    "closes_on",
                )
            },
            "sectors": _codes(d["sectors"]),
            "rules": rules,
        }

    @staticmethod
    def initial_for(call: Any) -> dict[str, Any]:
        rules = call.rules or {}
        share = rules.get("min_cofinancing_share")
        return {
            "slug": call.slug,
            "title_fr": call.title_fr,
            "title_en": call.title_en,
            "description_fr": call.description_fr,
            "description_en": call.description_en,
            "year": call.year,
            "envelope": call.envelope,
            "currency": call.currency,
            "opens_on": call.opens_on,
            "closes_on": call.closes_on,
            "sectors": ", ".join(call.sectors or []),
            "good_standing": rules.get("good_standing", True),
            "dues_year": rules.get("dues_year"),
            "max_grant": rules.get("max_grant"),
            "min_cofinancing_share": (Decimal(str(share)) * 100).normalize()
            if share not in (None, "")
            else None,
            "one_open_application": rules.get("one_open_application", True),
            "require_results": rules.get("require_results", True),
            "eligible_countries": ", ".join(rules.get("eligible_countries") or []),
            "min_reviews": rules.get("min_reviews", 2),
            "deciding_bodies": ", ".join(rules.get("deciding_bodies") or ["bureau"]),
            "version": call.version,
        }


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    label_fr = forms.CharField(label=_("Criterion (French)"), max_length=200)
    label_en = forms.CharField(label=_("Criterion (English)"), max_length=200, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)
    max = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


def criteria_from(formset: Any) -> list[dict[str, Any]]:
    return [
        {k: f.cleaned_data[k] for k in ("code", "label_fr", "label_en", "weight", "max")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class PartnerForm(forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    slug = forms.SlugField(label=_("Address (slug)"), max_length=100, required=False)
    iati_ref = forms.CharField(
        label=_("IATI organisation identifier"),
        max_length=100,
        required=False,
        help_text=_("Only when known for certain, e.g. XM-DAC-44000 for the World Bank."),
    )
    org_type = forms.ChoiceField(label=_("IATI organisation type"))
    is_fictional = forms.BooleanField(label=_("Fictional (demonstration)"), required=False)

    def __init__(self, *args: Any, language: str = "fr", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_type"].choices = codelists.choices("OrganisationType", language)


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(label=_("Currency (ISO code)"), max_length=3)
    date = forms.DateField(label=_("Date"), widget=DATE)
    eur_per_unit = forms.DecimalField(
        label=_("Euros for one unit"), max_digits=18, decimal_places=8, min_value=0
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class RatesImportForm(forms.Form):
    file = forms.FileField(
        label=_("ECB reference rates (CSV)"),
        help_text=_(
            "eurofxref.csv (one day) or eurofxref-hist.csv (history), as published by the ECB."
        ),
    )


class BulkReviewersForm(forms.Form):
    reviewers = forms.CharField(
        label=_("Reviewers' e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas or new lines."),
    )

    def clean_reviewers(self) -> list[str]:
        from django.core.validators import validate_email

        raw = self.cleaned_data["reviewers"].replace("\n", ",").replace(";", ",")
        emails = sorted({e.strip().lower() for e in raw.split(",") if e.strip()})
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(email)s” is not an e-mail address.") % {"email": email}
                ) from None
        return emails
