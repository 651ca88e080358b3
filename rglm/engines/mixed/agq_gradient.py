"""The quadrature log likelihood of one level of random effects, and its gradient, with
the adaptive nodes held fixed.

R: none (lme4 optimises its nAGQ objective by Nelder-Mead, derivative-free); Stata:
``meglm``'s analytic first derivatives, taken with the adaptive quadrature parameters
fixed at their current values and re-adapted between Newton steps (Rabe-Hesketh,
Skrondal and Pickles 2005, section 3).

Conventions (shapes) as :mod:`.agq_level`: rows sorted by group, G groups, q effects
per group, K = intpoints^q nodes; nodes on the spherical scale u (b = Lambda u).

Notes
-----
With the centres a_g and Cholesky scales S_g fixed, the nodes u_gk = a_g + S_g z_k no
longer depend on the parameters, and each group's rule

    log L_g = log|S_g| + log sum_k exp(l_gk),
    l_gk = log w_k + T_gk - |u_gk|^2 / 2 + |z_k|^2 / 2,
    T_gk = sum_{i in g} log f(y_i | eta_ik),  eta_ik = o_i + x_i' beta + V_i(theta)' u_gk,

is a smooth function of (theta, beta[, log sigma]) only through T. With the posterior
node weights p_gk = softmax_k(l_gk) and the scores s_ik = d log f / d eta at eta_ik:

* d log L / d beta = sum_i x_i r_i,  r_i = sum_k p_g(i)k s_ik;
* V_i = Z_i Lambda-block(theta) is linear in theta: the entry theta_j sits at row a,
  column c of its term's T, so d eta_ik / d theta_j = Z_i[a] u_gk[c] and
  d log L / d theta_j = sum_i Z_i[a] M_i[c],  M_i = sum_k p_g(i)k s_ik u_g(i)k;
* gaussian: log f = -d / (2 sigma^2) + c(sigma), so d log f / d log sigma = -2 (log f
  - c) - 1 per observation of positive weight;
* the family's own parameters (meglm's ordinal cutpoints, nbinomial's log dispersion,
  gamma's log scale: ``aux``, at the end of the parameters) enter log f only:
  d log L / d aux_j = sum_i sum_k p_g(i)k d log f_ik / d aux_j (the response's
  ``aux_scores``).

The gradient is exact for the frozen rule. At a point where the rule has just been
adapted its value is the adaptive log likelihood; the adaptive rule's own derivative
differs by the terms through a(theta, beta) and S(theta, beta), which vanish with the
rule's error (the exact integral does not depend on where the nodes are), so the
stationary point of the refreshed frozen rule is the adaptive optimum up to that error
(:mod:`.agq_fit` corrects for it). :meth:`FrozenLevel.adapt` re-adapts from the current
nodes (fewer iterations than :func:`.agq_vector.marginal_loglik`'s start from u = 0).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from rglm.errors import RError

from .agq_level import (group_modes, gsum, level_of, level_terms, mean_variance,
                        product_rule, rule_value, scale_of)
from .agq_ordinal import OrdinalLik
from .agq_response import CondLik, cond_lik
from .kernels import kernel_for
from .problem import MixedProblem

__all__ = ["FrozenLevel", "GRADIENT_FAMILIES", "AUX_FAMILIES", "aux_count"]

#: R's families: the CondLik score is d log f / d eta with phi = 1 or sigma^2.
GRADIENT_FAMILIES = ("binomial", "poisson", "gaussian")
#: meglm's families with parameters of their own (``aux``), which the frozen rules
#: differentiate too (:func:`.agq_fit.fit_quadrature` has no aux block: meglm's
#: optimiser uses them).
AUX_FAMILIES = ("ordinal", "nbinomial", "gamma")


def aux_count(problem: MixedProblem) -> int:
    """The number of the family's own parameters: an ordinal response's K - 1
    cutpoints (categories coded 0..K-1, :func:`.agq_response.meglm_problem`), a
    negative binomial's one log dispersion, a gamma's one log scale (Stata's
    ``/logs``), none for R's families."""
    family = problem.family.family
    if family == "ordinal":
        return int(np.max(problem.y))
    return 1 if family in ("nbinomial", "gamma") else 0


