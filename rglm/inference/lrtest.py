"""Likelihood-ratio tests of nested models. R: ``lmtest::lrtest``; Stata: ``lrtest``.

Written once against the generics: :func:`rglm.generics.logLik` (the value, its ``df``
and ``nobs``), :func:`~rglm.generics.nobs`, :func:`~rglm.generics.formula_of` (the
"Model k:" lines), :func:`~rglm.generics.terms` and :func:`~rglm.generics.update` (models
given as a formula, term labels or term numbers).

R's models get ``lrtest.default``'s table and print (``print.anova``). When a model is
one of Stata's (a kind that registers :func:`variance_components`, as ``meglm`` does)
the comparison is Stata's ``lrtest`` of two models: the restricted one is the one with
fewer parameters; removing one variance component is tested against the 50:50 mixture
of chi2(0) and chi2(1) (``chibar2(01)``, p halved; Self and Liang 1987), removing
several with chi2(k) and Stata's note that the test is then conservative.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import singledispatch
from typing import Any, Optional

import numpy as np
from scipy import stats

from rglm.callerenv import outside_rglm, variable_names
from rglm.errors import RError, rwarn
from rglm.formula.deparse import deparse
from rglm.formula.parse import parse_expr
from rglm.generics import formula_of, logLik, nobs, r_class, terms, update
from rglm.inference.anova_table import AnovaTable, make_anova, na_column, column
from rglm.render.stata_lrtest import format_stata_lrtest

__all__ = ["lrtest", "LRTest", "variance_components", "robust_vce"]


@singledispatch
def variance_components(fit: Any) -> Optional[int]:
    """The number of variance-component parameters of a Stata model (``e(k_r)``), or
    None for R's models (the default). Stata's model kinds register a method; a model
    returning a number makes :func:`lrtest` Stata's."""
    return None


@singledispatch
def robust_vce(fit: Any) -> bool:
    """Whether a Stata model's variance is a sandwich (``vce(robust)``, ``vce(cluster)``,
    sampling weights): Stata's ``lrtest`` refuses such a model. False by default."""
    return False


@dataclass(frozen=True, eq=False, repr=False)
class LRTest(AnovaTable):
    """The result of :func:`lrtest`: R's table (class ``c("anova", "data.frame")``:
    ``#Df``, ``LogLik``, ``Df``, ``Chisq``, ``Pr(>Chisq)``, rows ``1``, ``2``, ...) with
    its ``heading``.

    ``print()`` gives lmtest's print (``print.anova``) for R's models, Stata's ``lrtest``
    output when the comparison is Stata's (:attr:`stata_kind` set).

    Attributes
    ----------
    stata_kind : str or None
        ``"chi2"`` or ``"chibar2"`` for Stata's test; None for R's.
    stata_note : bool
        Stata's note on parameters on the boundary (a test of several variance
        components).
    names : tuple of str
        The models' names (the caller's variables), restricted first for Stata's test.
    """

    stata_kind: Optional[str] = None
    stata_note: bool = False
    names: tuple = ()

    @property
    def statistic(self):
        """The LR statistics (R's ``Chisq`` column without its first NA): one float for
        two models. Stata: ``r(chi2)``."""
        return _one(self.table["Chisq"].to_numpy()[1:])

    @property
    def df(self):
        """Their degrees of freedom (``|Df|``). Stata: ``r(df)``."""
        return _one(np.abs(self.table["Df"].to_numpy()[1:]))

    @property
    def p_value(self):
        """Their p-values (for ``chibar2(01)``, half of chi2(1)'s). Stata: ``r(p)``."""
        return _one(self.table["Pr(>Chisq)"].to_numpy()[1:])

    def format(self, digits: Optional[int] = None,
               signif_stars: Optional[bool] = None) -> str:
        """lmtest's print for R's models; Stata's ``lrtest`` text for Stata's."""
        if self.stata_kind is None:
            return super().format(digits=digits, signif_stars=signif_stars)
        return format_stata_lrtest(restricted=self.names[0], unrestricted=self.names[1],
                                   kind=self.stata_kind, chi2=float(self.statistic),
                                   df=int(self.df), p=float(self.p_value),
                                   note=self.stata_note)


