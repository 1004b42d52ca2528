from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "edile.grants"
    label = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from edile.governance import report
        from edile.grants import permissions, tasks  # noqa: F401  (registers rules and tasks)
        from edile.grants.selectors import decisions_at_meetings

        # Governance's congress report asks grants through this (it may not import grants).
        report.register_grants_source(decisions_at_meetings)
