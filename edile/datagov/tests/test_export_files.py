"""The DCAT-AP catalogue (Turtle and JSON-LD) served as stored files: whole, with
`Content-Length` and `ETag`, 304 to a conditional GET, rebuilt after a write, streamed while
stale, and only the public catalogue (never an internal dataset, never a signed-in reader's)."""

import json
from typing import Any

import pytest
from rdflib import Graph

from edile.core import exportfiles
from edile.core.models import ExportFile
from edile.datagov.exportfiles import JSONLD, TURTLE
from edile.datagov.models import Classification
from edile.datagov.tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db

TTL = "/api/v1/datagov/catalog.ttl"
JSON = "/api/v1/datagov/catalog.jsonld"


@pytest.fixture(autouse=True)
def _site(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.EDILE_BASE_URL = "http://testserver"  # the test client's address


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what the block writes as if committed: its exports are rebuilt at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_both_files_are_served_whole(client: Any, committed: Any) -> None:
    with committed():
        DatasetFactory(title_fr="Déchets collectés")
        DatasetFactory(classification=Classification.INTERNAL, title_fr="Secret interne")
    for url, key, parse in ((TTL, TURTLE, "turtle"), (JSON, JSONLD, "json-ld")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Edile-Export"] == "file"
        body = _body(response)
        assert int(response["Content-Length"]) == len(body)
        assert response["ETag"] == f'"{ExportFile.objects.get(key=key).sha256}"'
        text = body.decode()
        assert "Déchets collectés" in text
        assert "Secret interne" not in text
        Graph().parse(data=text, format=parse)  # the whole file parses
    assert "@graph" in json.loads(_body(client.get(JSON)))


def test_a_conditional_get_is_304(client: Any, committed: Any) -> None:
    with committed():
        DatasetFactory()
    etag = client.get(TTL)["ETag"]
    response = client.get(TTL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_the_files_are_rebuilt_after_a_write(client: Any, committed: Any) -> None:
    with committed():
        dataset = DatasetFactory(title_fr="Avant")
    before = client.get(TTL)["ETag"]
    with committed():
        dataset.title_fr = "Après la correction"
        dataset.save()
    response = client.get(TTL)
    assert response["X-Edile-Export"] == "file"
    assert response["ETag"] != before
    assert "Après la correction" in _body(response).decode()
    assert "Après la correction" in _body(client.get(JSON)).decode()


def test_stale_files_fall_back_to_the_stream(client: Any, committed: Any) -> None:
    with committed():
        DatasetFactory(title_fr="Toujours là")
    exportfiles.mark_stale(TURTLE)
    response = client.get(TTL)
    assert response.status_code == 200
    assert "X-Edile-Export" not in response
    assert "Toujours là" in _body(response).decode()
    assert client.get(JSON)["X-Edile-Export"] == "file"  # the other one is still fresh


def test_pages_signed_in_readers_and_other_addresses_are_answered_live(
    client: Any, client_as: Any, committed: Any, settings: Any
) -> None:
    with committed():
        DatasetFactory()
        DatasetFactory(classification=Classification.INTERNAL, title_fr="Secret interne")
    assert "X-Edile-Export" not in client.get(TTL, {"page": 1, "page_size": 1})
    secretariat = client_as("secretariat")
    theirs = secretariat.get(TTL)
    assert "X-Edile-Export" not in theirs
    assert "Secret interne" in _body(theirs).decode()
    settings.EDILE_BASE_URL = "https://edile.example.org"
    assert "X-Edile-Export" not in client.get(TTL)


def test_describing_a_files_columns_rebuilds_the_catalogue_file(
    client: Any, committed: Any, make_user: Any
) -> None:
    """The data dictionary is in the catalogue (`dct:conformsTo`): saving it alone, with no
    other change to the dataset, rebuilds the stored file (a harvester would otherwise get the
    catalogue without it until the next unrelated write)."""
    from edile.datagov.services import ColumnDescription, data_dictionary_save
    from edile.datagov.tests.factories import csv_distribution
    from edile.datagov.tests.test_data_dictionary import CSV, DESCRIBED

    steward = make_user("public")
    with committed():
        dataset = DatasetFactory(steward=steward, slug="recensement")
        dist = csv_distribution(dataset, CSV)
    assert b"/csvw" not in _body(client.get(TTL))
    with committed():
        data_dictionary_save(
            user=steward,
            distribution=dist,
            columns=[ColumnDescription(**c) for c in DESCRIBED],
            expected_version=0,
        )
    response = client.get(TTL)
    assert response["X-Edile-Export"] == "file"
    assert f"distributions/{dist.pk}/csvw".encode() in _body(response)
