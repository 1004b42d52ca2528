"""Grants: tranches and payments never beyond the grant, reports, reminders, visits, timeline."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from edile.core.errors import ConflictError, ServiceError
from edile.grants import selectors, services
from edile.grants.models import Disbursement, Grant, PaymentRequest, ProgressReport, ReportStatus
from edile.grants.tests.factories import TODAY, make_grant, pay

pytestmark = pytest.mark.django_db


def test_tranches_cannot_exceed_grant(make_user):
    """Planned tranches never add up to more than the grant."""
    grant = make_grant()
    staff = make_user("secretariat")
    services.tranche_add(actor=staff, grant=grant, amount="60000", due_on=TODAY)
    with pytest.raises(ServiceError, match="more than the grant"):
        services.tranche_add(actor=staff, grant=grant, amount="40000.01", due_on=TODAY)


def test_nothing_paid_beyond_grant(make_user):
    """A payment that would bring the total above the grant is refused with the figures."""
    grant = make_grant()
    staff, second = make_user("secretariat"), make_user("secretariat")
    tranche = services.tranche_add(actor=staff, grant=grant, amount="60000", due_on=TODAY)
    payment = pay(grant, staff, second, tranche=tranche)
    grant.refresh_from_db()
    assert grant.disbursed == Decimal("60000.00")
    with pytest.raises(ServiceError, match="already been paid"):
        services.payment_request_create(actor=staff, grant=grant, tranche=tranche)
    with pytest.raises(ServiceError, match="already been made"):
        services.disbursement_record(
            actor=staff, grant=grant, paid_on=TODAY, payment_request=payment.payment_request
        )
    with pytest.raises(ServiceError, match="above the €100,000.00 granted"):
        services.payment_request_create(actor=staff, grant=grant, amount="40000.01")
    request = services.payment_request_create(actor=staff, grant=grant, amount="1")
    services.payment_request_approve(actor=second, payment_request=request)
    with pytest.raises(ServiceError, match="future"):
        services.disbursement_record(
            actor=staff, grant=grant, paid_on=TODAY + dt.timedelta(days=1), payment_request=request
        )


def test_suspended_grant_pays_nothing(make_user):
    """A suspended grant accepts no payment until it is active again."""
    grant = make_grant()
    staff = make_user("secretariat")
    services.grant_update(
        actor=staff, grant=grant, status="suspended", expected_version=grant.version
    )
    with pytest.raises(ServiceError, match="active grant"):
        services.payment_request_create(actor=staff, grant=grant, amount="10")


def test_focal_point_cannot_pay(make_user):
    """Only the secretariat records payments."""
    from django.core.exceptions import PermissionDenied

    grant = make_grant()
    with pytest.raises(PermissionDenied):
        services.payment_request_create(
            actor=make_user("focal_point", local_government=grant.application.local_government),
            grant=grant,
            amount="10",
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_exceed_grant(make_user):
    """Two people paying 60 000 of a 100 000 grant at the same moment: only one succeeds."""
    grant = make_grant()
    staff, second = make_user("secretariat"), make_user("secretariat")
    requests = []
    for _ in range(2):
        request = PaymentRequest.objects.create(
            grant=grant, amount=Decimal("60000"), requested_by=staff, decided_by=second
        )
        request.status = "approved"
        request.save()
        requests.append(request)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(request) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.disbursement_record(
                actor=staff,
                grant=Grant.objects.get(pk=grant.pk),
                paid_on=TODAY,
                payment_request=request,
            )
            outcomes.append("paid")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["paid", "refused"]
    grant.refresh_from_db()
    assert grant.disbursed == Decimal("60000.00")
    assert Disbursement.objects.filter(grant=grant).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_envelope(make_user):
    """Two approvals racing for the last 150 000 of an envelope: only one is recorded."""
    from edile.grants.tests.factories import bureau_meeting, make_application, make_call

    call = make_call(envelope=Decimal("150000"))
    apps = [
        make_application(call=call, status="submitted", grant_requested=Decimal("100000"))
        for _ in range(2)
    ]
    actor = make_user("secretariat")
    meeting = bureau_meeting(TODAY)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(application) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.decision_record(
                actor=actor,
                application=application,
                meeting=meeting,
                outcome="approved",
                amount="100000",
                reasons="ok",
                notify=False,
            )
            outcomes.append("approved")
        except ConflictError:  # 409 to the loser, never a 500
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert services.envelope_left(call) == Decimal("50000.00")


def test_report_submitted_with_indicator_values_and_accepted(make_user):
    """A focal point submits a report with indicator values; the secretariat accepts it."""
    grant = make_grant()
    staff = make_user("secretariat")
    focal = make_user("focal_point", local_government=grant.application.local_government)
    report = services.report_schedule(actor=staff, grant=grant, title="Interim", due_on=TODAY)
    indicator = grant.application.indicators.get()
    services.report_submit(
        actor=focal,
        report=report,
        narrative="Works started",
        spending="30000",
        beneficiaries_reached=1200,
        values={indicator.pk: "12"},
        expected_version=report.version,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.values.get().value == 12
    services.report_accept(actor=staff, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    labels = [e["label"] for e in selectors.timeline(selectors.grant_detail(grant.pk))]
    assert "Report received: Interim" in labels


def test_grant_closes_only_when_reports_accepted(make_user):
    """A grant cannot close while a report is still due."""
    grant = make_grant()
    staff = make_user("secretariat")
    services.report_schedule(actor=staff, grant=grant, title="Final", due_on=TODAY)
    with pytest.raises(ServiceError, match="every report"):
        services.grant_update(
            actor=staff, grant=grant, status="closed", expected_version=grant.version
        )


def test_reminder_command_emails_focal_points_of_late_reports_once_a_week(make_user):
    """The scheduled job e-mails focal points of late reports, and not again the next day."""
    grant = make_grant()
    focal = make_user(
        "focal_point", local_government=grant.application.local_government, preferred_language="en"
    )
    ProgressReport.objects.create(grant=grant, title="Interim", due_on=TODAY - dt.timedelta(days=3))
    ProgressReport.objects.create(grant=grant, title="Final", due_on=TODAY + dt.timedelta(days=30))
    call_command("grants_send_reminders")
    assert [m.to for m in mail.outbox] == [[focal.email]]
    assert mail.outbox[0].subject.startswith("Report overdue")
    call_command("grants_send_reminders", today=(TODAY + dt.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 1
    call_command("grants_send_reminders", today=(TODAY + dt.timedelta(days=8)).isoformat())
    assert len(mail.outbox) == 2


def test_visit_and_risk_on_timeline(make_user):
    """A monitoring visit and a risk flag appear on the project's timeline, in date order."""
    grant = make_grant()
    staff = make_user("secretariat")
    services.visit_record(
        actor=staff,
        grant=grant,
        date=TODAY - dt.timedelta(days=2),
        visitors="Mayors",
        findings_fr="Bien",
        findings_en="Good",
    )
    services.risk_flag_raise(
        actor=staff, grant=grant, level="high", description="Rainy season", raised_on=TODAY
    )
    with pytest.raises(ServiceError):
        services.visit_record(
            actor=staff,
            grant=grant,
            date=TODAY + dt.timedelta(days=2),
            visitors="x",
            findings_fr="x",
        )
    events = selectors.timeline(selectors.grant_detail(grant.pk))
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert events[-1]["label"] == "Risk flagged: Rainy season"


