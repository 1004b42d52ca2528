from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "edile.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from edile.accounts import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (connects the receivers)
        )