def _one(x: np.ndarray):
    return float(x[0]) if x.size == 1 else x.astype(float)


# ---- lmtest's modelUpdate -------------------------------------------------------------


def _term_labels(fit) -> list:
    return list(terms(fit).term_labels)


def _dquote(text: str) -> str:
    return f"\u201c{text}\u201d"


def _model_update(fm, spec, cls: str):
    """lmtest's ``modelUpdate``: term numbers -> labels; labels -> the formula
    ``. ~ . - a - b``; a formula -> ``update(fm, formula)``; warns unless the new model
    is of class ``cls`` (the first model's)."""
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        spec = [int(spec)]
    if isinstance(spec, (list, tuple)) and spec and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in spec):
        nums = np.asarray(spec, dtype=np.int64)
        labels = _term_labels(fm)
        if np.any(nums < 1):
            rwarn("for numeric model specifications all values have to be >=1")
            nums = np.abs(nums)[np.abs(nums) > 0]
        if np.any(nums > len(labels)):
            rwarn("more terms specified than existent in the model: "
                  + ", ".join(str(n) for n in nums[nums > len(labels)]))
            nums = nums[nums <= len(labels)]
        spec = [labels[n - 1] for n in nums]
    if isinstance(spec, str) and "~" not in spec:
        spec = [spec]
    if isinstance(spec, (list, tuple)):
        labels = _term_labels(fm)
        missing = [s for s in spec if s not in labels]
        if missing:
            rwarn("terms specified that are not in the model: "
                  + ", ".join(_dquote(s) for s in missing))
            spec = [s for s in spec if s in labels]
        if not spec:
            raise RError("empty model specification")
        spec = ". ~ . - " + " - ".join(spec)
    fit = update(fm, spec)
    _check_class(cls, fit)
    return fit


def _check_class(cls: str, fit) -> None:
    """lmtest's warning when a model is not of the first model's class."""
    if cls not in r_class(fit):
        rwarn(f'original model was of class "{cls}", updated model is of class '
              f'"{r_class(fit)[0]}"')


def _is_spec(obj) -> bool:
    return isinstance(obj, (str, int, np.integer, list, tuple)) and not isinstance(obj, bool)


def _name(fit) -> str:
    """lmtest's default ``name``: ``deparse(formula(x))`` (lines joined by newlines)."""
    return "\n".join(deparse(parse_expr(formula_of(fit))))


def _variable_names(objects: list, frame) -> list:
    """The caller's variables holding the fits (Stata's stored-estimates names)."""
    return [name or f"model{i}"
            for i, name in enumerate(variable_names(objects, frame), start=1)]


# ---- the test --------------------------------------------------------------------------


