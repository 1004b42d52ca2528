"""Admin: the read log (read-only) and the vocabularies.

Incidents, victims, witnesses and reports are deliberately NOT in the admin: every read of
confidential data must go through the analysts' pages, which log it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from edile.observatory.models import ConfidentialAccess, Criterion, Pillar, ViolationType


@admin.register(ConfidentialAccess)
class ConfidentialAccessAdmin(admin.ModelAdmin):
    list_display = ("accessed_at", "user", "what", "incident", "path")
    list_filter = ("accessed_at",)
    search_fields = ("user__email", "what", "incident__reference")
    date_hierarchy = "accessed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ViolationType)
class ViolationTypeAdmin(TranslationAdmin):
    list_display = ("code", "label", "order")


@admin.register(Pillar)
class PillarAdmin(TranslationAdmin):
    list_display = ("code", "name", "weight", "order")


@admin.register(Criterion)
class CriterionAdmin(TranslationAdmin):
    list_display = ("code", "name", "pillar", "weight")
    list_filter = ("pillar",)
