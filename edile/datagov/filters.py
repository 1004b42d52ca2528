"""List filters of the data governance pages (django-filter): validated from the query string."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from edile.datagov.models import DownloadLog


class DownloadLogFilter(django_filters.FilterSet):
    """The steward's download log: by period and by person (part of the e-mail address)."""

    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    person = django_filters.CharFilter(
        field_name="user__email",
        lookup_expr="icontains",
        label=_("Person (e-mail)"),
        max_length=254,
    )

    class Meta:
        model = DownloadLog
        fields: list[str] = []
