"""API-wide rules applied to every operation of every app, without editing their files.

- `bound_integer_parameters`: every integer a client sends (offset, limit, ids, years…) gets
  bounds, so no number reaches the database that it cannot hold (an `offset` above 2⁶³ was a
  500 on SQLite; `year=645747068518` a 500 on dates).
- `country` parameters are declared as the ISO 3166-1 alpha-2 codes they accept (an enum), so
  that the description promises exactly what the validators let through.
- `with_error_responses`: every operation documents the error answers the API may give
  (400, 401, 403, 404, 409, 422, 429), with the one error body of `edile/api.py`.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

MAX_INT = 2**31 - 1  # PostgreSQL's integer; far above any id, offset or count we have
YEAR_MIN, YEAR_MAX = 1, 9999  # what a date can hold

ERROR_STATUSES = {
    "400": "The request breaks a business rule; `detail` says which.",
    "401": "Authentication failed (a token that is wrong or expired).",
    "403": "You may not do this.",
    "404": "Not found.",
    "409": "Someone changed the record since you read it (version conflict).",
    "422": "A parameter or the body is not valid; `detail` says which.",
    "429": "Too many requests: wait, then try again.",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to act on."},
        "errors": {"type": "array", "description": "Each problem, when there are several."},
    },
    "required": ["detail"],
}


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and args[0] is int
    return False


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found.extend(_nested_models(arg))
    return found


def _country_codes() -> list[str]:
    from django_countries import countries

    return ["", *sorted(code for code, _name in countries)]


def _bound_model(model: type[BaseModel], seen: set[type]) -> None:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        for inner in _nested_models(field.annotation):
            _bound_model(inner, seen)
        if (
            name in {"country", "spatial_country"}
            and field.annotation is str
            and field.default == ""
        ):
            # A filter parameter (it has a default), not an output field.
            field.json_schema_extra = {"enum": _country_codes()}
        if not _is_int(field.annotation):
            continue
        year = name == "year" or name.endswith("_year")
        if not any(isinstance(m, Le | Lt) for m in field.metadata):
            field.metadata.append(Le(YEAR_MAX if year else MAX_INT))
        if not any(isinstance(m, Ge | Gt) for m in field.metadata):
            field.metadata.append(Ge(YEAR_MIN if year else -MAX_INT))
    model.model_rebuild(force=True)


def bound_integer_parameters(api: Any) -> None:
    """Give every integer of every operation's parameters and body an upper and lower bound."""
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _bound_model(model, seen)


# Files the API serves: their media type, as the response says (`Content-Type`).
FILE_MEDIA_TYPES = {
    ".csv": ("text/csv", {"type": "string"}),
    ".ttl": ("text/turtle", {"type": "string"}),
    ".xml": ("application/xml", {"type": "string"}),
    ".jsonld": ("application/ld+json", {"type": "object"}),
    ".json": ("application/json", {"type": "object"}),
}


def export_file_responses() -> dict[str, Any]:
    """`openapi_extra` of an operation that serves a public export built as a file
    (`core.exportfiles`): it may answer a conditional GET with 304."""
    return {
        "responses": {
            "304": {
                "description": (
                    "Not modified: the file has the `ETag` of `If-None-Match` (or is not newer "
                    "than `If-Modified-Since`)."
                ),
                "headers": {
                    "ETag": {"schema": {"type": "string"}},
                    "Last-Modified": {"schema": {"type": "string"}},
                },
            }
        }
    }


# A decimal in a body is described by Pydantic as "a number or any string", so generators of
# examples (Schemathesis) send "" as a "valid" amount. The string branch gets the pattern of a
# decimal written as text.
DECIMAL_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)$"
UNSIGNED_DECIMAL_PATTERN = r"^\+?(\d+\.?\d*|\.\d+)$"


def _decimal_patterns(node: Any) -> None:
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if (
            isinstance(branches, list)
            and any(isinstance(b, dict) and b.get("type") == "number" for b in branches)
            and {"type": "string"} in branches
        ):
            number = next(b for b in branches if isinstance(b, dict) and b.get("type") == "number")
            unsigned = number.get("minimum", number.get("exclusiveMinimum", -1)) >= 0
            pattern = UNSIGNED_DECIMAL_PATTERN if unsigned else DECIMAL_PATTERN
            bound = number.get("maximum", number.get("exclusiveMaximum"))
            if isinstance(bound, int | float) and bound >= 10:
                # A pattern cannot say "at most 10¹²": it allows the integer digits that always
                # stay below the maximum ("+4712732255990" is not a valid amount).
                digits = len(str(int(bound))) - 1
                pattern = pattern.replace(r"(\d+\.?\d*|", rf"(\d{{1,{digits}}}(\.\d*)?|")
            branches[branches.index({"type": "string"})] = {"type": "string", "pattern": pattern}
        for value in node.values():
            _decimal_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _decimal_patterns(value)


def _file_response(path: str, responses: dict[str, Any]) -> None:
    name = path.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in FILE_MEDIA_TYPES:
        return
    media_type, body = FILE_MEDIA_TYPES[suffix]
    ok = responses.pop(200, None) or responses.get("200") or {}
    responses["200"] = {
        "description": ok.get("description") or "The file.",
        "content": {media_type: {"schema": body}},
    }


def with_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (an OpenAPI description) with the error answers declared on each operation,
    the media type of each file it serves, and decimal patterns that generators can follow."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    _decimal_patterns(schema)
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            if method == "get":
                _file_response(path, responses)
            for status, description in ERROR_STATUSES.items():
                if status in responses or int(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
    return schema
