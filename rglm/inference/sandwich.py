"""Heteroskedasticity-consistent and clustered covariances (R package sandwich).

R: ``sandwich::meatHC``, ``vcovHC``, ``meatCL``, ``vcovCL``, ``sandwich`` (Zeileis 2004,
2006; Zeileis, Koell & Graham 2020). Written from the mathematics and sandwich's
documentation; the conventions below are sandwich's, kept because R users compare numbers
with it.

As sandwich, this module is written against generics only: the scores
(:func:`rglm.generics.estfun`) and the bread (:func:`rglm.generics.bread`) are the model
kind's methods (a glm's: :mod:`rglm.models.glm.sandwich`, R's ``estfun.glm`` and
``bread.glm``), and the HC corrections read ``model.matrix``, ``coef``, ``hatvalues``
and the working residuals and weights through their generics, every ``na.action`` taken
as "omit" (sandwich sets ``class(x$na.action) <- "omit"``).

Conventions (for a glm):
    ``X`` is the model matrix without its aliased columns, ``n`` × ``k``, all rows of the
    model frame (zero-weight rows included, as ``NROW(estfun(x))`` in R);
    ``wres = r * w`` are the working residuals times the working weights;
    ``phi`` is sandwich's own dispersion, 1 for the binomial, poisson and negative
    binomial families, else ``sum(wres^2) / sum(w)`` (not summary.glm's Pearson estimate);
    the score contributions are ``estfun = wres * X / phi``;
    ``bread = cov.unscaled * (rank + df.residual) * phi``;
    ``vcov = bread @ meat @ bread / n``.
"""

from __future__ import annotations

import itertools
import math
from typing import Optional

import numpy as np
import pandas as pd

from rglm.errors import RError, rwarn
from rglm.generics import (bread, coef, estfun, family, hatvalues, model_matrix, residuals,
                           weights)
from rglm.linalg.qr import chol2inv

__all__ = ["estfun", "bread", "meatHC", "vcovHC", "meatCL", "vcovCL", "HC_TYPES",
           "CL_TYPES", "sandwich_dispersion"]

#: vcovHC's types, in R's order (the first is the default).
HC_TYPES = ("HC3", "const", "HC", "HC0", "HC1", "HC2", "HC4", "HC4m", "HC5")
#: vcovCL's types (its default is HC0 for a glm, HC1 for an lm).
CL_TYPES = ("HC", "HC0", "HC1", "HC2", "HC3")
_NEEDS_HAT = ("HC2", "HC3", "HC4", "HC4m", "HC5")
#: family names (first 17 characters) whose dispersion sandwich fixes at 1
_UNIT_DISPERSION = ("poisson", "binomial", "Negative Binomial")
_EPS = np.finfo(float).eps


# ---- helpers ------------------------------------------------------------------------


def _match_arg(arg: str, choices: tuple[str, ...]) -> str:
    """R's ``match.arg``: an exact match, else a unique partial match, else R's error."""
    if arg in choices:
        return arg
    partial = [c for c in choices if isinstance(arg, str) and arg and c.startswith(arg)]
    if len(partial) == 1:
        return partial[0]
    raise RError("'arg' should be one of " + ", ".join(f"\u201c{c}\u201d" for c in choices))


def _as_omit(fit, values) -> np.ndarray:
    """A vector by observation without the rows an ``na.exclude`` action padded in.

    R: sandwich's ``class(x$na.action) <- "omit"`` before it calls the extractors.
    """
    out = np.asarray(values, dtype=float)
    na = getattr(fit, "na_action", None)
    if na is None or getattr(na, "kind", "omit") != "exclude":
        return out
    keep = np.ones(len(out), dtype=bool)
    keep[np.asarray(na.rows, dtype=int)] = False
    return out[keep]


def _design(fit) -> tuple[np.ndarray, list[str], pd.Index]:
    """The model matrix without its aliased columns, their names (original order), and
    the rows' labels. R: ``model.matrix(x)[, !is.na(coef(x))]``."""
    mm = model_matrix(fit)
    keep = coef(fit).notna().to_numpy()
    names = [nm for nm, k in zip(mm.columns, keep) if k]
    return mm.to_numpy(dtype=float)[:, keep], names, mm.index


