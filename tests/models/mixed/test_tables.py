"""The applied tables of issue #9 -- ICC, BLUP, diagnostics, fixed effects -- against the
values ``make_mixed.R`` computes in R from lme4's quantities (``icc``, ``blup_table``,
``fixef_table``; the diagnostics from ``fitted``, ``residuals`` and ``predict``).

Tolerances are those of the quantities the tables are made of (see test_fits.py): the
variance components' (``varcorr``, twice for a variance), the modes' and conditional SDs',
the estimates' and standard errors'.
"""

from __future__ import annotations

import numpy as np
import pytest

REF = "mixed"
MODELS = pytest.mark.r_cases(REF, "models")


@MODELS
def test_icc(case, mixed_fit, assert_close):
    import rglm

    fit = mixed_fit(case["id"]).value
    tab = rglm.icc(fit)
    ref = case["icc"]
    assert list(tab.columns) == ["grpvar", "term", "variance", "residual_variance", "icc"]
    assert list(tab["grpvar"]) == ref["grpvar"] and list(tab["term"]) == ref["term"]
    tol = 2 * case["tol"]["varcorr"]
    assert_close(tab["variance"], ref["variance"], tol, "variance", atol=tol * 1e-3)
    rv = np.full(len(tab), np.nan if ref["residual_variance"] == "NaN"
                 else ref["residual_variance"])
    assert_close(tab["residual_variance"], rv, 2 * case["tol"]["sigma"], "residual variance")
    assert_close(tab["icc"], ref["icc"], 2 * tol, "icc", atol=tol * 1e-3)
    assert tab.note == ref["note"]


@MODELS
def test_blup_table(case, mixed_fit, assert_close):
    import rglm

    fit = mixed_fit(case["id"]).value
    re = case["ranef"]
    for group, ref in case["blup_table"].items():
        tab = rglm.blup_table(fit, group=group)
        assert list(tab.columns) == ["Group", "Random Intercept", "Std. Error", "Rank"]
        assert list(tab["Group"]) == ref["Group"]
        rows = [i for i, (g, t) in enumerate(zip(re["grpvar"], re["term"]))
                if g == group and t == "(Intercept)"]
        assert_close(tab["Random Intercept"], [re["condval"][i] for i in rows],
                     case["tol_scaled"]["condval"], "Random Intercept", noise_ratio=1.0)
        assert_close(tab["Std. Error"], [re["condsd"][i] for i in rows],
                     case["tol"]["condsd"], "Std. Error", atol=case["tol"]["condsd"] * 1e-3)
        # Ties: modes equal in exact arithmetic (identical response patterns) differ by
        # rounding in R's numbers, which ranks them apart; rglm ranks them as ties. A
        # rank must be R's, or R's smallest among the values R has within the modes'
        # tolerance of it.
        r_vals = np.asarray([re["condval"][i] for i in rows])
        near = np.abs(r_vals[:, None] - r_vals[None, :]) <= \
            case["tol_scaled"]["condval"] * np.max(np.abs(r_vals))
        r_rank = np.asarray(ref["Rank"])
        low = np.array([r_rank[near[i]].min() for i in range(len(rows))])
        high = np.array([r_rank[near[i]].max() for i in range(len(rows))])
        got = tab["Rank"].to_numpy()
        assert np.all((got >= low) & (got <= high)), "Rank"
        assert np.array_equal(got[low == high], r_rank[low == high]), "Rank"


@MODELS
def test_fixef_table(case, mixed_fit, assert_close):
    import rglm

    fit = mixed_fit(case["id"]).value
    tab = rglm.fixef_table(fit)
    ref = case["fixef_table"]
    cols = [k for k in ref if k not in ("level", "exp_column", "names", "print")]
    assert list(tab.columns) == cols
    assert list(tab.index) == ref["names"]
    tol = max(case["tol"]["beta"], case["tol"]["se"])
    for col in cols:
        assert_close(tab[col], ref[col], tol, col, noise_ratio=1.0)


