"""Money under control: agreement first, conditions as data, four eyes, overdue reports,
checked report figures, reports returned for changes, no agreement in the future."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from edile.core.errors import ServiceError
from edile.grants import services
from edile.grants.models import (
    Disbursement,
    PaymentRequestStatus,
    ProgressReport,
    ReportStatus,
    TrancheStatus,
)
from edile.grants.tests.factories import TODAY, make_grant, pay

pytestmark = pytest.mark.django_db


def signed_in(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def staff(make_user):
    return make_user("secretariat")


@pytest.fixture
def second(make_user):
    return make_user("secretariat")


def test_api_refuses_payment_without_agreement(staff):
    """The API pays nothing on a grant whose agreement is not signed (it used to pay it)."""
    grant = make_grant(signed=False)
    response = signed_in(staff).post(
        f"/api/v1/grants/grants/{grant.pk}/disbursements",
        {"amount": "10", "paid_on": TODAY.isoformat(), "payment_request": 1},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "No payment before the grant agreement is signed."
    assert not Disbursement.objects.exists()
    with pytest.raises(ServiceError) as refused:
        services.payment_request_create(actor=staff, grant=grant, amount="10")
    assert refused.value.errors == ["The grant agreement has not been signed."]


def test_tranche_conditioned_on_an_accepted_report_waits_for_it(staff, second, make_user):
    """Tranche 2, conditioned on the interim report accepted, cannot be requested until the
    report is accepted; then it is requested, approved by another person and paid."""
    grant = make_grant()
    focal = make_user("focal_point", local_government=grant.application.local_government)
    report = services.report_schedule(
        actor=staff, grant=grant, title="Interim", due_on=TODAY + dt.timedelta(days=10)
    )
    tranche = services.tranche_add(
        actor=staff,
        grant=grant,
        amount="40000",
        due_on=TODAY,
        condition="Interim report accepted",
        conditions=[{"kind": "report_accepted", "report": report.pk}],
    )
    with pytest.raises(ServiceError) as refused:
        services.payment_request_create(actor=staff, grant=grant, tranche=tranche)
    assert refused.value.errors == ["The report “Interim” has not been accepted."]
    services.report_submit(
        actor=focal,
        report=report,
        narrative="Works half done",
        spending="50000",
        beneficiaries_reached=100,
        values={},
        expected_version=report.version,
    )
    services.report_accept(actor=staff, report=report)
    payment = pay(grant, staff, second, tranche=tranche)
    tranche.refresh_from_db()
    grant.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    assert grant.disbursed == Decimal("40000.00")
    request = payment.payment_request
    assert (request.requested_by, request.decided_by, request.status) == (
        staff,
        second,
        PaymentRequestStatus.PAID,
    )


def test_date_and_cofinancing_conditions(staff):
    """A date condition waits for its date; a co-financing condition for a received payment."""
    grant = make_grant()
    later = services.tranche_add(
        actor=staff,
        grant=grant,
        amount="10000",
        due_on=TODAY,
        conditions=[{"kind": "date_reached", "on": (TODAY + dt.timedelta(days=5)).isoformat()}],
    )
    cofin = services.tranche_add(
        actor=staff,
        grant=grant,
        amount="10000",
        due_on=TODAY,
        conditions=[{"kind": "cofinancing_received"}],
    )
    assert services.tranche_unmet_conditions(later)[0].startswith("This tranche may not be")
    assert services.tranche_unmet_conditions(later, today=TODAY + dt.timedelta(days=5)) == []
    assert services.tranche_unmet_conditions(cofin) == [
        "The partner's co-financing has not been received."
    ]
    with pytest.raises(ServiceError, match="Unknown condition"):
        services.tranche_add(
            actor=staff, grant=grant, amount="1", due_on=TODAY, conditions=[{"kind": "luck"}]
        )


def test_four_eyes_requester_cannot_approve(staff, second):
    """The person who requests a payment cannot approve it; nothing is paid unapproved."""
    grant = make_grant()
    request = services.payment_request_create(actor=staff, grant=grant, amount="1000")
    with pytest.raises(PermissionDenied, match="another person must approve"):
        services.payment_request_approve(actor=staff, payment_request=request)
    with pytest.raises(ServiceError, match="not been approved"):
        services.disbursement_record(
            actor=staff, grant=grant, paid_on=TODAY, payment_request=request
        )
    with pytest.raises(ServiceError, match="Request the payment"):
        services.disbursement_record(actor=staff, grant=grant, paid_on=TODAY)
    services.payment_request_refuse(actor=second, payment_request=request, comment="No invoice")
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.REFUSED


def test_four_eyes_through_the_api(staff, second):
    """Request, approve by a second person, then pay: three calls, two people on record."""
    grant = make_grant()
    services.tranche_add(actor=staff, grant=grant, amount="30000", due_on=TODAY)
    created = signed_in(staff).post(
        f"/api/v1/grants/grants/{grant.pk}/payment-requests",
        {"tranche": 1},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    same = signed_in(staff).post(f"/api/v1/grants/payment-requests/{pk}/approve")
    assert same.status_code == 403
    approved = signed_in(second).post(f"/api/v1/grants/payment-requests/{pk}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    paid = signed_in(staff).post(
        f"/api/v1/grants/grants/{grant.pk}/disbursements",
        {"payment_request": pk, "paid_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["disbursed"] == "30000.00"


def test_no_payment_while_a_report_is_overdue_unless_overridden(staff, second):
    """A final report five years overdue blocks payment; an override with a reason passes and
    is recorded."""
    grant = make_grant()
    ProgressReport.objects.create(
        grant=grant, title="Final", due_on=TODAY - dt.timedelta(days=5 * 365)
    )
    with pytest.raises(ServiceError, match="“Final” was due on"):
        services.payment_request_create(actor=staff, grant=grant, amount="1000")
    payment = pay(
        grant, staff, second, amount="1000", overdue_override="Report delayed by flooding"
    )
    assert payment.payment_request.overdue_override == "Report delayed by flooding"


def test_agreement_dated_in_the_future_refused(staff):
    """An agreement cannot be recorded as signed tomorrow."""
    grant = make_grant(signed=False)
    with pytest.raises(ServiceError, match="in the future"):
        services.grant_update(
            actor=staff,
            grant=grant,
            expected_version=grant.version,
            agreement_signed_on=TODAY + dt.timedelta(days=1),
        )


def _submit(report, focal, spending, reached=None):
    return services.report_submit(
        actor=focal,
        report=report,
        narrative="Done",
        spending=spending,
        beneficiaries_reached=reached,
        values={},
        expected_version=report.version,
    )


def test_reported_spending_checked_against_the_budget(staff, make_user):
    """€9,000,000 of spending on a €150,000 grant is refused; spending above the total budget
    is kept with a warning."""
    grant = make_grant(amount=Decimal("150000"))  # the project's total budget is 200 000
    focal = make_user("focal_point", local_government=grant.application.local_government)
    report = services.report_schedule(actor=staff, grant=grant, title="Final", due_on=TODAY)
    with pytest.raises(ServiceError, match="cannot be right"):
        _submit(report, focal, "9000000")
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    saved = _submit(report, focal, "210000")
    assert saved.status == ReportStatus.SUBMITTED
    assert saved.warnings == [
        "Spending (€210,000.00) is above the project's total budget (€200,000.00): "
        "explain the overrun in the narrative."
    ]


def test_beneficiaries_checked(staff, make_user):
    """More beneficiaries than the city's population is refused; more than expected warned."""
    grant = make_grant()
    city = grant.application.local_government
    city.population = 10000
    city.save()
    focal = make_user("focal_point", local_government=city)
    report = services.report_schedule(actor=staff, grant=grant, title="Final", due_on=TODAY)
    with pytest.raises(ServiceError, match="more than the city's population"):
        _submit(report, focal, "1000", reached=20000)
    saved = _submit(report, focal, "1000", reached=6000)
    assert saved.warnings == [
        "6,000 beneficiaries reached is more than the 5,000 expected: say why in the narrative."
    ]


