"""Compute every registered summary now: cron (every night) and after each deploy."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edile.core import summaries


class Command(BaseCommand):
    help = (
        "Compute the registered summaries (home, statistics, map, dashboards): the default "
        "rows that do not exist yet, and every stored row again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="Only these summaries (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        known = summaries.registered()
        names = options["names"] or sorted(known)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CommandError(
                f"Unknown summaries: {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
            )
        for name in names:
            start = time.perf_counter()
            count = summaries.summary_refresh_defaults(name)
            elapsed = time.perf_counter() - start
            self.stdout.write(f"{name}: {count} rows in {elapsed:.2f} s")
