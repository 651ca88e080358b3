"""R's contrast matrices and the columns model.matrix makes from each contrast spec.

Reference: tests/reference/make_eval.R → eval.json (``contrasts``, ``contrast_errors``,
``model_matrix``, ``one_level_error``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError
from rglm.formula.contrasts import (
    ContrastMatrix, contr_helmert, contr_poly, contr_SAS, contr_sum, contr_treatment,
    contrast_matrix,
)

FUNCTIONS = {"contr.treatment": contr_treatment, "contr.sum": contr_sum,
             "contr.helmert": contr_helmert, "contr.poly": contr_poly, "contr.SAS": contr_SAS}


def _n(case):
    n = case["n"]
    return n[0] if len(n) == 1 and not isinstance(n[0], str) else n


def _args(case):
    args = case["args"]
    if isinstance(args, list):  # R's empty list()
        return {}
    return {k: (v if k == "scores" else v[0]) for k, v in args.items()}


def _names(index):
    return None if isinstance(index, pd.RangeIndex) else [str(v) for v in index]


@pytest.mark.r_cases("eval", "contrasts", ids=lambda c: f"{c['fn'][0]}({c['n']},{c['args']})")
def test_contrast_functions_match_r(case):
    frame = FUNCTIONS[case["fn"][0]](_n(case), **_args(case))
    # contr.poly(12) reaches degree 11, where the centred power matrix is so
    # ill-conditioned that rounding differences with R's LINPACK/BLAS reach ~3e-13.
    np.testing.assert_allclose(frame.to_numpy(), np.array(case["values"], dtype=float),
                               rtol=1e-12, atol=1e-14)
    assert _names(frame.columns) == case.get("colnames")
    assert _names(frame.index) == case.get("rownames")


@pytest.mark.r_cases("eval", "contrast_errors", ids=lambda c: f"{c['fn'][0]}({c['n']})")
def test_contrast_errors_match_r(case):
    with pytest.raises(RError) as err:
        FUNCTIONS[case["fn"][0]](_n(case), **_args(case))
    assert str(err.value) == case["error"][0]


def _named_matrix():
    return pd.DataFrame([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]],
                        columns=["A", "B", "C"])


SPECS = {
    "treatment_name": ("contr.treatment", None),
    "treatment_fun": (contr_treatment, None),
    "sum_name": ("contr.sum", None),
    "sum_fun": (contr_sum, None),
    "helmert_name": ("contr.helmert", None),
    "poly_name": ("contr.poly", None),
    "poly_fun": (contr_poly, None),
    "SAS_name": ("contr.SAS", None),
    "SAS_fun": (contr_SAS, None),
    "matrix_named": (_named_matrix(), None),
    "matrix_unnamed": (_named_matrix().to_numpy(), None),
    "matrix_short": (pd.DataFrame({"lin": [-3.0, -1, 1, 3]}), None),
    "matrix_short_unnamed": (np.array([[-3.0], [-1], [1], [3]]), None),
}


@pytest.mark.r_cases("eval", "model_matrix", ids=lambda c: c["spec"][0])
def test_model_matrix_columns_match_r(case):
    spec, how_many = SPECS[case["spec"][0]]
    cm = contrast_matrix(spec, ["a", "b", "c", "d"], how_many=how_many)
    assert isinstance(cm, ContrastMatrix)
    assert ["f" + s for s in cm.suffixes()] == case["colnames"][1:]
    np.testing.assert_allclose(cm.matrix, np.array(case["values"], dtype=float),
                               rtol=1e-13, atol=1e-15)


def test_fewer_than_two_levels(reference):
    with pytest.raises(RError) as err:
        contrast_matrix("contr.treatment", ["a"])
    assert str(err.value) == reference("eval")["one_level_error"][0]


def test_indicator_coding():
    cm = contrast_matrix("contr.sum", ["x", "y", "z"], contrasts=False)
    np.testing.assert_array_equal(cm.matrix, np.eye(3))
    assert cm.colnames == ("x", "y", "z")


def test_underscore_names_and_unknown_names():
    assert contrast_matrix("contr_sum", ["a", "b"]).colnames is None
    with pytest.raises(RError, match="object 'contr.foo' of mode 'function' was not found"):
        contrast_matrix("contr.foo", ["a", "b"])


def test_wrong_number_of_rows():
    with pytest.raises(RError, match="wrong number of contrast matrix rows"):
        contrast_matrix(np.eye(2), ["a", "b", "c"])


def test_short_matrix_is_completed_when_asked():
    # C(f, m) with a 1-column matrix: R adds columns orthogonal to 1 and to m.
    cm = contrast_matrix(pd.DataFrame({"lin": [-3.0, -1, 1, 3]}), list("abcd"), how_many=3)
    assert cm.colnames == ("lin", "", "")
    assert cm.matrix.shape == (4, 3)
    np.testing.assert_allclose(cm.matrix[:, 0], [-3, -1, 1, 3])
    np.testing.assert_allclose(cm.matrix[:, 1:].T @ np.column_stack([np.ones(4), cm.matrix[:, 0]]),
                               0, atol=1e-12)
