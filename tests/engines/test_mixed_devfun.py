"""lme4's objective functions, evaluated by rglm's engine at lme4's own points.

References: tests/reference/make_mixed_engine.R, section ``fits`` (``devfun0``,
``devfun``, ``stage1_theta``); its header states the protocol: the stored linear
predictor lp0 that every lme4 evaluation restarts PIRLS from is re-created here exactly
as lme4 creates it (initial joint PIRLS from mustart; for nAGQ >= 1 the nAGQ = 0
objective at lme4's stage-1 theta), and checked.

Tolerance 1e-10 relative (the issue's): the objective is a sum of n terms plus two
log-determinants, reproduced in a different order of floating-point operations.
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.engines.mixed import GlmmDeviance, LmmDeviance

TOL = 1e-10


def _glmer(case):
    return case["kind"] == "glmer"


@pytest.mark.r_cases("mixed_engine", "fits", where=_glmer)
def test_nagq0_objective_from_the_initial_lp0(case, mixed_problem_of, assert_close):
    problem = mixed_problem_of(case)
    dev = GlmmDeviance(problem)
    dev.initialize(problem.reterms.theta)
    ref = case["devfun0"]
    assert_close(np.sum(dev.lp0), ref["lp0_sum"], TOL, "lp0 sum")
    assert_close(dev.lp0[:5], ref["lp0_head"], TOL, "lp0 head")
    values = [dev.nagq0(np.atleast_1d(p)) for p in ref["points"]]
    assert_close(values, ref["values"], TOL, "nAGQ = 0 objective")


@pytest.mark.r_cases("mixed_engine", "fits", where=lambda c: _glmer(c) and c["nAGQ"] > 0)
def test_laplace_and_agq_objective_from_the_stage1_lp0(case, mixed_problem_of,
                                                       assert_close):
    problem = mixed_problem_of(case)
    ntheta = problem.structure.ntheta
    dev = GlmmDeviance(problem)
    dev.initialize(problem.reterms.theta)
    dev.nagq0(np.atleast_1d(case["stage1_theta"]))
    dev.set_lp0_from(dev.last)
    ref = case["devfun"]
    assert_close(np.sum(dev.lp0), ref["lp0_sum"], TOL, "stage-2 lp0 sum")
    assert_close(dev.lp0[:5], ref["lp0_head"], TOL, "stage-2 lp0 head")
    f = dev.objective(case["nAGQ"], ntheta)
    values = [f(np.asarray(p, dtype=float)) for p in ref["points"]]
    assert_close(values, ref["values"], TOL, f"nAGQ = {case['nAGQ']} objective")


@pytest.mark.r_cases("mixed_engine", "fits", where=lambda c: c["kind"] == "lmer")
def test_lmer_profiled_deviance(case, mixed_problem_of, assert_close):
    dev = LmmDeviance(mixed_problem_of(case), REML=case["REML"])
    ref = case["devfun"]
    values = [dev(np.atleast_1d(p)) for p in ref["points"]]
    assert_close(values, ref["values"], TOL, "REML criterion" if case["REML"] else "deviance")


@pytest.mark.r_cases("mixed_engine", "fits", where=lambda c: _glmer(c) and c["nAGQ"] == 1)
def test_devcomp_at_lme4s_optimum(case, mixed_problem_of, assert_close):
    """log|L|^2, |u|^2, the sum of unit deviances and the Pearson sum at lme4's (theta,
    beta) (R: ``getME(fit, "devcomp")$cmp``, computed by lme4 at its final evaluation)."""
    problem = mixed_problem_of(case)
    ntheta = problem.structure.ntheta
    dev = GlmmDeviance(problem)
    dev.initialize(problem.reterms.theta)
    dev.nagq0(np.atleast_1d(case["stage1_theta"]))
    dev.set_lp0_from(dev.last)
    par = np.concatenate([np.atleast_1d(case["theta"]), np.atleast_1d(case["beta"])])
    value = dev.laplace(par[:ntheta], par[ntheta:])
    res = dev.last
    cmp = case["devcomp"]
    fam = problem.family
    wrss = np.sum(problem.weights * (problem.y - res.mu) ** 2 / fam.variance(res.mu))
    assert_close(value, cmp["dev"], TOL, "dev")
    assert_close(res.ldL2, cmp["ldL2"], TOL, "ldL2")
    assert_close(res.ussq, cmp["ussq"], TOL, "ussq")
    assert_close(res.dev_resid_sum, cmp["drsum"], TOL, "drsum")
    assert_close(wrss, cmp["wrss"], TOL, "wrss")
    # u at lme4's optimum is lme4's u (the same PIRLS from the same lp0).
    assert_close(res.u, case["u"], 1e-8, "u", atol=1e-12)
