"""Imports keep the facts of real data: counts, places, sources, several victims, encodings,
country names, every error, verified only on an analyst's confirmation, and an undo."""

import datetime as dt
import io
from pathlib import Path

import pytest

from edile.core.errors import ServiceError
from edile.core.imports import ImportFileError, decode_text, read_table
from edile.observatory import services
from edile.observatory.country_names import country_code
from edile.observatory.models import ImportBatch, Incident

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


HEADER = (
    "incident_ref,date,country,region,place,latitude,longitude,place_precision,killed,injured,"
    "motive,impunity,outcome,victim_name,victim_office,violation_types,perpetrator_type,"
    "source_title,source_url,source_reliability,source_credibility,confidentiality,"
    "verification_status\n"
)
ROWS = (
    "A1,2023-04-12,Turkey,Hakkari,Yüksekova,37.57,44.28,municipality,1,2,Confirmed,Complete,,"
    "Ali Test,MAYOR,KILLING,ARMED_GROUP,Daily report,https://example.org/1,b,2,public,Verified\n"
    "A1,,,,,,,,1,0,,,,Veli Test,councillor,killing,armed_group,Daily report,"
    "https://example.org/1,B,2,,\n"
    "B2,2022-07-01,USA,,,,,,0,0,,,,,mayor,threat,unknown,,,,,confidential,reported\n"
)


def run(make_user, text, **kwargs):
    return services.incidents_import(
        actor=make_user("observatory_analyst"), data=text, filename="f.csv", **kwargs
    )


def test_rows_sharing_a_ref_make_one_incident_with_all_its_facts(make_user):
    """killed, injured, motive, impunity, region, coordinates, source reliability: all kept;
    two rows of `A1` are one incident with two victims and two acts; codes in any case."""
    report = run(make_user, (HEADER + ROWS).encode())
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == 2
    turkey = Incident.objects.get(country="TR")
    assert (turkey.killed, turkey.injured) == (2, 2)
    assert (turkey.motive, turkey.impunity, turkey.region) == ("confirmed", "complete", "Hakkari")
    assert str(turkey.latitude) == "37.570000" and turkey.place_precision == "municipality"
    assert sorted(turkey.victims.values_list("name", flat=True)) == ["Ali Test", "Veli Test"]
    assert turkey.acts.count() == 2
    source = turkey.sources.get()
    assert (source.title, source.reliability, source.credibility) == ("Daily report", "B", "2")
    assert Incident.objects.get(country="US").date_start == dt.date(2022, 7, 1)


def test_verified_only_when_the_analyst_confirms(make_user):
    """A row marked verified stays reported; with the confirmation it is verified, recorded."""
    run(make_user, (HEADER + ROWS).encode())
    assert Incident.objects.get(country="TR").verification_status == "reported"
    Incident.objects.all().delete()
    analyst = make_user("observatory_analyst")
    report = services.incidents_import(
        actor=analyst, data=(HEADER + ROWS).encode(), filename="f.csv", confirm_verified=True
    )
    turkey = Incident.objects.get(country="TR")
    assert turkey.verification_status == "verified" and not turkey.is_published
    assert turkey.status_changed_by == analyst and turkey.status_changed_at is not None
    assert report.batch.verified_confirmed and report.batch.imported_by == analyst
    with pytest.raises(ServiceError, match="signed-in analyst"):
        services.incidents_import(
            actor=None, data=(HEADER + ROWS).encode(), filename="f.csv", confirm_verified=True
        )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("USA", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("RDC", "CD"),
        ("DR Congo", "CD"),
        ("Mexique", "MX"),
        ("mexico", "MX"),
        ("ml", "ML"),
        ("Narnia", None),
    ],
)
def test_country_names_in_french_english_and_variants(name, code):
    assert country_code(name) == code


def test_every_error_of_every_row_with_its_column(make_user):
    """A row with three mistakes lists three errors, each naming its column; nothing saved."""
    bad = (
        "C3,2023-02-30,Narnia,,,95,,,-1,,,,,,,alien,,,,Z,,,\n"
        "A1,2023-04-12,Turkey,,,,,,1,0,,,,,,killing,,,,,,public,\n"
        "A1,2023-05-12,Turkey,,,,,,1,0,,,,,,killing,,,,,,public,\n"
    )
    report = run(make_user, (HEADER + bad).encode())
    assert Incident.objects.count() == 0 and not report.ok
    first = [(e.column, e.line) for e in report.errors if e.line == 2]
    assert {c for c, _line in first} >= {"date", "country", "latitude", "killed", "violation_types"}
    assert any(e.line == 2 and e.column == "source_reliability" for e in report.errors)
    assert any(
        e.line == 4 and e.column == "date" and "differs from line 3" in str(e)
        for e in report.errors
    )
    assert any(
        str(e).startswith("Line 2, column “country”: unknown country code or name “Narnia”")
        for e in report.errors
    )


