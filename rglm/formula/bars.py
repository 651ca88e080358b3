"""lme4's random-effects formula syntax: bars, and the random-effects structure of a frame.

R: ``lme4::findbars``, ``lme4::nobars``, ``lme4::subbars``, ``lme4::expandDoubleVerts``,
``lme4::mkReTrms`` (with ``mkBlist``, ``factorize``, ``%i%``), ``lme4::checkNlevels`` and
``lme4::checkZdims``.

A random-effects term is a call ``expr | g``: ``expr`` is a model formula's right-hand
side (``1``, ``x``, ``0 + x``, ``f``), evaluated as ``model.matrix(~ expr)``; ``g`` is the
grouping factor. The syntax sugar, as lme4 expands it:

==================  =====================================================
``(x || g)``        ``(1 | g) + (0 + x | g)``: one term per column, independent
``(1 | a/b)``       ``(1 | b:a) + (1 | a)``: nested
``(1 | a:b)``       one factor, the observed combinations of ``a`` and ``b``
``(1|a) + (1|b)``   two terms (crossed or nested, as the data say)
==================  =====================================================

For the model frame lme4 replaces each bar by ``+`` (:func:`subbars`), so that the
grouping variables join the frame and its NA handling; the fixed-effects formula is the
formula without its bars (:func:`nobars`).

Conventions of :class:`ReTerms` (lme4's, with 0-based indices):

* terms are sorted by decreasing number of levels, as ``mkReTrms`` sorts them (its
  ``rev(order(nl))``: ties are *reversed*, and the order is kept when no term has more
  levels than the one before it);
* ``Z`` (n x q) has, per term k with ``p_k`` columns and ``l_k`` levels, the
  ``l_k p_k`` columns ``Gp[k] + j p_k + c`` (level-major: level j, column c);
* Lambda is block diagonal, ``I_{l_k} (x) T_k`` with ``T_k`` lower triangular, filled
  column-wise from the term's slice of theta; ``Lind`` maps each stored value of
  ``Lambdat`` (CSC, lme4's layout) to its theta index;
* lower bounds are 0 for the diagonal elements of each ``T_k``, -inf elsewhere; the
  starting theta is 1 on the diagonal, 0 elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import RError
from .ast import Arg, Call, Node, Number, Symbol
from .deparse import deparse1
from .frame import ModelFrame
from .levels import as_categorical
from .parse import parse_expr, parse_formula
from .rfunctions import make_factor
from .terms import terms as make_terms
from .values import REnv, is_factor

__all__ = [
    "is_bar", "any_bars", "expand_double_verts", "findbars", "nobars", "subbars",
    "bar_names", "ReTerm", "ReTerms", "mk_reterms", "check_nlevels", "check_zdims",
    "sub_frame",
]

_BARS = ("|", "||")


# --------------------------------------------------------------------------------------
# AST helpers
# --------------------------------------------------------------------------------------

def _binary(op: str, a: Node, b: Node) -> Call:
    return Call(Symbol(op), (Arg(None, a), Arg(None, b)))


def _paren(node: Node) -> Call:
    return Call(Symbol("("), (Arg(None, node),))


def _args(node: Call) -> list:
    return [a.value for a in node.args]


def _with_args(node: Call, values: Sequence[Node]) -> Call:
    return Call(node.fn, tuple(Arg(a.name, v) for a, v in zip(node.args, values)))


def is_bar(node: Node) -> bool:
    """Whether ``node`` is a call to ``|`` or ``||`` (R: ``lme4:::isBar``)."""
    return isinstance(node, Call) and node.fname in _BARS


def _names_in(node: Node) -> set:
    """R's ``all.names``: every symbol, function names included."""
    if isinstance(node, Symbol):
        return {node.name}
    if isinstance(node, Call):
        out = _names_in(node.fn)
        for a in node.args:
            out |= _names_in(a.value)
        return out
    return set()


def _vars_in(node: Node) -> list:
    """R's ``all.vars``: the symbols in argument positions, in order, without repeats."""
    out: list = []

    def walk(n: Node) -> None:
        if isinstance(n, Symbol):
            if n.name not in out:
                out.append(n.name)
        elif isinstance(n, Call):
            for a in n.args:
                walk(a.value)

    walk(node)
    return out


