from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`migrate` also creates the database cache's table, so `make run` needs no extra step."""
    from django.conf import settings
    from django.core.management import call_command

    if any(
        c["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
        for c in settings.CACHES.values()
    ):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "edile.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="edile-cache-table")
        # Each app's `files.py` registers who may read its uploaded files (core.files), and
        # its `exportfiles.py` the public exports built as files (core.exportfiles).
        import importlib
        import importlib.util

        from edile.core import signals  # noqa: F401  (control characters)

        for config in apps.get_app_configs():
            if not config.name.startswith("edile."):
                continue
            # `files`: upload kinds; `exportfiles`: public exports built as files;
            # `summaries`: figures computed in the background.
            for submodule in ("files", "exportfiles", "summaries"):
                if importlib.util.find_spec(f"{config.name}.{submodule}"):
                    importlib.import_module(f"{config.name}.{submodule}")
