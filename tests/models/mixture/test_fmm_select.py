"""``rglm.fmm_select()``: each k from several starts, and the AIC/BIC table, against
R's exact optima of NPreg's Poisson mixtures (``make_fmm.R``: 1 and 2 classes)."""

from __future__ import annotations

import numpy as np
import pytest

import rglm


@pytest.fixture(scope="module")
def selection():
    data = rglm.datasets.load("NPreg")
    return rglm.fmm_select("yp ~ x", data, ks=[1, 2, 3], family="poisson", draws=5, seed=1)


def test_each_k_reaches_rs_optimum(selection, fmm_case):
    table = selection.table
    for k, case_id in ((1, "npreg_poisson_1class"), (2, "npreg_poisson")):
        case = fmm_case(case_id)
        assert table.loc[k, "loglik"] == pytest.approx(case["loglik"], abs=1e-6)
        assert table.loc[k, "df"] == case["rank"]
        assert table.loc[k, "AIC"] == pytest.approx(-2 * case["loglik"] + 2 * case["rank"],
                                                    abs=2e-6)
        assert table.loc[k, "BIC"] == pytest.approx(
            -2 * case["loglik"] + np.log(case["nobs"]) * case["rank"], abs=2e-6)
    assert table["converged"].all()
    # every start is maximised: the table says how many reached the best optimum
    assert (table.loc[[2, 3], "starts_at_best"] >= 1).all()
    assert len(selection.fits[3].starts) == 5
    assert selection.fits[3].starts["loglik"].notna().all()


def test_best_by_criterion(selection):
    assert selection.best_k == int(selection.table["BIC"].idxmin())
    assert selection.best is selection.fits[selection.best_k]
    by_aic = rglm.fmm_select("yp ~ x", rglm.datasets.load("NPreg"), ks=[1, 2],
                             family="poisson", draws=3, seed=1, criterion="AIC")
    assert by_aic.best_k == int(by_aic.table["AIC"].idxmin())


def test_printed_as_estimates_stats(selection):
    text = str(selection)
    lines = text.splitlines()
    assert lines[0] == "Akaike's information criterion and Bayesian information criterion"
    assert "       Model |          N   ll(null)  ll(model)      df        AIC        BIC" in text
    assert lines[-1].startswith("Note: BIC uses N = number of observations.")
    row = next(line for line in lines if line.strip().startswith("k=2 |"))
    values = row.split("|")[1].split()
    assert values[1] == "."
    assert float(values[2]) == pytest.approx(selection.table.loc[2, "loglik"], rel=1e-6)


def test_select_arguments(capsys):
    data = rglm.datasets.load("NPreg")
    with pytest.raises(rglm.RError, match="'criterion' should be one of"):
        rglm.fmm_select("yp ~ x", data, ks=[1], criterion="ICL")
    with pytest.raises(rglm.RError, match="give the numbers of classes as 'ks'"):
        rglm.fmm_select("yp ~ x", data, k=2)
    rglm.fmm_select("yp ~ x", data, ks=[1, 2], family="poisson", draws=2, seed=1,
                    progress=True)
    assert capsys.readouterr().out.splitlines() == ["fmm_select: k = 1", "fmm_select: k = 2"]
