"""The site finds each app's figures/demo/bench with `module_has_submodule`."""

import io

import pytest
from django.core.management import CommandError, call_command

from edile.site import figures as site_figures
from edile.site.figures import domain_submodules, module_figures


def test_apps_without_the_file_are_skipped_and_the_order_is_the_settings_order():
    """Accounts has no bench.py (the crash of issue 15): it is skipped, not an error."""
    apps = [app for app, _module in domain_submodules("bench")]
    assert "accounts" not in apps
    assert apps[0] == "members"
    assert apps == [
        a
        for a in ["members", "governance", "grants", "observatory", "datagov", "sanitation"]
        if a in apps
    ]
    assert {module.__name__ for _app, module in domain_submodules("figures")} >= {
        "edile.grants.figures",
        "edile.datagov.figures",
    }


@pytest.mark.django_db
def test_an_import_error_inside_a_figures_module_is_raised_not_swallowed(monkeypatch):
    """The old home page caught ModuleNotFoundError, so a figures.py importing a missing
    library silently dropped its figures."""

    def broken(name):
        if name == "edile.grants.figures":
            raise ModuleNotFoundError("No module named 'missing_dependency'")
        return __import__(name, fromlist=["_"])

    monkeypatch.setattr(site_figures, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="missing_dependency"):
        module_figures(None)


def test_bench_refuses_a_database_that_is_not_a_bench_one():
    with pytest.raises(CommandError, match="lacks 'bench'"):
        call_command("bench", stdout=io.StringIO())


def test_bench_refuses_an_unknown_app(monkeypatch, settings):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "var/bench.sqlite3")
    with pytest.raises(CommandError, match="Unknown apps: nowhere"):
        call_command("bench", "nowhere", stdout=io.StringIO())
