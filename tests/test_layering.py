"""Imports flow one way (docs/architecture.md): a module imports only from lower layers.

Only module-level imports count: the print methods of result objects import the printing
layer lazily inside ``__str__``, the way R dispatches ``print()`` to a method.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "rglm"

# Lower number = lower layer. Leaf utilities are importable from anywhere.
LEAVES = {"rglm", "rglm.errors", "rglm.callerenv", "rglm.formula.ast", "rglm.printing.rformat"}
LAYERS = {
    "formula": 1, "families": 1, "linalg": 1, "datasets": 1,
    "fit": 2, "results": 3, "printing": 4, "api": 5, "cli": 6, "__main__": 7,
}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        yield name, path


def _top_level_imports(path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_imports_flow_downwards(module, path):
    pkg = _package_of(module)
    if module == "rglm" or pkg not in LAYERS:
        return
    mine = LAYERS[pkg]
    for imported in _top_level_imports(path):
        if not imported.startswith("rglm.") or imported in LEAVES:
            continue
        if any(imported == leaf or imported.startswith(leaf + ".") for leaf in LEAVES - {"rglm"}):
            continue
        other = _package_of(imported)
        if other == pkg or other not in LAYERS:
            continue
        assert LAYERS[other] < mine, f"{module} imports {imported} (layer {other} >= {pkg})"
