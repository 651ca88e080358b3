"""glm.fit's warnings once the IRLS loop is over, in R's words and order.

R: ``stats::glm.fit`` right after its loop (not for the empty model). Written once for the
in-memory and the chunked fit: a chunked fit counts the extreme fitted values block by
block (:func:`extreme_fits` on each block's means, summed) and warns from the count.
"""

from __future__ import annotations

import numpy as np

from rglm.errors import rwarn

__all__ = ["extreme_fits", "warn_after_loop"]

#: R's ``10 * .Machine$double.eps``: how close to 0 (or 1) a fitted value must come to be
#: "numerically" 0 (or 1).
EPS10 = 10 * np.finfo(float).eps


def extreme_fits(family, mu: np.ndarray) -> int:
    """How many fitted values glm.fit warns about.

    Probabilities within ``10 eps`` of 0 or 1 (binomial), rates below ``10 eps``
    (poisson); 0 for every other family (quasi families included, as in R, which tests
    ``family$family``).
    """
    if family.family == "binomial":
        # No mean is both: two counts, one boolean temporary at a time.
        return int(np.count_nonzero(mu > 1 - EPS10)) + int(np.count_nonzero(mu < EPS10))
    if family.family == "poisson":
        return int(np.count_nonzero(mu < EPS10))
    return 0


def warn_after_loop(converged: bool, boundary: bool, family, n_extreme: int) -> None:
    """R's warnings after the IRLS loop, in R's order.

    Parameters
    ----------
    converged, boundary : bool
        The loop's ``conv`` and ``boundary``.
    family : Family
    n_extreme : int
        :func:`extreme_fits` of the final fitted values (summed over blocks).
    """
    if not converged:
        rwarn("glm.fit: algorithm did not converge")
    if boundary:
        rwarn("glm.fit: algorithm stopped at boundary value")
    if n_extreme > 0:
        if family.family == "binomial":
            rwarn("glm.fit: fitted probabilities numerically 0 or 1 occurred")
        elif family.family == "poisson":
            rwarn("glm.fit: fitted rates numerically 0 occurred")
