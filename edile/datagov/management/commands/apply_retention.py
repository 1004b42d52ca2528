"""Apply the platform's retention periods to its own personal data (run daily by cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edile.datagov.services import retention_apply


class Command(BaseCommand):
    help = "Delete or anonymise the personal data whose retention period has expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD), e.g. to check a policy.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for outcome in retention_apply(today=options["today"]):
            if outcome.count is None:
                self.stdout.write(f"{outcome.target}: skipped ({outcome.message})")
            else:
                self.stdout.write(
                    f"{outcome.target}: {outcome.count} record(s) older than {outcome.before}"
                )
