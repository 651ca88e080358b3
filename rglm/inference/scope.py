"""Which terms may be dropped or added, respecting marginality.

R: ``stats::factor.scope``, ``drop.scope``, ``add.scope`` (src/library/stats/R/add.R).

A term is a set of variables. It may be dropped when no other term of the model
contains it (``a`` cannot go while ``a:b`` stays); a candidate may be added when no
other candidate is contained in it (``a:b`` waits until ``b`` is in). Terms are matched
by their variables whatever their order (``b:a`` is ``a:b``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Union

from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.parse import parse_formula
from rglm.formula.terms import Terms, terms
from rglm.generics import terms as terms_of
from rglm.inference.anova_table import squote
from rglm.inference.update import update_formula

__all__ = ["Scope", "term_sets", "factor_scope", "drop_scope", "add_scope", "scope_terms",
           "sorted_label", "updated_formula"]

TermSet = tuple  # (label, frozenset of variable names)


@dataclass(frozen=True)
class Scope:
    """The terms that may be dropped and those that may be added (R: ``list(drop, add)``)."""

    drop: tuple
    add: tuple


def term_sets(t: Terms) -> list:
    """The model's terms as ``(label, variables)`` (R: the columns of ``attr(, "factors")``)."""
    return [(label, frozenset(t.variable_names[i] for i in tv))
            for label, tv in zip(t.term_labels, t.term_vars)]


def sorted_label(label: str) -> str:
    """A label with its variables sorted, so that ``b:a`` matches ``a:b``."""
    return ":".join(sorted(label.split(":")))


def _r_logical_subset(values: Sequence[str], mask: Sequence[bool]) -> list:
    """R's ``x[mask]``: the mask recycled, positions beyond ``x`` give ``NA``."""
    n = max(len(values), len(mask))
    if not mask:
        return []
    return [values[i] if i < len(values) else "NA" for i in range(n) if mask[i % len(mask)]]


def _not_included(which: str, names: list) -> RError:
    noun = "term" if len([n for n in names]) == 1 else "terms"
    return RError(f"{which} scope has {noun} {', '.join(squote(n) for n in names)} "
                  f"not included in model")


def factor_scope(model: list, drop: Optional[list] = None,
                 add: Optional[list] = None) -> Scope:
    """Droppable and addable terms. R: ``factor.scope(factor, list(drop = , add = ))``.

    Parameters
    ----------
    model : list of (label, variables)
        The current model's terms.
    drop : list of (label, variables), optional
        The lower scope (terms that must stay); None for R's NULL (nothing to drop),
        ``[]`` for no lower terms.
    add : list of (label, variables), optional
        The upper scope; None or ``[]`` for nothing to add.

    Raises
    ------
    RError
        ``lower scope has term(s) ... not included in model``, ``upper scope has ...``.
    """
    nmdrop: list = []
    if model and drop is not None:
        facs = list(model)
        if drop:
            model_sorted = [sorted_label(lab) for lab, _ in model]
            where = [model_sorted.index(sorted_label(lab)) if sorted_label(lab) in model_sorted
                     else -1 for lab, _ in drop]
            if any(w < 0 for w in where):
                raise _not_included("lower", [lab for (lab, _), w in zip(drop, where) if w < 0])
            facs = [term for j, term in enumerate(model) if j not in set(where)]
        nmdrop = [lab for lab, _ in facs]
        if len(facs) > 1:
            nmdrop = [lab for i, (lab, vi) in enumerate(facs)
                      if max(len(vi & vj) for j, (_, vj) in enumerate(facs) if j != i) != len(vi)]
    nmadd: list = []
    if add:
        cand = list(add)
        if model:
            add_sorted = [sorted_label(lab) for lab, _ in cand]
            where = [add_sorted.index(sorted_label(lab)) if sorted_label(lab) in add_sorted
                     else -1 for lab, _ in model]
            if any(w < 0 for w in where):
                # R reports the names through the wrong vector (the droppable terms):
                # reproduced, message included.
                raise _not_included("upper", _r_logical_subset(nmdrop, [w < 0 for w in where]))
            cand = [term for j, term in enumerate(cand) if j not in set(where)]
        keep = [True] * len(cand)
        if len(cand) > 1:
            for i, (_, vi) in enumerate(cand):
                for j, (_, vj) in enumerate(cand):
                    if j != i and len(vi & vj) >= len(vi):
                        keep[j] = False
        nmadd = [lab for (lab, _), k in zip(cand, keep) if k]
    return Scope(drop=tuple(nmdrop), add=tuple(nmadd))


def updated_formula(fit, new: Union[str, ast.Call]) -> ast.Call:
    """``update.formula(formula(fit), new)`` as a formula (``formula(fit)`` has ``.``
    expanded)."""
    return parse_formula(update_formula(terms_of(fit).formula, new))


def scope_terms(fit, scope: Union[str, ast.Call]) -> list:
    """The terms of ``update.formula(formula(fit), scope)`` as ``(label, variables)``."""
    return term_sets(terms(updated_formula(fit, scope)))


def drop_scope(fit) -> tuple:
    """Terms that can be dropped without breaking marginality. R: ``drop.scope(fit)``."""
    return factor_scope(term_sets(terms_of(fit)), drop=[]).drop


def add_scope(fit, upper) -> tuple:
    """Terms of the upper scope that can be added. R: ``add.scope(fit, upper)``.

    ``upper`` is a formula (``"~ . + x"``, updated with ``formula(fit)``) or a Terms.
    """
    upper_terms = upper if isinstance(upper, Terms) else terms(updated_formula(fit, upper))
    return factor_scope(term_sets(terms_of(fit)), add=term_sets(upper_terms)).add
