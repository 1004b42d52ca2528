"""Consistent, encrypted backups: the database and the uploaded files in one archive.

The archive (tar) holds `manifest.json`, the database (`database.sqlite3`, taken with SQLite's
online backup API, or `database.pgdump`, from `pg_dump --format=custom`) and `media/` (the
files under MEDIA_ROOT). The whole archive is encrypted with Fernet (AES-128-CBC + HMAC) under
`BACKUP_KEY`, a key kept somewhere else than the backups. Encrypted fields stay encrypted
inside: restoring also needs the same FIELD_ENCRYPTION_KEYS.
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

FORMAT = "edile-backup-1"


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
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=member)
            for file in files:
                tar.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
    token = fernet.encrypt(buffer.getvalue())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(token)
    partial.chmod(0o600)
    partial.replace(path)
    return manifest


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
    try:
        plain = fernet.decrypt(Path(path).read_bytes())
    except InvalidToken:
        raise BackupError(
            "This backup cannot be decrypted: BACKUP_KEY is not the key it was made with "
            "(or the file is not an Édile backup, or it is damaged)."
        ) from None
    engine = _engine(alias)
    with (
        tempfile.TemporaryDirectory() as tmp,
        tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar,
    ):
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
        connections[alias].close()
        db_file = Path(tmp) / manifest["database"]
        if engine == "sqlite":
            source = sqlite3.connect(db_file)
            dest = sqlite3.connect(settings.DATABASES[alias]["NAME"])
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            args, env = _pg_env(alias)
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *args,
                    str(db_file),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        media_src = Path(tmp) / "media"
        if media_src.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_src, media_root, dirs_exist_ok=True)
    return manifest
