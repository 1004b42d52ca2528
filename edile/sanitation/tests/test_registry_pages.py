"""The officer's pages for the registry (zones, operators, vehicles, workers, sites, tariffs):
list, create and change, for the city's own records only, with the role matrix."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edile.sanitation.models import Operator, TariffRule, TreatmentSite, Vehicle, Worker, Zone
from edile.sanitation.tests.factories import make_city

pytestmark = pytest.mark.django_db

KINDS = ("zones", "operators", "vehicles", "workers", "sites", "tariffs")


def _client(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def city():
    return make_city()


@pytest.fixture
def other():
    return make_city("Battambang")


def _new_data(city, kind: str) -> dict:
    return {
        "zones": {"name": "Svay Dangkum", "code": "SD", "groundwater_risk": "T2"},
        "operators": {
            "name": "Vidange du Lac",
            "licence_number": "SR-002",
            "licence_valid_until": "2030-01-31",
            "zones": [city.zone.pk],
            "accounts": [city.crew.pk],
        },
        "vehicles": {"operator": city.operator.pk, "plate": "2B-5678", "tank_capacity_l": "6000"},
        "workers": {
            "operator": city.operator.pk,
            "name": "Kim Rithy",
            "role": "emptier",
            "ppe_issued_on": "2026-11-02",
        },
        "sites": {
            "name": "Point de dépotage nord",
            "kind": "disposal",
            "design_capacity_l_per_day": "20000",
            "opens_at": "07:00",
            "closes_at": "17:00",
            "accounts": [city.plant.pk],
        },
        "tariffs": {
            "name": "Ménages à faible revenu",
            "priority": "10",
            "low_income": "true",
            "amount_per_trip": "0",
            "currency": "USD",
        },
    }[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_the_officer_lists_creates_and_changes_each_kind(city, kind):
    officer = _client(city.officer)
    listing = officer.get(reverse("sanitation:registry_list", args=[city.lg.slug, kind]))
    assert listing.status_code == 200
    assert (
        officer.get(reverse("sanitation:registry_new", args=[city.lg.slug, kind])).status_code
        == 200
    )
    response = officer.post(
        reverse("sanitation:registry_new", args=[city.lg.slug, kind]), _new_data(city, kind)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("sanitation:registry_list", args=[city.lg.slug, kind])
    listing = officer.get(reverse("sanitation:registry_list", args=[city.lg.slug, kind]))
    name = next(iter(_new_data(city, kind).values()))
    if kind == "vehicles":
        name = "2B-5678"
    elif kind == "workers":
        name = "Kim Rithy"
    assert name in listing.content.decode()


def test_what_the_officer_records_is_the_citys(city):
    officer = _client(city.officer)
    for kind in KINDS:
        officer.post(
            reverse("sanitation:registry_new", args=[city.lg.slug, kind]), _new_data(city, kind)
        )
    assert Zone.objects.get(code="SD").local_government == city.lg
    operator = Operator.objects.get(name="Vidange du Lac")
    assert operator.local_government == city.lg
    assert list(operator.zones.all()) == [city.zone]
    assert list(operator.accounts.all()) == [city.crew]
    assert Vehicle.objects.get(plate="2B-5678").operator == city.operator
    assert Worker.objects.get(name="Kim Rithy").ppe_issued_on.isoformat() == "2026-11-02"
    site = TreatmentSite.objects.get(name="Point de dépotage nord")
    assert (site.local_government, site.opens_at.hour, list(site.accounts.all())) == (
        city.lg,
        7,
        [city.plant],
    )
    rule = TariffRule.objects.get(name="Ménages à faible revenu")
    assert (rule.local_government, rule.low_income, rule.amount_per_trip) == (city.lg, True, 0)


def test_the_officer_changes_a_vehicle_and_takes_it_out_of_service(city):
    officer = _client(city.officer)
    url = reverse("sanitation:registry_edit", args=[city.lg.slug, "vehicles", city.vehicle.pk])
    page = officer.get(url)
    assert page.status_code == 200
    assert 'value="2A-1234"' in page.content.decode()
    response = officer.post(
        url, {"operator": city.operator.pk, "plate": "2A-1234", "tank_capacity_l": "4500"}
    )
    assert response.status_code == 302
    city.vehicle.refresh_from_db()
    assert (city.vehicle.tank_capacity_l, city.vehicle.is_active) == (4500, False)


@pytest.mark.parametrize("kind", KINDS)
def test_the_role_matrix_on_each_list(city, other, make_user, kind):
    url = reverse("sanitation:registry_list", args=[city.lg.slug, kind])
    new = reverse("sanitation:registry_new", args=[city.lg.slug, kind])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert _client(city.officer).get(url).status_code == 200
    assert _client(make_user("secretariat")).get(url).status_code == 200
    for user in (
        other.officer,
        city.crew,
        city.plant,
        make_user("focal_point", local_government=city.lg),
    ):
        assert _client(user).get(url).status_code == 403
        assert _client(user).post(new, _new_data(city, kind)).status_code == 403


def test_nothing_is_created_by_an_officer_of_another_city(city, other):
    response = _client(other.officer).post(
        reverse("sanitation:registry_new", args=[city.lg.slug, "zones"]),
        _new_data(city, "zones"),
    )
    assert response.status_code == 403
    assert not Zone.objects.filter(code="SD").exists()


@pytest.mark.parametrize(
    ("kind", "attr"),
    [
        ("zones", "zone"),
        ("operators", "operator"),
        ("vehicles", "vehicle"),
        ("sites", "site"),
    ],
)
def test_another_citys_record_is_not_found_through_ones_own_city(city, other, kind, attr):
    """The officer of Battambang asks for a Siem Reap record under Battambang's address."""
    record = getattr(city, attr)
    url = reverse("sanitation:registry_edit", args=[other.lg.slug, kind, record.pk])
    client = _client(other.officer)
    assert client.get(url).status_code == 404
    assert client.post(url, _new_data(other, kind)).status_code == 404


