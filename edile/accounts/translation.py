from modeltranslation.translator import TranslationOptions, register

from edile.accounts.models import Role


@register(Role)
class RoleTranslationOptions(TranslationOptions):
    fields = ("name", "description")
