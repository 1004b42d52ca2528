"""Partners' spreadsheets are imported all-or-nothing, every bad row reported with its reason."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from edile.core.errors import ServiceError
from edile.observatory import services
from edile.observatory.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


HEADER = (
    "date,date_precision,country,place,victim_name,victim_gender,victim_office,violation_types,"
    "perpetrator_type,summary_fr,summary_en,source_url,confidentiality,verification_status\n"
)
GOOD = (
    "2023-04-12,day,ML,Kita,Awa Test,female,mayor,threat;online_harassment,armed_group,"
    "Menaces,Threats,https://example.org/a,public,verified\n"
    "2022-07,month,HT,Jacmel,,unknown,councillor,kidnapping,organised_crime,Enlèvement,"
    "Kidnapping,,confidential,reported\n"
)


def run(text, make_user):
    return services.incidents_import(
        actor=make_user("observatory_analyst"), data=text.encode(), filename="partner.csv"
    )


def test_good_file_creates_incidents_with_acts_and_victims(make_user):
    """Each row becomes an unpublished incident with its act, victim, perpetrator and source."""
    report = run(HEADER + GOOD, make_user)
    assert report.ok and report.created == 2
    mali = Incident.objects.get(country="ML")
    assert not mali.is_published
    assert sorted(mali.acts.get().violation_types.values_list("code", flat=True)) == [
        "online_harassment",
        "threat",
    ]
    assert mali.victims.get().identity_confidentiality == "public"
    assert mali.sources.get().url == "https://example.org/a"
    haiti = Incident.objects.get(country="HT")
    assert haiti.date_precision == "month" and haiti.date_start.isoformat() == "2022-07-01"


def test_bad_rows_are_all_reported_and_nothing_is_saved(make_user):
    """Malformed dates, unknown codes and bad links: every row listed, nothing imported."""
    bad = (
        "2023-02-30,day,ML,,,female,mayor,threat,unknown,,,,public,verified\n"
        "2023-02,day,ML,,,female,mayor,threat,unknown,,,,public,verified\n"
        "2023-01-01,day,XX,,,female,mayor,threat,unknown,,,,public,verified\n"
        "2023-01-01,day,ML,,,female,king,threat,unknown,,,,public,verified\n"
        "2023-01-01,day,ML,,,female,mayor,alien_abduction,unknown,,,,public,verified\n"
        "2023-01-01,day,ML,,,female,mayor,threat,unknown,,,javascript:alert(1),public,verified\n"
        "2023-01-01,day,ML,,,female,mayor,threat,unknown,,,,secret,verified\n"
        "2999-01-01,day,ML,,,female,mayor,threat,unknown,,,,public,verified\n"
    )
    report = run(HEADER + GOOD + bad, make_user)
    assert not report.ok and Incident.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert [e.line for e in report.errors] == [4, 5, 6, 7, 8, 9, 10, 11]
    expected = [
        "not a real date",
        "does not match the precision",
        "unknown country code",
        "unknown victim_office",
        "unknown violation type",
        "source_url must start",
        "unknown confidentiality",
        "in the future",
    ]
    for message, fragment in zip(messages, expected, strict=True):
        assert fragment in message


def test_missing_columns_and_oversized_files_are_refused(make_user, settings):
    """A file without the required columns, or too large, is refused with a message."""
    with pytest.raises(ServiceError, match="Missing columns"):
        run("date,country\n2023-01-01,ML\n", make_user)
    settings.EDILE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ServiceError, match="too large"):
        run(HEADER + GOOD, make_user)


def test_script_in_summary_is_escaped_on_pages(make_user, client_as):
    """Script in an imported summary is shown as text, never run."""
    row = (
        "2023-04-12,day,ML,Kita,,female,mayor,threat,unknown,<script>alert(1)</script>,,,"
        "public,verified\n"
    )
    run(HEADER + row, make_user)
    incident = Incident.objects.get()
    body = client_as("observatory_analyst").get(incident.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_import_page_lists_errors_and_is_for_analysts(client_as):
    """The staff page imports a file or lists its errors; other roles get 403."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    analyst = client_as("observatory_analyst")
    bad = SimpleUploadedFile(
        "p.csv", (HEADER + "2023-13-01,day,ML,,,,,threat,,,,,public,verified\n").encode()
    )
    response = analyst.post("/en/observatory/incidents/import/", {"file": bad})
    assert response.status_code == 400 and "Line 2" in response.content.decode()
    good = SimpleUploadedFile("p.csv", (HEADER + GOOD).encode())
    assert analyst.post("/en/observatory/incidents/import/", {"file": good}).status_code == 302
    assert Incident.objects.count() == 2
    for role in ("observatory_partner", "secretariat", "focal_point"):
        assert client_as(role).get("/en/observatory/incidents/import/").status_code == 403


