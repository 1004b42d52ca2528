"""`manage.py build_exports [key…]`: rebuild the public exports built as files (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edile.core import exportfiles


class Command(BaseCommand):
    help = (
        "Rebuild the public export files (all, or the keys given): enqueued for the task "
        "worker, or built in this process with --now."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("keys", nargs="*", help="Export keys (default: every export).")
        parser.add_argument(
            "--now", action="store_true", help="Build in this process instead of enqueueing."
        )
        parser.add_argument("--list", action="store_true", help="List the export keys and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        known = exportfiles.registered()
        if options["list"]:
            for key in known:
                self.stdout.write(key)
            return
        keys = options["keys"] or known
        unknown = sorted(set(keys) - set(known))
        if unknown:
            raise CommandError(
                f"Unknown export(s): {', '.join(unknown)}. Known: {', '.join(known)}."
            )
        for key in keys:
            if options["now"]:
                rows = exportfiles.build(key)
                sizes = ", ".join(f"{row.language or '-'} {row.size} bytes" for row in rows)
                self.stdout.write(f"{key}: built ({sizes})")
            elif exportfiles.schedule(key):
                self.stdout.write(f"{key}: build enqueued")
            else:
                self.stdout.write(f"{key}: a build is already pending")
