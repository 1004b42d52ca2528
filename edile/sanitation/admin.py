"""The admin is for the platform's data tables (the SFD grid, the workflow, city settings);
officers, crews and plants work on the module's own pages."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from edile.sanitation.models import (
    CitySettings,
    Operator,
    Programme,
    RequestState,
    RequestTransition,
    SfdGridCell,
    SfdStudy,
    TariffRule,
    TreatmentSite,
    Vehicle,
    VehicleDocument,
    Zone,
)


@admin.register(SfdGridCell)
class SfdGridCellAdmin(admin.ModelAdmin):
    list_display = ("code", "branch", "variables", "is_valid", "confirmed", "note")
    list_filter = ("branch", "is_valid", "confirmed", "groundwater_risk")
    search_fields = ("code", "note")


@admin.register(RequestState)
class RequestStateAdmin(TranslationAdmin):
    list_display = ("code", "name", "position", "is_initial", "is_terminal", "counts_as_served")


@admin.register(RequestTransition)
class RequestTransitionAdmin(TranslationAdmin):
    list_display = ("source", "action", "target", "actors")
    list_filter = ("source",)


@admin.register(CitySettings)
class CitySettingsAdmin(SimpleHistoryAdmin):
    list_display = ("local_government", "sla_hours", "volume_tolerance_percent", "figures_public")


@admin.register(TariffRule)
class TariffRuleAdmin(SimpleHistoryAdmin):
    list_display = ("local_government", "name", "priority", "amount_per_trip", "currency")
    list_filter = ("local_government",)


@admin.register(Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = ("local_government", "code", "name", "is_low_income", "groundwater_risk")
    list_filter = ("local_government",)


class VehicleDocumentInline(admin.TabularInline):
    model = VehicleDocument
    extra = 0


@admin.register(Vehicle)
class VehicleAdmin(SimpleHistoryAdmin):
    list_display = ("plate", "operator", "tank_capacity_l", "is_active")
    inlines = [VehicleDocumentInline]


@admin.register(Operator)
class OperatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "local_government", "licence_number", "licence_valid_until")
    filter_horizontal = ("zones", "accounts")


@admin.register(TreatmentSite)
class TreatmentSiteAdmin(SimpleHistoryAdmin):
    list_display = ("name", "local_government", "kind", "design_capacity_l_per_day")
    filter_horizontal = ("accounts",)


@admin.register(SfdStudy)
class SfdStudyAdmin(TranslationAdmin):
    list_display = ("title", "local_government", "year", "status", "is_fictional")
    list_filter = ("status", "level")


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin):
    list_display = ("title", "local_government", "is_public", "is_fictional")
