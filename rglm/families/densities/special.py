"""Special functions the densities need that scipy computes slowly.

scipy's ``polygamma(1, x)`` goes through the Hurwitz zeta function and costs ~1 us per
value, a hundred times its ``digamma``; the negative binomial, gamma and beta densities
evaluate it for every row and class at every Newton step.
"""

from __future__ import annotations

import numpy as np

__all__ = ["trigamma"]

# Below this, the recurrence psi'(x) = psi'(x + 1) + 1/x^2 moves x up first; from it,
# the asymptotic series below is exact to ~1e-16 relative.
_SHIFT_TO = 10.0
# B_2k for k = 8, 7, ..., 1 (Horner's order)
_BERNOULLI = (-3617.0 / 510.0, 7.0 / 6.0, -691.0 / 2730.0, 5.0 / 66.0, -1.0 / 30.0,
              1.0 / 42.0, -1.0 / 30.0, 1.0 / 6.0)


def trigamma(x) -> np.ndarray:
    """``psi'(x)``, the derivative of the digamma function, for ``x > 0``.

    Notes
    -----
    ``psi'(x) = sum_{j<J} 1/(x+j)^2 + psi'(z)`` with ``z = x + J >= 15``, and for large
    ``z``: ``psi'(z) ~ 1/z + 1/(2z^2) + sum_k B_2k / z^(2k+1)`` with the Bernoulli
    numbers ``B_2..B_12 = 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730`` (Abramowitz and
    Stegun 6.4.12); the first omitted term is ``7/(6 z^15) < 3e-18``.
    """
    x = np.asarray(x, dtype=np.float64)
    z = np.array(x, dtype=np.float64, copy=True).reshape(-1)
    acc = np.zeros_like(z)
    low = np.flatnonzero(z < _SHIFT_TO)
    if low.size:
        zl = z[low]
        add = np.zeros_like(zl)
        for _ in range(int(_SHIFT_TO)):
            under = zl < _SHIFT_TO
            if not under.any():
                break
            add += np.where(under, 1.0 / (zl * zl), 0.0)
            zl = np.where(under, zl + 1.0, zl)
        z[low] = zl
        acc[low] = add
    inv = 1.0 / z
    inv2 = inv * inv
    tail = 0.0
    for coef in _BERNOULLI:
        tail = coef + inv2 * tail
    series = inv + 0.5 * inv2 + inv * inv2 * tail
    return (acc + series).reshape(x.shape)
