"""Compile every .po catalogue to .mo with Babel, so that set-up needs no gettext tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in sorted(Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
