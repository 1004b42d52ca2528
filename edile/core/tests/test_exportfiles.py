"""Public exports built as files: built whole, served with ETag / 304, rebuilt after writes
(once per transaction, never per row in a bulk load), and never served stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import translation

from edile.core import exportfiles
from edile.core.models import ExportFile

KEY = "core-test.groups.csv"


class Counter:
    def __init__(self) -> None:
        self.builds = 0
        self.extra: Any = None

    def write(self, out: Any) -> None:
        self.builds += 1
        if self.extra:
            self.extra()
        names = ",".join(Group.objects.order_by("name").values_list("name", flat=True))
        out.write(f"groups:{names}\n".encode())


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def export(db: Any, media: Any) -> Iterator[Counter]:
    counter = Counter()
    exportfiles.register(KEY, counter.write, filename="groups.csv", content_type="text/csv")
    disconnect = exportfiles.watch(KEY, Group)
    yield counter
    disconnect()
    exportfiles.unregister(KEY)


def get(**headers: str) -> Any:
    return RequestFactory().get("/groups.csv", headers=headers)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_build_writes_the_whole_file_and_records_it(export: Counter) -> None:
    Group.objects.create(name="b")
    Group.objects.create(name="a")
    [row] = exportfiles.build(KEY)
    content = b"groups:a,b\n"
    assert row.size == len(content)
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.built_at is not None
    assert row.stale is False
    assert row.path.startswith("exports/")
    with default_storage.open(row.path, "rb") as handle:
        assert handle.read() == content


def test_a_fresh_file_is_served_whole_with_its_headers(export: Counter) -> None:
    Group.objects.create(name="a")
    [row] = exportfiles.build(KEY)
    response = exportfiles.serve(get(), KEY)
    assert response is not None
    assert response.status_code == 200
    assert body(response) == b"groups:a\n"
    assert response["Content-Length"] == "9"
    assert response["ETag"] == f'"{row.sha256}"'
    assert response["Last-Modified"].endswith("GMT")
    assert response["Content-Type"] == "text/csv"
    assert 'filename="groups.csv"' in response["Content-Disposition"]
    assert response["X-Edile-Export"] == "file"


def test_conditional_get_answers_304(export: Counter) -> None:
    [row] = exportfiles.build(KEY)
    response = exportfiles.serve(get(if_none_match=row.etag), KEY)
    assert response is not None
    assert response.status_code == 304
    assert response["ETag"] == row.etag
    last_modified = exportfiles.serve(get(), KEY)["Last-Modified"]  # type: ignore[index]
    response = exportfiles.serve(get(if_modified_since=last_modified), KEY)
    assert response is not None and response.status_code == 304
    response = exportfiles.serve(get(if_none_match='"something-else"'), KEY)
    assert response is not None and response.status_code == 200


def test_no_file_yet_or_a_stale_file_is_not_served(export: Counter) -> None:
    assert exportfiles.serve(get(), KEY) is None
    exportfiles.build(KEY)
    exportfiles.mark_stale(KEY)
    assert exportfiles.serve(get(), KEY) is None


def test_a_missing_stored_file_falls_back(export: Counter) -> None:
    [row] = exportfiles.build(KEY)
    default_storage.delete(row.path)
    assert exportfiles.serve(get(), KEY) is None


def test_a_write_rebuilds_the_file_after_commit(
    export: Counter, django_capture_on_commit_callbacks: Any
) -> None:
    [first] = exportfiles.build(KEY)
    with django_capture_on_commit_callbacks(execute=True):
        Group.objects.create(name="new")
    row = ExportFile.objects.get(key=KEY)
    assert export.builds == 2
    assert row.stale is False and row.build_pending is False
    assert row.sha256 != first.sha256
    assert body(exportfiles.serve(get(), KEY)) == b"groups:new\n"
    assert not default_storage.exists(first.path)  # the old file is gone


def test_many_writes_in_one_transaction_build_once(
    export: Counter, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(5):
            Group.objects.create(name=f"g{i}")
        Group.objects.filter(name="g0").delete()
        Group.objects.get(name="g1").delete()
    assert len(callbacks) == 1
    assert export.builds == 1


def test_a_rolled_back_write_builds_nothing(
    export: Counter, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Group.objects.create(name="never")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert export.builds == 0


def test_one_pending_build_per_key(export: Counter) -> None:
    exportfiles.build(KEY)
    ExportFile.objects.filter(key=KEY).update(build_pending=True)
    assert exportfiles.schedule(KEY) is False  # a build is already queued: none added
    assert export.builds == 1
    row = ExportFile.objects.get(key=KEY)
    assert row.stale is True  # but no one is served the old file meanwhile


def test_a_write_during_a_build_leaves_the_file_stale(export: Counter) -> None:
    export.extra = lambda: exportfiles.mark_stale(KEY)
    exportfiles.build(KEY)
    assert ExportFile.objects.get(key=KEY).stale is True
    assert exportfiles.serve(get(), KEY) is None


def test_deferred_builds_once_at_exit(
    export: Counter, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, exportfiles.deferred():
        for i in range(20):
            Group.objects.create(name=f"g{i:02}")
        assert export.builds == 0
    assert callbacks == []
    assert export.builds == 1
    assert ExportFile.objects.get(key=KEY).stale is False


def test_deferred_builds_named_keys_for_bulk_create(export: Counter) -> None:
    with exportfiles.deferred(KEY):
        Group.objects.bulk_create([Group(name="bulk")])  # no signal
    assert export.builds == 1
    assert body(exportfiles.serve(get(), KEY)) == b"groups:bulk\n"


def test_deferred_only_marks_stale_on_error(export: Counter) -> None:
    exportfiles.build(KEY)
    with pytest.raises(ValueError), exportfiles.deferred():
        Group.objects.create(name="half")
        raise ValueError
    assert export.builds == 1
    assert ExportFile.objects.get(key=KEY).stale is True


def test_per_language_exports_have_one_file_per_language(db: Any, media: Any) -> None:
    def write(out: Any) -> None:
        out.write(translation.get_language().encode())

    exportfiles.register("core-test.lang", write, filename="l.txt", content_type="text/plain")
    exportfiles.register(
        "core-test.lang", write, filename="l.txt", content_type="text/plain", per_language=True
    )
    try:
        rows = exportfiles.build("core-test.lang")
        assert sorted(r.language for r in rows) == ["en", "fr"]
        for language in ("en", "fr"):
            with translation.override(language):
                response = exportfiles.serve(get(), "core-test.lang")
                assert response is not None
                assert body(response) == language.encode()
                assert "Accept-Language" in response["Vary"]
    finally:
        exportfiles.unregister("core-test.lang")


def test_build_exports_command(export: Counter, capsys: Any) -> None:
    call_command("build_exports", KEY, "--now")
    assert export.builds == 1
    assert f"{KEY}: built" in capsys.readouterr().out
    call_command("build_exports", KEY)  # enqueued: the immediate backend runs it
    assert export.builds == 2
    assert ExportFile.objects.get(key=KEY).build_pending is False
    with pytest.raises(CommandError, match="Unknown export"):
        call_command("build_exports", "nope")
    call_command("build_exports", "--list")
    assert KEY in capsys.readouterr().out
