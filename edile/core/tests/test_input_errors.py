"""Not one server error on any input: bounded numbers, JSON errors, control characters."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client, override_settings
from lxml import etree

from edile.core.text import strip_control, xml_safe
from edile.members.models import LocalGovernment
from edile.members.tests.factories import make_member

ERROR_CODES = {"400", "401", "403", "404", "409", "422", "429"}


def _schema() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def _list_endpoints_with_offset() -> list[str]:
    from edile.api import api

    schema = api.get_openapi_schema()
    return sorted(
        path
        for path, item in schema["paths"].items()
        if "{" not in path
        and any(p["name"] == "offset" for p in item.get("get", {}).get("parameters", []))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", _list_endpoints_with_offset())
def test_an_offset_above_two_to_the_63_is_a_422_not_a_500(path, make_user):
    """Every list endpoint bounds offset (it reached SQLite as an integer it cannot hold);
    with the secretariat's token, since some lists need an account before they look at their
    parameters."""
    from edile.accounts.services import api_token_create

    _token, raw = api_token_create(user=make_user("secretariat"), name="offset")
    response = Client().get(
        path, {"offset": str(2**63 + 5)}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422
    assert "offset" in response.json()["detail"]
    assert "less than or equal to 2147483647" in response.json()["detail"]


def test_there_are_list_endpoints_to_check():
    """The parametrised test above is not empty: the 8 list endpoints of the issue at least."""
    assert len(_list_endpoints_with_offset()) >= 8


@pytest.mark.django_db
def test_a_year_no_date_can_hold_is_a_422():
    """`year=645747068518` on meetings was a 500."""
    response = Client().get("/api/v1/governance/meetings", {"year": "645747068518"})
    assert response.status_code == 422
    assert response.json()["detail"] == "year: Input should be less than or equal to 9999"


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_a_422():
    response = Client().get(f"/api/v1/members/local-governments/{2**64}")
    assert response.status_code == 422


def test_every_operation_documents_the_error_answers():
    """The OpenAPI description declares 400/401/403/404/409/422/429 with the error body."""
    schema = _schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            missing = ERROR_CODES - set(operation["responses"])
            assert not missing, f"{method.upper()} {path} lacks {sorted(missing)}"


def test_no_two_api_schemas_share_a_name():
    """The description names each body and answer by its class: two classes of one name (the
    grants' and the access requests' `DecisionIn`) left one operation documenting the other's
    body, so a client following it was refused with 422."""
    from edile.api import api

    by_name: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = list(operation.models)
                models += [m for m in operation.response_models.values() if isinstance(m, type)]
                for model in models:
                    for inner in _models_within(model):
                        by_name.setdefault(inner.__name__, set()).add(inner.__module__)
    shared = {name: modules for name, modules in by_name.items() if len(modules) > 1}
    assert shared == {}


def _models_within(annotation) -> list:
    from pydantic import BaseModel

    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
        for field in annotation.model_fields.values():
            found.extend(_models_within(field.annotation))
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_within(arg))
    return found


@pytest.mark.django_db
def test_the_description_lists_the_country_codes_and_violation_codes_it_accepts(client):
    """A filter's description promises what its validator accepts: ISO country codes, and the
    codebook's violation codes as they are (a code staff add is listed)."""
    from edile.observatory.models import ViolationType

    ViolationType.objects.create(code="new_code", label="New", label_fr="Nouveau")
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/observatory/incidents"]["get"]["parameters"]
    }
    assert {"", "ML", "KH"} <= set(parameters["country"]["enum"])
    assert "ZZ" not in parameters["country"]["enum"]
    assert {"", "threat", "new_code"} <= set(parameters["violation"]["enum"])
    assert client.get("/api/v1/observatory/incidents?violation=new_code").status_code == 200
    popolo = schema["paths"]["/api/v1/governance/popolo.json"]["get"]["parameters"]
    assert popolo[0]["schema"]["enum"] == ["fr", "en"]


@pytest.mark.django_db
def test_an_unknown_api_url_answers_json():
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_server_error_in_the_api_is_json_without_details(monkeypatch):
    """A bug answers `{"detail": "Server error."}` (500), never an HTML page or a traceback."""
    from edile.members import api as members_api

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(members_api.selectors, "local_government_rows", broken)
    response = Client(raise_request_exception=False).get("/api/v1/members/local-governments")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Server error."}


@pytest.mark.django_db
def test_a_nul_character_in_the_address_is_a_400():
    response = Client().get("/api/v1/observatory/suggestions", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_strip_control_keeps_tabs_and_line_breaks_in_text_only():
    assert strip_control("Ba\x0bmako\x00\x7f") == "Bamako"
    assert strip_control("line 1\nline\t2\r\n", multiline=True) == "line 1\nline\t2\r\n"
    assert strip_control("Saint-\nLouis", multiline=False) == "Saint- Louis"
    assert xml_safe("a\x0bb\ufffe") == "ab"


@pytest.mark.django_db
def test_a_control_character_typed_into_a_name_is_never_stored():
    """A `\\x0b` in a city's name is stripped on save (every save path: a signal in core)."""
    lg = make_member(name_fr="Ba\x0bmako", name_en="Bamako\x01")
    lg.refresh_from_db()
    assert (lg.name_fr, lg.name_en) == ("Bamako", "Bamako")


@pytest.mark.django_db
def test_the_members_xlsx_export_survives_a_control_character_already_in_the_database():
    """Stored before the fix (an UPDATE bypasses save): the XLSX export still answers 200."""
    lg = make_member(name_fr="Kayes")
    LocalGovernment.objects.filter(pk=lg.pk).update(name_fr="Ka\x0byes")
    response = Client().get("/fr/members/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert "Kayes" in names


def test_iati_narratives_drop_control_characters():
    """The IATI file stopped after one activity on a `\\x0b`; its narratives are now safe."""
    from edile.grants.exports import _narratives

    root = etree.Element("iati-activity")
    _narratives(root, "title", {"fr": "Forage\x0b de Kita", "en": "Kita\x1f well"})
    xml = etree.tostring(root, encoding="unicode")
    assert "<narrative>Forage de Kita</narrative>" in xml
    assert "Kita well</narrative>" in xml


def test_a_bounded_amount_written_as_text_is_bounded_in_the_schema_too(client):
    """The schema says an amount is a number up to 10¹² or a decimal written as text: the text
    form must not allow "+4712732255990", or a fuzzer sends it as valid and gets a 422."""
    import re

    schema = client.get("/api/v1/openapi.json").json()
    amount = schema["components"]["schemas"]["DecisionIn"]["properties"]["amount"]["anyOf"]
    pattern = next(b["pattern"] for b in amount if b.get("type") == "string")
    assert re.fullmatch(pattern, "999999999999.99")
    assert re.fullmatch(pattern, "+12.5")
    assert not re.fullmatch(pattern, "+4712732255990")
    assert not re.fullmatch(pattern, "")
