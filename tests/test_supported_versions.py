"""The supported versions are the tested ones: setup.cfg's floors equal the pins of
.ci/constraints-lowest.txt, which .ci/run's third run installs and tests."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)$")


def _release(version: str) -> tuple:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _floors() -> dict:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = cfg["options"]["install_requires"].splitlines()
    for extra in cfg["options.extras_require"].values():
        lines += extra.splitlines()
    floors = {}
    for line in filter(None, (ln.strip() for ln in lines)):
        match = _REQUIREMENT.match(line)
        assert match, f"setup.cfg: {line!r} has no plain >= floor"
        floors[match.group(1).lower()] = match.group(2)
    return floors


def _pins() -> dict:
    pins = {}
    for line in (ROOT / ".ci" / "constraints-lowest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_every_floor_is_pinned_at_its_version():
    floors, pins = _floors(), _pins()
    for name, floor in floors.items():
        assert name in pins, f"{name}>={floor} is not tested: pin it in constraints-lowest.txt"
        assert _release(pins[name]) == _release(floor), \
            f"setup.cfg says {name}>={floor}, CI tests {name}=={pins[name]}"


def test_nothing_else_is_pinned_but_what_dask_needs():
    # distributed comes with dask[distributed] and must be dask's own release.
    extra = set(_pins()) - set(_floors())
    assert extra == {"distributed"}
    assert _pins()["distributed"] == _pins()["dask"]



#: distribution name -> the module it is imported as
_IMPORT_NAME = {"dask": "dask", "pyarrow": "pyarrow", "pytest": "pytest", "tqdm": "tqdm"}


def _imported_modules(folder: str) -> set:
    import ast

    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_every_declared_dependency_is_imported():
    """A declared dependency that nothing imports is a defect: every install_requires entry
    is imported by rglm itself, every extra by rglm or its tests."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")

    def names(block: str) -> set:
        return {_REQUIREMENT.match(ln.strip()).group(1).lower()
                for ln in block.splitlines() if ln.strip()}

    in_rglm = _imported_modules("rglm")
    in_tests = _imported_modules("tests") | in_rglm
    for name in names(cfg["options"]["install_requires"]):
        assert _IMPORT_NAME.get(name, name) in in_rglm, f"{name} is declared but not imported"
    for extra, block in cfg["options.extras_require"].items():
        for name in names(block):
            assert _IMPORT_NAME.get(name, name) in in_tests, \
                f"{name} (extra {extra!r}) is declared but not imported"
