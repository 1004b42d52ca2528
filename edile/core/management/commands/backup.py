from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edile.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent, encrypted backup (database and uploaded files) to FILE, "
        "encrypted with BACKUP_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = backup_create(path=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {file}: {manifest['engine']} database and "
            f"{manifest['files']} file(s)."
        )
