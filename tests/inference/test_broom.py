"""broom's tidy / glance / augment against R (``tests/reference/make_broom.R`` ->
``broom.json``: broom 1.0.3 converted to current broom, B1 and B2 in the script).

Tolerance 1e-8 relative, except the profile-likelihood limits (``conf.low``,
``conf.high``), which R and rglm find by interpolating a spline through a profile
computed to the IRLS tolerance: 1e-6, as tests/models/glm/test_confint.py compares them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

TOL = 1e-8
TOL_PROFILE = 1e-6  # profile limits: IRLS convergence (epsilon 1e-8) and the spline

#: broom's warning that it tidies a negbin as a glm: about broom's maintenance, not the
#: model, so rglm (whose tidy.negbin is its own) does not issue it
BROOM_MAINTENANCE = "is not maintained by the broom team"


def _evaluate(case, r_fit, r_eval):
    fit = r_fit(case["fit_py"], case["data"]).value
    return r_eval(case["py"], case["data"], {"fit": fit}, every_warning=False)


def _check_frame(got: pd.DataFrame, case, assert_close, atol: float = 0.0):
    columns = list(got.columns)
    expected = case["columns"]
    # R's matrix response column (cbind(a, b)) is one column of two; pandas holds two
    matrix = [c for c in expected if c.endswith("]") and "[," in c]
    if matrix:
        stem = matrix[0].split("[,")[0]
        mine = [c for c in columns if c.startswith(stem + ".")]
        assert len(mine) == len(matrix)
        columns = [matrix[mine.index(c)] if c in mine else c for c in columns]
        got = got.set_axis(columns, axis=1)
    assert columns == expected, case["id"]
    assert got.index.equals(pd.RangeIndex(len(got)))
    for name in expected:
        if case["kinds"][name] == "text":
            assert [str(v) for v in got[name]] == case["values"][name], (case["id"], name)
        else:
            tol = TOL_PROFILE if name in ("conf.low", "conf.high") else TOL
            assert_close(got[name], case["values"][name], tol, f"{case['id']} {name}",
                         atol=atol)


@pytest.mark.r_cases("broom", "tidy")
def test_tidy_matches_broom(case, r_fit, r_eval, assert_close):
    ev = _evaluate(case, r_fit, r_eval)
    _check_frame(ev.value, case, assert_close)
    assert ev.warnings == case["warnings"]


@pytest.mark.r_cases("broom", "glance")
def test_glance_matches_broom(case, r_fit, r_eval, assert_close):
    ev = _evaluate(case, r_fit, r_eval)
    _check_frame(ev.value, case, assert_close)
    assert ev.value["df.null"].dtype.kind == "i" and ev.value["nobs"].dtype.kind == "i"


@pytest.mark.r_cases("broom", "augment")
def test_augment_matches_broom(case, r_fit, r_eval, assert_close):
    ev = _evaluate(case, r_fit, r_eval)
    _check_frame(ev.value, case, assert_close)
    assert ev.warnings == [w for w in case["warnings"] if BROOM_MAINTENANCE not in w]


@pytest.mark.r_cases("broom", "anova")
def test_tidy_anova_matches_broom(case, r_fit, r_eval, assert_close):
    ev = _evaluate(case, r_fit, r_eval)
    # a deviance difference that is zero in exact arithmetic is rounding noise: compared
    # absolutely, at TOL x the largest deviance of the table
    numbers = [v for n, vs in case["values"].items() if case["kinds"][n] == "number"
               for v in vs if isinstance(v, (int, float))]
    _check_frame(ev.value, case, assert_close, atol=TOL * max(map(abs, numbers)))
    assert [w for w in ev.warnings if "ANOVA" in w] == case["warnings"]


def test_augment_leaves_the_callers_data_alone(r_fit, reference, dataset):
    import rglm

    case = next(c for c in reference("broom")["augment"] if c["id"] == "dobson_data")
    fit = r_fit(case["fit_py"], case["data"]).value
    data = dataset("dobson")
    before = data.copy()
    out = rglm.augment(fit, data=data)
    pd.testing.assert_frame_equal(data, before)
    assert out is not data


def test_augment_refuses_unknown_types(r_fit, reference):
    import rglm
    from rglm.errors import RError

    case = reference("broom")["augment"][0]
    fit = r_fit(case["fit_py"], case["data"]).value
    with pytest.raises(RError, match="type.predict"):
        rglm.augment(fit, type_predict="probability")
    with pytest.raises(RError, match="type.residuals"):
        rglm.augment(fit, type_residuals="working")


def test_tidy_of_an_unknown_object_is_rs_error():
    import rglm
    from rglm.errors import RError

    with pytest.raises(RError, match="no applicable method for 'tidy'"):
        rglm.tidy(np.arange(3.0))
