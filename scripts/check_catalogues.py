"""Fail when a French catalogue has an untranslated or fuzzy message, or none at all."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    catalogues = sorted(ROOT.glob("edile/**/locale/fr/LC_MESSAGES/django.po"))
    if not catalogues:
        print("No French catalogue found.")
        return 1
    problems = 0
    for path in catalogues:
        po = polib.pofile(str(path))
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        if po.metadata_is_fuzzy:
            # A fuzzy header makes gettext tools treat the whole catalogue as a draft.
            fuzzy.append("(the catalogue header)")
        for msgid in untranslated:
            print(f"{path.relative_to(ROOT)}: untranslated: {msgid!r}")
        for msgid in fuzzy:
            print(f"{path.relative_to(ROOT)}: fuzzy: {msgid!r}")
        problems += len(untranslated) + len(fuzzy)
    print(f"French catalogues: {len(catalogues)} files, {problems} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
