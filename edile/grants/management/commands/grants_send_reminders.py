"""Scheduled job (cron, daily): enqueue the reminders of late progress reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edile.grants.tasks import send_report_reminders


class Command(BaseCommand):
    help = "Enqueue the e-mail reminders of late progress reports (run daily by cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"]
        if isinstance(today, str):  # call_command() passes the raw string
            today = dt.date.fromisoformat(today)
        result = send_report_reminders.enqueue(today.isoformat() if today else None)
        self.stdout.write(f"Reminder job enqueued ({result.id}).")
