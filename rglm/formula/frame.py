"""R's model frame: the formula's variables evaluated in the data, subset, NA-filtered.

R: ``stats::model.frame.default`` (and the C ``modelframe`` it calls).

:func:`model_frame` runs R's steps in R's order, one function each:

1. the terms of the formula, ``.`` expanded against the data (``terms(formula, data)``);
2. every variable evaluated in ``data`` (then ``env``) (``eval(predvars, data, env)``);
3. the extras ``(weights)``, ``(offset)``, ``(etastart)``, ``(mustart)`` evaluated the
   same way (``eval(extras, data, env)``);
4. all columns must have the length of the first one (``variable lengths differ``);
5. ``subset`` selects rows, then the NA action looks at *all* columns jointly, extras
   included (:mod:`rglm.formula.rows`);
6. unused factor levels are dropped (or, for new data, factors are re-levelled to the
   fitted ``xlev`` and an unseen level is an error) (:mod:`rglm.formula.levels`);
7. the frame record is assembled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from ..errors import RError
from .ast import Call, Node, Symbol
from .deparse import deparse1
from .levels import drop_unused, relevel_new_data
from .parse import parse_expr, parse_formula
from .rows import (
    NaAction, all_rows, apply_na_action, na_action_kind, row_labels, subset_rows, take,
)
from .terms import Terms, terms as make_terms
from .values import FrozenState, REnv, RMatrix, as_value, freeze, is_character, is_factor

__all__ = ["ModelFrame", "NaAction", "model_frame", "EXTRAS"]

EXTRAS = ("weights", "offset", "etastart", "mustart")
"""The extra model-frame columns glm() passes, named ``(weights)`` etc. in the frame."""


@dataclass(frozen=True)
class ModelFrame:
    """A model frame.

    R: the data frame returned by ``model.frame`` (attributes ``terms``, ``na.action``).

    Attributes
    ----------
    variables : Mapping[str, pandas.Series or RMatrix]
        Column name → value, in R's order: the terms' variables (named by R's
        ``deparse``: ``log(u)``, ``poly(Temp, 2)``, ``cbind(numdead, numalive)``), then
        ``(weights)``, ``(offset)``, ``(etastart)``, ``(mustart)`` when given. Series are
        indexed by ``row_names``. Character columns stay character (as in R; the model
        matrix treats them as factors).
    terms : Terms
        The terms (``.`` expanded against the data's columns).
    row_names : pandas.Index
        Labels of the kept rows, taken from ``data.index`` (R keeps the data's row
        names); without data, positions of a ``RangeIndex``.
    na_action : NaAction or None
        The rows removed by the NA action (None when none were removed or for
        ``na.pass``/``na.fail``).
    state : FrozenState
        poly()/scale() coefficients recorded while evaluating (R: ``predvars``).
    nrow : int
        Number of rows.
    positions : numpy.ndarray or None
        0-based position in ``data`` of each row (after ``subset`` and NA removal; -1
        for a row a logical NA in ``subset`` makes up). Per-row values are aligned with
        the data through these, never through the labels, which need not be unique.
    """

    variables: Mapping[str, Any]
    terms: Terms
    row_names: pd.Index
    na_action: Optional[NaAction]
    state: FrozenState
    nrow: int
    positions: Optional[np.ndarray] = field(default=None, compare=False, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.variables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.variables

    @property
    def names(self) -> tuple:
        """Column names (R: ``names(mf)``)."""
        return tuple(self.variables)

    def extra(self, name: str) -> Optional[np.ndarray]:
        """An extra column as float64 (``"weights"`` or ``"(weights)"``), None if absent.

        R: ``model.extract(mf, "weights")``.
        """
        key = name if name.startswith("(") else f"({name})"
        v = self.variables.get(key)
        if v is None:
            return None
        return v.values if isinstance(v, RMatrix) else _as_float(v, key)

    def to_frame(self) -> pd.DataFrame:
        """The frame as a pandas DataFrame.

        R: ``as.data.frame(model.frame(...))`` as printed. A matrix column (``cbind``,
        ``poly``, ``scale``) becomes one column per matrix column, named
        ``"<name>.<colname>"`` (``cbind(s, f).s``, ``poly(x, 2).1``), or ``"<name>"``
        for a one-column matrix without column names (``scale(x)``) and
        ``"<name>.<j>"`` for a wider one. Values are copies.
        """
        cols: dict = {}
        for name, v in self.variables.items():
            if isinstance(v, RMatrix):
                m = v.values
                if v.colnames is None and m.shape[1] == 1:
                    cols[name] = m[:, 0].copy()
                    continue
                for j in range(m.shape[1]):
                    suffix = v.colnames[j] if v.colnames is not None else str(j + 1)
                    cols[f"{name}.{suffix}"] = m[:, j].copy()
            else:
                cols[name] = v.to_numpy(copy=True) if not is_factor(v) else v.array.copy()
        return pd.DataFrame(cols, index=self.row_names)


# ------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------

def _as_float(v: Any, name: str) -> np.ndarray:
    if isinstance(v, pd.Series):
        if is_factor(v) or is_character(v):
            # glm() says "'weights' must be a numeric vector"; model.frame's own message is
            # "invalid type (character) for variable '(weights)'" — R users meet glm()'s.
            raise RError(f"'{name.strip('()')}' must be a numeric vector")
        # A copy: the frame's columns may share the caller's data (copy-on-write protects
        # pandas objects, not the numpy arrays taken from them).
        return v.to_numpy(dtype=float, na_value=np.nan, copy=True)
    return np.asarray(v, dtype=float)


def _nrows(v: Any) -> int:
    if isinstance(v, RMatrix):
        return v.values.shape[0]
    if isinstance(v, pd.Series):
        return len(v)
    if v is None:
        return 0
    return 1


def _as_column(v: Any) -> Any:
    """Scalars become length-one Series; Series lose their index (R is positional)."""
    if isinstance(v, RMatrix):
        return v
    if isinstance(v, pd.Series):
        out = v.reset_index(drop=True)
        out.attrs = dict(v.attrs)
        return out
    if isinstance(v, (tuple, list)):
        return as_value(pd.Series(list(v)))
    return as_value(pd.Series([v]))


def _resolve_extra(spec: Any, renv: REnv, data_names: set, state: Any) -> Any:
    """An extra argument (weights=, offset=, subset=, ...): None, a column name, an R
    expression, or values."""
    if spec is None:
        return None
    from .evaluate import evaluate

    if isinstance(spec, str):
        node: Node = Symbol(spec) if spec in data_names else parse_expr(spec)
        return evaluate(node, renv, state)
    if isinstance(spec, (Symbol, Call)):
        return evaluate(spec, renv, state)
    return as_value(spec.to_numpy() if isinstance(spec, pd.Series) else spec)


def model_frame(formula: Union[str, Call, Terms], data: Any = None, subset: Any = None,
                weights: Any = None, offset: Any = None, etastart: Any = None,
                mustart: Any = None, na_action: Optional[str] = "na.omit",
                drop_unused_levels: bool = True, env: Optional[Mapping[str, Any]] = None,
                xlev: Optional[Mapping[str, list]] = None,
                state: Optional[Mapping[str, Any]] = None) -> ModelFrame:
    """Evaluate a formula's variables in the data and apply subset and NA handling.

    R: ``stats::model.frame(formula, data, subset, weights, offset, etastart, mustart,
    na.action, drop.unused.levels = TRUE, xlev)`` as called by ``glm()``.

    Parameters
    ----------
    formula : str, Call or Terms
        The model formula (a Terms object is used as is, e.g. without response for new
        data).
    data : pandas.DataFrame or mapping, optional
        Where variables are looked up first; never modified. None: only ``env``.
    subset : optional
        Rows to use: an R expression string (``"Age > 30"``), a column name, a boolean
        array, or 1-based integer positions (negative to drop), as R.
    weights, offset, etastart, mustart : optional
        Each None, a column name, an R expression string evaluated in the data
        (``"log(Holders)"``), or values of the data's length (taken by position).
    na_action : str
        ``"na.omit"`` (default), ``"na.exclude"``, ``"na.fail"`` or ``"na.pass"``.
    drop_unused_levels : bool
        Drop factor levels that no longer occur (R's glm uses TRUE).
    env : mapping, optional
        The caller's names, searched after ``data`` (R: the formula's environment).
    xlev : mapping, optional
        Fitted levels per factor (R's ``xlev``): new data is coded with them and an
        unseen level raises ``factor f has new level(s) ...``.
    state : mapping, optional
        poly()/scale() state: a frozen state (from a fit) codes new data identically;
        None records a fresh one.

    Returns
    -------
    ModelFrame

    Raises
    ------
    RError
        ``object 'x' not found``, ``variable lengths differ (found for 'x')``,
        ``missing values in object`` (na.fail), ``factor f has new level e``.
    """
    kind = na_action_kind(na_action)
    data_names = _data_names(data)
    t = _model_terms(formula, data_names)
    renv = REnv.from_data(data, env)
    # A given state is only read (never filled): freezing it keeps the caller's mapping
    # untouched; without one, evaluation records a fresh state.
    st: Any = {} if state is None else freeze(state)
    in_data = set(data_names or ())

    columns = _evaluate_variables(t, renv, st)
    columns.update(_evaluate_extras(
        {"weights": weights, "offset": offset, "etastart": etastart, "mustart": mustart},
        renv, in_data, st))
    nr = _common_length(columns, renv)
    labels = row_labels(data, nr)
    rows = all_rows(labels) if subset is None else \
        subset_rows(_resolve_extra(subset, renv, in_data, st), labels)
    rows, na_record = apply_na_action(kind, columns, rows, nr)
    frame = {name: take(v, rows) for name, v in columns.items()}
    return ModelFrame(
        variables=MappingProxyType(_code_levels(frame, xlev, drop_unused_levels)),
        terms=t,
        row_names=rows.labels,
        na_action=na_record,
        state=freeze(st),
        nrow=len(rows.positions),
        positions=_read_only(rows.positions),
    )


# ------------------------------------------------------------------------------------
# model_frame's steps
# ------------------------------------------------------------------------------------

def _data_names(data: Any) -> Optional[list]:
    """The data's column names, None without data; anything but a data frame or a
    mapping is an error (R's ``model.frame`` takes a data.frame, list or environment)."""
    if data is None:
        return None
    if not isinstance(data, (pd.DataFrame, Mapping)):
        raise RError("'data' must be a data.frame, environment, or list")
    return list(map(str, data.keys()))


def _model_terms(formula: Union[str, Call, Terms], data_names: Optional[list]) -> Terms:
    """Step 1: the terms, ``.`` expanded against the data's columns (R:
    ``terms(formula, data = data)``); a Terms object is used as it is."""
    if isinstance(formula, Terms):
        return formula
    node = parse_formula(formula) if isinstance(formula, str) else formula
    return make_terms(node, data_names=data_names)


def _evaluate_variables(t: Terms, renv: REnv, state: Any) -> dict:
    """Step 2: every variable of the terms evaluated, named by ``deparse`` (R:
    ``eval(predvars, data, env)``); the response first, offsets included."""
    from .evaluate import evaluate  # evaluation pulls in R's function table

    return {deparse1(var): _as_column(evaluate(var, renv, state)) for var in t.variables}


def _evaluate_extras(extras: Mapping[str, Any], renv: REnv, in_data: set,
                     state: Any) -> dict:
    """Step 3: the extras given, as columns ``(weights)``, ``(offset)``, ... in
    :data:`EXTRAS` order (R: ``eval(extras, data, env)``)."""
    columns = {}
    for key in EXTRAS:
        value = _resolve_extra(extras[key], renv, in_data, state)
        if value is not None:
            columns[f"({key})"] = _as_column(value)
    return columns


def _common_length(columns: Mapping[str, Any], renv: REnv) -> int:
    """Step 4: the number of rows; every column must have the first one's (R's C
    ``modelframe``). Without columns, the data's rows."""
    if not columns:
        return renv.n or 0
    nr = _nrows(next(iter(columns.values())))
    for name, v in columns.items():
        if _nrows(v) != nr:
            raise RError(f"variable lengths differ (found for '{name}')")
    return nr


def _code_levels(frame: dict, xlev: Optional[Mapping[str, list]],
                 drop_unused_levels: bool) -> dict:
    """Step 6: new data coded with the fitted levels ``xlev``; else, with
    ``drop.unused.levels``, factors without the levels no row has any more."""
    if xlev:
        for name, levels in xlev.items():
            if levels is not None and name in frame:
                frame[name] = relevel_new_data(name, frame[name], list(levels))
    elif drop_unused_levels:
        for name, v in frame.items():
            if isinstance(v, pd.Series) and is_factor(v):
                frame[name] = drop_unused(name, v)
    return frame


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.intp)
    a.setflags(write=False)
    return a
