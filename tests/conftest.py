"""Shared test plumbing: R's reference files, the datasets, and the rglm side of a case.

What every R-reference test needs, provided here once:

* **cases** -- ``@pytest.mark.r_cases(file, section)`` parametrizes a test with the
  cases of ``tests/reference/<file>.json`` (``pytest_generate_tests`` below); the
  ``reference`` fixture reads a whole file;
* **snippets** -- ``r_fit``, ``r_eval`` and ``r_error`` evaluate a case's ``py`` (its
  rglm translation) in a namespace holding ``rglm`` and the named datasets, as R
  evaluated ``r`` in a session holding the data; ``r_fit`` caches the result for the
  session, keyed by the snippet, so a model that several files compare is fitted once;
* **warnings** -- ``r_warnings`` records the RWarning texts issued in a block;
* **numbers** -- ``assert_close`` compares with R's numbers (``r_values`` reads them):
  relatively, NA/NaN-aware, with an absolute floor for rounding noise around zero;
* **text** -- ``mask_noise`` blanks printed digits that are rounding noise.

Helpers reach the tests as fixtures: test modules cannot import this file
(``--import-mode=importlib``). ``rglm`` is imported lazily inside the helpers so that a
half-built package breaks only the tests that use it, not the collection of the suite.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest

TESTS_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = TESTS_DIR / "reference"

# A value whose magnitude is below NOISE_RATIO x (the largest magnitude it is compared
# with) is taken as rounding noise around an exact zero (Dobson's treatment2 coefficient
# is 1.2e-15 next to an intercept of 3.04): its digits cannot be matched, so it is
# compared absolutely, at tol x (that largest magnitude), instead of relatively.
NOISE_RATIO = 1e-10


# ---- reference files ----------------------------------------------------------------


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


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "r_cases(file, section, *, where=None, ids='id', arg='case'): parametrize `arg` "
        "with the cases of tests/reference/<file>.json (see tests/conftest.py)")


def pytest_generate_tests(metafunc):
    """Parametrize a test marked ``r_cases`` with the cases of a reference file.

    ``@pytest.mark.r_cases(file, section, *, where=None, ids="id", arg="case")``:

    * ``section`` -- a key of the file holding a list of cases or a dict (its values, named
      by its keys; ``(key, value)`` pairs for two parameters), or a function of the
      parsed file returning such a list or dict;
    * ``where`` -- keep only the cases for which ``where(case)`` is true (for a dict, of
      its values);
    * ``ids`` -- the key naming each case (used when every case is a dict holding it), a
      function of the case, or None for pytest's own ids;
    * ``arg`` -- the parameter (or comma-separated parameters, the cases then tuples).

    Test modules cannot import this file (``--import-mode=importlib``), and fixtures are
    not available while tests are collected: hence a marker for collection-time data.
    """
    for marker in metafunc.definition.iter_markers("r_cases"):
        file, section = marker.args
        where = marker.kwargs.get("where")
        ids = marker.kwargs.get("ids", "id")
        ref = read_reference(file)
        arg = marker.kwargs.get("arg", "case")
        cases = section(ref) if callable(section) else ref[section]
        if isinstance(cases, dict):
            named = [(k, c) for k, c in cases.items() if where is None or where(c)]
            cases = named if "," in arg else [c for _, c in named]
            if isinstance(ids, str):
                ids = [k for k, _ in named]
        else:
            cases = [c for c in cases if where is None or where(c)]
        if isinstance(ids, str):
            ids = ([c[ids] for c in cases]
                   if all(isinstance(c, dict) and ids in c for c in cases) else None)
        elif callable(ids):  # called here: pytest would call it per parameter, not per tuple
            ids = [ids(c) for c in cases]
        metafunc.parametrize(arg, cases, ids=ids)


# ---- datasets -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dataset():
    """Return a loader ``dataset(name)`` -> a fresh DataFrame (R: ``data(name)``).

    ``rglm.datasets.load`` parses each file once and hands out deep copies, so a test may
    modify what it gets.
    """
    from rglm.datasets import load

    return load


# ---- warnings -------------------------------------------------------------------------


@contextlib.contextmanager
def recorded_warnings(*, every: bool = False):
    """``with recorded_warnings() as texts:`` -- after the block, ``texts`` holds the
    texts of the RWarnings issued in it, in order (of every warning with ``every``, as
    tests that compare all of R's warnings need). Nothing is filtered out or shown once."""
    from rglm.errors import RWarning

    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield texts
        finally:
            texts.extend(str(w.message) for w in caught
                         if every or issubclass(w.category, RWarning))


@pytest.fixture(scope="session")
def r_warnings():
    """The ``recorded_warnings`` context manager."""
    return recorded_warnings


# ---- the rglm side of a case: evaluating its snippet ----------------------------------


class Evaluated(NamedTuple):
    """What evaluating a snippet gave."""

    value: Any
    warnings: list[str]  # the texts of its RWarnings (of all warnings: every_warning)
    output: str  # what it printed on stdout


def namespace(data=(), bindings: dict | None = None) -> dict:
    """The namespace a snippet runs in: ``rglm``, ``np``, ``pd``, ``math`` (the imports a
    Python user's session has), each dataset in ``data`` under its own name (a fresh
    copy), then ``bindings``."""
    import rglm
    from rglm.datasets import load

    ns = {"rglm": rglm, "np": np, "pd": pd, "math": math}
    ns.update({name: load(name) for name in data})
    ns.update(bindings or {})
    return ns


def evaluate(code: str, data=(), bindings: dict | None = None, *, setup: str | None = None,
             every_warning: bool = False) -> Evaluated:
    """Evaluate the expression ``code`` in ``namespace(data, bindings)``, after executing
    ``setup`` there (unrecorded); its value, warnings and printed output. An error
    propagates (an RError is R's error)."""
    ns = namespace(data, bindings)
    if setup:
        exec(setup, ns)  # noqa: S102 - our own reference code
    out = io.StringIO()
    with recorded_warnings(every=every_warning) as texts, contextlib.redirect_stdout(out):
        value = eval(code, ns)  # noqa: S307 - our own reference code
    return Evaluated(value, texts, out.getvalue())


@functools.cache
def _cached(code: str, data: tuple[str, ...]) -> Evaluated:
    return evaluate(code, data)


def cached_fit(code: str, data=()) -> Evaluated:
    """``evaluate(code, data)`` once per session: the cache of fitted models.

    Keyed by the snippet and the datasets of ``data`` that it names, so that a model
    fitted by several test files (each binding its own list of datasets) is shared. The
    value is shared too: fits are immutable, and tests must not modify what they get.
    """
    named = (d for d in set(data) if re.search(rf"(?<![\w.]){re.escape(d)}(?!\w)", code))
    return _cached(code, tuple(sorted(named)))


@pytest.fixture(scope="session")
def r_fit():
    """``r_fit(code, data)`` -> ``Evaluated(value, warnings, output)``, cached per session
    (see ``cached_fit``): for the models of the reference files."""
    return cached_fit


def error_of(code: str, data=(), bindings: dict | None = None) -> str:
    """The text of the RError (R's error) that evaluating ``code`` raises; the test fails
    if it raises none."""
    from rglm.errors import RError

    with pytest.raises(RError) as err:
        evaluate(code, data, bindings)
    return str(err.value)


@pytest.fixture(scope="session")
def r_error():
    """``r_error(code, data, bindings)`` -> the text of the RError the snippet raises
    (see ``error_of``): for the error cases of the reference files."""
    return error_of


@pytest.fixture(scope="session")
def r_eval():
    """``r_eval(code, data, bindings, *, setup, every_warning)`` -> ``Evaluated``,
    evaluated afresh (see ``evaluate``): for the calls made on fitted models."""
    return evaluate


# ---- numbers --------------------------------------------------------------------------

_SPECIAL = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if value is None:
        return math.nan
    if isinstance(value, str):
        return _SPECIAL[value]
    return value


def r_values(values) -> np.ndarray:
    """R's numbers as the reference files hold them -> floats: null (NA) -> NaN, the
    strings "NaN", "Inf", "-Inf" -> themselves; a scalar or (nested) lists."""
    return np.array(_decode(values), dtype=np.float64)


@pytest.fixture(name="r_values", scope="session")
def _r_values_fixture():
    """``r_values(values)`` -> R's numbers of a reference file as a float array."""
    return r_values


def values_of(obj) -> np.ndarray:
    """A pandas Series/DataFrame (NA -> NaN), array-like or number as a float array."""
    if hasattr(obj, "to_numpy"):
        return obj.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(obj, dtype=np.float64)


def assert_close(actual, expected, tol: float, what: str = "", *, atol: float = 0.0,
                 noise_ratio: float = NOISE_RATIO) -> None:
    """Compare numbers with R's (``expected`` as the reference file holds them).

    The shapes must agree (a scalar is a vector of one), NA/NaN positions must agree,
    infinities must be equal, and each finite value ``a`` must satisfy
    ``|a - e| <= tol * |e| + atol``, except that a value ``e`` below ``noise_ratio`` x
    ``max|e|`` is rounding noise around an exact zero: ``|a - e| <= tol * max|e| + atol``.

    Two tolerance rules, as the test files had them: the noise floor above (glm fits,
    predict and its relatives, anova/drop1/step, with ``atol`` for a column of nothing
    but noise), and, with ``noise_ratio=0``, a plain ``|a - e| <= tol |e| + atol`` --
    numpy's assert_allclose with NaN positions checked -- as the tests of MASS's
    glm.nb, confint and profile compare.
    """
    exp = np.atleast_1d(r_values(expected))
    act = np.atleast_1d(values_of(actual))
    assert act.shape == exp.shape, f"{what}: shape {act.shape}, R has {exp.shape}"
    nan_e, nan_a = np.isnan(exp), np.isnan(act)
    assert np.array_equal(nan_e, nan_a), \
        f"{what}: NA at {np.flatnonzero(nan_a)}, R has NA at {np.flatnonzero(nan_e)}"
    inf_e = np.isinf(exp)
    assert np.array_equal(act[inf_e], exp[inf_e]), f"{what}: infinite values differ"
    fin = ~nan_e & ~inf_e
    if not fin.any():
        return
    e, a = exp[fin], act[fin]
    scale = float(np.max(np.abs(e)))
    noise = np.abs(e) < noise_ratio * scale
    bound = np.where(noise, tol * scale, tol * np.abs(e)) + atol
    bad = ~(np.abs(a - e) <= bound)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        rel = abs(a[i] - e[i]) / abs(e[i]) if e[i] else math.inf
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {e.size} values differ beyond tol={tol:g}"
            f"{f', atol={atol:g}' if atol else ''}; first at finite position {i}: "
            f"rglm {a[i]!r}, R {e[i]!r} (rel. diff {rel:.3g})")


