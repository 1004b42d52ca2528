"""The public incidents CSV served as a stored file: whole, with `Content-Length` and `ETag`,
304 to a conditional GET, rebuilt after a write, streamed while stale — and never holding an
unpublished or confidential incident, whoever made the write that rebuilt it."""

from typing import Any

import pytest

from edile.core import exportfiles
from edile.core.models import ExportFile
from edile.observatory import services
from edile.observatory.exportfiles import INCIDENTS
from edile.observatory.tests.factories import SECRET_VICTIM, make_incident, make_secret_incident

pytestmark = pytest.mark.django_db

URL = "/api/v1/observatory/incidents.csv"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what the block writes as if committed: its exports are rebuilt at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _text(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_fresh_file_is_served_whole(client: Any, committed: Any) -> None:
    with committed():
        incident = make_incident()
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["X-Edile-Export"] == "file"
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    row = ExportFile.objects.get(key=INCIDENTS, language="en")
    assert response["ETag"] == f'"{row.sha256}"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incidents.csv"'
    lines = body.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("reference,date,date_end,date_precision,country")
    assert len(lines) == 2 and incident.reference in lines[1]


def test_a_conditional_get_is_304(client: Any, committed: Any) -> None:
    with committed():
        make_incident()
    etag = client.get(URL)["ETag"]
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_the_file_is_rebuilt_after_a_write(client: Any, committed: Any) -> None:
    with committed():
        make_incident()
    before = client.get(URL)
    with committed():
        second = make_incident(country="SN")
    after = client.get(URL)
    assert after["X-Edile-Export"] == "file"
    assert after["ETag"] != before["ETag"]
    assert second.reference in _text(after)


def test_a_stale_file_falls_back_to_the_stream(client: Any, committed: Any) -> None:
    with committed():
        make_incident()
    exportfiles.mark_stale(INCIDENTS)
    response = client.get(URL)
    assert response.status_code == 200
    assert "X-Edile-Export" not in response
    assert len(_text(response).strip().splitlines()) == 2


def test_a_filtered_export_is_never_the_file(client: Any, committed: Any) -> None:
    with committed():
        make_incident(country="ML")
        make_incident(country="SN")
    response = client.get(URL + "?country=SN")
    assert "X-Edile-Export" not in response
    assert len(_text(response).strip().splitlines()) == 2


def test_the_file_holds_no_hidden_incident_after_an_analysts_edit(
    client_as: Any, committed: Any
) -> None:
    """An analyst's edits rebuild the shared file, which still holds only what the public
    may read: no unpublished incident, no confidential victim's name."""
    analyst = client_as("observatory_analyst")
    with committed():
        public = make_incident()
        hidden = make_incident(published=False, title_fr="Affaire non publiée")
        secret = make_secret_incident()
    with committed():
        services.incident_update(
            actor=analyst.user,
            incident=hidden,
            data={"title_fr": "Affaire toujours non publiée"},
            expected_version=hidden.version,
        )
        victim = secret.victims.get()
        services.victim_update(actor=analyst.user, victim=victim, data={"contact": "+223 1"})
    rows = ExportFile.objects.filter(key=INCIDENTS)
    assert rows.count() == 2 and not any(row.stale for row in rows)
    anonymous = client_as(None).get(URL)
    assert anonymous["X-Edile-Export"] == "file"
    text = _text(anonymous)
    assert public.reference in text and secret.reference in text
    assert hidden.reference not in text
    assert "non publiée" not in text
    assert SECRET_VICTIM not in text
    # The analyst's own CSV is never the shared file: it is written for the request.
    theirs = analyst.get(URL)
    assert "X-Edile-Export" not in theirs
    assert theirs["X-Edile-Audience"] == "confidential-internal"
    assert hidden.reference in _text(theirs)
    # …but the public file asked for explicitly is.
    assert analyst.get(URL + "?audience=public")["X-Edile-Export"] == "file"
