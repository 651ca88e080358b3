"""From a block of data rows to the fit's :class:`~rglm.engines.chunked.passes.Chunk`.

R: ``model.frame`` then ``model.matrix``, as ``glm()`` calls them, applied to each block
with *fixed* factor levels (R's ``xlev``), so that every block is coded identically; and
the first pass ``biglm::bigglm`` users otherwise do by hand: finding every factor's levels.

Factor levels follow glm's rule on the whole data: a factor keeps its declared levels
that occur in the rows used (``drop.unused.levels = TRUE`` after NA removal), in their
declared order; a character column's levels are its sorted distinct values.

Stateful transforms (``poly()``, ``scale()``, ...) depend on the whole column, which a
block does not have: they are refused with a clear error. ``bs()``/``ns()`` are accepted
when the call fixes their knots (``knots =`` and ``Boundary.knots =``): each block then
codes its rows exactly as the whole column would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional

import numpy as np
import pandas as pd

from rglm.models.glm.frontend import _check_weights, _response_for
from rglm.errors import RError, collecting_warnings
from rglm.engines.chunked.passes import Chunk, merge_warnings
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.rfunctions import R_FUNCTIONS, match_args
from rglm.formula.design import model_matrix
from rglm.formula.frame import ModelFrame, model_frame
from rglm.formula.parse import parse_expr
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.formula.terms import Terms
from rglm.formula.values import is_character, is_factor

__all__ = ["ChunkDesign", "LevelsSeen", "check_stateless", "symbols_of", "namespace_for"]

#: Transforms whose value on a row depends on the whole column (R's ``predvars`` makers).
_STATEFUL = ("poly", "polym", "scale", "ns", "bs")


def _is_raw_poly(node: ast.Call) -> bool:
    """``poly(x, 2, raw = TRUE)`` is a plain power basis: no state."""
    return any(a.name == "raw" and isinstance(a.value, ast.Constant) and a.value.name == "TRUE"
               for a in node.args)


def _given(arg: Optional[ast.Arg]) -> bool:
    return arg is not None and not (isinstance(arg.value, ast.Constant)
                                    and arg.value.name == "NULL")


def _has_fixed_knots(node: ast.Call, name: str) -> bool:
    """``bs()``/``ns()`` whose knots come from the call, not the data: boundary knots
    given, and interior knots given or none asked for (no ``df`` without ``knots``)."""
    matched, _ = match_args(R_FUNCTIONS[name].formals, node.args)
    return _given(matched.get("Boundary.knots")) and (
        _given(matched.get("knots")) or not _given(matched.get("df")))


def _calls(node: Any) -> Iterable[ast.Call]:
    return (n for n in ast.walk(node) if isinstance(n, ast.Call))


def _function_name(node: ast.Call) -> Optional[str]:
    """``f`` for ``f(...)`` and for ``pkg::f(...)``."""
    fn = node.fn
    if isinstance(fn, ast.Call) and isinstance(fn.fn, ast.Symbol) and fn.fn.name in ("::", ":::"):
        fn = fn.args[-1].value
    return fn.name if isinstance(fn, ast.Symbol) else None


def check_stateless(nodes: Iterable[Any]) -> None:
    """Refuse transforms that need the whole column.

    Raises
    ------
    RError
        Naming the transform and what to do instead.
    """
    for root in nodes:
        for node in _calls(root):
            name = _function_name(node)
            if name not in _STATEFUL or (name == "poly" and _is_raw_poly(node)):
                continue
            spline = name in ("bs", "ns")
            if spline and _has_fixed_knots(node, name):
                continue
            raise RError(
                f"{deparse1(node)} depends on all the data (its "
                f"{'knots come' if spline else 'coefficients come'} from the whole column), "
                f"so bigglm() cannot compute it chunk by chunk: compute the columns "
                f"beforehand"
                + (", or use raw = TRUE" if name == "poly" else "")
                + (", or give knots = and Boundary.knots =" if spline else ""))


def symbols_of(nodes: Iterable[Any]) -> set:
    """Every name used in the expressions (``np.log`` also gives ``np``)."""
    out: set = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Symbol):
                out.add(node.name)
                out.add(node.name.split(".")[0])
    return out


def namespace_for(nodes: Iterable[Any], namespace: Mapping[str, Any]) -> dict:
    """The caller's names the expressions refer to (all a worker needs, and picklable)."""
    wanted = symbols_of(nodes)
    return {k: v for k, v in namespace.items() if k in wanted}


def expression_node(value: Any) -> Optional[Any]:
    """The parsed R expression of a ``weights=``/``offset=`` string (None otherwise)."""
    return parse_expr(value) if isinstance(value, str) else None


