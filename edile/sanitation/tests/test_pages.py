"""The pages of each role, through the test client: the issue's "done when" path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from edile.sanitation import services
from edile.sanitation.models import (
    DesludgingRequest,
    ReconciliationFlag,
    SfdGridCell,
    SfdStudy,
    SfdSystemRow,
    SfdVariable,
    TariffRule,
    Trip,
)
from edile.sanitation.tests.factories import make_city

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def city():
    made = make_city()
    TariffRule.objects.create(local_government=made.lg, name="Standard", amount_per_trip=0)
    return made


def test_done_when_the_chain_through_the_pages(city):
    """Officer records and assigns; crew accepts and empties; plant receives less; flag; dashboard."""
    officer, crew, plant = _client(city.officer), _client(city.crew), _client(city.plant)
    response = officer.post(
        reverse("sanitation:request_list", args=[city.lg.slug]),
        {"containment": "c1", "channel": "phone", "trips_estimated": 1, "applicant_name": "Sok"},
    )
    request = DesludgingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sanitation:request_detail", args=[request.pk])
    assert request.state.code == "pending_assignment"  # zero tariff
    officer.post(
        reverse("sanitation:request_act", args=[request.pk, "assign"]),
        {"operator": city.operator.pk},
    )
    page = crew.get(reverse("sanitation:jobs"))
    assert request.reference in page.content.decode()
    crew.post(
        reverse("sanitation:request_act", args=[request.pk, "accept"]),
        {"vehicle": city.vehicle.pk, "scheduled_for": timezone.localdate().isoformat()},
    )
    response = crew.post(
        reverse("sanitation:emptying_new", args=[request.pk]),
        {"volume_l": "3000", "trips": "1", "ppe_gloves": "on", "ppe_boots": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sanitation:jobs")
    request.refresh_from_db()
    assert request.state.code == "emptied"
    crew.post(
        reverse("sanitation:jobs"),
        {"vehicle": city.vehicle.pk, "site": city.site.pk, "emptyings": [request.emptying.pk]},
    )
    trip = Trip.objects.get()
    assert trip.declared_volume_l == 3000
    plant.post(
        reverse("sanitation:plant"),
        {"trip": trip.pk, "plate_seen": "", "received_volume_l": "2000"},
    )
    request.refresh_from_db()
    assert request.state.code == "disposed"
    officer.post(reverse("sanitation:flag_list", args=[city.lg.slug]))
    flag = ReconciliationFlag.objects.get()
    assert flag.rule == "volume_mismatch"
    page = officer.get(reverse("sanitation:flag_list", args=[city.lg.slug])).content.decode()
    assert "declared 3000 l, received 2000 l" in page
    dash = officer.get(reverse("sanitation:dashboard", args=[city.lg.slug]))
    assert dash.status_code == 200
    body = dash.content.decode()
    assert 'data-figure="requests">1<' in body
    assert 'data-figure="received">2 m³<' in body
    assert 'data-figure="flags">1<' in body


def test_the_dashboard_is_private_unless_the_city_publishes(city, make_user):
    url = reverse("sanitation:dashboard", args=[city.lg.slug])
    assert Client().get(url).status_code == 302  # to sign in
    other = make_city("Battambang")
    assert _client(other.officer).get(url).status_code == 403
    cfg = services.city_settings_get(city.lg)
    cfg.figures_public = True
    cfg.save()
    assert Client().get(url).status_code == 200


def test_officer_pages_are_refused_to_another_city(city):
    other = make_city("Battambang")
    for name in ("request_list", "containment_list", "flag_list"):
        response = _client(other.officer).get(reverse(f"sanitation:{name}", args=[city.lg.slug]))
        assert response.status_code == 403


def test_a_job_of_another_operator_is_not_found(city, make_user):
    from edile.sanitation.models import Operator

    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="web"
    )
    rival = Operator.objects.create(local_government=city.lg, name="Rival")
    other_crew = make_user("sanitation_operator", local_government=city.lg)
    rival.accounts.add(other_crew)
    services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    assert (
        _client(other_crew).get(reverse("sanitation:request_detail", args=[request.pk])).status_code
        == 404
    )
    assert (
        _client(city.crew).get(reverse("sanitation:request_detail", args=[request.pk])).status_code
        == 200
    )


def test_the_crew_does_not_see_the_applicants_phone(city):
    request = services.request_create(
        actor=city.officer,
        containment=city.containment,
        channel="web",
        applicant_name="Chan Sophea",
        applicant_phone="+855 99 000 111",
    )
    services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    page = _client(city.crew).get(reverse("sanitation:request_detail", args=[request.pk]))
    assert "+855 99 000 111" not in page.content.decode()


def test_the_crews_emptying_form_is_laid_out_for_a_phone(city):
    """PPE as one group of ticks with their labels beside them; the camera offered for the photo."""
    request = services.request_create(
        actor=city.officer, containment=city.containment, channel="web"
    )
    services.request_transition(
        actor=city.officer, request=request, action="assign", operator=city.operator
    )
    services.request_transition(
        actor=city.crew,
        request=request,
        action="accept",
        vehicle=city.vehicle,
        scheduled_for=timezone.localdate(),
    )
    page = _client(city.crew).get(reverse("sanitation:request_detail", args=[request.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<legend>Protective equipment worn by the crew</legend>" in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'name="trips" value="1" inputmode="numeric"' in html


def test_exports_carry_no_personal_data(city):
    services.request_create(
        actor=city.officer,
        containment=city.containment,
        channel="web",
        applicant_name="Chan Sophea",
        applicant_phone="+855 99 000 111",
    )
    officer = _client(city.officer)
    for name in ("request_export", "containment_export"):
        response = officer.get(reverse(f"sanitation:{name}", args=[city.lg.slug, "csv"]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode()
        assert "C1" in body
        for secret in ("Chan Sophea", "+855", "Sok Dara"):
            assert secret not in body
    xlsx = officer.get(reverse("sanitation:request_export", args=[city.lg.slug, "xlsx"]))
    assert xlsx.status_code == 200
    assert (
        officer.get(reverse("sanitation:request_export", args=[city.lg.slug, "pdf"])).status_code
        == 400
    )


def test_the_survey_import_is_all_or_nothing_and_lists_every_bad_row(city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = (
        "reference,property_reference,address,zone_code,property_type,households,residents,"
        "low_income,local_type,sfd_containment,sfd_outlet,volume_l,construction_date,last_emptied_on\n"
    )
    good = "C-10,P-10,10 Rue A,SK,residential,1,6,no,septic tank,A2,C5,3000,2010-01-01,2018-05-02\n"
    bad = (
        "C-11,P-11,11 Rue B,ZZ,residential,1,6,no,pit,A5,C10,2000,,\n"
        "C-12,P-12,12 Rue C,SK,residential,1,6,maybe,pit,A1,C10,-4,,\n"
    )
    with translation.override("en"):
        url = reverse("sanitation:containment_list", args=[city.lg.slug])
    officer = _client(city.officer)
    response = officer.post(
        url, {"file": SimpleUploadedFile("survey.csv", (header + good + bad).encode())}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: no zone ZZ in this city." in body
    assert "Line 4: low_income must be yes or no." in body
    assert "Line 4: A1 with C10 is not a combination of the SFD grid." in body
    assert "Line 4: volume_l cannot be negative." in body
    from edile.sanitation.models import Containment

    assert not Containment.objects.filter(reference="C-10").exists()
    response = officer.post(
        url, {"file": SimpleUploadedFile("survey.csv", (header + good).encode())}
    )
    assert response.status_code == 302
    imported = Containment.objects.get(reference="C-10")
    assert imported.next_emptying_due == dt.date(2021, 5, 2)


def _study(city, status="published"):
    study = SfdStudy.objects.create(
        local_government=city.lg, year=2019, title="Estimate", status=status, is_fictional=True
    )
    row = SfdSystemRow.objects.create(
        study=study, cell=SfdGridCell.objects.get(code="T1A5C10"), population_share=Decimal(100)
    )
    for name, value in (("f3", 50), ("f4", 60), ("f5", 50)):
        SfdVariable.objects.create(row=row, name=name, value=Decimal(value))
    return study


def test_a_published_estimate_is_public_with_its_graphic(city):
    study = _study(city)
    page = Client().get(reverse("sanitation:study_detail", args=[study.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "FS contained – not emptied" in body
    assert "SDG 6.2.1" in body
    for fmt, kind in (("svg", "image/svg+xml"), ("png", "image/png"), ("pdf", "application/pdf")):
        response = Client().get(reverse("sanitation:study_graphic", args=[study.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Type"] == kind
    assert (
        Client().get(reverse("sanitation:study_graphic", args=[study.pk, "gif"])).status_code == 400
    )


def test_a_draft_estimate_is_the_citys_only(city):
    study = _study(city, status="draft")
    assert Client().get(reverse("sanitation:study_detail", args=[study.pk])).status_code == 404
    assert (
        _client(city.officer).get(reverse("sanitation:study_detail", args=[study.pk])).status_code
        == 200
    )


def test_derived_values_stay_marked_until_confirmed(city):
    """F3 and F4 proposed from the chain are 'derived' until the officer confirms them."""
    study = _study(city, status="draft")
    SfdVariable.objects.filter(name__in=["f3", "f4"]).delete()
    officer = _client(city.officer)
    officer.post(reverse("sanitation:study_propose", args=[study.pk]))
    f3 = SfdVariable.objects.get(name="f3")
    assert f3.is_derived and f3.source == "service_chain"
    assert f3.value == 0  # no containment emptied yet
    assert (
        "derived, to be confirmed"
        in officer.get(reverse("sanitation:study_detail", args=[study.pk])).content.decode()
    )
    officer.post(reverse("sanitation:variable_confirm", args=[f3.pk]))
    f3.refresh_from_db()
    assert not f3.is_derived and f3.confirmed_by == city.officer


def test_the_officer_renews_an_expired_document_and_dispatch_works_again(city):
    """An expired insurance blocks dispatch; renewing it on the fleet page unblocks it."""
    from edile.sanitation.models import VehicleDocument

    VehicleDocument.objects.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    officer = _client(city.officer)
    with translation.override("en"):
        url = reverse("sanitation:fleet", args=[city.lg.slug])
    page = officer.get(url).content.decode()
    assert "expired on" in page
    response = officer.post(
        url,
        {
            "vehicle": city.vehicle.pk,
            "kind": "insurance",
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    services.vehicle_check_dispatchable(vehicle=city.vehicle, on=timezone.localdate())
    other = make_city("Battambang")
    assert _client(other.officer).get(url).status_code == 403


def test_flags_export_in_both_formats_and_french_messages(city):
    """The flags' list exports as CSV and XLSX (resolved ones too) and reads in French."""
    from edile.sanitation.models import PlantReception

    PlantReception.objects.create(
        local_government=city.lg,
        site=city.site,
        plate_seen="9Z-0001",
        arrived_at=timezone.now(),
        received_volume_l=1200,
    )
    services.reconciliation_run(local_government=city.lg)
    flag = ReconciliationFlag.objects.get()
    services.flag_resolve(actor=city.officer, flag=flag, note="Camion d'une commune voisine.")
    officer = _client(city.officer)
    for fmt in ("csv", "xlsx"):
        response = officer.get(reverse("sanitation:flag_export", args=[city.lg.slug, fmt]))
        assert response.status_code == 200
    with translation.override("fr"):
        url = reverse("sanitation:flag_list", args=[city.lg.slug])
        flag.refresh_from_db()
        assert flag.message == "9Z-0001\u00a0: 1200 l sans rotation"
    page = officer.get(url + "?show=all").content.decode()
    assert "9Z-0001\u00a0: 1200 l sans rotation" in page
