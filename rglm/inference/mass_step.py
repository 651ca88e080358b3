"""Stepwise model selection by AIC, MASS's way. R: ``MASS::stepAIC``.

The search is ``stats::step``'s (:func:`rglm.inference.step.stepwise`, the same code);
what MASS does differently is in :data:`MASS_STEP`:

* the candidate tables are :func:`rglm.generics.dropterm`/``addterm`` — for a glm.nb
  fit MASS's default methods, so each candidate is refitted by ``glm.nb`` with theta
  estimated afresh and the trace tables have ``Df`` and ``AIC`` only (``step()`` uses
  ``drop1.glm`` at the fit's fixed theta) — called with ``trace = max(0, trace - 1)``;
* a zero-df (aliased) term is dropped first, unless dropping it changes the AIC by more
  than 0.01 (warning ``0 df terms are changing AIC``);
* the path ``$anova`` is MASS's class ``"Anova"`` (``print.Anova``, NA cells blank) and
  its ``Df`` column is ``|diff(Resid. Df)|`` (``step()``: signed), e.g. 2 for a dropped
  two-df term;
* the errors name ``'stepAIC'``; ``use.start`` only warns.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.errors import rwarn
from rglm.formula.deparse import deparse
from rglm.generics import addterm, dropterm, terms
from rglm.inference.anova_table import AnovaTable
from rglm.inference.mass_anova import MassAnova
from rglm.inference.step import StepRules, stepwise
from rglm.render.anova import step_path_heading

__all__ = ["stepAIC", "MASS_STEP"]


def _recycled(values: list, mask: np.ndarray) -> list:
    """R's ``x[mask]`` for a logical ``mask`` (NA allowed, as NaN) shorter or longer than
    ``x``: the mask recycled over ``x``; an NA or an index beyond ``x`` gives NA (None)."""
    n = max(len(values), len(mask))
    out = []
    for i in range(n):
        m = mask[i % len(mask)] if len(mask) else False
        if np.isnan(m):
            out.append(None)
        elif m:
            out.append(values[i] if i < len(values) else None)
    return out


def _zero_df_change(drop_table: AnovaTable, names: list) -> Optional[str]:
    """MASS's rule for zero-df terms: the last one listed goes first, unless one changes
    the AIC (or Cp) by more than 0.01 from ``<none>``: then R warns and keeps the zero-df
    flags where ``!ch`` (recycled: MASS's ``zdf <- zdf[!ch]``), as reproduced here."""
    table = drop_table.table
    df = table["Df"].to_numpy(dtype=float)
    zdf = (df == 0) & ~np.isnan(df)
    if not zdf.any():
        return None
    col = next((c for c in ("Cp", "AIC") if c in table.columns), None)
    flags = zdf.astype(float)
    if col is not None:
        crit = table[col].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            ch = np.where(np.isnan(crit[zdf]), np.nan, np.abs(crit[zdf] - crit[0]) > 0.01)
        if np.any(np.isfinite(ch) & (ch == 1)):
            rwarn("0 df terms are changing AIC")
            flags = np.array(_recycled(list(flags), np.where(np.isnan(ch), np.nan, 1 - ch)),
                             dtype=float)
    chosen = _recycled(names, flags)
    # rev(rownames(aod)[zdf])[1L]: NA when nothing is chosen
    return "NA" if not chosen or chosen[-1] is None else chosen[-1]


def _path(models: list, start, final) -> MassAnova:
    """MASS's ``step.results``: the accepted steps with the changes of residual df and
    deviance as absolute values, class ``"Anova"``."""
    rd = np.array([m["deviance"] for m in models], dtype=float)
    rdf = np.array([m["df_resid"] for m in models], dtype=float)
    table = pd.DataFrame({
        "Step": [m["change"] for m in models],
        "Df": np.concatenate([[np.nan], np.abs(np.diff(rdf))]),
        "Deviance": np.concatenate([[np.nan], np.abs(np.diff(rd))]),
        "Resid. Df": rdf,
        "Resid. Dev": rd,
        "AIC": [m["AIC"] for m in models],
    }, index=pd.Index([str(i + 1) for i in range(len(models))]))
    heading = step_path_heading(deparse(terms(start).formula),
                                deparse(terms(final).formula))
    return MassAnova(table=table, heading=heading)


#: MASS::stepAIC's rules for :func:`rglm.inference.step.stepwise`.
MASS_STEP = StepRules(name="stepAIC", drop=dropterm, add=addterm,
                      table_trace=lambda trace: max(0, int(trace) - 1),
                      zero_df_change=_zero_df_change, path=_path)


def stepAIC(fit, scope: Union[None, str, Mapping[str, str]] = None, scale: float = 0,
            direction: Optional[str] = None, trace: Union[bool, int] = 1,
            keep: Optional[Callable[[Any, float], Any]] = None, steps: int = 1000,
            use_start: bool = False, k: float = 2):
    """Choose a model by AIC in a stepwise algorithm. R: ``MASS::stepAIC(object, scope,
    scale = 0, direction = c("both", "backward", "forward"), trace = 1, keep = NULL,
    steps = 1000, use.start = FALSE, k = 2)``.

    Parameters
    ----------
    fit : GLM, NegBinGLM, BigGLM, ...
        The starting model: any kind with ``dropterm``/``addterm``, ``extractAIC``,
        ``update``, ``nobs`` and ``terms`` methods.
    scope : str formula or dict, optional
        The upper model (``"~ .^2"``: updated with the model's formula), or
        ``{"lower": ..., "upper": ...}``. None: backward deletions only (unless
        ``direction`` is given, when dropped terms may come back).
    scale : float
        Passed to dropterm/addterm and extractAIC (0: the summary's dispersion).
    direction : {"both", "backward", "forward"}, optional
        Default ``"both"``; with neither scope nor direction, backward only.
    trace : int
        0 prints nothing; 1 prints each step (stdout); above 1 also the candidates'
        refits (``trying - x``, stderr).
    keep : callable, optional
        ``keep(fit, aic)`` for every model on the path, in ``result.keep``.
    steps : int
        Maximum number of steps.
    use_start : bool
        Ignored with R's warning, as in R.
    k : float
        Penalty per degree of freedom (``log(n)``: BIC).

    Returns
    -------
    StepResult
        The final fit, of the starting fit's kind, with ``anova`` (the path, a
        :class:`~rglm.inference.mass_anova.MassAnova`: ``Step``, ``Df``, ``Deviance``,
        ``Resid. Df``, ``Resid. Dev``, ``AIC``) and ``keep``.

    Raises
    ------
    RError
        ``AIC is not defined for this model, so 'stepAIC' cannot proceed`` (quasi
        families), ``number of rows in use has changed: remove missing values?``, scope
        errors.
    """
    if use_start:
        rwarn("'use.start' cannot be used with R's version of 'glm'")
    return stepwise(fit, scope, scale, direction, trace, keep, steps, k, MASS_STEP)