def any_bars(node: Node) -> bool:
    """Whether ``|`` or ``||`` appears anywhere in ``node`` (R: ``lme4:::anyBars``)."""
    return bool(_names_in(node) & set(_BARS))


def _rhs(formula: Union[str, Node]) -> Node:
    node = parse_formula(formula) if isinstance(formula, str) else formula
    if isinstance(node, Call) and node.fname == "~":
        return node.args[-1].value
    return node


# --------------------------------------------------------------------------------------
# || expansion, findbars, subbars, nobars
# --------------------------------------------------------------------------------------

def _expand_double_vert(term: Call) -> Node:
    """``(a + b || g)`` -> ``(1 | g) + (0 + a | g) + (0 + b | g)``.

    lme4 pastes ``"0+" + label`` for each term label of ``~ lhs`` (and ``"1"`` first when
    that formula has an intercept) and parses the result; so do we.
    """
    lhs, group = _args(term)
    t = make_terms(Call(Symbol("~"), (Arg(None, lhs),)))
    pieces = [parse_expr(f"0+{lab}") for lab in t.term_labels]
    if t.intercept:
        pieces.insert(0, Number(1.0))
    out: Optional[Node] = None
    for piece in pieces:
        bar = _paren(_binary("|", piece, group))
        out = bar if out is None else _binary("+", out, bar)
    if out is None:
        raise RError("invalid random-effects term: no columns left of '||'")
    return out


def expand_double_verts(node: Node) -> Node:
    """Expand every ``(expr || g)`` into independent terms.

    R: ``lme4::expandDoubleVerts``.
    """
    if not isinstance(node, Call):
        return node
    if node.fname == "||":
        return _expand_double_vert(node)
    return _with_args(node, [expand_double_verts(v) for v in _args(node)])


def _find(node: Node) -> list:
    if not isinstance(node, Call):
        return []
    if node.fname == "|":
        return [node]
    out: list = []
    for v in _args(node):
        out.extend(_find(v))
    return out


def _slash_terms(node: Node) -> Union[Node, list]:
    if "/" not in _names_in(node):
        return node
    if not (isinstance(node, Call) and node.fname == "/"):
        raise RError("unparseable formula for grouping factor")
    a, b = _args(node)
    return [_slash_terms(a), _slash_terms(b)]


def _make_interaction(x: Union[Node, list]) -> Union[Node, list]:
    # R: makeInteraction() inside lme4's expandSlash: list(b:a, <terms of a>).
    if not isinstance(x, list):
        return x
    first = _make_interaction(x[0])
    head = first[0] if isinstance(first, list) else first
    return [_binary(":", x[1], head), first]


def _flatten(x: Union[Node, list]) -> list:
    if isinstance(x, list):
        return [n for item in x for n in _flatten(item)]
    return [x]


def findbars(formula: Union[str, Node]) -> tuple:
    """The random-effects terms of a formula, ``||`` and ``/`` expanded.

    R: ``lme4::findbars``.

    Parameters
    ----------
    formula : str or Node
        A formula (its right-hand side is searched) or a right-hand side.

    Returns
    -------
    tuple of Call
        The ``expr | g`` calls, in formula order; ``(1 | a/b)`` gives ``(1 | b:a)`` then
        ``(1 | a)``.
    """
    out: list = []
    for bar in _find(expand_double_verts(_rhs(formula))):
        lhs, group = _args(bar)
        trms = _slash_terms(group)
        if isinstance(trms, list):
            for g in _flatten(_make_interaction(trms)):
                out.append(_binary("|", lhs, g))
        else:
            out.append(bar)
    return tuple(out)


def subbars(formula: Union[str, Node]) -> Node:
    """The formula with every ``|`` and ``||`` replaced by ``+`` (for the model frame).

    R: ``lme4::subbars``.
    """
    node = parse_formula(formula) if isinstance(formula, str) else formula
    if not isinstance(node, Call):
        return node
    fn = Symbol("+") if node.fname in _BARS else node.fn
    return Call(fn, tuple(Arg(a.name, subbars(a.value)) for a in node.args))


def _nobars(node: Node) -> Optional[Node]:
    if not any_bars(node):
        return node
    if is_bar(node):
        return None
    assert isinstance(node, Call)
    if node.fname not in ("~", "(") and any(is_bar(v) for v in _args(node)):
        return None
    args = _args(node)
    if len(args) == 1:
        inner = _nobars(args[0])
        return None if inner is None else _with_args(node, [inner])
    left, right = _nobars(args[0]), _nobars(args[1])
    if left is None:
        return right
    if right is None:
        return left
    return _with_args(node, [left, right] + args[2:])