def test_visit_photo_and_documents_must_be_of_an_accepted_kind(make_user, settings, tmp_path):
    """A visit photo must be an image and an application document an office file or image."""
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edile.grants.tests.factories import make_application

    grant = make_grant()
    staff = make_user("secretariat")
    with pytest.raises(ServiceError, match="not accepted"):
        services.visit_record(
            actor=staff,
            grant=grant,
            date=TODAY,
            visitors="x",
            findings_fr="x",
            photo=SimpleUploadedFile("run.exe", b"MZ"),
        )
    visit = services.visit_record(
        actor=staff,
        grant=grant,
        date=TODAY,
        visitors="x",
        findings_fr="x",
        photo=SimpleUploadedFile("site.jpg", b"\xff\xd8\xff"),
    )
    assert visit.photo.name.endswith(".jpg")
    application = make_application(complete=False)
    focal = make_user("focal_point", local_government=application.local_government)
    with pytest.raises(ServiceError, match="not accepted"):
        services.document_add(
            actor=focal,
            application=application,
            title="x",
            file=SimpleUploadedFile("x.html", b"<script>"),
        )
    assert services.document_add(
        actor=focal,
        application=application,
        title="Plan",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"),
    ).pk


def test_upload_judged_by_content_not_name(make_user, settings, tmp_path):
    """An HTML page named .pdf, or a script named .jpg, is refused; the real thing passes."""
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edile.grants.tests.factories import make_application

    application = make_application(complete=False)
    focal = make_user("focal_point", local_government=application.local_government)
    for name, content in (
        ("etude.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("photo.jpg", b"<svg onload=alert(1)>"),
        ("budget.csv", b"<html><body>x</body></html>"),
    ):
        with pytest.raises(ServiceError, match="does not match its extension|not plain"):
            services.document_add(
                actor=focal,
                application=application,
                title="x",
                file=SimpleUploadedFile(name, content),
            )
    staff = make_user("secretariat")
    grant = make_grant(signed=False)
    with pytest.raises(ServiceError, match="does not match its extension .pdf"):
        services.grant_update(
            actor=staff,
            grant=grant,
            expected_version=grant.version,
            agreement_file=SimpleUploadedFile("signed.pdf", b"<html></html>"),
        )
    assert services.document_add(
        actor=focal,
        application=application,
        title="Budget",
        file=SimpleUploadedFile("budget.csv", b"poste;montant\nTravaux;100\n"),
    ).pk
