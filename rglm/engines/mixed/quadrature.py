"""Gauss-Hermite rules for the standard normal density.

R: ``lme4::GHrule(ord)``: columns ``z`` (nodes), ``w`` (weights, summing to 1) and
``ldnorm`` (``dnorm(z, log = TRUE)``), so that ``sum(w f(z))`` approximates
``E f(Z)``, Z ~ N(0, 1).

lme4 1.1-31 stores a precomputed table whose middle node of an odd rule is ~4e-17, not
0; lme4 >= 2.0-6 symmetrises the rule. The nodes here are numpy's Golub-Welsch rule
(``hermgauss``) rescaled, symmetrised, with an exact 0 middle node; the difference in
the AGQ objective is at the level of rounding (1e-16 relative).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.polynomial.hermite import hermgauss

from rglm.errors import RError

__all__ = ["gh_rule"]


@functools.cache
def gh_rule(order: int) -> tuple:
    """(z, w, ldnorm) of the ``order``-point rule, nodes increasing (read-only arrays).

    R: ``lme4::GHrule(order)`` (1 <= order <= 100).
    """
    if not 1 <= order <= 100:
        raise RError("'ord' must be between 1 and 100")
    x, w = hermgauss(order)
    z = np.sqrt(2.0) * x
    z = (z - z[::-1]) / 2.0  # symmetric, as lme4 >= 2.0-6
    w = w / np.sqrt(np.pi)
    w = (w + w[::-1]) / 2.0
    if order % 2:
        z[order // 2] = 0.0
    ldnorm = -0.5 * z * z - 0.5 * np.log(2.0 * np.pi)
    for a in (z, w, ldnorm):
        a.setflags(write=False)
    return z, w, ldnorm
