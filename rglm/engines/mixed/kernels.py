"""The family's functions PIRLS calls, specialised to one problem's response.

PIRLS evaluates linkinv, mu_eta, the variance and the unit deviances a few thousand
times on the same y and prior weights. For the two hot pairs, binomial-logit and
poisson-log, the positions where y = 0 (and 1 - y = 0) are found once and R's formulas
are applied with the operations in R's (and rglm.families') order, so the results are
the same floating-point numbers (tests/engines check them); other families go through
the :class:`~rglm.families.Family` itself.

R: ``binomial()$linkinv`` (C ``logit_linkinv``: exp(eta) clamped at |eta| > 30 to
eps/1/eps), ``mu.eta`` (eps outside |eta| <= 30), ``C_binomial_dev_resids``;
``poisson()$linkinv`` = ``pmax(exp(eta), .Machine$double.eps)`` and its ``dev.resids``.
"""

from __future__ import annotations

import numpy as np

from .problem import MixedProblem

__all__ = ["kernel_for"]

_EPS = np.finfo(np.float64).eps
_INVEPS = 1.0 / _EPS
_THRESH = 30.0


class _FamilyKernel:
    """The family's own functions (any family)."""

    def __init__(self, problem: MixedProblem):
        self.fam = problem.family
        self.y = problem.y
        self.w = problem.weights

    def linkinv(self, eta):
        return self.fam.linkinv(eta)

    def mu_eta(self, eta):
        return self.fam.mu_eta(eta)

    def variance(self, mu):
        return self.fam.variance(mu)

    def dev_resids(self, mu):
        return self.fam.dev_resids(self.y, mu, self.w)


class _BinomialLogit(_FamilyKernel):
    def __init__(self, problem: MixedProblem):
        super().__init__(problem)
        y = self.y
        self._pos = np.flatnonzero(y != 0)
        self._neg = np.flatnonzero(1 - y != 0)
        self._y_pos = y[self._pos]
        self._1my_neg = (1 - y)[self._neg]
        self._2w = 2 * self.w
        # 0/1 responses: y log(y/mu) + (1-y) log((1-y)/(1-mu)) is log(1/mu) or
        # log(1/(1-mu)) -- the same operations on the same numbers (y = 1 and 1 - y = 1
        # multiply exactly, the other term is R's exact 0), without gathers and scatters.
        self._binary = bool(np.all((y == 0) | (y == 1)))
        self._is_one = y == 1

    def linkinv(self, eta):
        with np.errstate(over="ignore"):
            tmp = np.exp(eta)
        np.copyto(tmp, _EPS, where=eta < -_THRESH)
        np.copyto(tmp, _INVEPS, where=eta > _THRESH)
        return np.divide(tmp, 1 + tmp, out=tmp)

    def mu_eta(self, eta):
        with np.errstate(over="ignore", invalid="ignore"):
            ex = np.exp(eta)
            opexp = 1 + ex
            np.multiply(opexp, opexp, out=opexp)
            val = np.divide(ex, opexp, out=ex)
        np.copyto(val, _EPS, where=(eta > _THRESH) | (eta < -_THRESH))
        return val

    def variance(self, mu):
        return mu * (1 - mu)

    def dev_resids(self, mu):
        if self._binary:
            t = np.subtract(1, mu)
            np.copyto(t, mu, where=self._is_one)
            np.divide(1.0, t, out=t)
            np.log(t, out=t)
            t *= self._2w
            return t
        out = np.zeros(len(mu))
        a = np.divide(self._y_pos, mu[self._pos])
        np.log(a, out=a)
        a *= self._y_pos
        out[self._pos] = a
        b = np.divide(self._1my_neg, (1 - mu)[self._neg])
        np.log(b, out=b)
        b *= self._1my_neg
        out[self._neg] += b
        out *= self._2w
        return out


class _PoissonLog(_FamilyKernel):
    def __init__(self, problem: MixedProblem):
        super().__init__(problem)
        self._zero = np.flatnonzero(~(self.y > 0))

    def linkinv(self, eta):
        return np.maximum(np.exp(eta), _EPS)

    def mu_eta(self, eta):
        return np.maximum(np.exp(eta), _EPS)

    def variance(self, mu):
        return mu

    def dev_resids(self, mu):
        y, w = self.y, self.w
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.divide(y, mu)
            np.log(out, out=out)
            out *= y
            out -= y - mu
            out *= w
        z = self._zero
        out[z] = mu[z] * w[z]
        out *= 2
        return out


def kernel_for(problem: MixedProblem):
    """The fastest exact implementation of the problem's family functions."""
    fam = problem.family
    if fam.family == "binomial" and fam.link == "logit":
        return _BinomialLogit(problem)
    if fam.family == "poisson" and fam.link == "log":
        return _PoissonLog(problem)
    return _FamilyKernel(problem)
