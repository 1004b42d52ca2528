from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatagovConfig(AppConfig):
    name = "edile.datagov"
    label = "datagov"
    verbose_name = _("Urban data governance")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_search_index_ensure, sender=self)
        from edile.core import retention
        from edile.datagov import checks, permissions  # noqa: F401  (rules, system checks)
        from edile.datagov.models import RetentionTarget
        from edile.datagov.services import purge_access_requests, purge_download_logs

        retention.register(
            RetentionTarget.DOWNLOAD_LOGS.value, purge_download_logs, takes_action=True
        )
        retention.register(
            RetentionTarget.ACCESS_REQUESTS.value, purge_access_requests, takes_action=True
        )


def _search_index_ensure(*, using: str = "default", **kwargs: object) -> None:
    """The full-text index is not a model: it is (re)created after each migrate (search.py)."""
    from django.db import connections

    from edile.datagov.search import search_index_ensure

    search_index_ensure(connections[using])
