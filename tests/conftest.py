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
* **text** -- ``same_printed`` compares rglm's printed text with R's, byte for byte
  but for numbers that are rounding noise around an exact zero (``noise_among`` finds
  them among R's values), whose digits, sign and width -- and the columns around them --
  depend on the machine's BLAS kernel (``compare_printed``).

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


# ---- printed text with rounding noise --------------------------------------------------
#
# A value that is zero in exact arithmetic (Dobson's treatment coefficients) is printed as
# rounding noise -- 1.218e-15 by R, 3.713e-16 or -2.470e-16 by rglm, depending on the
# BLAS kernel of the machine -- and its sign changes its width, hence possibly the width
# of its column and the position of everything to the right of it. ``compare_printed``
# compares such texts token by token: R's noise tokens may differ in digits and sign,
# the columns around them may move accordingly, and every other character must match.

_NUMBER = re.compile(r"-?(\d+)(?:\.(\d+))?(?:e([-+]\d+))?")
_TOKEN = re.compile(r"\S+")


class Noise(NamedTuple):
    """What counts as rounding noise in R's printed text.

    below : float
        Noise is smaller than this in magnitude, on both sides (0: there is none).
    values : tuple of float, optional
        R's values that are noise: a number of R's text is noise only if it is one of
        them as printed. None: any number below ``below`` is (for texts without R values
        at hand, such as the vignettes').
    scale : float
        The largest magnitude of the values the noise was judged against
        (``below = NOISE_RATIO * scale``).
    """

    below: float
    values: tuple | None = None
    scale: float = 0.0


NO_NOISE = Noise(0.0, ())


def noise_among(values, exclude=None, *, columns: bool = False) -> Noise:
    """The rounding noise among R's ``values`` (the numbers a text prints; NA ignored):
    those below ``NOISE_RATIO`` x their largest magnitude. ``exclude``: a mask of values
    never taken as noise (p-values, which are small but not noise). ``columns``:
    ``values`` is a list of columns, each with its own scale (a matrix of dfbetas)."""
    if columns:
        found = [noise_among(col) for col in values]
        noise = tuple(v for n in found for v in n.values)
        return Noise(max(n.below for n in found), noise,
                     max(n.scale for n in found)) if noise else NO_NOISE
    v = r_values(values).ravel()
    keep = np.isfinite(v)
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool).ravel()
    v = v[keep]
    if not v.size:
        return NO_NOISE
    scale = float(np.abs(v).max())
    below = NOISE_RATIO * scale
    noise = tuple(float(x) for x in v[np.abs(v) < below])
    return Noise(below, noise, scale) if noise else NO_NOISE


class _Token(NamedTuple):
    text: str
    start: int
    end: int


def _line_tokens(line: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(line)]


