"""Background work: thin wrappers around services (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from edile.datagov import services


@task()
def apply_retention() -> list[dict[str, object]]:
    """The scheduled retention job (cron runs `manage.py apply_retention`, or enqueue this)."""
    return [
        {"target": o.target, "before": o.before.isoformat(), "count": o.count, "message": o.message}
        for o in services.retention_apply()
    ]
