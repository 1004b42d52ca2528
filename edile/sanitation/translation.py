import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.sanitation.models import (
    Programme,
    ProgrammeStudy,
    RequestState,
    RequestTransition,
    SfdStudy,
)


@register(RequestState)
class RequestStateTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(RequestTransition)
class RequestTransitionTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(SfdStudy)
class SfdStudyTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(ProgrammeStudy)
class ProgrammeStudyTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


# simple-history must see the translated fields (title_fr, title_en…), so it registers here.
for _model in (SfdStudy, Programme):
    simple_history.register(_model)