def lrtest(object, *models):
    """Likelihood-ratio tests of nested models. R: ``lmtest::lrtest(object, ...)``;
    Stata: ``lrtest`` after ``meglm``.

    Parameters
    ----------
    object
        A fitted model with a :func:`~rglm.generics.logLik` method.
    *models
        Further fits, or (R's lmtest) models made from the one before by
        :func:`~rglm.generics.update`: a formula (``". ~ . - x"``), term labels
        (``"x"`` or ``["x", "z"]``) to drop, or term numbers (``2`` or ``[1, 3]``). None:
        the model is compared with ``. ~ 1``.

    Returns
    -------
    LRTest
        R's table (``#Df``, ``LogLik``, ``Df``, ``Chisq``, ``Pr(>Chisq)``; ``Chisq`` is
        ``2 |Delta log L|`` between consecutive models, tested on ``|Df|`` degrees of
        freedom), with :attr:`~LRTest.statistic`, :attr:`~LRTest.df` and
        :attr:`~LRTest.p_value`. With a Stata model (``meglm``): two models, the
        restricted one (fewer parameters) first in the table, and Stata's p-value
        (``chibar2(01)`` for one variance component).

    Raises
    ------
    RError
        R's ``models were not all fitted to the same size of dataset``; for Stata's
        test, more than two models, or two with the same number of parameters.
    """
    frame = outside_rglm(sys._getframe(1))
    objects = [object] + list(models)
    if len(objects) < 2:
        objects.append(". ~ 1")
    if _is_spec(objects[0]):
        raise RError("the first model must be a fitted model")
    cls = r_class(object)[0]
    for i in range(1, len(objects)):
        if _is_spec(objects[i]):
            objects[i] = _model_update(objects[i - 1], objects[i], cls)
        elif variance_components(object) is None and \
                variance_components(objects[i]) is None:
            _check_class(cls, objects[i])
    stata = [variance_components(o) for o in objects]
    if any(k is not None for k in stata):
        return _stata_lrtest(objects, stata, _variable_names(objects, frame))
    ns = np.array([nobs(o) for o in objects])
    if np.any(ns != ns[0]):
        # lmtest refits an updated model on the rows the models share (update(subset =
        # ...)); that refit is not supported: both cases are R's error here
        raise RError("models were not all fitted to the same size of dataset")
    lls = [logLik(o) for o in objects]
    return _table(lls, [_name(o) for o in objects], names=tuple(
        _variable_names(objects, frame)))


def _table(lls: list, variables: list, **fields) -> LRTest:
    df = np.array([float(ll.df) for ll in lls])
    value = np.array([float(ll) for ll in lls])
    ddf = df[1:] - df[:-1]
    chisq = 2.0 * np.abs(value[1:] - value[:-1])
    p = stats.chi2.sf(chisq, np.round(np.abs(ddf)))
    m = len(lls)
    numbers = [str(i) for i in range(1, m + 1)]
    width = max(map(len, numbers))
    topnote = "\n".join(f"Model {k:>{width}}: {v}" for k, v in zip(numbers, variables))
    base = make_anova([column("#Df", df), column("LogLik", value), na_column("Df", ddf),
                       na_column("Chisq", chisq), na_column("Pr(>Chisq)", p)],
                      numbers, ("Likelihood ratio test\n", topnote))
    return LRTest(table=base.table, heading=base.heading, nan_mask=base.nan_mask, **fields)


def _stata_lrtest(objects: list, ks: list, names: list) -> LRTest:
    """Stata's ``lrtest`` of two models, one of them Stata's."""
    if len(objects) != 2:
        raise RError("lrtest of a Stata model compares two models")
    if any(robust_vce(o) for o in objects):
        # Stata's refusal: a pseudo likelihood (pweights) or a sandwich variance is not
        # the likelihood the test's distribution assumes
        raise RError("LR test likely invalid for models with robust vce")
    lls = [logLik(o) for o in objects]
    ns = [ll.nobs for ll in lls]
    if ns[0] != ns[1]:
        raise RError(f"observations differ: {ns[0]} vs. {ns[1]}")
    if lls[0].df == lls[1].df:
        raise RError(f"df(unrestricted) = df(restricted) = {int(lls[0].df)}")
    order = [0, 1] if lls[0].df < lls[1].df else [1, 0]
    lls = [lls[i] for i in order]
    ks = [ks[i] or 0 for i in order]
    names = tuple(names[i] for i in order)
    table = _table(lls, [names[0], names[1]])
    dk = ks[1] - ks[0]
    df = int(lls[1].df - lls[0].df)
    chisq = float(table.table["Chisq"].iloc[1])
    values = table.table.copy()
    kind, note = "chi2", dk > 0 and not (dk == 1 and df == 1)
    if dk == 1 and df == 1:
        # one variance on the boundary under the null: 50:50 chi2(0), chi2(1)
        kind = "chibar2"
        values.iloc[1, 4] = 0.5 * stats.chi2.sf(chisq, 1)
    return LRTest(table=values, heading=("Likelihood-ratio test\n",
                                         f"Model 1: {names[0]}\nModel 2: {names[1]}"),
                  nan_mask=table.nan_mask, stata_kind=kind, stata_note=note, names=names)
