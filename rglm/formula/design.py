"""R's model matrix: columns, names, ``assign``, contrasts and xlevels.

R: ``stats::model.matrix.default`` and the C ``modelmatrix`` in
``src/library/stats/src/model.c``; ``stats:::.getXlevels``.

Coding rules (all R's):

* factors, logicals and character vectors are categorical (character levels are the
  sorted unique values; logical levels are always ``FALSE``, ``TRUE``);
* each categorical variable gets its contrasts: a ``C()`` setting, else the
  ``contrasts=`` argument, else ``contr.poly`` for ordered factors and
  ``contr.treatment`` otherwise;
* in each term a categorical variable is coded by those contrasts when the term
  without it appears earlier (or is empty), else by indicators for every level — the
  ``factors`` matrix of :mod:`rglm.formula.terms`; without an intercept the first
  categorical variable of the first term containing one is coded by indicators;
* a term's columns are the products of its variables' columns, the first variable
  varying fastest; names join ``<variable><suffix>`` with ``:``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from ..errors import RError, rwarn
from .contrasts import ContrastMatrix, contrast_matrix
from .frame import ModelFrame, model_frame
from .memory import allocate
from .terms import Terms, delete_response
from .levels import Categorical, as_categorical
from .values import FrozenState, RMatrix, is_character, is_factor

__all__ = ["ModelMatrix", "ModelSpec", "model_matrix", "get_xlevels", "DEFAULT_CONTRASTS"]

DEFAULT_CONTRASTS = ("contr.treatment", "contr.poly")
"""R's ``options(contrasts = c(unordered = "contr.treatment", ordered = "contr.poly"))``."""


@dataclass(frozen=True)
class ModelSpec:
    """What is needed to code new data exactly as the fitted data.

    R: the ``terms`` (with ``predvars``), ``xlevels`` and ``contrasts`` components of a
    fit, as ``predict.lm`` uses them.

    Attributes
    ----------
    terms : Terms
        The fitted terms (with response; it is deleted for new data).
    xlevels : dict or None
        Levels of each factor/character predictor.
    contrasts : dict
        The contrasts used per categorical variable (names or matrices).
    state : FrozenState
        poly()/scale() coefficients.
    """

    terms: Terms
    xlevels: Optional[Mapping[str, tuple]]
    contrasts: Mapping[str, Any]
    state: FrozenState

    def model_frame(self, newdata: Any, na_action: str = "na.pass",
                    env: Optional[Mapping[str, Any]] = None) -> ModelFrame:
        """The model frame of new data, without response.

        R: ``model.frame(delete.response(terms), newdata, na.action = na.pass,
        xlev = object$xlevels)`` in ``predict.lm``. NA rows are kept (na.pass) and give
        NaN rows in the matrix; an unseen factor level raises ``factor f has new
        level(s) ...``.
        """
        xlev = {k: list(v) for k, v in (self.xlevels or {}).items()}
        return model_frame(delete_response(self.terms), newdata, na_action=na_action,
                           drop_unused_levels=False, env=env, xlev=xlev or None,
                           state=self.state)

    def model_matrix(self, newframe: ModelFrame) -> "ModelMatrix":
        """The model matrix of a frame from :meth:`model_frame`, with the fitted contrasts.

        R: ``model.matrix(Terms, m, contrasts.arg = object$contrasts)``.
        """
        return model_matrix(newframe, contrasts=dict(self.contrasts))


@dataclass(frozen=True)
class ModelMatrix:
    """A model matrix.

    R: the value of ``model.matrix`` with its attributes.

    Attributes
    ----------
    x : numpy.ndarray
        ``n x p`` float64, Fortran order (``n x 0`` for an empty model).
    colnames : tuple of str
        R's column names (``(Intercept)``, ``fb``, ``x:fb``, ``poly(x, 2)1``, ``o.L``).
    assign : numpy.ndarray
        Term index of each column, 0 for the intercept (R: ``attr(, "assign")``).
    contrasts : dict
        Categorical variable name → the contrasts used: R's name (``"contr.treatment"``)
        or, where a matrix or function was given, the matrix as a DataFrame (rows =
        levels). Empty where R's attribute is NULL.
    xlevels : dict or None
        Levels of every factor/character predictor (logicals excluded); ``{}`` when
        there are predictors but none is categorical, None for an intercept-only model
        (R: ``.getXlevels``).
    term_labels : tuple of str
        The terms' labels.
    spec : ModelSpec
        For coding new data.
    """

    x: np.ndarray = field(repr=False)
    colnames: tuple
    assign: np.ndarray = field(repr=False)
    contrasts: Mapping[str, Any]
    xlevels: Optional[Mapping[str, tuple]]
    term_labels: tuple
    spec: ModelSpec = field(repr=False)

    def to_frame(self, index: Optional[pd.Index] = None) -> pd.DataFrame:
        """The matrix as a DataFrame with R's column names (a copy)."""
        return pd.DataFrame(self.x.copy(), columns=list(self.colnames), index=index)


