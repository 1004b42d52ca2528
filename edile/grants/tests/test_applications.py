"""Applications: drafts by focal points, submission runs the call's rules and lists every failure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from edile.core.errors import ServiceError
from edile.grants import services
from edile.grants.models import ApplicationStatus, ExchangeRate
from edile.grants.tests.factories import TODAY, make_application, make_call, make_partner
from edile.members.models import Dues
from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

DRAFT = {
    "title_fr": "Eau pour tous",
    "title_en": "Water for all",
    "summary_fr": "R",
    "summary_en": "S",
    "sector": "water_sanitation",
    "start": TODAY + dt.timedelta(days=30),
    "end": TODAY + dt.timedelta(days=400),
    "grant_requested": Decimal("90000"),
}


def test_focal_point_creates_draft_for_own_city_only(make_user):
    """A focal point starts a draft for their city, never for another city."""
    lg, other = make_member(), make_member()
    user = make_user("focal_point", local_government=lg)
    call = make_call()
    application = services.application_create(
        actor=user, call=call, local_government=lg, data=DRAFT
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.dac_code == "14030"  # the sector's main DAC code
    with pytest.raises(PermissionDenied):
        services.application_create(actor=user, call=call, local_government=other, data=DRAFT)


def test_cannot_start_after_deadline(make_user):
    """Once the deadline has passed, no new application is accepted, with the date given."""
    lg = make_member()
    user = make_user("focal_point", local_government=lg)
    call = make_call(opens_on=TODAY - dt.timedelta(days=60), closes_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="deadline"):
        services.application_create(actor=user, call=call, local_government=lg, data=DRAFT)


def test_complete_application_submits(make_user):
    """A complete application meeting every rule is submitted."""
    application = make_application()
    user = make_user("focal_point", local_government=application.local_government)
    services.application_submit(
        actor=user, application=application, expected_version=application.version
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at


def test_submission_lists_every_failure_with_its_reason(make_user):
    """Submission refuses and lists each broken rule: dues, maximum, co-financing, results."""
    lg = make_member()
    Dues.objects.filter(membership__local_government=lg, year=TODAY.year - 1).update(paid_on=None)
    application = make_application(
        local_government=lg, complete=False, grant_requested=Decimal("200000")
    )
    user = make_user("focal_point", local_government=lg)
    with pytest.raises(ServiceError) as exc:
        services.application_submit(
            actor=user, application=application, expected_version=application.version
        )
    text = " | ".join(exc.value.errors)
    assert "good standing" in text
    assert "above the maximum" in text
    assert "budget has no lines" in text
    assert "expected result" in text
    assert "beneficiaries" in text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_cofinancing_share_rule():
    """A budget co-financed below the call's minimum share is refused with the shares given."""
    application = make_application()
    application.total_budget = Decimal("400000")  # 80 000 / 400 000 = 20 % < 30 %
    application.save()
    failures = services.eligibility_failures(application)
    assert any("20.0%" in f and "30.0%" in f for f in failures)


def test_one_open_application_per_city_and_call(make_user):
    """A second application from the same city to the same call is refused at submission."""
    first = make_application()
    user = make_user("focal_point", local_government=first.local_government)
    services.application_submit(actor=user, application=first, expected_version=first.version)
    second = make_application(call=first.call, local_government=first.local_government)
    with pytest.raises(ServiceError) as exc:
        services.application_submit(actor=user, application=second, expected_version=second.version)
    assert any("already has an open application" in e for e in exc.value.errors)


def test_submission_after_deadline_refused(make_user):
    """A draft cannot be submitted once the deadline has passed."""
    application = make_application()
    user = make_user("focal_point", local_government=application.local_government)
    with pytest.raises(ServiceError) as exc:
        services.application_submit(
            actor=user,
            application=application,
            expected_version=application.version,
            today=application.call.closes_on + dt.timedelta(days=1),
        )
    assert any("deadline" in e for e in exc.value.errors)


