from __future__ import annotations

from pathlib import Path

import pytest

from edile.core.tests.serving import migrated_database


@pytest.fixture(scope="session")
def _template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("migrated-template")


@pytest.fixture
def file_database(tmp_path: Path, _template_dir: Path) -> Path:
    """A migrated SQLite file under tmp_path, for tests that run real processes on it."""
    return migrated_database(tmp_path, _template_dir)
