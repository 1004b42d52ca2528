import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.governance.models import Body


@register(Body)
class BodyTranslationOptions(TranslationOptions):
    fields = ("name", "description")


# simple-history must see the translated fields (name_fr, name_en…), so it registers here.
simple_history.register(Body)
