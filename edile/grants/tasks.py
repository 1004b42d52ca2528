"""Background work of the grants module: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def send_report_reminders(today_iso: str | None = None) -> int:
    """Remind focal points of late reports; returns the number of reminders sent."""
    import datetime as dt

    from edile.grants.services import reports_remind

    today = dt.date.fromisoformat(today_iso) if today_iso else None
    return reports_remind(today=today)


@task()
def send_decision_notice(decision_id: int) -> int:
    from edile.grants.services import decision_notify

    return decision_notify(decision_id=decision_id)
