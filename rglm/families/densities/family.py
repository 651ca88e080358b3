"""Stata's fmm families: the eleven densities, their links and ancillaries.

An :class:`FmmFamily` is what the mixture engine needs of a class's outcome model:
the log density in Stata's parameterisation with its first two derivatives in the
linear predictor and the ancillary, the response check, the class mean, and starting
values. :func:`fmm_family` builds one, enforcing Stata's family-link table
(fmm-behaviour.md section 1.1):

=============================================================  =========================
family                                                         links (first = default)
=============================================================  =========================
gaussian                                                       identity, log
bernoulli, beta, binomial                                      logit, probit, cloglog
poisson, nbinomial (mean, constant)                            log
exponential, gamma, lognormal, loglogistic, weibull            log
=============================================================  =========================

R: (none; the densities of Stata's ``fmm: glm``, ``help gsem_family_and_link_options``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from scipy import special

from rglm.errors import RError
from rglm.families.densities import counts, mean_scale, positive
from rglm.families.densities.links import linkfun, mean_derivatives
from rglm.families.densities.record import Derivatives, Response

__all__ = ["FmmFamily", "fmm_family", "FAMILY_LINKS", "FAMILY_NAMES"]

FAMILY_LINKS = {
    "gaussian": ("identity", "log"),
    "bernoulli": ("logit", "probit", "cloglog"),
    "beta": ("logit", "probit", "cloglog"),
    "binomial": ("logit", "probit", "cloglog"),
    "poisson": ("log",),
    "nbinomial": ("log",),
    "exponential": ("log",),
    "gamma": ("log",),
    "lognormal": ("log",),
    "loglogistic": ("log",),
    "weibull": ("log",),
}
FAMILY_NAMES = tuple(FAMILY_LINKS)

_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


@dataclass(frozen=True)
class _Spec:
    """How one family is computed (private: the table below)."""

    derivatives: Callable[..., Derivatives]
    ancillary: Optional[str]
    ancillary_class: Optional[str]
    support: str  # "real", "binary", "trials", "unit", "count", "positive"
    uses_metric: bool = False
    collapse: int = 0


_SPECS = {
    "gaussian": _Spec(mean_scale.gaussian_derivatives, "lnvar", "errvar", "real",
                      collapse=-1),
    "bernoulli": _Spec(counts.binomial_derivatives, None, None, "binary"),
    "binomial": _Spec(counts.binomial_derivatives, None, None, "trials"),
    "beta": _Spec(mean_scale.beta_derivatives, "lnphi", "scale", "unit", collapse=1),
    "poisson": _Spec(counts.poisson_derivatives, None, None, "count"),
    "nbinomial:mean": _Spec(counts.nb_mean_derivatives, "lnalpha", "scale", "count"),
    "nbinomial:constant": _Spec(counts.nb_constant_derivatives, "lndelta", "scale", "count"),
    "exponential": _Spec(positive.exponential_derivatives, None, None, "positive", True),
    "gamma": _Spec(positive.gamma_derivatives, "logs", "scale", "positive", True, -1),
    "lognormal": _Spec(positive.lognormal_derivatives, "logs", "scale", "positive", True, -1),
    "loglogistic": _Spec(positive.loglogistic_derivatives, "logs", "scale", "positive", True,
                         -1),
    "weibull": _Spec(positive.weibull_derivatives, "ln_p", "scale", "positive", True, 1),
}


@dataclass(frozen=True)
class FmmFamily:
    """One of Stata's fmm outcome models (family, link, and its options).

    Attributes
    ----------
    name : str
        Stata's family name (``"gaussian"``, ``"nbinomial"``, ``"weibull"``, ...).
    link : str
        ``"identity"``, ``"log"``, ``"logit"``, ``"probit"`` or ``"cloglog"``.
    dispersion : str or None
        ``"mean"`` (NB2) or ``"constant"`` (NB1) for ``nbinomial``.
    metric : str or None
        ``"ph"`` or ``"aft"`` for exponential and weibull.
    ancillary : str or None
        Stata's name of the ancillary parameter on its estimation scale (``"lnvar"``
        -- displayed as ``var(e)`` --, ``"lnphi"``, ``"lnalpha"``, ``"lndelta"``,
        ``"logs"``, ``"ln_p"``), None when the family has none.
    ancillary_class : str or None
        Its ``lcinvariant`` class: ``"errvar"`` (gaussian) or ``"scale"``.
    """

    name: str
    link: str
    dispersion: Optional[str] = None
    metric: Optional[str] = None
    ancillary: Optional[str] = None
    ancillary_class: Optional[str] = None

    @property
    def _spec(self) -> _Spec:
        key = f"nbinomial:{self.dispersion}" if self.name == "nbinomial" else self.name
        return _SPECS[key]

    @property
    def collapse(self) -> int:
        """The direction (-1, +1) in which the ancillary concentrates the density on a
        point -- a vanishing variance, an infinite precision or shape --, where a
        mixture's likelihood is unbounded (a class on one observation); 0 when the
        density stays bounded (the negative binomials tend to the Poisson)."""
        return self._spec.collapse

    @property
    def n_ancillary(self) -> int:
        """Number of ancillary parameters per class (0 or 1)."""
        return 0 if self.ancillary is None else 1

    # ---- the response -------------------------------------------------------------

    def prepare(self, y, trials=None) -> Response:
        """Check ``y`` against the family's support; the response record.

        Raises
        ------
        RError
            For an outcome outside the support (negative counts, ``y`` outside (0, 1)
            for beta, ``y <= 0`` for the positive families, ...).
        """
        support = self._spec.support
        y = np.array(y, dtype=np.float64).reshape(-1, 1)  # a copy: never the caller's
        if not np.isfinite(y).all():
            raise RError("NA/NaN/Inf in 'y'")
        t = None
        log_y = log_1my = None
        const = np.zeros_like(y)
        if support == "binary":
            if not np.isin(y, (0.0, 1.0)).all():
                raise RError("y values must be 0 or 1 for the bernoulli family")
            t = np.ones_like(y)
        elif support == "trials":
            if trials is None:
                raise RError("the binomial family needs the number of trials")
            t = np.broadcast_to(np.asarray(trials, dtype=np.float64).reshape(-1, 1),
                                y.shape).copy()
            if not (np.isfinite(t).all() and (t > 0).all() and (t == np.round(t)).all()):
                raise RError("binomial trials must be positive integers")
            if ((y < 0) | (y > t)).any():
                raise RError("y values must be 0 <= y <= trials for the binomial family")
            const = (special.gammaln(t + 1.0) - special.gammaln(y + 1.0)
                     - special.gammaln(t - y + 1.0))
        elif support == "unit":
            if ((y <= 0) | (y >= 1)).any():
                raise RError("y values must be 0 < y < 1 for the beta family")
            log_y, log_1my = np.log(y), np.log1p(-y)
        elif support == "count":
            if (y < 0).any():
                raise RError(f"negative values not allowed for the '{self.name}' family")
            const = -special.gammaln(y + 1.0)
        elif support == "positive":
            if (y <= 0).any():
                raise RError(f"non-positive values not allowed for the '{self.name}' family")
            log_y = np.log(y)
            if self.name in ("lognormal",):
                const = -log_y - _HALF_LOG_2PI
            elif self.name == "loglogistic":
                const = -log_y
        if self.name == "gaussian":
            const = np.full_like(y, -_HALF_LOG_2PI)
        levels = index = None
        if support == "count":
            values, inverse = np.unique(y[:, 0], return_inverse=True)
            if 4 * values.size <= y.shape[0]:
                levels, index = values.reshape(-1, 1), inverse.astype(np.intp)
        return Response(y=y, trials=t, log_y=log_y, log_1my=log_1my, constant=const,
                        levels=levels, index=index)

    # ---- the density -----------------------------------------------------------------

    def derivatives(self, resp: Response, eta, anc=None, order: int = 2) -> Derivatives:
        """``log f`` and its derivatives up to ``order`` (0, 1 or 2) at ``eta`` (n, K)
        and ``anc`` (K,): see :class:`~rglm.families.densities.record.Derivatives`."""
        spec = self._spec
        eta = np.asarray(eta, dtype=np.float64)
        anc = 0.0 if anc is None else np.asarray(anc, dtype=np.float64)
        option = self.metric if spec.uses_metric else self.link
        return spec.derivatives(resp, eta, anc, option, order)

    def logpdf(self, y, eta, anc=None, trials=None) -> np.ndarray:
        """``log f(y | eta, anc)`` (broadcast as numpy does; y must be in the support)."""
        y_arr = np.asarray(y, dtype=np.float64)
        eta_b, y_b = np.broadcast_arrays(np.asarray(eta, dtype=np.float64), y_arr)
        shape = eta_b.shape
        resp = self.prepare(y_b.reshape(-1), None if trials is None else
                            np.broadcast_to(np.asarray(trials, dtype=np.float64),
                                            shape).reshape(-1))
        anc_b = None if anc is None else np.broadcast_to(
            np.asarray(anc, dtype=np.float64), shape).reshape(-1, 1)
        out = self.derivatives(resp, eta_b.reshape(-1, 1), anc_b, order=0).logf
        return out.reshape(shape)

    def mean(self, eta, anc=None, trials=None) -> np.ndarray:
        """The class mean of the outcome at ``eta`` (Stata's ``predict mu, class()``).

        gaussian, bernoulli, beta, poisson, nbinomial: ``g^-1(eta)``; binomial:
        ``trials g^-1(eta)``; gamma: ``e^eta``; lognormal: ``e^(eta + s^2/2)``;
        loglogistic: ``e^eta Gamma(1 + s) Gamma(1 - s)`` (infinite for ``s >= 1``);
        exponential: ``e^-eta`` (ph) or ``e^eta`` (aft); weibull: ``e^(-eta/p) Gamma(1 +
        1/p)`` (ph) or ``e^eta Gamma(1 + 1/p)`` (aft).
        """
        return self.mean_derivatives(eta, anc, trials)[0]

    def mean_derivatives(self, eta, anc=None, trials=None):
        """``(mu, dmu/deta, dmu/danc)``: the class mean (:meth:`mean`) and its derivatives
        in the linear predictor and in the ancillary on its log scale (``dmu/danc`` is
        None where the mean does not depend on the ancillary): the delta method of
        Stata's ``estat lcmean``.

        Notes
        -----
        With ``s = e^anc`` (lognormal, loglogistic) and ``p = e^anc`` (weibull):
        lognormal ``dmu/danc = mu s^2``; loglogistic ``dmu/danc = mu s (psi(1 + s) -
        psi(1 - s))``; weibull ph ``dmu/deta = -mu / p``, ``dmu/danc = mu (eta - psi(1 +
        1/p)) / p``; weibull aft ``dmu/danc = -mu psi(1 + 1/p) / p`` (``psi`` the
        digamma function).
        """
        eta = np.asarray(eta, dtype=np.float64)
        a = None if anc is None else np.asarray(anc, dtype=np.float64)
        name = self.name
        if name in ("gaussian", "bernoulli", "beta", "poisson", "nbinomial", "binomial"):
            md = mean_derivatives(self.link, eta)
            mu, dmu = md.mu, md.dmu
            if name == "binomial" and trials is not None:
                t = np.asarray(trials, dtype=np.float64)
                mu, dmu = mu * t, dmu * t
            return mu, dmu, None
        if name == "gamma":
            mu = np.exp(eta)
            return mu, mu, None
        if name == "lognormal":
            s2 = np.exp(2.0 * a)
            mu = np.exp(eta + 0.5 * s2)
            return mu, mu, mu * s2
        if name == "loglogistic":
            s = np.exp(a)
            finite = s < 1.0
            # Gamma(1 - s) needs s < 1: the unused branch is evaluated at s = 0.
            s_ok = np.where(finite, s, 0.0)
            factor = np.where(finite, special.gamma(1.0 + s) * special.gamma(1.0 - s_ok),
                              np.inf)
            mu = np.exp(eta) * factor
            dlog = np.where(finite, s * (special.digamma(1.0 + s) - special.digamma(1.0 - s_ok)),
                            np.inf)
            return mu, mu, mu * dlog
        if name == "exponential":
            if self.metric == "ph":
                mu = np.exp(-eta)
                return mu, -mu, None
            mu = np.exp(eta)
            return mu, mu, None
        if name == "weibull":
            p = np.exp(a)
            psi = special.digamma(1.0 + 1.0 / p)
            if self.metric == "ph":
                mu = np.exp(-eta / p) * special.gamma(1.0 + 1.0 / p)
                return mu, -mu / p, mu * (eta - psi) / p
            mu = np.exp(eta) * special.gamma(1.0 + 1.0 / p)
            return mu, mu, -mu * psi / p
        raise AssertionError(name)

    # ---- starting values ------------------------------------------------------------------

    def start(self, resp: Response, weights) -> tuple[float, float]:
        """A one-class start from weighted moments: (intercept on the ``eta`` scale,
        ancillary). The engine refines it; it only has to be in the right region."""
        w = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
        total = float(w.sum())

        def wmean(v):
            return float((w * v).sum() / total)

        def wvar(v):
            c = wmean(v)
            return max(wmean((v - c) ** 2), 1e-12)

        y = resp.y
        m = wmean(y)
        name, link = self.name, self.link
        if name == "gaussian":
            eta0 = m if link == "identity" else np.log(max(m, 1e-8))
            return float(eta0), float(np.log(wvar(y)))
        if name in ("bernoulli", "binomial"):
            p = wmean(y / resp.trials)
            return float(linkfun(link, min(max(p, 0.05), 0.95))), 0.0
        if name == "beta":
            v = wvar(y)
            return (float(linkfun(link, m)), float(np.log(max(m * (1 - m) / v - 1.0, 1.0))))
        if name in ("poisson", "nbinomial"):
            m = max(m, 1e-3)
            if name == "poisson":
                return float(np.log(m)), 0.0
            v = wvar(y)
            if self.dispersion == "mean":
                return float(np.log(m)), float(np.log(max(v - m, 0.1 * m) / (m * m)))
            return float(np.log(m)), float(np.log(max(v / m - 1.0, 0.1)))
        ly = resp.log_y
        if name == "gamma":
            return float(np.log(m)), float(np.log(wvar(y) / (m * m)))
        if name == "lognormal":
            return wmean(ly), float(0.5 * np.log(wvar(ly)))
        if name == "loglogistic":
            return wmean(ly), float(np.log(np.sqrt(3.0 * wvar(ly)) / np.pi))
        sign = -1.0 if self.metric == "ph" else 1.0
        if name == "exponential":
            return sign * float(np.log(m)), 0.0
        if name == "weibull":
            return sign * float(np.log(m)), 0.0
        raise AssertionError(name)


def _check_choice(value, allowed, what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(f'"{a}"' for a in allowed)
        raise RError(f"'{what}' should be one of {listed}")
    return value


def fmm_family(name: str, link: Optional[str] = None, *, dispersion: Optional[str] = None,
               metric: Optional[str] = None) -> FmmFamily:
    """The fmm family ``name`` with ``link`` (default: Stata's default for the family).

    R: (none; Stata: ``fmm: glm ..., family(name [options]) link(link)``)

    Parameters
    ----------
    name : str
        One of :data:`FAMILY_NAMES`.
    link : str, optional
        A link Stata allows for the family (:data:`FAMILY_LINKS`).
    dispersion : {"mean", "constant"}, optional
        ``nbinomial`` only: NB2 (``mean``, the default) or NB1 (``constant``).
    metric : {"ph", "aft"}, optional
        ``exponential`` and ``weibull`` only: proportional hazards (default, as gsem)
        or accelerated failure time.

    Raises
    ------
    RError
        An unknown family, a link the family does not allow (R's wording: ``link
        "identity" not available for poisson family; available links are 'log'``), or
        an option the family does not take.
    """
    _check_choice(name, FAMILY_NAMES, "family")
    links = FAMILY_LINKS[name]
    if link is None:
        link = links[0]
    if link not in links:
        available = ", ".join(f"'{x}'" for x in links)
        raise RError(f'link "{link}" not available for {name} family; '
                     f"available links are {available}")
    if name == "nbinomial":
        dispersion = _check_choice("mean" if dispersion is None else dispersion,
                                   ("mean", "constant"), "dispersion")
    elif dispersion is not None:
        raise RError(f"'dispersion' is only for the nbinomial family, not {name}")
    if name in ("exponential", "weibull"):
        metric = _check_choice("ph" if metric is None else metric, ("ph", "aft"), "metric")
    elif metric is not None:
        raise RError(f"'metric' is only for the exponential and weibull families, not {name}")
    key = f"nbinomial:{dispersion}" if name == "nbinomial" else name
    spec = _SPECS[key]
    return FmmFamily(name=name, link=link, dispersion=dispersion, metric=metric,
                     ancillary=spec.ancillary, ancillary_class=spec.ancillary_class)
