from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edile.members.models import LocalGovernment, LocalGovernmentKind, MembershipStatus


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *LocalGovernmentKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Membership status"),
        required=False,
        choices=[("", _("All statuses")), *MembershipStatus.choices],
    )

    def __init__(self, *args: Any, choices: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        region = self.fields["region"]
        assert isinstance(country, forms.ChoiceField) and isinstance(region, forms.ChoiceField)
        country.choices = [("", _("All countries")), *choices["countries"]]
        region.choices = [("", _("All regions"))] + [(r, r) for r in choices["regions"]]


class LocalGovernmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = LocalGovernment
        fields = [
            "name_fr",
            "name_en",
            "region_fr",
            "region_en",
            "population",
            "latitude",
            "longitude",
            "website",
        ]
        labels = {
            "name_fr": _("Name in French"),
            "name_en": _("Name in English"),
            "region_fr": _("Region in French"),
            "region_en": _("Region in English"),
        }
