"""Background jobs of core: e-mails are sent by the task worker, never inside a request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django_tasks import task

from edile.core.mail import message_from_data


@task()
def email_send(*, message: dict[str, Any]) -> int:
    """Send one e-mail with the real backend (`EMAIL_DELIVERY_BACKEND`). A failure raises, so
    the worker records it as failed (and the message is in its results, to send again)."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    return connection.send_messages([message_from_data(message)])


@task()
def export_file_build(*, key: str) -> None:
    """Rebuild one public export's file (`core.exportfiles`), enqueued after the writes that
    change it and by `manage.py build_exports`."""
    from edile.core import exportfiles

    exportfiles.run_pending_build(key)
