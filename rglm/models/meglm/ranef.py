"""``ranef()`` of a meglm fit: the random effects' empirical Bayes predictions.

R: ``lme4::ranef(fit, condVar = TRUE)`` (its shape: per grouping factor a data frame,
rows the levels, columns the effects, the conditional variances kept per factor as
``"postVar"``); Stata: ``predict, reffects`` (``ebmeans``, the default after the
adaptive and non-adaptive quadratures, or ``ebmodes``) with ``reses()`` (their standard
errors: posterior standard deviations). The numbers are :mod:`.posterior`'s; after a
weighted fit (``weights=``, ``level_weights=``) they are the pseudo-likelihood's
posterior (observation weights on log f, inner groups' weights as powers of their
integrals in the outer posterior).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from rglm.errors import RError
from rglm.models.meglm.posterior import posterior
from rglm.models.mixed.ranef import Ranef, ranef_of

__all__ = ["ranef_meglm", "EB_TYPES"]

#: Stata's ``predict, reffects`` statistics
EB_TYPES = ("ebmeans", "ebmodes")


def ranef_meglm(fit, condVar: bool = True, type: str = "ebmeans",
                intpoints: Optional[int] = None) -> Ranef:
    """The random effects of each grouping factor. R: ``ranef(fit, condVar = TRUE)``;
    Stata: ``predict re*, reffects [ebmodes] reses(se*) [intpoints(#)]``.

    Parameters
    ----------
    fit : MeglmFit
    condVar : bool
        Keep the posterior covariances (R's ``"postVar"``; ``.as_data_frame()``'s
        ``condsd`` column is Stata's ``reses``).
    type : {"ebmeans", "ebmodes"}
        Posterior means (Stata's default) or posterior modes (lme4's conditional
        modes: equal to ``glmer``'s ``ranef`` at the same parameters).
    intpoints : int, optional
        Quadrature points per effect for the posterior means (Stata's ``intpoints()``
        of ``predict``); the fit's by default.

    Returns
    -------
    Ranef
        lme4's shape: ``r["herd"]`` a DataFrame (rows the levels, columns the
        effects); ``cond_var_of("herd")`` the posterior covariance blocks.
    """
    if type not in EB_TYPES:
        raise RError("'arg' should be one of " + ", ".join(f"\u201c{t}\u201d"
                                                         for t in EB_TYPES))
    post = posterior(fit, type, intpoints)
    reterms = fit.lik.problem.reterms
    b = np.concatenate([bj.ravel() for bj in post.b])
    return ranef_of(reterms, b, tuple(post.cov) if condVar else None)
