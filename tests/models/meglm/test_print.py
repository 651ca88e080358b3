"""Stata's meglm layout, checked structurally.

There is no Stata here to produce reference text: the layout follows Stata's documented
meglm/melogit output (glmm-behaviour.md section 4: header with family, link, group
variable, groups, obs per group, integration method and points, Wald chi2 and log
likelihood; the coefficient table; var()/cov() rows per level with log-scale CIs; the LR
test line). The tests check that structure and that every number printed is the fit's,
in Stata's formats (``%9.0g`` in the table, ``%10.0g`` for the log likelihood) -- no
number is typed here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from rglm.render.stata import format_g


@pytest.fixture(scope="module")
def cbpp_fit(engine_case, meglm_of):
    return meglm_of(engine_case("cbpp_agq25"), family="binomial")


@pytest.fixture(scope="module")
def pastes_fit(engine_case, meglm_of):
    return meglm_of(engine_case("pastes_ml"))


def _right(line: str) -> str:
    return line[48:]


def test_header_one_level(cbpp_fit, data_of, engine_case):
    lines = str(cbpp_fit).split("\n")
    data = data_of(engine_case("cbpp_agq25"))
    counts = data["herd"].value_counts()
    counts = counts[counts > 0]
    assert lines[0].startswith("Mixed-effects GLM")
    assert _right(lines[0]) == f"{'Number of obs':<18}={len(data):>11,}"
    assert len(lines[0]) == 78
    assert lines[1] == "Family:" + " " * 16 + "binomial"
    assert lines[2] == "Link:" + " " * 21 + "logit"
    assert lines[3].startswith("Group variable:") and lines[3][:31].endswith("herd")
    assert _right(lines[3]) == f"{'Number of groups':<18}={len(counts):>11}"
    assert lines[4] == "" and _right(lines[5]) == "Obs per group:"
    for line, (name, value) in zip(lines[6:9], [("min", f"{counts.min()}"),
                                                 ("avg", f"{counts.mean():.1f}"),
                                                 ("max", f"{counts.max()}")]):
        assert _right(line) == f"{name:>17} ={value:>11}"
    assert lines[10].startswith("Integration method: mvaghermite")
    assert _right(lines[10]) == f"{'Integration pts.':<18}={7:>11}"
    chi2, df, p = cbpp_fit.wald
    assert _right(lines[12]) == f"{f'Wald chi2({df})':<18}={chi2:>11.2f}"
    assert lines[13].startswith(f"Log likelihood = {format_g(cbpp_fit.loglik, 10)}")
    assert _right(lines[13]) == f"{'Prob > chi2':<18}={p:>11.4f}"


def test_table_rows_are_the_fits_numbers(cbpp_fit):
    text = str(cbpp_fit)
    lines = text.split("\n")
    head = next(i for i, line in enumerate(lines) if "P>|z|" in line)
    assert lines[head].split("|")[0].strip() == "incidence"  # the depvar heads the stub
    assert "Coefficient  Std. err.      z    P>|z|     [95% conf. interval]" in lines[head]
    b = cbpp_fit.coefficients
    se = np.sqrt(np.diag(cbpp_fit.vcov))
    body = lines[head + 2:head + 2 + len(b)]
    names = [line.split("|")[0].strip() for line in body]
    assert names == ["period2", "period3", "period4", "_cons"]  # the constant last
    for line, name in zip(body, names):
        j = list(b.index).index("(Intercept)" if name == "_cons" else name)
        cells = line.split("|")[1].split()
        assert cells[0] == format_g(b.iloc[j]) and cells[1] == format_g(se[j])
        assert cells[2] == f"{b.iloc[j] / se[j]:.2f}"
        lo, hi = b.iloc[j] + np.array([-1, 1]) * stats.norm.ppf(0.975) * se[j]
        assert cells[4:] == [format_g(lo), format_g(hi)]
    vc = cbpp_fit.varcomp.iloc[0]
    i = next(i for i, line in enumerate(lines) if "var(_cons)|" in line)
    assert lines[i - 1].startswith("herd ") and lines[i - 2].startswith("-" * 13 + "+")
    cells = lines[i].split("|")[1].split()
    assert cells == [format_g(vc.estimate), format_g(vc.std_err), format_g(vc.conf_low),
                     format_g(vc.conf_high)]
    # a variance's interval is computed on the log scale (Stata's)
    half = stats.norm.ppf(0.975) * vc.std_err / vc.estimate
    assert vc.conf_low == pytest.approx(vc.estimate * np.exp(-half), rel=1e-12)
    kind, chi2, df, p = cbpp_fit.lr_test
    assert kind == "chibar2" and p == pytest.approx(0.5 * stats.chi2.sf(chi2, 1))
    lr = lines[-2]
    assert lr.startswith(f"LR test vs. logistic model: chibar2(01) = {chi2:.2f}")
    assert lr.endswith(f"Prob >= chibar2 = {p:.4f}")
    assert all(len(line) <= 80 for line in lines)


def test_several_levels_grouping_table_and_residual(pastes_fit, data_of, engine_case):
    """Two nested levels: Stata's grouping table in the header, the levels outermost
    first (``batch``, then ``batch>cask``), ``var(e.y)`` last for a gaussian response."""
    text = str(pastes_fit)
    lines = text.split("\n")
    i = lines.index(" Group variable |     groups    Minimum    Average    Maximum")
    assert lines[i - 1] == "                |     No. of       Observations per group"
    data = data_of(engine_case("pastes_ml"))
    for line, by in zip(lines[i + 2:i + 4], (["batch"], ["batch", "cask"])):
        n = data.groupby(by, observed=True).size()
        assert line.split() == [by[-1], "|", str(len(n)), str(n.min()), f"{n.mean():.1f}",
                                str(n.max())]
    assert "Wald chi2(0)      =          ." in text  # no covariates: no test
    head = next(i for i, line in enumerate(lines) if "P>|z|" in line)
    labels = [line.split("|")[0].strip() for line in lines[head:] if "|" in line]
    k = labels.index("batch")
    assert labels[k:k + 5] == ["batch", "var(_cons)", "batch>cask", "var(_cons)",
                              "var(e.strength)"]
    assert "LR test vs. linear model: chi2(2) = " in text
    assert text.endswith("Note: LR test is conservative and provided only for reference.\n")


def test_eform_or_and_irr(cbpp_fit):
    b = cbpp_fit.coefficients
    text = cbpp_fit.summary(**{"or": True})
    head = next(line for line in text.split("\n") if "P>|z|" in line)
    assert "Odds ratio   Std. err." in head
    row = next(line for line in text.split("\n") if line.strip().startswith("period2"))
    se = np.sqrt(cbpp_fit.vcov.loc["period2", "period2"])
    e = np.exp(b["period2"])
    assert row.split("|")[1].split()[:3] == [format_g(e), format_g(e * se),
                                             f"{b['period2'] / se:.2f}"]
    irr = cbpp_fit.summary(irr=True).split("\n")
    assert "IRR   Std. err." in next(line for line in irr if "P>|z|" in line)
    assert "exp(b)" in cbpp_fit.summary(eform=True)


def test_markdown_page(cbpp_fit):
    md = cbpp_fit.to_markdown()
    assert "var(_cons)" in md and "_cons" in md


# ---- ordinal and nbinomial: the family's own parameters --------------------------------
# Stata's meologit / menbreg layout (documented output, no Stata here): the fixed effects,
# a rule, then /cut1 ... or /lnalpha (/lndelta) with the estimate, its standard error and
# the interval -- z and P>|z| blank -- then the random part; eform leaves them alone.


def _meglm_families_data(reference, kind):
    import pandas as pd

    ref = reference("meglm_families")
    if kind == "ord":
        o = ref["ord"]
        return pd.DataFrame({"x": o["x"], "z": np.asarray(o["z"], dtype=float),
                             "g": pd.Categorical([f"g{i:02d}" for i in o["g"]]),
                             "y": pd.Categorical([f"c{i}" for i in o["y"]], ordered=True)})
    n = ref["nb"]
    return pd.DataFrame({"x": n["x"], "g": pd.Categorical([f"h{i:02d}" for i in n["g"]]),
                         "y": np.asarray(n["y"], dtype=float)})


@pytest.fixture(scope="module")
def ordinal_fit(reference):
    import rglm

    return rglm.meglm("y ~ x + z + (1 | g)", _meglm_families_data(reference, "ord"),
                      family="ordinal", intmethod="laplace")


@pytest.fixture(scope="module")
def nb_fits(reference):
    import rglm

    d = _meglm_families_data(reference, "nb")
    return {disp: rglm.meglm("y ~ x + (1 | g)", d, family=("nbinomial", disp),
                             intmethod="laplace") for disp in ("mean", "constant")}


_RULE = "-" * 13 + "+" + "-" * 64


def _table(text):
    lines = text.split("\n")
    head = next(i for i, line in enumerate(lines) if "P>|z|" in line)
    return lines, head


def _aux_rows_are_the_fits(fit, lines, first):
    se = np.sqrt(np.diag(fit.vcov_x))[fit.p + fit.n_re_params:][:fit.lik.naux]
    z = stats.norm.ppf(0.975)
    for k, name in enumerate(fit.aux_names):
        line = lines[first + k]
        assert line.split("|")[0] == f"{name:>12} "
        b = fit.aux.iloc[k]
        cells = line.split("|")[1].split()
        # estimate, std. err., blank z and P>|z|, the interval
        assert cells == [format_g(b), format_g(se[k]), format_g(b - z * se[k]),
                         format_g(b + z * se[k])]
        # in the columns of the fixed effects' estimate and std. err.; z, P>|z| blank
        assert line[14:36].split() == cells[:2] and line[36:55].strip() == ""


def test_ordinal_layout(ordinal_fit):
    text = str(ordinal_fit)
    lines, head = _table(text)
    assert lines[1] == "Family:" + " " * 17 + "ordinal"
    assert lines[2] == "Link:" + " " * 21 + "logit"
    body = lines[head + 2:]
    labels = [line.split("|")[0].strip() for line in body[:9]]
    assert labels == ["x", "z", _RULE, "/cut1", "/cut2", "/cut3", _RULE, "g",
                      "var(_cons)"]  # no _cons: the cutpoints take its place
    _aux_rows_are_the_fits(ordinal_fit, body, 3)
    assert "LR test vs. ologit model: chibar2(01) = " in text
    # odds ratios for the fixed effects only
    eform = ordinal_fit.summary(**{"or": True}).split("\n")
    _, head_e = _table("\n".join(eform))
    assert eform[head_e + 2].split("|")[1].split()[0] == format_g(
        np.exp(ordinal_fit.coefficients["x"]))
    assert eform[head_e + 5:head_e + 8] == body[3:6]


@pytest.mark.parametrize("disp, name", [("mean", "/lnalpha"), ("constant", "/lndelta")])
def test_nbinomial_layout(nb_fits, disp, name):
    fit = nb_fits[disp]
    text = str(fit)
    lines, head = _table(text)
    assert lines[1] == "Family:" + " " * 15 + "nbinomial"
    assert lines[2] == "Link:" + " " * 23 + "log"
    assert lines[3] == "Overdispersion:" + " " * (16 - len(disp)) + disp
    assert lines[4].startswith("Group variable:")
    body = lines[head + 2:]
    labels = [line.split("|")[0].strip() for line in body[:7]]
    assert labels == ["x", "_cons", _RULE, name, _RULE, "g", "var(_cons)"]
    _aux_rows_are_the_fits(fit, body, 3)
    assert "LR test vs. nbinomial model: chibar2(01) = " in text
    irr = fit.summary(irr=True).split("\n")
    _, head_i = _table("\n".join(irr))
    assert irr[head_i + 5] == body[3]


def test_gamma_layout(reference):
    import pandas as pd

    import rglm

    g = reference("meglm_families")["gam"]
    d = pd.DataFrame({"x": g["x"], "g": pd.Categorical([f"k{i:02d}" for i in g["g"]]),
                      "y": g["y"]})
    fit = rglm.meglm("y ~ x + (1 | g)", d, family="gamma", intmethod="laplace")
    text = str(fit)
    lines, head = _table(text)
    assert lines[1] == "Family:" + " " * 19 + "gamma"
    assert lines[2] == "Link:" + " " * 23 + "log"
    assert lines[3].startswith("Group variable:")
    body = lines[head + 2:]
    labels = [line.split("|")[0].strip() for line in body[:7]]
    assert labels == ["x", "_cons", _RULE, "/logs", _RULE, "g", "var(_cons)"]
    _aux_rows_are_the_fits(fit, body, 3)
    assert "LR test vs. gamma model: chibar2(01) = " in text
