from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from edile.governance.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Body,
    DecisionRule,
    Meeting,
    Minutes,
    Nomination,
    Paragraph,
    PrizeEdition,
    Proxy,
    Registration,
    Resolution,
    ResolutionLink,
    ResolutionVersion,
    Seat,
    Topic,
    Vote,
    WorkflowTransition,
)


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


class AgendaItemInline(TranslationTabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title", "parent", "order"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "kind", "start", "body", "parent"]
    list_filter = ["kind", "body"]
    search_fields = ["title_fr", "title_en", "slug"]
    autocomplete_fields = ["parent"]
    inlines = [AgendaItemInline]


@admin.register(DecisionRule)
class DecisionRuleAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "label", "quorum_base", "majority_base", "tie_rule"]


@admin.register(WorkflowTransition)
class WorkflowTransitionAdmin(SimpleHistoryAdmin):
    list_display = ["from_state", "to_state", "role", "requires_vote"]


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["slug", "name"]


class ResolutionLinkInline(admin.TabularInline):
    model = ResolutionLink
    extra = 0


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["number", "title", "kind", "state", "body", "decided_on"]
    list_filter = ["kind", "state", "body"]
    search_fields = ["number", "title_fr", "title_en", "slug"]
    # The state moves only through the workflow (services), never by hand.
    readonly_fields = ["state", "decided_on"]
    filter_horizontal = ["topics", "sponsors"]
    inlines = [ResolutionLinkInline]


class ParagraphInline(TranslationTabularInline):
    model = Paragraph
    extra = 3
    fields = ["number", "text"]


@admin.register(ResolutionVersion)
class ResolutionVersionAdmin(TranslationAdmin):
    """The secretariat types a resolution's tabled text here, paragraph by paragraph."""

    list_display = ["resolution", "number", "note"]
    autocomplete_fields = ["resolution"]
    inlines = [ParagraphInline]


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["number", "resolution", "paragraph_number", "operation", "state"]
    readonly_fields = ["state"]


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["resolution", "amendment", "meeting", "mode", "status", "result"]
    list_filter = ["status", "result", "mode"]
    # Results are computed by the evaluation function, never typed in.
    readonly_fields = [
        "rule_snapshot",
        "result",
        "explanation_fr",
        "explanation_en",
        "yes",
        "no",
        "abstain",
        "entitled",
        "present",
        "represented",
        "status",
    ]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "local_government", "status", "source"]
    list_filter = ["status", "meeting"]


@admin.register(Proxy)
class ProxyAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "grantor", "holder"]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "congress", "type", "status", "checked_in_at"]
    list_filter = ["congress", "type", "status", "is_fictional"]
    search_fields = ["family_name", "given_name", "email"]
    readonly_fields = ["token", "checked_in_at", "anonymised_at"]


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "status", "approved_at"]
    readonly_fields = ["status", "approved_at", "approved_by"]


@admin.register(PrizeEdition)
class PrizeEditionAdmin(TranslationAdmin):
    list_display = ["title", "year"]


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["nominee", "edition", "status"]
    list_filter = ["edition", "status"]
