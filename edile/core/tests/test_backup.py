"""`manage.py backup` and `restore`: one encrypted archive of the database and the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edile.core.tests.serving import manage

pytestmark = pytest.mark.serving

BACKUP_KEY = "Ixq0ehdlbJ3SCZ2MpNo5QUuDuwFe-tsHKRfUt73hTzU="
FIELD_KEY = "9Kq3m6l1pE0m2b8o0k0rH9w3oXo2y3o0kVbqk5o5d2E="
KEYS = {"BACKUP_KEY": BACKUP_KEY, "FIELD_ENCRYPTION_KEYS": FIELD_KEY}

SEED = """
import json
from django.core.files.base import ContentFile
from edile.grants.models import Document
from edile.grants.tests.factories import make_application
from edile.observatory.tests.factories import make_incident
make_incident()
application = make_application()
document = Document(application=application, title="Étude")
document.file.save("etude.pdf", ContentFile(b"%PDF-1.4 etude de faisabilite"), save=True)
print(json.dumps({"document": document.file.name}))
"""

READ = """
import json
from edile.grants.models import Document
from edile.members.models import LocalGovernment
from edile.observatory.models import Victim
document = Document.objects.get()
print(json.dumps({
    "victims": [v.contact for v in Victim.objects.all()],
    "local_governments": LocalGovernment.objects.count(),
    "history": LocalGovernment.history.count(),
    "document": document.file.name,
    "content": document.file.open("rb").read().decode(),
}))
"""


def _json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_backup_then_restore_into_an_empty_database_brings_everything_back(
    tmp_path: Path, file_database: Path
):
    """Records, history rows, uploaded files and encrypted fields (readable) come back; the
    archive holds none of them in plain text; a wrong key is an error, and so is restoring
    over a database that has data without --force."""
    seeded = _json(manage(tmp_path, "shell", "-c", SEED, **KEYS))
    archive = tmp_path / "backups" / "edile.backup"
    made = manage(tmp_path, "backup", str(archive), **KEYS)
    assert made.returncode == 0, made.stderr
    # The uploaded document and the public export files built from the data (core.exportfiles):
    # every file of the media folder, so that a restored site serves what it served.
    media = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert tmp_path / "media" / seeded["document"] in media
    assert any(p.parent.name == "exports" for p in media)
    assert f"and {len(media)} file(s)." in made.stdout
    raw = archive.read_bytes()
    assert b"555 0101" not in raw and b"PDF-1.4" not in raw and b"SQLite" not in raw

    target = tmp_path / "restored"
    target.mkdir()
    restored = manage(target, "restore", str(archive), **KEYS)
    assert restored.returncode == 0, restored.stderr
    after = _json(manage(target, "shell", "-c", READ, **KEYS))
    assert after["victims"] == ["+223 555 0101"]
    assert after["local_governments"] == 1
    assert after["history"] >= after["local_governments"]
    assert after["document"] == seeded["document"]
    assert after["content"] == "%PDF-1.4 etude de faisabilite"

    wrong = manage(
        tmp_path / "restored",
        "restore",
        str(archive),
        "--force",
        BACKUP_KEY="tTd0RmHDhYxq3xpDLd3bIhGNQzgIuxS5Ffn1KY0-9Jk=",
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
    )
    assert wrong.returncode != 0
    assert "cannot be decrypted" in wrong.stderr

    busy = manage(tmp_path, "restore", str(archive), **KEYS)
    assert busy.returncode != 0
    assert "The current database is not empty" in busy.stderr

    other_field_key = manage(
        target,
        "shell",
        "-c",
        READ,
        BACKUP_KEY=BACKUP_KEY,
        FIELD_ENCRYPTION_KEYS="tTd0RmHDhYxq3xpDLd3bIhGNQzgIuxS5Ffn1KY0-9Jk=",
    )
    assert other_field_key.returncode != 0
    assert "EncryptionKeyError" in other_field_key.stderr


def test_backup_without_a_key_says_how_to_make_one(tmp_path: Path):
    result = manage(tmp_path, "backup", str(tmp_path / "x.backup"), BACKUP_KEY="")
    assert result.returncode != 0
    assert "BACKUP_KEY is not set" in result.stderr


def _frames_round_trip(data: bytes, monkeypatch, chunk: int) -> tuple[bytes, list[int], bytes]:
    import io

    from cryptography.fernet import Fernet

    from edile.core import backup

    monkeypatch.setattr(backup, "CHUNK", chunk)
    fernet = Fernet(BACKUP_KEY)
    sizes: list[int] = []
    encrypt = fernet.encrypt

    def spy(plain: bytes) -> bytes:
        sizes.append(len(plain))
        return encrypt(plain)

    monkeypatch.setattr(fernet, "encrypt", spy)
    encrypted = io.BytesIO()
    backup._encrypt_frames(fernet, io.BytesIO(data), encrypted)
    out = io.BytesIO()
    source = io.BytesIO(encrypted.getvalue())
    assert source.read(len(backup.MAGIC)) == backup.MAGIC
    backup._decrypt_frames(fernet, source, out)
    return out.getvalue(), sizes, encrypted.getvalue()


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5432])
def test_the_archive_is_encrypted_in_frames_never_whole_in_memory(monkeypatch, size):
    """No encryption call sees more than one frame (the first version encrypted the whole
    archive, database and files, in memory); the frames give the archive back exactly."""
    data = bytes(i % 251 for i in range(size))
    restored, sizes, _ = _frames_round_trip(data, monkeypatch, chunk=1000)
    assert restored == data
    assert max(sizes) <= 1000 + 9  # the frame number and the last flag
    assert len(sizes) == max(1, -(-size // 1000))


def test_a_cut_or_spliced_backup_is_refused(monkeypatch):
    import io

    from cryptography.fernet import Fernet

    from edile.core import backup

    _, _, encrypted = _frames_round_trip(b"x" * 3500, monkeypatch, chunk=1000)
    fernet = Fernet(BACKUP_KEY)
    body = encrypted[len(backup.MAGIC) :]
    frames = []
    while body:
        size = int.from_bytes(body[:4], "big")
        frames.append(body[: 4 + size])
        body = body[4 + size :]
    assert len(frames) == 4
    cases = {
        "cut before its end": b"".join(frames[:2]),
        "out of order": frames[1] + frames[0] + b"".join(frames[2:]),
        "data after its end": b"".join(frames) + frames[0],
    }
    for reason, damaged in cases.items():
        with pytest.raises(backup.BackupError, match=reason.split()[0]):
            backup._decrypt_frames(fernet, io.BytesIO(damaged), io.BytesIO())
