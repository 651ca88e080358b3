"""The data of an ``fmm()`` fit: response, class design, class-probability design and the
columns beside them, with one set of rows.

R's way with a model's variables throughout (rglm's formula layer): the class model's
formula and ``lcprob``'s one-sided formula are model frames of the same data; weights,
offset, exposure, binomial trials and the cluster variable are column names, R
expressions evaluated in the data, or values. A row with a missing value in any of them
is left out of all (Stata's estimation sample; R's ``na.omit``), and the frames are then
made again from the rows kept, so that factor levels no row has any more are dropped as
R drops them.

A ``cbind(successes, failures) ~ ...`` response gives the binomial trials; a factor
response of a binomial family means "not the first level", as in ``glm()``.

R: ``stats::model.frame``, ``model.matrix``, ``model.response``, ``model.weights``,
``model.offset`` (Stata: the estimation sample of ``fmm``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.design import ModelSpec, model_matrix
from rglm.formula.evaluate import REnv, evaluate
from rglm.formula.frame import ModelFrame, model_frame
from rglm.formula.parse import parse_expr
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.formula.values import RMatrix, as_value, is_character

__all__ = ["MixtureData", "mixture_data", "frame_rows_na", "evaluate_column",
           "response_name"]


@dataclass(frozen=True)
class MixtureData:
    """The estimation sample of an ``fmm()`` fit (arrays private, read-only).

    Attributes
    ----------
    y : ndarray (n,)
        The outcome (successes for ``binomial``).
    trials : ndarray (n,) or None
    x : ndarray (n, p)
        The class models' design; ``xnames`` its R column names.
    z : ndarray (n, q) or None
        The class-probability design (None without ``lcprob``); ``znames``.
    weights, offset : ndarray (n,) or None
        ``offset`` is the linear predictor's offset: ``offset()`` terms, the ``offset``
        argument and ``log(exposure)`` together.
    cluster : ndarray (n,) or None
    row_names : pandas.Index
        The data's labels of the rows used.
    positions : ndarray (n,)
        Their 0-based positions in the data.
    depvar : str
        The outcome's name (Stata's ``e(depvar)``).
    x_spec, z_spec : ModelSpec
        What codes new data as the fitted data (``z_spec`` None without ``lcprob``).
    n_dropped : int
        Rows left out for missing values.
    """

    y: np.ndarray
    trials: Optional[np.ndarray]
    x: np.ndarray
    xnames: tuple
    z: Optional[np.ndarray]
    znames: tuple
    weights: Optional[np.ndarray]
    offset: Optional[np.ndarray]
    cluster: Optional[np.ndarray]
    row_names: pd.Index
    positions: np.ndarray
    depvar: str
    x_spec: ModelSpec
    z_spec: Optional[ModelSpec]
    n_dropped: int = 0

    @property
    def n(self) -> int:
        return int(self.x.shape[0])


def response_name(formula_node: ast.Call) -> str:
    """The outcome's name: the left-hand side deparsed (``cbind(s, f)``: ``s``)."""
    lhs = formula_node.args[0].value
    if isinstance(lhs, ast.Call) and isinstance(lhs.fn, ast.Symbol) and lhs.fn.name == "cbind" \
            and lhs.args:
        return deparse1(lhs.args[0].value)
    return deparse1(lhs)


def evaluate_column(spec: Any, data: Any, namespace: Mapping[str, Any], what: str) -> Any:
    """One column beside the formula's variables: a column name, an R expression in the
    data (``"log(n)"``), or values (an R vector value, as the formula layer keeps them)."""
    if spec is None:
        return None
    renv = REnv.from_data(data, namespace)
    if isinstance(spec, str):
        node = ast.Symbol(spec) if renv.has(spec) else parse_expr(spec)
        value = evaluate(node, renv)
    else:
        value = spec.to_numpy() if isinstance(spec, pd.Series) else spec
    value = as_value(value)
    if isinstance(value, RMatrix):
        raise RError(f"'{what}' must be a vector, not a matrix")
    return value


def frame_rows_na(frame: ModelFrame) -> np.ndarray:
    """For each row of a frame made with ``na.pass``, whether any of its variables is NA."""
    out = np.zeros(frame.nrow, dtype=bool)
    for v in frame.variables.values():
        out |= np.isnan(v.values).any(axis=1) if isinstance(v, RMatrix) else \
            v.isna().to_numpy()
    return out


