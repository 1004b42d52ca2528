"""French-aware search terms, the same on SQLite and PostgreSQL.

Text is folded (Unicode compatibility, accents, case, typographic and straight apostrophes:
"L’EAU" → "l eau"), stop words dropped, and each word reduced to its French and English
Snowball stems ("données" → "donne", "potables" → "potabl"). A dataset stores the stems of its
titles (`search_title`) and of all its text (`search_text`) as " stem stem … "; a query word
matches when one of its stems is there. Both databases run the same LIKE on the same strings,
so they give the same answers (docs/decisions/datagov-search.md).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "un",
        "une",
        "sur",
        "pour",
        "par",
        "dans",
        "ou",
        "the",
        "of",
        "and",
        "to",
        "in",
        "on",
        "for",
        "by",
        "an",
    ]
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def words(text: str) -> list[str]:
    return [w for w in fold(text).split() if w not in STOP_WORDS]


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=100_000)
def stems(word: str) -> frozenset[str]:
    """The French and English stems of a folded word (the word itself if it is short)."""
    if len(word) <= 3:
        return frozenset({word})
    return frozenset({_stemmer("french").stemWord(word), _stemmer("english").stemWord(word)})


def index_text(*texts: str) -> str:
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            found |= stems(word)
    return f" {' '.join(sorted(found))} " if found else ""


def query_terms(q: str, limit: int = 8) -> list[frozenset[str]]:
    """One set of stems per query word (a dataset must match every word)."""
    return [stems(w) for w in words(q)[:limit]]


def highlight_words(q: str) -> list[str]:
    """The folded query words, for highlighting matches in the page."""
    return words(q)[:8]


_TOKEN = re.compile(r"\w+")


def highlight(text: str, q: str) -> SafeString:
    """`text`, escaped, with each word that a query word matched (same folding and stems as
    the search: "donnees" marks "Données", "potables" marks "potable") in <mark>."""
    wanted: set[str] = set()
    for word_stems in query_terms(q):
        wanted |= word_stems
    if not wanted:
        return escape(text)
    parts: list[str] = []
    pos = 0
    for token in _TOKEN.finditer(text):
        folded = [w for w in fold(token.group()).split() if w not in STOP_WORDS]
        if any(stems(w) & wanted for w in folded):
            parts.append(escape(text[pos : token.start()]))
            parts.append(format_html("<mark>{}</mark>", token.group()))
            pos = token.end()
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308  (every part is escaped above)


# --- The index: the database's own full-text engine over the stored terms -------------------
#
# The terms are folded and stemmed here, in Python, so both databases index the same tokens
# ("donne", "potabl", …, only [0-9a-z]); each engine only has to match whole tokens, which both
# do exactly, so they give the same answers as each other (and as a scan would). SQLite: an FTS5
# table over `search_text`, kept by triggers. PostgreSQL: a GIN index on
# `to_tsvector('simple', search_text)` (the simple configuration keeps our tokens as they are).
# `search_index_ensure` runs after every `migrate` (post_migrate): idempotent, and on SQLite it
# re-creates the triggers when a migration has rebuilt the table (Django's SQLite schema editor
# copies the table, which drops its triggers), then rebuilds the index.

FTS_TABLE = "datagov_dataset_fts"
PG_INDEX = "datagov_dataset_search_gin"
_TRIGGERS = {
    "ai": "AFTER INSERT ON datagov_dataset BEGIN "
    "INSERT INTO {t}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "ad": "AFTER DELETE ON datagov_dataset BEGIN "
    "INSERT INTO {t}({t}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "au": "AFTER UPDATE OF search_text ON datagov_dataset BEGIN "
    "INSERT INTO {t}({t}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO {t}(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def search_index_ensure(connection: Any) -> bool:
    """Create the full-text index if it is missing; True when it had to be (re)built."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return False
            if connection.in_atomic_block:
                # Rows written earlier in this transaction leave deferred foreign-key checks
                # pending, and PostgreSQL refuses CREATE INDEX on such a table: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON datagov_dataset "
                "USING gin (to_tsvector('simple'::regconfig, search_text))"
            )
            return True
        if connection.vendor != "sqlite":
            return False
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{FTS_TABLE}_%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        wanted = {f"{FTS_TABLE}_{key}" for key in _TRIGGERS}
        if present == wanted:
            return False
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "search_text, content='datagov_dataset', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        for key, body in _TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{key}")
            cursor.execute(f"CREATE TRIGGER {FTS_TABLE}_{key} {body.format(t=FTS_TABLE)}")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
        return True


def match_clause(vendor: str, terms: list[frozenset[str]]) -> tuple[str, list[str]]:
    """SQL (a condition on datagov_dataset) true when every query word has one of its stems."""
    if any(_NON_WORD.search(stem) for word in terms for stem in word):
        raise ValueError("search terms must be folded")  # fold() leaves only [0-9a-z]
    if vendor == "postgresql":
        query = " & ".join(
            "(" + " | ".join(f"'{stem}'" for stem in sorted(word)) + ")" for word in terms
        )
        return (
            'to_tsvector(\'simple\'::regconfig, "datagov_dataset"."search_text") '
            "@@ to_tsquery('simple'::regconfig, %s)",
            [query],
        )
    if vendor == "sqlite":
        query = " AND ".join(
            "(" + " OR ".join(f'"{stem}"' for stem in sorted(word)) + ")" for word in terms
        )
        return (
            # A constant table name; the query itself is a bound parameter.
            f'"datagov_dataset"."id" IN (SELECT rowid FROM {FTS_TABLE} '  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s)",
            [query],
        )
    raise NotImplementedError(vendor)
