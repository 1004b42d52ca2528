from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatagovConfig(AppConfig):
    name = "edile.datagov"
    label = "datagov"
    verbose_name = _("Urban data governance")

    def ready(self) -> None:
        from edile.datagov import permissions  # noqa: F401  (registers the rules)