def _length_checked(columns: dict, n: int) -> None:
    for name, v in columns.items():
        if len(v) != n:
            raise RError(f"variable lengths differ (found for '{name}')")


def _numeric(value, what: str) -> np.ndarray:
    if is_character(value):
        raise RError(f"'{what}' must be numeric")
    try:
        return value.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise RError(f"'{what}' must be numeric") from None


def _response(mf: ModelFrame, family_name: str) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """``(y, trials from cbind or None)``."""
    yv = model_response(mf)
    binomial = family_name in ("binomial", "bernoulli")
    if isinstance(yv, pd.Categorical):
        if not binomial:
            raise RError(f"a factor response is only allowed for the bernoulli and binomial "
                         f"families, not the '{family_name}' family")
        return (np.asarray(yv.codes) != 0).astype(np.float64), None
    y = np.asarray(yv, dtype=np.float64)
    if y.ndim == 2:
        if family_name != "binomial" or y.shape[1] != 2:
            raise RError("a matrix response (cbind(successes, failures)) is only for the "
                         "binomial family")
        return y[:, 0].copy(), y[:, 0] + y[:, 1]
    return y, None


def mixture_data(formula_node: ast.Call, lcprob_node: Optional[ast.Call], data: Any,
                 namespace: Mapping[str, Any], family_name: str, *, weights=None,
                 offset=None, exposure=None, trials=None, cluster=None) -> MixtureData:
    """The estimation sample (module notes).

    Raises
    ------
    RError
        R's errors of the formula layer (``object 'x' not found``, ``variable lengths
        differ``), a response the family cannot take, nonpositive exposure, no rows left.
    """
    frames = {"x": model_frame(formula_node, data, weights=weights, offset=offset,
                               na_action="na.pass", env=namespace)}
    if lcprob_node is not None:
        frames["z"] = model_frame(lcprob_node, data, na_action="na.pass", env=namespace)
    n_all = frames["x"].nrow
    extras = {}
    for name, spec in (("exposure", exposure), ("trials", trials), ("cluster", cluster)):
        if spec is not None and not (name == "trials" and isinstance(spec, (int, float))):
            extras[name] = evaluate_column(spec, data, namespace, name)
    _length_checked(extras, n_all)
    if "z" in frames and frames["z"].nrow != n_all:
        raise RError("variable lengths differ (found for 'lcprob')")
    na = np.zeros(n_all, dtype=bool)
    for frame in frames.values():
        na |= frame_rows_na(frame)
    for v in extras.values():
        na |= v.isna().to_numpy()
    if na.all():
        raise RError("0 (non-NA) cases")
    if na.any():
        keep = ~na
        frames["x"] = model_frame(formula_node, data, subset=keep, weights=weights,
                                  offset=offset, env=namespace)
        if lcprob_node is not None:
            frames["z"] = model_frame(lcprob_node, data, subset=keep, env=namespace)
        extras = {k: v[keep] for k, v in extras.items()}
    mf = frames["x"]
    y, cbind_trials = _response(mf, family_name)
    mm = model_matrix(mf)
    zm = model_matrix(frames["z"]) if "z" in frames else None
    off = model_offset(mf)
    if "exposure" in extras:
        e = _numeric(extras["exposure"], "exposure")
        if not (e > 0).all():
            raise RError("'exposure' must be positive")
        off = np.log(e) if off is None else off + np.log(e)
    n = mf.nrow
    tr = cbind_trials
    if trials is not None:
        if cbind_trials is not None:
            raise RError("the trials are given twice: by cbind() and in 'family'")
        tr = (np.full(n, float(trials)) if isinstance(trials, (int, float))
              else _numeric(extras["trials"], "trials"))
    w = model_weights(mf)
    return MixtureData(
        y=y, trials=tr, x=mm.x, xnames=tuple(mm.colnames),
        z=None if zm is None else zm.x, znames=() if zm is None else tuple(zm.colnames),
        weights=None if w is None else np.asarray(w, dtype=np.float64),
        offset=None if off is None else np.asarray(off, dtype=np.float64),
        cluster=None if "cluster" not in extras else extras["cluster"].to_numpy(),
        row_names=mf.row_names, positions=mf.positions,
        depvar=response_name(formula_node), x_spec=mm.spec, z_spec=None if zm is None else zm.spec, n_dropped=int(na.sum()))
