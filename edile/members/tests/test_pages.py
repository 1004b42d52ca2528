"""Member pages: list with filters, detail with mayor and mandates, map, statistics, exports."""

import datetime as dt

import pytest

from edile.members.models import MembershipStatus
from edile.members.tests.factories import (
    LocalGovernmentFactory,
    MandateFactory,
    MembershipFactory,
    PersonFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


def test_list_filters_by_country_kind_status_and_search(client):
    """Each filter narrows the list to the matching cities."""
    dakar = make_member(name="Dakar", name_fr="Dakar", country="SN", region="Dakar")
    make_member(name="Nantes", name_fr="Nantes", country="FR", region="Pays de la Loire")
    district = make_member(name="Bamako", name_fr="Bamako", country="ML", kind="district")
    lapsed = make_member(name="Erevan", name_fr="Erevan", country="AM")
    lapsed.membership.status = MembershipStatus.LAPSED
    lapsed.membership.save()

    def names(query):
        response = client.get(f"/fr/members/?{query}")
        return {lg.name for lg, _mayor in response.context["rows"]}

    assert names("country=SN") == {"Dakar"}
    assert names("kind=district") == {district.name}
    assert names("status=lapsed") == {lapsed.name}
    assert names("q=nan") == {"Nantes"}
    assert names("region=Pays+de+la+Loire") == {"Nantes"}
    assert dakar.name in names("")


def test_htmx_request_gets_only_the_results_fragment(client):
    make_member(name="Dakar", name_fr="Dakar")
    response = client.get("/fr/members/?q=Dakar", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Dakar" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_unknown_filter_value_is_ignored_not_an_error(client):
    make_member(name="Dakar", name_fr="Dakar")
    response = client.get("/fr/members/?kind=castle&page=abc")
    assert response.status_code == 200


def test_list_page_uses_constant_queries(client, django_assert_max_num_queries):
    for _ in range(25):
        make_member()
    with django_assert_max_num_queries(9):
        response = client.get("/fr/members/")
    assert response.status_code == 200


def test_detail_shows_current_mayor_and_past_mandates(client):
    lg = LocalGovernmentFactory(name="Siem Reap", name_fr="Siem Reap")
    MembershipFactory(local_government=lg)
    past = PersonFactory(given_name="Ancien", family_name="Maire")
    MandateFactory(
        local_government=lg, person=past, start=dt.date(2010, 1, 1), end=dt.date(2015, 12, 31)
    )
    current = PersonFactory(given_name="Nouvelle", family_name="Mairesse")
    MandateFactory(local_government=lg, person=current, start=dt.date(2016, 1, 1))
    body = client.get(f"/en/members/{lg.slug}/").content.decode()
    assert "Nouvelle Mairesse" in body
    assert "Ancien Maire" in body
    assert "in office" in body


def test_detail_of_unknown_city_is_404(client):
    assert client.get("/fr/members/nowhere/").status_code == 404


def test_english_page_shows_english_names(client):
    make_member(name="Bruxelles", name_fr="Bruxelles", name_en="Brussels")
    assert "Brussels" in client.get("/en/members/").content.decode()
    assert "Bruxelles" in client.get("/fr/members/").content.decode()


def test_map_page_fetches_its_points_instead_of_carrying_them(client):
    """Issue 15: the map page was 1.3 MB at the bench size, every point inline."""
    make_member(name="Dakar", name_fr="Dakar")
    response = client.get("/fr/members/map/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-geojson="/fr/members/map/points.geojson"' in body
    assert "Dakar" not in body
    assert "1 collectivité avec des coordonnées." in body
    assert response.context["count"] == 1


def test_map_points_are_geojson_of_active_members_with_coordinates(client):
    dakar = make_member(name="Dakar", name_fr="Dakar", name_en="Dakar (en)")
    make_member(latitude=None, longitude=None)
    lapsed = make_member()
    lapsed.membership.status = MembershipStatus.LAPSED
    lapsed.membership.save()
    response = client.get("/en/members/map/points.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.json() == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-17.4, 14.7]},
                "properties": {
                    "label": "Dakar (en)",
                    "url": f"/en/members/{dakar.slug}/",
                    "country": "SN",
                },
            }
        ],
    }


def test_only_pages_with_a_map_load_the_map_scripts(client):
    make_member()
    assert "leaflet.js" in client.get("/fr/members/map/").content.decode()
    for url in ("/fr/", "/fr/members/", "/fr/members/statistics/"):
        assert "leaflet" not in client.get(url).content.decode(), url


def test_statistics_count_active_members_by_country(client):
    for _ in range(3):
        make_member(country="KH")
    make_member(country="FR")
    lapsed = make_member(country="FR")
    lapsed.membership.status = MembershipStatus.LAPSED
    lapsed.membership.save()
    response = client.get("/en/members/statistics/")
    rows = {row["country"]: row["count"] for row in response.context["by_country"]}
    assert rows == {"KH": 3, "FR": 1}


def test_statistics_show_the_regions_of_one_country(client):
    """By default the country with most members; `?country=` another; never every region
    of every country (the page would weigh hundreds of KB)."""
    make_member(country="KH", region="Siem Reap")
    make_member(country="KH", region="Kandal")
    make_member(country="FR", region="Bretagne")
    response = client.get("/en/members/statistics/")
    assert response.context["region_country"] == "KH"
    assert [r["region"] for r in response.context["by_region"]] == ["Kandal", "Siem Reap"]
    assert "By region: Cambodia" in response.content.decode()
    response = client.get("/en/members/statistics/?country=fr")
    assert [r["region"] for r in response.context["by_region"]] == ["Bretagne"]
    # An unknown or absent country falls back to the default rather than an empty table.
    response = client.get("/en/members/statistics/?country=ZZ")
    assert response.status_code == 200 and response.context["region_country"] == "KH"


@pytest.mark.parametrize("fmt, content_type", [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_export_of_the_filtered_list(client, fmt, content_type):
    make_member(name="Dakar", name_fr="Dakar", country="SN")
    make_member(name="Nantes", name_fr="Nantes", country="FR")
    response = client.get(f"/fr/members/export.{fmt}?country=SN")
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    if fmt == "csv":
        body = b"".join(response.streaming_content).decode()
        assert "Dakar" in body and "Nantes" not in body


def test_french_csv_export_is_written_from_the_column_spec(client):
    """French headers and labels, `;` and decimal commas, the current mayor by name."""
    lg = make_member(name="Thiès", name_fr="Thiès", name_en="Thies", region="Thiès")
    mayor = lg.mandates.get().person
    response = client.get("/fr/members/export.csv")
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines == [
        "Nom (français);Nom (anglais);Type;Pays;Région;Population;Latitude;Longitude;"
        "Site web;Statut d'adhésion;Maire en exercice",
        f"Thiès;Thies;Commune;SN;Thiès;100000;14,700000;-17,400000;;Actif;{mayor}",
    ]


def test_xlsx_export_has_the_sheet_title_and_real_numbers(client):
    import io

    from openpyxl import load_workbook

    make_member(name="Dakar", name_fr="Dakar", population=1_200_000)
    response = client.get("/en/members/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Local governments"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name (French)", "Name (English)", "Kind")
    assert rows[1][2] == "Municipality" and rows[1][5] == 1_200_000


def test_export_keeps_queries_constant(client, django_assert_max_num_queries):
    """Two queries for the filter's choices, then two per chunk of rows (cities, mayors)."""
    for _ in range(30):
        make_member()
    with django_assert_max_num_queries(4):
        response = client.get("/fr/members/export.csv")
        assert b"".join(response.streaming_content).count(b"\n") == 31


def test_export_refuses_unknown_format(client):
    assert client.get("/fr/members/export.pdf").status_code == 400
