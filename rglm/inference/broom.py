"""broom's tidiers written once against the generics. R: ``broom::tidy``, ``glance``,
``augment`` (broom 1.0.13) for glm-like fits and anova tables.

* :func:`tidy_glm` -- ``tidy.glm``: ``summary(x)$coefficients`` as ``term, estimate,
  std.error, statistic, p.value``; aliased coefficients added back as rows of NA
  (``add_aliased``; ``tidy.negbin`` does not); ``conf.low, conf.high`` from
  ``confint(x, level)`` -- for a glm the profile-likelihood intervals, as broom gets them
  in R; ``exponentiate`` applies ``exp`` to the estimate and the limits.
* :func:`glance_glm` -- ``glance.glm``/``glance.negbin``: ``null.deviance, df.null,
  logLik, AIC, BIC, deviance, df.residual, nobs``.
* :func:`augment_glm` -- ``augment.glm``: the data (by default the model frame; its row
  names as a first column ``.rownames`` when they are not ``1..n``), ``.fitted``
  (``predict(type = type.predict)``), ``.se.fit``, and without ``newdata`` ``.resid``,
  ``.hat``, ``.sigma``, ``.cooksd``, ``.std.resid`` (``type.residuals``).
* :func:`tidy_anova` -- ``tidy.anova``: the table with ``term`` first (the row names, or
  the models of a model comparison) and broom's names for R's columns.

The values are R's: each comes from the generic R's tidier calls.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rglm import generics
from rglm.errors import RError, rwarn
from rglm.inference.anova_table import AnovaTable
from rglm.inference.loglik import AIC, BIC

__all__ = ["tidy_glm", "glance_glm", "augment_glm", "tidy_anova", "exponentiate",
           "ANOVA_RENAMES", "has_rownames", "r_row_labels"]

#: broom's names for R's anova columns (``tidy.anova``'s renamers, keyed by R's
#: ``make.names`` of the column)
ANOVA_RENAMES = {
    "AIC": "AIC", "BIC": "BIC", "deviance": "deviance", "Deviance": "deviance",
    "logLik": "logLik", "Df": "df", "Chi.Df": "df", "Sum.Sq": "sumsq", "Mean.Sq": "meansq",
    "F.value": "statistic", "Pr..F.": "p.value", "Resid..Dev": "residual.deviance",
    "Resid..Df": "df.residual", "Res.Df": "df.residual", "RSS": "rss",
    "Sum.of.Sq": "sumsq", "F": "statistic", "Chisq": "statistic", "npar": "npar",
    "P...Chi..": "p.value", "Pr...Chi..": "p.value", "Pr..Chi.": "p.value",
    "Pr..Chisq.": "p.value", "p.value": "p.value", "Chi.sq": "statistic",
    "LR.Chisq": "statistic", "edf": "edf", "Ref.df": "ref.df", "loglik": "logLik",
    ".rownames": "term", "X.2.log.L.": "minus2logL",
}

_TIDY_COLUMNS = ["term", "estimate", "std.error", "statistic", "p.value"]


def r_row_labels(index: pd.Index) -> list[str]:
    """Row labels as R has them (pandas' integer label ``k`` is R's automatic ``"k+1"``)."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def has_rownames(labels: list[str]) -> bool:
    """broom's ``has_rownames``: row names other than ``1..n``."""
    return labels != [str(i) for i in range(1, len(labels) + 1)]


def exponentiate(table: pd.DataFrame) -> pd.DataFrame:
    """broom's ``exponentiate``: ``exp`` of ``estimate`` and of the interval limits."""
    out = table.copy()
    cols = ["estimate"] + [c for c in ("conf.low", "conf.high") if c in out.columns]
    out[cols] = np.exp(out[cols].to_numpy(dtype=float))
    return out


def _confint_columns(fit, names: list[str], level: float) -> pd.DataFrame:
    """broom's ``broom_confint_terms``: ``confint(x, level = level)`` by term."""
    ci = generics.confint(fit, level=level)
    if isinstance(ci, pd.Series):  # R's drop() of a single profiled coefficient
        ci = pd.DataFrame([ci.to_numpy(dtype=float)], index=[names[0]])
    ci = pd.DataFrame(ci.to_numpy(dtype=float), index=[str(i) for i in ci.index],
                      columns=["conf.low", "conf.high"])
    return ci.reindex(names)


def tidy_glm(fit, conf_int: bool = False, conf_level: float = 0.95,
             exponentiate: bool = False, add_aliased: bool = True) -> pd.DataFrame:
    """One row per coefficient. R: ``broom::tidy(x, conf.int, conf.level, exponentiate)``
    (``tidy.glm``; ``tidy.negbin`` with ``add_aliased=False``)."""
    coefs = generics.summary(fit).coefficients
    table = pd.DataFrame({"term": [str(t) for t in coefs.index]})
    values = coefs.to_numpy(dtype=float)
    for j, name in enumerate(_TIDY_COLUMNS[1:]):
        table[name] = values[:, j]
    full = generics.coef(fit)
    if add_aliased and len(full) != len(table):
        # R: left_join(enframe(coef(x)), ...) -- the aliased coefficients as NA rows
        table = table.set_index("term").reindex([str(t) for t in full.index])
        table = table.rename_axis("term").reset_index()
    if conf_int:
        ci = _confint_columns(fit, list(table["term"]), conf_level)
        table["conf.low"] = ci["conf.low"].to_numpy()
        table["conf.high"] = ci["conf.high"].to_numpy()
    if exponentiate:
        table = globals()["exponentiate"](table)
    return table


