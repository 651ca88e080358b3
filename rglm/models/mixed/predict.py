"""Fitted values, residuals, predictions and simulations of a fitted mixed model.

R: ``fitted.merMod``, ``residuals.merMod`` (``residuals.glmResp``/``lmResp``),
``predict.merMod`` (with ``mkNewReTrms`` and ``levelfun`` for new data) and
``simulate.merMod``.

Predictions on new data: the fixed part is coded as the fit coded its data (factor levels,
contrasts, poly/scale coefficients; columns dropped as aliased stay dropped) and only
``offset()`` terms of the formula are added -- lme4 does not evaluate the call's
``offset=`` argument in new data. Each random-effects term adds the mode of the level
each row names; a level the fit has not seen (or NA) is an error unless
``allow_new_levels``, when it adds 0 (the population-level prediction).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.bars import findbars, mk_reterms
from rglm.formula.deparse import deparse1
from rglm.formula.frame import model_frame
from rglm.formula.parse import parse_formula
from rglm.formula.response import model_offset
from rglm.formula.terms import terms as make_terms
from rglm.formula.values import is_factor
from rglm.models.mixed.result import MerMod, pad_excluded

__all__ = ["fitted_mer", "residuals_mer", "predict_mer", "simulate_mer"]

_RESIDUAL_TYPES = ("deviance", "pearson", "working", "response", "partial")


def fitted_mer(fit: MerMod) -> pd.Series:
    """The fitted means, random effects included. R: ``fitted(fit)``."""
    return pad_excluded(fit.engine.mu, fit.frame)


def residual_values(fit: MerMod, type: str) -> np.ndarray:
    """Residuals by row of the model frame (no padding). R: ``residuals(fit@resp,
    type)``."""
    pr, e = fit.problem, fit.engine
    y, mu, w = pr.y, e.mu, pr.weights
    if type == "partial":
        raise RError("partial residuals are not implemented yet")
    if not fit.is_glmm:
        if type in ("working", "response"):
            return y - mu
        return np.sqrt(w) * (y - mu)
    fam = fit.family
    if type == "deviance":
        d = np.sqrt(np.maximum(0.0, fam.dev_resids(y, mu, w)))
        return np.where(y > mu, d, -d)
    if type == "pearson":
        return np.sqrt(w) * (y - mu) / np.sqrt(fam.variance(mu))
    if type == "working":
        return (y - mu) / fam.mu_eta(e.eta)
    return y - mu


def residuals_mer(fit: MerMod, type: Optional[str] = None, scaled: bool = False
                  ) -> pd.Series:
    """Residuals. R: ``residuals(fit, type, scaled)``: ``"deviance"`` (GLMM default),
    ``"pearson"``, ``"working"``, ``"response"`` (LMM default; for an LMM the deviance and
    Pearson residuals are ``sqrt(w) (y - mu)``); ``scaled`` divides by sigma."""
    if type is None:
        type = "deviance" if fit.is_glmm else "response"
    if type not in _RESIDUAL_TYPES:
        raise RError("'arg' should be one of " + ", ".join(
            f"\u201c{t}\u201d" for t in _RESIDUAL_TYPES))
    r = residual_values(fit, type)
    if scaled:
        r = r / fit.engine.sigma
    return pad_excluded(r, fit.frame)


# ---- predict -----------------------------------------------------------------------------


def _is_na_form(re_form: Any) -> bool:
    """R's ``re.form = NA`` or ``~0``: no random effects."""
    if re_form is None:
        return False
    if re_form is False:
        return True
    if isinstance(re_form, float) and np.isnan(re_form):
        return True
    if isinstance(re_form, str):
        text = re_form.replace(" ", "")
        return text in ("NA", "~0", "~-1")
    return False


def _terms_in(fit: MerMod, re_form: Any) -> list:
    """The indices of the fit's terms that ``re_form`` keeps (None: all)."""
    terms = fit.reterms.terms
    if re_form is None:
        return list(range(len(terms)))
    if _is_na_form(re_form):
        return []
    node = parse_formula(re_form) if isinstance(re_form, str) else re_form
    wanted = [deparse1(b) for b in findbars(node)]
    names = [deparse1(t.bar) for t in terms]
    groups = {t.group for t in terms}
    out = []
    for w, bar in zip(wanted, findbars(node)):
        if w not in names:
            group = deparse1(bar.args[1].value)
            if group not in groups:
                raise RError("grouping factors specified in re.form that were not present "
                             "in original model")
            raise RError("random effects specified in re.form that were not present in "
                         f"original model {w}")
        out.append(names.index(w))
    return sorted(set(out))