def test_management_command(tmp_path):
    """`manage.py import_incidents FILE` imports, or fails listing the bad rows."""
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_incidents", str(good), stdout=out)
    assert "2 incidents imported" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2023-01-01,day,ZZ,,,,,threat,,,,,public,verified\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_incidents", str(bad), stderr=err)
    assert "Line 2" in err.getvalue()
    assert Incident.objects.count() == 2


def test_dry_run_saves_nothing_and_lists_rows_with_possible_duplicates(make_user):
    """A dry run checks every row, saves nothing, and names the incidents a row may duplicate."""
    from edile.observatory.tests.factories import make_incident

    earlier = make_incident(
        country="ML", place="Kita", victim_name="Someone Else", date=dt.date(2023, 4, 1)
    )
    report = services.incidents_import(
        actor=make_user("observatory_analyst"),
        data=(HEADER + GOOD).encode(),
        filename="partner.csv",
        dry_run=True,
    )
    assert report.ok and report.dry_run and report.created == 0
    assert Incident.objects.count() == 1
    assert [(r["line"], r["duplicates"]) for r in report.planned] == [
        (2, [earlier.reference]),
        (3, []),
    ]
    assert report.planned[0]["country"] == "Mali"
    # A bad file in a dry run reports its errors just the same.
    bad = services.incidents_import(
        actor=make_user("observatory_analyst"),
        data=(HEADER + "2023-13-01,day,ML,,,,,threat,,,,,public,verified\n").encode(),
        filename="partner.csv",
        dry_run=True,
    )
    assert not bad.ok and [e.line for e in bad.errors] == [2] and not bad.planned


def test_import_page_dry_run_then_real_run(client_as):
    """The page's dry run (ticked by default) shows the plan and saves nothing; then it imports."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    analyst = client_as("observatory_analyst")
    page = analyst.get("/en/observatory/incidents/import/").content.decode()
    assert 'name="dry_run"' in page and "checked" in page.split('name="dry_run"')[1][:40]
    upload = SimpleUploadedFile("p.csv", (HEADER + GOOD).encode())
    response = analyst.post("/en/observatory/incidents/import/", {"file": upload, "dry_run": "on"})
    body = response.content.decode()
    assert response.status_code == 200 and Incident.objects.count() == 0
    assert "Dry run: nothing has been saved" in body
    assert "importing it would create 2 incidents" in body and "Awa Test" in body
    upload = SimpleUploadedFile("p.csv", (HEADER + GOOD).encode())
    response = analyst.post("/en/observatory/incidents/import/", {"file": upload})
    assert response.status_code == 302 and Incident.objects.count() == 2


def test_management_command_dry_run(tmp_path):
    """`import_incidents --dry-run` lists the rows and saves nothing."""
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_incidents", str(good), "--dry-run", stdout=out)
    assert "Dry run: 2 incidents would be imported." in out.getvalue()
    assert Incident.objects.count() == 0


def test_column_mapping_renames_their_headers_to_ours(make_user):
    """A file whose headers differ imports once each header is mapped to one of our columns."""
    theirs = HEADER.replace("date,date_precision,country", "Date of death,Precision,Nation")
    with pytest.raises(ServiceError, match="The file's columns are: .*date of death"):
        run(theirs + GOOD, make_user)
    mapping = services.import_mapping_parse(
        "Date of death = date\nprecision=date_precision\n\n  NATION =  Country "
    )
    assert mapping == {"date of death": "date", "precision": "date_precision", "nation": "country"}
    report = services.incidents_import(
        actor=make_user("observatory_analyst"),
        data=(theirs + GOOD).encode(),
        filename="theirs.csv",
        mapping=mapping,
    )
    assert report.ok and report.created == 2
    assert Incident.objects.get(country="ML").date_start == dt.date(2023, 4, 12)


def test_bad_column_mapping_is_refused_with_a_message(client_as):
    """A mapping line without “=”, or to a column we do not have, is a 400 naming the line."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    analyst = client_as("observatory_analyst")
    for text, fragment in (
        ("Date of death", "Mapping line 1: write"),
        ("a = date\nb = birthday", "Mapping line 2: “birthday” is not one of our columns"),
    ):
        upload = SimpleUploadedFile("p.csv", (HEADER + GOOD).encode())
        response = analyst.post(
            "/en/observatory/incidents/import/", {"file": upload, "mapping": text}
        )
        assert response.status_code == 400 and fragment in response.content.decode()
    assert Incident.objects.count() == 0


def test_import_page_mapping_with_dry_run(client_as):
    """On the page, the mapping is applied in the dry run and kept for the real run."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    analyst = client_as("observatory_analyst")
    theirs = HEADER.replace("country", "nation", 1)
    upload = SimpleUploadedFile("p.csv", (theirs + GOOD).encode())
    response = analyst.post(
        "/en/observatory/incidents/import/",
        {"file": upload, "dry_run": "on", "mapping": "nation = country"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "would create 2 incidents" in body
    assert "nation = country</textarea>" in body and Incident.objects.count() == 0