def _working(fit) -> tuple[np.ndarray, np.ndarray]:
    """``wres = r * w`` and the working weights ``w``. R: ``residuals(x, "working") *
    weights(x, "working")``."""
    w = _as_omit(fit, weights(fit, type="working"))
    return _as_omit(fit, residuals(fit, type="working")) * w, w


def sandwich_dispersion(family_name: str, wres: np.ndarray, w: np.ndarray) -> float:
    """sandwich's dispersion of a glm: 1 for the binomial, poisson and negative binomial
    families, else ``sum(wres^2) / sum(w)`` (R: in ``estfun.glm`` and ``bread.glm``)."""
    if family_name[:17] in _UNIT_DISPERSION:
        return 1.0
    return float(np.sum(wres ** 2) / np.sum(w))


def _sandwich_dispersion(fit, wres: np.ndarray, w: np.ndarray) -> float:
    return sandwich_dispersion(family(fit).family, wres, w)


def _score_residuals(ef: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The residual each row of estfun scales X by: R's ``rowMeans(ef / X, na.rm = TRUE)``.

    Rows whose scores are all below machine epsilon in size count as exact zeros.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = ef / X
        present = ~np.isnan(ratio)
        # nanmean, without its warning for the all-NaN rows (zero rows of X): NaN there
        res = np.where(present, ratio, 0.0).sum(axis=1) / present.sum(axis=1)
    res[np.all(np.abs(ef) < _EPS, axis=1)] = 0.0
    return res


def _hat_values(fit) -> np.ndarray:
    """The hat values lined up with the rows of estfun.

    R: ``hatvalues(x)``, which for a glm has only the rows with non-zero prior weight
    (and, as sandwich treats every na.action as "omit", no padding). Here the zero-weight
    rows get 0 so that the vector lines up with estfun; R recycles the shorter vector
    instead (see tests/inference/test_sandwich.py).
    """
    used = _as_omit(fit, weights(fit, type="prior")) != 0
    hat = np.zeros(len(used))
    hat[used] = _as_omit(fit, hatvalues(fit))  # by position: row labels need not be unique
    return hat


def _r_row_labels(fit, index: pd.Index) -> list[str]:
    """The model matrix's row names as R has them (default row names count from 1)."""
    data_index = getattr(getattr(fit, "data", None), "index", None)
    if isinstance(data_index, pd.RangeIndex) and data_index.start == 0 \
            and data_index.step == 1:
        return [str(int(i) + 1) for i in index]
    return [str(v) for v in index]


def _frame(values: np.ndarray, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(values, index=list(names), columns=list(names))


def _sandwich(fit, meat: np.ndarray, n: int) -> np.ndarray:
    """R: ``sandwich(x, meat.)`` = ``bread %*% meat %*% bread / n``."""
    b = bread(fit).to_numpy()
    return b @ meat @ b / n


# ---- HC ---------------------------------------------------------------------------


def _omega_hc(type: str, res: np.ndarray, hat: np.ndarray, df: int) -> np.ndarray:
    """The weights HC-type estimators give each squared residual.

    Notes
    -----
    With ``h`` the hat values, ``n`` the rows and ``p = round(sum(h))``:
    const ``sum(res^2)/df``; HC0 ``res^2``; HC1 ``res^2 n/df``; HC2 ``res^2/(1-h)``;
    HC3 ``res^2/(1-h)^2``; HC4 ``res^2/(1-h)^d``, ``d = min(4, n h/p)`` (Cribari-Neto 2004);
    HC4m ``d = min(1, n h/p) + min(1.5, n h/p)`` (Cribari-Neto & da Silva 2011);
    HC5 ``res^2/sqrt((1-h)^d)``, ``d = min(n h/p, max(4, 0.7 n max(h)/p))``
    (Cribari-Neto et al. 2007).
    """
    n = len(res)
    r2 = res ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if type == "const":
            return np.full(n, np.sum(r2) / df)
        if type == "HC0":
            return r2
        if type == "HC1":
            return r2 * n / df
        if type == "HC2":
            return r2 / (1 - hat)
        if type == "HC3":
            return r2 / (1 - hat) ** 2
        p = int(np.round(np.sum(hat)))
        lev = n * hat / p
        if type == "HC4":
            return r2 / (1 - hat) ** np.minimum(4.0, lev)
        if type == "HC4m":
            return r2 / (1 - hat) ** (np.minimum(1.0, lev) + np.minimum(1.5, lev))
        # HC5, k = 0.7
        delta = np.minimum(lev, max(4.0, n * 0.7 * float(np.max(hat)) / p))
        return r2 / np.sqrt((1 - hat) ** delta)


def _warn_unstable(fit, type: str, hat: np.ndarray, index: pd.Index) -> None:
    """R's warning when hat values are within sqrt(eps) of 1."""
    ids = np.flatnonzero(hat > 1 - math.sqrt(_EPS))
    if ids.size:
        names = _r_row_labels(fit, index)
        labels = [names[i] for i in ids]
        if len(labels) > 10:
            labels = labels[:10] + ["..."]
        rwarn("%s covariances become numerically unstable if hat values are close to 1 "
              "as for observations %s" % (type, ", ".join(labels)))


def meatHC(fit, type: str = "HC3", omega=None) -> pd.DataFrame:
    """The meat of HC covariances. R: ``sandwich::meatHC(x, type, omega)``.

    Parameters
    ----------
    fit : GLM
    type : str
        One of :data:`HC_TYPES` ("HC" is "HC0").
    omega : callable or array_like, optional
        Instead of ``type``: a function ``omega(residuals, diaghat, df)`` or the weights.

    Returns
    -------
    pandas.DataFrame
        ``crossprod(sqrt(omega) * X) / n``.
    """
    X, names, index = _design(fit)
    n, k = X.shape
    df = n - k
    ef = estfun(fit).to_numpy(dtype=float)
    res = _score_residuals(ef, X)
    all0 = np.all(np.abs(ef) < _EPS, axis=1)
    if all0.any() and isinstance(type, str) and type[:1] == "c":
        # sandwich's "const" keeps the tiny residuals its zero-score rule would zero
        wres, w = _working(fit)
        res = wres / _sandwich_dispersion(fit, wres, w)
    try:
        hat = _hat_values(fit)
    except RError:  # R: try(hatvalues(x)); a fit without a QR has none
        hat = None
    if omega is None:
        type = _match_arg(type, HC_TYPES)
        if type == "HC":
            type = "HC0"
        if type in _NEEDS_HAT:
            if hat is None:
                raise RError("hatvalues() could not be extracted successfully but are "
                             "needed for %s" % type)
            _warn_unstable(fit, type, hat, index)
        omega = _omega_hc(type, res, hat, df)
    elif callable(omega):
        omega = omega(res, hat, df)
    a = np.sqrt(np.asarray(omega, dtype=float))[:, None] * X
    return _frame(a.T @ a / n, names)


def vcovHC(fit, type: str = "HC3", omega=None, sandwich: bool = True) -> pd.DataFrame:
    """Heteroskedasticity-consistent covariance matrix. R: ``sandwich::vcovHC(x, type)``.

    Parameters
    ----------
    fit : GLM
    type : {"HC3", "const", "HC", "HC0", "HC1", "HC2", "HC4", "HC4m", "HC5"}
        The estimator (see :func:`meatHC`); R's default "HC3".
    omega : callable or array_like, optional
        Custom weights, as R's ``omega``.
    sandwich : bool
        False returns the meat only.

    Returns
    -------
    pandas.DataFrame
        Rows and columns named by the non-aliased coefficients.

    Examples
    --------
    >>> rglm.vcovHC(fit, type="HC0")                                # doctest: +SKIP
    """
    type = _match_arg(type, HC_TYPES)
    meat = meatHC(fit, type=type, omega=omega)
    if not sandwich:
        return meat
    n = _estfun_rows(fit)
    return _frame(_sandwich(fit, meat.to_numpy(), n), list(meat.index))


def _estfun_rows(fit) -> int:
    """``NROW(estfun(x))``: the rows of the model frame (sandwich's ``n``)."""
    return int(model_matrix(fit).shape[0])


# ---- clustered ----------------------------------------------------------------------


def _data_column(fit, name: str):
    """The data's column ``name`` at the fit's rows (R: ``expand.model.frame``).

    Taken by position (the data's row labels need not be unique); a row that a logical
    NA in ``subset`` made up gets NA, as in R. Reads the fit's components ``data`` (R:
    the call's data) and ``row_positions`` (where each row of the model frame is in it).
    """
    data = getattr(fit, "data", None)
    if data is None or name not in getattr(data, "columns", ()):
        raise RError(f"object '{name}' not found")
    column = data[name]
    pos = getattr(fit, "row_positions", None)
    if pos is None:  # a fit made without positions: its labels must identify the rows
        if not data.index.is_unique:
            raise RError("cannot find the rows of the fit in 'data': its row labels are "
                         "not unique")
        pos = data.index.get_indexer(model_matrix(fit).index)
    values = column.iloc[np.maximum(pos, 0)].reset_index(drop=True)
    if (pos < 0).any():
        values = values.astype(object).where(~pd.Series(pos < 0), None)
    return values


def _cluster_columns(fit, cluster, n: int) -> list:
    """R's ``as.data.frame(cluster)`` (or the model frame of ``~ a + b``) as columns.

    A list or tuple of column names and/or vectors, other than one of the model's length,
    is several clusterings (R: ``cluster = ~ a + b`` or a data frame).
    """
    if cluster is None:
        return [np.arange(n)]
    if isinstance(cluster, str):
        text = cluster.strip()
        if text.startswith("~"):
            return [_data_column(fit, nm.strip()) for nm in text[1:].split("+")]
        return [_data_column(fit, text)]
    if isinstance(cluster, pd.DataFrame):
        return [cluster[c] for c in cluster.columns]
    if isinstance(cluster, np.ndarray) and cluster.ndim == 2:
        return [cluster[:, j] for j in range(cluster.shape[1])]
    if isinstance(cluster, (list, tuple)) and len(cluster) != n and all(
            isinstance(c, str) or np.ndim(c) == 1 for c in cluster):
        return [_data_column(fit, c) if isinstance(c, str) else c for c in cluster]
    return [cluster]


def _n_groups(column) -> int:
    """R's ``g``: the levels of a factor (unused ones too), else the distinct values."""
    dtype = getattr(column, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        return len(dtype.categories)
    return len(pd.unique(np.asarray(column)))


def _prepare_clusters(fit, cluster, n: int) -> list:
    """The clustering columns, checked, with the rows the fit's na.action dropped removed."""
    na = getattr(fit, "na_action", None)
    out = []
    for col in _cluster_columns(fit, cluster, n):
        if not isinstance(col, (pd.Series, pd.Categorical, np.ndarray)):
            col = np.asarray(col)
        if len(col) != n and na is not None and getattr(na, "kind", "omit") in (
                "omit", "exclude"):
            # R: cluster[-x$na.action, ] for a clustering given at the data's length
            keep = np.ones(len(col), dtype=bool)
            drop = np.asarray(na.positions, dtype=int)
            keep[drop[drop < len(col)]] = False
            col = col.iloc[keep] if isinstance(col, pd.Series) else col[keep]
        out.append(col)
    if any(len(c) != n for c in out):
        raise RError("number of observations in 'cluster' and 'estfun()' do not match")
    if any(np.asarray(pd.isna(c)).any() for c in out):
        raise RError("cannot handle NAs in 'cluster': either refit the model without the "
                     "NA observations in 'cluster' or impute the NAs")
    return out


def _multiway(columns: list, n: int, multi0: bool):
    """Every intersection of the clusterings, its sign and ``g`` (inclusion-exclusion).

    R pastes the labels of an intersection with "_"; here its groups are the distinct
    combinations of labels (the same unless pasting makes two combinations read alike).
    """
    p = len(columns)
    codes = [pd.factorize(c)[0] for c in columns]
    combos = [c for size in range(1, p + 1) for c in itertools.combinations(range(p), size)]
    out = []
    for i, combo in enumerate(combos):
        sign = (-1) ** (len(combo) + 1)
        if len(combo) == 1:
            g = _n_groups(columns[combo[0]])
            group = codes[combo[0]]
        else:
            stacked = np.column_stack([codes[j] for j in combo])
            _, group = np.unique(stacked, axis=0, return_inverse=True)
            group = group.ravel()
            g = int(group.max()) + 1
        if multi0 and p > 1 and i == len(combos) - 1:
            group, g = np.arange(n), n
        out.append((np.asarray(group), sign, g))
    return out


def _matrix_power(a: np.ndarray, power: float) -> np.ndarray:
    """``a^power`` by eigen-decomposition, eigenvalues below eps^(1/1.3) taken as 0.

    R: sandwich's internal ``matrixpower`` (symmetric or general eigen-decomposition).
    """
    if a.shape == (1, 1):
        return a ** power
    tol = _EPS ** (1 / 1.3)
    scale = np.mean(np.abs(a))
    symmetric = scale == 0 or np.mean(np.abs(a - a.T)) / scale < 100 * _EPS
    with np.errstate(divide="ignore"):
        if symmetric:
            values, vectors = np.linalg.eigh(a)
            values = np.where(values < tol, 0.0, values)
            return vectors @ ((values ** power)[:, None] * vectors.T)
        values, vectors = np.linalg.eig(a)
        values, vectors = values.real, vectors.real
        values = np.where(values < tol, 0.0, values)
        return vectors @ ((values ** power)[:, None] * np.linalg.inv(vectors))


def _hc2_adjustment(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``(I - H_gg)^(-1/2)`` for one cluster, with ``H_gg = X_g (X'WX)^-1 X_g' W_g``.

    ``I - H_gg`` is not symmetric, but ``W^(1/2) (I - H_gg) W^(-1/2)`` is; its power by a
    symmetric eigen-decomposition, transformed back, is the same matrix power without the
    near-complex eigenvector pairs a general eigen-decomposition can return when the
    eigenvalue 1 is repeated (then keeping the real parts would be wrong).
    """
    if np.all(w > 0):
        r = np.sqrt(w)
        sym = m * r[:, None] / r[None, :]
        return _matrix_power((sym + sym.T) / 2, -0.5) * (1 / r)[:, None] * r[None, :]
    return _matrix_power(m, -0.5)


def _check_solvable(m: np.ndarray) -> None:
    """R's ``solve()`` refuses a matrix whose reciprocal condition number is below eps.

    For HC3 this happens when a cluster is one level of a factor in the model: then
    ``I - H_gg`` is singular.
    """
    with np.errstate(divide="ignore"):
        rcond = 1.0 / np.linalg.cond(m, 1)
    if not rcond >= _EPS:
        raise RError("system is computationally singular: reciprocal condition number = %g"
                     % rcond)


def _cluster_adjusted_scores(ef, X, w, res, group, g, type: str) -> np.ndarray:
    """HC2/HC3 clustered scores: ``(I - H_gg)^(-1/2)`` or ``(I - H_gg)^(-1)`` per cluster.

    ``H_gg = X_g (X'WX)^{-1} X_g' W_g`` (Bell & McCaffrey 2002), applied to the residuals.
    """
    xx1 = chol2inv(np.linalg.qr(X * np.sqrt(w)[:, None], mode="r"))
    out = np.empty_like(ef)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    for rows in np.split(order, bounds):
        xi = X[rows]
        m = np.eye(len(rows)) - (xi @ xx1 @ xi.T) * w[rows][None, :]
        if type == "HC2":
            adj = _hc2_adjustment(m, w[rows])
        else:
            _check_solvable(m)
            adj = np.linalg.solve(m, np.eye(len(rows)))
        out[rows] = (adj @ res[rows])[:, None] * xi
    return out * math.sqrt((g - 1) / g)


def meatCL(fit, cluster=None, type: Optional[str] = None, cadjust: bool = True,
           multi0: bool = False) -> pd.DataFrame:
    """The meat of clustered covariances. R: ``sandwich::meatCL``.

    See :func:`vcovCL` for the arguments.
    """
    X, names, _ = _design(fit)
    ef = estfun(fit).to_numpy(dtype=float)
    n, k = ef.shape
    ways = _multiway(_prepare_clusters(fit, cluster, n), n, multi0)
    type = _match_arg("HC0" if type is None else type, CL_TYPES)
    if type == "HC":
        type = "HC0"
    hc23 = type in ("HC2", "HC3")
    if hc23:
        hat = _hat_values(fit)
        _, w = _working(fit)
        res = _score_residuals(ef, X)
    rval = np.zeros((k, k))
    for i, (group, sign, g) in enumerate(ways):
        if multi0 and i == len(ways) - 1:
            adj = (n - k) / (n - 1) if type == "HC1" else 1.0
        else:
            adj = g / (g - 1) if cadjust else 1.0
        efi = ef
        if hc23:
            if g == n:
                efi = ef / (np.sqrt(1 - hat) if type == "HC2" else (1 - hat))[:, None]
                efi = efi * math.sqrt((g - 1) / g)
            else:
                efi = _cluster_adjusted_scores(ef, X, w, res, group, g, type)
        if g < n:
            summed = np.zeros((int(group.max()) + 1, k))
            np.add.at(summed, group, efi)
            efi = summed
        rval = rval + sign * adj * (efi.T @ efi) / n
    if type == "HC1":
        rval = (n - 1) / (n - k) * rval
    return _frame(rval, names)


def vcovCL(fit, cluster=None, type: Optional[str] = None, sandwich: bool = True,
           fix: bool = False, cadjust: bool = True, multi0: bool = False) -> pd.DataFrame:
    """Clustered covariance matrix (one-way or multi-way). R: ``sandwich::vcovCL``.

    Parameters
    ----------
    fit : GLM
    cluster : array_like, str, list or DataFrame, optional
        The clustering: an array of the model's length (or of the data's length, when the
        fit dropped rows with missing values: those rows are dropped from it, as R does), a
        column name of the fit's data (R's ``cluster = ~ f``; ``"~ f + g"`` works too), or a
        list of arrays/names (several columns: multi-way clustering by
        inclusion-exclusion, Cameron, Gelbach & Miller 2011). None: each observation its
        own cluster.
    type : {"HC0", "HC1", "HC2", "HC3", "HC"}, optional
        Default "HC0" for a glm (R uses "HC1" only for lm objects).
    sandwich : bool
        False returns the meat only.
    fix : bool
        Replace negative eigenvalues of the result by 0 (positive semi-definite).
    cadjust : bool
        Multiply by ``G / (G - 1)`` (G clusters).
    multi0 : bool
        Multi-way: use HC0/HC1 for the last (intersection) term instead of clustering.

    Returns
    -------
    pandas.DataFrame
        Rows and columns named by the non-aliased coefficients.

    Raises
    ------
    RError
        ``number of observations in 'cluster' and 'estfun()' do not match``; NAs in the
        clustering; a ``type`` outside the list.
    """
    rval = meatCL(fit, cluster=cluster, type=type, cadjust=cadjust, multi0=multi0)
    names = list(rval.index)
    values = rval.to_numpy()
    if sandwich:
        values = _sandwich(fit, values, _estfun_rows(fit))
    if fix:
        eigval, eigvec = np.linalg.eigh(values)
        if np.any(eigval < 0):
            eigval = np.maximum(eigval, 0.0)
            values = eigvec @ (eigval[:, None] * eigvec.T)
    return _frame(values, names)

