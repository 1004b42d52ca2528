"""Forms of the sanitation pages: light, so that a crew can fill them on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edile.sanitation.models import (
    Channel,
    Containment,
    EmptyingEvent,
    Operator,
    Property,
    TariffRule,
    TreatmentSite,
    Trip,
    TripStatus,
    Vehicle,
    VehicleDocumentKind,
    Worker,
    Zone,
)


class RequestForm(forms.Form):
    containment = forms.CharField(
        label=_("Containment reference"),
        max_length=40,
        help_text=_("As on the registry, e.g. C-0012."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=200, required=False)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=40, required=False)
    trips_estimated = forms.IntegerField(label=_("Trips estimated"), min_value=1, initial=1)
    is_emergency = forms.BooleanField(label=_("Emergency"), required=False)

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.local_government = local_government

    def clean_containment(self) -> Containment:
        reference = self.cleaned_data["containment"].strip()
        found = Containment.objects.filter(
            local_government=self.local_government, reference__iexact=reference
        ).first()
        if found is None:
            raise forms.ValidationError(
                _("No containment %(ref)s in this city's registry.") % {"ref": reference}
            )
        return found


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=Operator.objects.none())

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = Operator.objects.filter(
            local_government=local_government
        )


class AcceptForm(forms.Form):
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none())
    scheduled_for = forms.DateField(
        label=_("Date of the emptying"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, operator: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(operator=operator, is_active=True)
        self.fields["scheduled_for"].initial = timezone.localdate()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EmptyingForm(forms.Form):
    """What the crew records at the containment: a volume, trips, PPE, a receipt."""

    volume_l = forms.IntegerField(
        label=_("Volume emptied (litres)"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    trips = forms.IntegerField(
        label=_("Trips"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    amount_collected = forms.DecimalField(
        label=_("Amount collected"), min_value=0, required=False, decimal_places=2
    )
    ppe_gloves = forms.BooleanField(label=_("Gloves"), required=False)
    ppe_boots = forms.BooleanField(label=_("Boots"), required=False)
    ppe_mask = forms.BooleanField(label=_("Mask"), required=False)
    ppe_overalls = forms.BooleanField(label=_("Overalls"), required=False)
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )


class TripForm(forms.Form):
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none())
    site = forms.ModelChoiceField(label=_("Treatment site"), queryset=None)
    emptyings = forms.ModelMultipleChoiceField(
        label=_("Emptyings carried"),
        queryset=EmptyingEvent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, operators: Any, **kwargs: Any) -> None:
        from edile.sanitation.models import TreatmentSite

        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(
            operator__in=operators, is_active=True
        )
        self.fields["site"].queryset = TreatmentSite.objects.filter(
            local_government__in=operators.values("local_government")
        )
        self.fields["emptyings"].queryset = (
            EmptyingEvent.objects.filter(operator__in=operators, loads__isnull=True)
            .select_related("containment")
            .order_by("-emptied_on")
        )
        self.fields["emptyings"].label_from_instance = lambda e: (
            f"{e.containment.reference} · {e.emptied_on:%d/%m} · {e.volume_l} l"
        )


class ReceptionForm(forms.Form):
    trip = forms.ModelChoiceField(
        label=_("Trip"),
        queryset=Trip.objects.none(),
        required=False,
        help_text=_("Leave empty for a vehicle with no registered trip."),
    )
    plate_seen = forms.CharField(label=_("Plate seen"), max_length=20, required=False)
    received_volume_l = forms.IntegerField(
        label=_("Volume received (litres)"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    declined = forms.BooleanField(label=_("Declined"), required=False)
    decline_reason = forms.CharField(
        label=_("Reason for declining"), max_length=200, required=False
    )

    def __init__(self, *args: Any, site: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = Trip.objects.filter(
            site=site, status=TripStatus.LOADED
        ).select_related("vehicle")
        self.fields["trip"].label_from_instance = lambda t: (
            f"{t.reference} · {t.vehicle.plate} · {t.declared_volume_l} l"
        )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Resolution note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Survey file (CSV or XLSX)"))


class VehicleDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=VehicleDocumentKind.choices)
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- the registry the officer keeps (zones, operators, vehicles, workers, sites, tariffs) ---------


def _accounts_with_role(role: str, local_government: Any) -> Any:
    """The accounts that hold `role` for this city: the only ones that may be linked."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            role_assignments__role__code=role, role_assignments__local_government=local_government
        )
        .distinct()
        .order_by("email")
    )


def _account_label(user: Any) -> str:
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


class CityRecordForm(forms.ModelForm):
    """A record of one city's registry: every choice offered is the city's own."""

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.local_government = local_government
        if "operator" in self.fields:
            self.fields["operator"].queryset = Operator.objects.filter(
                local_government=local_government
            )
        if "zones" in self.fields:
            self.fields["zones"].queryset = Zone.objects.filter(local_government=local_government)
        if "zone" in self.fields:
            self.fields["zone"].queryset = Zone.objects.filter(local_government=local_government)
        if "properties" in self.fields:
            self.fields["properties"].queryset = Property.objects.filter(
                local_government=local_government
            ).order_by("reference")
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(field, forms.TimeField):
                field.widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            elif isinstance(field, forms.DecimalField):
                field.widget.attrs.setdefault("inputmode", "decimal")
            elif isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "numeric")
            if name == "low_income":
                field.widget = forms.NullBooleanSelect()
                field.widget.choices = [
                    ("unknown", _("Either")),
                    ("true", pgettext_lazy("a yes/no field", "Yes")),
                    ("false", pgettext_lazy("a yes/no field", "No")),
                ]


