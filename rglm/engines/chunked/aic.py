"""A family's ``aic`` computed from sums over blocks of rows.

R: the ``aic(y, n, mu, wt, dev)`` element of each family, which ``glm.fit`` calls once
on all observations. Streamed data are never all in memory, so each family's aic is
split into sums that blocks contribute independently, finished once the totals (and the
deviance) are known:

* gaussian: ``N (log(2 pi dev/N) + 1) + 2 - sum(log wt)``: sums ``N``, ``sum(log wt)``;
* inverse.gaussian: ``W (1 + log(2 pi dev/W)) + 3 sum(log(y) wt) + 2``: sums ``W``,
  ``sum(log(y) wt)``;
* binomial: ``-2 sum(wt/m dbinom(round(m y), round(m), mu, log))`` where ``m`` is the
  trial totals ``n`` if any exceeds 1 *anywhere in the data*, else ``wt``: both sums and
  a count of ``n > 1`` are kept, the choice is made at the end;
* Gamma: ``dgamma`` needs the dispersion ``dev / sum(wt)`` *before* the sum, so its aic
  takes one more pass once the fit is done (:func:`gamma_aic_part`);
* poisson and negative binomial: plain sums, computed by the family's own ``aic``;
* quasi families: NA.

Conventions: a block's parts are a 1-D float array (added up over blocks); ``n`` is the
``n`` of the family's initialize.
"""

from __future__ import annotations

import numpy as np

from rglm.families.distributions import log_dbinom, log_dgamma

__all__ = ["aic_kind", "aic_parts", "aic_finish", "gamma_aic_part", "gamma_aic_finish"]

_QUASI = ("quasi", "quasibinomial", "quasipoisson")


def aic_kind(family) -> str:
    """How the family's aic is split: ``"gaussian"``, ``"inverse.gaussian"``,
    ``"binomial"``, ``"Gamma"``, ``"quasi"`` (NA) or ``"additive"`` (a plain sum)."""
    name = family.family
    if name in _QUASI:
        return "quasi"
    if name in ("gaussian", "inverse.gaussian", "binomial", "Gamma"):
        return name
    return "additive"


def aic_parts(family, y: np.ndarray, n: np.ndarray, mu: np.ndarray,
              wt: np.ndarray) -> np.ndarray:
    """This block's contribution to the sums the family's aic is made of."""
    kind = aic_kind(family)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "gaussian":
            return np.array([y.shape[0], np.sum(np.log(wt))])
        if kind == "inverse.gaussian":
            return np.array([np.sum(wt), np.sum(np.log(y) * wt)])
        if kind == "binomial":
            return np.array([_binomial_sum(y, n, mu, wt, n),
                             _binomial_sum(y, n, mu, wt, wt), np.sum(n > 1)])
        if kind == "Gamma":
            return np.array([np.sum(wt)])
        if kind == "quasi":
            return np.zeros(0)
        # poisson, negative binomial: -2 loglik is a sum over observations; dev is unused.
        return np.array([family.aic(y, n, mu, wt, np.nan)])


def _binomial_sum(y, n, mu, wt, m) -> float:
    """``-2 sum(wt/m dbinom(round(m y), round(m), mu, log = TRUE))`` (0 where m == 0)."""
    factor = np.where(m > 0, wt / np.where(m > 0, m, 1.0), 0.0)
    return float(-2 * np.sum(factor * log_dbinom(np.round(m * y), np.round(m), mu)))


def aic_finish(family, parts: np.ndarray, dev: float) -> float:
    """The family's aic (without ``2 * rank``) from the summed parts and the deviance.

    Returns NaN for Gamma, whose aic needs :func:`gamma_aic_finish` after one more pass.
    """
    kind = aic_kind(family)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "gaussian":
            nobs, sum_log_wt = parts
            return float(nobs * (np.log(dev / nobs * 2 * np.pi) + 1) + 2 - sum_log_wt)
        if kind == "inverse.gaussian":
            swt, sum_log_y = parts
            return float(swt * (1 + np.log(dev / swt * 2 * np.pi)) + 3 * sum_log_y + 2)
        if kind == "binomial":
            by_n, by_wt, n_above_one = parts
            return float(by_n if n_above_one > 0 else by_wt)
        if kind == "additive":
            return float(parts[0])
    return float("nan")


def gamma_aic_part(y: np.ndarray, mu: np.ndarray, wt: np.ndarray, disp: float) -> float:
    """One block's ``sum(dgamma(y, 1/disp, scale = mu disp, log = TRUE) * wt)``.

    R: the Gamma family's aic, with ``disp = dev / sum(wt)`` over all observations.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(log_dgamma(y, 1 / disp, mu * disp) * wt))


def gamma_aic_finish(total: float) -> float:
    """The Gamma aic (without ``2 * rank``) from the summed :func:`gamma_aic_part`."""
    return -2 * total + 2
