from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from edile.grants.models import (
    Application,
    Call,
    Decision,
    ExchangeRate,
    Grant,
    MonitoringVisit,
    Partner,
    ProgressReport,
)


@admin.register(Partner)
class PartnerAdmin(TranslationAdmin):
    list_display = ("name", "iati_ref", "org_type")
    search_fields = ("name_fr", "name_en", "iati_ref")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ("currency", "date", "eur_per_unit", "source")
    list_filter = ("currency",)


@admin.register(Call)
class CallAdmin(TranslationAdmin):
    list_display = ("title", "year", "envelope", "currency", "opens_on", "closes_on")


@admin.register(Application)
class ApplicationAdmin(TranslationAdmin):
    list_display = ("reference", "title", "local_government", "call", "status")
    list_filter = ("status", "sector", "call")
    search_fields = ("reference", "title_fr", "title_en")
    list_select_related = ("local_government", "call")
    # Status, amounts and totals change only through the services (rules, history, e-mails).
    readonly_fields = ("status", "total_budget", "cofinancing_eur", "beneficiaries", "submitted_at")


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("application", "outcome", "amount", "meeting_date", "body")
    readonly_fields = ("application", "outcome", "amount")


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ("application", "amount", "disbursed", "status")
    readonly_fields = ("amount", "amount_eur", "disbursed", "decision", "application")


admin.site.register(ProgressReport, SimpleHistoryAdmin)
admin.site.register(MonitoringVisit, TranslationAdmin)
