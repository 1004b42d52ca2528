"""`core` is the ground floor: it imports no app; no app imports the site above them all."""

import ast
from pathlib import Path

import edile

ROOT = Path(edile.__file__).parent
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports: import statements, and string or f-string module names
    (``import_module("edile.members.x")``, ``f"edile.{app}.bench"``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("edile."):
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and str(first.value).startswith("edile."):
                found.append((node.lineno, f"{first.value}<dynamic>"))
    return found


def offences(
    package: str, forbidden: set[str], root: Path = ROOT, *, tests: bool = True
) -> list[str]:
    result: list[str] = []
    for path in sorted((root / package).rglob("*.py")):
        if "migrations" in path.parts or path.resolve() == Path(__file__).resolve():
            continue  # this file names the forbidden modules on purpose
        if not tests and "tests" in path.relative_to(root / package).parts:
            continue
        for line, module in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "edile" or len(parts) < 2:
                continue
            target = parts[1]
            if target in forbidden or target.endswith("<dynamic>"):
                where = f"{path.relative_to(root.parent)}:{line}"
                if not any(r.startswith(where + " ") for r in result):
                    result.append(f"{where} imports {module}")
    return result


def test_the_walk_finds_every_kind_of_import(tmp_path):
    """The checker itself can fail: each way of importing an app is caught."""
    source = tmp_path / "edile" / "core" / "bad.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "import edile.members\n"
        "from edile.accounts.models import User\n"
        "from edile import grants\n"
        "import importlib\n"
        "importlib.import_module('edile.datagov.figures')\n"
        "app = 'x'\n"
        "importlib.import_module(f'edile.{app}.bench')\n"
        "from edile.core import errors\n",
        encoding="utf-8",
    )
    found = offences("core", set(APPS) - {"core"}, root=tmp_path / "edile")
    assert [f.split(" imports ")[1] for f in found] == [
        "edile.members",
        "edile.accounts.models",
        "edile.grants",
        "edile.datagov.figures",
        "edile.<dynamic>",
    ]


def test_core_imports_no_app():
    """Core's own code (its tests exercise the assembled site with the apps' factories)."""
    assert "members" in APPS and "site" in APPS and "core" in APPS
    assert offences("core", set(APPS) - {"core"}, tests=False) == []


def test_no_app_imports_the_site():
    found = []
    for app in APPS:
        if app != "site":
            found += offences(app, {"site"})
    assert found == []