# ------------------------------------------------------------------------------------
# xlevels
# ------------------------------------------------------------------------------------

def get_xlevels(t: Terms, mf: ModelFrame, cats: Optional[Mapping[str, Categorical]] = None
                ) -> Optional[dict]:
    """Levels of every factor or character predictor.

    R: ``stats:::.getXlevels(terms, mf)`` — None when there is no predictor variable
    (offsets count as predictors), else a dict (empty when none is categorical).
    ``cats`` may hold the frame's columns already coded (coding a character column of
    many rows is not free).
    """
    names = list(mf.variables)[:len(t.variables)]
    xvars = [names[i] for i in t.predictor_variables()]
    if not xvars:
        return None
    cats = cats or {}
    out = {}
    for name in xvars:
        v = mf.variables[name]
        if isinstance(v, pd.Series) and (is_factor(v) or is_character(v)):
            out[name] = (cats[name] if name in cats else as_categorical(v)).levels
    return out


# ------------------------------------------------------------------------------------
# contrasts
# ------------------------------------------------------------------------------------

def _as_spec(value: Any) -> tuple:
    """(spec for contrast_matrix, how_many, attribute to report) of a contrasts= entry."""
    if isinstance(value, ContrastMatrix):
        cols = list(value.colnames) if value.colnames is not None else None
        value = pd.DataFrame(value.matrix, columns=cols)
    if isinstance(value, str):
        return value, None, value
    if isinstance(value, (np.ndarray, pd.DataFrame)):
        arr = np.asarray(value)
        ncol = 1 if arr.ndim == 1 else arr.shape[1]
        # R: contrasts(x, ncol(ca)) <- ca — exactly the matrix's columns are used.
        return value, ncol, None
    if callable(value):
        return value, None, None
    raise RError("numeric contrasts or contrast name expected")


def _matrix_attr(cm: ContrastMatrix, levels: tuple) -> pd.DataFrame:
    cols = list(cm.colnames) if cm.colnames is not None else None
    return pd.DataFrame(cm.matrix.copy(), index=pd.Index(list(levels)), columns=cols)


@dataclass(frozen=True)
class _Coding:
    contr1: ContrastMatrix
    contr2: ContrastMatrix
    attr: Any


def _codings(cats: dict, contrasts: Optional[Mapping[str, Any]]) -> dict:
    """Contrast and indicator matrices of every categorical variable (R's loop setting
    ``contrasts(data[[nn]]) <- ...`` before calling the C code)."""
    given = dict(contrasts or {})
    for name in given:
        if name not in cats:
            rwarn(f"variable '{name}' is absent, its contrast will be ignored")
    out = {}
    for name, c in cats.items():
        if len(c.levels) < 2:
            raise RError("contrasts can be applied only to factors with 2 or more levels")
        if name in given:
            spec, how_many, attr = _as_spec(given[name])
        elif c.attr is not None:
            spec, how_many, attr = _as_spec(c.attr)
        else:
            spec = DEFAULT_CONTRASTS[1] if c.ordered else DEFAULT_CONTRASTS[0]
            how_many, attr = None, spec
        contr1 = contrast_matrix(spec, list(c.levels), contrasts=True, how_many=how_many)
        contr2 = contrast_matrix(spec, list(c.levels), contrasts=False)
        out[name] = _Coding(contr1, contr2, attr if attr is not None
                            else _matrix_attr(contr1, c.levels))
    return out


