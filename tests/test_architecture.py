"""The import rules of docs/architecture.md, checked on the source (imports inside functions
included): the core imports no kind, kinds do not import each other, nothing imports in a
circle, and every module fits in a head."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("moderation", "feedback", "project")
KINDS = ("moderation.images", "feedback")
# The app's wiring may name its kinds: Django and Celery look for these modules by name.
WIRING = {
    "moderation.apps",
    "moderation.models",
    "moderation.admin",
    "moderation.urls",
    "moderation.tasks",
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_core_imports_no_kind() -> None:
    core = {
        name: targets
        for name, targets in graph().items()
        if inside(name, "moderation")
        and name not in WIRING
        and not any(inside(name, kind) for kind in KINDS)
    }
    assert core, "no core modules found"
    offending = sorted(
        f"{name} -> {target}"
        for name, targets in core.items()
        for target in targets
        if any(inside(target, kind) for kind in KINDS)
    )
    assert not offending


def test_kinds_do_not_import_each_other() -> None:
    offending = sorted(
        f"{name} -> {target}"
        for name, targets in graph().items()
        for kind in KINDS
        if inside(name, kind)
        for target in targets
        for other in KINDS
        if other != kind and inside(target, other)
    )
    assert not offending


def test_no_module_imports_itself_in_a_circle() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    assert not cycles


def test_every_module_fits_in_a_head() -> None:
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long