@pytest.mark.parametrize(
    "encoded",
    [
        "date,country,violation_types,place\n2023-01-01,Sénégal,threat,Thiès\n".encode(),
        "date,country,violation_types,place\n2023-01-01,Sénégal,threat,Thiès\n".encode("utf-8-sig"),
        "date,country,violation_types,place\n2023-01-01,Sénégal,threat,Thiès\n".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_encodings_are_read(make_user, encoded):
    report = run(make_user, encoded)
    assert report.ok and Incident.objects.get().place == "Thiès"
    assert Incident.objects.get().country == "SN"


def test_binary_file_is_refused_with_a_message():
    with pytest.raises(ImportFileError, match="not a text file"):
        decode_text(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ImportFileError, match="not a text file"):
        read_table(b"\x00\x01\x02abc", "a.csv")


def test_excel_date_cells_are_read(make_user):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["date", "country", "violation_types", "killed"])
    sheet.append([dt.datetime(2023, 4, 12), "Mali", "Killing", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.incidents_import(
        actor=make_user("observatory_analyst"), data=buffer.getvalue(), filename="f.xlsx"
    )
    assert report.ok, [str(e) for e in report.errors]
    incident = Incident.objects.get()
    assert incident.date_start == dt.date(2023, 4, 12) and incident.killed == 3


def test_import_is_a_batch_undone_while_unchanged(make_user, client_as):
    """The page's undo deletes the import's incidents; once one is changed, a clear 409."""
    analyst = client_as("observatory_analyst")
    run(make_user, (HEADER + ROWS).encode())
    batch = ImportBatch.objects.get()
    assert batch.incidents.count() == 2
    response = analyst.post(f"/en/observatory/incidents/import/{batch.pk}/undo/")
    assert response.status_code == 302 and Incident.objects.count() == 0
    batch.refresh_from_db()
    assert batch.undone_at is not None
    again = analyst.post(f"/en/observatory/incidents/import/{batch.pk}/undo/")
    assert again.status_code == 409 and "already been undone" in again.content.decode()

    run(make_user, (HEADER + ROWS).encode())
    second = ImportBatch.objects.filter(undone_at__isnull=True).get()
    changed = second.incidents.get(country="US")
    changed.place = "Boston"
    changed.save()
    refused = analyst.post(f"/en/observatory/incidents/import/{second.pk}/undo/")
    assert refused.status_code == 409
    assert changed.reference in refused.content.decode()
    assert Incident.objects.count() == 2
    assert (
        client_as("observatory_partner")
        .post(f"/en/observatory/incidents/import/{second.pk}/undo/")
        .status_code
        == 403
    )


def test_real_public_data_set_imports_with_its_facts(make_user):
    """The Wikipedia extract (CC BY-SA 4.0), mapped column by column: killings in Mexico."""
    data = (DATA / "wikipedia-mexico-2024-elections-extract.csv").read_bytes()
    mapping = services.import_mapping_parse(
        "name = victim_name\nmunicipality = place\nstate = region\n"
        "violation = violation_types\noffice = victim_office"
    )
    dry = services.incidents_import(
        actor=make_user("observatory_analyst"),
        data=data,
        filename="extract.csv",
        mapping=mapping,
        dry_run=True,
    )
    assert dry.ok and len(dry.planned) == 5 and Incident.objects.count() == 0
    report = services.incidents_import(
        actor=make_user("observatory_analyst"), data=data, filename="extract.csv", mapping=mapping
    )
    assert report.ok and report.created == 5
    assert set(Incident.objects.values_list("country", flat=True)) == {"MX"}
    assert sum(Incident.objects.values_list("killed", flat=True)) == 5
    torres = Incident.objects.get(victims__name="Javier Torres Barrera")
    assert torres.date_start == dt.date(2023, 7, 13) and torres.region == "Puebla"
    assert (
        torres.place == "Chiautla de Tapia"
        and torres.acts.get().violation_types.get().code == "killing"
    )
    assert torres.verification_status == "reported"


def test_import_page_title_is_only_its_title(make_user, client_as):
    """The page's <title> is "Import incidents · Édile": the recent imports table and the
    undo message belong to the page's body, once, not to the browser tab's title."""
    import re

    analyst = client_as("observatory_analyst")
    run(make_user, (HEADER + ROWS).encode())
    batch = ImportBatch.objects.get()
    page = analyst.get("/en/observatory/incidents/import/")
    assert page.status_code == 200
    html = page.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and title.group(1).strip() == "Import incidents · Édile"
    assert html.count('id="batches-heading"') == 1
    assert html.count(f'action="/en/observatory/incidents/import/{batch.pk}/undo/"') == 1
    analyst.post(f"/en/observatory/incidents/import/{batch.pk}/undo/")
    refused = analyst.post(f"/en/observatory/incidents/import/{batch.pk}/undo/")
    assert refused.status_code == 409
    html = refused.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and title.group(1).strip() == "Import incidents · Édile"
    assert html.count("already been undone") == 1
