"""Plumbing of the ``rglm.fmm()`` tests: R's reference fits as ``fmm()`` calls.

References: ``tests/reference/fmm.json`` (``make_fmm.R``: exact maximum likelihood fits
in Stata's parameterisation) and ``tests/reference/fmm_post.json``
(``make_fmm_post.R``: postestimation at those optima, and fits with an offset or an
exposure).

* ``fmm_case(id)`` -> the reference case (a dict) of either file;
* ``fmm_kwargs(case)`` -> ``(data, kwargs)``: the case as arguments of ``rglm.fmm`` --
  formula, family as Stata's option pair, link, lcprob, lcinvariant, weights, trials,
  offset/exposure, and Stata's ``startvalues(classid)`` from R's most probable class
  of each row at R's optimum, so that both sides are in the same basin of a likelihood
  with many local optima (reaching it from random starts is tested separately);
* ``fmm_fit(id)`` -> ``rglm.fmm(**fmm_kwargs(case))``, fitted once per session (fits
  are immutable).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

REF_DIR = Path(__file__).resolve().parents[2] / "reference"


@functools.cache
def _cases() -> dict:
    out = {}
    for name in ("fmm", "fmm_post"):
        with open(REF_DIR / f"{name}.json", encoding="utf-8") as fh:
            out.update({c["id"]: c for c in json.load(fh)["models"]})
    return out


@functools.cache
def _post() -> dict:
    with open(REF_DIR / "fmm_post.json", encoding="utf-8") as fh:
        return {c["id"]: c for c in json.load(fh)["post"]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def case_family(case: dict):
    """The case's family as ``fmm()``'s ``family`` argument (Stata's option pair)."""
    name = case["family"]
    if name == "nbinomial":
        return ("nbinomial", case["dispersion"])
    if name == "binomial":
        return ("binomial", case["trials"])
    if name in ("exponential", "weibull") and case["metric"] == "aft":
        return (name, "aft")
    return name


def fmm_kwargs(case: dict) -> tuple:
    """``(data, kwargs of rglm.fmm)`` of a reference case (module notes)."""
    from rglm.datasets import load

    data = load(case["data"])
    kwargs = {"formula": case["formula"], "k": case["k"], "family": case_family(case),
              "startvalues": ("classid", np.array(as_list(case["classid"])))}
    defaults = {"gaussian": "identity", "bernoulli": "logit", "beta": "logit",
                "binomial": "logit"}
    if case["link"] != defaults.get(case["family"], "log"):
        kwargs["link"] = case["link"]
    if case["lcprob"]:
        kwargs["lcprob"] = case["lcprob"]
    if as_list(case["lcinvariant"]):
        kwargs["lcinvariant"] = as_list(case["lcinvariant"])
    if case["weights"]:
        kwargs["weights"] = case["weights"]
        kwargs["weight_type"] = case["weight_type"]
    for arg in ("offset", "exposure"):
        if case.get(arg):
            kwargs[arg] = case[arg]
    return data, kwargs


@functools.cache
def _fit(case_id: str):
    import rglm

    data, kwargs = fmm_kwargs(_cases()[case_id])
    return rglm.fmm(data=data, **kwargs)


@pytest.fixture(scope="session")
def fmm_case():
    """``fmm_case(id)`` -> the reference case."""
    return lambda case_id: _cases()[case_id]


@pytest.fixture(scope="session")
def fmm_post():
    """``fmm_post(id)`` -> the postestimation reference of a case."""
    return lambda case_id: _post()[case_id]


@pytest.fixture(scope="session")
def fmm_fit():
    """``fmm_fit(id)`` -> rglm's fit of the case (cached)."""
    return _fit


@pytest.fixture(scope="session")
def fmm_args():
    """``fmm_args(case)`` -> ``(data, kwargs)`` (a fresh dataset each call)."""
    return fmm_kwargs
