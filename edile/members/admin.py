from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from edile.core.admin import VersionedAdminMixin
from edile.members.models import Dues, LocalGovernment, Mandate, Membership, Person


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(VersionedAdminMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "kind", "country", "region", "population"]
    list_filter = ["kind", "country", "membership__status"]
    search_fields = ["name_fr", "name_en", "region_fr", "region_en"]
    prepopulated_fields = {"slug": ["name_fr"]}
    inlines = [MandateInline]


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "gender", "is_fictional"]
    list_filter = ["gender", "is_fictional"]
    search_fields = ["family_name", "given_name"]


@admin.register(Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ["person", "office", "local_government", "start", "end"]
    list_filter = ["office"]
    search_fields = ["person__family_name", "local_government__name_fr"]
    autocomplete_fields = ["person", "local_government"]
    list_select_related = ["person", "local_government"]


class DuesInline(admin.TabularInline):
    model = Dues
    extra = 0


@admin.register(Membership)
class MembershipAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["local_government", "category", "status", "joined_on"]
    list_filter = ["category", "status"]
    search_fields = ["local_government__name_fr", "local_government__name_en"]
    autocomplete_fields = ["local_government"]
    list_select_related = ["local_government"]
    inlines = [DuesInline]
