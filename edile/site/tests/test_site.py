"""The home page, the language prefixes, the demo data and the API description."""

import io

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from edile.members.models import LocalGovernment, Mandate, MembershipStatus
from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_home_figures_are_computed_from_records(client):
    make_member(country="KH", population=1000)
    make_member(country="KH", population=2000)
    make_member(country="FR", population=500)
    lapsed = make_member(country="AM", population=7)
    lapsed.membership.status = MembershipStatus.LAPSED
    lapsed.membership.save()
    figures = client.get("/en/").context["figures"]
    assert figures == {"members": 3, "countries": 2, "population": 3500, "mayors": 3}


def test_root_redirects_to_the_browser_language(client):
    assert client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})["Location"] == "/en/"
    assert client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})["Location"] == "/fr/"


def test_pages_are_in_the_language_of_their_prefix(client):
    assert "Membres" in client.get("/fr/").content.decode()
    assert "Members" in client.get("/en/").content.decode()
    assert '<html lang="fr">' in client.get("/fr/").content.decode()


def test_language_switcher_links_to_the_same_page(client):
    body = client.get("/fr/members/").content.decode()
    assert 'href="/en/members/"' in body


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert "/api/v1/members/local-governments" in document["paths"]


def test_demo_loads_the_2019_association_and_twice_changes_nothing(client):
    """One load of the whole demo (it is slow), then every foundation promise about it."""
    call_command("load_demo", stdout=io.StringIO())
    counts = (LocalGovernment.objects.count(), Mandate.objects.count())
    countries = LocalGovernment.objects.values("country").distinct().count()
    assert countries >= 30
    slugs = set(LocalGovernment.objects.values_list("slug", flat=True))
    assert {"phnom-penh", "siem-reap", "nantes", "montreal", "district-de-bamako"} <= slugs
    bamako_mayor = Mandate.objects.get(local_government__slug="district-de-bamako", end=None).person
    assert str(bamako_mayor) == "Adama Sangaré" and not bamako_mayor.is_fictional
    from edile.governance.models import Seat

    chairs = {
        s.body.slug: s.local_government.slug
        for s in Seat.objects.filter(role="chair", end=None).select_related(
            "body", "local_government"
        )
    }
    assert chairs["commission-villes-innovantes"] == "nantes"
    assert chairs["commission-vivre-ensemble"] == "montreal"
    assert "bureau" in chairs

    # The home page's figures of every module are counted from the demo's records.
    figures = {f["label"]: f["value"] for f in client.get("/en/").context["module_figures"]}
    assert figures["City projects supported"] == "14"
    # 5 texts of the General Assembly (3 resolutions, the Observatory and the data roadmap
    # decisions) and the Bureau's 14 grant decisions of 3 December 2019, each a decision of
    # that meeting.
    assert figures["Resolutions and decisions adopted"] == "19"
    assert int(figures["Datasets in the catalogue"].replace(",", "")) >= 40
    assert int(figures["Beneficiaries of the projects"].replace(",", "")) > 3_000_000

    call_command("load_demo", stdout=io.StringIO())
    assert (LocalGovernment.objects.count(), Mandate.objects.count()) == counts


def test_unknown_page_is_a_friendly_404_in_the_right_language(client):
    response = client.get("/en/members/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_statistics_and_map_pages_use_constant_queries(client, django_assert_max_num_queries):
    for country in ["KH", "FR", "SN", "ML"] * 5:
        make_member(country=country)
    with django_assert_max_num_queries(8):
        assert client.get("/fr/members/statistics/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/fr/members/map/").status_code == 200
    # The home page reads every module's figures from stored summaries (core.summaries): the
    # first reader (or the background task) computes them, every later reader reads rows.
    assert client.get("/fr/").status_code == 200
    make_member(country="KH")
    with django_assert_max_num_queries(12):
        assert client.get("/fr/").status_code == 200


def test_navigation_fits_the_role(client_as):
    """Focal points see their own city in the header; only staff see the administration."""
    city = make_member(name="Siem Reap", name_fr="Siem Reap", name_en="Siem Reap")
    focal = client_as("focal_point", local_government=city).get("/en/").content.decode()
    assert "My city: Siem Reap" in focal
    assert "Administration" not in focal
    staff = client_as("administrator", is_staff=True).get("/en/").content.decode()
    assert "Administration" in staff
    assert "My city" not in staff


@pytest.mark.parametrize(
    "url", ["/fr/", "/en/members/", "/fr/members/map/", "/fr/members/statistics/", "/api/v1/docs"]
)
def test_pages_load_no_script_or_stylesheet_from_another_host(client, url):
    """Nothing is loaded from a CDN: slow connections and privacy both benefit."""
    import re

    make_member()
    body = client.get(url).content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body)
    assert assets, "the page should load its own assets"
    external = [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert not external
