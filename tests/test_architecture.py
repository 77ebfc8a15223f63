"""The house rules of ARCHITECTURE.md, checked on the source: imports point down, functions
stay short enough to read in one screen."""

from __future__ import annotations

import ast
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"

# Each module's layer; ARCHITECTURE.md draws the same picture.
LAYERS = {
    "face": {"cli", "commands", "scheduler"},
    "pipeline": {
        "check",
        "compose",
        "context",
        "delivery",
        "demo",
        "handbook",
        "prepare",
        "publish",
        "runlog",
        "weekly",
    },
    "core": {
        "calendar",
        "explain",
        "findings",
        "guide",
        "ikhtisar",
        "indonesian",
        "letters",
        "outcomes",
        "overview",
        "parse",
        "score",
        "sheet_docs",
        "validate",
        "window",
    },
    "io": {"archive", "backends", "files", "google", "journal", "local", "locks", "mail"},
    # workbook.py declares the backends' interface (protocol, errors, pure helpers): no I/O
    "declared": {"config", "errors", "labels", "presentation", "schema", "workbook"},
}
# Which layers a layer may import from (its own included).
MAY_IMPORT = {
    "face": {"face", "pipeline", "core", "io", "declared"},
    "pipeline": {"pipeline", "core", "io", "declared"},
    "core": {"core", "declared"},
    "io": {"io", "core", "declared"},
    "declared": {"declared"},
}
LONGEST_FUNCTION = 60
LONG_ALLOWED = {"demo.py"}  # its functions are mostly literal demo data


def layer_of(module: str) -> str:
    for layer, modules in LAYERS.items():
        if module in modules:
            return layer
    raise AssertionError(
        f"workflows/{module}.py belongs to no layer: add it to LAYERS here and to ARCHITECTURE.md"
    )


def imported_modules(path: Path) -> set[str]:
    """The ``workflows`` modules ``path`` imports (relative or absolute, at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found |= (
                    {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
                )
            elif node.module and node.module.startswith("workflows"):
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("workflows.")}
    return found


def modules() -> list[Path]:
    return sorted(p for p in WORKFLOWS.glob("*.py") if p.stem != "__init__")


def test_every_import_points_down_the_layers():
    wrong = [
        f"{path.stem} ({layer_of(path.stem)}) imports {other} ({layer_of(other)})"
        for path in modules()
        for other in sorted(imported_modules(path))
        if layer_of(other) not in MAY_IMPORT[layer_of(path.stem)]
    ]
    assert wrong == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from .cli import main\nfrom workflows import weekly\nimport workflows.score\n"
    )
    assert imported_modules(probe) == {"cli", "weekly", "score"}


def test_no_function_is_longer_than_one_screen():
    long = [
        f"{path.name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in modules()
        if path.name not in LONG_ALLOWED
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION
    ]
    assert long == []
