from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from edile.datagov import models


@admin.register(models.Dataset)
class DatasetAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("title", "publisher", "classification", "licence", "modified")
    list_filter = ("classification", "licence")
    search_fields = ("title_fr", "title_en", "slug")
    raw_id_fields = ("publisher", "steward", "spatial_local_government")


@admin.register(models.AccessRequest)
class AccessRequestAdmin(SimpleHistoryAdmin):
    list_display = ("dataset", "requester", "status", "expires_on")
    list_filter = ("status",)
    raw_id_fields = ("dataset", "requester", "decided_by")


@admin.register(models.RetentionPolicy)
class RetentionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("target", "period_days", "action", "is_active", "last_run_at", "last_run_count")


@admin.register(models.ProcessingRecord)
class ProcessingRecordAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "controller", "legal_basis")


@admin.register(models.RoadmapAction)
class RoadmapActionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("code", "title", "owner", "due_date", "status")


admin.site.register(models.Roadmap, TranslationAdmin)
admin.site.register(models.MaturityDimension, TranslationAdmin)
admin.site.register(models.MaturityLevel, TranslationAdmin)
admin.site.register(models.MaturityAssessment)


@admin.register(models.Keyword)
class KeywordAdmin(TranslationAdmin):
    """Staff correct a keyword's labels here; every dataset using it follows."""

    list_display = ("key", "label_fr", "label_en")
    search_fields = ("key", "label_fr", "label_en")
