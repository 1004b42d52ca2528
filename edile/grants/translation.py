import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.grants.models import (
    Application,
    Call,
    Indicator,
    MonitoringVisit,
    Partner,
    ProgressReport,
)


@register(Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Call)
class CallTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Application)
class ApplicationTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(MonitoringVisit)
class MonitoringVisitTranslationOptions(TranslationOptions):
    fields = ("findings", "photo_caption")


@register(ProgressReport)
class ProgressReportTranslationOptions(TranslationOptions):
    # "Rapport final" must read "Final report" on the English page.
    fields = ("title",)


# simple-history must see the translated fields (title_fr, title_en…), so it registers here.
for _model in (Partner, Call, Application, Indicator, MonitoringVisit, ProgressReport):
    simple_history.register(_model)
