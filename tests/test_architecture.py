"""The package's shape: no import cycle among labelaudit's modules, no module over 600 lines.

The import graph is read from the source with `ast` (nothing is imported): a module imports
another when it names it in an `import` or `from … import` anywhere in its body, in a function
too (a function-level import still ties the two modules together); only the imports under
`if TYPE_CHECKING:` are left out, since they never run. `from labelaudit.x import y`, where `y`
is a submodule, counts as importing `labelaudit.x.y`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labelaudit"
MAX_LINES = 600


def module_name(path: Path) -> str:
    """`labelaudit.documents.html` for src/labelaudit/documents/html.py, the package for `__init__`."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, skipping the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and is_type_checking(child.test):
            for other in child.orelse:  # an `else:` beside it does run
                yield from import_nodes(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from import_nodes(child)


def absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    """The module a `from` import names, relative imports resolved against the importer `name`."""
    if not node.level:
        return node.module or ""
    base = name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The labelaudit modules `name` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in import_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
            continue
        target = absolute(node, name, path.name == "__init__.py")
        for alias in node.names:
            submodule = f"{target}.{alias.name}"
            if submodule in known:
                found.add(submodule)
            elif target in known:
                found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it (first = last), or None (depth-first search)."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_every_module() -> None:
    graph = import_graph()
    assert "labelaudit.documents.commands" in graph
    assert "labelaudit.documents.html" in graph["labelaudit.documents.commands"]  # a function-level import
    assert "labelaudit.plugins" not in graph["labelaudit.documents.commands"]  # under TYPE_CHECKING only
    assert "labelaudit.options" in graph["labelaudit.cli"]  # `from labelaudit import options`: the submodule


def test_find_cycle_names_the_modules_along_it() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or ())


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_the_limit(name: str) -> None:
    path = modules()[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent.parent)} has {lines} lines, over {MAX_LINES}"
