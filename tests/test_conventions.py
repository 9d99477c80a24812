"""The package's layout rules, checked on its source: stages, one-way imports, sizes.

Imports are read from the syntax tree of every module, function-level imports included, so a
cycle hidden behind a lazy import fails too.
"""

import ast
from pathlib import Path

import pytest

from ipanalysis import paths

PACKAGE = paths.REPO_ROOT / "ipanalysis"
#: The stages, bottom first: a module may import its own stage and the stages below it.
STAGES = {
    "ipanalysis": 0,
    "ipanalysis.vocab": 0,
    "ipanalysis.scope": 0,
    "ipanalysis.columns": 0,
    "ipanalysis.formats": 0,
    "ipanalysis.paths": 0,
    "ipanalysis.errors": 0,
    "ipanalysis.exits": 0,
    "ipanalysis.writes": 0,
    "ipanalysis.data": 1,
    "ipanalysis.model": 2,
    "ipanalysis.assess": 3,
    "ipanalysis.report": 4,
    "ipanalysis.runner": 5,
    "ipanalysis.cli": 6,
    "ipanalysis.console": 7,
}
#: The notebooks' facade: no module of the package may import names from it.
FACADE = "ipanalysis.report"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _stage(module: str) -> int:
    matches = [s for s in STAGES if module == s or module.startswith(s + ".")]
    return STAGES[max(matches, key=len)] if matches else -1


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """Return (imported package module, line, names-from-the-facade) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, False) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, node.lineno, False))
                else:
                    found.append((base, node.lineno, base == FACADE))
    return [(m, line, facade) for m, line, facade in found if m.split(".")[0] == "ipanalysis"]


GRAPH = {
    module: sorted({m for m, _, _ in _imports(module, path) if m in MODULES and m != module})
    for module, path in MODULES.items()
}


def test_imports_run_down_the_stages():
    upward = [
        f"{module} (stage {_stage(module)}) imports {target} (stage {_stage(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if _stage(target) > _stage(module)
    ]
    assert not upward, "\n".join(upward)
    assert all(_stage(m) >= 0 for m in MODULES), [m for m in MODULES if _stage(m) < 0]


def test_no_import_cycle():
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for target in GRAPH[module]:
            if state.get(target) == 1:
                return [*trail, module, target]
            if target not in state and (cycle := visit(target, [*trail, module])):
                return cycle
        state[module] = 2
        return None

    for module in GRAPH:
        if module not in state:
            cycle = visit(module, [])
            assert cycle is None, " → ".join(cycle)


def test_no_package_module_imports_the_notebook_facade():
    offenders = [
        f"{module}:{line}"
        for module, path in MODULES.items()
        for _, line, facade in _imports(module, path)
        if facade and module != FACADE
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_and_functions_are_short(module):
    source = MODULES[module].read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert _code_lines(node, source) <= MAX_FUNCTION_LINES, f"{node.name} is too long"


def _code_lines(node: ast.FunctionDef, source: str) -> int:
    """Count a function's lines of code: no docstring, blank lines or comment lines."""
    lines = source.splitlines()[node.lineno - 1 : node.end_lineno]
    docstring = set()
    body = node.body[0] if node.body else None
    if isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant):
        docstring = set(range(body.lineno - node.lineno, body.end_lineno - node.lineno + 1))
    return sum(
        1
        for i, line in enumerate(lines)
        if i not in docstring and line.strip() and not line.strip().startswith("#")
    )
