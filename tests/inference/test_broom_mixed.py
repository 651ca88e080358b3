"""broom.mixed's tidy / glance / augment of lme4 fits against R
(``tests/reference/make_broom_mixed.R`` -> ``broom_mixed.json``: broom.mixed 0.2.9.4 on
lme4 1.1-31 fits converted to current lme4's).

Tolerances: lme4 leaves its estimates where its optimiser stopped, rglm goes to the
optimum; each quantity takes mixed.json's tolerance for the same model and the quantity
it comes from (see tests/models/mixed/test_fits.py): fixed effects ``beta``, standard
errors ``se``, random-effect parameters ``varcorr``, conditional modes ``condval``
(relative to the largest), conditional sds ``condsd``, log-likelihoods ``loglik``, fitted
values and what is computed from them ``fitted``, residuals ``residuals`` (relative to
the largest). Derived columns add the tolerances of their parts; a p-value moves by
about ``z^2`` times the relative error of its z statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm


@pytest.fixture(scope="module")
def mixed_tol(reference):
    return {m["id"]: (m["tol"], m["tol_scaled"]) for m in reference("mixed")["models"]}


def _evaluate(case, r_fit, r_eval):
    fit = r_fit(case["fit_py"], case["data"]).value
    return r_eval(case["py"], case["data"], {"fit": fit})


def _columns(got: pd.DataFrame, case) -> pd.DataFrame:
    """R's matrix response column (cbind(a, b)) is one column of two; pandas holds two."""
    expected = case["columns"]
    matrix = [c for c in expected if c.endswith("]") and "[," in c]
    columns = list(got.columns)
    if matrix:
        stem = matrix[0].split("[,")[0]
        mine = [c for c in columns if c.startswith(stem)]
        assert len(mine) == len(matrix), columns
        columns = [matrix[mine.index(c)] if c in mine else c for c in columns]
    assert columns == expected, case["id"]
    assert got.index.equals(pd.RangeIndex(len(got)))
    return got.set_axis(columns, axis=1)


def _text(values) -> list:
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in values]


def _close(assert_close, got, want, tol, what, scaled=False):
    want_arr = np.asarray([np.nan if v is None else v for v in want], dtype=float)
    scale = float(np.nanmax(np.abs(want_arr))) if np.isfinite(want_arr).any() else 0.0
    assert_close(np.asarray(got, dtype=float), want_arr, tol, what,
                 atol=tol * scale if scaled else tol * 1e-3 * scale)


@pytest.mark.r_cases("broom_mixed", "tidy")
def test_tidy_matches_broom_mixed(case, r_fit, r_eval, assert_close, mixed_tol):
    tol, tol_scaled = mixed_tol[case["model"]]
    ev = _evaluate(case, r_fit, r_eval)
    assert ev.warnings == case["warnings"]
    got = _columns(ev.value, case)
    values, effect = case["values"], case["values"]["effect"]
    for name in ("effect", "group", "level", "term"):
        if name in values:
            assert _text(got[name]) == values[name], (case["id"], name)
    exp = "exp" in case["id"]
    for kind in ("fixed", "ran_pars", "ran_vals", "ran_coefs"):
        rows = np.flatnonzero([e == kind for e in effect])
        if not rows.size:
            continue
        what = f"{case['id']} {kind}"
        sub = {k: [v[i] for i in rows] for k, v in values.items()}
        mine = got.iloc[rows]
        if kind == "fixed":
            t = tol["beta"] + tol["se"]
            est = np.abs(np.asarray(sub["estimate"], dtype=float))
            # exp(): an error tol |beta| in beta is a relative one in exp(beta)
            t_est = tol["beta"] * max(1.0, float(np.max(np.abs(np.log(est))))) if exp \
                else tol["beta"]
            _close(assert_close, mine["estimate"], sub["estimate"], t_est, what)
            _close(assert_close, mine["std.error"], sub["std.error"],
                   tol["se"] + (t_est if exp else 0), what)
            _close(assert_close, mine["statistic"], sub["statistic"], t, what)
            if "p.value" in sub:
                z = np.abs(np.asarray(sub["statistic"], dtype=float))
                t_p = 2 * t * max(1.0, float(np.max(z ** 2)))
                _close(assert_close, mine["p.value"], sub["p.value"], t_p, what)
                np.testing.assert_allclose(mine["p.value"],
                                           2 * norm.sf(np.abs(mine["statistic"])),
                                           rtol=1e-12)
            for lim in ("conf.low", "conf.high"):
                if lim in sub:
                    _close(assert_close, mine[lim], sub[lim], t + t_est, what, scaled=True)
        elif kind == "ran_pars":
            t = tol["varcorr"] * (2 if any(s.startswith("var__") for s in sub["term"])
                                  else 1)
            _close(assert_close, mine["estimate"], sub["estimate"], t, what)
        elif kind == "ran_vals":
            t = tol_scaled["condval"]
            _close(assert_close, mine["estimate"], sub["estimate"], t, what, scaled=True)
            _close(assert_close, mine["std.error"], sub["std.error"], tol["condsd"], what)
            for lim in ("conf.low", "conf.high"):
                if lim in sub:
                    _close(assert_close, mine[lim], sub[lim], t + 2 * tol["condsd"], what,
                           scaled=True)
        else:
            t = max(tol["beta"], tol_scaled["condval"])
            _close(assert_close, mine["estimate"], sub["estimate"], t, what, scaled=True)
        for name in ("std.error", "statistic", "p.value", "conf.low", "conf.high"):
            if name in sub and all(v is None for v in sub[name]):
                assert mine[name].isna().all(), (what, name)


