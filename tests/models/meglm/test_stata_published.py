"""rglm.meglm against Stata's *published* output (tests/reference/stata_meglm.json).

The oracle for meglm is Stata's documented behaviour and published output; nobody here
has Stata. The outputs found are Stata 17's ``melogit`` on the Bangladesh fertility
survey (random intercept; random slope with an unstructured covariance), quoted on
Germán Rodríguez's Pop 510 pages (the JSON names the source and the searches).

What can be compared, and how:

* the layout, exactly: Stata's published numbers laid out by rglm's renderer
  (rglm.render.meglm, with the row builder of the random-effects part) give Stata's text
  character for character (the page's box-drawing rules read as Stata's plain ``-``,
  ``+`` and ``|``);
* the layout of rglm.meglm's own printout of the same model, token by token: every label
  identical and in the same column, every number ending (right-aligned) or starting
  (``Log likelihood = ...``) in Stata's column. melogit's title and its lack of
  ``Family:``/``Link:`` lines are the one documented difference from meglm's header;
* the design facts (observations, groups and their sizes, quadrature points, the tests'
  degrees of freedom), exactly;
* Stata's statistics recomputed from its printed estimates and standard errors with the
  formulas rglm uses (z, P>|z|, Wald intervals, a variance's interval on the log scale, a
  covariance's on its own scale, chibar2's halved p-value), to one unit in the last
  printed digit (the printed inputs are themselves rounded).

The estimates themselves cannot be compared: R's ``mlmRev::Contraception`` (rglm's
``Contraception``) is the same survey but not Stata's file -- its fixed-effects logit has
log likelihood -1228.365 where Stata's iteration log shows -1228.5263 -- which
``test_contraception_is_not_statas_file`` records, so that the numeric comparison can be
added if Stata's data ever become available in R.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats

from rglm.render.meglm import (format_lr_line, format_meglm_header, format_meglm_text,
                               level_rows)
from rglm.render.stata import StataRow

#: The page's SMCL rules as box-drawing characters -> Stata's plain-text output.
_PLAIN = str.maketrans({"─": "-", "┬": "-", "┴": "-", "┼": "+", "│": "|"})

_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)(e[+-]\d+)?$")

FORMULAS = {"bangladesh_ri": "c_use ~ urban + age + child1 + child2 + child3 + (1 | district)",
            "bangladesh_rs": "c_use ~ urban + age + child1 + child2 + child3 + "
                             "(urban | district)"}
OPTIONS = {"bangladesh_ri": {}, "bangladesh_rs": {"covariance": "unstructured"}}


@pytest.fixture(scope="module")
def published(reference):
    return {c["id"]: c for c in reference("stata_meglm")["cases"]}


def _plain(case) -> list:
    return [line.translate(_PLAIN) for line in case["text"]]


def _bangladesh():
    """Contraception recoded as Stata's bangladesh.dta (c_use, urban and child1-3 as 0/1
    dummies; age, mean-centred, as it is)."""
    from rglm.datasets import load

    d = load("Contraception")
    out = d[["district", "age"]].copy()
    out["c_use"] = (d["use"] == "Y").astype(float)
    out["urban"] = (d["urban"] == "Y").astype(float)
    livch = d["livch"].astype(str)
    for k, level in enumerate(["1", "2", "3+"], start=1):
        out[f"child{k}"] = (livch == level).astype(float)
    return out


_FITS: dict = {}


@pytest.fixture(scope="module")
def fit_of():
    import rglm

    def fit(cid):
        if cid not in _FITS:
            _FITS[cid] = rglm.meglm(FORMULAS[cid], _bangladesh(), family="bernoulli",
                                    **OPTIONS[cid])
        return _FITS[cid]
    return fit


# ---- reading the published table ----------------------------------------------------------


def _cells(text: str) -> tuple:
    """The six columns of a table line after the bar, by Stata's column ends (estimate
    and std. err. in 11 characters, z in 9, P>|z| in 8, the interval in 13 and 12)."""
    ends = np.cumsum([11, 11, 9, 8, 13, 12])
    starts = np.concatenate([[0], ends[:-1]])
    cells = [text[a:b].strip() for a, b in zip(starts, ends)]
    return tuple(float(c) if c else None for c in cells)


def _table(lines):
    """(depvar, fixed rows, random-effects blocks) read from the published table: fixed
    rows are (label, values); a block is (level name, [(label, values)])."""
    top = next(i for i, line in enumerate(lines) if "P>|z|" in line)
    depvar = lines[top].split("|")[0].strip()
    fixed, blocks, pending = [], [], ""
    block = None
    for line in lines[top + 2:]:
        if set(line) == {"-"}:
            break
        if "|" not in line:
            continue
        stub, rest = line.split("|", 1)
        if set(line) <= {"-", "+"}:
            block = None
            continue
        label = pending + stub.strip()
        if not rest.strip():
            if stub.startswith(" "):  # a wrapped label's first line
                pending = label
            else:  # the level's name heads a block
                block = (label, [])
                blocks.append(block)
            continue
        pending = ""
        (block[1] if block else fixed).append((label, _cells(rest)))
    return depvar, fixed, blocks


def _header_numbers(lines) -> dict:
    """The header's statistics by their labels (``Number of obs`` -> 1934.0 ...)."""
    out = {}
    for line in lines:
        if line.startswith("-"):
            break
        for part in (line[:48], line[48:]):
            m = re.match(r"\s*(\S.*?)\s*=\s*([-\d.,]+)\s*$", part)
            if m:
                out[m.group(1)] = float(m.group(2).replace(",", ""))
    return out


