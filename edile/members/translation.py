import simple_history
from modeltranslation.translator import TranslationOptions, register

from edile.members.models import LocalGovernment


@register(LocalGovernment)
class LocalGovernmentTranslationOptions(TranslationOptions):
    fields = ("name", "region")


# simple-history must see the translated fields (name_fr, name_en…), so it registers here.
simple_history.register(LocalGovernment)
