"""Fixtures of the save()/load() tests: the round trip, and equality of whole records."""

from __future__ import annotations

import dataclasses
import functools
import io
import math
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest
from scipy import sparse


def same(a, b, where: str = "fit") -> None:
    """``a`` and ``b`` are the same value: same classes, arrays equal bit for bit (NaN
    where NaN), pandas objects with the same index, dtypes and attrs, records field by
    field; a family by its fields, its call and its functions' values."""
    from rglm.families.family import Family
    from rglm.families.links import Link

    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        if a.flags.c_contiguous or a.flags.f_contiguous:
            # the memory order is kept (BLAS results may depend on it); a strided view
            # (a broadcast row) is stored as the values it shows
            assert (a.flags.c_contiguous, a.flags.f_contiguous) == \
                (b.flags.c_contiguous, b.flags.f_contiguous), f"{where}: memory order"
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), where
    elif sparse.issparse(a):
        assert (a.format, a.shape) == (b.format, b.shape), where
        for part in ("data", "indices", "indptr"):
            same(getattr(a, part), getattr(b, part), f"{where}.{part}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
        same(dict(a.attrs), dict(b.attrs), f"{where}.attrs")
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
        same(dict(a.attrs), dict(b.attrs), f"{where}.attrs")
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=where)
    elif isinstance(a, Family):
        for name in ("family", "link", "linkobj", "dispersion", "constructor", "call",
                     "varfun", "theta", "var_power", "link_power"):
            same(getattr(a, name), getattr(b, name), f"{where}.{name}")
        mu = np.array([0.2, 0.5, 0.7])
        assert np.array_equal(a.variance(mu), b.variance(mu)), f"{where}: variance"
        assert np.array_equal(a.linkfun(mu), b.linkfun(mu)), f"{where}: linkfun"
        assert np.array_equal(a.dev_resids(mu, mu[::-1], np.ones(3)),
                              b.dev_resids(mu, mu[::-1], np.ones(3))), f"{where}: dev"
    elif isinstance(a, Link):
        assert (a.name, a.lambda_) == (b.name, b.lambda_), where
        eta = np.array([0.3, 0.6, 0.9])
        for name in ("linkfun", "linkinv", "mu_eta"):
            assert np.array_equal(getattr(a, name)(eta), getattr(b, name)(eta)), \
                f"{where}.{name}"
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, (dict, MappingProxyType)):
        assert list(a) == list(b), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    elif hasattr(a, "items") and hasattr(a, "__getitem__"):  # FrozenState
        same(dict(a.items()), dict(b.items()), where)
    elif isinstance(a, functools.partial):
        assert a.func is b.func, where
        same(a.args, b.args, f"{where}.args")
        same(a.keywords, b.keywords, f"{where}.keywords")
    elif type(a).__module__.startswith("rglm.") and hasattr(a, "__dict__"):
        same(vars(a), vars(b), where)  # a plain class, stored by its attributes
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def same_values(a, b, where: str) -> None:
    """Two results of a generic: equal (pandas objects exactly, prints the same)."""
    same(a, b, where)
    assert str(a) == str(b), f"{where}: printed"



@pytest.fixture(name="same", scope="session")
def _same_fixture():
    """``same(a, b, where)``: see :func:`same`."""
    return same


@pytest.fixture(name="same_values", scope="session")
def _same_values_fixture():
    """``same_values(a, b, where)``: see :func:`same_values`."""
    return same_values


@pytest.fixture(scope="session")
def round_trip():
    """``round_trip(fit)`` -> ``load()`` of what ``save(fit)`` wrote (to a file object)."""
    from rglm.io import load, save

    def run(fit):
        buffer = io.BytesIO()
        save(fit, buffer)
        buffer.seek(0)
        return load(buffer)

    return run