class _FrozenResponse:
    """The response part of the frozen rules: parameters (theta, beta[, log sigma][,
    aux]) and the response object at them."""

    def _init_response(self, problem: MixedProblem, order: np.ndarray):
        if problem.family.family not in GRADIENT_FAMILIES + AUX_FAMILIES:
            raise RError(f"the frozen rule's gradient is for the "
                         f"{', '.join(GRADIENT_FAMILIES + AUX_FAMILIES)} families, not "
                         f"{problem.family.family!r}")
        self.problem, self.order = problem, order
        self.ntheta, self.p = problem.structure.ntheta, problem.p
        self.gaussian = problem.family.family == "gaussian"
        self.naux = aux_count(problem)
        # any valid aux: the response object is rebuilt at each point's own
        aux0 = np.arange(float(self.naux)) if self.naux else None
        # phi = 1 here; a gaussian's 1 / sigma^2 multiplies log f and the score
        self.cl = _fast(cond_lik(problem, order, 1.0 if self.gaussian else None, aux0))
        self.npos = int(np.sum(self.cl.w > 0))

    def _split(self, params: np.ndarray) -> tuple:
        """(theta, beta, the response at params)."""
        nt, p = self.ntheta, self.p
        return params[:nt], params[nt:nt + p], self._response(params)

    def _response(self, params: np.ndarray):
        nt, p = self.ntheta, self.p
        if self.gaussian:
            return _Scaled(self.cl, float(np.exp(-2.0 * params[nt + p])))
        if self.naux:
            # cutpoints out of order: RError (an infeasible point for the optimiser)
            return _fast(cond_lik(self.problem, self.order, None, params[nt + p:]))
        return self.cl

    def _constant(self, params: np.ndarray) -> float:
        """sum_i c_i: a gaussian's -log sigma per row of positive weight included (the
        ordinal, negative binomial and gamma constants are free of aux)."""
        if self.gaussian:
            return self.cl.constant - self.npos * float(params[self.ntheta + self.p])
        return self.cl.constant


