"""The analysis-of-deviance table object and the tests appended to it.

R: an object of class ``c("anova", "data.frame")`` with a ``heading`` attribute, as
returned by ``anova.glm``, ``drop1.glm``, ``add1.glm``; ``stats:::stat.anova`` appends the
test columns. Computation only: :mod:`rglm.render.anova` prints it, from the table's
numbers and the heading strings it builds.

Conventions: a column is a pair ``(values, na)`` of float arrays and an NA mask. R tells
NA (printed blank) from NaN (printed ``NaN``, e.g. a test on an undefined dispersion);
the DataFrame holds NaN for both and :attr:`AnovaTable.nan_mask` marks the true NaNs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from rglm.errors import RError, rwarn
from rglm.render.anova import format_anova
from rglm.render.display import HeadedTable

__all__ = ["AnovaTable", "Column", "make_anova", "column", "na_column", "columns_of",
           "match_arg", "safe_pchisq", "safe_pf", "pchisq_upper", "stat_anova", "squote", "exact_zero",
           "deviance_magnitude", "EXACT_ZERO_RATIO", "TESTS", "resolve_test", "apply_test"]

Column = tuple  # (name, values: ndarray, na: ndarray of bool)

#: A test statistic that is the difference of two quantities of size ``M`` (two deviances,
#: two values of 2 x log-likelihood, the total and residual sums of squares of Rao's score
#: regression) and lies within ``EXACT_ZERO_RATIO * M`` of zero is zero in exact
#: arithmetic: what is left is rounding noise (Dobson's ``treatment`` adds nothing, and its
#: Rao statistic comes out as +8.9e-16 or -8.9e-16 depending on the BLAS kernel). The
#: ratio lies far above the rounding of a deviance summed over a million observations
#: (~n x 2.2e-16) and far below any difference a test could detect.
EXACT_ZERO_RATIO = 1e-10


@dataclass(frozen=True, eq=False, repr=False)
class AnovaTable(HeadedTable):
    """An analysis-of-deviance table. R: class ``c("anova", "data.frame")``.

    ``print()`` gives R's ``print.anova`` text; ``to_markdown()`` / ``to_html()`` the
    table.

    Attributes
    ----------
    table : pandas.DataFrame
        R's columns (``Df``, ``Deviance``, ``Resid. Df``, ``Resid. Dev``, ``Rao``,
        ``Pr(>Chi)``, ``F``, ``Pr(>F)``, ``Cp``, ``AIC``, ``LRT``, ``F value``, ...) and row
        names (``NULL`` + term labels, ``1``, ``2``, ..., or ``<none>`` + terms); NaN
        where R has NA (or NaN).
    heading : tuple of str
        R's ``heading`` attribute, printed with ``cat(heading, sep = "\\n")``.
    nan_mask : numpy.ndarray of bool, optional
        Cells that are R's NaN rather than NA (they print ``NaN``).
    """

    table: pd.DataFrame
    heading: tuple = ()
    nan_mask: Optional[np.ndarray] = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.Series:
        """A column, as R's ``x$Deviance`` / ``x[["Pr(>Chi)"]]``."""
        return self.table[name]

    @property
    def na_mask(self) -> np.ndarray:
        """Cells that are R's NA (NaN in :attr:`table` and not R's NaN)."""
        nan = np.isnan(self.table.to_numpy(dtype=float))
        return nan if self.nan_mask is None else nan & ~self.nan_mask

    def format(self, digits: Optional[int] = None,
               signif_stars: Optional[bool] = None) -> str:
        """The text of R's ``print.anova(x, digits = max(getOption("digits") - 2, 3),
        signif.stars = getOption("show.signif.stars"))`` (see :func:`rglm.options`)."""
        return format_anova(self.table.to_numpy(dtype=float), list(self.table.index),
                            list(self.table.columns), self.heading, na=self.na_mask,
                            digits=digits, signif_stars=signif_stars)


def column(name: str, values, na=None) -> Column:
    """A column; NaN values are NA unless ``na`` is given."""
    v = np.asarray(values, dtype=float).copy()
    mask = np.isnan(v) if na is None else np.asarray(na, dtype=bool).copy()
    return (name, v, mask)


def na_column(name: str, first_na_values) -> Column:
    """A column whose first cell is NA (R's ``c(NA, ...)``)."""
    v = np.concatenate([[np.nan], np.asarray(first_na_values, dtype=float)])
    na = np.concatenate([[True], np.isnan(np.asarray(first_na_values, dtype=float))])
    return (name, v, na)


