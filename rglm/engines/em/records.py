"""The frozen record a mixture fit returns: :class:`MixtureFitRecord`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rglm.engines.em.constraints import FreeMap
from rglm.engines.em.layout import Layout
from rglm.engines.em.problem import MixtureProblem

__all__ = ["StartRecord", "MixtureFitRecord"]


@dataclass(frozen=True)
class StartRecord:
    """One start's history.

    Attributes
    ----------
    draw : int
        The draw's number (1-based).
    em_loglik : float
        The log likelihood after the EM iterations (NaN if the start failed).
    em_iterations : int
    loglik : float
        After the direct maximisation, for the starts that went on to it (NaN for the
        others).
    status : str
        ``"ok"`` or why the start failed (e.g. an empty class).
    """

    draw: int
    em_loglik: float
    em_iterations: int
    loglik: float
    status: str = "ok"


@dataclass(frozen=True)
class MixtureFitRecord:
    """A fitted K-class mixture (arrays read-only).

    Attributes
    ----------
    problem : MixtureProblem
    layout : Layout
        Parameter names and positions (``layout.names``).
    free : FreeMap
        The constraints as a reparameterisation; ``free.n_free`` is Stata's ``e(rank)``.
    theta : ndarray (P,)
        Estimates in the canonical class order (module
        :mod:`~rglm.engines.em.order`) unless the fit asked to keep the fitted one.
    loglik : float
    converged : bool
        Whether the gradient norm fell below the tolerance: a False here is for the
        front end to warn about, with ``gradient_norm``.
    gradient_norm : float
        2-norm of the gradient of the free parameters at ``theta``.
    iterations, em_iterations : int
        Newton iterations of the direct maximisation; EM iterations of the start it
        began from.
    vce : str
        The variance estimator used (``oim``, ``opg``, ``robust``, ``cluster``).
    vcov : ndarray (P, P)
    hessian : ndarray (P, P)
        Of the log likelihood in ``theta`` (OIM = the inverse of its negative on the
        free parameters).
    nobs : float
        Stata's ``e(N)``.
    n_clusters : int or None
    prior, posterior, eta : ndarray (n, K)
        Prior class probabilities ``pi_ik``, posteriors ``tau_ik``, linear predictors.
    class_prob, class_prob_se : ndarray (K,)
        Marginal class probabilities (weighted mean of ``pi_ik``: Stata's ``estat
        lcprob``) and their delta-method standard errors under ``vcov``.
    starts : tuple of StartRecord
        Every start's log likelihoods.
    order : tuple of int
        The relabelling applied to the fitted classes (0-based: reported class ``j``
        is fitted class ``order[j]``).
    notes : tuple of str
        What the front end may want to say (reseeded empty classes, classes left in
        fitted order, a singular information matrix).
    """

    problem: MixtureProblem
    layout: Layout
    free: FreeMap
    theta: np.ndarray
    loglik: float
    converged: bool
    gradient_norm: float
    iterations: int
    em_iterations: int
    vce: str
    vcov: np.ndarray
    hessian: np.ndarray
    nobs: float
    n_clusters: object
    prior: np.ndarray
    posterior: np.ndarray
    eta: np.ndarray
    class_prob: np.ndarray
    class_prob_se: np.ndarray
    starts: tuple
    order: tuple
    notes: tuple

    @property
    def k(self) -> int:
        return self.layout.k

    @property
    def names(self) -> tuple[str, ...]:
        return self.layout.names

    @property
    def rank(self) -> int:
        """Stata's ``e(rank)``: the number of free parameters."""
        return self.free.n_free

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))

    @property
    def ancillary(self):
        """Each class's ancillary on its log scale (None if the family has none)."""
        return self.layout.unpack(self.theta)[2]

    def __post_init__(self):
        for name in ("theta", "vcov", "hessian", "prior", "posterior", "eta", "class_prob",
                     "class_prob_se"):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