def _rendered(case) -> str:
    """Stata's published numbers laid out by rglm's renderer."""
    lines = _plain(case)
    nums = _header_numbers(lines)
    depvar, fixed, blocks = _table(lines)
    group = re.search(r"Group variable: (\S+)", "\n".join(lines)).group(1)
    wald_df = int(re.search(r"Wald chi2\((\d+)\)", "\n".join(lines)).group(1))
    header = format_meglm_header(
        title=lines[0][:48].strip(), family=None, link="logit", nobs=int(nums["Number of obs"]),
        levels=[(group, nums["Number of groups"], nums["min"], nums["avg"], nums["max"])],
        intmethod="mvaghermite", intpoints=int(nums["Integration pts."]),
        wald=(nums[f"Wald chi2({wald_df})"], wald_df, nums["Prob > chi2"]),
        loglik=nums["Log likelihood"])
    rows = [StataRow("coef", label, values) for label, values in fixed]
    names = []
    for name, params in blocks:
        if name not in names:  # the level's variances and covariances, as one level
            names.append(name)
    for name in names:
        params = [p for n, ps in blocks if n == name for p in ps]
        rows += level_rows(name, params)
    lr = next(line for line in lines if line.startswith("LR test"))
    m = re.search(r"(chibar2\(01\)|chi2\((\d+)\)) = ([\d.]+) .* = ([\d.]+)$", lr)
    kind = "chibar2" if m.group(1).startswith("chibar2") else "chi2"
    df = 1 if kind == "chibar2" else int(m.group(2))
    lr_line = format_lr_line("logistic", kind, float(m.group(3)), df, float(m.group(4)))
    return format_meglm_text(header, rows, depvar, lr_line=lr_line)


@pytest.mark.parametrize("cid", ["bangladesh_ri", "bangladesh_rs"])
def test_published_numbers_render_as_stata_printed_them(published, cid):
    """Stata's numbers through rglm's renderer: Stata's text, line for line (the header's
    two columns, the 78-character table, ``var(_cons)`` reaching the bar, the
    covariances' own block with its z test and wrapped label, the LR line ending at
    column 78, the conservative note)."""
    want = _plain(published[cid])
    got = _rendered(published[cid]).rstrip("\n").split("\n")
    assert len(got) == len(want), got
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"line {i + 1}: got {g!r}, want {w!r}"


# ---- rglm.meglm's own printout ------------------------------------------------------------


def _tokens(line: str) -> list:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


def _is_number(token: str) -> bool:
    return bool(_NUMBER.match(token.replace(",", "")))


def _layout_problems(got: str, want: str) -> list:
    """Where a line of ours is laid out unlike Stata's: labels must be identical and start
    in the same column; numbers must end (right-aligned) or start (after ``=``) in
    Stata's column, whatever their digits."""
    problems = []
    for g, w in zip(_tokens(got), _tokens(want)):
        if _is_number(w[2]):
            if not _is_number(g[2]) or (g[0] != w[0] and g[1] != w[1]):
                problems.append(f"{g} for {w}")
        elif g != w:
            problems.append(f"{g} for {w}")
    if len(_tokens(got)) != len(_tokens(want)):
        problems.append(f"{len(_tokens(got))} tokens for {len(_tokens(want))}")
    return problems


@pytest.mark.parametrize("cid", ["bangladesh_ri", "bangladesh_rs"])
def test_meglm_printout_has_statas_layout(published, fit_of, cid):
    """Our printout of the same model on R's copy of the data, against Stata's: meglm's
    header adds ``Family:``/``Link:`` and titles itself ``Mixed-effects GLM`` (the
    documented difference from melogit's), and right-aligns the group variable as
    meglm's header does; every other line is laid out as Stata's."""
    want = _plain(published[cid])
    got = str(fit_of(cid)).rstrip("\n").split("\n")
    assert got[0].startswith("Mixed-effects GLM")
    assert got[1:3] == ["Family:" + " " * 15 + "Bernoulli", "Link:" + " " * 21 + "logit"]
    got = [got[0]] + got[3:]
    assert len(got) == len(want), got
    assert got[0][48:] == want[0][48:]  # Number of obs, its column and its comma
    assert got[1].startswith("Group variable:") and got[1].split()[2] == "district"
    assert got[1][48:] == want[1][48:]
    for i, (g, w) in enumerate(zip(got[2:], want[2:]), start=3):
        problems = _layout_problems(g, w)
        assert not problems, f"line {i}: got {g!r}, want {w!r}: " + "; ".join(problems)


