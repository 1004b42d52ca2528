"""The one upload check: size, extension and content, for services and form fields."""

import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from edile.core.errors import ServiceError
from edile.core.uploads import (
    DOCUMENT_EXTENSIONS,
    UploadError,
    UploadValidator,
    upload_check,
)

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here; the French ones in the test that says so."""
    with translation.override("en"):
        yield


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["name", "population"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(name: str, data: bytes, extensions=DOCUMENT_EXTENSIONS, **kwargs) -> str:
    with pytest.raises(UploadError) as caught:
        upload_check(upload(name, data), extensions=extensions, **kwargs)
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("rapport.pdf", PDF, "pdf"),
        ("Photo.PNG", PNG, "png"),
        ("photo.jpg", JPEG, "jpeg"),
        ("budget.csv", b"nom;population\nDakar;1 200 000\n", "text"),
        ("budget-latin1.csv", "nom;région\nThiès;Thiès\n".encode("cp1252"), "text"),
        ("budget.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_real_files_are_accepted_with_their_kind(name, data, kind):
    """Each accepted file reports its kind and size, and is rewound for saving."""
    file = upload(name, data)
    info = upload_check(file, extensions=DOCUMENT_EXTENSIONS)
    assert (info.kind, info.size) == (kind, len(data))
    assert file.read(4) == data[:4]


def test_an_html_page_named_pdf_is_refused():
    """The defect of issue 16: grants checked only the extension."""
    message = refusal("rapport.pdf", HTML)
    assert message == (
        "The file's content does not match its extension .pdf. Export it again as a real .pdf file."
    )


def test_an_html_page_named_csv_is_refused_as_markup():
    message = refusal("budget.csv", HTML)
    assert "web-page markup" in message


def test_a_zip_that_is_not_a_spreadsheet_is_refused_as_xlsx():
    message = refusal("budget.xlsx", zip_bytes({"evil.html": HTML}))
    assert message.startswith("The file's content does not match its extension .xlsx")


def test_an_ods_is_recognised_by_its_mimetype_entry():
    ods = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    info = upload_check(upload("budget.ods", ods), extensions=[".ods"])
    assert info.content_type == "application/vnd.oasis.opendocument.spreadsheet"
    odt = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"})
    assert "does not match" in refusal("budget.ods", odt, extensions=[".ods"])


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("data.json", b' {"a": 1}', True),
        ("data.json", b"a,b\n1,2\n", False),
        ("data.geojson", b'{"type": "FeatureCollection", "features": []}', True),
        ("data.xml", b'<?xml version="1.0"?><root/>', True),
        ("data.xml", b'<html xmlns="http://www.w3.org/1999/xhtml"><script/></html>', False),
        ("data.xml", b"<svg onload='alert(1)'/>", False),
    ],
)
def test_json_and_xml_must_look_like_json_and_xml(name, data, accepted):
    extensions = [".json", ".geojson", ".xml"]
    if accepted:
        assert upload_check(upload(name, data), extensions=extensions).kind in {"json", "xml"}
    else:
        with pytest.raises(UploadError):
            upload_check(upload(name, data), extensions=extensions)


def test_binary_content_named_csv_is_refused():
    assert "binary content" in refusal("budget.csv", PNG)


def test_an_extension_the_caller_does_not_allow_is_refused_with_the_list():
    message = refusal("script.exe", b"MZ\x90\x00", extensions=[".pdf", ".csv"])
    assert message == "This type of file is not accepted. Upload one of: .pdf, .csv."


def test_a_file_without_extension_is_refused():
    assert refusal("README", b"hello").startswith("This type of file is not accepted")


@override_settings(EDILE_MAX_UPLOAD_BYTES=10)
def test_too_large_a_file_is_refused_with_both_sizes():
    assert refusal("budget.csv", b"a" * 11) == (
        "The file is too large (11\xa0bytes; the limit is 10\xa0bytes)."
    )


def test_a_caller_may_set_a_smaller_limit():
    assert "too large" in refusal("photo.png", PNG, extensions=[".png"], max_bytes=8)


def test_an_empty_file_is_refused():
    assert refusal("budget.csv", b"") == "The file is empty."


def test_an_upload_error_is_a_service_error_answering_400():
    assert issubclass(UploadError, ServiceError)
    assert UploadError("x").status_code == 400


def test_an_extension_without_a_content_rule_is_a_programming_error():
    with pytest.raises(ValueError, match="No content check"):
        upload_check(upload("a.exe", b"MZ"), extensions=[".exe"])


class DocumentForm(forms.Form):
    file = forms.FileField(validators=[UploadValidator(DOCUMENT_EXTENSIONS)])


def test_the_validator_refuses_on_a_form_field_with_the_same_message():
    form = DocumentForm(data={}, files={"file": upload("rapport.pdf", HTML)})
    assert not form.is_valid()
    assert form.errors["file"] == [
        "The file's content does not match its extension .pdf. Export it again as a real .pdf file."
    ]
    good = DocumentForm(data={}, files={"file": upload("rapport.pdf", PDF)})
    assert good.is_valid()


def test_the_validator_raises_validation_error_and_deconstructs():
    validator = UploadValidator([".pdf"], max_bytes=100)
    with pytest.raises(ValidationError):
        validator(upload("a.pdf", HTML))
    path, args, kwargs = validator.deconstruct()
    assert path == "edile.core.uploads.UploadValidator"
    assert UploadValidator(*args, **kwargs) == validator


def test_the_messages_are_in_the_reader_language():
    with translation.override("fr"):
        message = refusal("rapport.pdf", HTML)
    assert message == (
        "Le contenu du fichier ne correspond pas à son extension .pdf. "
        "Exportez-le de nouveau en véritable fichier .pdf."
    )
