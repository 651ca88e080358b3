"""Unit tests of the engine's pieces: factorisations against dense linear algebra,
lme4's errors, controls, the progress hook, imports, the caller's data."""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import rglm
from rglm.errors import RError
from rglm.engines.mixed import (
    check_conv, fit_glmer, fit_lmer, glmer_control, lmer_control, mixed_problem,
)
from rglm.engines.mixed.checks import HELP_SUFFIX
from rglm.engines.mixed.control import ConvCheck
from rglm.engines.mixed.factor import BlockFactor, DiagFactor, SchurFactor, SparseLUFactor
from rglm.engines.mixed.quadrature import gh_rule
from rglm.formula import model_frame, model_matrix, model_response
from rglm.formula.bars import check_nlevels, findbars, mk_reterms, nobars, sub_frame, subbars

ENGINE = pathlib.Path(rglm.__file__).parent / "engines" / "mixed"


def _spd_blocks(rng, sizes):
    """A random SPD matrix shaped like A = U'WU + I: first term block diagonal."""
    q = sum(s for s, _ in sizes)
    (q1, p1) = sizes[0]
    U = sp.random(200, q, density=0.05, random_state=rng, format="csr")
    # make the first term a grouping factor: one level per row
    codes = rng.integers(0, q1 // p1, 200)
    first = sp.csr_matrix((rng.normal(size=(200, p1)).ravel(),
                           (np.repeat(np.arange(200), p1),
                            (codes[:, None] * p1 + np.arange(p1)).ravel())), shape=(200, q1))
    U = sp.hstack([first, U[:, q1:]]).tocsr()
    return (U.T @ U + sp.identity(q)).tocsc()


@pytest.mark.parametrize("sizes", [((30, 1), (8, 1)), ((40, 2), (6, 1), (6, 3))])
def test_schur_and_lu_factors_against_dense(sizes):
    rng = np.random.default_rng(1)
    A = _spd_blocks(rng, sizes)
    dense = A.toarray()
    rhs = rng.normal(size=(A.shape[0], 3))
    sign, logdet = np.linalg.slogdet(dense)
    inv = np.linalg.inv(dense)
    for f in (SchurFactor(A, sizes[0][0], sizes[0][1], sizes), SparseLUFactor(A, sizes)):
        assert f.ldL2 == pytest.approx(logdet, rel=1e-12)
        np.testing.assert_allclose(f.solve(rhs), np.linalg.solve(dense, rhs), rtol=1e-10,
                                   atol=1e-12)
        np.testing.assert_allclose(f.solve(rhs[:, 0]), np.linalg.solve(dense, rhs[:, 0]),
                                   rtol=1e-10, atol=1e-12)
        start = 0
        for (size, p), blocks in zip(sizes, f.inverse_blocks()):
            idx = start + np.arange(size).reshape(-1, p)
            np.testing.assert_allclose(blocks, inv[idx[:, :, None], idx[:, None, :]],
                                       rtol=1e-9, atol=1e-12)
            start += size


def test_diag_and_block_factors_against_dense():
    rng = np.random.default_rng(2)
    d = rng.uniform(1, 3, 7)
    f = DiagFactor(d)
    assert f.ldL2 == pytest.approx(np.log(d).sum())
    np.testing.assert_allclose(f.solve(np.ones(7)), 1 / d)
    M = rng.normal(size=(5, 3, 3))
    blocks = M @ M.transpose(0, 2, 1) + np.eye(3)
    bf = BlockFactor(blocks)
    dense = sp.block_diag(list(blocks)).toarray()
    assert bf.ldL2 == pytest.approx(np.linalg.slogdet(dense)[1], rel=1e-12)
    r = rng.normal(size=15)
    np.testing.assert_allclose(bf.solve(r), np.linalg.solve(dense, r), rtol=1e-10)
    with pytest.raises(RError, match="not positive definite"):
        DiagFactor(np.array([1.0, np.nan]))


def test_gauss_hermite_rule_integrates_normal_moments():
    z, w, ld = gh_rule(25)
    assert w.sum() == pytest.approx(1.0, rel=1e-14)
    assert (w * z**4).sum() == pytest.approx(3.0, rel=1e-12)
    assert np.allclose(z, -z[::-1]) and z[12] == 0.0
    with pytest.raises(RError):
        gh_rule(0)


def _problem(formula, data, family=None):
    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mixed_problem(mm.x, model_response(fixed), rt, family, xnames=mm.colnames)


@pytest.mark.r_cases("mixed_engine", "errors")
def test_lme4_errors(case, reference):
    from rglm.datasets import load

    ns = {"pd": pd, "np": np, case["data"]: load(case["data"])}
    exec(case["prep"], ns)  # noqa: S102 - our own reference code
    data = ns[case["data"]]
    with pytest.raises(RError) as err:
        if case.get("family") is None:
            p = _problem(case["formula"], data)
            check_nlevels(p.reterms, p.n, allow_n=False)
        else:
            fam = getattr(rglm, case["family"])()
            fit_glmer(_problem(case["formula"], data, fam), nAGQ=case["nAGQ"])
    assert str(err.value) == case["error"]


def test_progress_hook_and_caller_data_untouched():
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"g": np.repeat(np.arange(20), 10), "x": rng.normal(size=200)})
    d["y"] = (rng.uniform(size=200) < 1 / (1 + np.exp(-(0.5 * d["x"] + rng.normal(size=20)[d["g"]])))).astype(float)
    before = d.copy()
    p = _problem("y ~ x + (1 | g)", d, rglm.binomial())
    stages = []
    fit = fit_glmer(p, progress=lambda stage, info: stages.append(stage))
    assert stages == ["init", "stage1", "stage2", "derivatives", "done"]
    pd.testing.assert_frame_equal(d, before)
    assert not p.X.flags.writeable
    with pytest.raises(Exception):
        fit.theta = np.zeros(1)  # frozen record


