"""Leave-one-out influence of the observations on a glm fit.

R: ``lm.influence``/``influence.glm``, ``hatvalues``, ``rstandard.glm``, ``rstudent.glm``,
``cooks.distance.glm``, ``dfbeta``, ``dfbetas``, ``covratio``, ``influence.measures``.

Everything comes from the QR of the last IRLS step stored in the fit (rows with positive
working weight, rank ``k``), as R's ``lm.influence`` does — no refits. With ``Q1`` the first
``k`` columns of its Q, ``R11`` the ``k x k`` triangle and ``e`` the deviance residuals,

* ``hat_i = ||Q1[i, :]||^2`` (set to 1 when ``>= 1 - 10 eps``);
* ``sigma_i = sqrt((sum e^2 - e_i^2 / (1 - hat_i)) / (n - k - 1))``;
* the change in the coefficients when row ``i`` is dropped (one-step approximation):
  ``(Q1 R11^{-T})[i, :] * e_i / (1 - hat_i)`` (0 when ``hat_i = 1``).

Observations with zero prior weight are not in the QR and are left out of every vector
(R drops them rather than giving NA); ``na.exclude`` fits are padded with NaN (hat 0,
coefficient changes 0, sigma ``sqrt(deviance / df.residual)`` at the omitted rows, as R).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import solve_triangular

from rglm.errors import RError
from rglm.linalg.qr import QR, chol2inv, qr_qy
from rglm.formula.deparse import deparse
from rglm.render.display import Tabled
from rglm.render.influence import format_infl, format_infl_summary, infl_page
from rglm.render.rformat import DBL_EPSILON
from rglm.models.glm.result import r_row_names
from rglm.models.glm.residuals import deviance_residuals, naresid, pearson_residuals
from rglm.models.glm.summary import summary_dispersion

__all__ = ["Influence", "InfluenceMeasures", "influence", "hatvalues", "rstandard",
           "rstudent", "cooks_distance", "dfbeta", "dfbetas", "covratio",
           "influence_measures", "abbreviate"]

#: R's ``tol = 10 * .Machine$double.eps``: leverages this close to 1 are set to 1.
_HAT_ONE_TOL = 10 * DBL_EPSILON


@dataclass(frozen=True)
class Influence:
    """R's ``influence(fit)`` list for a glm.

    Attributes
    ----------
    hat : pandas.Series
        Diagonal of the hat matrix.
    coefficients : pandas.DataFrame or None
        Change in each non-aliased coefficient when the row is dropped (None when
        ``do_coef=False``).
    sigma : pandas.Series
        Residual standard deviation when the row is dropped.
    dev_res, pear_res : pandas.Series
        Deviance and Pearson residuals.
    """

    hat: pd.Series
    coefficients: Optional[pd.DataFrame]
    sigma: pd.Series
    dev_res: pd.Series
    pear_res: pd.Series

    def __getitem__(self, name: str) -> Any:
        """R's ``infl$dev.res``: ``infl["dev.res"]``."""
        return getattr(self, name.replace(".", "_"))

    def keys(self) -> list:
        """R's ``names(influence(fit))``."""
        names = ["hat", "coefficients", "sigma", "dev.res", "pear.res"]
        return names if self.coefficients is not None else \
            [n for n in names if n != "coefficients"]


# ------------------------------------------------------------------------------------
# the core: lm.influence on the stored QR
# ------------------------------------------------------------------------------------

def _used_rows(fit) -> np.ndarray:
    """R's ``weighted.residuals`` keeps the rows with non-zero prior weight."""
    return np.asarray(fit.fit.prior_weights) != 0


def _stored_qr(fit) -> QR:
    q = fit.fit.qr
    return QR(qr=np.asarray(q.qr), qraux=np.asarray(q.qraux),
              pivot=np.asarray(q.pivot, dtype=int) - 1, rank=int(q.rank), tol=float(q.tol))


def _weighted_residuals(fit) -> pd.Series:
    """R: ``weighted.residuals(fit)`` — deviance residuals at non-zero prior weight, NaN
    at rows omitted by ``na.exclude``."""
    used = _used_rows(fit)
    e = pd.Series(deviance_residuals(fit)[used], index=fit.row_names[used])
    return _pad(fit, e)


def _pad(fit, values):
    return naresid(fit, values)


