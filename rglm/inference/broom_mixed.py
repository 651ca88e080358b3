"""broom.mixed's tidiers of lme4 fits, written against the generics. R:
``broom.mixed::tidy``, ``glance``, ``augment`` of a ``merMod`` (broom.mixed 0.2.9.x,
``R/lme4_tidiers.R``), and the two lme4 methods ``augment`` calls that rglm's mixed
models had not: ``hatvalues.merMod`` and ``cooks.distance.merMod``.

* :func:`tidy_mer` -- ``tidy.merMod(x, effects = c("ran_pars", "fixed"), scales,
  exponentiate, conf.int, conf.level, conf.method = "Wald", ran_prefix)``: one data frame
  of the effects asked for, always in the order fixed, ran_pars, ran_vals, ran_coefs,
  columns among ``effect, group, level, term, estimate, std.error, statistic, p.value,
  conf.low, conf.high`` (those that occur, in that order):

  - *fixed*: ``coef(summary(x))`` renamed (no ``p.value`` for a linear mixed model: lme4
    gives none); ``conf.int``: Wald limits ``confint(x, parm = "beta_")``;
    ``exponentiate``: ``exp`` of the estimate and limits, the standard error times the
    exponentiated estimate (the delta method);
  - *ran_pars*: ``as.data.frame(VarCorr(x), order = "lower.tri")`` as ``group``,
    ``term`` (``sd__(Intercept)``, ``cor__(Intercept).Days``, ``sd__Observation`` for the
    residual; ``var__``/``cov__`` with ``scales = "vcov"``), ``estimate``; their Wald
    limits are NA;
  - *ran_vals*: ``as.data.frame(ranef(x, condVar = TRUE))`` as ``group, level, term,
    estimate, std.error``, limits ``estimate +- qnorm((1 + level)/2) std.error``;
  - *ran_coefs*: ``coef(x)`` stacked (per group, term by term, level by level).
* :func:`glance_mer` -- ``nobs, sigma, logLik, AIC, BIC, deviance, df.residual``
  (``REMLcrit`` in place of ``deviance`` for a REML fit; a value that is NA is dropped).
* :func:`augment_mer` -- the model frame with ``.fitted`` (linear predictor),
  ``.resid`` (``residuals(x)``), ``.hat``, ``.cooksd``, ``.fixed`` (``predict(x, re.form
  = NA)``), and lme4's response-module vectors ``.mu, .offset, .sqrtXwt, .sqrtrwt,
  .weights, .wtres`` (and ``.eta`` for a GLMM).
"""

from __future__ import annotations

import re
import warnings
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import scipy.linalg as la
import scipy.sparse as sp
from scipy.stats import norm

from rglm import generics
from rglm.errors import RError, rwarn
from rglm.inference.loglik import AIC, BIC

__all__ = ["tidy_mer", "glance_mer", "augment_mer", "hatvalues_mer", "cooks_distance_mer"]

#: broom.mixed's ``reorder_cols``: the columns a tidy frame may have, in order
_ORDER = ("response", "effect", "component", "group", "level", "term", "index", "estimate",
          "std.error", "statistic", "df", "p.value", "conf.low", "conf.high")
_EFFECTS = ("ran_pars", "fixed", "ran_vals", "ran_coefs")
#: broom.mixed's ``col_matches``: lme4's coefficient-table names -> broom's
_RENAMES = (("estimate", r"^(Estimate|Value)$"), ("std.error", r"Std\. ?Error"),
            ("df", r"df"), ("statistic", r"(t|Z)[ -]value"),
            ("p.value", r"(Pr\(>|[tZ]\)|p[ -]value)"))
_GLMM_HAT = "the hat matrix may not make sense for GLMMs"


def _rename(column: str) -> str:
    for new, pattern in _RENAMES:
        if re.search(pattern, column, flags=re.IGNORECASE):
            return new
    return column