# -- levels ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LevelsSeen:
    """Levels met so far, per categorical variable of the model frame.

    Attributes
    ----------
    declared : dict
        Factor name → its declared levels, in order (first block's order, then new ones).
    used : dict
        Variable name → the set of levels occurring in the rows used.
    character : frozenset
        Names of character variables (levels: sorted distinct values).
    warnings : tuple of str
        The warnings evaluating the blocks' frames gave, each distinct text once.
    """

    declared: Mapping[str, tuple] = field(default_factory=dict)
    used: Mapping[str, frozenset] = field(default_factory=dict)
    character: frozenset = frozenset()
    warnings: tuple = ()

    @staticmethod
    def of_frame(mf: ModelFrame, names: Iterable[str]) -> "LevelsSeen":
        """The levels of ``names`` in one block's frame (built without dropping levels)."""
        declared, used, character = {}, {}, set()
        for name in names:
            v = mf.variables[name]
            if is_factor(v):
                cats = [str(c) for c in v.cat.categories]
                codes = np.unique(v.cat.codes.to_numpy())
                declared[name] = tuple(cats)
                used[name] = frozenset(cats[c] for c in codes if c >= 0)
            elif is_character(v):
                character.add(name)
                used[name] = frozenset(str(s) for s in v.dropna().unique())
        return LevelsSeen(declared, used, frozenset(character))

    def combine(self, other: "LevelsSeen") -> "LevelsSeen":
        declared = dict(self.declared)
        for name, levels in other.declared.items():
            known = declared.get(name, ())
            declared[name] = known + tuple(lv for lv in levels if lv not in set(known))
        used = dict(self.used)
        for name, levels in other.used.items():
            used[name] = used.get(name, frozenset()) | levels
        return LevelsSeen(declared, used, self.character | other.character,
                          merge_warnings(self.warnings, other.warnings))

    def levels(self) -> dict:
        """Final levels: declared order (factors) or sorted (character), used ones only."""
        out = {}
        for name, used in self.used.items():
            if name in self.declared and name not in self.character:
                out[name] = tuple(lv for lv in self.declared[name] if lv in used)
            else:
                # pandas' Categorical orders character levels as the formula layer does.
                out[name] = tuple(str(c) for c in pd.Categorical(sorted(used)).categories)
        return out


def categorical_names(mf: ModelFrame) -> tuple:
    """Names of the factor and character variables of a frame (response included)."""
    return tuple(name for name, v in mf.variables.items()
                 if isinstance(v, pd.Series) and (is_factor(v) or is_character(v))
                 and not name.startswith("("))


# -- the design ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ChunkDesign:
    """How every block of rows becomes a :class:`Chunk` (picklable: it travels to workers).

    Attributes
    ----------
    terms : Terms
        The model's terms (``.`` expanded once, against the first block's columns).
    family : Family
        For the response's coding (a factor response only for binomial families).
    weights, offset : str, ast node or None
        ``weights=`` / ``offset=`` as given: column names or R expression strings,
        evaluated in each block.
    na_action : str
        ``"na.omit"``, ``"na.exclude"`` (the same here: nothing is padded) or
        ``"na.fail"``.
    xlev : dict or None
        The fixed levels of every categorical variable.
    namespace : dict
        The caller's names the formula refers to.
    colnames : tuple of str or None
        The model matrix's column names every block must have.
    """

    terms: Terms
    family: Any
    weights: Any = None
    offset: Any = None
    na_action: str = "na.omit"
    xlev: Optional[Mapping[str, tuple]] = None
    namespace: Mapping[str, Any] = field(default_factory=dict)
    colnames: Optional[tuple] = None

    def frame(self, df: pd.DataFrame, fixed_levels: bool = True) -> ModelFrame:
        """The block's model frame; with ``fixed_levels`` its factors get ``xlev``."""
        xlev = {k: list(v) for k, v in (self.xlev or {}).items()} if fixed_levels else None
        if xlev:
            df = _untyped_as_factors(df, xlev)
        return model_frame(self.terms, df, weights=self.weights, offset=self.offset,
                           na_action=self.na_action, drop_unused_levels=False,
                           env=self.namespace, xlev=xlev or None)

    def levels_of(self, names: tuple, df: pd.DataFrame) -> LevelsSeen:
        """The levels one block shows (the level-discovery pass); the warnings its
        frame gives are collected in them, not issued."""
        with collecting_warnings() as messages:
            seen = LevelsSeen.of_frame(self.frame(df, fixed_levels=False), names)
        return replace(seen, warnings=merge_warnings(messages))

    def chunk(self, df: pd.DataFrame) -> Chunk:
        """The block as the fit sees it.

        Raises
        ------
        RError
            R's model-frame errors (a missing column: ``object 'x' not found``), a
            factor level not seen in the first pass, or a block whose model matrix has
            other columns than the first block's.
        """
        with collecting_warnings() as messages:
            mf = self.frame(df)
            mm = model_matrix(mf)
        if self.colnames is not None and tuple(mm.colnames) != tuple(self.colnames):
            raise RError("this chunk's model matrix has columns "
                         f"{', '.join(mm.colnames) or '(none)'} where the first chunk's "
                         f"had {', '.join(self.colnames) or '(none)'}: the columns' types "
                         "differ between chunks")
        y = _response_for(model_response(mf), self.family)  # bigglm() checked there is one
        w = model_weights(mf)
        return Chunk(x=mm.x, y=np.asarray(y, dtype=np.float64),
                     weights=None if w is None else _check_weights(w),
                     offset=model_offset(mf), n_dropped=_n_dropped(mf),
                     warnings=merge_warnings(messages))


def _untyped_as_factors(df: pd.DataFrame, xlev: Mapping[str, list]) -> pd.DataFrame:
    """The block with its categorical columns of nothing but NA made factors of ``xlev``.

    Such a column (or any column of a block without rows) says nothing about its type:
    read_csv makes an empty text column float, pandas 2.2 an empty or all-None one object
    (logical to R). Its rows are dropped by the NA action or have no effect either way;
    only the model matrix's columns would differ from the other blocks'. A new frame:
    the caller's block is not modified.
    """
    untyped = {}
    for name, levels in xlev.items():
        if name not in df.columns:
            continue
        column = df[name]
        if isinstance(column, pd.Series) and not isinstance(column.dtype, pd.CategoricalDtype) \
                and column.isna().all():
            untyped[name] = pd.Categorical.from_codes(np.full(len(df), -1), categories=levels)
    return df.assign(**untyped) if untyped else df


def _n_dropped(mf: ModelFrame) -> int:
    return 0 if mf.na_action is None else len(mf.na_action)
