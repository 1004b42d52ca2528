from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "edile.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from edile.core import retention
        from edile.governance import permissions  # noqa: F401  (registers the rules)
        from edile.governance.services import registration_anonymise_expired

        retention.register("governance.registrations", registration_anonymise_expired)

        from edile.governance.delegations import city_delegation_links
        from edile.members import city_links

        city_links.register(city_delegation_links)
