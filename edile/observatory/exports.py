"""Open-data exports: incidents (public fields only for the public) and the legal benchmark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from edile.core.exports import csv_response
from edile.observatory import selectors, services
from edile.observatory.permissions import CONFIDENTIAL, PUBLIC, viewer_level

# Stable, documented column names (docs/observatory.md): the import's codes, not labels.
INCIDENT_COLUMNS = [
    "reference",
    "date",
    "date_end",
    "date_precision",
    "country",
    "region",
    "place",
    "latitude",
    "longitude",
    "violation_types",
    "perpetrator_types",
    "context",
    "killed",
    "injured",
    "motive",
    "verification_status",
    "outcome",
    "impunity",
    "victims",
    "victim_offices",
    "victim_genders",
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "is_fictional",
    "url",
]


def _incident_row(view: dict[str, Any]) -> list[Any]:
    return [
        view["reference"],
        view["date"],
        view["date_end"] or "",
        view["date_precision"],
        view["country"],
        view["region"],
        view["place"],
        "" if view["latitude"] is None else view["latitude"],
        "" if view["longitude"] is None else view["longitude"],
        ";".join(v["code"] for v in view["violations"]),
        ";".join(p["code"] for p in view["perpetrator_types"]),
        view["context"],
        view["killed"],
        view["injured"],
        view["motive"],
        view["verification_status"],
        view["outcome"],
        view["impunity"],
        ";".join(v["label"] for v in view["victims"]),
        ";".join(v["office"] for v in view["victims"]),
        ";".join(v["gender"] for v in view["victims"]),
        view["title_fr"] or "",
        view["title_en"] or "",
        view["summary_fr"] or "",
        view["summary_en"] or "",
        view["is_fictional"],
        view["url"],
    ]


def incidents_csv(user: Any, filters: selectors.IncidentFilters) -> StreamingHttpResponse:
    level = viewer_level(user)
    queryset = selectors.incident_list(user, filters)

    def rows() -> Iterator[list[Any]]:
        # Chunks keep memory flat and queries bounded (prefetch per chunk).
        for incident in queryset.iterator(chunk_size=1000):
            yield _incident_row(selectors.incident_view(incident, level, full=False))

    if level >= CONFIDENTIAL:
        response = csv_response(INCIDENT_COLUMNS, rows(), "incidents-confidential-internal")
        response["X-Edile-Audience"] = "confidential-internal"
        return response
    return csv_response(INCIDENT_COLUMNS, rows(), "incidents")


def benchmark_json(params: Any, *, level: int = PUBLIC) -> dict[str, Any]:
    """The benchmark; each de facto score lists the cited incidents a viewer of `level` may
    see (public fields), and, for analysts only, how many of them are not public."""
    pillars = selectors.pillars_with_criteria()
    weights = services.parse_weights(params, [p.code for p in pillars])
    data = selectors.benchmark(weights=weights, level=level)
    return {
        "method": (
            "Each criterion is scored 0–3 de jure and de facto; N/A and unknown are left out. "
            "A pillar score is the weighted mean of its scored criteria, as a percentage of 3. "
            "The index is the weighted mean of the pillar scores, with the weights below."
        ),
        "pillars": [
            {
                "code": p.code,
                "name": p.name,
                "weight": float(data_p["weight"]),
                "default_weight": float(p.weight),
                "criteria": [
                    {"code": c.code, "name": c.name, "weight": float(c.weight)}
                    for c in p.criteria.all()
                ],
            }
            for p, data_p in zip(pillars, data["pillars"], strict=True)
        ],
        "countries": [
            {
                "country": c["country"],
                "name": c["name"],
                "is_fictional": c["is_fictional"],
                "index_de_jure": c["index_de_jure"],
                "index_de_facto": c["index_de_facto"],
                "verified_incidents": c["verified_incidents"],
                "coverage": c["coverage"],
                "history": c["history"],
                "pillars": [
                    {"code": p["code"], "de_jure": p["de_jure"], "de_facto": p["de_facto"]}
                    for p in c["pillars"]
                ],
                "scores": [_score(s) | _evidence(s, level) for s in c["scores"]],
            }
            for c in data["countries"]
        ],
    }


def _evidence(score: Any, level: int) -> dict[str, Any]:
    if score.dimension != "de_facto":
        return {}
    evidence = selectors.score_evidence(score, level)
    out: dict[str, Any] = {
        "incidents": [
            {k: i[k] for k in ("reference", "title", "date", "url")}
            | ({"is_public": i["is_public"]} if level >= CONFIDENTIAL else {})
            for i in evidence["incidents"]
        ]
    }
    if level >= CONFIDENTIAL:
        out["incidents_not_public"] = evidence["not_public"]
    return out


def _score(score: Any) -> dict[str, Any]:
    return {
        "criterion": score.criterion.code,
        "dimension": score.dimension,
        "status": score.status,
        "value": score.value,
        "citation": score.citation,
        "excerpt": score.excerpt,
        "url": score.url,
        "text_date": score.text_date.isoformat() if score.text_date else None,
        "coder": score.coder,
        "reviewer": score.reviewer,
        "government_reply": score.government_reply,
        "is_fictional": score.is_fictional,
    }


BENCHMARK_COLUMNS = [
    "country",
    "pillar",
    "criterion",
    "dimension",
    "status",
    "value",
    "citation",
    "excerpt",
    "url",
    "text_date",
    "coder",
    "reviewer",
    "government_reply",
    "is_fictional",
]


def benchmark_csv() -> HttpResponse:
    data = selectors.benchmark()

    def rows() -> Iterator[list[Any]]:
        for country in data["countries"]:
            for s in country["scores"]:
                yield [
                    country["country"],
                    s.criterion.pillar.code,
                    s.criterion.code,
                    s.dimension,
                    s.status,
                    "" if s.value is None else s.value,
                    s.citation,
                    s.excerpt,
                    s.url,
                    s.text_date or "",
                    s.coder,
                    s.reviewer,
                    s.government_reply,
                    s.is_fictional,
                ]

    return csv_response(BENCHMARK_COLUMNS, rows(), "legal-benchmark")
