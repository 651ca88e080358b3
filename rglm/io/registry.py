"""The fixed lists of what a saved file may name: record classes, plain classes, functions.

Loading never imports anything a file names: a record's class is looked up in
:data:`CLASSES` (the frozen dataclasses of a fixed list of rglm's modules, and the
fitted models), so a file can only describe rglm's own records, filled with data. The
two other lists are as short as the fits need: a plain class restored from its
attributes (:data:`PLAIN_CLASSES`) and functions bound to stored data
(:data:`FUNCTIONS`). Families and links are not records: they are rebuilt by their
constructors (:mod:`rglm.io.families`).
"""

from __future__ import annotations

import dataclasses
import sys
from types import ModuleType

# The modules are imported by their full names and read from sys.modules: some share a
# name with a function their package exports (rglm.formula.terms is also
# rglm.formula's terms()), so ``from package import module`` would give the function.
import rglm.engines.chunked.irls
import rglm.engines.em.constraints
import rglm.engines.em.em
import rglm.engines.em.layout
import rglm.engines.em.loglik
import rglm.engines.em.newton
import rglm.engines.em.problem
import rglm.engines.em.records
import rglm.engines.em.starts
import rglm.engines.irls.control
import rglm.engines.irls.history
import rglm.engines.irls.records
import rglm.engines.mixed.checks
import rglm.engines.mixed.control
import rglm.engines.mixed.fit
import rglm.engines.mixed.gram
import rglm.engines.mixed.problem
import rglm.engines.mixed.results
import rglm.engines.mixed.structure
import rglm.families.densities.family
import rglm.families.densities.record
import rglm.formula.ast
import rglm.formula.bars
import rglm.formula.contrasts
import rglm.formula.design
import rglm.formula.frame
import rglm.formula.poly
import rglm.formula.rows
import rglm.formula.splines
import rglm.formula.terms
import rglm.formula.values
import rglm.models.bigglm.result
import rglm.models.glm.result
import rglm.models.mixed.result
import rglm.models.mixture.data
import rglm.models.mixture.family
import rglm.models.mixture.result
import rglm.models.negbin.result
from rglm.inference.step import step_class
from rglm.models.bigglm.result import BigGLM
from rglm.models.glm.result import GLM
from rglm.models.mixed.result import GlmerMod, LmerMod
from rglm.models.mixture.result import FMM
from rglm.models.negbin.result import NegBinGLM

__all__ = ["CLASSES", "PLAIN_CLASSES", "FUNCTIONS", "MODELS", "class_key"]

#: the modules whose dataclasses make up a fitted model, by layer
_MODULE_NAMES = (
    # formula: R language objects, terms, model frame, design, transform states, bars
    "rglm.formula.ast", "rglm.formula.terms", "rglm.formula.frame", "rglm.formula.rows",
    "rglm.formula.design", "rglm.formula.contrasts", "rglm.formula.values",
    "rglm.formula.poly", "rglm.formula.splines", "rglm.formula.bars",
    # families: fmm's densities (glm's families are rebuilt, not stored as records)
    "rglm.families.densities.family", "rglm.families.densities.record",
    # engines: glm.fit, bigglm's passes, lme4's PIRLS/optimiser, fmm's EM
    "rglm.engines.irls.records", "rglm.engines.irls.control", "rglm.engines.irls.history",
    "rglm.engines.chunked.irls", "rglm.engines.mixed.checks", "rglm.engines.mixed.control",
    "rglm.engines.mixed.problem", "rglm.engines.mixed.results",
    "rglm.engines.mixed.structure", "rglm.engines.em.records", "rglm.engines.em.problem",
    "rglm.engines.em.constraints", "rglm.engines.em.layout", "rglm.engines.em.starts",
    "rglm.engines.em.em", "rglm.engines.em.newton", "rglm.engines.em.loglik",
    # models: the fitted objects
    "rglm.models.glm.result", "rglm.models.negbin.result", "rglm.models.bigglm.result",
    "rglm.models.mixed.result", "rglm.models.mixture.data", "rglm.models.mixture.family",
    "rglm.models.mixture.result",
)
_MODULES: tuple[ModuleType, ...] = tuple(sys.modules[name] for name in _MODULE_NAMES)


def class_key(obj) -> str:
    """A class's (or function's) name in a file: ``module.QualifiedName``."""
    return f"{obj.__module__}.{obj.__qualname__}"


def _records(module: ModuleType) -> list[type]:
    return [obj for obj in vars(module).values()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj)
            and obj.__module__ == module.__name__]


#: the fitted models save() accepts (a stepped fit keeps its class, as after R's step())
MODELS: tuple[type, ...] = tuple(
    cls for base in (GLM, NegBinGLM, BigGLM) for cls in (base, step_class(base))
) + (GlmerMod, LmerMod, FMM)

CLASSES: dict[str, type] = {
    class_key(cls): cls for cls in [c for m in _MODULES for c in _records(m)] + list(MODELS)}

#: plain (non-dataclass) classes stored by their instance dict, as pickle stores them:
#: the coupling pattern of two random-effects terms (its precomputed index arrays)
PLAIN_CLASSES: dict[str, type] = {
    class_key(cls): cls for cls in (rglm.engines.mixed.gram.CouplingGram,)}

#: functions a record holds bound to its data (``functools.partial``), stored by name:
#: a mixed fit's deferred conditional variances (lme4's condVar, computed on first use)
FUNCTIONS: dict[str, object] = {
    class_key(fn): fn for fn in (rglm.engines.mixed.fit._glmm_cond_var,  # noqa: SLF001
                                 rglm.engines.mixed.fit._lmm_cond_var)}  # noqa: SLF001
