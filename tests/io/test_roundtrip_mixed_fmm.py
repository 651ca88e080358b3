"""save() / load() of lme4's fits (glmer, lmer) and Stata's finite mixtures (fmm).

Fits: the models of ``tests/reference/mixed.json`` (``make_mixed.R``, lme4) and of
``fmm.json`` / ``fmm_post.json`` (``make_fmm.R``, ``make_fmm_post.R``, flexmix at
Stata's parameterisation). A loaded fit is the saved one (the whole record, the sparse
random-effects matrices included), gives the reference's numbers (at the tolerances of
the tests of those fits: lme4's and rglm's optimisers stop at different places), and
gives exactly what the original gives: print, summary, anova between loaded fits,
ranef, VarCorr, predict.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parents[1]
mixed_models = pytest.mark.r_cases("mixed", "models")


def _fmm_ids() -> list[str]:
    import json

    ids = []
    for name in ("fmm", "fmm_post"):
        with open(TESTS / "reference" / f"{name}.json", encoding="utf-8") as fh:
            ids += [c["id"] for c in json.load(fh)["models"]]
    return ids


@pytest.fixture(scope="module")
def mixed_fit(reference, r_eval):
    """``mixed_fit(id)`` -> the rglm fit of a mixed.json model (cached per module; an
    ``update`` case's base fit bound under its id)."""
    models = {m["id"]: m for m in reference("mixed")["models"]}
    done = {}

    def fit(model_id: str):
        if model_id not in done:
            case = models[model_id]
            bindings = {case["base"]: fit(case["base"])} if case.get("base") else {}
            done[model_id] = r_eval(case["py"], case["data"], bindings).value
        return done[model_id]

    return fit


@mixed_models
def test_mixed_model_round_trip(case, mixed_fit, round_trip, same, assert_close,
                                r_warnings, capsys):
    import rglm

    fit = mixed_fit(case["id"])
    loaded = round_trip(fit)
    same(fit, loaded)
    assert type(loaded) is type(fit)
    assert_close(rglm.fixef(loaded), case["fixef"]["values"], case["tol"]["beta"], "fixef")
    assert_close(float(rglm.logLik(loaded)), case["loglik"]["value"],
                 case["tol"]["loglik"], "logLik")
    with r_warnings():
        for show in (str, lambda f: str(rglm.summary(f)), lambda f: str(rglm.VarCorr(f)),
                     lambda f: str(rglm.ranef(f))):
            assert show(loaded) == show(fit)
        same(rglm.predict(loaded), rglm.predict(fit), "predict")
        same(rglm.residuals(loaded), rglm.residuals(fit), "residuals")
    # lme4's condVar, computed on first use from the stored problem and state
    same(loaded.engine.cond_var, fit.engine.cond_var, "cond_var")
    capsys.readouterr()  # lme4's messages (singular fits), printed by both


@pytest.mark.r_cases("mixed", "anova")
def test_anova_between_loaded_mixed_models(case, mixed_fit, r_eval, round_trip,
                                           r_warnings, capsys):
    originals = {}
    for mid in case["models"]:
        if case.get("glm") and mid == case["glm"]["id"]:
            data = [case["heading"][0].split(": ", 1)[1]]
            originals[mid] = r_eval(case["glm"]["py"], data).value
        else:
            originals[mid] = mixed_fit(mid)
    loaded = {mid: round_trip(f) for mid, f in originals.items()}
    with r_warnings():
        got = r_eval(case["py"], (), loaded).value
        want = r_eval(case["py"], (), originals).value
    assert str(got) == str(want)
    assert list(got.table.index) == case["row_names"]
    capsys.readouterr()


@pytest.fixture(scope="module")
def fmm_plumbing():
    """The fmm tests' own plumbing (``tests/models/mixture/conftest.py``): the reference
    cases as ``rglm.fmm`` calls, from R's most probable classes."""
    path = TESTS / "models" / "mixture" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_fmm_plumbing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case_id", _fmm_ids())
def test_fmm_round_trip(case_id, fmm_plumbing, round_trip, same):
    import rglm

    case = fmm_plumbing._cases()[case_id]
    fit = fmm_plumbing._fit(case_id)
    loaded = round_trip(fit)
    same(fit, loaded)
    # R's optimum, at the tolerances of test_fmm_reference.py (an optimiser's)
    assert abs(loaded.loglik - case["loglik"]) < 1e-6
    np.testing.assert_allclose(loaded.theta.to_numpy(), case["theta"], rtol=1e-5, atol=1e-7)
    assert str(loaded) == str(fit)
    assert str(rglm.summary(loaded)) == str(rglm.summary(fit))
    same(rglm.vcov(loaded), rglm.vcov(fit), "vcov")
    same(rglm.predict(loaded), rglm.predict(fit), "predict")
