"""The house's rules on imports (docs/architecture.md), checked on every import statement.

Every ``import`` counts -- at module level and inside functions alike (a lazy import is a
dependency too; it only moves the moment the module is loaded) -- and relative imports are
resolved. Two rules:

1. **Imports flow down.** Each module belongs to a layer (``LAYERS``, lowest first); it may
   import its own package and lower layers, never a higher one. Within ``engines`` and
   ``models`` the sub-packages have an order of their own (``SUBLAYERS``): a model kind may
   build on another (glm.nb on glm) but not the other way round.
2. **No cycles** between modules, lazy imports included.

Leaf utilities (``LEAVES``) are importable from anywhere and import nothing of rglm's.
``rglm/__init__.py`` only maps public names to the modules that define them, lazily; no
module below it reaches the public API through ``import rglm``.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "rglm"

#: modules (with their sub-modules) importable from anywhere; they import no rglm layer
LEAVES = ("rglm.errors", "rglm.callerenv", "rglm.report", "rglm.formula.ast",
          "rglm.render.rformat", "rglm.roptions", "rglm.dollar")

#: the top, which uses rglm as a user does: through its public API
API_USERS = ("rglm.cli", "rglm.__main__")

#: package -> layer, lowest first
LAYERS = {
    "formula": 1, "families": 1, "linalg": 1,
    "datasets": 2, "render": 2,
    "engines": 3,
    "generics": 4,
    "inference": 5,
    "models": 6,
    # R's plots dispatch on what the model kinds return (fits, profiles, ranef) and
    # draw with matplotlib, imported lazily: above every kind, below the command line
    "plots": 7,
    "io": 7,  # save()/load() (saveRDS/readRDS): names the model kinds' record classes
    "cli": 8, "__main__": 9,
}

#: order inside a package whose sub-packages build on each other
SUBLAYERS = {
    "engines": {"irls": 1, "chunked": 2, "em": 2, "mixed": 1, "lowess": 1},
    "models": {"call": 1, "glm": 2, "negbin": 3, "bigglm": 3, "mixed": 3, "mixture": 3,
               "meglm": 4},
}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = path
    return out


MODULES = _modules()


def _resolve(module: str, path: pathlib.Path, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names (relative levels resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _known(name: str) -> str | None:
    """The rglm module ``name`` refers to (a module, or a name inside one)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every rglm module ``module`` imports, wherever the statement stands."""
    path = MODULES[module]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            # ``from pkg import mod`` depends on pkg.mod; ``from mod import name`` on mod
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            if name == "rglm" or name.startswith("rglm."):
                target = _known(name) if name != "rglm" else "rglm"
                # a module's own parent packages are loaded before it whatever it imports
                # (but ``import rglm`` is the public API, not a parent: always counted)
                if target == "rglm" or (target and target != module
                                        and not module.startswith(target + ".")):
                    found.add(target)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def _is_leaf(module: str) -> bool:
    return any(module == leaf or module.startswith(leaf + ".") for leaf in LEAVES)


def _place(module: str) -> tuple:
    """(layer, package, sub-package, sub-layer) of a module."""
    parts = module.split(".")
    package = parts[1] if len(parts) > 1 else ""
    sub = parts[2] if len(parts) > 2 else ""
    sublayer = SUBLAYERS.get(package, {}).get(sub, 0)
    return LAYERS.get(package), package, sub, sublayer


def _violation(module: str, target: str) -> str | None:
    if target == "rglm":
        if any(module == u or module.startswith(u + ".") for u in API_USERS):
            return None
        return f"{module} imports the public API (import rglm): name the defining module"
    if _is_leaf(target):
        return None
    if _is_leaf(module):
        return f"leaf {module} imports {target}"
    layer, package, sub, sublayer = _place(module)
    tlayer, tpackage, tsub, tsublayer = _place(target)
    if layer is None or tlayer is None:
        return f"{module} -> {target}: a package without a layer (add it to LAYERS)"
    if package != tpackage:
        return None if tlayer < layer else f"{module} imports {target}: layer {tpackage} " \
                                           f"is not below {package}"
    if sub == tsub or package not in SUBLAYERS or not sub or not tsub:
        return None
    if tsublayer < sublayer:
        return None
    return f"{module} imports {target}: {package}.{tsub} is not below {package}.{sub}"


def test_every_package_has_a_layer():
    packages = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    leaves = {leaf.split(".")[1] for leaf in LEAVES}
    assert packages - set(LAYERS) - leaves == set()
    for package, subs in SUBLAYERS.items():
        present = {m.split(".")[2] for m in MODULES
                   if m.startswith(f"rglm.{package}.") and m.count(".") >= 2}
        assert present - set(subs) - {"__init__"} == set(), f"rglm.{package}: give an order"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "rglm"))
def test_imports_flow_downwards(module):
    problems = [v for t in sorted(GRAPH[module]) if (v := _violation(module, t))]
    assert problems == []


def _cycles(graph: dict) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_import_cycles():
    graph = {m: {t for t in GRAPH[m] if t != "rglm"} for m in GRAPH if m != "rglm"}
    assert _cycles(graph) == []


def test_the_checks_see_lazy_relative_and_cyclic_imports():
    """The checker itself: a lazy import, a relative import and a two-module cycle."""
    source = "def f():\n    from rglm.models.glm import result\nfrom .problem import X\n"  # honesty: code
    tree = ast.parse(source)
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert len(found) == 2  # the one inside the function too
    relative = next(n for n in found if n.level == 1)
    assert _resolve("rglm.engines.mixed.fit", ROOT / "engines/mixed/fit.py", relative) \
        == "rglm.engines.mixed.problem"
    assert _violation("rglm.render.coefmat", "rglm.models.glm.result") is not None
    assert _violation("rglm.models.glm.anova", "rglm.models.negbin.result") is not None
    assert _violation("rglm.models.negbin.result", "rglm.models.glm.result") is None
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _violation("rglm.models.glm.result", "rglm") is not None


def test_import_rglm_inside_a_function_is_seen(tmp_path, monkeypatch):
    """A lazy ``import rglm`` below the front ends is an upward import too."""
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    import rglm\n    return rglm.glm\n")  # honesty: code
    monkeypatch.setitem(MODULES, "rglm.models.glm.tmpmod", path)
    assert "rglm" in imports_of("rglm.models.glm.tmpmod")