def make_anova(columns: Sequence[Column], rownames: Sequence[str],
               heading: Sequence[str] = ()) -> AnovaTable:
    """Assemble an :class:`AnovaTable` from columns ``(name, values, na)``."""
    names = [c[0] for c in columns]
    values = np.column_stack([c[1] for c in columns]) if columns else \
        np.empty((len(rownames), 0))
    na = np.column_stack([c[2] for c in columns]) if columns else \
        np.zeros((len(rownames), 0), dtype=bool)
    table = pd.DataFrame(values, index=pd.Index([str(r) for r in rownames]), columns=names)
    nan_mask = np.isnan(values) & ~na
    return AnovaTable(table=table, heading=tuple(heading),
                 nan_mask=nan_mask if nan_mask.any() else None)


def columns_of(a: AnovaTable) -> list:
    """The columns ``(name, values, na)`` of an :class:`AnovaTable`."""
    na = a.na_mask
    x = a.table.to_numpy(dtype=float)
    return [(name, x[:, j].copy(), na[:, j].copy()) for j, name in enumerate(a.table.columns)]


def squote(text: str) -> str:
    """R's ``sQuote()`` in a UTF-8 locale."""
    return f"\u2018{text}\u2019"


def _dquote_list(choices: Sequence[str]) -> str:
    return ", ".join(f"\u201c{c}\u201d" for c in choices)


def match_arg(arg: Any, choices: Sequence[str]) -> str:
    """R's ``match.arg(arg, choices)``: an exact or unique partial match.

    Raises
    ------
    RError
        ``'arg' must be NULL or a character vector`` / ``'arg' should be one of “a”, “b”``.
    """
    if arg is None:
        return choices[0]
    if not isinstance(arg, str):
        raise RError("'arg' must be NULL or a character vector")
    if arg in choices:
        return arg
    partial = [c for c in choices if arg and c.startswith(arg)]
    if len(partial) == 1:
        return partial[0]
    chs = [c for c in dict.fromkeys(choices) if c]
    if len(chs) == 1:
        raise RError(f"'arg' should be {_dquote_list(chs)}")
    raise RError(f"'arg' should be one of {_dquote_list(chs)}")


def exact_zero(stat, magnitude) -> np.ndarray:
    """Which statistics are zero in exact arithmetic (see :data:`EXACT_ZERO_RATIO`).

    Parameters
    ----------
    stat : array_like
        The statistics, each a difference of two quantities.
    magnitude : array_like
        For each, the larger magnitude of the two quantities (NaN: unknown, never zero).

    Returns
    -------
    numpy.ndarray of bool
        ``|stat| <= EXACT_ZERO_RATIO * |magnitude|``.

    Notes
    -----
    R has no such rule: ``stat.anova`` turns a negative statistic into NA, so R's own
    p-value for a statistic that is zero in exact arithmetic is 1 or NA depending on the
    sign of the rounding on the machine at hand. rglm gives every such statistic R's
    answer for the exact value, 0: the p-value 1.
    """
    stat = np.asarray(stat, dtype=float)
    magnitude = np.abs(np.asarray(magnitude, dtype=float))
    with np.errstate(invalid="ignore"):
        return np.abs(stat) <= EXACT_ZERO_RATIO * magnitude


