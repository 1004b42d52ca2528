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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            # A command is run by an operator with shell access: no user to check.
            report = incidents_import(actor=None, data=path.read_bytes(), filename=path.name)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} bad rows: nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{report.created} incidents imported."))
