"""Likelihood-ratio tables and single-term deletions of mixed models against lme4's
``anova()`` and ``drop1()`` (``tests/reference/mixed.json``, sections ``anova`` and
``drop1``).

Tolerances: the log-likelihood columns take the largest ``tol["loglik"]`` of the models
compared (lme4's log-likelihood is within it of the optimum; 1e-8 at least -- a REML fit
refitted by ML is BOBYQA's optimum); the chi-squared statistic, a difference of two
log-likelihoods, that tolerance times their magnitude; its p-value, relatively, the
statistic's absolute tolerance (the upper tail's log changes by at most half the change
of the statistic at these values). drop1's rows are refits lme4 makes with its
Nelder-Mead, which stops at an absolute change of 1e-5 in -2 log L; rglm's refits go to
the optimum: rglm's AIC is at most lme4's (plus rounding) and within 1e-6 of it, the
likelihood-ratio statistics within 1e-3 absolutely.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

REF = "mixed"
GRADIENT = "Model failed to converge with max|grad|"


@pytest.fixture
def anova_fits(mixed_fit, mixed_eval):
    def fits(case):
        bindings = {}
        for mid in case["models"]:
            if case.get("glm") and mid == case["glm"]["id"]:
                data = [case["heading"][0].split(": ", 1)[1]]
                bindings[mid] = mixed_eval(case["glm"]["py"], data).value
            else:
                bindings[mid] = mixed_fit(mid).value
        return bindings

    return fits


def _loglik_tol(case, mixed_models) -> float:
    tols = [mixed_models[m]["tol"]["loglik"] for m in case["models"] if m in mixed_models]
    return max([1e-8, *tols])


@pytest.mark.r_cases(REF, "anova")
def test_anova_table(case, anova_fits, mixed_eval, mixed_models, assert_close):
    out = mixed_eval(case["py"], bindings=anova_fits(case))
    tab = out.value
    assert out.conditions == [(c["type"], c["text"]) for c in case["conditions"]]
    assert list(tab.heading) == case["heading"]
    assert list(tab.table.columns) == case["columns"]
    assert list(tab.table.index) == case["row_names"]
    tol = _loglik_tol(case, mixed_models)
    values = case["values"]
    assert_close(tab["npar"], values["npar"], 0, "npar")
    assert_close(tab["Df"], values["Df"], 0, "Df")
    for col in ("AIC", "BIC", "logLik", "-2*log(L)"):
        assert_close(tab[col], values[col], tol, col)
    scale = max(abs(v) for v in values["logLik"])
    chisq_tol = 4 * tol * scale
    assert_close(tab["Chisq"], values["Chisq"], 0, "Chisq", atol=chisq_tol)
    p = tab["Pr(>Chisq)"].to_numpy()
    assert_close(p, values["Pr(>Chisq)"], max(chisq_tol, 1e-10), "Pr(>Chisq)")
    ok = ~np.isnan(p)
    assert np.array_equal(p[ok], stats.chi2.sf(tab["Chisq"].to_numpy()[ok],
                                                tab["Df"].to_numpy()[ok]))


@pytest.mark.r_cases(REF, "anova")
def test_anova_print(case, anova_fits, mixed_eval, mixed_models, close_print, same_printed):
    """R's numbers through rglm's print.anova give R's text; rglm's table prints R's
    text up to the numbers' tolerance."""
    from rglm.render.anova import format_anova

    tab = mixed_eval(case["py"], bindings=anova_fits(case)).value
    values = np.column_stack([[np.nan if v is None else v for v in case["values"][c]]
                              for c in case["columns"]])
    same_printed(format_anova(values, case["row_names"], case["columns"], case["heading"]),
                 case["print"], what="anova of R's numbers")
    assert close_print(str(tab), case["print"], _loglik_tol(case, mixed_models) * 10) == []


@pytest.mark.r_cases(REF, "drop1")
def test_drop1(case, mixed_fit, mixed_eval, assert_close, same_printed, close_print):
    from rglm.render.anova import format_anova

    base = mixed_fit(case["base"]).value
    out = mixed_eval(case["py"], bindings={case["base"]: base})
    tab = out.value
    # lme4's refits stop short of their optima (its gradient warning); rglm's do not
    want = [(c["type"], c["text"]) for c in case["conditions"]
            if not c["text"].startswith(GRADIENT)]
    assert [c for c in out.conditions if not c[1].startswith(GRADIENT)] == want
    assert not any(c[1].startswith(GRADIENT) for c in out.conditions)
    assert list(tab.heading) == case["heading"]
    assert list(tab.table.columns) == case["columns"]
    assert list(tab.table.index) == case["row_names"]
    values = case["values"]
    assert_close(tab["npar"], values["npar"], 0, "npar")
    aic = tab["AIC"].to_numpy()
    r_aic = np.asarray(values["AIC"], dtype=float)
    assert_close(aic, r_aic, 1e-6, "AIC")
    assert np.all(aic <= r_aic + 1e-9 * np.abs(r_aic)), "a refit below lme4's optimum"
    assert_close(tab["LRT"], values["LRT"], 0, "LRT", atol=1e-3)
    x = np.column_stack([[np.nan if v is None else v for v in values[c]]
                         for c in case["columns"]])
    same_printed(format_anova(x, case["row_names"], case["columns"], case["heading"]),
                 case["print"], what="drop1 of R's numbers")
    assert close_print(str(tab), case["print"], 1e-3) == []
