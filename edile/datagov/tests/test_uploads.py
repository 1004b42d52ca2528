"""Uploaded distributions: size and type are checked, and files are served so that no browser runs them."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edile.datagov.models import Distribution
from edile.datagov.tests.factories import DatasetFactory


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def focal(db, client_as):
    ds = DatasetFactory()
    client = client_as("focal_point", local_government=ds.publisher)
    return client, ds


def _upload(client, ds, name: str, content: bytes):
    return client.post(
        f"/fr/data/datasets/{ds.slug}/distributions/",
        {"title": "t", "file": SimpleUploadedFile(name, content)},
    )


def test_csv_upload_records_size_checksum_and_is_served_as_attachment(focal):
    """An uploaded CSV gets its size and SHA-256; it downloads as an attachment with nosniff."""
    client, ds = focal
    content = b"a,b\n1,2\n"
    assert _upload(client, ds, "data.csv", content).status_code == 302
    dist = Distribution.objects.get(dataset=ds)
    assert dist.byte_size == len(content)
    assert dist.checksum == hashlib.sha256(content).hexdigest()
    response = client.get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/download/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("evil.svg", b"<svg onload=alert(1)></svg>"),
        ("data.csv", b"<!doctype html><script>alert(1)</script>"),
        ("report.pdf", b"not a pdf at all"),
        ("empty.csv", b""),
        ("run.js", b"alert(1)"),
        # Passed datagov's own check (it only read "PK"): now core.uploads opens the zip.
        ("table.xlsx", _zip({"readme.txt": b"not a spreadsheet"})),
        ("table.ods", _zip({"content.xml": b"<x/>"})),
        ("data.json", b"\x00\x01binary"),
    ],
)
def test_dangerous_or_mislabelled_uploads_are_refused(focal, name, content):
    """Web pages, scripts, SVG, empty files and files whose content lies about their type are refused."""
    client, ds = focal
    response = _upload(client, ds, name, content)
    assert response.status_code == 400
    assert not Distribution.objects.filter(dataset=ds).exists()


def test_too_large_upload_is_refused(focal, settings):
    """A file over the size limit is refused with a message."""
    settings.EDILE_MAX_UPLOAD_BYTES = 10
    client, ds = focal
    response = _upload(client, ds, "big.csv", b"a,b\n" * 10)
    assert response.status_code == 400
    assert "too large" in response.content.decode() or "trop" in response.content.decode()


def test_csv_preview_shows_columns_and_types(focal):
    """The preview lists the first rows and a guessed type per column."""
    client, ds = focal
    _upload(client, ds, "data.csv", b"name,count,day\nA,1,2024-01-02\nB,2,2024-01-03\n")
    dist = Distribution.objects.get(dataset=ds)
    page = client.get(
        f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/preview/"
    ).content.decode()
    assert "count" in page and "entier" in page and "date" in page