def test_controls_have_lme4_defaults_and_names():
    c = glmer_control()
    assert c.optimizer == ("bobyqa", "Nelder_Mead") and c.tolPwrss == 1e-7
    assert c.boundary_tol == 1e-5 and c.check_conv_grad == ConvCheck("warning", 2e-3)
    assert glmer_control(**{"boundary.tol": 1e-4}).boundary_tol == 1e-4
    assert glmer_control(optimizer="bobyqa").optimizer == ("bobyqa", "bobyqa")
    assert lmer_control().restart_edge is True and lmer_control().check_conv_nparmax == 10
    with pytest.raises(RError, match="unused argument"):
        glmer_control(tolpwrss=1)


def test_check_conv_texts():
    lower = np.array([0.0, -np.inf])
    res = check_conv(np.array([0.1, 0.5]), np.diag([1.0, 1.0]), np.array([1.0, 2.0]), lower,
                     ConvCheck("warning", 2e-3), ConvCheck("message", 1e-4),
                     ConvCheck("warning", 1e-6))
    # lme4 >= 1.1-38 ends the message with its help pointer (HELP_SUFFIX)
    assert res.messages == ("Model failed to converge with max|grad| = 0.5 (tol = 0.002, "
                            "component 1)" + HELP_SUFFIX,)
    res = check_conv(None, None, np.array([0.0, 2.0]), lower, ConvCheck("warning", 2e-3),
                     ConvCheck("message", 1e-4), ConvCheck("warning", 1e-6))
    assert res.messages == ("boundary (singular) fit: see help('isSingular')",)
    assert res.warnings == (("message", "boundary (singular) fit: see help('isSingular')"),)
    res = check_conv(np.zeros(2), np.diag([1.0, -1.0]), np.array([1.0, 2.0]), lower,
                     ConvCheck("warning", 2e-3), ConvCheck("message", 1e-4),
                     ConvCheck("warning", 1e-6))
    assert res.messages[-1] == ("Model failed to converge: degenerate  Hessian with 1 "
                                "negative eigenvalues" + HELP_SUFFIX)


def test_fits_invariant_to_row_order():
    rng = np.random.default_rng(4)
    d = pd.DataFrame({"g": np.repeat(np.arange(8), 4), "x": rng.normal(size=32)})
    d["y"] = d["x"] + rng.normal(size=8)[d["g"]] + rng.normal(size=32)
    d["c"] = rng.poisson(np.exp(0.3 * d["x"] + rng.normal(size=8)[d["g"]])).astype(float)
    perm = d.iloc[rng.permutation(32)]
    for formula, fam in (("y ~ x + (1 | g)", None), ("c ~ x + (1 | g)", rglm.poisson())):
        fits = [fit_lmer(_problem(formula, dd)) if fam is None else
                fit_glmer(_problem(formula, dd, fam)) for dd in (d, perm)]
        assert fits[0].deviance == pytest.approx(fits[1].deviance, rel=1e-9)
        np.testing.assert_allclose(fits[0].beta, fits[1].beta, rtol=1e-5, atol=1e-7)


def test_engine_imports_only_allowed_layers():
    allowed = ("rglm.formula", "rglm.families", "rglm.linalg", "rglm.errors",
               "rglm.engines")
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):  # imports inside functions count too
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.startswith("rglm"):
                assert node.module.startswith(allowed), (path.name, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("rglm") or \
                        alias.name.startswith(allowed), (path.name, alias.name)
