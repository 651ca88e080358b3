"""Variance functions ``V(mu)`` and the ``validmu`` checks of R's families.

R: the ``variance`` and ``validmu`` elements of stats::binomial, poisson, Gamma,
inverse.gaussian, gaussian, quasi* and MASS::negative.binomial.

``validmu`` differs between families in R in whether it also demands finite values
(binomial, poisson, Gamma do; quasi variants and negative binomial do not); both forms are
kept. R would stop with "missing value where TRUE/FALSE needed" on NaN where it does not
test finiteness; here NaN simply makes the check false.
"""

from __future__ import annotations

import numpy as np

from rglm.families.elementwise import rpow

__all__ = [
    "var_constant", "var_mu_1mu", "var_mu", "var_mu2", "var_mu3", "var_negbin",
    "var_mu_power", "valid_any", "valid_unit_finite", "valid_unit",
    "valid_positive_finite", "valid_positive", "valid_nonnegative",
]


def _f(x) -> np.ndarray:
    # No copy: nothing here writes into mu, and var_mu copies explicitly.
    return np.asarray(x, dtype=np.float64)


def var_constant(mu) -> np.ndarray:
    """``V(mu) = 1`` (gaussian, quasi "constant"). R: ``rep.int(1, length(mu))``."""
    return np.ones_like(_f(mu))


def var_mu_1mu(mu) -> np.ndarray:
    """``V(mu) = mu(1 - mu)`` (binomial, quasibinomial, quasi "mu(1-mu)")."""
    mu = _f(mu)
    return mu * (1 - mu)


def var_mu(mu) -> np.ndarray:
    """``V(mu) = mu`` (poisson, quasipoisson, quasi "mu")."""
    return np.array(mu, dtype=np.float64, copy=True)  # a new array, never mu itself


def var_mu2(mu) -> np.ndarray:
    """``V(mu) = mu^2`` (Gamma, quasi "mu^2")."""
    mu = _f(mu)
    return mu * mu


def var_mu3(mu) -> np.ndarray:
    """``V(mu) = mu^3`` (inverse.gaussian, quasi "mu^3")."""
    with np.errstate(over="ignore"):
        return _f(mu) ** 3


def var_negbin(theta: float):
    """``V(mu) = mu + mu^2/theta`` for a fixed theta. R: MASS::negative.binomial."""

    def variance(mu) -> np.ndarray:
        mu = _f(mu)
        return mu + mu * mu / theta

    return variance


def var_mu_power(p: float):
    """``V(mu) = mu^p`` with R's ``^``. R: statmod::tweedie's ``variance``."""

    def variance(mu) -> np.ndarray:
        return rpow(mu, p)

    return variance


def valid_any(mu) -> bool:
    """Always true (gaussian, inverse.gaussian, quasi "constant")."""
    return True


def valid_unit_finite(mu) -> bool:
    """``all(is.finite(mu)) && all(mu > 0 & mu < 1)`` (binomial, quasibinomial)."""
    mu = _f(mu)
    return bool(np.all(np.isfinite(mu)) and np.all((mu > 0) & (mu < 1)))


def valid_unit(mu) -> bool:
    """``all(mu > 0) && all(mu < 1)`` (quasi "mu(1-mu)")."""
    mu = _f(mu)
    return bool(np.all(mu > 0) and np.all(mu < 1))


def valid_positive_finite(mu) -> bool:
    """``all(is.finite(mu)) && all(mu > 0)`` (poisson, quasipoisson, Gamma)."""
    mu = _f(mu)
    return bool(np.all(np.isfinite(mu)) and np.all(mu > 0))


def valid_positive(mu) -> bool:
    """``all(mu > 0)`` (quasi "mu", "mu^2", "mu^3"; negative binomial)."""
    return bool(np.all(_f(mu) > 0))


def valid_nonnegative(mu) -> bool:
    """``all(mu >= 0)`` (statmod's tweedie with ``var.power > 0``)."""
    return bool(np.all(_f(mu) >= 0))
