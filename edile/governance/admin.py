from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from edile.governance.models import Body, Seat


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ["local_government", "person"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name_fr", "name_en"]
    prepopulated_fields = {"slug": ["name_fr"]}
    inlines = [SeatInline]