@pytest.fixture(name="assert_close", scope="session")
def _assert_close_fixture():
    """``assert_close(actual, expected, tol, what, *, atol, noise_ratio)``."""
    return assert_close


# ---- printed text ---------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"( *)(-?\d\.\d+e[-+]\d+)")


def mask_noise(text: str, bound: float, *, keep_spaces: bool = False,
               keep_zeros: bool = False) -> str:
    """Blank the numbers printed in scientific notation whose magnitude is below ``bound``.

    Such digits are rounding noise around an exact zero (R prints Dobson's treatment2 as
    1.218e-15 in print.glm and 1.217e-15 in the summary), which cannot be matched; the
    rest of the text is still compared byte for byte. Each is replaced by "~" together
    with the spaces before it (a noise value's sign changes its width, so its right-
    aligned column's padding), or, with ``keep_spaces``, by "<noise>" alone. An exact
    zero ("0.000e+00", as either side may print the noise) is blanked too, unless
    ``keep_zeros``.

    The CLI and vignette tests mask with ``keep_spaces`` and ``keep_zeros`` and a bound
    of 1e-12 (any number with an exponent of -13 or less); test_r_reference with the
    defaults and a bound relative to the model's coefficients.
    """

    def blank(match: re.Match) -> str:
        value = abs(float(match.group(2)))
        if value >= bound or (keep_zeros and value == 0):
            return match.group()
        return match.group(1) + "<noise>" if keep_spaces else " ~"

    return _SCIENTIFIC.sub(blank, text)


@pytest.fixture(name="mask_noise", scope="session")
def _mask_noise_fixture():
    """``mask_noise(text, bound, *, keep_spaces, keep_zeros)``."""
    return mask_noise