@pytest.mark.parametrize("cid", ["bangladesh_ri", "bangladesh_rs"])
def test_design_facts_match(published, fit_of, cid):
    """Observations, groups and their sizes, quadrature, the tests' degrees of freedom:
    the same data design as Stata's."""
    nums = _header_numbers(_plain(published[cid]))
    fit = fit_of(cid)
    (info,) = fit.levels_info
    assert fit.nobs == nums["Number of obs"]
    assert (info.ngroups, info.obs_min, info.obs_max) == (
        nums["Number of groups"], nums["min"], nums["max"])
    assert round(info.obs_avg, 1) == nums["avg"]
    assert (fit.intmethod, fit.intpoints) == ("mvaghermite", nums["Integration pts."])
    assert fit.wald[1] == 5 and f"Wald chi2({fit.wald[1]})" in nums
    kind, _, df, _ = fit.lr_test
    lr = next(line for line in published[cid]["text"] if line.startswith("LR test"))
    assert ("chibar2(01)" if kind == "chibar2" else f"chi2({df})") in lr


def test_contraception_is_not_statas_file(published, reference, fit_of):
    """Why the estimates are not compared: R's copy of the survey gives another
    fixed-effects logit than Stata's iteration log. When this fails, the data agree:
    compare the estimates to the printed digits. On R's copy, meglm's maximum is glmer's
    7-point quadrature's (make_stata_meglm.R; the optimisers stop within 1e-6 of it)."""
    import rglm

    r = reference("stata_meglm")["contraception"]
    fe = rglm.glm("c_use ~ urban + age + child1 + child2 + child3", _bangladesh(),
                  family=rglm.binomial())
    ll = float(rglm.logLik(fe))
    assert ll == pytest.approx(r["fixed_effects_loglik"], rel=1e-8)
    assert abs(ll - published["bangladesh_ri"]["fixed_effects_loglik"]) > 0.1
    assert fit_of("bangladesh_ri").loglik == pytest.approx(r["glmer_nagq7_loglik"], abs=1e-5)


# ---- Stata's statistics from its own printed numbers ----------------------------------------


def _digits(x: float) -> int:
    """Decimals of Stata's %9.0g print of x: 9 characters, a sign's place and the point
    kept, so 7 decimals below 1 (``-.0264981``) and 7 digits in all above
    (``1.116001``)."""
    ax = abs(x)
    return 7 if ax < 1 else 7 - int(np.floor(np.log10(ax))) - 1


@pytest.mark.parametrize("cid", ["bangladesh_ri", "bangladesh_rs"])
def test_published_statistics_follow_rglms_formulas(published, cid):
    """z = b/se, P>|z| two-sided normal, the Wald interval b -+ 1.96 se for fixed effects
    and covariances, exp(+-1.96 se/v) times v for a variance (rglm's MeglmFit.varcomp_at,
    printing._re_values): Stata's printed statistics, to one unit in the last printed
    digit plus the rounding of its printed inputs."""
    z = stats.norm.ppf(0.975)
    _, fixed, blocks = _table(_plain(published[cid]))
    rows = fixed + [p for _, ps in blocks for p in ps]
    for label, (b, se, zval, pval, lo, hi) in rows:
        # the printed b and se are rounded to 7 significant digits: their error moves
        # the interval by at most a few units of its own last digit
        tol_b = 10.0 ** -_digits(b) + z * 10.0 ** -_digits(se)
        if label.startswith("var("):
            assert zval is None and pval is None
            want_lo, want_hi = b * np.exp(-z * se / b), b * np.exp(z * se / b)
            assert lo == pytest.approx(want_lo, rel=2e-6, abs=2 * 10.0 ** -_digits(lo))
            assert hi == pytest.approx(want_hi, rel=2e-6, abs=2 * 10.0 ** -_digits(hi))
            continue
        assert zval == pytest.approx(b / se, abs=0.005 + 1e-9)
        assert pval == pytest.approx(2 * stats.norm.sf(abs(b / se)), abs=0.0005 + 1e-9)
        assert lo == pytest.approx(b - z * se, abs=tol_b + 10.0 ** -_digits(lo))
        assert hi == pytest.approx(b + z * se, abs=tol_b + 10.0 ** -_digits(hi))
    lr = next(line for line in published[cid]["text"] if line.startswith("LR test"))
    chi2, p = (float(v) for v in re.findall(r"= ([\d.]+)", lr))
    if "chibar2" in lr:
        assert round(0.5 * stats.chi2.sf(chi2, 1), 4) == p
    else:
        df = int(re.search(r"chi2\((\d+)\)", lr).group(1))
        assert round(stats.chi2.sf(chi2, df), 4) == p