def glance_glm(fit) -> pd.DataFrame:
    """One row of fit statistics. R: ``broom::glance(x)`` (``glance.glm``)."""
    return pd.DataFrame({
        "null.deviance": [float(fit.null_deviance)], "df.null": [int(fit.df_null)],
        "logLik": [float(generics.logLik(fit))], "AIC": [float(AIC(fit))],
        "BIC": [float(BIC(fit))], "deviance": [float(generics.deviance(fit))],
        "df.residual": [int(generics.df_residual(fit))], "nobs": [int(generics.nobs(fit))],
    })


def _with_rownames(data: pd.DataFrame) -> pd.DataFrame:
    """broom's ``as_augment_tibble``: the data with a default index, its row names as a
    first column ``.rownames`` when they are not ``1..n``."""
    labels = r_row_labels(data.index)
    out = data.reset_index(drop=True)
    if has_rownames(labels):
        out.insert(0, ".rownames", labels)
    return out


def augment_glm(fit, data=None, newdata=None, type_predict: str = "link",
                type_residuals: str = "deviance", se_fit: bool = False) -> pd.DataFrame:
    """The data with broom's per-observation columns. R: ``broom::augment(x, data =
    model.frame(x), newdata = NULL, type.predict, type.residuals, se_fit)``
    (``augment.glm``)."""
    if type_predict not in ("link", "response", "terms"):
        raise RError('`type.predict` must be one of "link", "response", or "terms", '
                     f'not "{type_predict}".')
    if type_residuals not in ("deviance", "pearson"):
        raise RError('`type.residuals` must be one of "deviance" or "pearson", '
                     f'not "{type_residuals}".')
    if newdata is not None and not isinstance(newdata, pd.DataFrame):
        raise RError("Could not coerce `newdata` to a tibble.")
    source = newdata if newdata is not None else \
        (data if data is not None else generics.model_frame(fit))
    if not isinstance(source, pd.DataFrame):
        raise RError("Could not coerce `data` to a tibble.")
    out = _with_rownames(source)
    pred = generics.predict(fit, newdata=newdata, type=type_predict, se_fit=se_fit)
    fitted = pred.fit if se_fit else pred
    n = len(out)
    if len(fitted) != n:
        raise RError("Must specify either `data` or `newdata` argument.")
    out[".fitted"] = np.asarray(fitted, dtype=float)
    if se_fit:
        out[".se.fit"] = np.asarray(pred.se_fit, dtype=float)
    if newdata is not None:
        return out
    # R: df$.resid <- residuals(x); add_hat_sigma_cols(); df$.std.resid <- rstandard();
    # a zero-weight row makes the influence vectors shorter than the data, and the
    # assignment fails -- broom reports it as its data error
    resid = generics.residuals(fit, type=type_residuals)
    infl = generics.influence(fit, do_coef=False)
    cook = generics.cooks_distance(fit)
    std = generics.rstandard(fit, type=type_residuals)
    if any(len(v) != n for v in (resid, infl.hat, std, cook)):
        raise RError("Must specify either `data` or `newdata` argument.")
    out[".resid"] = resid.to_numpy(dtype=float)
    out[".hat"] = infl.hat.to_numpy(dtype=float)
    out[".sigma"] = infl.sigma.to_numpy(dtype=float)
    out[".cooksd"] = cook.to_numpy(dtype=float)
    out[".std.resid"] = std.to_numpy(dtype=float)
    return out


def _make_names(name: str) -> str:
    """R's ``make.names``: invalid characters -> ".", a leading digit or "_" prefixed
    with "X"."""
    out = re.sub(r"[^A-Za-z0-9._]", ".", name)
    if not out or not (out[0].isalpha() or out[0] == "."):
        out = "X" + out
    elif out[0] == "." and len(out) > 1 and out[1].isdigit():
        out = "X" + out
    return out


def tidy_anova(table_record) -> pd.DataFrame:
    """An anova/drop1 table with ``term`` first and broom's column names.
    R: ``broom::tidy(anova(...))`` (``tidy.anova``), with its warning about columns it
    does not know."""
    table = table_record.table
    names = [_make_names(str(c)) for c in table.columns]
    unknown = [n for n in names if n != "term" and n not in ANOVA_RENAMES]
    if unknown:
        rwarn("The following column names in ANOVA output were not recognized or "
              "transformed: " + ", ".join(unknown))
    out = pd.DataFrame({ANOVA_RENAMES.get(n, n): table[c].to_numpy()
                        for n, c in zip(names, table.columns)})
    heading = "\n".join(getattr(table_record, "heading", ()) or ())
    models = [line for line in heading.split("\n") if re.match(r"[Mm]od.*[0-9]+:", line)]
    if models:
        terms = [re.sub(r".*: ", "", m, count=1) for m in models]
    else:
        terms = [str(i).strip() for i in table.index]
    out.insert(0, "term", terms)
    return out


# tidy() of the anova tables inference builds (anova, drop1, add1): R's class "anova"
generics.tidy.register(AnovaTable)(tidy_anova)