def _fixed(fit, conf_int: bool, conf_level: float, conf_method: str,
           exponentiate: bool) -> pd.DataFrame:
    coefs = generics.summary(fit).coefficients
    out = pd.DataFrame({"term": [str(t) for t in coefs.index]})
    for col in coefs.columns:
        out[_rename(str(col))] = coefs[col].to_numpy(dtype=float)
    if conf_int:
        ci = generics.confint(fit, parm=list(coefs.index), level=conf_level,
                              method=conf_method).to_numpy(dtype=float)
        out["conf.low"], out["conf.high"] = ci[:, 0], ci[:, 1]
    if exponentiate:
        cols = [c for c in ("estimate", "conf.low", "conf.high") if c in out.columns]
        out[cols] = np.exp(out[cols].to_numpy(dtype=float))
        out["std.error"] = out["std.error"] * out["estimate"]
    return out


def _ran_pars(fit, scale: str, ran_prefix: Optional[Sequence[str]],
              conf_int: bool) -> pd.DataFrame:
    if scale not in ("sdcor", "vcov"):
        raise RError(f"unrecognized ran_pars scale \u2018{scale}\u2019")
    prefix = list(ran_prefix) if ran_prefix is not None else \
        (["sd", "cor"] if scale == "sdcor" else ["var", "cov"])
    vc = generics.VarCorr(fit)
    d = vc.data
    group, term, estimate = [], [], []
    for g, names, sd, cor, cov in zip(d.groups, d.names, d.stddev, d.correlation,
                                      vc.covariances):
        # as.data.frame(VarCorr(x), order = "lower.tri"): the lower triangle by columns
        p = len(names)
        for j in range(p):
            for i in range(j, p):
                group.append(g)
                if i == j:
                    term.append(f"{prefix[0]}__{names[i]}")
                    estimate.append(sd[i] if scale == "sdcor" else cov[i, i])
                else:
                    term.append(f"{prefix[1]}__{names[j]}.{names[i]}")
                    estimate.append(cor[i, j] if scale == "sdcor" else cov[i, j])
    if d.residual is not None:
        group.append("Residual")
        term.append(f"{prefix[0]}__Observation")
        estimate.append(d.residual if scale == "sdcor" else d.residual ** 2)
    out = pd.DataFrame({"group": group, "term": term,
                        "estimate": np.asarray(estimate, dtype=float)})
    if conf_int:  # confint(x, parm = "theta_", method = "Wald"): not given for them
        out["conf.low"] = np.nan
        out["conf.high"] = np.nan
    return out


def _ran_vals(fit, conf_int: bool, conf_level: float, conf_method: str) -> pd.DataFrame:
    re_ = generics.ranef(fit, condVar=True).as_data_frame()
    out = pd.DataFrame({"group": re_["grpvar"].astype(object), "level":
                        re_["grp"].astype(object), "term": re_["term"].astype(object),
                        "estimate": re_["condval"].to_numpy(dtype=float),
                        "std.error": re_["condsd"].to_numpy(dtype=float)})
    if conf_int:
        if conf_method != "Wald":
            raise RError("only Wald CIs available for conditional modes")
        mult = norm.ppf((1 + conf_level) / 2)
        out["conf.low"] = out["estimate"] - mult * out["std.error"]
        out["conf.high"] = out["estimate"] + mult * out["std.error"]
    return out


def _ran_coefs(fit, conf_int: bool, exponentiate_ran_coefs: bool) -> pd.DataFrame:
    parts = []
    for group, table in generics.coef(fit).items():
        levels = [str(v) for v in table.index]
        # tidyr::gather(term, estimate, -level): term by term, every level
        parts.append(pd.DataFrame({
            "group": group, "level": np.tile(np.asarray(levels, dtype=object), table.shape[1]),
            "term": np.repeat(np.asarray([str(c) for c in table.columns], dtype=object),
                              len(levels)),
            "estimate": table.to_numpy(dtype=float).ravel(order="F")}))
    out = pd.concat(parts, ignore_index=True)
    if conf_int:
        rwarn("CIs not available for random-effects coefficients: returning NA")
        out["conf.low"] = np.nan
        out["conf.high"] = np.nan
    if exponentiate_ran_coefs:
        out["estimate"] = np.exp(out["estimate"].to_numpy())
    return out


