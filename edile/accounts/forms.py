from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def _lifetime_choices() -> list[tuple[int, str]]:
    from edile.accounts.services import api_token_lifetimes

    return [
        (days, ngettext("%(days)s day", "%(days)s days", days) % {"days": days})
        for days in sorted(api_token_lifetimes())
    ]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Monthly export script”."),
    )
    expires_in = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=_lifetime_choices,
        help_text=_("The token stops working after this time; create a new one then."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from edile.accounts.services import api_token_lifetimes

        self.fields["expires_in"].initial = api_token_lifetimes()[0]


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mails and pages"),
        choices=[("fr", _("French")), ("en", _("English"))],
    )
