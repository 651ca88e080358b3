"""lme4's printouts: ``print(fit)``, ``print(summary(fit))``, ``print(VarCorr(fit))``
against current lme4's text (``tests/reference/mixed.json``, converted from the local
lme4 1.1-31 by ``make_mixed.R``: the ``-2*log(L)`` label, formatVC's layout, ...).

Where lme4's printed digits do not move between its fit and a tight refit of the same
model (``tol_detail.print_digits_stable``, ``summary_digits_stable``), rglm's text must
be R's byte for byte. Where they do -- the last printed digit of an estimate depends on
where the optimiser stopped -- two tests replace that one: R's own numbers printed
through rglm's renderer must give R's text exactly (the formatting), and rglm's text must
be R's but for numbers within the model's tolerance or one unit of R's last printed
digit (``close_print``; the numbers).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

REF = "mixed"
MODELS = pytest.mark.r_cases(REF, "models")


def _rel(case) -> float:
    """The largest of a model's tolerances (the printed numbers come from all of them)."""
    return max(v for k, v in case["tol"].items() if k != "objective")


# ---- R's numbers as rglm's renderer takes them ------------------------------------------


def _varcorr_data(case):
    from rglm.render.mixed import VarCorrData

    ref = case["varcorr"]
    groups, names, sds, cors, residual = [], [], [], [], None
    for grp, v1, v2, sdcor in zip(ref["grp"], ref["var1"], ref["var2"], ref["sdcor"]):
        if grp == "Residual":
            residual = sdcor
        elif v2 is None:
            if not groups or groups[-1] != grp:
                groups.append(grp), names.append([]), sds.append([]), cors.append({})
            names[-1].append(v1), sds[-1].append(sdcor)
        else:
            cors[-1][(v1, v2)] = sdcor
    correlation = []
    for nm, cor in zip(names, cors):
        p = len(nm)
        c = np.eye(p)
        for (a, b), r in cor.items():
            i, j = nm.index(b), nm.index(a)
            c[i, j] = c[j, i] = r
        correlation.append(c)
    return VarCorrData(groups=tuple(groups), names=tuple(tuple(n) for n in names),
                       stddev=tuple(np.asarray(s) for s in sds),
                       correlation=tuple(correlation), residual=residual)


def _aic_table(case):
    from rglm.render.mixed import AicTable

    if case["REML"]:
        return AicTable(reml=case["devcomp"]["cmp"]["REML"])
    ll = case["loglik"]["value"]
    return AicTable(aic=case["aic"], bic=case["bic"], loglik=ll, minus2logL=-2 * ll,
                    df_resid=case["df_residual"])


def _warn_info(case):
    from rglm.render.mixed import WarnInfo

    oi = case["optinfo"]
    return WarnInfo(optimizer=oi["optimizer"], code=oi["conv_opt"], message=oi["message"],
                    lme4_messages=tuple(oi["lme4_messages"]),
                    warnings=tuple(oi["warnings"]))


def _common(case, fit):
    """Title, family line and call pieces (rglm's: no optimiser digits in them)."""
    from rglm.models.mixed.printing import call_text

    family = case["family"] if case["class"] == "glmerMod" else None
    link = case["link"] if case["class"] == "glmerMod" else None
    return fit.title, case["class"], family, link, call_text(fit)


def r_print(case, fit) -> str:
    """print.merMod of R's numbers, by rglm's renderer."""
    from rglm.render.mixed import format_mermod

    title, cls, family, link, call = _common(case, fit)
    return format_mermod(
        title, cls, family, link, call, _aic_table(case), _varcorr_data(case),
        [g["grpvar"] for g in case["ngrps"]], [g["n"] for g in case["ngrps"]],
        case["nobs"], case["fixef"]["names"], np.asarray(case["fixef"]["values"]),
        fit.fit_messages, _warn_info(case))


def r_summary(case, fit) -> str:
    """print.summary.merMod of R's numbers, by rglm's renderer."""
    from rglm.models.glm.influence import abbreviate
    from rglm.render.mixed import format_summary_mermod

    title, cls, family, link, call = _common(case, fit)
    est = np.asarray(case["fixef"]["values"], dtype=float)
    se = np.asarray(case["se"], dtype=float)
    z = est / se
    glmm = case["class"] == "glmerMod"
    cols = ["Estimate", "Std. Error", "t value" if fit.use_sc else "z value"]
    table = [est, se, z]
    if glmm:
        cols.append("Pr(>|z|)")
        table.append(2 * stats.norm.sf(np.abs(z)))
    V = np.asarray(case["vcov"]["values"], dtype=float)
    d = np.sqrt(np.diag(V))
    cor = V / d[:, None] / d[None, :] if 1 < len(est) <= 20 else None
    rn = case["fixef"]["names"]
    return format_summary_mermod(
        title, cls, family, link, call, _aic_table(case),
        np.asarray(case["summary_residual_quantiles"], dtype=float), _varcorr_data(case),
        [g["grpvar"] for g in case["ngrps"]], [g["n"] for g in case["ngrps"]],
        case["nobs"], np.column_stack(table), rn, cols, cor, abbreviate(rn, 11),
        abbreviate(rn, 6), fit.fit_messages, _warn_info(case))


