"""Plumbing of the mixed-engine tests: lme4's model cases -> MixedProblem.

A case of ``tests/reference/mixed_engine.json`` names a dataset, an optional ``prep``
(the Python translation of the R code that added derived columns), a formula and, for a
GLMM, a family. ``build_problem(case)`` does what ``lFormula``/``glFormula`` do: the model
frame of the formula with its bars as ``+`` (so NA in any variable, the grouping ones
included, drops the row), the random-effects structure of its bars, and the
fixed-effects matrix of the formula without bars, coded on the same frame.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest


def case_data(case: dict) -> pd.DataFrame:
    """The case's dataset with its derived columns."""
    from rglm.datasets import load

    name = case["data"]
    ns = {"pd": pd, "np": np, name: load(name)}
    if case.get("prep"):
        exec(case["prep"], ns)  # noqa: S102 - our own reference code
    return ns[name]


def build_frames(case: dict):
    """(frame of subbars(formula), ReTerms, fixed-effects ModelMatrix, response)."""
    from rglm.formula import model_frame, model_matrix, model_response
    from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars

    data = case_data(case)
    formula = case["formula"]
    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    return frame, rt, model_matrix(fixed), model_response(fixed)


def build_problem(case: dict):
    """The case's MixedProblem (cached by case id: problems are immutable)."""
    return _cached_problem(case["id"], case["data"], case["formula"], case.get("prep"),
                           case.get("family"))


@functools.cache
def _cached_problem(case_id, data, formula, prep, family):
    import rglm
    from rglm.engines.mixed import mixed_problem

    case = {"id": case_id, "data": data, "formula": formula, "prep": prep}
    _, rt, mm, y = build_frames(case)
    fam = None if family is None else getattr(rglm, family)()
    return mixed_problem(mm.x, y, rt, fam, xnames=mm.colnames)


@pytest.fixture(scope="session")
def mixed_problem_of():
    """``mixed_problem_of(case)`` -> the case's MixedProblem (cached)."""
    return build_problem


@pytest.fixture(scope="session")
def frames_of():
    """``frames_of(case)`` -> (frame, ReTerms, fixed ModelMatrix, response)."""
    return build_frames


def as_list(value) -> list:
    """jsonlite writes a length-one vector as a scalar: make it a list again."""
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="session")
def listify():
    """``listify(value)``: a JSON scalar or list as a list (jsonlite's auto_unbox)."""
    return as_list
