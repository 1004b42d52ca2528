"""Recompute the dashboard's monthly summaries: the stale or missing months of the current
year for every city (cron, every few minutes), or every month with `--rebuild`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Recompute the sanitation dashboard's stale monthly summaries."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recompute every month.")

    def handle(self, *args: Any, **options: Any) -> None:
        from edile.members.models import LocalGovernment
        from edile.sanitation import summary
        from edile.sanitation.models import MonthlySummary

        year = timezone.localdate().year
        cities = LocalGovernment.objects.filter(sanitation_requests__isnull=False).distinct()
        total = 0
        for city in cities:
            if options["rebuild"]:
                total += summary.rebuild(city)
            else:
                for stale_year in set(
                    MonthlySummary.objects.filter(local_government=city, stale=True).values_list(
                        "year", flat=True
                    )
                ) | {year}:
                    total += summary.ensure_year(city, stale_year)
        self.stdout.write(f"{total} months recomputed.")
