from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "edile.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from edile.members import permissions  # noqa: F401  (registers the rules)