@pytest.mark.parametrize(
    "amount, message",
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("abc", "not an amount"),
        ("1e12", "too large"),
        ("10.005", "two decimals"),
        ("NaN", "not an amount"),
    ],
)
def test_bad_amounts_refused_with_message(make_user, amount, message):
    """Negative, zero, absurd or malformed amounts are refused with a message."""
    application = make_application(complete=False)
    user = make_user("focal_point", local_government=application.local_government)
    with pytest.raises(ServiceError, match=message):
        services.budget_line_add(actor=user, application=application, label="X", amount=amount)


def test_unknown_currency_and_missing_rate_refused(make_user):
    """Co-financing in an unknown currency, or without a kept rate, is refused."""
    application = make_application(complete=False)
    user = make_user("focal_point", local_government=application.local_government)
    partner = make_partner()
    with pytest.raises(ServiceError, match="Unknown currency"):
        services.cofinancing_add(
            actor=user,
            application=application,
            partner=partner,
            amount="10",
            currency="ZZZ",
            status="committed",
            date=TODAY,
        )
    with pytest.raises(ServiceError, match="No exchange rate for XOF"):
        services.cofinancing_add(
            actor=user,
            application=application,
            partner=partner,
            amount="10",
            currency="XOF",
            status="committed",
            date=TODAY,
        )


def test_cofinancing_converted_at_dated_rate(make_user):
    """Co-financing in XOF is converted with the latest rate on or before its date, in Decimal."""
    ExchangeRate.objects.create(
        currency="XOF", date=dt.date(2019, 1, 1), eur_per_unit=Decimal("0.00152449")
    )
    ExchangeRate.objects.create(
        currency="XOF", date=TODAY + dt.timedelta(days=10), eur_per_unit=Decimal("0.002")
    )
    application = make_application(complete=False)
    user = make_user("focal_point", local_government=application.local_government)
    line = services.cofinancing_add(
        actor=user,
        application=application,
        partner=make_partner(),
        amount="655957",
        currency="XOF",
        status="committed",
        date=TODAY,
    )
    assert line.amount_eur == Decimal("1000.00")
    assert line.rate_date == dt.date(2019, 1, 1)
    application.refresh_from_db()
    assert application.cofinancing_eur == Decimal("1000.00")


def test_dates_out_of_order_refused(make_user):
    """A project ending before it starts is refused."""
    lg = make_member()
    user = make_user("focal_point", local_government=lg)
    data = {**DRAFT, "end": DRAFT["start"] - dt.timedelta(days=1)}
    with pytest.raises(ServiceError, match="end before it starts"):
        services.application_create(actor=user, call=make_call(), local_government=lg, data=data)


def test_concurrent_edit_refused(make_user):
    """Two people editing the same draft: the second save is refused, not silently applied."""
    application = make_application()
    user = make_user("focal_point", local_government=application.local_government)
    version = application.version
    services.application_update(
        actor=user,
        application=application,
        data={**DRAFT, "title_fr": "A"},
        expected_version=version,
    )
    from edile.core.errors import ConflictError

    with pytest.raises(ConflictError):
        services.application_update(
            actor=user,
            application=application,
            data={**DRAFT, "title_fr": "B"},
            expected_version=version,
        )


def test_sought_cofinancing_is_planned_but_not_a_partnership(make_user):
    """Sought co-financing counts in the plan, not in partnerships (leverage)."""
    application = make_application(complete=False)
    user = make_user("focal_point", local_government=application.local_government)
    partner = make_partner()
    services.cofinancing_add(
        actor=user,
        application=application,
        partner=partner,
        amount="1000",
        currency="EUR",
        status="sought",
        date=TODAY,
    )
    services.cofinancing_add(
        actor=user,
        application=application,
        partner=partner,
        amount="500",
        currency="EUR",
        status="committed",
        date=TODAY,
    )
    application.refresh_from_db()
    assert application.cofinancing_eur == Decimal("1500.00")
    assert application.partnerships_eur == Decimal("500.00")
