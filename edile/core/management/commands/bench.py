"""`make bench`: each domain app generates large data and reports timings and query counts."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Generate large data and report median timings and SQL query counts (a benchmark)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="Only these apps (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError(
                "Refusing to fill a database whose name lacks 'bench'. Use `make bench`."
            )
        apps = options["apps"] or settings.EDILE_DOMAIN_APPS
        for app in apps:
            module = importlib.import_module(f"edile.{app}.bench")
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {app}"))
            module.run(self.stdout)