def nobars(formula: Union[str, Node]) -> Node:
    """The formula without its random-effects terms (the fixed-effects part).

    R: ``lme4::nobars``: ``y ~ x + (1 | g)`` -> ``y ~ x``; ``y ~ (1 | g)`` -> ``y ~ 1``;
    a right-hand side with nothing left -> ``1``.
    """
    node = parse_formula(formula) if isinstance(formula, str) else formula
    is_formula = isinstance(node, Call) and node.fname == "~"
    nb = _nobars(node)
    if is_formula and len(node.args) == 2 and not (isinstance(nb, Call) and nb.fname == "~"):
        # Everything right of ~ was bars: lme4 rebuilds `response ~ 1`.
        return Call(Symbol("~"), (Arg(None, node.args[0].value), Arg(None, Number(1.0))))
    if nb is None:
        return Call(Symbol("~"), (Arg(None, Number(1.0)),)) if is_formula else Number(1.0)
    return nb


def bar_names(bars: Sequence[Call]) -> tuple:
    """The deparsed grouping expression of each bar (R: ``lme4:::barnames``)."""
    return tuple(deparse1(_args(b)[1]) for b in bars)


# --------------------------------------------------------------------------------------
# The random-effects structure of a model frame (mkReTrms)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReTerm:
    """One random-effects term ``expr | g`` evaluated in a model frame.

    R: one element of ``mkReTrms``' ``blist`` (``ff``, ``sm``, ``nl``, ``cnms``).

    Attributes
    ----------
    bar : Call
        The term, as :func:`findbars` gives it.
    name : str
        The deparsed term (R: ``names(reTrms$Ztlist)``, e.g. ``"1 | herd"``).
    group : str
        The deparsed grouping expression (``"herd"``, ``"cask:batch"``).
    levels : tuple of str
        The grouping factor's levels (unused levels dropped).
    codes : numpy.ndarray
        int64, 0-based level of each row (read-only).
    X : numpy.ndarray
        The raw model matrix of ``expr`` (n x p, float64, read-only).
    cnms : tuple of str
        Its column names (R: ``reTrms$cnms[[k]]``).
    """

    bar: Call
    name: str
    group: str
    levels: tuple
    codes: np.ndarray = field(repr=False)
    X: np.ndarray = field(repr=False)
    cnms: tuple

    @property
    def nl(self) -> int:
        """Number of levels."""
        return len(self.levels)

    @property
    def p(self) -> int:
        """Number of columns of ``X`` (random effects per level)."""
        return self.X.shape[1]

    @property
    def ntheta(self) -> int:
        """Number of theta elements: the lower triangle of a p x p matrix."""
        return self.p * (self.p + 1) // 2


