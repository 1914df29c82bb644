"""The pipeline's stages depend only on earlier ones (docs/architecture.md): no module imports a later stage,
at the top of a module or inside a function, and no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "emslint"

# Lowest first. A module may import its own layer and the layers above it in this list, never one below.
LAYERS: list[tuple[str, ...]] = [
    ("emslint", "emslint.model", "emslint.printable", "emslint.errors", "emslint.debug", "emslint.profiling",
     "emslint.pointers", "emslint.fixes.model", "emslint.fixes.overlay", "emslint.user_cache",
     "emslint.suggest", "emslint.records", "emslint.run_memo", "emslint.json_values"),
    ("emslint.settings",),
    ("emslint.read.result", "emslint.discover"),
    ("emslint.schema",),
    ("emslint.read",),
    ("emslint.inspect",),
    ("emslint.facts",),
    ("emslint.rules",),
    ("emslint.levels",),
    ("emslint.filters",),
    ("emslint.fixes",),  # works fixes out by linting again: after the stages it re-runs, before the reports
    ("emslint.report",),
    ("emslint.pipeline", "emslint.parallel"),
    ("emslint.check", "emslint.api", "emslint.commands", "emslint.cli_ciphers"),
    ("emslint.cli", "emslint.__main__", "emslint.entry"),
]

# Documented exceptions (importer, imported): each names why.
ALLOWED = {
    # A settings value is validated with the OpenSSL models' own names and aliases (one vocabulary).
    ("emslint.settings.options", "emslint.inspect.openssl_models"),
    # Connector includes are followed only inside the scanned roots, with the very containment check that guards
    # referenced certificates and keys (one implementation of "never look outside").
    ("emslint.read.connector", "emslint.inspect.paths"),
    # The lazy `emslint.lint` attribute of the package: the library API, imported on first use.
    ("emslint", "emslint.api"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    best, best_len = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best >= 0, f"{module} is in no layer of tests/test_layering.py"
    return best


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    package = _module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("emslint"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - (1 if path.name == "__init__.py" else 0))[0]
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            if name.startswith("emslint"):
                found.add(name)
                found.update(f"{name}.{a.name}" for a in node.names if _is_module(f"{name}.{a.name}"))
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT / relative.with_suffix(".py")).exists() or (ROOT / relative / "__init__.py").exists()


MODULES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module_name(p): _imports(p) for p in MODULES}


@pytest.mark.parametrize("module", sorted(GRAPH), ids=str)
def test_no_module_imports_a_later_stage(module: str) -> None:
    later = sorted(name for name in GRAPH[module]
                   if _layer(name) > _layer(module) and (module, name) not in ALLOWED and _is_module(name))
    assert not later, f"{module} (layer {_layer(module)}) imports later stages: {later}"


def test_no_import_cycles_between_modules() -> None:
    edges = {m: {n for n in names if n in GRAPH and n != m} for m, names in GRAPH.items()}
    for a, targets in edges.items():
        for b in targets:
            assert a not in edges.get(b, set()) or (a, b) in ALLOWED or (b, a) in ALLOWED, f"{a} <-> {b}"


def test_the_layer_list_is_complete_and_can_fail() -> None:
    assert {_layer(m) for m in GRAPH} == set(range(len(LAYERS)))
    assert _layer("emslint.cli") > _layer("emslint.pipeline") > _layer("emslint.read.lua_reader")
