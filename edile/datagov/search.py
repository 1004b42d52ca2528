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

import snowballstemmer

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