def _number_shape(text: str):
    """``(scientific, decimals)`` of a printed number, or None if ``text`` is not one."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    return m.group(3) is not None, len(m.group(2) or "")


def _prints(token: str, value: float) -> bool:
    """Could ``token`` be R's printing of ``value``: equal to within one unit of its last
    digit (R rounds the summary's estimates before formatting them: 1.2175e-15 is printed
    1.217e-15 there)."""
    m = _NUMBER.fullmatch(token)
    unit = 10.0 ** (int(m.group(3) or 0) - len(m.group(2) or ""))
    return abs(float(token) - value) <= unit


def _is_noise(token: str, previous: str | None, noise: Noise) -> bool:
    """Is ``token`` of R's text printed rounding noise: a number below ``noise.below``
    in magnitude and, if ``noise.values`` are given, the printing of one of them; never
    the bound of a p-value printed as ``< 2.2e-16``. Without values, a zero printed in
    fixed notation (``0.000``) is not noise: there, with nothing but a bound to go by,
    it is mostly a rounded number R prints alike everywhere (a z value of noise); R's
    noise that is exactly zero is among the values."""
    shape = _number_shape(token)
    if shape is None or previous == "<":
        return False
    value = float(token)
    if not abs(value) < noise.below:
        return False
    if noise.values is None:
        return shape[0] or value != 0
    return any(_prints(token, v) for v in noise.values)


def _noise_matches(got: str, want: str, noise: Noise) -> bool:
    """rglm's token in the place of R's noise token ``want``: noise too, smaller than
    ``noise.below``, printed in the same way or in scientific notation or as an exact
    zero in fixed notation. (Printed in another way -- ``_NoiseAt.reshaped`` -- it must
    stand in a column of nothing but noise: ``_layout_problems``.)"""
    shape = _number_shape(got)
    if shape is None or not abs(float(got)) < noise.below:
        return False
    return shape == _number_shape(want) or shape[0] or float(got) == 0


def _blocks(lines: list[list[_Token]]) -> list[list[int]]:
    """Group R's lines into tables: runs of consecutive lines in which each line is
    aligned with the line before it (R right-aligns columns): at least half the tokens
    of the shorter of the two end where tokens of the other do. (A heading such as
    ``Model 2: counts ~ outcome`` meets the columns below it by chance, once or twice.)"""
    blocks: list[list[int]] = []
    previous_edges: set[int] = set()
    for i, tokens in enumerate(lines):
        edges = {t.end for t in tokens}
        shared = len(edges & previous_edges)
        if blocks and shared and 2 * shared >= min(len(edges), len(previous_edges)):
            blocks[-1].append(i)
        else:
            blocks.append([i])
        previous_edges = edges
    return blocks


class _NoiseAt(NamedTuple):
    """A noise token of R's text: its place in the line, R's right edge, how much wider
    rglm's is, and whether rglm's is printed in another way (notation, digits)."""

    index: int
    end: int
    width_change: int
    reshaped: bool


def compare_printed(got: str, want: str, noise: Noise | float = NO_NOISE) -> list[str]:
    """The differences between rglm's printed text ``got`` and R's ``want`` that are not
    rounding noise; an empty list when the texts agree.

    ``noise`` (a :class:`Noise`, or a float: ``Noise(below=noise)``) says which numbers
    of R's text are rounding noise around an exact zero (``_is_noise``); decide it from
    R's values (``noise_among``). With none, the texts must be identical.

    Rules, line by line (the line counts must agree):

    * the tokens (runs of non-blanks) pair up one to one; a noise token of R's pairs
      with a number printed alike, smaller than ``noise.below`` (any digits, any sign);
      every other token is identical;
    * within a table (``_blocks``) with no noise token whose width differs, every token
      sits exactly where R's does, and every line ends where R's does (trailing blanks
      included); where some noise token is wider or narrower than R's, or printed
      otherwise, the columns may move as R's right-aligned columns would
      (``_layout_problems``).
    """
    if got == want:
        return []
    if not isinstance(noise, Noise):
        noise = Noise(float(noise))
    got_lines, want_lines = got.split("\n"), want.split("\n")
    if len(got_lines) != len(want_lines):
        return [f"{len(got_lines)} lines, R has {len(want_lines)}"]
    problems: list[str] = []
    want_tokens = [_line_tokens(line) for line in want_lines]
    got_tokens = [_line_tokens(line) for line in got_lines]
    found: dict[int, list[_NoiseAt]] = {}  # line -> its noise tokens
    for i, (gl, wl, gt, wt) in enumerate(zip(got_lines, want_lines, got_tokens, want_tokens)):
        where = f"line {i + 1}"
        if len(gt) != len(wt):
            problems.append(f"{where}: {len(gt)} tokens, R has {len(wt)}: {gl!r} vs {wl!r}")
            continue
        if not wt:
            if gl != wl:
                problems.append(f"{where}: {gl!r}, R has {wl!r}")
            continue
        for k, (g, w) in enumerate(zip(gt, wt)):
            if _is_noise(w.text, wt[k - 1].text if k else None, noise):
                if not _noise_matches(g.text, w.text, noise):
                    problems.append(f"{where}: {g.text!r} where R prints rounding noise "
                                    f"{w.text!r} (below {noise.below:g})")
                found.setdefault(i, []).append(_NoiseAt(
                    k, w.end, len(g.text) - len(w.text),
                    _number_shape(g.text) != _number_shape(w.text)))
            elif g.text != w.text:
                problems.append(f"{where}: {g.text!r}, R has {w.text!r}")
    if problems:
        return problems
    # the end of each line as one more (empty) token: trailing blanks are layout too
    ends = [[t + [_Token("", len(line), len(line))] if t else t for t, line in zip(tokens, lines)]
            for tokens, lines in ((got_tokens, got_lines), (want_tokens, want_lines))]
    for block in _blocks(want_tokens):
        problems += _layout_problems(block, *ends, found)
    return problems


def _layout_problems(block: list[int], got_tokens: list[list[_Token]],
                     want_tokens: list[list[_Token]],
                     found: dict[int, list[_NoiseAt]]) -> list[str]:
    """Where the tokens of one table of rglm's text are not where R would put them with
    rglm's noise: the layout rule of ``compare_printed``.

    The shift of a token is rglm's right edge minus R's. All tokens that end in the same
    column of R's text shift alike (columns stay aligned). Along a line the shift changes
    (a step) by at most the largest change of a noise token's width, in the direction of
    such a change, and only where R's right-aligned columns can move: at a column in
    which some line of the table has a noise token (``printCoefmat``: a wider noise
    estimate widens its column), or by the same step before every token of the line
    (``print.default`` of a named vector: one width for all its entries). Without noise
    of a changed width nothing moves.

    Noise printed in another way than R's (another number of digits, an exact zero in
    fixed notation) is R's layout only in a column of nothing but noise: R prints all the
    numbers of a column alike, with as many digits as the column needs -- noise that
    happens to end in a 0 (3.7470e-16) needs fewer, a column of exact zeros is ``0``.
    Next to other numbers R would have printed it as them.
    """
    noise = [item for i in block for item in found.get(i, [])]
    changes = [n.width_change for n in noise if n.width_change]
    largest = max((abs(c) for c in changes), default=0)
    up, down = any(c > 0 for c in changes), any(c < 0 for c in changes)
    noise_ends = sorted({n.end for n in noise})
    problems: list[str] = []
    noise_at = {(i, n.index) for i in block for n in found.get(i, [])}
    for n in (n for n in noise if n.reshaped):
        if any(w.end == n.end and _number_shape(w.text) and (i, k) not in noise_at
               for i in block for k, w in enumerate(want_tokens[i])):
            problems.append(f"noise printed unlike the other numbers of its column, where "
                            f"R prints them alike (ending at column {n.end} in R's text)")
    column_shift: dict[int, int] = {}
    for i in block:
        pairs = list(zip(got_tokens[i], want_tokens[i]))
        shifts = [g.end - w.end for g, w in pairs]
        steps = [s - b for s, b in zip(shifts, [0] + shifts[:-1])]
        uniform = len({step for step, (g, _) in zip(steps, pairs) if g.text}) == 1
        before_end = 0
        for (g, w), shift, step in zip(pairs, shifts, steps):
            at_noise = any(before_end < end <= w.end for end in noise_ends)
            before_end = w.end
            if column_shift.setdefault(w.end, shift) != shift:
                problems.append(f"line {i + 1}: {g.text or 'the line end'!r} is out of line "
                                f"with its column (ending at column {w.end} in R's text)")
            elif step and not (abs(step) <= largest and (up if step > 0 else down)
                               and (at_noise or uniform)):
                problems.append(f"line {i + 1}: {g.text or 'the line end'!r} is moved by "
                                f"{shift} column(s) from R's position, which no rounding "
                                f"noise explains")
    return problems


def assert_same_printed(got: str, want: str, noise: Noise | float = NO_NOISE,
                        what: str = "") -> None:
    """Assert that rglm's printed text is R's, up to rounding noise (``compare_printed``);
    the message lists the differences, then a diff of the two texts."""
    problems = compare_printed(got, want, noise)
    if problems:
        import difflib

        diff = "\n".join(difflib.unified_diff(want.split("\n"), got.split("\n"), "R", "rglm",
                                              lineterm=""))
        head = f"{what}: " if what else ""
        raise AssertionError(f"{head}printed text differs from R's:\n  "
                             + "\n  ".join(problems[:8]) + "\n" + diff)


@pytest.fixture(name="same_printed", scope="session")
def _same_printed_fixture():
    """``same_printed(got, want, noise=NO_NOISE, what="")``: rglm's printed text against
    R's, up to rounding noise (``assert_same_printed``)."""
    return assert_same_printed


