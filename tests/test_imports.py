"""The package's import graph: no cycles, and the layers of README "Layout" point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qa"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """qa module → the qa modules it imports anywhere (module top, functions, TYPE_CHECKING blocks)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "qa":
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path that starts and ends at the same module, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 20 and {"qa.stores.faiss", "qa.stores.milvus", "qa.ray_embedding"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"b"}}) is None


#: The front ends: the command line, and the chat's logic (messages; the upload panel) that app.py wires.
FRONT_ENDS = ("qa.cli", "qa.chat", "qa.upload")


@pytest.mark.parametrize("top", FRONT_ENDS)
def test_nothing_imports_the_front_ends(top: str) -> None:
    importers = sorted(name for name, targets in import_graph().items() if top in targets and name not in FRONT_ENDS)
    assert importers == [], f"{top} is imported by {importers}"


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("qa.storage", "qa.index"),
        ("qa.patterns", "qa.query"),
        ("qa.query", "qa.search"),
        ("qa.steering", "qa.search"),
        ("qa.fusion", "qa.search"),
        ("qa.pairs", "qa.search"),
        ("qa.pairs", "qa.index"),
        ("qa.stores", "qa.index"),
        # the Milvus store knows collections and rows, not how an index is built or searched
        ("qa.stores.milvus", "qa.index"),
        ("qa.stores.milvus", "qa.search"),
        # Ray embeds what the build hands it; the build imports it (lazily), never the other way
        ("qa.ray_embedding", "qa.index"),
        ("qa.search", "qa.answer"),
    ],
)
def test_lower_layers_do_not_import_higher_ones(low: str, high: str) -> None:
    graph = import_graph()
    reachable, todo = set(), [low]
    while todo:
        for target in graph[todo.pop()]:
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    reached = sorted(t for t in reachable if t == high or t.startswith(high + "."))  # a package: any of its modules
    assert reached == [], f"{low} reaches {reached}"
