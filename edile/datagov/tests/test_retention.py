"""The platform applies its retention periods to its own personal data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from edile.datagov import services
from edile.datagov.models import (
    AccessRequest,
    AccessRequestStatus,
    DownloadLog,
    RetentionAction,
    RetentionPolicy,
    RetentionTarget,
)
from edile.datagov.tests.factories import AccessRequestFactory, DatasetFactory


@pytest.fixture
def logs(db, make_user):
    ds = DatasetFactory()
    user = make_user("delegate")
    old = DownloadLog.objects.create(dataset=ds, user=user)
    DownloadLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=400))
    recent = DownloadLog.objects.create(dataset=ds, user=user)
    return old, recent


def _only(target: str) -> None:
    RetentionPolicy.objects.exclude(target=target).update(is_active=False)


def test_expired_download_logs_are_deleted(logs):
    """Logs older than the period are deleted; recent ones stay."""
    _only(RetentionTarget.DOWNLOAD_LOGS)
    old, recent = logs
    outcomes = services.retention_apply()
    assert [o.count for o in outcomes] == [1]
    assert list(DownloadLog.objects.all()) == [recent]
    assert RetentionPolicy.objects.get(target=RetentionTarget.DOWNLOAD_LOGS).last_run_count == 1


def test_expired_download_logs_can_be_anonymised_instead(logs):
    """With the anonymise action, the log stays without the person."""
    _only(RetentionTarget.DOWNLOAD_LOGS)
    RetentionPolicy.objects.filter(target=RetentionTarget.DOWNLOAD_LOGS).update(
        action=RetentionAction.ANONYMISE
    )
    old, recent = logs
    services.retention_apply()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.user is None and old.anonymised
    assert recent.user is not None


def test_closed_access_requests_are_anonymised_with_their_history(db, make_user):
    """Old refused requests lose requester and purpose, in the table and in its history."""
    _only(RetentionTarget.ACCESS_REQUESTS)
    old = AccessRequestFactory(
        requester=make_user("delegate"), status=AccessRequestStatus.REFUSED, refusal_reason="x"
    )
    pending = AccessRequestFactory(requester=make_user("delegate"))
    AccessRequest.objects.filter(pk__in=[old.pk, pending.pk]).update(
        updated_at=timezone.now() - dt.timedelta(days=2000)
    )
    services.retention_apply()
    old.refresh_from_db()
    assert old.requester is None and old.purpose == "—"
    assert not AccessRequest.history.filter(id=old.pk).exclude(purpose="—").exists()
    pending.refresh_from_db()
    assert pending.requester is not None  # pending requests are never purged


def test_other_apps_targets_are_dispatched_through_the_registry(db, monkeypatch):
    """The governance and observatory targets call the handlers those apps registered in
    their AppConfig.ready, with the cut-off date (no dotted paths any more)."""
    from edile.core import retention

    calls = {}

    def fake(target):
        def _f(*, before):
            calls[target] = before
            return 3

        return retention.RetentionHandler(target, _f)

    handlers = {t: fake(t) for t in retention.registered_targets()}
    monkeypatch.setattr(retention, "handler_for", lambda target: handlers.get(target))
    outcomes = {o.target: o.count for o in services.retention_apply(today=dt.date(2026, 11, 28))}
    assert outcomes[RetentionTarget.CONGRESS_REGISTRATIONS] == 3
    assert calls[RetentionTarget.CONGRESS_REGISTRATIONS] == dt.date(2024, 11, 28)
    assert calls[RetentionTarget.ANONYMOUS_REPORTS] == dt.date(2025, 11, 28)


def test_every_target_has_a_registered_handler():
    """Each app registered its handlers: the governance and observatory functions are the
    real ones, and the system check finds nothing missing."""
    from edile.core import retention
    from edile.datagov.checks import retention_targets_have_handlers
    from edile.governance.services import registration_anonymise_expired
    from edile.observatory.services import anonymous_report_purge_expired

    assert retention.registered_targets() == set(RetentionTarget.values)
    assert (
        retention.handler_for(RetentionTarget.CONGRESS_REGISTRATIONS).function
        is registration_anonymise_expired
    )
    assert (
        retention.handler_for(RetentionTarget.ANONYMOUS_REPORTS).function
        is anonymous_report_purge_expired
    )
    assert retention_targets_have_handlers() == []


def test_a_target_without_handler_fails_the_system_check(monkeypatch):
    """A target in the register with no handler is a start-up error (datagov.E001), not a
    purge silently skipped."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from edile.core import retention

    monkeypatch.setattr(
        retention,
        "registered_targets",
        lambda: set(RetentionTarget.values) - {RetentionTarget.ANONYMOUS_REPORTS},
    )
    with pytest.raises(SystemCheckError, match="datagov.E001"):
        call_command("check")


def test_registering_a_second_handler_for_a_target_is_refused():
    """Two apps cannot both claim a target."""
    from django.core.exceptions import ImproperlyConfigured

    from edile.core import retention

    with pytest.raises(ImproperlyConfigured, match="already has a handler"):
        retention.register(RetentionTarget.DOWNLOAD_LOGS, lambda *, before: 0)


def test_management_command_enqueues_the_task(logs):
    """`manage.py apply_retention` enqueues the task (the immediate backend runs it here)."""
    _only(RetentionTarget.DOWNLOAD_LOGS)
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "datagov.download_logs: 1" in out.getvalue()
    from edile.datagov.tasks import apply_retention

    result = apply_retention.enqueue()
    assert result.return_value[0]["count"] == 0


def test_the_real_functions_of_the_other_apps_run(db):
    """With the governance and observatory functions in place, every target runs (none skipped)."""
    outcomes = {o.target: o.count for o in services.retention_apply()}
    assert all(isinstance(count, int) for count in outcomes.values()), outcomes
