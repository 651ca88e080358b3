"""meglm's ordinal, negative binomial and gamma families: the response, the design,
the names of their own parameters.

Stata: ``meglm depvar indepvars || ..., family(ordinal) link(logit | probit | cloglog)``
(``meologit``, ``meoprobit``), ``family(nbinomial [mean | constant])`` (``menbreg``) and
``family(gamma)``.
The engine integrates both (:class:`rglm.engines.mixed.agq_response.MeglmFamily`); this
module builds their problem from the model frame:

* ordinal -- the categories are the distinct observed values in order (an ordered
  factor's or a categorical's observed levels, or the distinct numbers), coded 0..K-1;
  the design has no constant (Stata drops ``_cons``: the cutpoints ``/cut1`` ...
  ``/cut(K-1)`` take its place), as R's ``MASS::polr`` and ``ordinal::clmm``;
* nbinomial -- non-negative integer counts, log link; ``/lnalpha`` (mean dispersion,
  Var = mu (1 + alpha mu)) or ``/lndelta`` (constant dispersion, Var = mu (1 + delta));
* gamma -- a positive response, log link, Var = s mu^2 with ``/logs`` = log s (R's
  ``Gamma`` dispersion s; shape 1 / s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rglm.engines.mixed.agq_gradient import aux_count
from rglm.engines.mixed.agq_response import MeglmFamily, meglm_problem
from rglm.errors import RError

__all__ = ["AUX_FAMILIES", "aux_family", "aux_problem", "aux_names", "n_aux",
           "ordinal_categories"]

#: meglm's families with their own parameters, and their links (the first the default).
AUX_FAMILIES = {"ordinal": ("logit", "probit", "cloglog"), "nbinomial": ("log",),
                "gamma": ("log",)}

_DISPERSIONS = ("mean", "constant")


def aux_family(name: str, link: str, extra) -> MeglmFamily:
    """The engine's family record for ``family(name [extra]) link(link)``.

    ``extra`` is nbinomial's dispersion (Stata's ``family(nbinomial mean | constant)``;
    default ``mean``); the ordinal family takes none.
    """
    if name in ("ordinal", "gamma"):
        if extra is not None:
            raise RError(f"family({name} {extra}) invalid: the {name} family takes no "
                         "option")
        return MeglmFamily(name, link)
    dispersion = "mean" if extra is None else str(extra).lower()
    if dispersion not in _DISPERSIONS:
        raise RError(f"family(nbinomial {extra}) invalid: the dispersion is mean or "
                     "constant")
    return MeglmFamily("nbinomial", link, dispersion)


def aux_problem(frames, fam: MeglmFamily, offset):
    """(problem, xnames) of an ordinal or nbinomial model from glmer's frames: the
    constant dropped for ordinal (the cutpoints replace it), the response coded.

    Raises
    ------
    RError
        A response with fewer than 2 observed categories (ordinal); negative or
        non-integer counts (nbinomial); a two-column response.
    """
    X, xnames = frames.X, tuple(frames.xnames)
    y = frames.response
    if getattr(y, "ndim", 1) == 2:
        raise RError(f"a two-column response needs family binomial, not {fam.family}")
    if fam.family == "ordinal":
        keep = [j for j, nm in enumerate(xnames) if nm != "(Intercept)"]
        X, xnames = X[:, keep], tuple(xnames[j] for j in keep)
    problem = meglm_problem(X, y, frames.reterms, fam, offset=offset, xnames=xnames)
    return problem, xnames


def ordinal_categories(y) -> tuple:
    """An ordinal response's categories in order, as :func:`.meglm_problem` codes them
    (0..K-1): an ordered factor's or a categorical's observed levels, or the distinct
    numbers (whole numbers as ints). Stata: the outcomes of ``predict p*, pr``."""
    if isinstance(y, pd.Series) and isinstance(y.dtype, pd.CategoricalDtype):
        y = y.array
    if isinstance(y, pd.Categorical):
        codes = np.unique(np.asarray(y.codes))
        return tuple(y.categories[codes[codes >= 0]])
    values = np.unique(np.asarray(y, dtype=np.float64))
    values = values[np.isfinite(values)]
    if np.all(values == np.round(values)):
        return tuple(int(v) for v in values)
    return tuple(float(v) for v in values)


def aux_names(fam, naux: int) -> tuple:
    """Stata's names of the family's ``naux`` own parameters: ``/cut1`` ...
    ``/cut(K-1)`` (ordinal), ``/lnalpha`` or ``/lndelta`` (nbinomial); () for R's
    families."""
    if not isinstance(fam, MeglmFamily):
        return ()
    if fam.family == "nbinomial":
        return ("/lnalpha",) if fam.dispersion == "mean" else ("/lndelta",)
    if fam.family == "gamma":
        return ("/logs",)
    return tuple(f"/cut{k}" for k in range(1, naux + 1))


#: The number of the family's own parameters (K - 1 cutpoints, one log dispersion or
#: log scale, or none): the engine's count, which the frozen rules size their aux by.
n_aux = aux_count
