"""Plumbing of the meglm tests: lme4's model cases (tests/reference/mixed_engine.json,
from make_mixed_engine.R) -> their data, and meglm fits cached for the session (a fit is
immutable; several tests read the same one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def case_data(case: dict) -> pd.DataFrame:
    """The case's dataset with its derived columns (its ``prep``: our own reference
    code, the Python translation of the R lines that added them)."""
    from rglm.datasets import load

    name = case["data"]
    ns = {"pd": pd, "np": np, name: load(name)}
    if case.get("prep"):
        exec(case["prep"], ns)  # noqa: S102
    return ns[name]


_FITS: dict = {}


@pytest.fixture(scope="session")
def meglm_of():
    """``meglm_of(case, formula=None, **kw)`` -> the meglm fit of a case's data (cached
    by data, formula and arguments)."""
    import rglm

    def fit(case: dict, formula=None, **kw):
        formula = formula or case["formula"]
        key = (case["data"], case.get("prep"), formula, repr(sorted(kw.items())))
        if key not in _FITS:
            _FITS[key] = rglm.meglm(formula, case_data(case), **kw)
        return _FITS[key]

    return fit


@pytest.fixture(scope="session")
def engine_case(reference):
    """``engine_case(id)`` -> a case of mixed_engine.json's fits (lme4's)."""
    cases = {c["id"]: c for c in reference("mixed_engine")["fits"]}
    return cases.__getitem__


@pytest.fixture(scope="session")
def as_list():
    """jsonlite writes a length-one vector as a scalar: make it a list again."""
    return lambda v: v if isinstance(v, list) else [v]


@pytest.fixture(scope="session")
def data_of():
    """``data_of(case)`` -> a fresh copy of the case's data (derived columns added)."""
    return case_data
