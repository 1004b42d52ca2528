"""IATI and 360Giving served as stored files: whole, with `Content-Length` and `ETag`, 304 to
a conditional GET, rebuilt after a write, and streamed while the file is stale."""

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage

from edile.core import exportfiles
from edile.core.models import ExportFile
from edile.grants import exportfiles as grants_exportfiles
from edile.grants.tests.factories import make_grant

pytestmark = pytest.mark.django_db

IATI_URL = "/api/v1/grants/iati-activities.xml"
GIVING_URL = "/api/v1/grants/360giving.json"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what the block writes as if committed: its exports are rebuilt at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_iati_fresh_file_is_served_whole(client: Any) -> None:
    grant = make_grant()
    rows = exportfiles.build(grants_exportfiles.IATI)
    assert sorted(r.language for r in rows) == ["en", "fr"]
    response = client.get(IATI_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["X-Edile-Export"] == "file"
    body = _body(response)
    assert int(response["Content-Length"]) == len(body)
    english = ExportFile.objects.get(key=grants_exportfiles.IATI, language="en")
    assert response["ETag"] == f'"{english.sha256}"'
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert 'filename="iati-activities.xml"' in response["Content-Disposition"]
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert body.endswith(b"</iati-activities>\n")
    assert grant.application.reference.encode() in body


def test_iati_conditional_get_is_304(client: Any) -> None:
    make_grant()
    exportfiles.build(grants_exportfiles.IATI)
    etag = client.get(IATI_URL)["ETag"]
    response = client.get(IATI_URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_iati_is_rebuilt_after_a_write(client: Any, committed: Any) -> None:
    with committed():
        grant = make_grant()
    before = client.get(IATI_URL)
    assert before["X-Edile-Export"] == "file"
    old_path = ExportFile.objects.get(key=grants_exportfiles.IATI, language="fr").path
    application = grant.application
    with committed():
        application.title_fr = "Un titre tout neuf"
        application.save()
    after = client.get(IATI_URL)
    assert after["X-Edile-Export"] == "file"
    assert after["ETag"] != before["ETag"]
    assert b"Un titre tout neuf" in _body(after)
    assert not default_storage.exists(old_path)


def test_a_stale_iati_file_falls_back_to_the_stream(client: Any) -> None:
    make_grant()
    exportfiles.build(grants_exportfiles.IATI)
    exportfiles.mark_stale(grants_exportfiles.IATI)
    response = client.get(IATI_URL)
    assert response.status_code == 200
    assert "X-Edile-Export" not in response
    assert "ETag" not in response
    assert _body(response).endswith(b"</iati-activities>\n")


def test_no_file_yet_streams(client: Any) -> None:
    make_grant()
    response = client.get(GIVING_URL)
    assert response.status_code == 200
    assert "X-Edile-Export" not in response
    assert len(json.loads(_body(response))["grants"]) == 1


def test_360giving_file_served_whole_304_and_rebuilt(client: Any, committed: Any) -> None:
    with committed():
        make_grant()
    row = ExportFile.objects.get(key=grants_exportfiles.GIVING)
    assert row.language == ""
    response = client.get(GIVING_URL)
    body = _body(response)
    assert response["X-Edile-Export"] == "file"
    assert int(response["Content-Length"]) == len(body) == row.size
    assert len(json.loads(body)["grants"]) == 1
    assert client.get(GIVING_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    with committed():
        make_grant()
    response = client.get(GIVING_URL)
    assert response["X-Edile-Export"] == "file"
    assert len(json.loads(_body(response))["grants"]) == 2


def test_the_api_description_declares_304() -> None:
    from edile.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in (IATI_URL, GIVING_URL):
        assert "304" in paths[path]["get"]["responses"]