# ------------------------------------------------------------------------------------
# the matrix
# ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    """One variable's columns within a term: values (n x m) or a coded factor."""

    name: str
    suffixes: tuple  # one per column; "" for a single numeric column
    values: Optional[np.ndarray] = None  # numeric n x m
    coding: Optional[ContrastMatrix] = None  # a factor's contrasts (or indicators)
    codes: Optional[np.ndarray] = None  # its level codes (NA -> k)
    na: bool = False  # whether any code is NA

    @property
    def width(self) -> int:
        return len(self.suffixes)

    def column(self, j: int, out: Optional[np.ndarray] = None) -> np.ndarray:
        """Column ``j`` (written into ``out`` when given)."""
        if self.values is not None:
            if out is None:
                return self.values[:, j]
            out[:] = self.values[:, j]
            return out
        return self.coding.column(self.codes, j, out=out, na=self.na)


def _numeric_block(name: str, v: Any) -> _Block:
    if isinstance(v, RMatrix):
        vals = np.asarray(v.values, dtype=np.float64)
        m = vals.shape[1]
        if m > 1:
            sfx = tuple(v.colnames) if v.colnames is not None else \
                tuple(str(j + 1) for j in range(m))
        else:
            sfx = ("",) * m
        return _Block(name, sfx, values=vals)
    if isinstance(v, pd.Series):
        if v.dtype.kind not in "iufb" and v.dtype != "boolean":
            raise RError(f"variables of type '{v.dtype}' are not allowed in model matrices")
        return _Block(name, ("",), values=v.to_numpy(dtype=np.float64,
                                                     na_value=np.nan)[:, None])
    raise RError(f"invalid type for variable '{name}'")


def _factor_block(name: str, c: Categorical, cm: ContrastMatrix) -> _Block:
    # NA (code -1, only with na.pass) becomes level k, which codes as NaN.
    na = bool((c.codes < 0).any())
    codes = np.where(c.codes < 0, cm.nlevels, c.codes) if na else c.codes
    return _Block(name, tuple(cm.suffixes()), coding=cm, codes=codes, na=na)


def model_matrix(mf: ModelFrame, contrasts: Optional[Mapping[str, Any]] = None) -> ModelMatrix:
    """The design matrix of a model frame.

    R: ``model.matrix(terms, mf, contrasts.arg = contrasts)`` as ``glm()`` calls it
    (an ``n x 0`` matrix for an empty model).

    Parameters
    ----------
    mf : ModelFrame
    contrasts : mapping, optional
        Per categorical variable: a contrast function's name (``"contr.sum"``), a
        matrix (ndarray or DataFrame whose columns name the contrasts; exactly its
        columns are used, as R's ``contrasts(x, ncol(m)) <- m``) or a function of the
        number of levels (R's ``glm(contrasts = list(f = "contr.sum"))``).

    Returns
    -------
    ModelMatrix

    Raises
    ------
    RError
        ``contrasts can be applied only to factors with 2 or more levels``.
    """
    t = mf.terms
    var_names = list(mf.variables)[:len(t.variables)]
    cats = _categoricals(mf)
    xlevels = get_xlevels(t, mf, cats)
    if t.is_empty_model:
        x = np.empty((mf.nrow, 0), dtype=np.float64, order="F")
        return _result(x, (), np.zeros(0, dtype=np.int64), {}, xlevels, t, mf)

    codings = _codings(cats, contrasts)
    blocks_per_term = _term_blocks(mf, var_names, cats, codings)
    x, colnames, assign = _fill_matrix(blocks_per_term, mf.nrow, t.intercept)
    attrs = {name: codings[name].attr for name in cats}
    return _result(x, colnames, assign, attrs, xlevels, t, mf)


def _categoricals(mf: ModelFrame) -> dict:
    """The categorical columns of the frame, the response excluded (R's ``isF``)."""
    t = mf.terms
    cats = {}
    for pos, (name, v) in enumerate(mf.variables.items()):
        if t.response is not None and pos == t.response:
            continue
        c = as_categorical(v)
        if c is not None:
            cats[name] = c
    return cats


