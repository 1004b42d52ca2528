from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "edile.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from edile.governance import permissions  # noqa: F401  (registers the rules)
