"""save() / load() round trips of every glm() fit of the R reference suite.

R: ``readRDS(saveRDS(fit))`` gives back the object. The fits are the models of
``tests/reference/glm_models.json`` (``make_reference.R``), every family and link
(quasi, tweedie, weights, offsets, na.exclude, aliased columns, ...). A loaded fit must
be the saved one: the whole record equal (arrays bit for bit, the same dtypes, indexes,
classes), its numbers R's (compared with the reference, as ``test_r_reference.py``
compares the original), and every generic giving exactly what it gives on the original:
print, summary, vcov, residuals of each type, influence measures, predict on data.
A quasi family whose variance is the user's Python functions cannot be saved.
"""

from __future__ import annotations

import pytest

models = pytest.mark.r_cases("glm_models", "models", arg="ref")

RESIDUAL_TYPES = ("deviance", "pearson", "working", "response", "partial")


# ---- helpers ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fitted(r_fit, r_eval):
    """``fitted(model)`` -> its fit (cached; a model with ``py_setup`` once per module)."""
    done = {}

    def fit(model: dict):
        if model.get("py_setup"):
            if model["id"] not in done:
                done[model["id"]] = r_eval(model["py"], model["data"],
                                           setup=model["py_setup"]).value
            return done[model["id"]]
        return r_fit(model["py"], model["data"]).value

    return fit


def user_variance(ref: dict) -> bool:
    """A quasi family whose variance is the user's functions (bound by ``py_setup``)."""
    return ref["family"] == "quasi" and bool(ref.get("py_setup"))


# ---- the round trips ------------------------------------------------------------------

@models
def test_loaded_fit_is_the_saved_one(ref, fitted, tmp_path, assert_close, same,
                                     round_trip):
    from rglm.errors import RError

    fit = fitted(ref)
    if user_variance(ref):
        from rglm.io import save

        with pytest.raises(RError, match="quasi family whose variance is given as functions"):
            save(fit, tmp_path / "fit.rglm")
        assert not (tmp_path / "fit.rglm").exists()
        return
    loaded = round_trip(fit)
    same(fit, loaded)
    assert loaded.keys() == fit.keys()
    for name in fit.keys():
        same(fit[name], loaded[name], f"fit${name}")
    # the loaded fit's numbers are R's (as test_r_reference checks the original's)
    tol = ref["tol"]
    for name in ("deviance", "null_deviance", "aic"):
        assert_close(getattr(loaded, name), ref[name], tol, name)
    assert_close(loaded.coefficients, ref["coefficients"], tol, "coefficients")
    assert_close(loaded.fitted_values, ref["fitted_values"], tol, "fitted.values")
    assert loaded.iter == ref["iter"] and loaded.df_residual == ref["df_residual"]


@models
def test_generics_on_a_loaded_fit(ref, fitted, r_warnings, same, same_values, round_trip):
    import rglm

    if user_variance(ref):
        pytest.skip("cannot be saved (checked above)")
    fit = fitted(ref)
    loaded = round_trip(fit)
    assert str(loaded) == str(fit)
    with r_warnings():
        same_values(rglm.summary(loaded), rglm.summary(fit), "summary")
        same(rglm.vcov(loaded), rglm.vcov(fit), "vcov")
    for kind in RESIDUAL_TYPES:
        same(rglm.residuals(loaded, kind), rglm.residuals(fit, kind), kind)
    if fit.rank == 0:
        return
    with r_warnings():
        for generic in (rglm.hatvalues, rglm.rstandard, rglm.rstudent, rglm.cooks_distance,
                        rglm.dfbetas):
            same(generic(loaded), generic(fit), generic.__name__)
        same_values(rglm.influence_measures(loaded), rglm.influence_measures(fit),
                    "influence.measures")


@models
def test_predict_on_new_data_after_loading(ref, fitted, dataset, r_warnings, same,
                                           round_trip):
    """The stored levels, contrasts and transform states code new data as at fit time:
    predicting the model's data (a fresh copy, as new data) from the loaded fit."""
    import rglm

    if user_variance(ref) or ref.get("setup") or len(ref["data"]) != 1:
        pytest.skip("no single data set to predict from")
    fit = fitted(ref)
    if fit.rank == 0:
        pytest.skip("empty model")
    loaded = round_trip(fit)
    newdata = dataset(ref["data"][0])
    with r_warnings():
        for kind in ("link", "response"):
            got = rglm.predict(loaded, newdata=newdata, type=kind, se_fit=True)
            want = rglm.predict(fit, newdata=newdata, type=kind, se_fit=True)
            same(got.fit, want.fit, f"{kind} fit")
            same(got.se_fit, want.se_fit, f"{kind} se.fit")
