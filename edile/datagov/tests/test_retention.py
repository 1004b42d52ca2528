"""The platform applies its retention periods to its own personal data."""

from __future__ import annotations

import datetime as dt
import io
import logging

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


def test_other_apps_targets_are_dispatched(db, monkeypatch):
    """The governance and observatory targets call those apps' functions with the cut-off date."""
    calls = {}

    def fake(name):
        def _f(*, before):
            calls[name] = before
            return 3

        return _f

    monkeypatch.setattr(
        services,
        "_resolve",
        lambda path: fake(path),
    )
    outcomes = {o.target: o.count for o in services.retention_apply(today=dt.date(2026, 11, 28))}
    assert outcomes[RetentionTarget.CONGRESS_REGISTRATIONS] == 3
    assert calls[services.EXTERNAL_TARGETS[RetentionTarget.CONGRESS_REGISTRATIONS]] == dt.date(
        2024, 11, 28
    )
    assert calls[services.EXTERNAL_TARGETS[RetentionTarget.ANONYMOUS_REPORTS]] == dt.date(
        2025, 11, 28
    )


def test_missing_function_is_skipped_with_a_warning(db, monkeypatch, caplog):
    """A target whose app has not built its function yet is skipped and logged, not a crash."""
    monkeypatch.setitem(
        services.EXTERNAL_TARGETS,
        RetentionTarget.ANONYMOUS_REPORTS,
        "edile.nowhere.services.nothing",
    )
    with caplog.at_level(logging.WARNING):
        outcomes = {o.target: o for o in services.retention_apply()}
    assert outcomes[RetentionTarget.ANONYMOUS_REPORTS].count is None
    assert "edile.nowhere.services.nothing" in caplog.text


def test_management_command_and_task_run_the_job(logs):
    """`manage.py apply_retention` and the background task both apply the policies."""
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