def _log_upper_gamma(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``log Q(a, z)``, the regularised upper incomplete gamma function, for ``z`` far in
    the tail, by its asymptotic series ``Gamma(a, z) ~ z^(a-1) e^-z sum_k (a-1)...(a-k) /
    z^k``, summed up to its smallest term."""
    total = np.ones_like(z)
    term = np.ones_like(z)
    active = np.ones(z.shape, dtype=bool)
    for k in range(1, 200):
        nxt = term * (a - k) / z
        active &= np.abs(nxt) < np.abs(term)
        if not active.any():
            break
        term = np.where(active, nxt, term)
        total = total + np.where(active, nxt, 0.0)
        active &= np.abs(nxt) > 1e-17 * np.abs(total)
    return (a - 1) * np.log(z) - z + np.log(total) - special.gammaln(a)


def pchisq_upper(q, df) -> np.ndarray:
    """Upper chi-squared tail probabilities, down to the smallest subnormal double.

    R: ``pchisq(q, df, lower.tail = FALSE)``. scipy's tail underflows to 0 below the
    smallest normal double (~2.2e-308), where R's still returns subnormal numbers (a
    likelihood-ratio statistic of 1429 on 1 df has p = 9.1e-313); those are taken from
    the asymptotic series of the log tail.
    """
    q = np.asarray(q, dtype=float)
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        out = np.asarray(stats.chi2.sf(q, df), dtype=float)
        tail = (out == 0) & np.isfinite(q) & (q > 0) & (df > 0)
        if tail.any():
            a, z = np.broadcast_arrays(df / 2, q / 2)
            out = np.array(out, copy=True)
            out[tail] = np.exp(_log_upper_gamma(a[tail], z[tail]))
    return out


def safe_pchisq(q: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Upper chi-squared tail; NA for ``df <= 0``. R: ``stats:::safe_pchisq(lower.tail = FALSE)``."""
    q = np.asarray(q, dtype=float)
    df = np.asarray(df, dtype=float)
    return pchisq_upper(q, np.where(df > 0, df, np.nan))


def safe_pf(q: np.ndarray, df1: np.ndarray, df2) -> np.ndarray:
    """Upper F tail; NA for ``df1 <= 0``; ``df2 = Inf`` is the chi-squared limit.

    R: ``stats:::safe_pf(q, df1, df2, lower.tail = FALSE)``.
    """
    q = np.asarray(q, dtype=float)
    df1 = np.where(np.asarray(df1, dtype=float) > 0, np.asarray(df1, dtype=float), np.nan)
    df2 = np.broadcast_to(np.asarray(df2, dtype=float), q.shape)
    with np.errstate(invalid="ignore"):
        chisq = stats.chi2.sf(q * df1, df1)
        f = stats.f.sf(q, df1, np.where(np.isinf(df2), 1.0, df2))
    return np.where(np.isinf(df2), chisq, f).astype(float)


def deviance_magnitude(resid_dev) -> np.ndarray:
    """Per row of an analysis-of-deviance table, the larger of the two residual deviances
    whose difference its ``Deviance`` is (the row's and the previous row's): the
    ``magnitude`` of :func:`exact_zero`."""
    rdev = np.abs(np.asarray(resid_dev, dtype=float))
    return np.fmax(rdev, np.concatenate([[np.nan], rdev[:-1]]))


def stat_anova(columns: list, test: str, scale: float, df_scale: float, n: int,
               magnitude: Optional[np.ndarray] = None) -> list:
    """Append a test to the table's columns. R: ``stats:::stat.anova``.

    ``"Chisq"``/``"LRT"``/``"Rao"``: ``Pr(>Chi)`` from ``Deviance`` (or ``Rao``) divided by
    ``scale``, NA where ``Df == 0`` or the statistic is negative. ``"F"``: ``F`` =
    ``(Deviance/Df)/scale`` and ``Pr(>F)`` on ``(|Df|, df_scale)``. ``"Cp"``:
    ``Resid. Dev + 2 * scale * (n - Resid. Df)``.

    A statistic that is zero in exact arithmetic (:func:`exact_zero`) is tested as 0
    whatever the sign of its rounding noise: ``Pr = 1`` (``F = 0``), where R gives NA
    when the noise happens to be negative. ``magnitude``, per row, is the size of the two
    quantities whose difference the statistic is; by default, for ``Deviance``, the larger
    of the row's and the previous row's ``Resid. Dev`` (needed for ``"Rao"``).
    """
    test = match_arg(test, ("Rao", "LRT", "Chisq", "F", "Cp"))
    by_name = {c[0]: c for c in columns}
    if test == "Cp":
        _, rdev, rdev_na = by_name["Resid. Dev"]
        _, rdf, rdf_na = by_name["Resid. Df"]
        return columns + [("Cp", rdev + 2 * scale * (n - rdf), rdev_na | rdf_na)]
    stat_name = "Rao" if test == "Rao" else "Deviance"
    if stat_name not in by_name:
        raise RError("undefined columns selected")
    _, dfs, dfs_na = by_name["Df"]
    _, dev, dev_na = by_name[stat_name]
    zero_df = (dfs == 0) & ~dfs_na
    na = dev_na | dfs_na | zero_df
    with np.errstate(invalid="ignore", divide="ignore"):
        if test == "F":
            value = (dev / dfs) / scale
        else:
            value = dev / scale * np.sign(dfs)
    value = np.where(zero_df, np.nan, value)
    if magnitude is None:
        magnitude = deviance_magnitude(by_name["Resid. Dev"][1]) if "Resid. Dev" in by_name \
            else np.full(len(dev), np.nan)
    value = np.where(exact_zero(dev, magnitude) & ~np.isnan(value), 0.0, value)
    negative = ~np.isnan(value) & (value < 0)
    na = na | negative
    value = np.where(negative, np.nan, value)
    if test == "F":
        p = safe_pf(value, np.abs(dfs), df_scale)
        return columns + [("F", value, na.copy()), ("Pr(>F)", p, na.copy())]
    p = safe_pchisq(value, np.abs(dfs))
    return columns + [("Pr(>Chi)", p, na.copy())]


