import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.observatory.models import Criterion, FollowUp, Incident, Pillar, ViolationType


@register(Incident)
class IncidentTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(FollowUp)
class FollowUpTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(ViolationType)
class ViolationTypeTranslationOptions(TranslationOptions):
    fields = ("label", "definition")


@register(Pillar)
class PillarTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("name", "question")


# simple-history must see the translated fields (title_fr, title_en…), so it registers here.
simple_history.register(Incident)
simple_history.register(FollowUp)
simple_history.register(ViolationType)
simple_history.register(Pillar)
simple_history.register(Criterion)