def tidy_mer(fit, effects=("ran_pars", "fixed"), scales=None, exponentiate: bool = False,
             exponentiate_ran_coefs: bool = False, ran_prefix=None, conf_int: bool = False,
             conf_level: float = 0.95, conf_method: str = "Wald") -> pd.DataFrame:
    """The effects of a mixed model as one table. R: ``broom.mixed::tidy(x, effects =
    c("ran_pars", "fixed"), scales = NULL, exponentiate = FALSE, exponentiate_ran_coefs
    = FALSE, ran_prefix = NULL, conf.int = FALSE, conf.level = 0.95, conf.method =
    "Wald")`` (``tidy.merMod``; see the module docstring for the rows and columns).

    Parameters
    ----------
    fit : GlmerMod or LmerMod
    effects : str or sequence of str
        Among ``"fixed"``, ``"ran_pars"``, ``"ran_vals"``, ``"ran_coefs"``.
    scales : sequence, optional
        One per effect: ``"sdcor"`` or ``"vcov"`` for ``ran_pars``, None (R's NA) for the
        others.
    """
    effects = [effects] if isinstance(effects, str) else list(effects)
    if scales is not None:
        scales = [scales] if isinstance(scales, str) else list(scales)
        if len(scales) != len(effects):
            raise RError("if scales are specified, values (or NA) must be provided for "
                         "each effect")
    unknown = [e for e in effects if e not in _EFFECTS]
    if unknown:
        raise RError("unknown effect type " + " ".join(unknown))
    parts = []
    if "fixed" in effects:
        parts.append(("fixed", _fixed(fit, conf_int, conf_level, conf_method,
                                      exponentiate)))
    if "ran_pars" in effects:
        scale = "sdcor" if scales is None else scales[effects.index("ran_pars")]
        parts.append(("ran_pars", _ran_pars(fit, scale, ran_prefix, conf_int)))
    if "ran_vals" in effects:
        parts.append(("ran_vals", _ran_vals(fit, conf_int, conf_level, conf_method)))
    if "ran_coefs" in effects:
        parts.append(("ran_coefs", _ran_coefs(fit, conf_int, exponentiate_ran_coefs)))
    elif exponentiate_ran_coefs:
        rwarn("Exponentiated random coefficients were specified, but random coefficients "
              "were not requested. Not returning random coefficients.")
    frames = []
    for name, frame in parts:
        frame.insert(0, "effect", name)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out[[c for c in _ORDER if c in out.columns]].reset_index(drop=True)


def glance_mer(fit) -> pd.DataFrame:
    """One row of fit statistics. R: ``broom.mixed::glance(x)`` (``glance.merMod``):
    ``nobs, sigma, logLik, AIC, BIC, deviance, df.residual``, ``REMLcrit`` in place of
    ``deviance`` for a REML fit, columns whose value is NA left out."""
    with warnings.catch_warnings():
        # R: suppressWarnings(deviance(x)) -- lme4's deprecation note for REML fits
        warnings.simplefilter("ignore")
        dev = float(generics.deviance(fit))
    values = {"nobs": int(generics.nobs(fit)), "sigma": float(generics.sigma(fit)),
              "logLik": float(generics.logLik(fit)), "AIC": float(AIC(fit)),
              "BIC": float(BIC(fit)), "REMLcrit" if fit.REML else "deviance": dev,
              "df.residual": int(generics.df_residual(fit))}
    return pd.DataFrame({k: [v] for k, v in values.items()
                         if not (isinstance(v, float) and np.isnan(v))})


def _augmented_design(fit):
    """``[Z Lambda, X]`` (sparse) and lme4's weights of its penalised system."""
    zl = sp.csr_matrix(generics.getME(fit, "Z")) @ sp.csr_matrix(generics.getME(fit,
                                                                               "Lambda"))
    x = generics.getME(fit, "X").to_numpy(dtype=float)
    return sp.hstack([zl, sp.csr_matrix(x)]).tocsr(), zl.shape[1]