class ZoneForm(CityRecordForm):
    class Meta:
        model = Zone
        fields = ["name", "code", "is_low_income", "groundwater_risk"]


class OperatorForm(CityRecordForm):
    class Meta:
        model = Operator
        fields = [
            "name",
            "licence_number",
            "licence_valid_until",
            "is_municipal",
            "zones",
            "accounts",
        ]
        widgets = {
            "zones": forms.CheckboxSelectMultiple,
            "accounts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        from edile.sanitation.permissions import OPERATOR

        super().__init__(*args, local_government=local_government, **kwargs)
        self.fields["accounts"].queryset = _accounts_with_role(OPERATOR, local_government)
        self.fields["accounts"].label_from_instance = _account_label
        self.fields["accounts"].help_text = _(
            "The crews' accounts: those that hold the emptying operator role for this city."
        )


class VehicleForm(CityRecordForm):
    class Meta:
        model = Vehicle
        fields = ["operator", "plate", "tank_capacity_l", "is_active"]


class WorkerForm(CityRecordForm):
    class Meta:
        model = Worker
        fields = ["operator", "name", "role", "driving_licence", "ppe_issued_on"]


class TreatmentSiteForm(CityRecordForm):
    class Meta:
        model = TreatmentSite
        fields = ["name", "kind", "design_capacity_l_per_day", "opens_at", "closes_at", "accounts"]
        widgets = {"accounts": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        from edile.sanitation.permissions import PLANT

        super().__init__(*args, local_government=local_government, **kwargs)
        self.fields["accounts"].queryset = _accounts_with_role(PLANT, local_government)
        self.fields["accounts"].label_from_instance = _account_label
        self.fields["accounts"].help_text = _(
            "The accounts that hold the treatment plant operator role for this city."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The site must close after it opens."))
        return data


class TariffRuleForm(CityRecordForm):
    class Meta:
        model = TariffRule
        fields = [
            "name",
            "priority",
            "property_type",
            "low_income",
            "max_tank_capacity_l",
            "max_distance_km",
            "amount_per_trip",
            "currency",
        ]


class PropertyForm(CityRecordForm):
    class Meta:
        model = Property
        fields = [
            "reference",
            "address",
            "zone",
            "property_type",
            "households",
            "residents",
            "daily_users",
            "is_low_income",
            "latitude",
            "longitude",
            "owner_name",
            "owner_phone",
        ]


SFD_CONTAINMENTS = [f"A{n}" for n in range(1, 11)]
SFD_OUTLETS = [f"C{n}" for n in range(1, 11)]


class ContainmentForm(CityRecordForm):
    class Meta:
        model = Containment
        fields = [
            "reference",
            "properties",
            "local_type",
            "sfd_containment",
            "sfd_outlet",
            "length_m",
            "width_m",
            "depth_m",
            "diameter_m",
            "volume_l",
            "construction_date",
            "last_emptied_on",
            "emptying_interval_months",
            "next_emptying_due",
        ]

    def __init__(self, *args: Any, local_government: Any, **kwargs: Any) -> None:
        super().__init__(*args, local_government=local_government, **kwargs)
        self.fields["sfd_containment"] = forms.ChoiceField(
            label=_("SFD containment (list A)"), choices=[(c, c) for c in SFD_CONTAINMENTS]
        )
        self.fields["sfd_outlet"] = forms.ChoiceField(
            label=_("SFD outlet (list B)"), choices=[(c, c) for c in SFD_OUTLETS]
        )
        self.fields["next_emptying_due"].help_text = _(
            "Left empty, it is computed from the last emptying and the interval."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        last, due = data.get("last_emptied_on"), data.get("next_emptying_due")
        if last and due and due < last:
            self.add_error(
                "next_emptying_due", _("The next emptying cannot come before the last one.")
            )
        return data


class ScheduleForm(forms.Form):
    """The first day of the scheduled emptyings; the containments are the ids checked on
    the list (`containments`), checked by the service (due, the city's, no open request)."""

    start = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.containment_ids: list[int] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = self.data.getlist("containments") if hasattr(self.data, "getlist") else []
        try:
            self.containment_ids = sorted({int(v) for v in raw})
        except ValueError:
            raise forms.ValidationError(_("The containments chosen are not valid.")) from None
        if not self.containment_ids:
            raise forms.ValidationError(_("Choose at least one containment to schedule."))
        return data

    def clean_start(self) -> Any:
        start = self.cleaned_data.get("start")
        if start and start < timezone.localdate():
            raise forms.ValidationError(_("The first day cannot be in the past."))
        return start
