"""The one exporter: a column spec written as CSV (in the reader's conventions) or XLSX."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from edile.core.exports import Column, csv_response, export_response, sheet_name

CHOICES = [("city", _("City")), ("region", _("Region"))]
COLUMNS = [
    Column(_("Name"), "name"),
    Column(_("Kind"), "kind", choices=CHOICES),
    Column(_("Population"), "population"),
    Column(_("Latitude"), "latitude"),
    Column("founded", "founded"),
    Column(_("Active"), "active"),
    Column("Twice", lambda row: row["population"] * 2),
]
ROWS = [
    {
        "name": "Thiès",
        "kind": "city",
        "population": 320000,
        "latitude": Decimal("14.7910"),
        "founded": dt.date(1864, 1, 1),
        "active": True,
    },
    {
        "name": '=HYPERLINK("http://evil")',
        "kind": "region",
        "population": 5,
        "latitude": -0.5,
        "founded": None,
        "active": False,
    },
]


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_french_csv_uses_semicolons_decimal_commas_and_translated_labels():
    """A French reader's spreadsheet opens it without a wizard."""
    with translation.override("fr"):
        response = export_response("csv", COLUMNS, ROWS, filename="communes")
        text = body(response)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="communes.csv"'
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["Nom", "Type", "Population", "Latitude", "founded", "Actif", "Twice"]
    assert lines[1] == ["Thiès", "Ville", "320000", "14,7910", "1864-01-01", "oui", "640000"]
    # A formula is written as text, never run; negative decimals keep their sign.
    assert lines[2] == ['\'=HYPERLINK("http://evil")', "Région", "5", "-0,5", "", "non", "10"]


def test_english_csv_uses_commas_and_decimal_points():
    with translation.override("en"):
        text = body(export_response("csv", COLUMNS, ROWS, filename="cities"))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][:3] == ["Name", "Kind", "Population"]
    assert lines[1] == ["Thiès", "City", "320000", "14.7910", "1864-01-01", "yes", "640000"]


def test_a_machine_readable_csv_ignores_the_language():
    with translation.override("fr"):
        text = body(export_response("csv", COLUMNS, ROWS, filename="x", localised=False))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[1][3:6] == ["14.7910", "1864-01-01", "true"]


def test_xlsx_has_real_cells_a_real_sheet_name_and_a_bold_frozen_header():
    with translation.override("fr"):
        response = export_response(
            "xlsx", COLUMNS, ROWS, filename="communes", sheet_title=_("Region")
        )
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == 'attachment; filename="communes.xlsx"'
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Région"]
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Type", "Population", "Latitude", "founded", "Actif", "Twice")
    assert rows[1] == ("Thiès", "Ville", 320000, 14.791, dt.datetime(1864, 1, 1), True, 640000)
    assert rows[2][0] == '=HYPERLINK("http://evil")'
    assert sheet["A2"].data_type == "s" and sheet["A3"].data_type == "s"
    assert sheet["A1"].font.bold is True
    assert sheet.freeze_panes == "A2"


def test_rows_may_be_objects_with_dotted_paths():
    class Country:
        code = "SN"

    class Row:
        name = "Dakar"
        country = Country()

    columns = [Column("name", "name"), Column("country", "country.code")]
    text = body(export_response("csv", columns, [Row()], filename="x", localised=False))
    assert text.splitlines()[1] == "Dakar,SN"


def test_choice_labels_are_translated_once_per_export_not_per_row():
    calls = []

    class Label:
        def __str__(self):
            calls.append(1)
            return "City"

    columns = [Column("kind", "kind", choices=[("city", Label())])]
    rows = [{"kind": "city"}] * 100
    text = body(export_response("csv", columns, rows, filename="x", localised=False))
    assert text.count("City") == 100
    assert len(calls) == 1


def test_an_unknown_code_is_written_as_it_is():
    text = body(
        export_response("csv", [COLUMNS[1]], [{"kind": "other"}], filename="x", localised=False)
    )
    assert text.splitlines()[1] == "other"


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response("ods", COLUMNS, ROWS, filename="x")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Projets : 2024/2025 [brouillon]", "Projets   2024 2025  brouillon"),
        ("", "Data"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_names_are_ones_excel_accepts(title, expected):
    assert sheet_name(title) == expected


def test_the_older_csv_entry_point_still_writes_values_as_before():
    response = csv_response(["a", "b"], [["=1", 1.5], [None, True]], "old")
    assert body(response).lstrip("\ufeff").splitlines() == ["a,b", "'=1,1.5", ",True"]
