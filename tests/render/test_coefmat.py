"""printCoefmat (summary tables and print.anova's use of it) against R 4.2."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.render.coefmat import format_coefmat


def matrix(case):
    """The table (NaN for NaN) and its NA mask, from make_printing.R's strings."""
    rows = case["x"] if case["nrow"] > 1 else [case["x"]]
    cells = [[s for s in row] for row in rows]
    x = np.array([[np.nan if s in ("NA", "NaN") else float(s) for s in row] for row in cells])
    na = np.array([[s == "NA" for s in row] for row in cells])
    return x, na


def kwargs(case):
    out = {"signif_stars": case["signif_stars"], "na_print": case["na_print"]}
    for key in ("digits", "dig_tst", "has_pvalue", "p_values"):
        if case[key] is not None:
            out[key] = case[key]
    for key in ("cs_ind", "tst_ind"):
        if case[key]["given"]:
            out[key] = case[key]["v"] or ()
    if case["zap_ind"]:
        out["zap_ind"] = case["zap_ind"]
    return out


@pytest.mark.r_cases("printing", lambda ref: {str(i): c for i, c in enumerate(ref["coefmat"])})
def test_coefmat_matches_r(case):
    x, na = matrix(case)
    got = format_coefmat(x, case["rownames"], case["colnames"], na=na, **kwargs(case))
    assert got == case["out"]


def test_p_values_without_p_column_is_an_error():
    with pytest.raises(RError, match="'P.values' is TRUE, but 'has.Pvalue' is not"):
        format_coefmat(np.ones((1, 3)), ["a"], ["A", "B", "C"], p_values=True)


def test_input_not_mutated():
    x = np.array([[1e-20, 1.0, 2.0, 0.5]])
    format_coefmat(x, ["a"], ["A", "B", "C", "Pr(>|z|)"], zap_ind=[0])
    assert x[0, 0] == 1e-20
