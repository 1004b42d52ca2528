"""Background work: thin wrappers around services (django-tasks)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from edile.datagov import services

logger = logging.getLogger(__name__)


@task()
def apply_retention(today: str | None = None) -> list[dict[str, object]]:
    """The scheduled retention job (cron runs `manage.py apply_retention`, which enqueues this)."""
    import datetime as dt

    day = dt.date.fromisoformat(today) if today else None
    return [
        {"target": o.target, "before": o.before.isoformat(), "count": o.count, "message": o.message}
        for o in services.retention_apply(today=day)
    ]


@task()
def run_harvest(run_id: int) -> dict[str, object]:
    """Run one queued harvest run and return its report."""
    from edile.datagov.harvest import harvest_source_run
    from edile.datagov.models import HarvestRun, HarvestRunStatus

    run = HarvestRun.objects.select_related("source__publisher").get(pk=run_id)
    try:
        run = harvest_source_run(run=run)
    except Exception as exc:  # a worker must record why, never leave the run "running"
        logger.exception("harvest run %s failed", run_id)
        HarvestRun.objects.filter(pk=run_id).update(
            status=HarvestRunStatus.FAILED,
            error=str(exc)[:500],
            finished_at=timezone.now(),
        )
        return {"error": str(exc)[:500]}
    return run.report()


@task()
def send_access_reminders() -> int:
    """The daily reminder of accesses that lapse soon (`manage.py remind_expiring_accesses`)."""
    return services.access_reminders_send()
