"""Honest beneficiary counts: breakdowns by sex or age never add to the total."""

import pytest

from edile.grants import selectors, services
from edile.grants.tests.factories import make_application

pytestmark = pytest.mark.django_db


def test_overlapping_groups_counted_once(make_user):
    """ "Residents (all)" 115,000 + women 60,000 + men 55,000 used to count 230,000 people."""
    application = make_application(complete=False)
    focal = make_user("focal_point", local_government=application.local_government)
    for group, number in (("residents", 115000), ("women", 60000), ("men", 55000)):
        services.beneficiary_group_set(
            actor=focal, application=application, group=group, number=number
        )
    application.refresh_from_db()
    assert application.beneficiaries == 115000


def test_breakdown_without_total_and_distinct_groups(make_user):
    """Without a total, women + men are the people reached; a group marked as other people
    adds to the total."""
    application = make_application(complete=False)
    focal = make_user("focal_point", local_government=application.local_government)
    services.beneficiary_group_set(actor=focal, application=application, group="women", number=60)
    services.beneficiary_group_set(actor=focal, application=application, group="men", number=55)
    services.beneficiary_group_set(
        actor=focal, application=application, group="children", number=30
    )
    application.refresh_from_db()
    assert application.beneficiaries == 115
    services.beneficiary_group_set(
        actor=focal, application=application, group="entrepreneurs", number=10
    )
    services.beneficiary_group_set(
        actor=focal, application=application, group="youth", number=20, is_breakdown=False
    )
    application.refresh_from_db()
    assert application.beneficiaries == 30  # entrepreneurs 10 + young trainees 20


def test_dashboard_counts_people_once(make_user, client):
    """The programme summary adds each project's people counted once."""
    from edile.grants.models import BeneficiaryGroup
    from edile.grants.tests.factories import make_grant

    grant = make_grant()  # women 5,000 (a breakdown, no total: 5,000)
    BeneficiaryGroup.objects.create(application=grant.application, group="residents", number=8000)
    services.application_totals_refresh(grant.application)
    assert selectors.programme_summary()["beneficiaries"] == 8000


def test_group_added_from_the_page_counts(make_user):
    """A group added on the application page is counted at once (the page's application came
    with its groups prefetched, so the total was computed without the new group: a complete
    application could not be submitted, "give the expected number of beneficiaries")."""
    from django.test import Client

    application = make_application(complete=False)
    client = Client()
    client.force_login(make_user("focal_point", local_government=application.local_government))
    response = client.post(
        f"/en/grants/applications/{application.reference}/beneficiaries/add/",
        {"beneficiaries-group": "residents", "beneficiaries-number": "12000"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.beneficiaries == 12000
    page = client.get(f"/en/grants/applications/{application.reference}/").content.decode()
    assert "Give the expected number of beneficiaries." not in page
