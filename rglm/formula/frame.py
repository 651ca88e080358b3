"""R's model frame: the formula's variables evaluated in the data, subset, NA-filtered.

R: ``stats::model.frame.default`` (and the C ``modelframe`` it calls).

Order of operations, as in R:

1. every variable of the terms is evaluated in ``data`` (then ``env``), followed by the
   extras ``(weights)``, ``(offset)``, ``(etastart)``, ``(mustart)``;
2. all columns must have the length of the first one (``variable lengths differ``);
3. ``subset`` selects rows (a logical ``NA`` in ``subset`` gives a row of ``NA`` labelled
   ``"NA"``, as R's ``[.data.frame`` does; ``na.omit`` then drops it);
4. the NA action looks at *all* columns jointly, extras included;
5. unused factor levels are dropped (or, for new data, factors are re-levelled to the
   fitted ``xlev`` and an unseen level is an error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from ..errors import RError, rwarn
from .ast import Call, Node, Symbol
from .deparse import deparse1
from .parse import parse_expr, parse_formula
from .terms import Terms, terms as make_terms
from .levels import as_categorical, recode
from .values import (
    FrozenState, REnv, RMatrix, as_value, contrasts_attr, freeze, is_character, is_factor,
    is_logical,
)

__all__ = ["ModelFrame", "NaAction", "model_frame", "EXTRAS"]

EXTRAS = ("weights", "offset", "etastart", "mustart")
"""The extra model-frame columns glm() passes, named ``(weights)`` etc. in the frame."""

_NA_ACTIONS = {"na.omit": "omit", "na.exclude": "exclude", "na.fail": "fail",
               "na.pass": "pass", None: "pass"}


@dataclass(frozen=True)
class NaAction:
    """Rows removed by ``na.omit`` / ``na.exclude``.

    R: the ``na.action`` attribute of a model frame (class ``"omit"`` or ``"exclude"``).

    Attributes
    ----------
    kind : str
        ``"omit"`` or ``"exclude"`` (only ``"exclude"`` pads residuals/fitted/predict).
    positions : numpy.ndarray
        0-based positions of the removed rows in the frame *after* ``subset`` and before
        NA removal (R stores the same positions 1-based).
    labels : pandas.Index
        Their row labels (R: ``names(na.action)``).
    """

    kind: str
    positions: np.ndarray = field(compare=False)
    labels: pd.Index = field(compare=False)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def rows(self) -> np.ndarray:
        """Alias of ``positions`` (the name the results layer uses)."""
        return self.positions


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


def _row_na(v: Any) -> np.ndarray:
    """R's na.omit test for one column: any NA in the row."""
    if isinstance(v, RMatrix):
        return np.isnan(v.values).any(axis=1)
    return v.isna().to_numpy()


def _take(v: Any, pos: Optional[np.ndarray], index: pd.Index) -> Any:
    """Rows ``pos`` of a column (``-1`` = a row of NA, from an NA in ``subset``).

    ``pos`` None means every row in order: a Series is then the column itself,
    relabelled, without a copy (pandas' copy-on-write keeps the caller's data and the
    frame apart).
    """
    if isinstance(v, RMatrix):
        # A matrix may be the caller's own numpy array, which nothing protects: a copy.
        vals = v.values.copy() if pos is None else v.values[pos]
        if pos is not None and (pos < 0).any():
            vals = vals.astype(float)
            vals[pos < 0] = np.nan
        return RMatrix(vals, v.colnames, index)
    if pos is None:
        out = v.set_axis(index)
    elif (pos < 0).any():
        arr = v.array
        if isinstance(arr, pd.arrays.NumpyExtensionArray):
            arr = arr.to_numpy()  # pandas 2.2 deprecates take() of its numpy wrapper
        arr = pd.api.extensions.take(arr, pos, allow_fill=True)
        out = as_value(pd.Series(arr, index=index))
    else:
        # pandas 3 copies an ndarray given to Series(); the take is already a new array.
        out = pd.Series(v.array.take(pos), index=index, copy=False)
    out.attrs = dict(v.attrs)
    return out


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


def _subset_positions(sub: Any, n: int) -> np.ndarray:
    """R's ``[.data.frame`` row selection: logical (recycled, NA → NA row), positive
    1-based indices, or negative indices to drop."""
    if isinstance(sub, RMatrix):
        raise RError("invalid subscript type 'matrix'")
    s = sub if isinstance(sub, pd.Series) else as_value(pd.Series(np.atleast_1d(sub)))
    if s.dtype == bool or s.dtype == "boolean":
        vals = s.to_numpy(dtype=object) if s.dtype == "boolean" else s.to_numpy()
        if len(vals) != n:
            if len(vals) == 0 or n % len(vals):
                raise RError("invalid 'subset': logical subscript of the wrong length")
            vals = np.resize(vals, n)
        na = pd.isna(vals)
        chosen = np.where(na, False, vals).astype(bool)
        pos = np.flatnonzero(chosen | na)
        pos[na[pos]] = -1
        return pos
    if is_factor(s) or is_character(s):
        raise RError("invalid 'subset': character or factor row selection is not supported")
    idx = s.to_numpy(dtype=float)
    idx = idx[idx != 0]
    if (idx < 0).any():
        if (idx > 0).any():
            raise RError("can't mix positive and negative subscripts")
        keep = np.ones(n, dtype=bool)
        keep[(-idx - 1).astype(np.int64)] = False
        return np.flatnonzero(keep)
    out = idx.astype(np.int64) - 1
    out[out >= n] = -1
    return out


