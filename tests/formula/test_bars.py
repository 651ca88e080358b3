"""lme4's bar syntax and random-effects structures (rglm.formula.bars) against lme4.

References: tests/reference/make_mixed_engine.R (sections ``bars`` and ``reterms``:
``findbars``/``nobars``/``subbars`` and ``lFormula()``/``glFormula()``'s ``reTrms``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from rglm.errors import RError
from rglm.formula import model_frame
from rglm.formula.bars import (
    check_nlevels, check_zdims, findbars, mk_reterms, nobars, sub_frame, subbars,
)
from rglm.formula.deparse import deparse1


def _list(v):
    return v if isinstance(v, list) else [v]


def _reterms(case):
    from rglm.datasets import load

    ns = {"pd": pd, "np": np, case["data"]: load(case["data"])}
    if case.get("prep"):
        exec(case["prep"], ns)  # noqa: S102 - our own reference code
    frame = model_frame(subbars(case["formula"]), ns[case["data"]])
    return frame, mk_reterms(findbars(case["formula"]), frame)


def _csc(ref) -> sp.csc_matrix:
    x = np.array(ref["x"], dtype=float)
    return sp.csc_matrix((x, np.array(_list(ref["i"]), dtype=np.int64),
                          np.array(_list(ref["p"]), dtype=np.int64)), shape=tuple(ref["dim"]))


@pytest.mark.r_cases("mixed_engine", "bars", ids="formula")
def test_findbars_nobars_subbars(case):
    assert [deparse1(b) for b in findbars(case["formula"])] == _list(case["findbars"])
    assert deparse1(nobars(case["formula"])) == case["nobars"]
    assert deparse1(subbars(case["formula"])) == case["subbars"]


@pytest.mark.r_cases("mixed_engine", "reterms")
def test_reterms_match_lme4(case, assert_close):
    frame, rt = _reterms(case)
    assert frame.nrow == case["nrow"]
    assert rt.n == case["nrow"]
    assert list(rt.Gp) == _list(case["Gp"])
    assert list(rt.nl) == _list(case["nl"])
    assert [t.name for t in rt.terms] == _list(case["term_names"])
    assert [(g, list(c)) for g, c in rt.cnms] == \
        [(c["group"], _list(c["columns"])) for c in case["cnms"]]
    assert list(rt.theta_names) == _list(case["theta_names"])
    assert_close(rt.theta, case["theta"], 0, "theta")
    assert_close(rt.lower, case["lower"], 0, "lower")
    # Zt: lme4 drops explicit zeros (drop0); values are the raw term matrices, exact.
    zt = rt.Zt.copy()
    zt.eliminate_zeros()
    ref = _csc(case["Zt"])
    assert zt.shape == ref.shape
    assert (zt != ref).nnz == 0
    lam = _csc(case["Lambdat"])
    assert (rt.Lambdat != lam).nnz == 0
    assert np.array_equal(rt.Lambdat.indices, lam.indices)
    assert np.array_equal(rt.Lambdat.indptr, lam.indptr)
    assert list(rt.Lind) == _list(case["Lind"])
    assert list(rt.flist) == [f["name"] for f in case["flist"]]
    for f in case["flist"]:
        levels, codes = rt.flist[f["name"]]
        assert list(levels) == _list(f["levels"])
        assert list(codes) == _list(f["codes"])
    assert list(rt.flist_assign) == _list(case["flist_assign"])


def test_sub_frame_codes_the_fixed_part_on_the_full_frame(reference):
    case = next(c for c in reference("mixed_engine")["reterms"] if c["id"] == "sleep_na_group")
    frame, _ = _reterms(case)
    fixed = sub_frame(frame, nobars(case["formula"]))
    assert fixed.nrow == case["nrow"] == frame.nrow
    assert list(fixed.row_names) == list(frame.row_names)


def test_terms_sorted_like_lme4_with_ties_reversed():
    # mkReTrms uses rev(order(nl)): equal level counts come out in reverse order.
    d = pd.DataFrame({"y": np.arange(12.0), "a": list("ab") * 6, "b": list("cd") * 6,
                      "c": list("efg") * 4})
    f = "y ~ (1 | a) + (1 | c) + (1 | b)"
    rt = mk_reterms(findbars(f), model_frame(subbars(f), d))
    assert [t.group for t in rt.terms] == ["c", "b", "a"]
    f2 = "y ~ (1 | c) + (1 | a) + (1 | b)"  # already non-increasing: order kept
    rt2 = mk_reterms(findbars(f2), model_frame(subbars(f2), d))
    assert [t.group for t in rt2.terms] == ["c", "a", "b"]


def test_caller_data_not_modified():
    d = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": [2, 1, 2, 1]})
    before = d.copy()
    f = "y ~ (1 | g)"
    rt = mk_reterms(findbars(f), model_frame(subbars(f), d))
    pd.testing.assert_frame_equal(d, before)
    assert rt.terms[0].levels == ("1", "2")  # numeric grouping: factor(), sorted
    assert list(rt.terms[0].codes) == [1, 0, 1, 0]


def test_structure_errors():
    d = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": ["a"] * 4, "h": list("abcd")})
    with pytest.raises(RError, match="No random effects terms"):
        mk_reterms((), model_frame("y ~ 1", d))
    f = "y ~ (1 | g)"
    rt = mk_reterms(findbars(f), model_frame(subbars(f), d))
    with pytest.raises(RError, match="grouping factors must have > 1 sampled level"):
        check_nlevels(rt, 4)
    f = "y ~ (1 | h)"
    rt = mk_reterms(findbars(f), model_frame(subbars(f), d))
    with pytest.raises(RError, match=r"must be < number of observations \(problems: h\)"):
        check_nlevels(rt, 4)
    check_nlevels(rt, 4, allow_n=True)
    with pytest.raises(RError, match=r"number of observations \(=4\) <= number of random "
                                     r"effects \(=4\) for term \(1 \| h\)"):
        check_zdims(rt, 4)