@dataclass(frozen=True)
class ReTerms:
    """The random-effects structure of a model.

    R: the value of ``lme4::mkReTrms`` (``Zt``, ``theta``, ``Lind``, ``Gp``, ``lower``,
    ``Lambdat``, ``flist``, ``cnms``, ``Ztlist``, ``nl``), with 0-based indices.

    Attributes
    ----------
    terms : tuple of ReTerm
        Sorted by decreasing number of levels (lme4's order).
    Zt : scipy.sparse.csc_matrix
        q x n, the transposed random-effects model matrix (explicit zeros kept where
        ``X`` has zeros; lme4's ``drop0`` removes them: compare after
        ``eliminate_zeros``). Only for the general sparse path and for ``getME``: the
        engine works from ``codes`` and ``X``.
    Lambdat : scipy.sparse.csc_matrix
        q x q, the transposed relative covariance factor at the starting theta.
    Lind : numpy.ndarray
        int64, the 0-based theta index of each stored value of ``Lambdat``.
    theta : numpy.ndarray
        The starting theta (1 on diagonals, 0 off them).
    lower : numpy.ndarray
        Lower bounds of theta (0 on diagonals, -inf off them).
    Gp : numpy.ndarray
        int64, the first column of each term in Z, then q.
    theta_offsets : numpy.ndarray
        int64, the first theta index of each term, then the length of theta.
    flist : Mapping[str, tuple]
        Grouping factor name -> (levels, codes), one entry per distinct grouping
        expression, in term order (R: ``reTrms$flist``).
    flist_assign : tuple of int
        0-based index into ``flist`` of each term (R: ``attr(flist, "assign")`` - 1).
    cnms : tuple of (str, tuple)
        (grouping name, column names) per term (R: ``reTrms$cnms``; names repeat for
        ``||`` terms).
    theta_names : tuple of str
        lme4's names of theta (``herd.(Intercept)``, ``herd.pn.(Intercept)``, ``herd.pn``).
    n : int
        Number of rows.
    """

    terms: tuple
    Zt: sp.csc_matrix = field(repr=False)
    Lambdat: sp.csc_matrix = field(repr=False)
    Lind: np.ndarray = field(repr=False)
    theta: np.ndarray
    lower: np.ndarray
    Gp: np.ndarray
    theta_offsets: np.ndarray
    flist: Mapping[str, tuple] = field(repr=False)
    flist_assign: tuple
    cnms: tuple
    theta_names: tuple
    n: int

    @property
    def q(self) -> int:
        """Total number of random effects."""
        return int(self.Gp[-1])

    @property
    def nl(self) -> tuple:
        """Number of levels per term."""
        return tuple(t.nl for t in self.terms)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _interaction(f1: Any, f2: Any) -> pd.Series:
    """lme4's ``f1 %i% f2``: labels ``"a:b"``, levels in the order of the first factor's
    levels, then the second's, among the observed combinations only."""
    c1, c2 = as_categorical(f1), as_categorical(f2)
    if c1 is None or c2 is None:
        raise RError("both inputs must be factors")
    na = (c1.codes < 0) | (c2.codes < 0)
    rank = len(c2.levels) * c1.codes + c2.codes
    observed, codes = np.unique(np.where(na, -1, rank), return_inverse=True)
    keep = observed >= 0
    labels = [f"{c1.levels[r // len(c2.levels)]}:{c2.levels[r % len(c2.levels)]}"
              for r in observed[keep]]
    codes = codes - (0 if keep.all() else 1)
    codes[na] = -1
    cat = pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype="str"))
    return pd.Series(cat)


def _as_factor(v: Any) -> pd.Series:
    # R: lme4's makeFac -- factor(x) unless x is a factor already.
    return v if is_factor(v) else make_factor(v)


def _group_factor(node: Node, columns: Mapping[str, Any]) -> pd.Series:
    """Evaluate a grouping expression in the (factorised) frame columns."""
    name = deparse1(node)
    if name in columns:
        return _as_factor(columns[name])
    if isinstance(node, Call) and node.fname == "(":
        return _group_factor(node.args[0].value, columns)
    if isinstance(node, Call) and node.fname == ":" and len(node.args) == 2:
        a, b = _args(node)
        return _interaction(_group_factor(a, columns), _group_factor(b, columns))
    from .evaluate import evaluate  # evaluation pulls in R's function table

    try:
        value = evaluate(node, REnv.from_data(dict(columns)))
    except RError as err:
        raise RError(f"couldn't evaluate grouping factor {name} within model frame: "
                     f"{err} Try adding grouping factor to data frame explicitly if "
                     "possible") from None
    return _as_factor(value)


def sub_frame(frame: ModelFrame, formula: Union[str, Node],
              columns: Optional[Mapping[str, Any]] = None) -> ModelFrame:
    """The model frame of ``formula`` made of ``frame``'s rows and columns.

    R: ``model.frame(formula, fr)`` where every variable of ``formula`` is a column of
    the full frame ``fr`` (lme4 codes the fixed effects, ``model.matrix(fixedform, fr)``,
    and each term's ``model.matrix(~ expr, fr)`` this way: rows dropped for an NA in any
    variable, the grouping variables included, stay dropped).
    """
    node = parse_formula(formula) if isinstance(formula, str) else formula
    if not (isinstance(node, Call) and node.fname == "~"):
        node = Call(Symbol("~"), (Arg(None, node),))
    t = make_terms(node)
    cols = frame.variables if columns is None else columns
    missing = [v for v in t.variable_names if v not in cols]
    if missing:
        raise RError(f"object '{missing[0]}' not found")
    return ModelFrame(variables=MappingProxyType({v: cols[v] for v in t.variable_names}),
                      terms=t, row_names=frame.row_names, na_action=frame.na_action,
                      state=frame.state, nrow=frame.nrow)


