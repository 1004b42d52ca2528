"""The catalogue's public exports built as files (`core.exportfiles`): DCAT-AP in Turtle and
JSON-LD, as an anonymous harvester gets them (open and restricted datasets' metadata).

The files are written with the site's public address (`EDILE_BASE_URL`) in their IRIs and
served to anonymous requests made to that address, whole catalogue only (the Hydra pages and
a signed-in reader's wider catalogue are answered dynamically). Both serialisations are the
same in every language."""

from __future__ import annotations

from typing import IO

from django.contrib.auth.models import AnonymousUser

from edile.core import exportfiles
from edile.datagov import exports, models, selectors
from edile.members.models import LocalGovernment

TURTLE = "datagov.dcat.ttl"
JSONLD = "datagov.dcat.jsonld"
KEYS = (TURTLE, JSONLD)


def write_turtle(out: IO[bytes]) -> None:
    datasets = selectors.dataset_export_stream(AnonymousUser())
    exportfiles.write_chunks(out, exports.turtle_chunks(datasets, exports.default_base_url()))


def write_jsonld(out: IO[bytes]) -> None:
    datasets = selectors.dataset_export_stream(AnonymousUser())
    exportfiles.write_chunks(out, exports.jsonld_chunks(datasets, exports.default_base_url()))


exportfiles.register(
    TURTLE, write_turtle, filename="catalog.ttl", content_type="text/turtle; charset=utf-8"
)
exportfiles.register(
    JSONLD,
    write_jsonld,
    filename="catalog.jsonld",
    content_type="application/ld+json; charset=utf-8",
)
for _key in KEYS:
    exportfiles.watch(
        _key,
        models.Dataset,
        models.Distribution,
        models.Theme,
        models.Keyword,
        models.DataDictionary,
        LocalGovernment,
        m2m=(models.Dataset.themes.through, models.Dataset.keyword_tags.through),
    )
