"""Label switching: the canonical class order, relabelling, and the base class.

A mixture's likelihood does not change when its classes are permuted, so the class
numbers an optimiser ends with depend on where it started. rglm's canonical order
makes them reproducible: **classes in ascending order of their (weighted) mean linear
predictor on the outcome's scale** -- for the proportional-hazards exponential and
weibull, whose ``eta`` is a log hazard, ascending mean of ``-eta``. Class 1 is then
the class with the lowest typical outcome (the "low users" of a count mixture). Ties
(classes with the same mean linear predictor, which only constraints make happen) are
ordered by decreasing class probability.

Stata itself never reorders (its classes follow the start); fits that must keep the
labels they were given (``classid``/``classpr`` starts) can ask for
``order="as_fitted"``, and constraints that name classes asymmetrically (the relabelled
estimates would break them) keep the fitted labels.
"""

from __future__ import annotations

import numpy as np

from rglm.engines.em.layout import Layout
from rglm.engines.em.loglik import MixtureState
from rglm.engines.em.problem import MixtureProblem

__all__ = ["canonical_order", "permute_classes", "rebase"]


def canonical_order(problem: MixtureProblem, layout: Layout, state: MixtureState) -> np.ndarray:
    """The permutation (0-based; new class ``j`` is old class ``order[j]``) that puts
    the classes of ``state`` in the canonical order."""
    fam = problem.family
    sign = -1.0 if fam.name in ("exponential", "weibull") and fam.metric == "ph" else 1.0
    w = problem.weights
    location = sign * (w @ state.eta) / w.sum()
    share = w @ state.prior / w.sum()
    return np.lexsort((-share, location))


def permute_classes(layout: Layout, theta: np.ndarray, order) -> np.ndarray:
    """``theta`` with its classes relabelled: new class ``j`` is old class ``order[j]``
    (0-based); the class-probability coefficients re-expressed against the base."""
    order = np.asarray(order)
    g, b, anc = layout.unpack(theta)
    g = g[:, order]
    g = g - g[:, [layout.base - 1]]
    return layout.pack(g, b[:, order], None if anc is None else anc[order])


def rebase(old: Layout, new: Layout, theta: np.ndarray) -> np.ndarray:
    """``theta`` of layout ``old`` expressed in layout ``new`` (same classes, another
    base class): ``g_j - g_base``."""
    g, b, anc = old.unpack(theta)
    g = g - g[:, [new.base - 1]]
    return new.pack(g, b, anc)