def _relevel_new(name: str, v: Any, levels: list) -> Any:
    """Code new data with the fitted levels (R: model.frame's ``xlev`` handling)."""
    c = as_categorical(v) if isinstance(v, pd.Series) and not is_logical(v) else None
    if c is None:
        rwarn(f"variable '{name}' is not a factor")
        return v
    present = [c.levels[i] for i in np.unique(c.codes[c.codes >= 0])]
    known = set(levels)
    new = [lev for lev in present if lev not in known]
    if new:
        # R's ngettext() counts the levels present, not the new ones.
        noun = "level" if len(present) == 1 else "levels"
        raise RError(f"factor {name} has new {noun} {', '.join(new)}")
    if c.attr is not None:
        rwarn(f"contrasts dropped from factor {name}")
    cat = pd.Categorical.from_codes(recode(c, tuple(levels)), categories=list(levels),
                                    ordered=c.ordered)
    return pd.Series(cat, index=v.index)


def _drop_unused(name: str, v: pd.Series) -> pd.Series:
    codes = v.cat.codes.to_numpy()
    used = np.unique(codes[codes >= 0])
    if len(used) == len(v.cat.categories):
        return v
    out = v.cat.remove_unused_categories()
    out.attrs = {}
    if contrasts_attr(v) is not None:
        rwarn(f"contrasts dropped from factor {name} due to missing levels")
    return out


# ------------------------------------------------------------------------------------
# model_frame
# ------------------------------------------------------------------------------------

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
    from .evaluate import evaluate

    kind = _NA_ACTIONS.get(na_action if not isinstance(na_action, str) else
                           na_action.replace("_", "."))
    if kind is None:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    if data is not None and not isinstance(data, (pd.DataFrame, Mapping)):
        raise RError("'data' must be a data.frame, environment, or list")
    data_names = list(map(str, data.keys())) if data is not None else None
    if isinstance(formula, Terms):
        t = formula
    else:
        node = parse_formula(formula) if isinstance(formula, str) else formula
        t = make_terms(node, data_names=data_names)

    renv = REnv.from_data(data, env)
    # A given state is only read (never filled): freezing it keeps the caller's mapping
    # untouched; without one, evaluation records a fresh state.
    st: Any = {} if state is None else freeze(state)
    names_in_data = set(data_names or ())

    columns: dict = {}
    for var in t.variables:
        columns[deparse1(var)] = _as_column(evaluate(var, renv, st))
    extras = {"weights": weights, "offset": offset, "etastart": etastart,
              "mustart": mustart}
    for key in EXTRAS:
        value = _resolve_extra(extras[key], renv, names_in_data, st)
        if value is not None:
            columns[f"({key})"] = _as_column(value)

    if columns:
        nr = _nrows(next(iter(columns.values())))
        for name, v in columns.items():
            if _nrows(v) != nr:
                raise RError(f"variable lengths differ (found for '{name}')")
    else:
        nr = renv.n or 0

    labels = _row_labels(data, nr)
    if subset is not None:
        sub = _resolve_extra(subset, renv, names_in_data, st)
        pos = _subset_positions(sub, nr)
    else:
        pos = np.arange(nr)
    every_row = subset is None  # pos is 0..nr-1 until rows are removed

    rowna = np.zeros(nr, dtype=bool)
    for v in columns.values():
        rowna |= _row_na(v)
    if every_row:
        na_rows = rowna
    else:
        na_rows = np.where(pos < 0, True, rowna[np.maximum(pos, 0)]) if nr else \
            np.zeros(len(pos), dtype=bool)
    sub_labels = labels if every_row else _labels_at(labels, pos)

    na_record = None
    if kind in ("omit", "exclude") and na_rows.any():
        omitted = np.flatnonzero(na_rows)
        na_record = NaAction(kind, omitted, sub_labels[omitted])
        pos = pos[~na_rows]
        sub_labels = sub_labels[~na_rows]
        every_row = False
    elif kind == "fail" and na_rows.any():
        raise RError("missing values in object")

    frame: dict = {}
    for name, v in columns.items():
        frame[name] = _take(v, None if every_row else pos, sub_labels)

    if xlev:
        for name, levels in xlev.items():
            if levels is not None and name in frame:
                frame[name] = _relevel_new(name, frame[name], list(levels))
    elif drop_unused_levels:
        for name, v in frame.items():
            if isinstance(v, pd.Series) and is_factor(v):
                frame[name] = _drop_unused(name, v)

    return ModelFrame(
        variables=MappingProxyType(frame),
        terms=t,
        row_names=sub_labels,
        na_action=na_record,
        state=freeze(st),
        nrow=len(pos),
        positions=_read_only(pos),
    )


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.intp)
    a.setflags(write=False)
    return a


def _row_labels(data: Any, nr: int) -> pd.Index:
    """Row names: the data's index, else 0..n-1 (R numbers rows 1..n)."""
    if isinstance(data, pd.DataFrame) and len(data.index) == nr:
        return data.index
    return pd.RangeIndex(nr)


def _labels_at(labels: pd.Index, pos: np.ndarray) -> pd.Index:
    if not (pos < 0).any():
        return labels[pos]
    # A logical NA in subset gives a row named "NA" (R's [.data.frame).
    vals = np.asarray(labels, dtype=object)[np.maximum(pos, 0)]
    vals[pos < 0] = "NA"
    return pd.Index(vals, dtype=object)
