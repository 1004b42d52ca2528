"""`manage.py import_incidents FILE.csv`: all rows or none, every bad row reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edile.core.errors import ServiceError
from edile.observatory.services import incidents_import


class Command(BaseCommand):
    help = "Import incidents from a partner's CSV or XLSX file (see docs/observatory.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and list what would be created, saving nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            # A command is run by an operator with shell access: no user to check.
            report = incidents_import(
                actor=None,
                data=path.read_bytes(),
                filename=path.name,
                dry_run=options["dry_run"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} bad rows: nothing was imported.")
        if report.dry_run:
            for row in report.planned:
                duplicates = ", ".join(row["duplicates"]) or "-"
                self.stdout.write(
                    f"line {row['line']}: {row['date']} {row['country']}"
                    f" (possible duplicates: {duplicates})"
                )
            self.stdout.write(f"Dry run: {len(report.planned)} incidents would be imported.")
            return
        self.stdout.write(self.style.SUCCESS(f"{report.created} incidents imported."))