@pytest.mark.r_cases("broom_mixed", "glance")
def test_glance_matches_broom_mixed(case, r_fit, r_eval, assert_close, mixed_tol):
    tol, _ = mixed_tol[case["model"]]
    ev = _evaluate(case, r_fit, r_eval)
    got = _columns(ev.value, case)
    want = case["values"]
    assert got["nobs"].dtype.kind == "i" and got["df.residual"].dtype.kind == "i"
    assert (int(got["nobs"][0]), int(got["df.residual"][0])) == \
        (want["nobs"][0], want["df.residual"][0])
    assert_close(got["sigma"], want["sigma"], tol["sigma"], "sigma")
    for name in ("logLik", "AIC", "BIC", "REMLcrit"):
        if name in want:
            assert_close(got[name], want[name], tol["loglik"], name)
    if "deviance" in want:  # a GLMM's: the sum of its squared deviance residuals
        assert_close(got["deviance"], want["deviance"], tol["residuals"], "deviance")


#: augment's columns -> the tolerance (mixed.json's quantity) and whether it is relative
#: to the column's largest value
_AUGMENT_TOL = {".fitted": ("fitted", True), ".fixed": ("beta", True), ".eta": ("fitted", True),
                ".mu": ("fitted", False), ".resid": ("residuals", True),
                ".wtres": ("residuals", True), ".sqrtXwt": ("fitted", False),
                ".sqrtrwt": ("fitted", False), ".hat": ("theta", False),
                ".cooksd": ("theta", False)}


@pytest.mark.r_cases("broom_mixed", "augment")
def test_augment_matches_broom_mixed(case, r_fit, r_eval, assert_close, mixed_tol):
    """.hat and .cooksd come from the covariance parameters through the penalised
    system, the residuals and the fitted values: ``theta`` plus ``fitted`` plus
    ``residuals``."""
    tol, tol_scaled = mixed_tol[case["model"]]
    ev = _evaluate(case, r_fit, r_eval)
    assert sorted(set(ev.warnings)) == case["warnings"]
    got = _columns(ev.value, case)
    for name in case["columns"]:
        want = case["values"][name]
        what = f"{case['id']} {name}"
        if case["kinds"][name] == "text":
            assert _text(got[name]) == want, what
            continue
        if name not in _AUGMENT_TOL:  # the data, the prior weights, the offset
            assert_close(got[name], want, 1e-12, what)
            continue
        quantity, scaled = _AUGMENT_TOL[name]
        t = (tol_scaled if scaled else tol)[quantity]
        if name in (".hat", ".cooksd"):
            t = tol["theta"] + tol["fitted"] + tol_scaled["residuals"]
        if name == ".cooksd":
            # (r / (1 - h))^2 h: an error e in h is 2 e h / |1 - h| relative, and GLMM
            # "hat values" pass one (lme4's warning)
            h = np.asarray(case["values"][".hat"], dtype=float)
            t *= 2 + 2 * float(np.max(h / np.abs(1 - h)))
        _close(assert_close, got[name], want, t, what, scaled=scaled)


def test_tidy_arguments_are_checked(r_fit, reference):
    import rglm
    from rglm.errors import RError

    case = reference("broom_mixed")["tidy"][0]
    fit = r_fit(case["fit_py"], case["data"]).value
    with pytest.raises(RError, match="unknown effect type ran_modes"):
        rglm.tidy(fit, effects=["fixed", "ran_modes"])
    with pytest.raises(RError, match="must be provided for each effect"):
        rglm.tidy(fit, effects=["fixed", "ran_pars"], scales=["vcov"])
    with pytest.raises(RError, match="unrecognized ran_pars scale"):
        rglm.tidy(fit, effects="ran_pars", scales="sd")
    with pytest.raises(RError, match="only Wald CIs"):
        rglm.tidy(fit, effects="ran_vals", conf_int=True, conf_method="profile")
    with pytest.raises(RError, match="newdata"):
        rglm.augment(fit, newdata=pd.DataFrame({"period": ["1"]}))


def test_ran_coefs_are_fixed_plus_modes(r_fit, reference):
    """coef(x) stacked: each level's coefficient is its fixed effect plus its mode."""
    import rglm

    case = next(c for c in reference("broom_mixed")["tidy"]
                if c["id"] == "sleepstudy_reml_ran_vals_coefs")
    fit = r_fit(case["fit_py"], case["data"]).value
    tab = rglm.tidy(fit, effects=["ran_coefs", "ran_vals"])
    coefs = tab[tab["effect"] == "ran_coefs"].reset_index(drop=True)
    modes = tab[tab["effect"] == "ran_vals"].reset_index(drop=True)
    beta = rglm.fixef(fit)
    assert list(coefs["level"]) == list(modes["level"])
    np.testing.assert_allclose(coefs["estimate"],
                               modes["estimate"] + beta[modes["term"]].to_numpy(),
                               rtol=1e-12, atol=1e-12 * float(np.abs(beta).max()))
