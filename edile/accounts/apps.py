from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "edile.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib import admin

        from edile.accounts import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (connects the receivers)
        )
        from edile.accounts.admin import admin_unregister_confidential
        from edile.core.admin import admin_versioned

        # Every app's admin.py has been loaded by now (the admin app comes first).
        admin_unregister_confidential(admin.site)
        admin_versioned(admin.site)
