"""print.glm and print.summary.glm byte streams against R (4.2 output; the R >= 4.3
default layout is derived in make_printing.R by deleting the Deviance Residuals block)."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.models.glm.summary import deviance_residual_summary, quantile7
from rglm.render.glm import format_glm
from rglm.render.summary import COR_LEGEND, format_summary_glm


def num(s):
    """One R double stored as a "%.17g" string ("NA" -> NaN)."""
    return float("nan") if s == "NA" else float(s)


def nums(strings):
    return [num(s) for s in strings]


@pytest.mark.r_cases("printing", "glm")
def test_print_glm(case):
    got = format_glm(case["call_lines"], case["coef_names"], nums(case["coef_values"]),
                     case["df_null"], case["df_residual"], num(case["null_deviance"]),
                     num(case["deviance"]), num(case["aic"]), n_deleted=case["n_deleted"])
    assert got == case["out"]


def summary_args(case):
    table = np.array([nums(row) for row in case["coef_table"]], dtype=float)
    cor = case["correlation"]
    # the summary object computes what the residual block shows; print formats it
    resid_values, resid_names = deviance_residual_summary(
        nums(case["deviance_resid"]), case["resid_names"], case["df_residual"])
    return dict(
        call_lines=case["call_lines"], coef_table=table,
        coef_rownames=case["coef_rownames"] or [], coef_colnames=case["coef_colnames"],
        family=case["family"], dispersion=num(case["dispersion"]),
        null_deviance=num(case["null_deviance"]), df_null=case["df_null"],
        deviance=num(case["deviance"]), df_residual=case["df_residual"],
        aic=num(case["aic"]), iter=case["iter"], n_aliased=case["n_aliased"],
        n_deleted=case["n_deleted"], resid_values=resid_values, resid_names=resid_names,
        correlation=None if cor is None else np.array([nums(row) for row in cor]),
        correlation_names=case["correlation_names"], symbolic_cor=case["symbolic_cor"])


@pytest.mark.r_cases("printing", "summary")
def test_print_summary_glm(case):
    assert format_summary_glm(**summary_args(case)) == case["out"]


@pytest.mark.r_cases("printing", "summary")
def test_print_summary_glm_show_residuals(case):
    got = format_summary_glm(**summary_args(case), show_residuals=True)
    assert got == case["out_residuals"]


def test_quantile_type7():
    assert list(quantile7([3.0, 1.0, float("nan"), 2.0, 4.0])) == [1.0, 1.75, 2.5, 3.25, 4.0]


def test_correlation_legend():
    q = "\u2018%s\u2019"
    assert COR_LEGEND == " ".join(["0", q % " ", "0.3", q % ".", "0.6", q % ",", "0.8",
                                   q % "+", "0.9", q % "*", "0.95", q % "B", "1"])
