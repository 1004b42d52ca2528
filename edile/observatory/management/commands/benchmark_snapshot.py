"""`manage.py benchmark_snapshot [YEAR]`: freeze the legal benchmark's scores of the year (cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edile.observatory.services import benchmark_snapshot_take


class Command(BaseCommand):
    help = "Store this year's computed benchmark scores of every country (run yearly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, nargs="?", default=dt.date.today().year)

    def handle(self, *args: Any, **options: Any) -> None:
        # Run by an operator or cron with shell access: no user to check.
        count = benchmark_snapshot_take(actor=None, year=options["year"])
        self.stdout.write(self.style.SUCCESS(f"{count} countries frozen for {options['year']}."))