def _term_matrix(lhs: Node, columns: Mapping[str, Any], frame: ModelFrame):
    """``model.matrix(~ lhs, frame)`` with the frame's (factorised) columns."""
    from .design import model_matrix  # design imports frame; keep this module light

    mm = model_matrix(sub_frame(frame, lhs, columns))
    return np.ascontiguousarray(mm.x, dtype=np.float64), tuple(mm.colnames)


def _theta_names(group: str, cnms: Sequence[str]) -> list:
    # R: lme4's mkPfun(old = TRUE): "g.c" on the diagonal, "g.c_i.c_j" below it,
    # column-wise lower triangle.
    p = len(cnms)
    out = []
    for j in range(p):
        for i in range(j, p):
            out.append(f"{group}.{cnms[i]}" if i == j else f"{group}.{cnms[i]}.{cnms[j]}")
    return out


def _sort_order(nl: Sequence[int]) -> list:
    """lme4's ``if (any(diff(nl) > 0)) rev(order(nl))``: decreasing, ties reversed."""
    if not any(b > a for a, b in zip(nl, nl[1:])):
        return list(range(len(nl)))
    return list(reversed(np.argsort(np.asarray(nl), kind="stable").tolist()))


def _lambdat(terms_: Sequence[ReTerm], Gp: np.ndarray, thoff: np.ndarray):
    """Lambdat's pattern (upper triangular CSC) and Lind, as lme4 builds them."""
    rows, cols, idx = [], [], []
    for k, t in enumerate(terms_):
        p, nl = t.p, t.nl
        ii, jj = np.tril_indices(p)  # row-wise; lme4 orders theta column-wise
        order = np.lexsort((ii, jj))
        ii, jj = ii[order], jj[order]
        base = Gp[k] + p * np.arange(nl)[:, None]
        # Lambda[i, j] = T[ii, jj] for each level block; Lambdat is its transpose.
        rows.append((base + jj).ravel())
        cols.append((base + ii).ravel())
        idx.append(np.tile(thoff[k] + np.arange(len(ii)), nl))
    q = int(Gp[-1])
    r, c, x = (np.concatenate(v) if v else np.zeros(0, np.int64) for v in (rows, cols, idx))
    m = sp.csc_matrix((x.astype(np.float64) + 1.0, (r, c)), shape=(q, q))
    m.sort_indices()
    lind = m.data.astype(np.int64) - 1
    return m, lind


