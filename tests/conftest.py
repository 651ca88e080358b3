"""Shared fixtures: cached readers of the R reference JSON files and of the datasets.

``rglm`` is imported lazily inside the fixtures so that a half-built package breaks
only the tests that use it, not the collection of the whole suite.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = TESTS_DIR / "reference"


@functools.cache
def read_reference(name: str) -> dict:
    """Parse ``tests/reference/<name>`` (``.json`` added if missing) once per session.

    The parsed object is shared between tests: treat it as read-only.
    """
    if not name.endswith(".json"):
        name += ".json"
    with open(REFERENCE_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def reference():
    """Return ``read_reference``: ``reference("glm_models")`` -> the parsed JSON (shared)."""
    return read_reference


@pytest.fixture(scope="session")
def dataset():
    """Return a loader ``dataset(name)`` -> a fresh DataFrame (R: ``data(name)``).

    ``rglm.datasets.load`` parses each file once and hands out deep copies, so a test may
    modify what it gets.
    """
    from rglm.datasets import load

    return load
