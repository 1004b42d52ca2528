"""Queue the harvest of every source that is due (cron runs it hourly), or of one source."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edile.core.errors import ServiceError


class Command(BaseCommand):
    help = "Queue a harvest run for each source whose schedule is due (or --source ID)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, default=None, help="Run this source now.")

    def handle(self, *args: Any, **options: Any) -> None:
        from edile.datagov.harvest import harvest_run_start, harvest_sources_due
        from edile.datagov.models import HarvestSource

        if options["source"] is not None:
            source = HarvestSource.objects.filter(pk=options["source"]).first()
            if source is None:
                raise CommandError(f"No harvest source {options['source']}.")
            sources = [source]
        else:
            sources = harvest_sources_due()
        for source in sources:
            try:
                run = harvest_run_start(user=None, source=source)
            except ServiceError as exc:
                self.stdout.write(f"{source.pk} {source.name}: skipped ({exc.message})")
                continue
            self.stdout.write(
                f"{source.pk} {source.name}: run {run.pk} {run.status} "
                f"(created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
                f"withdrawn {run.withdrawn}, refused {len(run.refused)})"
            )
