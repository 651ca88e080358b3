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

