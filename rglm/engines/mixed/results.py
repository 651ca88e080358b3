"""The frozen records a mixed-model fit returns.

R: the slots of lme4's ``merMod`` that the front end needs: ``getME(, "theta" | "beta"
| "u" | "b")``, ``devcomp``, ``optinfo`` (with ``derivs`` and ``conv``), ``vcov`` (both
kinds), ``ranef(condVar = TRUE)``'s conditional variances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Optional

import numpy as np

from .checks import ConvResult

__all__ = ["DevComp", "OptInfo", "MixedFit"]


@dataclass(frozen=True)
class DevComp:
    """R: ``getME(fit, "devcomp")$cmp`` (NaN where lme4 has none).

    Attributes
    ----------
    ldL2, ldRX2 : float
        log |L|^2 and log |R_X|^2.
    wrss : float
        Weighted residual sum of squares (Pearson for a GLMM).
    ussq : float
        |u|^2.
    pwrss : float
        wrss + ussq.
    drsum : float
        Sum of the unit deviances (GLMM; lme4's ``deviance()``).
    dev : float
        The objective at the optimum (-2 log L; lmer ML).
    REML : float
        The REML criterion (lmer REML fits).
    sigmaML, sigmaREML : float
    """

    ldL2: float
    ldRX2: float
    wrss: float
    ussq: float
    pwrss: float
    drsum: float
    dev: float
    REML: float
    sigmaML: float
    sigmaREML: float


@dataclass(frozen=True)
class OptInfo:
    """R: ``fit@optinfo``.

    Attributes
    ----------
    optimizer : tuple of str
        lme4's optimiser names from the control (as printed).
    method : str
        What rglm used (``"L-BFGS-B + Newton"``).
    feval : int
        Objective evaluations of the last stage (derivatives excluded).
    feval_total : int
        All evaluations, stages, derivatives and the final one included.
    conv_opt : int
        The optimiser's code (0 OK).
    message : str
    warnings : tuple of str
        Optimiser warnings.
    conv : ConvResult
        lme4's checks (``optinfo$conv$lme4``).
    gradient, hessian : numpy.ndarray or None
        ``optinfo$derivs`` (over (theta, beta) for nAGQ >= 1, theta for lmer).
    stage1_theta : numpy.ndarray or None
        glmer's stage-1 (nAGQ = 0) theta.
    polish_steps : int
        Newton steps taken after L-BFGS-B.
    """

    optimizer: tuple
    method: str
    feval: int
    feval_total: int
    conv_opt: int
    message: str
    warnings: tuple
    conv: ConvResult
    gradient: Optional[np.ndarray] = field(default=None, repr=False)
    hessian: Optional[np.ndarray] = field(default=None, repr=False)
    stage1_theta: Optional[np.ndarray] = field(default=None, repr=False)
    polish_steps: int = 0


@dataclass(frozen=True)
class MixedFit:
    """A fitted mixed model (engine level: numbers, no names beyond X's and theta's).

    Attributes
    ----------
    kind : str
        ``"glmer"`` or ``"lmer"``.
    nAGQ : int
        glmer's nAGQ (1 for lmer).
    REML : bool
    theta, beta, u, b : numpy.ndarray
        The estimates (``b = Lambda u``, R: ``getME(, "b")``).
    deviance : float
        The objective at the optimum: -2 log L (GLMM, lmer ML; AGQ on lme4's scale) or
        the REML criterion.
    devcomp : DevComp
    sigma : float
        R: ``sigma(fit)`` (1 for binomial/poisson glmer).
    use_sc : bool
        Whether the model has a scale parameter (lme4's ``useSc``).
    eta, mu : numpy.ndarray
        Linear predictor and fitted values (with the random effects).
    vcov : numpy.ndarray
        R: ``vcov(fit)``: Hessian-based for glmer with nAGQ >= 1 when derivatives were
        computed and the result is positive definite, else RX-based.
    vcov_rx : numpy.ndarray
        R: ``vcov(fit, use.hessian = FALSE)`` (``sigma^2 (R_X'R_X)^-1``).
    vcov_method : str
        ``"Hessian"`` or ``"RX"``.
    vcov_warnings : tuple of str
        lme4's texts when the Hessian-based vcov fell back to RX.
    cond_var_fn : callable
        No arguments; computes :attr:`cond_var` (from the problem and the final state,
        refactoring A: picklable, unlike some factors).
    RX : numpy.ndarray
        Upper-triangular R_X at the final state.
    singular : bool
        R: ``isSingular(fit)``.
    optinfo : OptInfo
    xnames, theta_names : tuple of str
    lower : numpy.ndarray
        Lower bounds of theta.
    """

    kind: str
    nAGQ: int
    REML: bool
    theta: np.ndarray
    beta: np.ndarray
    u: np.ndarray = field(repr=False)
    b: np.ndarray = field(repr=False)
    deviance: float
    devcomp: DevComp
    sigma: float
    use_sc: bool
    eta: np.ndarray = field(repr=False)
    mu: np.ndarray = field(repr=False)
    vcov: np.ndarray = field(repr=False)
    vcov_rx: np.ndarray = field(repr=False)
    vcov_method: str
    vcov_warnings: tuple
    cond_var_fn: Callable[[], tuple] = field(repr=False, compare=False)
    RX: np.ndarray = field(repr=False)
    singular: bool
    optinfo: OptInfo
    xnames: tuple
    theta_names: tuple
    lower: np.ndarray = field(repr=False)

    @cached_property
    def cond_var(self) -> tuple:
        """Per term, the (l_k, p_k, p_k) conditional variances of b (R: the ``postVar``
        attribute of ``ranef(fit, condVar = TRUE)``, per term). Computed on first use:
        like lme4, which computes them in ``ranef()``, a fit does not pay for them (a
        dense q2 x q1 triangular solve for crossed factors: 0.5 s at 1e4 x 1e3 levels).
        """
        return self.cond_var_fn()

    @property
    def loglik(self) -> float:
        """-deviance/2 (for an lmer REML fit, the REML log-likelihood)."""
        return -self.deviance / 2.0

    @property
    def se(self) -> np.ndarray:
        """Standard errors of beta (from ``vcov``)."""
        return np.sqrt(np.diag(self.vcov))