def _term_blocks(mf: ModelFrame, var_names: list, cats: dict, codings: dict) -> list:
    """Each term's variables as blocks of columns, a factor coded by its contrasts or
    by indicators as the ``factors`` matrix says (R: the C ``modelmatrix``'s coding of
    each term); the response alone on the right-hand side gives no block."""
    t = mf.terms
    factors = np.array(t.factors, dtype=np.int64)
    if not t.intercept:
        _first_factor_indicators(factors, t, var_names, cats)
    rhs_response = _rhs_response_term(t, factors)
    blocks_per_term = []
    for j, tv in enumerate(t.term_vars):
        if j == rhs_response:
            rwarn("the response appeared on the right-hand side and was dropped")
            blocks_per_term.append([])
            continue
        blocks = []
        for i in tv:
            name = var_names[i]
            if name in cats:
                cm = codings[name].contr1 if factors[i, j] == 1 else codings[name].contr2
                blocks.append(_factor_block(t.variable_names[i], cats[name], cm))
            else:
                blocks.append(_numeric_block(t.variable_names[i], mf.variables[name]))
        blocks_per_term.append(blocks)
    return blocks_per_term


def _fill_matrix(blocks_per_term: list, n: int, intercept: bool) -> tuple:
    """The matrix (intercept column first), its column names and ``assign``, from each
    term's blocks; a term without columns is warned about, as R does."""
    widths = [int(np.prod([b.width for b in bl])) if bl else 0 for bl in blocks_per_term]
    for j, w in enumerate(widths):
        if w <= 0:
            rwarn(f"problem with term {j + 1} in model.matrix: no columns are assigned")
    p = int(intercept) + sum(widths)
    x = allocate((n, p), "the model matrix")  # zeros
    colnames: list = []
    assign = np.empty(p, dtype=np.int64)
    k = 0
    if intercept:
        x[:, 0] = 1.0
        colnames.append("(Intercept)")
        assign[0] = 0
        k = 1
    for j, blocks in enumerate(blocks_per_term):
        if not (len(blocks) == 1 and _fill_indicators(x[:, k:k + widths[j]], blocks[0])):
            for col in range(widths[j]):
                _fill_column(x[:, k + col], blocks, col)
        colnames.extend(_column_name(blocks, col) for col in range(widths[j]))
        assign[k:k + widths[j]] = j + 1
        k += widths[j]
    return x, tuple(colnames), assign


def _result(x, colnames, assign, attrs, xlevels, t, mf) -> ModelMatrix:
    assign.setflags(write=False)
    spec = ModelSpec(terms=t, xlevels=xlevels, contrasts=attrs, state=mf.state)
    return ModelMatrix(x=x, colnames=colnames, assign=assign, contrasts=attrs,
                       xlevels=xlevels, term_labels=t.term_labels, spec=spec)


def _first_factor_indicators(factors: np.ndarray, t: Terms, var_names: list,
                             cats: dict) -> None:
    """R: without an intercept, the first categorical variable (term order, then
    variable order) is coded by indicators for all its levels."""
    first = 0 if t.response is None else t.response + 1
    for j in range(factors.shape[1]):
        for i in range(first, factors.shape[0]):
            if var_names[i] in cats and factors[i, j] > 0:
                factors[i, j] = 2
                return


def _rhs_response_term(t: Terms, factors: np.ndarray) -> Optional[int]:
    """The term consisting of the response alone (R drops it with a warning)."""
    if t.response is None:
        return None
    for j in range(factors.shape[1]):
        if factors[t.response, j] and (factors[:, j] > 0).sum() == 1:
            return j
    return None


def _fill_indicators(out: np.ndarray, block: _Block) -> bool:
    """A factor alone in its term coded by indicators (treatment contrasts, or one column
    per level) into ``out``, which holds zeros: a 1 per row where its level has a column,
    one pass over the rows instead of one per column. False (nothing written) for other
    blocks."""
    cm = block.coding
    if cm is None or cm.kind != "indicator" or block.na:
        return False
    column_of = np.full(cm.nlevels, -1, dtype=np.intp)
    column_of[cm.indicated] = np.arange(len(cm.indicated))
    cols = column_of[block.codes]
    rows = np.flatnonzero(cols >= 0)
    out[rows, cols[rows]] = 1.0
    return True


def _fill_column(out: np.ndarray, blocks: list, col: int) -> None:
    """Column ``col`` of a term: the product of one column per variable, the first
    variable's index varying fastest."""
    idx = col
    first = True
    for b in blocks:
        j = idx % b.width
        idx //= b.width
        if first:
            b.column(j, out=out)
            first = False
        else:
            np.multiply(out, b.column(j), out=out)


def _column_name(blocks: list, col: int) -> str:
    parts = []
    idx = col
    for b in blocks:
        j = idx % b.width
        idx //= b.width
        parts.append(b.name + b.suffixes[j])
    return ":".join(parts)
