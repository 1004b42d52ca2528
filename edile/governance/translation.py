import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.governance.models import (
    AgendaItem,
    Amendment,
    Body,
    DecisionRule,
    Meeting,
    Nomination,
    Paragraph,
    PrizeEdition,
    RegistrationType,
    Resolution,
    ResolutionVersion,
    Topic,
)


@register(Body)
class BodyTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "description", "venue")


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(DecisionRule)
class DecisionRuleTranslationOptions(TranslationOptions):
    fields = ("label",)


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Resolution)
class ResolutionTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(ResolutionVersion)
class ResolutionVersionTranslationOptions(TranslationOptions):
    fields = ("note",)


@register(Paragraph)
class ParagraphTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Amendment)
class AmendmentTranslationOptions(TranslationOptions):
    fields = ("text", "justification")


@register(PrizeEdition)
class PrizeEditionTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Nomination)
class NominationTranslationOptions(TranslationOptions):
    fields = ("citation",)


@register(RegistrationType)
class RegistrationTypeTranslationOptions(TranslationOptions):
    fields = ("name",)


# simple-history must see the translated fields (name_fr, name_en…), so it registers here.
for _model in (
    Body,
    Meeting,
    DecisionRule,
    AgendaItem,
    Topic,
    Resolution,
    ResolutionVersion,
    Paragraph,
    Amendment,
    PrizeEdition,
    Nomination,
    RegistrationType,
):
    simple_history.register(_model)
