"""Fixtures shared by the tests of rglm.results: the models and cases of the reference
files that several of them read, and the helpers they share.

* ``predict.json`` / ``influence.json`` (``tests/reference/make_predict.R``): the same
  models, read by test_predict, test_generics, test_residuals, test_loglik, test_update
  and test_influence;
* ``anova.json`` (``tests/reference/make_anova.R``): the models and cases of test_anova,
  test_drop1 and test_step;
* ``sandwich.json`` (``tests/reference/make_sandwich.R``): the cases of test_sandwich and
  test_coeftest.
"""

from __future__ import annotations

import pandas as pd
import pytest

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
