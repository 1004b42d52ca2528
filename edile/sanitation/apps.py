from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanitationConfig(AppConfig):
    name = "edile.sanitation"
    label = "sanitation"
    verbose_name = _("Sanitation")

    def ready(self) -> None:
        # Registers the rules permissions (sanitation.manage_registry…).
        from edile.sanitation import (
            permissions,  # noqa: F401
            signals,
        )

        signals.connect()
