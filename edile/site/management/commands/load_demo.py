"""Load the demo: the association as of the Phnom Penh congress, December 2019."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from edile.core import exportfiles, summaries
from edile.site.figures import domain_submodules


class Command(BaseCommand):
    help = "Load the Phnom Penh 2019 demo data. Running it twice changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo (with its known passwords) even though DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.TESTING or options["allow_production"]):
            raise CommandError(
                "DEBUG is off: the demo creates accounts with published passwords. "
                "Use --allow-production if you really mean it."
            )
        # Public export files are built once, after every app's data, not once per row, and
        # every summary refreshed once at the end.
        with exportfiles.deferred(*exportfiles.registered()), summaries.deferred():
            for _app, module in domain_submodules("demo"):
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
