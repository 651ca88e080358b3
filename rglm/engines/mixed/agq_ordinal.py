"""An ordinal response's conditional log density under a cumulative link, at many
linear predictors at once.

R: ``MASS::polr(method = "logistic" | "probit" | "cloglog")`` and ``ordinal::clmm``'s
conditional model; Stata: ``meglm``'s ``family(ordinal)`` with ``link(logit | probit |
cloglog)``.

Parameterisation (Stata's and polr's): with K categories coded 0..K-1 and cutpoints
kappa_1 < ... < kappa_{K-1} (Stata's ``/cut1``..., polr's ``zeta``),

    P(y <= k | eta) = F(kappa_{k+1} - eta),   P(y = k) = F(a_k) - F(b_k),

a_k = kappa_{k+1} - eta, b_k = kappa_k - eta, kappa_0 = -inf, kappa_K = +inf; eta has no
intercept.  F is the logistic, normal or 1 - exp(-exp(x)) (polr's cloglog) CDF.

Conventions: as :mod:`.agq_response` -- ``eta`` of shape (..., n), results the same
shape, prior weights multiplying each row's log probability (frequency weights).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.errors import RError

__all__ = ["CUMULATIVE_LINKS", "OrdinalLik", "ordinal_codes"]

CUMULATIVE_LINKS = ("logit", "probit", "cloglog")


def _logistic_tail(x, upper):
    return special.log_expit(np.where(upper, -x, x))


def _logistic_density(x):
    return special.log_expit(x) + special.log_expit(-x), -np.tanh(0.5 * x)


def _normal_tail(x, upper):
    return special.log_ndtr(np.where(upper, -x, x))


def _normal_density(x):
    return -0.5 * x * x - 0.5 * np.log(2.0 * np.pi), -x


def _cloglog_tail(x, upper):
    ex = np.exp(x)
    with np.errstate(divide="ignore"):  # F underflows to 0 only below x = -745
        return np.where(upper, -ex, np.log(-np.expm1(-ex)))


def _cloglog_density(x):
    ex = np.exp(x)
    return x - ex, 1.0 - ex


#: link -> (x, upper) |-> log(1 - F(x)) where upper, log F(x) elsewhere: tails on the
#: log scale, so that probabilities far out (the engine's outer quadrature nodes,
#: cloglog's upper tail exp(-exp(x))) neither underflow nor cancel.
_TAILS = {"logit": _logistic_tail, "probit": _normal_tail, "cloglog": _cloglog_tail}
#: link -> x |-> (log F'(x), F''(x) / F'(x))
_DENSITIES = {"logit": _logistic_density, "probit": _normal_density,
              "cloglog": _cloglog_density}


def _log1mexp(d):
    """log(1 - exp(d)) for d <= 0 (Maechler's split at -log 2)."""
    with np.errstate(divide="ignore"):
        return np.where(d > -np.log(2.0), np.log(-np.expm1(d)), np.log1p(-np.exp(d)))


def ordinal_codes(y, ncat: int) -> np.ndarray:
    """Category codes 0..ncat-1 as integers (Stata's ordinal outcome: at least two
    categories)."""
    y = np.asarray(y, dtype=np.float64)
    if ncat < 2:
        raise RError("an ordinal response needs at least 2 categories")
    if not np.all(np.isfinite(y)) or np.any(y != np.round(y)) or np.any(y < 0) \
            or np.any(y >= ncat):
        raise RError(f"an ordinal response must be category codes 0, ..., {ncat - 1}")
    return y.astype(np.int64)


class OrdinalLik:
    """log P(y_i | eta_i) of each row for given cutpoints, its derivatives in eta and
    the cutpoints.

    Parameters
    ----------
    y : array (n,)
        Category codes 0..K-1.
    weights : array (n,)
        Prior (frequency) weights.
    link : {"logit", "probit", "cloglog"}
    cutpoints : array (K - 1,)
        Strictly increasing.

    Attributes
    ----------
    constant : float
        0: every term of the log likelihood depends on eta (the engine's interface).
    """

    constant = 0.0

    def __init__(self, y, weights, link: str, cutpoints):
        if link not in _TAILS:
            raise RError(f"link {link!r} not available for the ordinal family; "
                         f"available links are {', '.join(map(repr, CUMULATIVE_LINKS))}")
        cut = np.asarray(cutpoints, dtype=np.float64)
        if cut.ndim != 1 or cut.size < 1 or not np.all(np.isfinite(cut)):
            raise RError("the ordinal family needs finite cutpoints")
        if np.any(np.diff(cut) <= 0):
            raise RError("cutpoints must be increasing")
        self.link = link
        self.cutpoints = cut
        self.y = ordinal_codes(y, cut.size + 1)
        self.w = np.asarray(weights, dtype=np.float64)
        self._top = self.y == cut.size          # no upper cutpoint: F(a) = 1
        self._bottom = self.y == 0              # no lower cutpoint: F(b) = 0
        # Placeholders (0) where a cutpoint is infinite; their terms are replaced.
        ext = np.concatenate([[0.0], cut, [0.0]])
        self._hi = ext[self.y + 1]
        self._lo = ext[self.y]

    def _logp(self, eta):
        """(log P, a, b)."""
        top, bottom = self._top, self._bottom
        a, b = self._hi - eta, self._lo - eta
        # P = F(a) - F(b) = S(b) - S(a): factor out the larger term of the side where
        # the interval lies (always the tail for the end categories); overflow and
        # inf - inf arise only at eta beyond +-700 (trial points of a line search),
        # whose -inf / nan make the caller step back.
        upper = np.where(top, True, np.where(bottom, False, a + b > 0))
        tail = _TAILS[self.link]
        with np.errstate(over="ignore", invalid="ignore"):
            big = tail(np.where(upper, b, a), upper)
            small = np.where(top | bottom, -np.inf, tail(np.where(upper, a, b), upper))
            return big + _log1mexp(small - big), a, b

    def _terms(self, eta):
        """(log P, F'(a) / P, F''(a) / F'(a), F'(b) / P, F''(b) / F'(b)), the ends'
        terms set to 0."""
        top, bottom = self._top, self._bottom
        logP, a, b = self._logp(eta)
        density = _DENSITIES[self.link]
        with np.errstate(over="ignore", invalid="ignore"):
            logfa, dla = density(a)
            logfb, dlb = density(b)
            ra = np.where(top, 0.0, np.exp(logfa - logP))
            rb = np.where(bottom, 0.0, np.exp(logfb - logP))
        return logP, ra, np.where(top, 0.0, dla), rb, np.where(bottom, 0.0, dlb)

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """w_i log P(y_i | eta_i) (shape of ``eta``)."""
        return self.w * self._logp(eta)[0]

    def score_weight(self, eta: np.ndarray) -> tuple:
        """(d log f / d eta, -d^2 log f / d eta^2), weights included.

        The curvature is the observed one: the logistic, normal and cloglog CDFs are
        log-concave, so the ordinal log likelihood is concave in eta (Pratt 1981) and
        the weight is >= 0 (clipped there against rounding).
        """
        _, ra, dla, rb, dlb = self._terms(eta)
        d1 = ra - rb
        curv = d1 * d1 - (ra * dla - rb * dlb)
        return self.w * -d1, self.w * np.maximum(curv, 0.0)

    def aux_scores(self, eta: np.ndarray) -> np.ndarray:
        """d log f_i / d kappa_j per row (weights included): shape eta.shape + (K - 1,).

        A row of category k depends on kappa_{k+1} (through a, +F'(a) / P) and on
        kappa_k (through b, -F'(b) / P) only; the frozen quadrature rule's gradient
        (:mod:`.agq_gradient`) averages these over its nodes.
        """
        _, ra, _, rb, _ = self._terms(eta)
        cols = np.arange(self.cutpoints.size)
        up = (self.y[:, None] == cols) & ~self._top[:, None]            # (n, K - 1)
        down = (self.y[:, None] - 1 == cols) & ~self._bottom[:, None]
        return (self.w * ra)[..., None] * up - (self.w * rb)[..., None] * down

    def cut_score(self, eta: np.ndarray) -> np.ndarray:
        """d log L / d kappa_j summed over rows (eta of shape (n,)): (K - 1,)."""
        _, ra, _, rb, _ = self._terms(eta)
        K1 = self.cutpoints.size
        up = np.bincount(np.minimum(self.y, K1 - 1), self.w * ra, minlength=K1)
        down = np.bincount(np.maximum(self.y - 1, 0), self.w * rb, minlength=K1)
        return up - down