def mk_reterms(bars: Sequence[Call], frame: ModelFrame) -> ReTerms:
    """The random-effects structure of ``bars`` evaluated in a model frame.

    R: ``lme4::mkReTrms(bars, fr)`` (``drop.unused.levels = TRUE``,
    ``reorder.terms = TRUE``).

    Parameters
    ----------
    bars : sequence of Call
        The terms, from :func:`findbars`.
    frame : ModelFrame
        The model frame of :func:`subbars` of the formula: every variable of each bar is
        one of its columns (a grouping expression that is itself a column, such as
        ``factor(x)``, is taken as it is).

    Returns
    -------
    ReTerms

    Raises
    ------
    RError
        ``No random effects terms specified in formula``, ``Invalid grouping factor
        specification, g``, ``couldn't evaluate grouping factor ...``.
    """
    if not bars:
        raise RError("No random effects terms specified in formula")
    n = frame.nrow
    built = []
    for bar in bars:
        lhs, group = _args(bar)
        columns = dict(frame.variables)
        # R: factorize() converts the grouping expression's variables to factors in the
        # frame that both the grouping factor and model.matrix(~ expr) then see.
        for v in _vars_in(group):
            if v in columns and isinstance(columns[v], pd.Series):
                columns[v] = _as_factor(columns[v])
        ff = _group_factor(group, columns)
        cat = as_categorical(ff)
        codes = cat.codes
        if n and (codes < 0).all():
            raise RError(f"Invalid grouping factor specification, {deparse1(group)}")
        used = np.unique(codes[codes >= 0])
        levels = tuple(cat.levels[i] for i in used)
        if len(used) != len(cat.levels):
            remap = np.full(len(cat.levels) + 1, -1, dtype=np.int64)
            remap[used] = np.arange(len(used))
            codes = remap[codes]
        X, cn = _term_matrix(lhs, columns, frame)
        built.append(ReTerm(bar=bar, name=deparse1(bar), group=deparse1(group),
                            levels=levels, codes=_frozen(codes.astype(np.int64)),
                            X=_frozen(X), cnms=cn))
    terms_ = tuple(built[i] for i in _sort_order([t.nl for t in built]))

    nb = np.array([t.nl * t.p for t in terms_], dtype=np.int64)
    Gp = np.concatenate([[0], np.cumsum(nb)]).astype(np.int64)
    nth = np.array([t.ntheta for t in terms_], dtype=np.int64)
    thoff = np.concatenate([[0], np.cumsum(nth)]).astype(np.int64)

    # Z (n x q) as CSR: per row, each term's p columns at Gp[k] + code * p + (0..p-1).
    P = int(sum(t.p for t in terms_))
    cols = np.concatenate(
        [(Gp[k] + t.codes[:, None] * t.p + np.arange(t.p)[None, :]) for k, t in enumerate(terms_)],
        axis=1) if terms_ else np.zeros((n, 0), np.int64)
    vals = np.concatenate([t.X for t in terms_], axis=1)
    Z = sp.csr_matrix((vals.ravel(), cols.ravel(), np.arange(0, n * P + 1, P)),
                      shape=(n, int(Gp[-1])))
    Zt = Z.T.tocsc()
    Zt.sort_indices()

    Lambdat, Lind = _lambdat(terms_, Gp, thoff)
    lower = np.full(int(thoff[-1]), -np.inf)
    for k, t in enumerate(terms_):
        ii, jj = np.tril_indices(t.p)
        order = np.lexsort((ii, jj))
        lower[thoff[k] + np.flatnonzero(ii[order] == jj[order])] = 0.0
    theta = np.where(np.isfinite(lower), 1.0, 0.0)
    Lambdat = Lambdat.copy()
    Lambdat.data = theta[Lind]

    flist: dict = {}
    assign = []
    for t in terms_:
        if t.group not in flist:
            flist[t.group] = (t.levels, t.codes)
        assign.append(list(flist).index(t.group))
    names = [nm for t in terms_ for nm in _theta_names(t.group, t.cnms)]
    return ReTerms(
        terms=terms_, Zt=Zt, Lambdat=Lambdat, Lind=_frozen(Lind), theta=_frozen(theta),
        lower=_frozen(lower), Gp=_frozen(Gp), theta_offsets=_frozen(thoff),
        flist=MappingProxyType(flist), flist_assign=tuple(assign),
        cnms=tuple((t.group, t.cnms) for t in terms_), theta_names=tuple(names), n=n)


# --------------------------------------------------------------------------------------
# lme4's checks on the structure
# --------------------------------------------------------------------------------------

def check_nlevels(reterms: ReTerms, n: int, allow_n: bool = False) -> None:
    """lme4's ``check.nlev.gtr.1`` and ``check.nobs.vs.nlev`` (both "stop").

    R: ``lme4:::checkNlevels`` (``allow.n = TRUE`` for glmer, FALSE for lmer).
    """
    nlev = {name: len(levels) for name, (levels, _) in reterms.flist.items()}
    if any(v < 2 for v in nlev.values()):
        raise RError("grouping factors must have > 1 sampled level")
    bad = [k for k, v in nlev.items() if (v > n if allow_n else v >= n)]
    if bad:
        rel = "<=" if allow_n else "<"
        raise RError(f"number of levels of each grouping factor must be {rel} number of "
                     f"observations (problems: {', '.join(bad)})")


def check_zdims(reterms: ReTerms, n: int, allow_n: bool = False) -> None:
    """lme4's ``check.nobs.vs.nRE`` ("stop").

    R: ``lme4:::checkZdims``.
    """
    for t in reterms.terms:
        nre = t.nl * t.p
        if (n < nre) if allow_n else (n <= nre):
            rel, extra = ("<", "") if allow_n else \
                ("<=", " and the residual variance (or scale parameter)")
            raise RError(f"number of observations (={n}) {rel} number of random effects "
                         f"(={nre}) for term ({t.name}); the random-effects parameters"
                         f"{extra} are probably unidentifiable")
