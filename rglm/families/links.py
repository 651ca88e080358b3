"""Link functions: R's ``make.link()`` and ``power()``.

A link maps the mean ``mu`` to the linear predictor ``eta = g(mu)``. Each link carries
``g`` (``linkfun``), its inverse (``linkinv``), the derivative ``dmu/deta`` (``mu_eta``)
and a validity check on ``eta`` (``valideta``). The clamps below are R's: they keep the
IRLS weights finite near the boundary of the parameter space and change fits there, so
they are reproduced exactly (thresholds, ``eps`` floors, operation order).

Conventions: inputs are anything ``numpy.asarray(x, dtype=float64)`` accepts; outputs are
new float64 arrays (never views of the input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy import special

from rglm.errors import RError
from rglm.render.rformat import format_number

__all__ = ["Link", "make_link", "power", "LINK_NAMES"]

EPS = float(np.finfo(np.float64).eps)  # R: .Machine$double.eps
# logit thresholds are literal constants in R's C code (family.c).
_LOGIT_THRESH = 30.0
_INVEPS = 1.0 / EPS
# -qnorm(eps) and -qcauchy(eps) as R computes them (Rscript, sprintf %.17g).
_PROBIT_THRESH = 8.125890664701906
_CAUCHIT_THRESH = 1433540284805664.8
_M_1_SQRT_2PI = 0.398942280401432677939946059934
# sqrt(-2 log(2) (DBL_MIN_EXP + 1 - DBL_MANT_DIG)): where R's dnorm underflows to 0.
_DNORM_ZERO = float(np.sqrt(-2 * np.log(2) * (-1021 + 1 - 53)))


@dataclass(frozen=True)
class Link:
    """A GLM link function (R class ``"link-glm"``).

    R: stats::make.link

    Attributes
    ----------
    name : str
        R's link name, e.g. ``"logit"``, ``"1/mu^2"``, ``"mu^0.333"``.
    linkfun : callable
        ``eta = g(mu)``.
    linkinv : callable
        ``mu = g^{-1}(eta)`` (with R's clamps).
    mu_eta : callable
        ``dmu/deta`` as a function of ``eta`` (with R's floors).
    valideta : callable
        ``valideta(eta) -> bool``: whether ``eta`` is inside the link's domain.
    lambda_ : float or None
        The exponent for links made by :func:`power` (used to deparse ``power(λ)``).
    """

    name: str
    # Links compare by name (and exponent): power(1/3) == power(1/3) although each call
    # makes new closures.
    linkfun: Callable[[np.ndarray], np.ndarray] = field(compare=False)
    linkinv: Callable[[np.ndarray], np.ndarray] = field(compare=False)
    mu_eta: Callable[[np.ndarray], np.ndarray] = field(compare=False)
    valideta: Callable[[np.ndarray], bool] = field(compare=False)
    lambda_: Optional[float] = None

    def __repr__(self) -> str:
        return f"Link({self.name!r})"


def _f(x) -> np.ndarray:
    # No copy: no link function writes into its argument, and each returns a new array.
    return np.asarray(x, dtype=np.float64)


def _floor_eps(values):
    """``pmax(values, .Machine$double.eps)``, in place: ``values`` is a new result."""
    if isinstance(values, np.ndarray):  # a 0-d argument gives a numpy scalar instead
        return np.maximum(values, EPS, out=values)
    return np.maximum(values, EPS)


def _always_valid(eta) -> bool:
    return True


def _positive_finite(eta) -> bool:
    eta = _f(eta)
    return bool(np.all(np.isfinite(eta)) and np.all(eta > 0))


def _nonzero_finite(eta) -> bool:
    eta = _f(eta)
    return bool(np.all(np.isfinite(eta)) and np.all(eta != 0))


# ---- logit (R's C code: log(x/(1-x)), thresholds +-30, eps and 1/eps) -------------------

def _logit_linkfun(mu):
    mu = _f(mu)
    bad = (mu < 0) | (mu > 1)
    if np.any(bad):
        raise RError("Value %g out of range (0, 1)" % mu[bad].flat[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(mu / (1 - mu))


def _logit_linkinv(eta):
    eta = _f(eta)
    if eta.ndim == 0:
        return _logit_linkinv(eta.reshape(1))[0]
    with np.errstate(over="ignore"):
        tmp = np.exp(eta)
    np.copyto(tmp, EPS, where=eta < -_LOGIT_THRESH)
    np.copyto(tmp, _INVEPS, where=eta > _LOGIT_THRESH)
    return np.divide(tmp, 1 + tmp, out=tmp)


def _logit_mu_eta(eta):
    eta = _f(eta)
    if eta.ndim == 0:
        return _logit_mu_eta(eta.reshape(1)).reshape(())
    with np.errstate(over="ignore", invalid="ignore"):
        ex = np.exp(eta)
        opexp = 1 + ex
        np.multiply(opexp, opexp, out=opexp)
        val = np.divide(ex, opexp, out=ex)
    np.copyto(val, EPS, where=(eta > _LOGIT_THRESH) | (eta < -_LOGIT_THRESH))
    return val


# ---- probit ------------------------------------------------------------------------------

def _probit_linkfun(mu):
    with np.errstate(invalid="ignore"):
        return special.ndtri(_f(mu))


def _probit_linkinv(eta):
    return special.ndtr(np.clip(_f(eta), -_PROBIT_THRESH, _PROBIT_THRESH))


def _dnorm(x):
    # R's dnorm: beyond |x| = 5 the square is split (x = x1 + x2, x1 with 16 fraction bits)
    # so that exp(-x^2/2) keeps full relative accuracy in the tail; 0 beyond ~38.6.
    x = np.abs(x)
    with np.errstate(over="ignore", invalid="ignore"):
        x1 = np.ldexp(np.round(np.ldexp(x, 16)), -16)
        x2 = x - x1
        tail = _M_1_SQRT_2PI / (np.exp(0.5 * x1 * x1) * np.exp((0.5 * x2 + x1) * x2))
        out = np.where(x < 5, _M_1_SQRT_2PI * np.exp(-0.5 * x * x), tail)
    return np.where(x > _DNORM_ZERO, 0.0, out)


def _probit_mu_eta(eta):
    # R floors the density but does not clamp eta here.
    return np.maximum(_dnorm(_f(eta)), EPS)


# ---- cauchit (R's qcauchy/pcauchy formulas, accurate in both tails) -----------------------

def _cauchit_linkfun(mu):
    p = _f(mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = -1.0 / np.tan(np.pi * p)
        upper = 1.0 / np.tan(np.pi * (1.0 - p))
        out = np.where(p > 0.5, upper, lower)
    out = np.where(p == 0.5, 0.0, out)
    out = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, out))
    return np.where((p < 0) | (p > 1), np.nan, out)


def _cauchit_linkinv(eta):
    x = np.clip(_f(eta), -_CAUCHIT_THRESH, _CAUCHIT_THRESH)
    with np.errstate(divide="ignore"):
        y = np.arctan(1.0 / x) / np.pi
    tails = np.where(x > 0, 0.5 - y + 0.5, -y)
    return np.where(np.abs(x) > 1, tails, 0.5 + np.arctan(x) / np.pi)


def _cauchit_mu_eta(eta):
    eta = _f(eta)
    return np.maximum(1.0 / (np.pi * (1.0 + eta * eta)), EPS)


# ---- cloglog -----------------------------------------------------------------------------

def _cloglog_linkfun(mu):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(-np.log(1 - _f(mu)))


def _cloglog_linkinv(eta):
    with np.errstate(over="ignore"):
        val = -np.expm1(-np.exp(_f(eta)))
    return np.maximum(np.minimum(val, 1 - EPS), EPS)


def _cloglog_mu_eta(eta):
    eta = np.minimum(_f(eta), 700.0)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.maximum(np.exp(eta) * np.exp(-np.exp(eta)), EPS)


# ---- identity, log, sqrt, 1/mu^2, inverse --------------------------------------------------

def _identity(x):
    return np.array(x, dtype=np.float64, copy=True)  # a new array, as from every link


def _ones(eta):
    return np.ones_like(_f(eta))


def _log_linkfun(mu):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(_f(mu))


def _exp_floor(eta):
    with np.errstate(over="ignore"):
        return _floor_eps(np.exp(_f(eta)))


def _sqrt_linkfun(mu):
    with np.errstate(invalid="ignore"):
        return np.sqrt(_f(mu))


def _square(eta):
    eta = _f(eta)
    return eta * eta


def _twice(eta):
    return 2 * _f(eta)


def _inv_sq_linkfun(mu):
    mu = _f(mu)
    with np.errstate(divide="ignore", over="ignore"):
        return 1 / (mu * mu)


def _inv_sq_linkinv(eta):
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 / np.sqrt(_f(eta))


def _inv_sq_mu_eta(eta):
    with np.errstate(divide="ignore", invalid="ignore"):
        return -1 / (2 * _f(eta) ** 1.5)


def _reciprocal(x):
    with np.errstate(divide="ignore"):
        return 1 / _f(x)


def _inverse_mu_eta(eta):
    eta = _f(eta)
    with np.errstate(divide="ignore", over="ignore"):
        return -1 / (eta * eta)


_LINKS = {
    "logit": (_logit_linkfun, _logit_linkinv, _logit_mu_eta, _always_valid),
    "probit": (_probit_linkfun, _probit_linkinv, _probit_mu_eta, _always_valid),
    "cauchit": (_cauchit_linkfun, _cauchit_linkinv, _cauchit_mu_eta, _always_valid),
    "cloglog": (_cloglog_linkfun, _cloglog_linkinv, _cloglog_mu_eta, _always_valid),
    "identity": (_identity, _identity, _ones, _always_valid),
    "log": (_log_linkfun, _exp_floor, _exp_floor, _always_valid),
    "sqrt": (_sqrt_linkfun, _square, _twice, _positive_finite),
    "1/mu^2": (_inv_sq_linkfun, _inv_sq_linkinv, _inv_sq_mu_eta, _positive_finite),
    "inverse": (_reciprocal, _reciprocal, _inverse_mu_eta, _nonzero_finite),
}

#: Every name :func:`make_link` accepts, in R's ``switch`` order.
LINK_NAMES = tuple(_LINKS)


def make_link(link: str) -> Link:
    """Create a link from its name.

    R: stats::make.link

    Parameters
    ----------
    link : str
        One of ``"logit"``, ``"probit"``, ``"cauchit"``, ``"cloglog"``, ``"identity"``,
        ``"log"``, ``"sqrt"``, ``"1/mu^2"``, ``"inverse"``.

    Returns
    -------
    Link

    Raises
    ------
    RError
        ``‘xxx’ link not recognised`` for any other name.
    """
    if not isinstance(link, str) or link not in _LINKS:
        raise RError(f"\u2018{link}\u2019 link not recognised")
    return Link(link, *_LINKS[link])


def _power_link(lambda_: float) -> Link:
    inv = 1 / lambda_

    def linkfun(mu):
        mu = _f(mu)
        with np.errstate(divide="ignore", invalid="ignore"):
            return mu * mu if lambda_ == 2.0 else mu ** lambda_

    def linkinv(eta):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.maximum(_f(eta) ** inv, EPS)

    def mu_eta(eta):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.maximum(inv * _f(eta) ** (inv - 1), EPS)

    # R: paste0("mu^", round(lambda, 3)); paste uses as.character (15 significant digits).
    name = "mu^" + format_number(np.round(lambda_, 3), digits=15)
    return Link(name, linkfun, linkinv, mu_eta, _positive_finite, lambda_)


def power(lambda_: float = 1.0) -> Link:
    """Create the power link ``eta = mu^lambda``.

    R: stats::power

    Parameters
    ----------
    lambda_ : float
        The exponent. ``lambda_ <= 0`` gives the log link and ``lambda_ == 1`` the
        identity link, as in R.

    Returns
    -------
    Link
        Named ``"mu^<round(lambda, 3)>"`` otherwise (``power(1/3).name == "mu^0.333"``).

    Raises
    ------
    RError
        ``invalid argument 'lambda'`` for a non-numeric or NA exponent.
    """
    if isinstance(lambda_, bool) or not isinstance(lambda_, (int, float, np.number)):
        raise RError("invalid argument 'lambda'")
    lam = float(lambda_)
    if np.isnan(lam):
        raise RError("invalid argument 'lambda'")
    if lam <= 0:
        base = make_link("log")
    elif lam == 1:
        base = make_link("identity")
    else:
        return _power_link(lam)
    return Link(base.name, base.linkfun, base.linkinv, base.mu_eta, base.valideta, lam)
