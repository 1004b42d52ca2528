from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "edile.observatory"
    label = "observatory"
    verbose_name = _("Observatory of Mayors in Danger")

    def ready(self) -> None:
        # Registers the rules permissions (observatory.view_incident…).
        from edile.core import panels, retention
        from edile.governance.selectors import register_link_guard
        from edile.observatory import permissions  # noqa: F401
        from edile.observatory.selectors import incident_may_be_seen
        from edile.observatory.services import anonymous_report_purge_expired
        from edile.observatory.views import project_panel, resolution_panel

        retention.register("observatory.anonymous_reports", anonymous_report_purge_expired)
        # The resolution's and the project's pages show the incidents they respond to, as
        # each reader may see them; governance and grants never import the observatory.
        panels.register("governance.resolution", resolution_panel)
        panels.register("grants.project", project_panel)
        # A resolution's generic links ("what it concerns") never name a hidden incident.
        register_link_guard("observatory.incident", incident_may_be_seen)
