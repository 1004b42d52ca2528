from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "edile.observatory"
    label = "observatory"
    verbose_name = _("Observatory of Mayors in Danger")

    def ready(self) -> None:
        # Registers the rules permissions (observatory.view_incident…).
        from edile.core import retention
        from edile.observatory import permissions  # noqa: F401
        from edile.observatory.services import anonymous_report_purge_expired

        retention.register("observatory.anonymous_reports", anonymous_report_purge_expired)
