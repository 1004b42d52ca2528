"""Scheduled (regular) emptying, the SFD matrix editor, the containment and property pages,
and the dashboard's monthly summary and set-based reconciliation (issue 14, known gaps)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edile.sanitation import selectors, services
from edile.sanitation.models import (
    CitySettings,
    Containment,
    DesludgingRequest,
    MonthlySummary,
    Property,
    ReconciliationFlag,
    SfdGridCell,
    SfdStudy,
    SfdSystemRow,
    SfdVariable,
    TariffRule,
)
from edile.sanitation.tests.factories import make_city, make_containment

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def city():
    c = make_city()
    TariffRule.objects.create(local_government=c.lg, name="Free", amount_per_trip=0)
    return c


@pytest.fixture
def other():
    return make_city("Battambang")


def _empty(city, containment, volume, received=None):
    request = services.request_create(actor=city.officer, containment=containment, channel="web")
    request = services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    request = services.request_transition(
        actor=city.crew,
        request=request,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )
    emptying = services.emptying_record(
        actor=city.crew,
        request=request,
        volume_l=volume,
        ppe={"gloves": True, "boots": True, "mask": True, "overalls": True},
    )
    if received is not None:
        trip = services.trip_create(
            actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(emptying, volume)]
        )
        services.reception_record(
            actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=received
        )
    return emptying


# --- scheduled emptying -----------------------------------------------------------------------


def test_a_containments_own_interval_sets_its_next_emptying(city):
    city.containment.emptying_interval_months = 6
    city.containment.save()
    emptying = _empty(city, city.containment, 2000)
    city.containment.refresh_from_db()
    on = emptying.emptied_on
    # Six months later (the city's interval would be three years).
    assert (city.containment.next_emptying_due - on).days in range(181, 185)


def test_the_officer_sees_the_containments_due_by_priority(city, other):
    today = timezone.localdate()
    long_overdue = make_containment(city.lg, city.zone, 2)
    overdue = make_containment(city.lg, city.zone, 3)
    soon = make_containment(city.lg, city.zone, 4)
    later = make_containment(city.lg, city.zone, 5)
    busy = make_containment(city.lg, city.zone, 6)
    for c, days in (
        (long_overdue, -400),
        (overdue, -10),
        (soon, 10),
        (later, 200),
        (busy, -30),
    ):
        Containment.objects.filter(pk=c.pk).update(next_emptying_due=today + dt.timedelta(days))
    services.request_create(actor=city.officer, containment=busy, channel="phone")
    url = reverse("sanitation:schedule", args=[city.lg.slug])
    response = _client(city.officer).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(">C2<") < body.index(">C3<") < body.index(">C4<")
    assert ">C5<" not in body  # beyond the 30 days' horizon
    assert ">C6<" not in body  # it has an open request
    assert "Overdue by more than a year" in body
    assert _client(other.officer).get(url).status_code == 403
    assert _client(city.crew).get(url).status_code == 403


def test_the_officer_creates_the_scheduled_requests_in_one_step(city):
    CitySettings.objects.update_or_create(
        local_government=city.lg, defaults={"daily_trip_capacity": 2, "non_working_weekdays": "6"}
    )
    due = [make_containment(city.lg, city.zone, n) for n in range(2, 5)]
    Containment.objects.filter(pk__in=[c.pk for c in due]).update(
        next_emptying_due=timezone.localdate() - dt.timedelta(days=5)
    )
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    url = reverse("sanitation:schedule", args=[city.lg.slug])
    response = _client(city.officer).post(
        url, {"containments": [c.pk for c in due], "start": saturday.isoformat()}
    )
    assert response.status_code == 302
    created = DesludgingRequest.objects.filter(channel="schedule").order_by("scheduled_for", "pk")
    assert created.count() == 3
    # Two on Saturday (the daily capacity), none on Sunday, the third on Monday.
    assert [r.scheduled_for for r in created] == [
        saturday,
        saturday,
        saturday + dt.timedelta(days=2),
    ]
    listed = _client(city.officer).get(url).content.decode()
    assert ">C2<" not in listed  # now it has an open request


def test_scheduling_is_all_or_nothing_and_names_the_bad_containment(city, other):
    due = make_containment(city.lg, city.zone, 2)
    not_due = make_containment(city.lg, city.zone, 3)
    Containment.objects.filter(pk=due.pk).update(
        next_emptying_due=timezone.localdate() - dt.timedelta(days=5)
    )
    url = reverse("sanitation:schedule", args=[city.lg.slug])
    response = _client(city.officer).post(
        url, {"containments": [due.pk, not_due.pk, other.containment.pk]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "C3 is not due for emptying or already has an open request." in body
    assert f"Containment {other.containment.pk} is not one of this city&#x27;s." in body
    assert not DesludgingRequest.objects.exists()
    empty = _client(city.officer).post(url, {})
    assert empty.status_code == 400
    assert "Choose at least one containment to schedule." in empty.content.decode()
    past = _client(city.officer).post(url, {"containments": [due.pk], "start": "2001-01-01"})
    assert past.status_code == 400
    assert "The first day cannot be in the past." in past.content.decode()


# --- the SFD matrix editor --------------------------------------------------------------------


def _study(city):
    study = SfdStudy.objects.create(
        local_government=city.lg, year=2019, title="Estimate", status="draft"
    )
    row = SfdSystemRow.objects.create(
        study=study, cell=SfdGridCell.objects.get(code="T1A5C10"), population_share=Decimal(100)
    )
    for name, value in (("f3", 50), ("f4", 60), ("f5", 50)):
        SfdVariable.objects.create(row=row, name=name, value=Decimal(value))
    return study


def _matrix(study, *rows):
    data = {"version": study.version, "rows": len(rows)}
    for i, row in enumerate(rows):
        data[f"rows-{i}-code"] = row["code"]
        data[f"rows-{i}-population"] = row["population"]
        data[f"rows-{i}-description"] = row.get("description", "")
        for name in ("f3", "f4", "f5", "w4", "w5"):
            if name in row:
                data[f"rows-{i}-{name}-value"] = row[name]
                data[f"rows-{i}-{name}-source"] = "survey"
                data[f"rows-{i}-{name}-assumption"] = f"{name} from the 2019 survey"
    return data


def test_the_officer_edits_the_matrix_and_the_diagram_follows(city):
    study = _study(city)
    url = reverse("sanitation:study_matrix", args=[study.pk])
    officer = _client(city.officer)
    page = officer.get(url)
    assert page.status_code == 200
    assert 'value="T1A5C10"' in page.content.decode()
    response = officer.post(
        url,
        _matrix(
            study,
            {"code": "T1A5C10", "population": "40", "f3": "50", "f4": "60", "f5": "50"},
            {"code": "t1a1c2", "population": "60", "w4": "80", "w5": "50", "description": "Sewer"},
        ),
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.version == 2
    rows = list(study.rows.select_related("cell").order_by("position"))
    assert [(r.cell.code, r.population_share) for r in rows] == [
        ("T1A5C10", Decimal(40)),
        ("T1A1C2", Decimal(60)),
    ]
    w4 = SfdVariable.objects.get(row=rows[1], name="w4")
    assert (w4.value, w4.source, w4.assumption) == (
        Decimal(80),
        "survey",
        "w4 from the 2019 survey",
    )
    # The example: 50 % safely managed; the page shows it.
    assert selectors.study_result(study)["safely_managed"] == 50.0
    detail = officer.get(reverse("sanitation:study_detail", args=[study.pk])).content.decode()
    assert "Safely managed: 50 % of the population" in detail
    assert rows[0].history.count() >= 2  # the change is kept


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"code": "T1A5C10", "population": "90", "f3": "50", "f4": "60", "f5": "50"}],
            "The population shares add up to 90, not 100.",
        ),
        (
            [{"code": "T1A5C10", "population": "99.8", "f3": "50", "f4": "60", "f5": "50"}],
            "The population shares add up to 99.8, not 100.",
        ),
        (
            [
                {
                    "code": "T1A5C10",
                    "population": "100",
                    "f3": "50",
                    "f4": "60",
                    "f5": "50",
                    "w4": "3",
                }
            ],
            "Row 1 (T1A5C10): W4 does not apply to this system.",
        ),
        (
            [{"code": "T1A5C10", "population": "100", "f3": "150", "f4": "60", "f5": "50"}],
            "Row 1 (T1A5C10): F3 must be between 0 and 100.",
        ),
        (
            [{"code": "T9Z1", "population": "100"}],
            "Row 1 (T9Z1): “T9Z1” is not an SFD grid code (e.g. T1A5C10).",
        ),
    ],
)
def test_a_bad_matrix_is_refused_with_its_row_named(city, rows, message):
    study = _study(city)
    response = _client(city.officer).post(
        reverse("sanitation:study_matrix", args=[study.pk]), _matrix(study, *rows)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    study.refresh_from_db()
    assert study.version == 1
    assert study.rows.get().population_share == Decimal(100)


def test_two_editors_the_later_one_is_refused(city):
    study = _study(city)
    url = reverse("sanitation:study_matrix", args=[study.pk])
    rows = {"code": "T1A5C10", "population": "100", "f3": "40", "f4": "60", "f5": "50"}
    stale = _matrix(study, rows)
    assert _client(city.officer).post(url, stale).status_code == 302
    again = _client(city.officer).post(url, {**stale, "rows-0-f3-value": "10"})
    assert again.status_code == 409
    assert SfdVariable.objects.get(name="f3").value == Decimal(40)


def test_only_the_citys_officers_edit_the_matrix(city, other):
    study = _study(city)
    url = reverse("sanitation:study_matrix", args=[study.pk])
    assert _client(other.officer).get(url).status_code in (403, 404)
    assert _client(city.crew).get(url).status_code in (403, 404)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302


# --- containment and property pages -----------------------------------------------------------


def test_containment_list_filters_and_detail(city, other):
    today = timezone.localdate()
    poor = make_containment(city.lg, city.poor_zone, 2)
    Containment.objects.filter(pk=poor.pk).update(next_emptying_due=today - dt.timedelta(days=3))
    officer = _client(city.officer)
    url = reverse("sanitation:registry_list", args=[city.lg.slug, "containments"])
    everything = officer.get(url).content.decode()
    assert ">C1<" in everything and ">C2<" in everything
    in_zone = officer.get(url, {"zone": city.poor_zone.pk}).content.decode()
    assert ">C2<" in in_zone and ">C1<" not in in_zone
    overdue = officer.get(url, {"status": "overdue"}).content.decode()
    assert ">C2<" in overdue and ">C1<" not in overdue
    searched = officer.get(url, {"q": "c1"}).content.decode()
    assert ">C1<" in searched and ">C2<" not in searched
    detail = reverse("sanitation:containment_detail", args=[city.lg.slug, poor.pk])
    page = officer.get(detail)
    assert page.status_code == 200
    assert "2 Street of the Pagoda (Chreav, low-income)" in page.content.decode()
    assert _client(other.officer).get(detail).status_code == 403
    foreign = reverse("sanitation:containment_detail", args=[city.lg.slug, other.containment.pk])
    assert officer.get(foreign).status_code == 404
    assert _client(city.crew).get(url).status_code == 403


def test_the_officer_adds_a_containment_with_its_interval(city, other):
    url = reverse("sanitation:registry_new", args=[city.lg.slug, "containments"])
    data = {
        "reference": "C-NEW",
        "properties": [city.prop.pk],
        "local_type": "septic tank with soak pit",
        "sfd_containment": "A2",
        "sfd_outlet": "C5",
        "volume_l": "2500",
        "last_emptied_on": "2026-01-15",
        "emptying_interval_months": "18",
    }
    response = _client(city.officer).post(url, data)
    assert response.status_code == 302
    created = Containment.objects.get(reference="C-NEW")
    assert created.next_emptying_due == dt.date(2027, 7, 15)
    assert list(created.properties.all()) == [city.prop]
    foreign = _client(city.officer).post(
        url, {**data, "reference": "C-X", "properties": [other.prop.pk]}
    )
    assert foreign.status_code == 400
    assert not Containment.objects.filter(reference="C-X").exists()
    bad = _client(city.officer).post(url, {**data, "reference": "C-Y", "sfd_outlet": "C42"})
    assert bad.status_code == 400
    negative = _client(city.officer).post(url, {**data, "reference": "C-Z", "volume_l": "-5"})
    assert negative.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in negative.content.decode()


def test_the_officer_adds_a_property_and_its_export_has_no_owner(city, other):
    url = reverse("sanitation:registry_new", args=[city.lg.slug, "properties"])
    data = {
        "reference": "P-NEW",
        "address": "12 Road of the Market",
        "zone": city.poor_zone.pk,
        "property_type": "residential",
        "households": "2",
        "residents": "9",
        "daily_users": "0",
        "is_low_income": "on",
        "owner_name": "Chan Sophea",
        "owner_phone": "+855 11 222 333",
    }
    assert _client(city.officer).post(url, data).status_code == 302
    assert Property.objects.get(reference="P-NEW").zone == city.poor_zone
    foreign_zone = _client(city.officer).post(
        url, {**data, "reference": "P-X", "zone": other.zone.pk}
    )
    assert foreign_zone.status_code == 400
    listed = _client(city.officer).get(
        reverse("sanitation:registry_list", args=[city.lg.slug, "properties"]),
        {"low_income": "yes"},
    )
    assert "P-NEW" in listed.content.decode() and ">P1<" not in listed.content.decode()
    export = _client(city.officer).get(
        reverse("sanitation:registry_export", args=[city.lg.slug, "properties", "csv"])
    )
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    assert "P-NEW" in body
    assert "Chan Sophea" not in body and "222 333" not in body


# --- the dashboard's monthly summary and the reconciliation ----------------------------------


def test_the_dashboard_reads_the_summary_not_the_records(city):
    url = reverse("sanitation:dashboard", args=[city.lg.slug])
    url += f"?year={timezone.localdate().year}"
    officer = _client(city.officer)
    _empty(city, city.containment, 2000, received=2000)
    officer.get(url)
    assert MonthlySummary.objects.filter(local_government=city.lg, zone__isnull=True).exists()
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(url).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "sanitation_emptyingevent" not in tables
    assert "sanitation_desludgingrequest" not in tables
    assert "sanitation_plantreception" not in tables


def test_a_new_reception_updates_the_dashboard(city):
    year = timezone.localdate().year
    first = _empty(city, city.containment, 2000)
    assert selectors.dashboard(city.lg, year=year)["received_l"] == 0
    trip = services.trip_create(
        actor=city.crew, vehicle=city.vehicle, site=city.site, loads=[(first, 2000)]
    )
    services.reception_record(
        actor=city.plant, site=city.site, trip=trip, plate_seen="", received_volume_l=1500
    )
    data = selectors.dashboard(city.lg, year=year)
    assert (data["received_l"], data["safe_desludging"]) == (1500, 1.0)
    _empty(city, make_containment(city.lg, city.poor_zone, 2), 1000)
    data = selectors.dashboard(city.lg, year=year)
    assert (data["emptyings"], data["emptied_l"], data["inclusion"]) == (2, 3000, 0.5)


def test_the_refresh_task_recomputes_stale_months(city):
    from django.core.management import call_command

    year = timezone.localdate().year
    _empty(city, city.containment, 2000)
    selectors.dashboard(city.lg, year=year)
    month = MonthlySummary.objects.get(local_government=city.lg, zone__isnull=True, emptyings=1)
    MonthlySummary.objects.filter(pk=month.pk).update(emptyings=99, stale=True)
    call_command("sanitation_refresh_summaries")
    assert (
        MonthlySummary.objects.get(
            local_government=city.lg, zone__isnull=True, year=month.year, month=month.month
        ).emptyings
        == 1
    )


def test_reconciliation_is_set_based(city):
    """A second run with nothing new takes the same few queries whatever the flags, and a
    flag whose record is corrected is resolved."""
    for n in range(6):
        _empty(city, make_containment(city.lg, city.zone, 10 + n), 1000, received=500)
    first = services.reconciliation_run(local_government=city.lg)
    assert first["new"] == 6
    with CaptureQueriesContext(connection) as queries:
        again = services.reconciliation_run(local_government=city.lg)
    assert again == {"detected": 6, "new": 0, "resolved": 0}
    assert len(queries.captured_queries) <= 20
    assert not any(
        'SELECT "sanitation_reconciliationflag"."key"' in q["sql"] for q in queries.captured_queries
    )
    flag = ReconciliationFlag.objects.filter(rule="volume_mismatch").first()
    flag.reception.received_volume_l = 1000
    flag.reception.save()
    third = services.reconciliation_run(local_government=city.lg)
    assert third["resolved"] == 1
    flag.refresh_from_db()
    assert flag.resolution_note == "No longer detected by the rule."


def test_the_officer_sees_overdue_containments_on_a_map_the_public_does_not(city):
    Property.objects.filter(pk=city.prop.pk).update(latitude="13.3633", longitude="103.8564")
    Containment.objects.filter(pk=city.containment.pk).update(
        next_emptying_due=timezone.localdate() - dt.timedelta(days=40)
    )
    url = reverse("sanitation:dashboard", args=[city.lg.slug])
    page = _client(city.officer).get(url).content.decode()
    assert 'id="overdue-map"' in page
    assert "C1</a> — 1 Street of the Pagoda" in page
    CitySettings.objects.update_or_create(
        local_government=city.lg, defaults={"figures_public": True}
    )
    public = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert public.status_code == 200
    assert "overdue-map" not in public.content.decode()
    assert "Street of the Pagoda" not in public.content.decode()


def test_the_due_list_exports_without_personal_data(city, other):
    Containment.objects.filter(pk=city.containment.pk).update(
        next_emptying_due=timezone.localdate() - dt.timedelta(days=3)
    )
    url = reverse("sanitation:schedule_export", args=[city.lg.slug, "csv"])
    response = _client(city.officer).get(url)
    assert response.status_code == 200
    body = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode()
    assert "C1" in body and "Overdue" in body
    assert "Sok Dara" not in body and "345 678" not in body
    assert _client(city.officer).get(url.replace(".csv", ".pdf")).status_code == 400
    assert _client(other.officer).get(url).status_code == 403


def test_after_bulk_writes_the_rebuild_repairs_the_summary(city):
    from django.core.management import call_command

    from edile.sanitation.models import EmptyingEvent

    year = timezone.localdate().year
    emptying = _empty(city, city.containment, 2000)
    assert selectors.dashboard(city.lg, year=year)["emptied_l"] == 2000
    EmptyingEvent.objects.filter(pk=emptying.pk).update(volume_l=2500)  # no signal
    call_command("sanitation_refresh_summaries", "--rebuild")
    assert selectors.dashboard(city.lg, year=year)["emptied_l"] == 2500
