from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from edile.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key (the first of "
        "FIELD_ENCRYPTION_KEYS). Run after adding a new key in front; then the old keys can "
        "be removed."
    )

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not fields:
                continue
            count = 0
            with transaction.atomic():
                for row in model._default_manager.only("pk", *fields).iterator(chunk_size=500):
                    values = {name: getattr(row, name) for name in fields}
                    # An UPDATE: no new version, no history row, only new ciphertext.
                    model._default_manager.filter(pk=row.pk).update(**values)
                    count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} row(s) re-encrypted with the newest key."))