@MODELS
def test_diagnostics(case, mixed_fit, assert_close):
    """By row of the data: rows an NA action dropped are NaN (as na.exclude pads
    them), whatever the fit's na_action."""
    import rglm

    fit = mixed_fit(case["id"]).value
    tab = rglm.diagnostics(fit).to_frame()
    assert list(tab.columns) == ["fitted_values", "deviance_residuals",
                                 "pearson_residuals", "group_random_effect"]
    na = case["na_action"]
    n_data = case["nobs"] + (len(na["rows"]) if na else 0)
    assert len(tab) == n_data
    if na and na["class"] == "omit":
        assert tab.iloc[np.asarray(na["rows"]) - 1].isna().all().all()
        tab = tab.dropna()
    rows = np.arange(case["n_rows"]) if case.get("rows") is None else \
        np.asarray(case["rows"]) - 1
    tab = tab.iloc[rows]
    assert_close(tab["fitted_values"], case["fitted"], case["tol"]["fitted"], "fitted")
    tol_r = case["tol_scaled"]["residuals"]
    assert_close(tab["deviance_residuals"], case["residuals"]["deviance"], tol_r,
                 "deviance residuals", noise_ratio=1.0)
    assert_close(tab["pearson_residuals"], case["residuals"]["pearson"], tol_r,
                 "pearson residuals", noise_ratio=1.0)
    pr = case["predict"]
    zb = np.asarray([np.nan if a is None else a - b
                     for a, b in zip(pr["link"], pr["link_fixed"])], dtype=float)
    tol = max(case["tol_scaled"]["condval"], case["tol"]["beta"], case["tol"]["fitted"])
    assert_close(tab["group_random_effect"], zb, tol, "group random effect",
                 noise_ratio=1.0)


def test_tables_print_as_data_frames_and_show_html(mixed_fit):
    """str() is the data frame's print (test_table_prints compares it with R's) and the
    note; notebooks get an HTML table with the note under it."""
    import rglm
    from rglm.render.mixed import format_data_frame

    fit = mixed_fit("cbpp_poisson_offset_term").value
    for tab in (rglm.icc(fit), rglm.blup_table(fit), rglm.fixef_table(fit)):
        note = f"Note: {tab.note}\n" if tab.note else ""
        assert str(tab) == format_data_frame(tab.table) + note
        html = tab._repr_html_()
        assert html.startswith("<") and "</table>" in html
        assert (tab.note or "") in html
    assert rglm.icc(fit).note == "no residual variance is defined for poisson with link log"


# ---- printed as R prints the same data frames ------------------------------------------


def _icc_frame(ref):
    import pandas as pd

    n = len(ref["grpvar"])
    rv = np.nan if ref["residual_variance"] == "NaN" else ref["residual_variance"]
    return pd.DataFrame({
        "grpvar": pd.array(ref["grpvar"], dtype="str"),
        "term": pd.array(ref["term"], dtype="str"),
        "variance": np.asarray(ref["variance"], dtype=float),
        "residual_variance": np.full(n, rv),
        "icc": np.asarray([np.nan if v == "NaN" else v for v in ref["icc"]], dtype=float)})


@MODELS
def test_table_prints(case, mixed_fit, close_print):
    """R's values through rglm's print.data.frame give R's print of the same data frame;
    rglm's tables print the same up to the tolerance of their numbers."""
    import pandas as pd

    import rglm
    from rglm.render.mixed import format_data_frame

    ref = case["icc"]
    if "print" not in ref:
        pytest.skip("mixed.json predates the tables' prints")
    fit = mixed_fit(case["id"]).value
    rel = max(v for k, v in case["tol"].items() if k != "objective")
    assert format_data_frame(_icc_frame(ref)) == ref["print"]
    tab = rglm.icc(fit)
    assert close_print(format_data_frame(tab.table), ref["print"], 2 * rel) == []
    re = case["ranef"]
    for group, blup in case["blup_table"].items():
        rows = [i for i, (g, t) in enumerate(zip(re["grpvar"], re["term"]))
                if g == group and t == "(Intercept)"]
        frame = pd.DataFrame({
            "Group": pd.array(blup["Group"], dtype="str"),
            "Random Intercept": np.asarray([re["condval"][i] for i in rows]),
            "Std. Error": np.asarray([re["condsd"][i] for i in rows]),
            "Rank": np.asarray(blup["Rank"], dtype=np.int64)})
        assert format_data_frame(frame) == blup["print"]
    ft = case["fixef_table"]
    cols = [k for k in ft if k not in ("level", "exp_column", "names", "print")]
    frame = pd.DataFrame({c: np.asarray(ft[c], dtype=float) for c in cols},
                         index=pd.Index(ft["names"], dtype="str"))
    assert format_data_frame(frame) == ft["print"]
    got = format_data_frame(rglm.fixef_table(fit).table)
    assert close_print(got, ft["print"], rel) == []