@pytest.fixture(name="compare_printed", scope="session")
def _compare_printed_fixture():
    """``compare_printed(got, want, noise=NO_NOISE)`` -> the list of differences."""
    return compare_printed


@pytest.fixture(name="noise_among", scope="session")
def _noise_among_fixture():
    """``noise_among(values, exclude=None, *, columns=False)`` -> the ``Noise`` among R's
    values."""
    return noise_among


# ======================================================================================
# Fixtures shared by the tests of fitted glm objects and of inference on them
# (tests/models/, tests/inference/): the models and cases of the reference files that
# several of them read.
#
# * predict.json / influence.json (make_predict.R): the same models, read by test_predict,
#   test_generics, test_residuals, test_loglik, test_update and test_influence;
# * anova.json (make_anova.R): the models and cases of test_anova, test_drop1, test_step;
# * sandwich.json (make_sandwich.R): the cases of test_sandwich and test_coeftest.
# ======================================================================================

# ---- predict.json / influence.json ----------------------------------------------------


@pytest.fixture(scope="session")
def all_datasets():
    """Every dataset's name: make_predict.R evaluates its models with all of them bound
    (its models name none)."""
    from rglm.datasets import list_datasets

    return tuple(list_datasets())


@pytest.fixture(scope="session")
def predict_models(reference):
    """The models of predict.json by id (influence.json has the same ids and code)."""
    return {m["id"]: m for m in reference("predict")["models"]}


