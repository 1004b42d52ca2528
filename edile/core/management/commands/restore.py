from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edile.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` (database and uploaded files) into "
        "the current database, which must be empty unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already has data."
        )

    def handle(self, *args, file: Path, force: bool, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        try:
            manifest = backup_restore(path=file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {manifest['engine']} database "
            f"and {manifest['files']} file(s)."
        )
