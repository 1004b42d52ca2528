"""Consistent, encrypted backups: the database and the uploaded files in one archive.

The archive (tar) holds `manifest.json`, the database (`database.sqlite3`, taken with SQLite's
online backup API, or `database.pgdump`, from `pg_dump --format=custom`) and `media/` (the
files under MEDIA_ROOT). The archive is written to disk, then encrypted with Fernet
(AES-128-CBC + HMAC) under `BACKUP_KEY`, a key kept somewhere else than the backups, in frames of
`CHUNK` bytes, so that neither a backup nor a restore holds more than one frame in memory
(the first version encrypted the whole archive in memory). Each frame carries its number and
whether it is the last, so a truncated, reordered or spliced file is refused. Encrypted fields
stay encrypted inside: restoring also needs the same FIELD_ENCRYPTION_KEYS.

File: `MAGIC`, then frames of a 4-byte big-endian length and a Fernet token of
(8-byte frame number, 1-byte last flag, data). Files of the first version (one Fernet token)
are still restored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connections

FORMAT = "edile-backup-1"  # the manifest's format (the archive inside)
MAGIC = b"EDILE-BACKUP-2\n"
CHUNK = 4 * 1024 * 1024


class BackupError(Exception):
    """Something a person can fix: a missing or wrong key, a busy target, a wrong engine."""


def _fernet(key: str | None = None) -> Fernet:
    key = key if key is not None else settings.BACKUP_KEY
    if not key:
        raise BackupError(
            'BACKUP_KEY is not set. Generate one with `python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"` and keep it away from '
            "the backups."
        )
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except ValueError:
        raise BackupError("BACKUP_KEY is not a Fernet key (32 url-safe base64 bytes).") from None


def _engine(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine == "django.db.backends.postgresql":
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_env(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES[alias]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client).")
    return found


def _dump_database(target: Path, alias: str = "default") -> str:
    engine = _engine(alias)
    if engine == "sqlite":
        source = sqlite3.connect(settings.DATABASES[alias]["NAME"])
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # a consistent snapshot, even while others write
        finally:
            dest.close()
            source.close()
        return "database.sqlite3"
    args, env = _pg_env(alias)
    subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        check=True,
        env=env,
        capture_output=True,
    )
    return "database.pgdump"


def backup_create(*, path: Path, key: str | None = None, alias: str = "default") -> dict[str, Any]:
    """Write the encrypted backup to `path`; returns the manifest."""
    fernet = _fernet(key)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "database"
        member = _dump_database(db_file, alias)
        files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        manifest = {
            "format": FORMAT,
            "engine": _engine(alias),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": member,
            "files": len(files),
        }
        archive = Path(tmp) / "archive.tar.gz"
        with tarfile.open(archive, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=member)
            for file in files:
                tar.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with archive.open("rb") as source, partial.open("wb") as target:
            partial.chmod(0o600)
            _encrypt_frames(fernet, source, target)
        partial.replace(path)
    return manifest


def _encrypt_frames(fernet: Fernet, source: Any, target: Any) -> None:
    target.write(MAGIC)
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        token = fernet.encrypt(number.to_bytes(8, "big") + bytes([last]) + chunk)
        target.write(len(token).to_bytes(4, "big") + token)
        if last:
            return
        number, chunk = number + 1, following


_UNREADABLE = (
    "This backup cannot be decrypted: BACKUP_KEY is not the key it was made with "
    "(or the file is not an Édile backup, or it is damaged)."
)


def _decrypt_frames(fernet: Fernet, source: Any, target: Any) -> None:
    """Write the archive of a framed backup to `target`; refuse a truncated or spliced one."""
    expected = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("This backup is incomplete (cut off before its end).")
        token = source.read(int.from_bytes(size_bytes, "big"))
        try:
            frame = fernet.decrypt(token)
        except InvalidToken:
            raise BackupError(_UNREADABLE) from None
        number, last = int.from_bytes(frame[:8], "big"), frame[8]
        if number != expected:
            raise BackupError("This backup is damaged (its parts are out of order).")
        target.write(frame[9:])
        if last:
            if source.read(1):
                raise BackupError("This backup is damaged (data after its end).")
            return
        expected += 1


def _archive_of(fernet: Fernet, path: Path, tmp: Path) -> Path:
    """The decrypted archive of the backup at `path`, written under `tmp`."""
    archive = tmp / "archive.tar.gz"
    with Path(path).open("rb") as source, archive.open("wb") as target:
        if source.read(len(MAGIC)) == MAGIC:
            _decrypt_frames(fernet, source, target)
            return archive
        source.seek(0)
        try:  # a backup of the first version: one token
            target.write(fernet.decrypt(source.read()))
        except InvalidToken:
            raise BackupError(_UNREADABLE) from None
    return archive


def _has_data(alias: str) -> bool:
    connection = connections[alias]
    try:
        tables = connection.introspection.table_names()
    except Exception:  # noqa: BLE001 - no database yet counts as empty
        return False
    return "django_migrations" in tables


def backup_restore(
    *, path: Path, key: str | None = None, alias: str = "default", force: bool = False
) -> dict[str, Any]:
    """Restore the database and the files of the backup at `path`."""
    fernet = _fernet(key)
    engine = _engine(alias)
    with tempfile.TemporaryDirectory() as tmp:
        restored = _extract(fernet, Path(path), Path(tmp), engine, alias, force)
        connections[alias].close()
        _restore_database(Path(tmp) / restored["database"], engine, alias)
        media_src = Path(tmp) / "media"
        if media_src.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_src, media_root, dirs_exist_ok=True)
    return restored


def _extract(
    fernet: Fernet, path: Path, tmp: Path, engine: str, alias: str, force: bool
) -> dict[str, Any]:
    """Check the backup's manifest against the current database, then unpack it in `tmp`."""
    archive = _archive_of(fernet, path, tmp)
    with tarfile.open(archive, mode="r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise BackupError("This file is not an Édile backup of a known format.")
        if manifest["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; the current database is "
                f"{engine}. Restore it with DATABASE_URL pointing to a {manifest['engine']} one."
            )
        if _has_data(alias) and not force:
            raise BackupError(
                "The current database is not empty. Restore into an empty database, or pass "
                "--force to replace everything in it."
            )
        tar.extractall(tmp, filter="data")
    archive.unlink()
    return manifest


def _restore_database(db_file: Path, engine: str, alias: str) -> None:
    if engine == "sqlite":
        source = sqlite3.connect(db_file)
        dest = sqlite3.connect(settings.DATABASES[alias]["NAME"])
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    args, env = _pg_env(alias)
    subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_program("pg_restore"), "--clean", "--if-exists", "--no-owner", *args, str(db_file)],
        check=True,
        env=env,
        capture_output=True,
    )
