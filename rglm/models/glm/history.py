"""The IRLS iterations of a fit as a table: ``fit.history`` / ``rglm.irls_history(fit)``.

R has no equivalent: ``glm(..., control = glm.control(trace = TRUE))`` prints each
iteration's deviance and keeps nothing. The numbers are the loop's own record
(:class:`rglm.engines.irls.history.IrlsHistory`), collected while fitting; this module
only names them.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.engines.irls.history import IrlsHistory

__all__ = ["history_frame", "irls_history_glm", "HISTORY_COLUMNS", "WEIGHT_COLUMNS"]

#: The columns before the coefficients.
HISTORY_COLUMNS = ("deviance", "criterion", "halvings")
#: The working weights' summary (absent for a chunked fit, whose weights stay in the blocks).
WEIGHT_COLUMNS = ("weights.min", "weights.median", "weights.max")


def history_frame(history: Optional[IrlsHistory], xnames) -> pd.DataFrame:
    """One row per IRLS iteration, indexed by ``iter`` (1, 2, ...).

    Columns: ``deviance`` (accepted at the iteration, after any step-halving: R's last
    trace line of the iteration), ``criterion`` (``|dev - devold| / (|dev| + 0.1)``,
    compared by R with ``epsilon``), ``halvings`` (step-halvings at the iteration),
    ``weights.min``, ``weights.median``, ``weights.max`` (the working weights of the
    iteration's least-squares step, over the rows it used; not for a chunked fit), then
    one column per coefficient, named as R names it (the coefficients after the
    iteration: R's ``coef(glm(..., control = glm.control(maxit = iter)))``; NaN where
    aliased). The frame is new: changing it changes nothing in the fit.
    """
    if history is None:
        raise RError("this fit has no record of its iterations")
    columns = {"deviance": history.deviance.copy(), "criterion": history.criterion.copy(),
               "halvings": history.halvings.copy()}
    if history.weights is not None:
        for j, name in enumerate(WEIGHT_COLUMNS):
            columns[name] = history.weights[:, j].copy()
    out = pd.DataFrame(columns, index=pd.Index(history.iteration.copy(), name="iter"))
    names = list(xnames) if xnames is not None else \
        [str(j + 1) for j in range(history.coefficients.shape[1])]
    coef = pd.DataFrame(np.array(history.coefficients), index=out.index, columns=names)
    # pd.concat keeps a coefficient column whose name repeats one above (a variable
    # called "deviance"): both are there, the coefficient's last
    return pd.concat([out, coef], axis=1)


def irls_history_glm(fit) -> pd.DataFrame:
    """The IRLS iterations of a glm or glm.nb fit (glm.nb: its last ``glm.fit``, the one
    at the previous theta whose result the fit reports, as MASS's ``fit$iter`` counts)."""
    return history_frame(fit.fit.history, fit.fit.xnames)
