"""The engine package's shape: small modules, layered without a cycle, one public front door.

The scoring steps live in `labelaudit.engine`'s submodules (its docstring maps them to
docs/scoring.md); the rest of the project imports them from `labelaudit.engine` only, so the
carving can move a function without touching a caller.
"""

from __future__ import annotations

import ast
from pathlib import Path

import labelaudit.engine as engine

PACKAGE = Path(engine.__file__).parent
ROOT = Path(__file__).resolve().parents[1]  # tests/ → the repository (the package may be installed elsewhere)
# Each module may import only those before it (the order of the package docstring).
LAYERS = ("results", "surveyed", "bindings", "tree", "outcome", "per_site", "decision")
MAX_LINES = 600


def engine_imports(path: Path) -> set[str]:
    """The `labelaudit.engine…` modules a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labelaudit.engine"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("labelaudit.engine")}
    return found


def test_every_engine_module_is_under_the_size_limit() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert set(sizes) == {"__init__.py", *(f"{m}.py" for m in LAYERS)}
    assert all(n < MAX_LINES for n in sizes.values()), sizes


def test_engine_modules_import_only_the_layers_below_them() -> None:
    for index, name in enumerate(LAYERS):
        imported = engine_imports(PACKAGE / f"{name}.py")
        allowed = {f"labelaudit.engine.{m}" for m in LAYERS[:index]}
        assert imported <= allowed, (name, imported - allowed)


def test_what_the_project_imports_from_the_engine_is_in_its_public_names() -> None:
    """Every name imported `from labelaudit.engine import …` outside the package is in `__all__`,
    and every name of `__all__` is there (no submodule is imported from outside)."""
    wanted: set[str] = set()
    sources = [p for d in ("src", "tests", "plugins", "bench") for p in (ROOT / d).rglob("*.py")]
    own = ROOT / "src" / "labelaudit" / "engine"  # the package's own modules, in the checkout
    for path in sources:
        if own in path.parents or PACKAGE in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "labelaudit.engine":
                wanted |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("labelaudit.engine."):
                raise AssertionError(f"{path}: imports {node.module}, not labelaudit.engine")
    assert wanted, "no module imports the engine: the scan looks in the wrong place"
    assert wanted <= set(engine.__all__), wanted - set(engine.__all__)
    assert all(hasattr(engine, name) for name in engine.__all__)
