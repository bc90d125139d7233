"""The shape of the code: imports run one way, and SQL lives only in the warehouse and measures
layers.

Layers, lowest first (a module may import its own layer and the layers below, never above):
base (config, paths, provenance, errors, countries, schema, hs, validation, strict) -> sources ->
warehouse (and the build's plausibility checks) ->
measures (and the agreement registry it reads) -> computation (indicators, models,
recommendations, dependence, profiles, index) -> api -> presentation (cli, web, briefs). Within the presentation layer the
packages must not form a cycle. The check reads every module's imports with ``ast``, including
imports inside functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "article2"

LAYERS: dict[str, int] = {
    **dict.fromkeys(("config", "paths", "provenance", "errors", "countries", "schema", "hs",
                     "data", "validation", "strict", "__init__", "__main__"), 0),
    **dict.fromkeys(("sources", "synthetic"), 1),
    **dict.fromkeys(("warehouse", "plausibility"), 2),  # plausibility: the build's own checks
    **dict.fromkeys(("measures", "agreements"), 3),
    **dict.fromkeys(("indicators", "models", "recommendations", "dependence",
                     "profiles", "index"), 4),
    "api": 5,
    **dict.fromkeys(("cli", "web", "briefs"), 6),
}  # fmt: skip


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        out[".".join(("article2", *rel.parts)).removesuffix(".__init__")] = path
    return out


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("article2")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("article2"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph = {}
    for name, path in mods.items():
        graph[name] = {m for m in _imports(path, name) if m in mods and m != name}
    return graph


def test_imports_run_one_way():
    bad = []
    for name, deps in _graph().items():
        if name == "article2":  # the package's lazy forwarders to article2.api
            continue
        layer = LAYERS[_top(name)]
        for dep in deps:
            if dep == "article2":
                continue
            if LAYERS[_top(dep)] > layer:
                bad.append(f"{name} (layer {layer}) imports {dep} (layer {LAYERS[_top(dep)]})")
    assert not bad, "imports against the flow:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if d == "article2" or d.startswith("article2.") and d.count(".") and d == n:
                continue
            if state.get(d) == 1 and not n.startswith(d + "."):
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    # a package's __init__ importing its own submodules is not a cycle
    cycles = [c for c in cycles if len({x.rsplit(".", 1)[0] for x in c.split(" -> ")}) > 1
              or not any(x.count(".") == 1 for x in c.split(" -> "))]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_a_violation(tmp_path):
    """The import reader finds a function-level import (the form the old cycles used)."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from article2 import api\n    from . import x\n")
    assert "article2.api" in _imports(f, "article2.briefs.m")
    assert "article2.briefs.x" in _imports(f, "article2.briefs.m")


# --------------------------------------------------------------------------- SQL

#: where SQL may be written
SQL_ALLOWED = ("warehouse.py", "plausibility.py", "measures/", "schema.py", "sources/", "synthetic/")
#: modules that still hold SQL of their own, each to move into the measures layer (this list
#: may only shrink: a new module with SQL fails the test)
SQL_NOT_YET_MOVED = frozenset({
    "agreements/registry.py",
    "dependence.py",
    "indicators/products.py",
})  # fmt: skip
_SQL = re.compile(
    r"\b(SELECT\s.+?\sFROM|INSERT\s+INTO|CREATE\s+(TABLE|VIEW)|DELETE\s+FROM)\b|\.execute\(|\.sql\(",
    re.IGNORECASE | re.DOTALL,
)


def _sql_files() -> set[str]:
    out = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(SQL_ALLOWED) or rel in SQL_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            text = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.Attribute) and node.attr in ("execute", "sql", "query"):
                text = f".{'execute' if node.attr != 'sql' else 'sql'}("
            if text and _SQL.search(text):
                out.add(rel)
                break
    return out


def test_no_sql_outside_the_warehouse_and_measures_layers():
    found = _sql_files()
    new = sorted(found - SQL_NOT_YET_MOVED)
    assert not new, f"SQL outside article2.warehouse and article2.measures: {new}"
    moved = sorted(SQL_NOT_YET_MOVED - found)
    assert not moved, f"no SQL left in {moved}: remove them from SQL_NOT_YET_MOVED"


@pytest.mark.parametrize("module", ["briefs/assemble.py", "web/data.py"])
def test_presentation_modules_hold_no_sql(module):
    """Briefs select from the measures layer; the dashboard's remaining SQL is listed above."""
    if module in SQL_NOT_YET_MOVED:
        pytest.skip(f"{module} still holds SQL (listed in SQL_NOT_YET_MOVED)")
    assert module not in _sql_files()