def _term_contribution(t, b_block: np.ndarray, X: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """sum_c X[i, c] b[level(i), c], 0 where the level is new (idx < 0)."""
    ok = idx >= 0
    out = np.zeros(X.shape[0])
    if ok.any():
        out[ok] = np.einsum("ic,ic->i", X[ok], b_block[idx[ok]])
    return out


def _b_blocks(fit: MerMod) -> list:
    rt = fit.reterms
    return [np.asarray(fit.engine.b[rt.Gp[k]:rt.Gp[k + 1]]).reshape(t.nl, t.p)
            for k, t in enumerate(rt.terms)]


def _new_levels_error(labels: Sequence[str]) -> RError:
    text = ", ".join(labels)
    if len(text) > 60:
        text = text[:60]
        text = text[:text.rfind(",")] + ", ..." if "," in text else text
    return RError(f"new levels detected in newdata: {text}")


def _lhs_xlev(fit: MerMod, t) -> dict:
    """Fitted levels of the factors of a term's left-hand side, to code new data as the
    fit did."""
    lhs = t.bar.args[0].value
    names = make_terms(ast.Call(ast.Symbol("~"), (ast.Arg(None, lhs),))).variable_names
    out = {}
    for v in names:
        col = fit.frame.variables.get(v)
        if col is not None and is_factor(col):
            out[v] = list(col.cat.categories)
    return out


def _new_re(fit: MerMod, newdata: pd.DataFrame, keep: list, allow_new_levels: bool,
            re_form: Any = None) -> np.ndarray:
    """The random-effects part of the linear predictor at the rows of ``newdata``.

    As lme4's ``mkNewReTrms``: the kept terms' structure is built on the new data (its
    terms ordered by their numbers of levels *there*, which decides which term's new
    levels lme4's error names first); NA in a grouping variable, then unseen levels,
    are errors unless ``allow_new_levels``."""
    terms = fit.reterms.terms
    blocks = _b_blocks(fit)
    # in the order of the formula (lme4's re.form), which breaks ties in the sorting
    kept = {deparse1(terms[k].bar) for k in keep}
    bars = [b for b in findbars(re_form if re_form is not None else fit.formula_node)
            if deparse1(b) in kept]
    rhs = bars[0].args[0].value
    for bar in bars:
        rhs = _plus_node(rhs, _plus(bar))
    xlev: dict = {}
    for k in keep:
        xlev.update(_lhs_xlev(fit, terms[k]))
    frame = model_frame(ast.Call(ast.Symbol("~"), (ast.Arg(None, rhs),)), newdata,
                        na_action="na.pass", drop_unused_levels=False, xlev=xlev or None,
                        state=fit.frame.state)
    new_rt = mk_reterms(bars, frame)
    by_name = {deparse1(terms[k].bar): k for k in keep}
    if not allow_new_levels and any((np.asarray(t.codes) < 0).any() for t in new_rt.terms):
        raise RError("NAs are not allowed in prediction data for grouping variables "
                     "unless allow.new.levels is TRUE")
    total = np.zeros(len(newdata))
    for new in new_rt.terms:
        k = by_name[deparse1(new.bar)]
        t = terms[k]
        lookup = {lev: i for i, lev in enumerate(t.levels)}
        where = np.array([lookup.get(lev, -1) for lev in new.levels], dtype=np.int64)
        unseen = [lev for lev, w in zip(new.levels, where) if w < 0]
        if unseen and not allow_new_levels:
            raise _new_levels_error(unseen)
        codes = np.asarray(new.codes)
        idx = np.where(codes >= 0, where[np.maximum(codes, 0)], -1)
        total += _term_contribution(t, blocks[k], np.asarray(new.X), idx)
    return total


def _plus_node(a: ast.Node, b: ast.Node) -> ast.Node:
    return ast.Call(ast.Symbol("+"), (ast.Arg(None, a), ast.Arg(None, b)))


def _plus(bar: ast.Call) -> ast.Node:
    """``expr | g`` as ``expr + g``: the variables a term needs, for its model frame."""
    return ast.Call(ast.Symbol("+"), bar.args)


def predict_mer(fit: MerMod, newdata: Optional[pd.DataFrame] = None, re_form: Any = None,
                type: str = "link", allow_new_levels: bool = False) -> pd.Series:
    """Predictions. R: ``predict(fit, newdata, re.form, type, allow.new.levels)``.

    Parameters
    ----------
    newdata : pandas.DataFrame, optional
        None: the fitted rows (``na.exclude`` pads them with NaN).
    re_form : None, str or NaN
        None: all random effects; ``np.nan``, ``"NA"`` or ``"~0"`` (R's ``NA``/``~0``):
        none (the population-level prediction); a formula such as ``"~ (1 | herd)"``:
        those terms.
    type : {"link", "response"}
    allow_new_levels : bool
        Predict at unseen levels (and NA) of a grouping factor with random effects 0;
        otherwise lme4's error ``new levels detected in newdata: ...``.

    Returns
    -------
    pandas.Series
        By row of ``newdata`` (its index), or of the model frame.
    """
    if type not in ("link", "response"):
        raise RError("'arg' should be one of \u201clink\u201d, \u201cresponse\u201d")
    e = fit.engine
    if newdata is None and re_form is None:
        values = e.mu if (type == "response" or not fit.is_glmm) else e.eta
        return pad_excluded(values, fit.frame)
    keep = _terms_in(fit, re_form)
    beta = np.asarray(e.beta)
    if newdata is None:
        eta = fit.problem.X @ beta + fit.problem.offset
        if keep:
            blocks = _b_blocks(fit)
            for k in keep:
                t = fit.reterms.terms[k]
                eta = eta + _term_contribution(t, blocks[k], np.asarray(t.X),
                                               np.asarray(t.codes))
        index = None
    else:
        if not isinstance(newdata, pd.DataFrame):
            newdata = pd.DataFrame(newdata)
        newframe = fit.spec.model_frame(newdata, na_action="na.pass")
        x = fit.spec.model_matrix(newframe).x
        if fit.x_keep is not None:
            x = x[:, list(fit.x_keep)]
        eta = x @ beta
        off = model_offset(newframe)
        if off is not None:
            eta = eta + off
        if keep:
            form = None if re_form is None else \
                (parse_formula(re_form) if isinstance(re_form, str) else re_form)
            eta = eta + _new_re(fit, newdata, keep, allow_new_levels, form)
        index = newdata.index
    if type == "response" and fit.is_glmm:
        eta = fit.family.linkinv(eta)
    if index is None:
        return pad_excluded(eta, fit.frame)
    return pd.Series(np.asarray(eta, dtype=float), index=index)


# ---- simulate ----------------------------------------------------------------------------


def simulate_mer(fit: MerMod, nsim: int = 1, seed: Optional[int] = None,
                 use_u: bool = False) -> pd.DataFrame:
    """Responses simulated from the fitted model. R: ``simulate(fit, nsim, seed,
    use.u)``.

    With ``use_u=False`` (lme4's default, ``re.form = NA``) each simulation draws new
    random effects ``u ~ N(0, I)`` (b = Lambda u), then responses given the means; with
    ``use_u=True`` the fitted modes are kept. The draws are numpy's (``seed`` seeds
    ``numpy.random.default_rng``): they cannot reproduce R's numbers, only the
    distribution. Binomial responses are proportions (0/1 for a 0/1 response), or the
    number of successes for a two-column response; gaussian and Gamma draws use sigma
    as lme4 does (inverse gaussian: shape ``weights / sigma``, lme4's choice).

    Returns
    -------
    pandas.DataFrame
        Columns ``sim_1``, ..., by row of the model frame.
    """
    rng = np.random.default_rng(seed)
    e, pr = fit.engine, fit.problem
    st = pr.structure
    base = pr.X @ np.asarray(e.beta) + pr.offset
    if use_u:
        eta = np.repeat((base + st.zlambda(e.theta).matvec(e.u))[:, None], nsim, axis=1)
    else:
        # spherical random effects: N(0, I) for a GLMM, N(0, sigma^2 I) for an LMM (whose
        # Lambda is relative to the residual standard deviation)
        u = rng.standard_normal((len(e.u), nsim)) * (1.0 if fit.is_glmm else float(e.sigma))
        U = st.zlambda(e.theta).tocsr()
        eta = base[:, None] + U @ u
    fam = fit.family
    mu = fam.linkinv(eta) if fit.is_glmm else eta
    out = np.empty_like(mu)
    sigma = float(e.sigma)
    name = fam.family
    for j in range(nsim):
        m = mu[:, j]
        if not fit.is_glmm or name == "gaussian":
            out[:, j] = m + sigma * rng.standard_normal(len(m))
        elif name == "binomial":
            trials = pr.weights
            if np.any(trials % 1 != 0):
                raise RError("cannot simulate from non-integer prior.weights")
            draws = rng.binomial(trials.astype(np.int64), m)
            two_col = np.ndim(fit_response(fit)) == 2
            out[:, j] = draws if two_col else draws / trials
        elif name == "poisson":
            out[:, j] = rng.poisson(m)
        elif name == "Gamma":
            shape = pr.weights / sigma ** 2
            out[:, j] = rng.gamma(shape, m / shape)
        elif name == "inverse.gaussian":
            out[:, j] = rng.wald(m, pr.weights / sigma)
        else:
            raise RError(f"simulation not implemented for family {name}")
    frame = pd.DataFrame(out, columns=[f"sim_{j + 1}" for j in range(nsim)],
                         index=fit.frame.row_names)
    frame.attrs["seed"] = seed
    return frame


def fit_response(fit: MerMod):
    """The response as the model frame holds it (a two-column array for ``cbind``)."""
    first = next(iter(fit.frame.variables.values()))
    return getattr(first, "values", first)
