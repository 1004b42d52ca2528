"""Benchmarks for datagov, run by `make bench` on an empty database.

100,000 datasets with 300,000 distributions (DATAGOV_BENCH_DATASETS to try a smaller size):
median time and query count of a faceted search, the dataset page and the full DCAT-AP export,
and the export's peak memory at two sizes, to show that it streams with flat memory.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from typing import TextIO

from django.db import transaction
from django.test import Client

from edile.core import exportfiles
from edile.core.benchmarks import measure, peak_memory
from edile.datagov import exportfiles as datagov_exportfiles
from edile.datagov.models import (
    Classification,
    Dataset,
    Distribution,
    Keyword,
    Licence,
    Theme,
)
from edile.datagov.search import fold
from edile.members.models import LocalGovernment

BATCH = 5000
CLASSES = (
    [Classification.OPEN] * 6
    + [Classification.RESTRICTED] * 2
    + [Classification.INTERNAL, Classification.PERSONAL]
)
LICENCES = [Licence.ETALAB_2_0, Licence.ODBL, Licence.CC_BY_4_0, Licence.CC0, Licence.PROPRIETARY]
FORMATS = ["CSV", "JSON", "GEOJSON", "XLSX", "PDF", "ZIP"]
WORDS = [
    "eau",
    "bus",
    "déchets",
    "budget",
    "écoles",
    "marchés",
    "voirie",
    "santé",
    "éclairage",
    "parcs",
]


def _generate(out: TextIO, size: int) -> None:
    start = time.perf_counter()
    cities = [
        LocalGovernment(
            name=f"Ville {i}",
            name_fr=f"Ville {i}",
            name_en=f"City {i}",
            slug=f"bench-city-{i}",
            country=["SN", "KH", "FR", "CA", "ML", "CI", "BF", "BJ", "VN", "RW"][i % 10],
        )
        for i in range(50)
    ]
    LocalGovernment.objects.bulk_create(cities, batch_size=BATCH)
    cities = list(LocalGovernment.objects.filter(slug__startswith="bench-city-").order_by("pk"))
    themes = list(Theme.objects.order_by("code"))
    today = dt.date(2026, 1, 1)
    through = Dataset.themes.through
    keyword_through = Dataset.keyword_tags.through
    Keyword.objects.bulk_create(
        [Keyword(key=fold(w), label=w, label_fr=w) for w in [*WORDS, "ville"]],
        ignore_conflicts=True,
    )
    keyword_ids = dict(Keyword.objects.values_list("key", "pk"))
    for offset in range(0, size, BATCH):
        with transaction.atomic():
            batch = []
            for i in range(offset, min(offset + BATCH, size)):
                word = WORDS[i % len(WORDS)]
                batch.append(
                    Dataset(
                        uuid=uuid.uuid4(),
                        slug=f"bench-{i}",
                        title_fr=f"Données {word} {i}",
                        title_en=f"Data {word} {i}",
                        description_fr=f"Jeu de données n° {i} sur {word}.",
                        description_en=f"Dataset no. {i} about {word}.",
                        publisher=cities[i % len(cities)],
                        contact_name="Service des données",
                        contact_email="data@example.org",
                        keywords=f"{word}, ville",
                        licence=LICENCES[i % len(LICENCES)],
                        classification=CLASSES[i % len(CLASSES)],
                        frequency="ANNUAL",
                        issued=today,
                        modified=today,
                        is_fictional=True,
                    )
                )
            for dataset in batch:
                dataset.refresh_search()  # bulk_create skips save()
            Dataset.objects.bulk_create(batch, batch_size=BATCH)
            ids = [d.pk for d in batch]
            if None in ids:  # a backend that does not return primary keys from bulk inserts
                ids = list(
                    Dataset.objects.filter(slug__in=[d.slug for d in batch]).values_list(
                        "pk", flat=True
                    )
                )
            through.objects.bulk_create(
                [through(dataset_id=pk, theme_id=themes[pk % len(themes)].pk) for pk in ids],
                batch_size=BATCH,
            )
            slug_pks = dict(Dataset.objects.filter(pk__in=ids).values_list("slug", "pk"))
            keyword_through.objects.bulk_create(
                [
                    keyword_through(dataset_id=pk, keyword_id=keyword_ids[key])
                    for slug, pk in slug_pks.items()
                    for key in (fold(WORDS[int(slug[6:]) % len(WORDS)]), "ville")
                ],
                batch_size=BATCH,
            )
            Distribution.objects.bulk_create(
                [
                    Distribution(
                        dataset_id=pk,
                        title=f"Fichier {n}",
                        url=f"https://data.example.org/{pk}/{n}",
                        format=FORMATS[(pk + n) % len(FORMATS)],
                        byte_size=1000 + n,
                    )
                    for pk in ids
                    for n in range(3)
                ],
                batch_size=BATCH,
            )
    out.write(
        f"  generated {Dataset.objects.count()} datasets, {Distribution.objects.count()} distributions "
        f"in {time.perf_counter() - start:.1f} s\n"
    )


def _export_peak(client: Client, fmt: str) -> tuple[int, int]:
    def consume() -> int:
        response = client.get(f"/api/v1/datagov/catalog.{fmt}")
        return sum(len(chunk) for chunk in response.streaming_content)

    size, peak = peak_memory(consume)
    return size, peak


def run(out: TextIO) -> None:
    size = int(os.environ.get("DATAGOV_BENCH_DATASETS", "100000"))
    out.write(f"datagov: {size} datasets, {size * 3} distributions\n")
    if not Dataset.objects.filter(slug__startswith="bench-").exists():
        # The DCAT-AP files are built once, after the last row (core.exportfiles).
        with exportfiles.deferred(*datagov_exportfiles.KEYS):
            _generate(out, size)
            out.write("  building the DCAT-AP files (Turtle, JSON-LD) once…\n")
            out.flush()
            built = time.perf_counter()
        out.write(f"  DCAT-AP files built in {time.perf_counter() - built:.1f} s\n")
    client = Client()
    measure(
        out,
        "faceted search (page, q + theme + format)",
        "/fr/data/?q=eau&theme=ENVI&format=CSV",
        client=client,
    )
    measure(out, "catalogue page, no filter", "/fr/data/", client=client)
    measure(
        out, "faceted search (API)", "/api/v1/datagov/datasets?q=bus&licence=odbl", client=client
    )
    measure(out, "dataset page", f"/fr/data/datasets/bench-{size // 2}/", client=client)
    measure(
        out,
        "DCAT-AP export, Turtle (streamed)",
        "/api/v1/datagov/catalog.ttl",
        client=client,
        repeat=1,
        stream=True,
    )
    # Flat memory: the peak while streaming the whole export stays that of one batch.
    nbytes, peak = _export_peak(client, "jsonld")
    out.write(
        f"  DCAT-AP JSON-LD export: {nbytes / 1e6:.1f} MB streamed, peak Python memory {peak / 1e6:.1f} MB\n"
    )
