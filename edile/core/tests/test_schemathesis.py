"""Schemathesis over the whole OpenAPI description, in-process (WSGI), anonymously and with a
personal token: no server error, no undocumented status code, no response that breaks its
schema. Bounded (a few examples per operation) so it runs in CI in a few minutes.

Select it with `-m schemathesis`; EDILE_SCHEMATHESIS_EXAMPLES raises the number of examples.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from edile.wsgi import application

EXAMPLES = int(os.environ.get("EDILE_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _with_seeded_violation_codes(raw: dict) -> None:
    """The description lists the codebook's violation codes from the database when it is
    served; read here at collection, before any database exists, it has none, so the codes the
    migrations seed are filled in (what a served description lists on a new installation)."""
    from edile.observatory.vocabulary import VIOLATION_TYPES

    codes = ["", *sorted(code for code, *_labels in VIOLATION_TYPES)]
    for path in ("/api/v1/observatory/incidents", "/api/v1/observatory/incidents.csv"):
        for parameter in raw["paths"][path]["get"]["parameters"]:
            if parameter["name"] == "violation":
                parameter["schema"]["enum"] = codes


_with_seeded_violation_codes(schema.raw_schema)
# A request the description calls valid must pass validation: never a 422. It may still break a
# business rule (400, with a message), meet a record it may not see or that does not exist
# (401/403/404, as generated slugs and ids rarely exist), or a version conflict (409).
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "400", "401", "403", "404", "409"]
)

pytestmark = [
    pytest.mark.schemathesis,
    pytest.mark.django_db(transaction=False),
]

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI application, not through Django's test client, so the
    handler would close the test's connection at the end of each request (it is inside the
    test's transaction): on PostgreSQL every later query then failed with "the connection is
    closed". The test client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db):
    """A little of everything, so that detail endpoints and filters find records."""
    from edile.grants.tests.factories import make_grant
    from edile.members.tests.factories import make_member
    from edile.observatory.tests.factories import make_incident

    make_member(name_fr="Dakar", country="SN")
    make_incident()
    make_grant()


@pytest.fixture
def token(api_data, make_user) -> str:
    from edile.accounts.services import api_token_create
    from edile.members.models import LocalGovernment

    user = make_user("focal_point", local_government=LocalGovernment.objects.first())
    _token, raw = api_token_create(user=user, name="schemathesis")
    return raw


@schema.parametrize()
@HYPOTHESIS
def test_api_anonymously(case, api_data):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_api_with_a_token(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