def leverages(fit) -> np.ndarray:
    """The hat values of the rows with non-zero prior weight, in order, unpadded (what
    :func:`hatvalues` holds before ``na.exclude`` padding), for aligning by position."""
    k = fit.rank
    if k == 0:
        return np.zeros(int(np.count_nonzero(_used_rows(fit))))
    return _hat_q1(_stored_qr(fit), k)[1]


def _hat_q1(qr: QR, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``Q1`` (first ``k`` columns of Q) and the leverages ``rowSums(Q1^2)``."""
    n = qr.qr.shape[0]
    eye = np.zeros((n, k))
    eye[np.arange(k), np.arange(k)] = 1.0
    q1 = qr_qy(qr, eye)
    hat = np.sum(q1 ** 2, axis=1)
    hat[hat >= 1.0 - _HAT_ONE_TOL] = 1.0
    return q1, hat


def influence(fit, do_coef: bool = True) -> Influence:
    """Regression diagnostics of a glm fit. R: ``influence(fit, do.coef = TRUE)``.

    Parameters
    ----------
    fit : GLM
    do_coef : bool
        Also compute the coefficient changes (R's ``do.coef``).

    Returns
    -------
    Influence
        ``hat``, ``coefficients``, ``sigma``, ``dev_res``, ``pear_res``; rows = the
        observations with non-zero prior weight (NaN-padded for ``na.exclude``).
    """
    used = _used_rows(fit)
    labels = fit.row_names[used]
    e = deviance_residuals(fit)[used]
    k = fit.rank
    cf_names = list(fit.coefficients.index[fit.coefficients.notna()])
    omitted = fit.na_action is not None and getattr(fit.na_action, "kind", "") == "exclude"
    if k == 0:
        hat = np.zeros(len(e))
        sigma = np.full(len(e), np.sqrt(fit.deviance / fit.df_residual))
        coef = np.zeros((len(e), 0))
    else:
        # A point with hat = 1 must have e = 0 exactly; protect against returning Inf.
        e = np.where(np.abs(e) < 100 * DBL_EPSILON * np.median(np.abs(e)), 0.0, e)
        qr = _stored_qr(fit)
        n = qr.qr.shape[0]
        if len(e) != n:
            raise RError("non-NA residual length does not match cases used in fitting")
        q1, hat = _hat_q1(qr, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            rss = np.sum(e ** 2)
            denom = n - k - 1
            sigma = np.where(hat < 1.0, np.sqrt((rss - e ** 2 / (1.0 - hat)) / denom),
                             np.sqrt(rss / denom))
            coef = None
            if do_coef:
                r11 = np.triu(qr.qr[:k, :k])
                inv_rq = solve_triangular(r11, q1.T, lower=False).T  # Q1 R11^{-T}
                scale = np.where(hat == 1.0, 0.0, e / (1.0 - hat))
                coef = inv_rq * scale[:, None]
    hat_s = _pad(fit, pd.Series(hat, index=labels))
    sigma_s = _pad(fit, pd.Series(sigma, index=labels))
    if omitted:
        hat_s = hat_s.fillna(0.0)
        sigma_s = sigma_s.fillna(np.sqrt(fit.deviance / fit.df_residual))
    hat_s = hat_s.where(hat_s <= 1.0 - _HAT_ONE_TOL, 1.0)
    coefficients = None
    if do_coef:
        frame = pd.DataFrame(coef, index=labels, columns=cf_names)
        coefficients = _pad(fit, frame).fillna(0.0) if omitted else frame
    dev_res = _pad(fit, pd.Series(e, index=labels))
    pear_res = _pad(fit, pd.Series(pearson_residuals(fit)[used], index=labels))
    return Influence(hat=hat_s, coefficients=coefficients, sigma=sigma_s, dev_res=dev_res,
                     pear_res=pear_res)


# ------------------------------------------------------------------------------------
# the derived diagnostics
# ------------------------------------------------------------------------------------

def _inf_to_nan(x):
    """R sets infinite diagnostics to NaN."""
    return x.where(~np.isinf(x), np.nan)


def hatvalues(fit) -> pd.Series:
    """Leverages (diagonal of the hat matrix). R: ``hatvalues(fit)``."""
    return influence(fit, do_coef=False).hat


def rstandard(fit, type: str = "deviance") -> pd.Series:
    """Standardized residuals ``r / sqrt(dispersion (1 - hat))``. R: ``rstandard.glm``.

    ``type`` is ``"deviance"`` or ``"pearson"``; the dispersion is ``summary(fit)``'s
    (with its zero-weight warning).
    """
    if type not in ("deviance", "pearson"):
        raise RError("'arg' should be one of “deviance”, “pearson”")
    infl = influence(fit, do_coef=False)
    res = infl.pear_res if type == "pearson" else infl.dev_res
    disp = summary_dispersion(fit)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = res / np.sqrt(disp * (1.0 - infl.hat))
    return _inf_to_nan(out)


def rstudent(fit) -> pd.Series:
    """Studentized (deletion) residuals. R: ``rstudent.glm``.

    ``sign(d) sqrt(d^2 + hat pear^2 / (1 - hat))``, divided by the leave-one-out sigma
    unless the family is binomial or poisson.
    """
    infl = influence(fit, do_coef=False)
    d, h, pr = infl.dev_res, infl.hat, infl.pear_res
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sign(d) * np.sqrt(d ** 2 + (h * pr ** 2) / (1.0 - h))
    r = _inf_to_nan(r)
    if fit.family.family in ("binomial", "poisson"):
        return r
    return r / infl.sigma


def cooks_distance(fit) -> pd.Series:
    """Cook's distances ``(pear / (1 - hat))^2 hat / (dispersion rank)``.

    R: ``cooks.distance.glm``.
    """
    infl = influence(fit, do_coef=False)
    disp = summary_dispersion(fit)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (infl.pear_res / (1.0 - infl.hat)) ** 2 * infl.hat / (disp * fit.rank)
    return _inf_to_nan(out)


def _pivoted_names(fit) -> list:
    """R: ``variable.names(fit)`` — the first ``rank`` columns of the QR."""
    piv = np.asarray(fit.fit.qr.pivot, dtype=int)[:fit.rank] - 1 if fit.rank else []
    return [fit.fit.xnames[j] for j in piv]


def dfbeta(fit, infl: Optional[Influence] = None) -> pd.DataFrame:
    """Change in the coefficients when each row is dropped. R: ``dfbeta(fit)``."""
    infl = influence(fit, do_coef=True) if infl is None else infl
    out = infl.coefficients.copy()
    out.columns = _pivoted_names(fit)
    return out


def _xxi_sd(fit) -> np.ndarray:
    """``sqrt(diag((R11' R11)^{-1}))``, the unscaled coefficient standard deviations."""
    k = fit.rank
    return np.sqrt(np.diag(chol2inv(np.asarray(fit.fit.qr.qr)[:k, :k])))


def dfbetas(fit, infl: Optional[Influence] = None) -> pd.DataFrame:
    """Scaled coefficient changes ``dfbeta / (sigma_i sqrt(diag((X'WX)^{-1})))``.

    R: ``dfbetas(fit)``.
    """
    infl = influence(fit, do_coef=True) if infl is None else infl
    db = dfbeta(fit, infl)
    return db / np.outer(infl.sigma.to_numpy(), _xxi_sd(fit))


def covratio(fit) -> pd.Series:
    """Covariance ratios. R: ``covratio(fit)``.

    ``1 / ((1 - h) (((n - p - 1) + e*^2) / (n - p))^p)`` with ``e* = e / (sigma_i
    sqrt(1 - h))``, ``n`` the rows of the QR and ``p`` the rank.
    """
    infl = influence(fit, do_coef=False)
    n = np.asarray(fit.fit.qr.qr).shape[0]
    p = fit.rank
    res = _weighted_residuals(fit)
    omh = 1.0 - infl.hat
    with np.errstate(divide="ignore", invalid="ignore"):
        e_star = _inf_to_nan(res / (infl.sigma * np.sqrt(omh)))
        return 1.0 / (omh * (((n - p - 1) + e_star ** 2) / (n - p)) ** p)


# ------------------------------------------------------------------------------------
# influence.measures
# ------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class InfluenceMeasures(Tabled):
    """R's ``influence.measures(fit)`` (class ``"infl"``).

    Attributes
    ----------
    infmat : pandas.DataFrame
        Columns ``dfb.<abbreviated coefficient>`` (``dfb.1_`` for the intercept),
        ``dffit``, ``cov.r``, ``cook.d``, ``hat``.
    is_inf : pandas.DataFrame
        Nullable booleans, same shape: which values R flags as influential
        (``|dfbetas| > 1``, ``|dffit| > 3 sqrt(k/(n-k))``, ``|1 - cov.r| > 3k/(n-k)``,
        ``pf(cook.d, k, n-k) > 0.5``, ``hat > 3k/n``); NA where the value is.
    call : Node
        The fit's call.
    na_mask : pandas.DataFrame
        Where ``infmat`` holds R's NA (rows omitted by ``na.exclude``) rather than NaN.

    ``print()`` gives R's ``print.infl``; :meth:`format_summary` R's ``summary.infl``.
    """

    infmat: pd.DataFrame
    is_inf: pd.DataFrame
    call: Any = field(repr=False)
    na_mask: pd.DataFrame = field(repr=False, default=None)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name.replace(".", "_"))

    @property
    def flags(self) -> np.ndarray:
        """The flagged cells as plain booleans, an NA flag counting as not flagged.

        R: ``is.inf[is.na(is.inf)] <- FALSE`` (``summary.infl``).
        """
        return self.is_inf.fillna(False).to_numpy(dtype=bool)

    @property
    def influential(self) -> np.ndarray:
        """The rows with any flag. R: ``is.star <- apply(is.inf, 1, any, na.rm = TRUE)``."""
        return self.flags.any(axis=1)

    def _na(self) -> Optional[np.ndarray]:
        return None if self.na_mask is None else self.na_mask.to_numpy(dtype=bool)

    def format(self, digits: Optional[int] = None) -> str:
        """R: ``print.infl`` — the table with a ``*`` on the influential rows (``digits``
        default ``max(3, getOption("digits") - 4)``)."""
        return format_infl(self.infmat.to_numpy(dtype=float), list(self.infmat.columns),
                           r_row_names(self.infmat.index), self.influential,
                           deparse(self.call), na=self._na(), digits=digits)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True):
        """What ``print()`` shows, as a table (``to_markdown()``, Jupyter's HTML)."""
        return infl_page(self.infmat.to_numpy(dtype=float), list(self.infmat.columns),
                         r_row_names(self.infmat.index), self.influential,
                         deparse(self.call), na=self._na(), digits=digits)

    def format_summary(self, digits: Optional[int] = None) -> str:
        """R: ``summary(influence.measures(fit))`` — the flagged rows only (``digits``
        default ``max(2, getOption("digits") - 5)``)."""
        rows = self.influential
        na = self._na()
        return format_infl_summary(
            self.infmat.to_numpy(dtype=float)[rows], self.flags[rows],
            list(self.infmat.columns),
            [r for r, s in zip(r_row_names(self.infmat.index), rows) if s],
            deparse(self.call), na=None if na is None else na[rows], digits=digits)


def _is_influential(infmat: pd.DataFrame, n: int) -> pd.DataFrame:
    """R's ``is.influential`` inside ``influence.measures``."""
    k = infmat.shape[1] - 4
    if n <= k:
        raise RError("too few cases i with h_ii > 0), n < k")
    m = infmat.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        flags = np.column_stack([
            np.abs(m[:, :k]) > 1,
            np.abs(m[:, k]) > 3 * np.sqrt(k / (n - k)),
            np.abs(1 - m[:, k + 1]) > (3 * k) / (n - k),
            stats.f.cdf(m[:, k + 2], k, n - k) > 0.5,
            m[:, k + 3] > (3 * k) / n,
        ])
    out = pd.DataFrame(flags, index=infmat.index, columns=infmat.columns).astype("boolean")
    return out.mask(infmat.isna())


def influence_measures(fit) -> InfluenceMeasures:
    """The table of influence measures. R: ``influence.measures(fit)``.

    Returns
    -------
    InfluenceMeasures
        ``infmat`` (dfbetas, dffit, cov.r, cook.d, hat), ``is_inf`` flags and the call;
        ``print()`` shows R's table with the ``*`` column.
    """
    infl = influence(fit, do_coef=True)
    p = fit.rank
    e = _weighted_residuals(fit)
    s = np.sqrt(np.nansum(e.to_numpy() ** 2) / fit.df_residual)
    si, h = infl.sigma, infl.hat
    dfb = infl.coefficients.to_numpy() / np.outer(si.to_numpy(), _xxi_sd(fit))
    vn = ["1_" if v == "(Intercept)" else v for v in _pivoted_names(fit)]
    cols = ["dfb." + a for a in abbreviate(vn)]
    with np.errstate(divide="ignore", invalid="ignore"):
        dffit = e * np.sqrt(h) / (si * (1.0 - h))
        cov_r = (si / s) ** (2 * p) / (1.0 - h)
        cook = (infl.pear_res / (1.0 - h)) ** 2 * h / (summary_dispersion(fit) * p)
    infmat = pd.DataFrame(dfb, index=infl.hat.index, columns=cols)
    infmat["dffit"] = dffit.to_numpy()
    infmat["cov.r"] = cov_r.to_numpy()
    infmat["cook.d"] = cook.to_numpy()
    infmat["hat"] = h.to_numpy()
    na_mask = pd.DataFrame(False, index=infmat.index, columns=infmat.columns)
    missing = e.isna().to_numpy()  # R's NA (padding), not NaN
    na_mask.loc[missing, "dffit"] = True
    na_mask.loc[infl.pear_res.isna().to_numpy(), "cook.d"] = True
    infmat = infmat.where(~np.isinf(infmat.to_numpy()), np.nan)
    is_inf = _is_influential(infmat, int(np.sum(h.to_numpy() > 0)))
    return InfluenceMeasures(infmat=infmat, is_inf=is_inf, call=fit.call, na_mask=na_mask)


# ------------------------------------------------------------------------------------
# R's abbreviate() for the dfb.* column names
# ------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiou")


def _strip_chars(name: str, minlength: int) -> str:
    """R's C ``stripchars`` (ASCII): drop lower-case vowels from word ends, then lower-case
    vowels, then lower-case letters, then anything but word starts — always from the right,
    never the first character — until ``minlength`` characters remain."""
    s = list(name)
    if len(s) < minlength:
        return name
    nspace = 0

    def at(i: int) -> str:
        return s[i] if 0 <= i < len(s) else ""

    def first_char(i: int) -> bool:
        return at(i - 1).isspace()

    def last_char(i: int) -> bool:
        return not at(i - 1).isspace() and (at(i + 1) == "" or at(i + 1).isspace())

    def done() -> bool:
        return len(s) - nspace <= minlength

    # trailing spaces end the string; inner spaces are word boundaries, removed at the end
    trailing = True
    for i in range(len(s) - 1, 0, -1):
        if s[i].isspace():
            if trailing:
                del s[i:]
            else:
                nspace += 1
        else:
            trailing = False
        if done():
            return _drop_spaces(s, minlength)

    passes = (
        lambda i: at(i) in _VOWELS and last_char(i),
        lambda i: at(i) in _VOWELS and not first_char(i),
        lambda i: at(i).islower() and last_char(i),
        lambda i: at(i).islower() and not first_char(i),
        lambda i: not first_char(i) and at(i) != "" and not at(i).isspace(),
    )
    for drop in passes:
        for i in range(len(s) - 1, 0, -1):
            if drop(i):
                del s[i]
            if done():
                return _drop_spaces(s, minlength)
    return _drop_spaces(s, minlength)


def _drop_spaces(s: list, minlength: int) -> str:
    if len(s) > minlength:
        s = [s[0]] + [c for c in s[1:] if not c.isspace()]
    return "".join(s)


def abbreviate(names, minlength: int = 4) -> list:
    """R's ``abbreviate(names, minlength = 4)`` (``use.classes = TRUE``, ``method =
    "left.kept"``): unique abbreviations, lengthened where they would clash.

    Names of ``minlength`` characters or fewer are kept; only ASCII names are supported.
    """
    names = [str(n).strip(" ") for n in names]
    if minlength <= 0:
        return [""] * len(names)
    unique = list(dict.fromkeys(names))
    out = list(unique)
    redo = [True] * len(unique)
    length = minlength
    while True:
        for i, flag in enumerate(redo):
            if flag:
                out[i] = unique[i] if len(unique[i]) <= length else \
                    _strip_chars(unique[i], length)
        seen: set = set()
        dup = []
        for v in out:
            dup.append(v in seen)
            seen.add(v)
        if not any(dup):
            break
        length += 1
        clashing = {v for v, d in zip(out, dup) if d}
        redo = [d or v in clashing for v, d in zip(out, dup)]
    lookup = dict(zip(unique, out))
    return [lookup[n] for n in names]