#: The tests ``anova()`` of glm fits accepts (R's ``stat.anova``), in ``match.arg``'s order.
TESTS = ("Rao", "LRT", "Chisq", "F", "Cp")


def resolve_test(test: Any) -> Any:
    """Check ``test`` as R's ``anova.glm`` and ``stat.anova`` do.

    Returns None (choose by the family), False (no test) or the test's full name (a
    unique abbreviation is accepted, as R's ``match.arg``).

    Raises
    ------
    RError
        R's ``match.arg`` errors; ``undefined columns selected`` for an abbreviated
        ``"Rao"`` (R computes the scores only for ``test == "Rao"`` exactly).
    """
    if test is None or test is False:
        return test
    name = match_arg(test, TESTS)
    if name == "Rao" and test != "Rao":
        raise RError("undefined columns selected")
    return name


def _default_test(family, dispersion: Optional[float]) -> Any:
    """R >= 4.4: Chisq with a given dispersion, else F (estimated) or Chisq (fixed); none
    for a family without a ``dispersion`` element."""
    if dispersion is not None:
        return "Chisq"
    fam_disp = getattr(family, "dispersion", None)
    if fam_disp is None:
        return False
    return "F" if np.isnan(fam_disp) else "Chisq"


def _warn_f_fixed(family) -> None:
    name = family.family
    if name in ("binomial", "poisson"):
        rwarn(f"using F test with a '{name}' family is inappropriate")
    else:
        rwarn("using F test with a fixed dispersion is inappropriate")


def apply_test(columns: list, test: Any, family, dispersion: Optional[float],
               estimate: Callable[[], float], df_residual: float, df_estimated: float,
               n: int, magnitude: Optional[np.ndarray] = None) -> list:
    """Choose the test, the dispersion and its degrees of freedom, then ``stat.anova``.

    R >= 4.4: ``anova.glm`` and ``anova.glmlist`` (r-glm-behaviour.md sections 7.3, 7.5),
    written once for every model kind with glm's dispersion rules.

    Parameters
    ----------
    columns : list of Column
    test : None, False or a name from :func:`resolve_test`
        None chooses by ``family``'s ``dispersion`` element.
    family : Family
        The family of the model the test is made against (the "big" model).
    dispersion : float or None
        The user's dispersion; None: ``estimate()``, called only when a test is made.
    estimate : callable
        The summary's dispersion of that model (R: ``summary(object)$dispersion``).
    df_residual : float
        Its residual degrees of freedom: the dispersion's df when the family estimates
        it.
    df_estimated : float
        The dispersion's df for a family without a ``dispersion`` element whose
        dispersion is not 1 (one model: its residual df; several: the smallest).
    n : int
        Observations, for ``"Cp"``.
    magnitude : ndarray, optional
        For ``"Rao"``: see :func:`stat_anova`.

    Returns
    -------
    list of Column
        ``columns``, with the test's columns appended (unchanged without a test, or for
        an F test on 0 df, which R drops silently).
    """
    if test is None:
        test = _default_test(family, dispersion)
    if test is False:
        return columns
    if dispersion is None:
        dispersion = estimate()
    fam_disp = getattr(family, "dispersion", None)
    if fam_disp is None:
        df_disp = np.inf if dispersion == 1 else df_estimated
    else:
        df_disp = df_residual if np.isnan(fam_disp) else np.inf
    if test == "F" and df_disp == 0:
        return columns
    if test == "F" and np.isinf(df_disp):
        _warn_f_fixed(family)
    return stat_anova(columns, test, float(dispersion), df_disp, n,
                      magnitude if test == "Rao" else None)
