"""Many threads write at once to a file SQLite database, with Édile's real settings.

Run by test_serving.py in a subprocess (DATABASE_URL points to a file). Each writer reads,
then writes, inside one transaction, the pattern of every service (check, then save). Prints
a JSON line: the rows written and the errors by message.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter

import django

django.setup()

from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

WRITERS = int(sys.argv[1]) if len(sys.argv) > 1 else 16
WRITES = int(sys.argv[2]) if len(sys.argv) > 2 else 20

with connection.schema_editor() as editor:
    editor.create_model(Session)
connection.close()

errors: Counter[str] = Counter()
lock = threading.Lock()
barrier = threading.Barrier(WRITERS)


def writer(n: int) -> None:
    barrier.wait()
    try:
        for i in range(WRITES):
            try:
                with transaction.atomic():
                    count = Session.objects.count()  # read first: a deferred lock upgrades
                    Session.objects.create(
                        session_key=f"w{n:03d}-{i:04d}",
                        session_data=str(count),
                        expire_date=timezone.now(),
                    )
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors[str(exc)] += 1
    finally:
        connections.close_all()


threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
print(
    json.dumps({"rows": Session.objects.count(), "errors": dict(errors), "journal_mode": journal})
)