@pytest.fixture(scope="session")
def predict_model(predict_models, r_fit, all_datasets):
    """``predict_model(model)`` -> the fit of a predict.json or influence.json model, given
    as its case or by its id (cached; fit-time warnings are not what these tests compare)."""

    def fitted(model):
        if isinstance(model, str):
            model = predict_models[model]
        return r_fit(model["py"], all_datasets).value

    return fitted


def _r_names(index: pd.Index) -> list[str]:
    """R's row names of a pandas index: integer label k is R's automatic name "k+1"."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


@pytest.fixture(scope="session")
def r_names():
    """``r_names(index)`` -> R's row names of a pandas index (label k is R's "k+1")."""
    return _r_names


@pytest.fixture(scope="session")
def check_vector(assert_close):
    """``check_vector(actual, expected, tol, what)``: a named vector against R's
    ``{"names", "values"}``."""

    def check(actual: pd.Series, expected: dict, tol: float, what: str) -> None:
        assert _r_names(actual.index) == expected["names"], f"{what}: names"
        assert_close(actual.to_numpy(dtype=float), expected["values"], tol, what)

    return check


# ---- anova.json -----------------------------------------------------------------------

# anova.json's comparisons: relative 1e-8, noise around 0 absolutely (conftest's rule).
ANOVA_TOL = 1e-8


@pytest.fixture(scope="session")
def anova_tol():
    return ANOVA_TOL


@pytest.fixture(scope="session")
def anova_model(reference, r_fit):
    """``anova_model(model_id)`` -> the fit of an anova.json model (cached; fit-time
    warnings are not the cases')."""
    models = {m["id"]: m for m in reference("anova")["models"]}

    def fitted(model_id: str):
        return r_fit(models[model_id]["py"], models[model_id]["data"]).value

    return fitted


@pytest.fixture(scope="session")
def _anova_scope(reference, anova_model):
    """``scope(case)`` -> (datasets, bindings) a case's ``py`` runs with: its models bound
    to their ids, and their datasets."""
    models = {m["id"]: m for m in reference("anova")["models"]}

    def scope(case):
        data = sorted({d for m in case["models"] for d in models[m]["data"]})
        return data, {m: anova_model(m) for m in case["models"]}

    return scope


@pytest.fixture(scope="session")
def anova_case(_anova_scope, r_eval):
    """``anova_case(case)`` -> ``Evaluated(value, warnings, output)`` of a case's ``py``,
    evaluated once per session (the table, print and warnings tests share it)."""
    done = {}

    def run(case):
        if case["id"] not in done:
            done[case["id"]] = r_eval(case["py"], *_anova_scope(case))
        return done[case["id"]]

    return run


@pytest.fixture(scope="session")
def anova_error(_anova_scope, r_error):
    """``anova_error(case)`` -> the text of the RError raised by a case R answered with an
    error."""

    def error(case) -> str:
        return r_error(case["py"], *_anova_scope(case))

    return error


@pytest.fixture(scope="session")
def assert_table(assert_close, table_noise):
    """``assert_table(frame, ref, what, nan_mask=None, atol=0)``: a DataFrame against R's
    table: names, then each column (at ANOVA_TOL; NaN cells, as opposed to NA, too).

    A cell that is rounding noise of the table (``table_noise``: a deviance difference
    that is zero in exact arithmetic, maybe in a column of nothing else, where
    assert_close's floor relative to the column cannot see it) is compared absolutely,
    at ANOVA_TOL x the table's largest magnitude.
    """
    import numpy as np

    def check(frame, ref: dict, what: str, nan_mask=None, atol: float = 0.0) -> None:
        assert list(frame.columns) == ref["colnames"], f"{what}: columns"
        assert [str(r) for r in frame.index] == ref["rownames"], f"{what}: rows"
        noise = table_noise(ref)
        for j, (name, col) in enumerate(zip(ref["colnames"], ref["columns"])):
            values = frame[name]
            if not pd.api.types.is_numeric_dtype(values):
                assert list(values) == col, f"{what}: column {name}"
                continue
            got = values.to_numpy(dtype=float)
            want = np.array([np.nan if v is None or isinstance(v, str) else v for v in col],
                            dtype=float)
            tiny = np.isin(want, noise.values) & (not name.startswith(("Pr(", "P(")))
            assert (np.abs(got[tiny] - want[tiny]) <= ANOVA_TOL * noise.scale + atol).all(), \
                f"{what}: column {name}: noise cells {got[tiny]}, R has {want[tiny]}"
            assert_close(np.where(tiny, want, got), col, ANOVA_TOL, f"{what}: column {name}",
                         atol=atol)
            r_nan = np.array([v == "NaN" for v in col])
            got_nan = np.zeros(len(col), dtype=bool) if nan_mask is None else nan_mask[:, j]
            assert (r_nan == got_nan).all(), f"{what}: NaN (not NA) cells of {name}"

    return check


@pytest.fixture(scope="session")
def table_noise(noise_among, r_values):
    """``table_noise(ref)`` -> the ``Noise`` of R's table ``ref`` (its columns): the
    cells, p-values apart, below NOISE_RATIO x the largest of them -- a deviance
    difference or a statistic that is zero in exact arithmetic (deleting one of three
    collinear terms; adding Dobson's treatment), which R prints as e.g. 3.4106e-13 and
    rglm as whatever its BLAS kernel leaves."""
    import numpy as np

    def noise(ref: dict):
        cells, pvalue = [], []
        for name, col in zip(ref["colnames"], ref["columns"]):
            if all(v is None or isinstance(v, (int, float)) or v in ("NaN", "Inf", "-Inf")
                   for v in col):
                cells.extend(col)
                pvalue.extend([name.startswith(("Pr(", "P("))] * len(col))
        return noise_among(r_values(cells), exclude=np.array(pvalue, dtype=bool))

    return noise


# ---- sandwich.json --------------------------------------------------------------------


@pytest.fixture(scope="session")
def sandwich_case(reference, r_fit, r_eval):
    """``sandwich_case(case)`` -> ``Evaluated`` of a case's code, with its model's (cached)
    fit bound to ``fit`` and the datasets of both."""
    models = {m["id"]: m for m in reference("sandwich")["models"]}

    def run(case):
        model = models[case["model"]]
        fit = r_fit(model["py"], model["data"]).value
        return r_eval(case["py"], [*model["data"], *case["data"]], {"fit": fit})

    return run
