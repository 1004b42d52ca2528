"""Apply the platform's retention periods to its own personal data (run daily by cron): the
command enqueues the task; the worker runs it (the immediate backend runs it at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


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
        from django_tasks.base import TaskResultStatus

        from edile.datagov.tasks import apply_retention

        today = options["today"]
        result = apply_retention.enqueue(today.isoformat() if today else None)
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"apply_retention queued as task {result.id} ({result.status}).")
            return
        for outcome in result.return_value:
            if outcome["count"] is None:
                self.stdout.write(f"{outcome['target']}: skipped ({outcome['message']})")
            else:
                self.stdout.write(
                    f"{outcome['target']}: {outcome['count']} record(s) older than "
                    f"{outcome['before']}"
                )
