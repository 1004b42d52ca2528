"""`make bench`: each domain app that has a `bench.py` generates large data and reports
timings, query counts and the size measured at; the API lists are compared with their own
SQL replayed raw. Apps without `bench.py` are skipped (listed), never an error."""

from __future__ import annotations

import platform
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from edile.core import benchmarks
from edile.site.figures import domain_submodules


class Command(BaseCommand):
    help = "Generate large data and report median timings and SQL query counts (a benchmark)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="Only these apps (default: all).")
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Empty the bench database and migrate it first (PostgreSQL: drop the schema).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError(
                "Refusing to fill a database whose name lacks 'bench'. Use `make bench`."
            )
        if options["fresh"]:
            self._fresh()
        wanted = options["apps"] or settings.EDILE_DOMAIN_APPS
        unknown = sorted(set(wanted) - set(settings.EDILE_DOMAIN_APPS))
        if unknown:
            raise CommandError(f"Unknown apps: {', '.join(unknown)}.")
        found = dict(domain_submodules("bench"))
        skipped = [app for app in wanted if app not in found]
        self.stdout.write(
            f"Édile bench on {connection.vendor} ({connection.settings_dict['NAME']}), "
            f"Python {platform.python_version()}, {platform.machine()}\n"
        )
        if skipped:
            self.stdout.write(f"(no bench.py, skipped: {', '.join(skipped)})\n")
        for app in wanted:
            if app not in found:
                continue
            module = found[app]
            size = getattr(module, "SIZE", "")
            self.stdout.write(
                self.style.MIGRATE_HEADING(f"== {app}" + (f" ({size})" if size else ""))
            )
            benchmarks.begin(app, size)
            module.run(self.stdout)

    def _fresh(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
                cursor.execute("PRAGMA foreign_keys = OFF")
                for table in tables:
                    cursor.execute(f'DROP TABLE IF EXISTS "{table}"')  # noqa: S608
                cursor.execute("PRAGMA foreign_keys = ON")
        call_command("migrate", interactive=False, verbosity=0)
