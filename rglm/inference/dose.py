"""Doses for given probabilities from a fitted dose-response model. R: ``MASS::dose.p``.

For a model whose linear predictor is ``b0 + b1 x`` (in the coefficients ``cf``), the dose
at which the response probability is ``p`` is ``x_p = (g(p) - b0) / b1`` with ``g`` the
family's link; its standard error is the delta method's, ``sqrt(d' V d)`` with
``d = -(1, x_p) / b1`` and ``V`` the covariance of ``(b0, b1)``. Written once against
the generics (``family``, ``coef``, ``vcov``), as MASS's function is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.generics import coef, family, vcov
from rglm.render.display import Tabled
from rglm.render.mass import dose_names, format_glm_dose, glm_dose_page

__all__ = ["dose_p", "GlmDose"]


@dataclass(frozen=True, eq=False, repr=False)
class GlmDose(Tabled):
    """R's ``dose.p`` value (class ``"glm.dose"``): the doses named ``p = 0.25:`` ...,
    with attributes ``SE`` and ``p``. ``print()`` gives ``print.glm.dose``'s matrix.

    Attributes
    ----------
    dose : pandas.Series
        The doses ``x_p``, named as R names them.
    SE : pandas.Series
        Their standard errors (R's ``attr(, "SE")``, a one-column matrix), same names.
    p : numpy.ndarray
        The probabilities (R's ``attr(, "p")``).
    """

    dose: pd.Series
    SE: pd.Series
    p: np.ndarray

    def __len__(self) -> int:
        return len(self.dose)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.dose.to_numpy(), dtype=dtype)

    def to_frame(self) -> pd.DataFrame:
        """The matrix R prints: columns ``Dose`` and ``SE`` by name."""
        return pd.DataFrame({"Dose": self.dose, "SE": self.SE})

    def format(self, digits: Optional[int] = None, width: Optional[int] = None) -> str:
        """The text of MASS's ``print.glm.dose`` (None: the current ``rglm.options``)."""
        return format_glm_dose(self.dose.to_numpy(), self.SE.to_numpy(),
                               list(self.dose.index), digits=digits, width=width)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True):
        """What ``print()`` shows, as a table (``to_markdown()``, Jupyter's HTML)."""
        return glm_dose_page(self.dose.to_numpy(), self.SE.to_numpy(),
                             list(self.dose.index), digits=digits)


def _positions(cf: Sequence[Union[int, str]], names: list) -> list:
    """0-based positions of ``cf``: R's 1-based indices or coefficient names."""
    out = []
    for c in cf:
        if isinstance(c, str):
            if c not in names:
                raise RError("subscript out of bounds")
            out.append(names.index(c))
        else:
            i = int(c)
            if not 1 <= i <= len(names):
                raise RError("subscript out of bounds")
            out.append(i - 1)
    return out


def dose_p(fit, cf: Sequence[Union[int, str]] = (1, 2),
           p: Union[float, Sequence[float]] = 0.5) -> GlmDose:
    """Doses at which the fitted probability is ``p``. R: ``MASS::dose.p(obj, cf = 1:2,
    p = 0.5)``.

    Parameters
    ----------
    fit : GLM
        A dose-response model (binomial, any link).
    cf : pair of int or str
        The intercept and slope of the dose: 1-based positions in ``coef(fit)``, as in
        R (``cf=(1, 3)``), or coefficient names.
    p : float or sequence of float
        Probabilities.

    Returns
    -------
    GlmDose
        The doses (``dose``), their standard errors (``SE``) and ``p``; prints as R.

    Notes
    -----
    ``x_p = (linkfun(p) - b[1]) / b[2]`` and ``SE = sqrt(d V d')`` row by row, with
    ``d = -(1, x_p) / b[2]`` and ``V = vcov(fit)[cf, cf]``.
    """
    if len(cf) != 2:
        # R: cbind(1, x.p) %*% vcov(obj)[cf, cf] with another number of coefficients
        raise RError("non-conformable arguments")
    probs = np.atleast_1d(np.asarray(p, dtype=float))
    b_all = coef(fit)
    idx = _positions(cf, list(b_all.index))
    b = b_all.to_numpy(dtype=float)[idx]
    v = vcov(fit).to_numpy(dtype=float)[np.ix_(idx, idx)]
    eta = np.asarray(family(fit).linkfun(probs), dtype=float)
    x_p = (eta - b[0]) / b[1]
    d = -np.column_stack([np.ones_like(x_p), x_p]) / b[1]
    se = np.sqrt(np.einsum("ij,jk,ik->i", d, v, d))
    names = pd.Index(dose_names(probs))
    return GlmDose(dose=pd.Series(x_p, index=names), SE=pd.Series(se, index=names),
                   p=probs.copy())