# ---- lme4's convergence block where rglm's optimum is better ------------------------------

GRADIENT = "Model failed to converge with max|grad|"


def _split_warn(text: str) -> tuple:
    """(the text before lme4's convergence block, the block) -- the block starts with
    the line ``optimizer (...) convergence code: ...``."""
    k = text.find("\noptimizer (")
    return (text, "") if k < 0 else (text[:k + 1], text[k + 1:])


def _without_lme4s_gradient_warning(case, fit, got: str, want: str, summary: bool) -> tuple:
    """Where lme4 stopped short of the optimum (its max|grad| warning) and rglm did
    not, rglm's convergence block is lme4's without that message, rglm's
    log-likelihood is higher, and the rest of the texts are compared as they are."""
    import rglm
    from rglm.render.mixed import format_warn

    ours = list(fit.engine.optinfo.conv.messages)
    r_msgs = case["optinfo"]["lme4_messages"]
    if not (any(m.startswith(GRADIENT) for m in r_msgs)
            and not any(m.startswith(GRADIENT) for m in ours)):
        return got, want
    assert ours == [m for m in r_msgs if not m.startswith(GRADIENT)]
    assert float(rglm.logLik(fit)) > case["loglik"]["value"]
    got, got_block = _split_warn(got)
    want, _ = _split_warn(want)
    info = _warn_info(case)
    from dataclasses import replace

    assert got_block == format_warn(replace(info, lme4_messages=tuple(ours)),
                                    summary=not summary)
    return got, want


# ---- the tests ---------------------------------------------------------------------------


@MODELS
def test_print(case, mixed_fit, same_printed, close_print):
    fit = mixed_fit(case["id"]).value
    got, want = _without_lme4s_gradient_warning(case, fit, fit.format(), case["print"],
                                                summary=False)
    if case["tol_detail"]["print_digits_stable"]:
        same_printed(got, want, what="print")
    else:
        assert close_print(got, want, _rel(case)) == []


@MODELS
def test_print_of_rs_numbers(case, mixed_fit, same_printed):
    """The formatting alone: R's numbers through rglm's renderer give R's text."""
    fit = mixed_fit(case["id"]).value
    same_printed(r_print(case, fit), case["print"], what="print of R's numbers")


@MODELS
def test_summary(case, mixed_fit, mixed_eval, same_printed, close_print):
    import rglm

    fit = mixed_fit(case["id"]).value
    out = mixed_eval("rglm.summary(fit).format()", bindings={"fit": fit})
    assert out.conditions == [(c["type"], c["text"]) for c in case["summary_conditions"]]
    assert str(rglm.summary(fit)) == out.value
    got, want = _without_lme4s_gradient_warning(case, fit, out.value, case["summary_print"],
                                                summary=True)
    if case["tol_detail"]["summary_digits_stable"]:
        same_printed(got, want, what="summary")
    else:
        assert close_print(got, want, _rel(case)) == []


@MODELS
def test_summary_of_rs_numbers(case, mixed_fit, same_printed):
    fit = mixed_fit(case["id"]).value
    if "summary_residual_quantiles" not in case:
        pytest.skip("mixed.json predates summary_residual_quantiles")
    same_printed(r_summary(case, fit), case["summary_print"],
                 what="summary of R's numbers")


@MODELS
def test_varcorr_print(case, mixed_fit, close_print):
    """5 significant digits: more than the fit printouts show, so the last one moves
    with the optimiser's stopping point in models whose print() is stable; R's numbers
    through rglm's renderer give R's text exactly, rglm's numbers agree within the
    tolerance."""
    import rglm
    from rglm.render.mixed import format_varcorr

    fit = mixed_fit(case["id"]).value
    want = case["varcorr_print"]
    assert format_varcorr(_varcorr_data(case), 5) == want
    assert close_print(str(rglm.VarCorr(fit)), want, _rel(case)) == []


@MODELS
def test_ranef_print(case, mixed_fit, close_print):
    """print(ranef(fit)) (models with at most 40 levels): R's modes through rglm's
    renderer give R's text; rglm's modes print the same within their tolerance."""
    import pandas as pd

    import rglm
    from rglm.render.mixed import format_ranef

    want = case.get("ranef_print")
    if want is None:
        pytest.skip("not recorded for models with more than 40 levels")
    re = case["ranef"]
    frames = []
    for g in dict.fromkeys(re["grpvar"]):
        rows = [i for i, v in enumerate(re["grpvar"]) if v == g]
        terms = list(dict.fromkeys(re["term"][i] for i in rows))
        levels = list(dict.fromkeys(re["grp"][i] for i in rows))
        values = {t: [re["condval"][i] for i in rows if re["term"][i] == t] for t in terms}
        frames.append((g, pd.DataFrame(values, index=pd.Index(levels, dtype="str"))))
    assert format_ranef(frames, True) == want
    fit = mixed_fit(case["id"]).value
    rel = max(case["tol_scaled"]["condval"], case["tol"]["condval"])
    assert close_print(str(rglm.ranef(fit)), want, rel) == []
