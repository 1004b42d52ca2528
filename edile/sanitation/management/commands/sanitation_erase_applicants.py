"""Daily (cron): erase the applicants' contacts of requests closed more than two years ago."""

from typing import Any

from django.core.management.base import BaseCommand

from edile.sanitation.services import applicant_data_erase_expired


class Command(BaseCommand):
    help = "Erase applicants' names and phones of requests closed or cancelled two years ago."

    def handle(self, *args: Any, **options: Any) -> None:
        count = applicant_data_erase_expired()
        self.stdout.write(f"{count} requests' applicant contacts erased.")
