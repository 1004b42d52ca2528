"""Write a development `.env` at the project root when there is none (run by `make install`).

It holds DEBUG=true and freshly generated keys, so that every documented `manage.py` command
works as written after `make run`, without `DEBUG=true` in front. The file is in .gitignore and
is never overwritten: delete it to get a new one. Production sets its own real values (see
.env.example); without them, start-up still refuses to run.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dotenv_text() -> str:
    secret_key = secrets.token_urlsafe(50)
    field_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    backup_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    return (
        "# Written by `make install` for local development; never commit this file.\n"
        "# Production: start from .env.example and set real values.\n"
        "DEBUG=true\n"
        f"SECRET_KEY={secret_key}\n"
        f"FIELD_ENCRYPTION_KEYS={field_key}\n"
        f"BACKUP_KEY={backup_key}\n"
    )


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else ROOT / ".env"
    if path.exists():
        print(f"{path} exists: left as it is.")
        return 0
    path.write_text(dotenv_text(), encoding="utf-8")
    path.chmod(0o600)
    print(f"Wrote {path} (DEBUG=true and generated keys, for development only).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