def hatvalues_mer(fit) -> pd.Series:
    """The diagonal of a mixed model's hat matrix. R: ``hatvalues(x)`` (lme4's
    ``hatvalues.merMod``), with its warning for a GLMM.

    Notes
    -----
    With ``A = [Z Lambda, X]``, ``W`` the weights of lme4's penalised least-squares system
    (prior weights for a linear mixed model, the final PIRLS working weights for a GLMM)
    and ``C = A' W A + diag(1_q, 0_p)`` (what lme4's ``L``, ``RZX`` and ``RX`` factor),
    lme4 computes ``h_i = w_i a_i' C^-1 a_i`` with the *prior* weight ``w_i`` -- for a
    GLMM not a leverage (values above one happen), hence lme4's warning.
    """
    if fit.is_glmm:
        rwarn(_GLMM_HAT)
    a, q = _augmented_design(fit)
    prior = generics.weights(fit, type="prior").to_numpy(dtype=float)
    work = generics.weights(fit, type="working").to_numpy(dtype=float)
    ok = ~np.isnan(prior)  # na.exclude pads the weights; the design has the rows used
    prior, work = prior[ok], work[ok]
    c = (a.T @ sp.diags(work) @ a).toarray()
    c[np.arange(q), np.arange(q)] += 1.0
    solved = la.cho_solve(la.cho_factor(c), a.T.toarray())
    h = prior * np.einsum("ij,ji->i", a.toarray(), solved)
    out = np.full(ok.size, np.nan)
    out[ok] = h
    return pd.Series(out, index=generics.residuals(fit).index)


def cooks_distance_mer(fit, hat: Optional[pd.Series] = None) -> pd.Series:
    """Cook's distances. R: ``cooks.distance(x)`` (lme4's ``cooks.distance.merMod``):
    ``(r / (1 - h))^2 h / (sigma^2 p)`` with the Pearson residuals ``r``, the hat values
    ``h``, ``p`` the rank of X; infinite values are NaN."""
    h = (hatvalues_mer(fit) if hat is None else hat).to_numpy(dtype=float)
    r = generics.residuals(fit, type="pearson")
    x = generics.getME(fit, "X").to_numpy(dtype=float)
    p = np.linalg.matrix_rank(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (r.to_numpy(dtype=float) / (1 - h)) ** 2 * h / (generics.sigma(fit) ** 2 * p)
    return pd.Series(np.where(np.isinf(d), np.nan, d), index=r.index)


def augment_mer(fit, data=None, newdata=None) -> pd.DataFrame:
    """The model frame with per-observation statistics. R: ``broom.mixed::augment(x,
    data = model.frame(x))`` (``augment.merMod``): ``.fitted, .resid, .hat, .cooksd,
    .fixed, .mu, .offset, .sqrtXwt, .sqrtrwt, .weights, .wtres`` (+ ``.eta`` for a GLMM).

    ``newdata`` is not implemented (broom.mixed pairs predictions for ``newdata`` with
    the fitted model's own ``.fixed`` and response vectors).
    """
    if newdata is not None:
        raise RError("augment(newdata =) is not implemented for mixed models in rglm")
    source = generics.model_frame(fit) if data is None else data
    if not isinstance(source, pd.DataFrame):
        raise RError("Could not coerce `data` to a tibble.")
    out = source.reset_index(drop=True).copy()
    eta = generics.predict(fit).to_numpy(dtype=float)
    if len(eta) != len(out):
        raise RError("Must specify either `data` or `newdata` argument.")
    out[".fitted"] = eta
    out[".resid"] = generics.residuals(fit).to_numpy(dtype=float)
    hat = hatvalues_mer(fit)
    out[".hat"] = hat.to_numpy()
    out[".cooksd"] = cooks_distance_mer(fit, hat).to_numpy()
    out[".fixed"] = generics.predict(fit, re_form=np.nan).to_numpy(dtype=float)
    # lme4's response module: lmResp / glmResp fields of full length
    fam = generics.family(fit)
    mu = generics.fitted(fit).to_numpy(dtype=float)
    y = np.asarray(generics.getME(fit, "y"), dtype=float)
    w = generics.weights(fit, type="prior").to_numpy(dtype=float)
    sqrtrwt = np.sqrt(w / fam.variance(mu)) if fit.is_glmm else np.sqrt(w)
    out[".mu"] = mu
    out[".offset"] = np.asarray(generics.getME(fit, "offset"), dtype=float)
    out[".sqrtXwt"] = sqrtrwt * fam.mu_eta(eta) if fit.is_glmm else sqrtrwt
    out[".sqrtrwt"] = sqrtrwt
    out[".weights"] = w
    out[".wtres"] = sqrtrwt * (y - mu)
    if fit.is_glmm:
        out[".eta"] = eta
    return out
