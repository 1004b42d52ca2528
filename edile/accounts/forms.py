from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Monthly export script”."),
    )


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mails and pages"),
        choices=[("fr", _("French")), ("en", _("English"))],
    )
