"""Governance test fixtures."""

import importlib

import pytest


@pytest.fixture(autouse=True)
def _default_workflow(request):
    """The default workflow rows come from a data migration; a transactional test's flush
    (or a run without migrations) removes them, so put them back for every database test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue(
        "transactional_db" if marker and marker.kwargs.get("transaction") else "db"
    )
    from django.apps import apps

    migration = importlib.import_module(
        "edile.governance.migrations.0003_default_resolution_workflow"
    )
    migration.add_workflow(apps, None)
    yield
