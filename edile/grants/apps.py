from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "edile.grants"
    label = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from edile.grants import permissions, tasks  # noqa: F401  (registers rules and tasks)