def test_report_returned_for_changes_then_resubmitted(staff, make_user):
    """Staff return a report with comments (not only accept it); the city resubmits it."""
    grant = make_grant()
    focal = make_user("focal_point", local_government=grant.application.local_government)
    report = services.report_schedule(actor=staff, grant=grant, title="Interim", due_on=TODAY)
    _submit(report, focal, "1000")
    with pytest.raises(ServiceError, match="Say what the city should change"):
        services.report_return(actor=staff, report=report, comment=" ")
    response = signed_in(staff).post(
        f"/en/grants/reports/{report.pk}/return/", {"comment": "Add the invoices"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.staff_comment) == (ReportStatus.RETURNED, "Add the invoices")
    page = signed_in(focal).get(f"/en/grants/reports/{report.pk}/")
    assert page.status_code == 200 and "Add the invoices" in page.content.decode()
    report = _submit(report, focal, "1200")
    assert report.status == ReportStatus.SUBMITTED


def test_second_person_sees_approve_in_french(staff, second):
    """The French grant page asks the second person to « Approuver » a payment request (the
    msgid "Approve" is shared with governance, whose catalogue reads "Valider" for minutes,
    and the button read "Valider"); the requester sees no button."""
    from django.test import Client

    grant = make_grant()
    tranche = services.tranche_add(
        actor=staff, grant=grant, amount="1000", due_on=TODAY, condition="", conditions=[]
    )
    services.payment_request_create(actor=staff, grant=grant, tranche=tranche)
    client = Client()
    client.force_login(second)
    page = client.get(f"/fr/grants/grants/{grant.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="yes" class="button">Approuver</button>' in content
    assert 'value="no" class="button button-secondary">Refuser</button>' in content
    client.force_login(staff)
    assert "Approuver</button>" not in client.get(f"/fr/grants/grants/{grant.pk}/").content.decode()