class FrozenLevel(_FrozenResponse):
    """One grouping factor's quadrature rule with the nodes held fixed.

    Parameters
    ----------
    problem : MixedProblem
        All random-effects terms on one grouping factor; binomial, poisson or
        gaussian, or meglm's ordinal, nbinomial or gamma (:data:`AUX_FAMILIES`).
    K : int
        Points per dimension.

    Attributes
    ----------
    G, q, ntheta, p, naux : int
    gaussian : bool
        The parameters (theta, beta) go on with log sigma.
    """

    def __init__(self, problem: MixedProblem, K: int):
        st = problem.structure
        codes = np.asarray(st.terms[0].codes, dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.starts = np.flatnonzero(np.r_[True, self.codes[1:] != self.codes[:-1]])
        self.G = len(self.starts)
        self._init_response(problem, order)
        self.X = np.ascontiguousarray(problem.X[order], dtype=np.float64)
        self.offset = np.asarray(problem.offset, dtype=np.float64)[order]
        self.cols = TermColumns(st, order, range(len(st.terms)))
        self.Z = self.cols.Z
        self.q = self.Z.shape[1]
        self.z, self.logw = product_rule(K, self.q)

    def V(self, theta: np.ndarray) -> np.ndarray:
        """Z Lambda's rows (n, q) in the engine's order."""
        return self.cols.V(theta)

    def nodes_of(self, lik, params=None, intmethod=None) -> tuple:
        """The frozen nodes of a :class:`.agq_vector.QuadLik`: (a, S)."""
        return lik.centre, lik.scale

    def refresh(self, params: np.ndarray, intmethod: str, *nodes) -> tuple:
        """The nodes adapted at ``params``, from ``nodes``."""
        return self.adapt(params, intmethod, *nodes)[1:]

    def adapted_value(self, params: np.ndarray, intmethod: str, *nodes) -> float:
        """The adaptive log likelihood, adapted from ``nodes``."""
        return self.adapt(params, intmethod, *nodes)[0]

    def adapt(self, params: np.ndarray, intmethod: str, a0: np.ndarray,
              S0: np.ndarray) -> tuple:
        """(log L, a, S): the adaptive rule at ``params``, its adaptation started from
        the centres a0 (G, q) and scales S0 (G, q, q) of a nearby point.

        The value of :func:`.agq_vector.marginal_loglik` (which starts from u = 0) up
        to the adaptation's tolerance: the modes are the same, and the mean-variance
        iterations reach the same fixed point, in fewer steps from nearby.
        """
        theta, beta, cl = self._split(params)
        eta0 = (self.offset + self.X @ beta)[None, :]
        level = level_of(self.V(theta), self.codes)
        terms = level_terms(cl, eta0, level)
        if intmethod == "ghermite":
            a, S = a0[None], S0[None]
            value = rule_value(terms, a, S, self.z, self.logw)[0]
        elif intmethod == "mvaghermite":
            value, a, S = mean_variance(terms, a0[None], S0[None], self.z, self.logw)
        else:
            a, hess = group_modes(cl, eta0, level, a0[None])
            S = scale_of(hess)
            value = rule_value(terms, a, S, self.z, self.logw)[0]
        return float(np.sum(value)) + self._constant(params), a[0], S[0]

    def value_grad(self, params: np.ndarray, a: np.ndarray, S: np.ndarray) -> tuple:
        """(log L, gradient) of the frozen rule at params = (theta, beta[, log sigma][,
        aux]).

        ``a`` (G, q) and ``S`` (G, q, q) are the fixed centres and scales (u scale).
        """
        theta, beta, cl = self._split(params)
        u = a[:, None, :] + np.einsum("gij,kj->gki", S, self.z)            # (G, K, q)
        un = np.swapaxes(u, 0, 1)[:, self.codes, :]                        # (K, n, q)
        eta = (self.offset + self.X @ beta)[None, :] + np.einsum(
            "ni,kni->kn", self.V(theta), un)
        logf, score = logf_score(cl, eta)                                  # (K, n)
        tot = (self.logw[:, None] + gsum(logf, self.starts, -1)
               - 0.5 * np.sum(u * u, -1).T + 0.5 * np.sum(self.z * self.z, -1)[:, None])
        top = tot.max(axis=0)
        e = np.exp(tot - top)
        s = e.sum(axis=0)
        logdet = np.sum(np.log(np.diagonal(S, axis1=-2, axis2=-1)), -1)
        loglik = float(np.sum(logdet + top + np.log(s)))
        post = (e / s)[:, self.codes]                                      # (K, n)
        ps = post * score
        r = ps.sum(axis=0)
        M = np.einsum("kn,kni->ni", ps, un)
        g_theta = np.zeros(self.ntheta)
        g_theta[self.cols.theta_index] = self.cols.theta_grad(M)
        grad = [g_theta, self.X.T @ r]
        if self.gaussian:
            grad.append([-2.0 * float(np.sum(post * logf)) - self.npos])
        if self.naux:
            grad.append(np.einsum("kn,knj->j", post, cl.aux_scores(eta)))
        return loglik + self._constant(params), np.concatenate(grad)


class TermColumns:
    """The random-effects terms of one level: their Z columns side by side, Z Lambda at
    theta, and where each theta entry acts.

    theta_j sits at (row a, column c) of its term's T: d (Z Lambda)_i / d theta_j puts
    Z_i[a] in column c, so the gradient of sum_i M_i . (Z Lambda)_i-weighted sums is
    sum_i Z_i[a] M_i[c] (``theta_grad``).
    """

    def __init__(self, st, order: np.ndarray, term_idx):
        self._st, self._terms = st, list(term_idx)
        zcol, ucol, tidx, cols = [], [], [], []
        col = 0
        for k in self._terms:
            t = st.terms[k]
            ii, jj = st.tril[k]
            off = st.reterms.theta_offsets[k]
            zcol.append(col + np.asarray(ii))
            ucol.append(col + np.asarray(jj))
            tidx.append(off + np.arange(len(ii)))
            cols.append(np.asarray(t.X, dtype=np.float64)[order])
            col += t.p
        self.Z = np.concatenate(cols, axis=1)                       # (n, q)
        self.zcol = np.concatenate(zcol).astype(np.int64)
        self.ucol = np.concatenate(ucol).astype(np.int64)
        #: positions in theta of this level's entries
        self.theta_index = np.concatenate(tidx).astype(np.int64)

    def V(self, theta: np.ndarray) -> np.ndarray:
        """Z Lambda's rows (n, q) of these terms."""
        tm = self._st.tmats(theta)
        out = np.empty_like(self.Z)
        col = 0
        for k in self._terms:
            T = tm[k]
            out[:, col:col + T.shape[0]] = self.Z[:, col:col + T.shape[0]] @ T
            col += T.shape[0]
        return out

    def theta_grad(self, M: np.ndarray) -> np.ndarray:
        """sum over rows (last but one axis) of Z[:, a_j] M[..., c_j], per entry j."""
        return np.einsum("nj,...nj->...j", self.Z[:, self.zcol], M[..., self.ucol])


class _BernoulliLogit:
    """CondLik's log f and score for 0/1 responses and the logit link through the
    PIRLS kernel (:mod:`.kernels`): the same floating-point numbers as the family's
    functions, without their block-wise general path, which dominates a fit's time.
    The kernel's functions are elementwise with (n,) data, so they broadcast over the
    node axis."""

    def __init__(self, cl: CondLik):
        self.cl, self.y, self.w, self.constant = cl, cl.y, cl.w, cl.constant
        self.kernel = kernel_for(SimpleNamespace(family=cl.family, y=cl.y, weights=cl.w))

    def logf(self, eta: np.ndarray) -> np.ndarray:
        return self.kernel.dev_resids(self.kernel.linkinv(eta)) * (-0.5 / self.cl.phi)

    def logf_score(self, eta: np.ndarray) -> tuple:
        """(log f, d log f / d eta) with one inverse link: for the canonical logit
        mu_eta / V(mu) = 1, so the score is w (y - mu) / phi."""
        mu = self.kernel.linkinv(eta)
        logf = self.kernel.dev_resids(mu) * (-0.5 / self.cl.phi)
        return logf, self.w * (self.y - mu) / self.cl.phi

    def score_weight(self, eta: np.ndarray) -> tuple:
        k = self.kernel
        mu = k.linkinv(eta)
        mueta = k.mu_eta(eta)
        var = k.variance(mu) * self.cl.phi
        return self.w * (self.y - mu) * mueta / var, self.w * mueta * mueta / var


class _OrdinalLogit:
    """OrdinalLik's log f, score, curvature and cutpoint scores for the logit link in
    closed form, one exponential per value, without the general path's tails and
    log(1 - exp) (which dominate an ordinal fit's time).

    With F the logistic CDF, a = kappa_{k+1} - eta, b = kappa_k - eta, D = kappa_{k+1}
    - kappa_k and u = e^eta, P(y = k) = F(a) - F(b) = F(b) F(-a) (e^D - 1), so

        log P = log(e^D - 1) - log1p(u e^-kappa_k) - log1p(e^kappa_{k+1} / u),

    at the top category (b only) -log1p(e^kappa_k / u), at the bottom one (a only)
    -log1p(u e^-kappa_1); every term is accurate wherever u is finite and positive
    (|eta| < 700: further out the value is -inf, an infeasible point, as the general
    path's overflow). d log P / d eta = F(a) + F(b) - 1 and -d^2 log P / d eta^2 =
    F(a) F(-a) + F(b) F(-b) (F(a) = 1 at the top, F(b) = 0 at the bottom), with F(a) =
    1 / (1 + u e^-kappa_{k+1}); d log P / d kappa_{k+1} = 1 / (1 - e^-D) - F(a) and
    d log P / d kappa_k = 1 - F(b) - 1 / (1 - e^-D) (D's term absent at the ends).
    """

    def __init__(self, cl: OrdinalLik):
        self.cl, self.y, self.w, self.constant = cl, cl.y, cl.w, cl.constant
        top, bottom = cl._top, cl._bottom
        inner = ~(top | bottom)
        gap = np.where(inner, cl._hi - cl._lo, 1.0)
        self.log_gap = np.where(inner, np.log(np.expm1(gap)), 0.0)
        # log P = log_gap - log1p(u A) - log1p(B / u); F(a) = 1 / (1 + u Ca), F(b) the same
        # with Cb (0 where the category has no such cutpoint: F(a) = 1, F(b) = 0)
        self.A = np.where(top, 0.0, np.where(bottom, np.exp(-cl._hi), np.exp(-cl._lo)))
        self.B = np.where(bottom, 0.0, np.where(top, np.exp(cl._lo), np.exp(cl._hi)))
        self.Ca = np.where(top, 0.0, np.exp(-cl._hi))
        self.Cb = np.where(bottom, np.inf, np.exp(-cl._lo))
        D = 1.0 / -np.expm1(-gap)
        self.d_up = np.where(bottom, 1.0, D)
        self.d_down = np.where(top, 1.0, D)
        cols = np.arange(cl.cutpoints.size)
        self.up = (self.y[:, None] == cols) & ~top[:, None]                # (n, K - 1)
        self.down = (self.y[:, None] - 1 == cols) & ~bottom[:, None]

    def _F(self, eta) -> tuple:
        u = np.exp(eta)
        with np.errstate(invalid="ignore"):       # 0 * inf at the bottom: F(b) = 0
            Fb = 1.0 / (1.0 + np.where(self.Cb == np.inf, np.inf, u * self.Cb))
        return 1.0 / (1.0 + u * self.Ca), Fb

    def logf(self, eta: np.ndarray) -> np.ndarray:
        u = np.exp(eta)
        with np.errstate(divide="ignore", over="ignore"):
            return self.w * (self.log_gap - np.log1p(u * self.A) - np.log1p(self.B / u))

    def score_weight(self, eta: np.ndarray) -> tuple:
        Fa, Fb = self._F(eta)
        return (self.w * (Fa + Fb - 1.0),
                self.w * (Fa * (1.0 - Fa) + Fb * (1.0 - Fb)))

    def aux_scores(self, eta: np.ndarray) -> np.ndarray:
        Fa, Fb = self._F(eta)
        up = self.w * (self.d_up - Fa)
        down = self.w * (1.0 - self.d_down - Fb)
        return up[..., None] * self.up + down[..., None] * self.down


def logf_score(cl, eta: np.ndarray) -> tuple:
    """(log f, score) of a response at ``eta``: its fused ``logf_score`` where it has
    one (the gradient needs no Fisher weight), else ``logf`` and ``score_weight``."""
    fused = getattr(cl, "logf_score", None)
    if fused is not None:
        return fused(eta)
    return cl.logf(eta), cl.score_weight(eta)[0]


def _fast(cl: CondLik):
    """The fused path where it applies (Bernoulli, logit; ordinal, logit), else ``cl``
    itself."""
    if isinstance(cl, OrdinalLik) and cl.link == "logit":
        return _OrdinalLogit(cl)
    if not isinstance(cl, CondLik):     # other links and nbinomial: their own functions
        return cl
    fam = cl.family
    if fam.family == "binomial" and fam.link == "logit" \
            and np.all((cl.y == 0) | (cl.y == 1)):
        return _BernoulliLogit(cl)
    return cl


class _Scaled:
    """A CondLik with log f and its derivatives times 1 / phi (a gaussian's sigma^-2:
    the FrozenLevel's CondLik has phi = 1 so that sigma can vary)."""

    def __init__(self, cl: CondLik, inv_phi: float):
        self.cl, self.inv_phi = cl, inv_phi

    def logf(self, eta: np.ndarray) -> np.ndarray:
        return self.cl.logf(eta) * self.inv_phi

    def score_weight(self, eta: np.ndarray) -> tuple:
        score, weight = self.cl.score_weight(eta)
        return score * self.inv_phi, weight * self.inv_phi