def test_a_vehicle_cannot_be_given_to_another_citys_operator(city, other):
    response = _client(city.officer).post(
        reverse("sanitation:registry_new", args=[city.lg.slug, "vehicles"]),
        {"operator": other.operator.pk, "plate": "9Z-0000", "tank_capacity_l": "3000"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Vehicle.objects.filter(plate="9Z-0000").exists()


def test_only_the_citys_operator_accounts_can_be_linked(city, other):
    page = _client(city.officer).get(
        reverse("sanitation:registry_new", args=[city.lg.slug, "operators"])
    )
    html = page.content.decode()
    assert city.crew.email in html
    assert other.crew.email not in html
    assert city.plant.email not in html


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("zones", {"name": "Doublon", "code": "SK", "groundwater_risk": "T1"}, "already exists"),
        ("vehicles", {"plate": "X", "tank_capacity_l": "-5"}, "greater than or equal to 0"),
        ("vehicles", {"plate": "X", "tank_capacity_l": "0"}, "Constraint"),
        ("tariffs", {"name": "Négatif", "priority": "1", "amount_per_trip": "-1"}, "greater than"),
        (
            "sites",
            {
                "name": "S",
                "kind": "fstp",
                "design_capacity_l_per_day": "10",
                "opens_at": "17:00",
                "closes_at": "07:00",
            },
            "The site must close after it opens.",
        ),
        ("workers", {"name": "Sans opérateur", "role": "driver"}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(city, kind, data, message):
    if kind == "vehicles":
        data = {**data, "operator": city.operator.pk}
    if kind == "tariffs":
        data = {**data, "currency": "USD"}
    response = _client(city.officer).post(
        reverse("sanitation:registry_new", args=[city.lg.slug, kind]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_list_is_not_found(city):
    client = _client(city.officer)
    assert client.get(f"/en/sanitation/city/{city.lg.slug}/registry/trucks/").status_code == 404


def test_the_dashboard_links_the_officer_to_each_list(city):
    html = _client(city.officer).get(reverse("sanitation:dashboard", args=[city.lg.slug]))
    html = html.content.decode()
    for kind in KINDS:
        assert reverse("sanitation:registry_list", args=[city.lg.slug, kind]) in html


def test_the_lists_in_french(city):
    TariffRule.objects.create(
        local_government=city.lg, name="Social", low_income=True, amount_per_trip=0
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(city.officer)
    from django.utils import translation

    with translation.override("fr"):
        url = reverse("sanitation:registry_list", args=[city.lg.slug, "tariffs"])
        page = client.get(url).content.decode()
        form = client.get(
            reverse("sanitation:registry_new", args=[city.lg.slug, "sites"])
        ).content.decode()
    assert "Règles tarifaires" in page
    assert "<td>Oui</td>" in page  # not the votes' « Pour »
    assert ">Modifier</a>" in page
    assert "Retour à la liste\u00a0: Stations de traitement et points de dépotage" in form


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_list_exports(city, fmt):
    response = _client(city.officer).get(
        reverse("sanitation:registry_export", args=[city.lg.slug, "vehicles", fmt])
    )
    assert response.status_code == 200
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "2A-1234" in text and "Angkor Vidange" in text


def test_the_list_takes_the_same_queries_for_more_records(city, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(city.officer)
    url = reverse("sanitation:registry_list", args=[city.lg.slug, "operators"])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        Operator.objects.create(local_government=city.lg, name=f"Op {n}").zones.add(city.zone)
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)
