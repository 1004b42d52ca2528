"""Enqueue the e-mail reminders of data accesses that lapse soon (cron runs it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Remind the holders of data accesses that end within EDILE_ACCESS_REMINDER_DAYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of the worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from edile.datagov import services, tasks

        if options["now"]:
            sent = services.access_reminders_send()
            self.stdout.write(f"{sent} reminder(s) sent.")
            return
        result = tasks.send_access_reminders.enqueue()
        self.stdout.write(f"Reminders enqueued (task {result.id}).")
