"""Leaflet is served from our own static files, with its licence, at the locked version."""

import json
from pathlib import Path

from django.contrib.staticfiles import finders

import edile

CORE_STATIC = Path(edile.__file__).parent / "core" / "static"


def test_leaflet_is_found_in_core_static_with_its_licence():
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png"):
        found = finders.find(name)
        assert found and Path(found).is_relative_to(CORE_STATIC), name
    licence = (CORE_STATIC / "leaflet" / "LICENSE").read_text(encoding="utf-8")
    assert (
        "BSD 2-Clause License" in licence
        and "Agafonkin" in licence
        and "Redistribution and use" in licence
    )


def test_the_vendored_copy_is_the_locked_version():
    root = Path(edile.__file__).parent.parent
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/leaflet"]["version"]
    head = (CORE_STATIC / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert f"Leaflet {version}" in head


def test_production_static_storage_collects_every_file(tmp_path, settings):
    """`collectstatic` with whitenoise's manifest storage, as production runs it: a vendored
    file that references a missing one (leaflet.js pointed at an unshipped source map) stops
    the deployment."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))
    assert "leaflet/leaflet.js" in manifest["paths"]
    assert manifest["paths"]["leaflet/leaflet.css"].startswith("leaflet/leaflet.")
