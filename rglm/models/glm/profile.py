"""Likelihood profiles of the coefficients of a glm. R: ``profile.glm`` (MASS; stats >= 4.4).

Each coefficient in turn is held fixed at values stepping away from its estimate, in units
of ``del * std.err``, and the other coefficients are refitted (the fixed part moves into the
offset). The signed square root of the deviance increase, divided by the dispersion, is the
profile statistic: ``z`` for the binomial and poisson families, ``tau`` for all others.
:func:`rglm.models.glm.confint.confint` inverts these profiles into confidence limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError
from rglm.engines.irls.irls import glm_fit
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.generics import summary
from rglm.inference.confint import match_parm
from rglm.models.glm.confint_profile import confint_profile
from rglm.render.confint import profile_trace_line
from rglm.report import message

__all__ = ["profile", "GLMProfile", "profile_cutoff", "match_parm"]

# family$family values for which profile.glm uses the chi-squared cut-off and names the
# statistic "z". "Negative Binomial" never matches the real names "Negative Binomial(θ)".
_Z_FAMILIES = ("binomial", "poisson", "Negative Binomial")


def profile_cutoff(family_name: str, alpha: float, n: int, p: int) -> tuple[float, str]:
    """``zmax`` and the statistic's name.

    R: in ``profile.glm``: ``sqrt(qchisq(1 - alpha, 1))`` and "z" for the families named
    exactly "binomial" or "poisson"; ``sqrt(qf(1 - alpha, 1, n - p))`` and "tau" for every
    other family (gaussian, Gamma, inverse.gaussian, the quasi families, negative binomial).
    """
    if family_name in _Z_FAMILIES:
        return float(np.sqrt(stats.chi2.ppf(1 - alpha, 1))), "z"
    return float(np.sqrt(stats.f.ppf(1 - alpha, 1, n - p))), "tau"


@dataclass(frozen=True, eq=False)
class GLMProfile(Mapping):
    """The profiles of some coefficients of a glm. R: class ``c("profile.glm", "profile")``.

    A read-only mapping from coefficient name to its profile, in the order requested; the
    entry of an aliased coefficient is None (R's NULL). Each profile is a DataFrame sorted
    by the statistic, one row per fit (the estimate itself is the row where it is 0), with
    two-level columns: ``(stat, "")`` for the statistic (``prof["outcome2"]["z"]`` is a
    Series) and ``("par.vals", name)`` for every coefficient (``prof["outcome2"]["par.vals"]``
    is the DataFrame of all coefficient values), as R's data frame with its matrix column
    ``par.vals``. Plot ``par.vals[name]`` against the statistic to see the profile.

    Attributes
    ----------
    profiles : dict
        Name → DataFrame (or None).
    original_fit : GLM
        The fit profiled (R: ``attr(, "original.fit")``).
    summary : GLMSummary
        Its summary (R: ``attr(, "summary")``).
    stat_name : str
        ``"z"`` or ``"tau"``.
    test : str
        ``"LRT"`` (R >= 4.4's attribute; the Rao variant is not implemented).
    """

    profiles: dict = field(repr=False)
    original_fit: Any = field(repr=False)
    summary: Any = field(repr=False)
    stat_name: str = "z"
    test: str = "LRT"

    def __getitem__(self, name: str) -> Optional[pd.DataFrame]:
        return self.profiles[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)

    def confint(self, parm=None, level: float = 0.95):
        """R: ``confint(profile, parm, level)`` (``confint.profile.glm``)."""
        return confint_profile(self, parm=parm, level=level)


def _profile_data(fit) -> tuple[Any, np.ndarray, np.ndarray]:
    """Response, offset and prior weights as ``profile.glm`` takes them.

    R: ``model.response``, ``model.offset`` (0 if none) and ``model.weights`` (1 if none)
    of the model frame, so a cbind() binomial response is re-initialised in every refit.
    Without a stored frame (``model=False``) the fit's own ``y``/``prior.weights`` give
    the same refits (R would rebuild the frame from the call).
    """
    mf = fit.frame
    if mf is not None:
        y = model_response(mf)
        if isinstance(y, pd.Categorical):
            # a factor response is "not the first level" (binomial initialize)
            y = (np.asarray(y.codes) != 0).astype(float)
        n = y.shape[0]
        offset = model_offset(mf)
        weights = model_weights(mf)
    else:
        y = np.asarray(fit.fit.y, dtype=float)
        n = y.shape[0]
        offset = fit.offset_values
        weights = np.asarray(fit.fit.prior_weights, dtype=float)
    offset = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    return y, offset, weights


def profile(fit, which=None, alpha: float = 0.01, maxsteps: int = 10,
            del_: Optional[float] = None, trace: bool = False) -> GLMProfile:
    """Profile the deviance of a glm along its coefficients.

    R: ``profile(fitted, which = 1:p, alpha = 0.01, maxsteps = 10, del = zmax/5,
    trace = FALSE)`` (``profile.glm``, test "LRT").

    Parameters
    ----------
    fit : GLM
        A fitted glm (or glm.nb) model.
    which : str, int or sequence, optional
        Coefficients to profile: names or **0-based** positions; default all.
    alpha : float
        The profile extends until the statistic passes ``zmax``, the ``1 - alpha``
        quantile (see :func:`profile_cutoff`). ``confint`` uses ``(1 - level) / 4``.
    maxsteps : int
        At most ``maxsteps - 1`` steps in each direction.
    del_ : float, optional
        Step size in standard errors; default ``zmax / 5``.
    trace : bool
        Report each parameter and direction on stderr, as R's ``message()``.

    Returns
    -------
    GLMProfile

    Raises
    ------
    RError
        ``profiling has found a better solution, so original fit had not converged`` when a
        refit has a deviance lower than the fit's by more than 1e-3 (scaled).

    Notes
    -----
    For coefficient ``i`` and direction ``s = -1, +1``, step ``k = 1, 2, ...`` fixes
    ``b_i = beta_i + s k del se_i`` and refits the other non-aliased coefficients by
    glm.fit with offset ``O + X_i b_i``, starting from the previous linear predictor;
    ``z = s sqrt((D(b_i) - D) / dispersion)``.
    """
    names = list(fit.coefficients.index)
    b0 = fit.coefficients.to_numpy(dtype=float)
    non_aliased = ~np.isnan(b0)
    p = len(names)
    which_pos = match_parm(which, names)
    summ = summary(fit)  # dispatches: summary.negbin uses dispersion 1
    std_err = summ.coefficients["Std. Error"]
    y, offset, weights = _profile_data(fit)
    n = y.shape[0]
    dev0 = fit.deviance
    dispersion = summ.dispersion
    x = np.asarray(fit.model_matrix.x, dtype=float)
    family = fit.family
    zmax, stat_name = profile_cutoff(family.family, alpha, n, p)
    if del_ is None:
        del_ = zmax / 5
    columns = pd.MultiIndex.from_tuples([(stat_name, "")] + [("par.vals", nm) for nm in names])
    profiles: dict = {names[i]: None for i in which_pos}
    for i in which_pos:
        if not non_aliased[i]:
            continue
        rows = _profile_one(i, names, b0, non_aliased, x, y, weights, offset, family,
                            fit.control, float(std_err[names[i]]), del_, zmax, maxsteps,
                            dev0, dispersion, trace)
        zi = np.array([r[0] for r in rows])
        order = np.argsort(zi, kind="stable")
        table = np.array([np.concatenate(([r[0]], r[1])) for r in rows])[order]
        profiles[names[i]] = pd.DataFrame(table, columns=columns)
    return GLMProfile(profiles=profiles, original_fit=fit, summary=summ, stat_name=stat_name)


def _profile_one(i, names, b0, non_aliased, x, y, weights, offset, family, control, se,
                 del_, zmax, maxsteps, dev0, dispersion, trace) -> list:
    """The (z, coefficient vector) pairs of one coefficient's profile, unsorted."""
    rows = [(0.0, b0.copy())]
    keep = non_aliased.copy()
    keep[i] = False
    xi = np.asfortranarray(x[:, keep])
    xi_names = tuple(nm for nm, k in zip(names, keep) if k)
    for sgn in (-1.0, 1.0):
        if trace:
            message(profile_trace_line(names[i], down=sgn < 0))
        step = 0
        z = 0.0
        lp = x[:, non_aliased] @ b0[non_aliased] + offset
        while True:
            step += 1
            if not (step < maxsteps and abs(z) < zmax):
                break
            bi = b0[i] + sgn * step * del_ * se
            o = offset + x[:, i] * bi
            fm = glm_fit(xi, y, weights=weights, etastart=lp, offset=o, family=family,
                         control=control, xnames=xi_names)
            lp = xi @ fm.coefficients + o
            ri = b0.copy()
            ri[keep] = fm.coefficients
            ri[i] = bi
            zz = (fm.deviance - dev0) / dispersion
            if zz > -1e-3:
                zz = max(zz, 0.0)
            else:
                raise RError("profiling has found a better solution, so original fit had "
                             "not converged")
            z = sgn * np.sqrt(zz)
            rows.append((z, ri))
    return rows
