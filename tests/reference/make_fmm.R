# Finite mixtures of GLMs at the exact maximum likelihood, in Stata's fmm
# parameterisation: the references of rglm/families/densities/ and rglm/engines/em/
# (tests/engines/test_em*.py).
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_fmm.R
# Writes tests/reference/fmm.json.  Datasets are read back from data/
# (read_rglm_dataset; NPreg, patent, NMES1988 and fmmsim are written by make_datasets.R
# through fmm_datasets.R).  Needs flexmix, MASS and numDeriv.  Takes about 20 minutes
# (most of it the three 2-class NMES1988 models, 10 starts each); with model ids as
# arguments it runs just those and writes nothing (for checking a change).
#
# Method (../shared/reference/fmm-behaviour.md sections 2.6 and 3.3):
#   1. starts: flexmix's EM from `nrep` random starts (set.seed per model) gives posterior
#      class probabilities.  flexmix has only gaussian, binomial and poisson components
#      with Stata's links; for the other families the EM runs on a stand-in model with
#      the same classes in view (poisson for the negative binomials, gaussian on log y for
#      the positive continuous families, gaussian on logit y for beta), as its only job
#      is to propose class memberships.
#   2. from each start's posteriors, the complete-data log likelihood with those
#      posteriors held fixed is maximised (BFGS): the M-step, written here;
#   3. the observed-data log likelihood, written here with R's own densities (dnorm,
#      dbinom, dbeta, dpois, dnbinom, dexp, dgamma, dlnorm, dlogis, dweibull), is
#      maximised by BFGS and then Newton's method until the largest gradient component
#      is below 1e-7.  The derivatives of each log density with respect to its linear
#      predictor and ancillary are Richardson-extrapolated central differences taken
#      row by row (exact to about 1e-11); the Hessian is numDeriv's Richardson Jacobian
#      of that gradient;
#   4. the best optimum over the starts is kept, its classes put in rglm's canonical
#      order (see canonical_order()), and the standard errors computed there.
#
# Stata's parameterisation (fmm-behaviour.md section 1.4): the linear predictor eta =
# x'b + offset of class k; each family's ancillary on its log scale -- gaussian
# lnvar = log var(e), beta lnphi = log precision, nbinomial mean lnalpha, nbinomial
# constant lndelta, gamma / lognormal / loglogistic logs = log s, weibull ln_p = log p;
# exponential and weibull in the proportional-hazards metric (hazard exp(eta)) unless
# the model says metric = "aft" (exp(eta) scales time).
# Parameter vector, rglm's layout: the class-probability (multinomial logit) coefficients
# of classes 2..K (class 1 is the base), each on the lcprob design (intercept first);
# then for each class its coefficients followed by its ancillary.  lcinvariant ties
# parameters across classes: theta = N phi with N a 0/1 matrix.
#
# Per model: loglik, theta, the standard errors of theta by OIM (inverse negative
# Hessian), OPG, robust (sandwich) and cluster, the marginal class probabilities (the
# weighted sample mean of the prior class probabilities, Stata's estat lcprob) with
# delta-method SEs, the mean posteriors, the largest gradient component, the extreme
# eigenvalues of the negative Hessian of the free parameters, every start's polished
# log likelihood (`optima`), and `classid`, the class of largest posterior probability
# at the optimum (a start that rglm's classid method turns into the same optimum).
#
# Variance conventions (fmm-behaviour.md section 3.3; Stata's documented semantics,
# marked [M] there): s_i is row i's score.  fweights replicate rows: OPG and the robust
# meat are sum w s s', N = sum w; pweights and iweights scale scores: meat sum (w s)(w s)',
# N = rows.  robust = H^-1 meat H^-1 * N / (N - 1); cluster sums w s within clusters
# and uses G / (G - 1).  Constrained: V = N (N' A N)^-1 N' and its sandwich analogues.
# pweights imply the robust variance, also for the class probabilities' SEs.

source("tests/reference/common.R")
suppressPackageStartupMessages({
  library(flexmix)
  library(MASS)
  library(numDeriv)
})

OUT <- "tests/reference/fmm.json"

# ---- families --------------------------------------------------------------------

LINKINV <- list(identity = function(e) e, log = exp, logit = plogis, probit = pnorm,
                cloglog = function(e) -expm1(-exp(e)))
LINKFUN <- list(identity = function(m) m, log = log, logit = qlogis, probit = qnorm,
                cloglog = function(m) log(-log1p(-m)))
ANCILLARY <- c(gaussian = "lnvar", beta = "lnphi", nbinomial_mean = "lnalpha",
               nbinomial_constant = "lndelta", gamma = "logs", lognormal = "logs",
               loglogistic = "logs", weibull = "ln_p")

fam_key <- function(fam) {
  if (fam$name == "nbinomial") paste0("nbinomial_", fam$dispersion) else fam$name
}
anc_name <- function(fam) unname(ANCILLARY[fam_key(fam)])
has_anc <- function(fam) !is.na(anc_name(fam))

log_density <- function(fam, y, eta, anc, trials) {
  mu <- function() LINKINV[[fam$link]](eta)
  switch(fam_key(fam),
    gaussian = dnorm(y, mu(), exp(anc / 2), log = TRUE),
    bernoulli = dbinom(y, 1, mu(), log = TRUE),
    binomial = dbinom(y, trials, mu(), log = TRUE),
    beta = { m <- mu(); phi <- exp(anc); dbeta(y, m * phi, (1 - m) * phi, log = TRUE) },
    poisson = dpois(y, exp(eta), log = TRUE),
    nbinomial_mean = dnbinom(y, size = exp(-anc), mu = exp(eta), log = TRUE),
    nbinomial_constant = dnbinom(y, size = exp(eta - anc), prob = 1 / (1 + exp(anc)),
                                 log = TRUE),
    exponential = dexp(y, rate = exp(if (fam$metric == "ph") eta else -eta), log = TRUE),
    gamma = dgamma(y, shape = exp(-anc), scale = exp(anc + eta), log = TRUE),
    lognormal = dlnorm(y, eta, exp(anc), log = TRUE),
    loglogistic = dlogis(log(y), eta, exp(anc), log = TRUE) - log(y),
    weibull = dweibull(y, shape = exp(anc),
                       scale = exp(if (fam$metric == "ph") -eta / exp(anc) else eta), log = TRUE),
    stop("unknown family"))
}

# Row-by-row derivative of a vectorised f at x: central differences at h and h/2,
# Richardson-extrapolated (error O(h^4)).
rowwise_derivative <- function(f, x) {
  h <- 1e-3 * pmax(1, abs(x))
  wide <- (f(x + h) - f(x - h)) / (2 * h)
  narrow <- (f(x + h / 2) - f(x - h / 2)) / h
  (4 * narrow - wide) / 3
}

# A crude single-class start: (intercept, ancillary) from weighted moments.
crude_start <- function(fam, y, w, trials) {
  wm <- function(v) sum(w * v) / sum(w)
  wv <- function(v) wm((v - wm(v))^2)
  m <- wm(y)
  switch(fam_key(fam),
    gaussian = c(LINKFUN[[fam$link]](m), log(wv(y))),
    bernoulli = LINKFUN[[fam$link]](min(max(m, 0.05), 0.95)),
    binomial = LINKFUN[[fam$link]](min(max(wm(y / trials), 0.05), 0.95)),
    beta = c(LINKFUN[[fam$link]](m), log(max(m * (1 - m) / wv(y) - 1, 1))),
    poisson = log(m),
    nbinomial_mean = c(log(m), log(max(wv(y) - m, 0.1 * m) / m^2)),
    nbinomial_constant = c(log(m), log(max(wv(y) / m - 1, 0.1))),
    exponential = if (fam$metric == "ph") -log(m) else log(m),
    gamma = c(log(m), log(wv(y) / m^2)),
    lognormal = c(wm(log(y)), log(sqrt(wv(log(y))))),
    loglogistic = c(wm(log(y)), log(sqrt(3 * wv(log(y))) / pi)),
    weibull = c(if (fam$metric == "ph") -log(m) else log(m), 0))
}

# ---- the mixture ---------------------------------------------------------------------

# The model: data, design matrices, family, K, weights, ties.
mixture_model <- function(spec, data) {
  mf <- model.frame(as.formula(spec$formula), data)
  X <- model.matrix(terms(mf), mf)
  y <- as.numeric(model.response(mf))
  Z <- if (is.null(spec$lcprob)) matrix(1, nrow(data), 1, dimnames = list(NULL, "(Intercept)"))
       else model.matrix(as.formula(spec$lcprob), data)
  fam <- spec$fam
  K <- spec$k
  p <- ncol(X)
  q <- ncol(Z)
  na <- as.integer(has_anc(fam))
  w <- if (is.null(spec$weights)) rep(1, nrow(data)) else as.numeric(data[[spec$weights]])
  trials <- if (is.null(spec$trials)) NULL else as.numeric(data[[spec$trials]])
  # layout
  names <- character()
  if (K > 1) for (j in 2:K) names <- c(names, paste0("lcprob:", j, ":", colnames(Z)))
  for (k in seq_len(K)) {
    names <- c(names, paste0("class:", k, ":", colnames(X)))
    if (na) names <- c(names, paste0("class:", k, ":", anc_name(fam)))
  }
  P <- length(names)
  gamma_at <- function(j) (j - 2) * q + seq_len(q)
  beta_at <- function(k) (K - 1) * q + (k - 1) * (p + na) + seq_len(p)
  anc_at <- function(k) if (na) (K - 1) * q + k * (p + na) else integer()
  # lcinvariant ties -> theta = N phi
  ties <- spec$lcinvariant
  if ("all" %in% ties) ties <- c("cons", "coef", "errvar", "scale")
  pclass <- rep("lcprob", P)
  for (k in seq_len(K)) {
    pclass[beta_at(k)] <- ifelse(colnames(X) == "(Intercept)", "cons", "coef")
    if (na) pclass[anc_at(k)] <- if (fam$name == "gaussian") "errvar" else "scale"
  }
  slot <- seq_len(P)
  for (k in seq_len(K)[-1]) {
    own <- c(beta_at(k), anc_at(k))
    first <- c(beta_at(1), anc_at(1))
    tied <- pclass[own] %in% ties
    slot[own[tied]] <- first[tied]
  }
  free <- sort(unique(slot))
  N <- outer(slot, free, `==`) * 1
  list(y = y, X = X, Z = Z, fam = fam, K = K, p = p, q = q, na = na, w = w,
       trials = trials, names = names, P = P, N = N, gamma_at = gamma_at,
       beta_at = beta_at, anc_at = anc_at, n = length(y),
       cluster = if (is.null(spec$cluster)) NULL else data[[spec$cluster]],
       weight_type = spec$weight_type)
}

log_sum_exp_rows <- function(a) {
  top <- apply(a, 1, max)
  top + log(rowSums(exp(a - top)))
}

# Linear predictors, ancillaries, log prior, log density, row log likelihood, posterior.
mixture_parts <- function(theta, m) {
  eta <- sapply(seq_len(m$K), function(k) drop(m$X %*% theta[m$beta_at(k)]))
  eta <- matrix(eta, m$n, m$K)
  if (!is.null(m$offset)) eta <- eta + m$offset  # make_fmm_post.R's models have one
  anc <- if (m$na) theta[sapply(seq_len(m$K), m$anc_at)] else rep(0, m$K)
  lin <- matrix(0, m$n, m$K)
  if (m$K > 1) for (j in 2:m$K) lin[, j] <- drop(m$Z %*% theta[m$gamma_at(j)])
  log_pi <- lin - log_sum_exp_rows(lin)
  log_f <- sapply(seq_len(m$K), function(k)
    log_density(m$fam, m$y, eta[, k], anc[k], m$trials))
  log_f <- matrix(log_f, m$n, m$K)
  joint <- log_pi + log_f
  ll <- log_sum_exp_rows(joint)
  list(eta = eta, anc = anc, pi = exp(log_pi), ll = ll, tau = exp(joint - ll),
       log_f = log_f)
}

loglik <- function(theta, m) sum(m$w * mixture_parts(theta, m)$ll)

# Row scores (n x P, unweighted).  With `tau` given, the scores of the complete-data
# log likelihood with those posteriors fixed (the M-step's objective).
row_scores <- function(theta, m, tau = NULL) {
  pt <- mixture_parts(theta, m)
  if (is.null(tau)) tau <- pt$tau
  S <- matrix(0, m$n, m$P)
  if (m$K > 1) for (j in 2:m$K) S[, m$gamma_at(j)] <- (tau[, j] - pt$pi[, j]) * m$Z
  for (k in seq_len(m$K)) {
    d_eta <- rowwise_derivative(function(e) log_density(m$fam, m$y, e, pt$anc[k], m$trials),
                                pt$eta[, k])
    S[, m$beta_at(k)] <- tau[, k] * d_eta * m$X
    if (m$na) {
      d_anc <- rowwise_derivative(
        function(a) log_density(m$fam, m$y, pt$eta[, k], a, m$trials), rep(pt$anc[k], m$n))
      S[, m$anc_at(k)] <- tau[, k] * d_anc
    }
  }
  S
}

gradient <- function(theta, m, tau = NULL) colSums(m$w * row_scores(theta, m, tau))

hessian_free <- function(phi, m) {
  H <- numDeriv::jacobian(function(f) drop(crossprod(m$N, gradient(drop(m$N %*% f), m))), phi)
  (H + t(H)) / 2
}

phi_of <- function(theta, m) drop(solve(crossprod(m$N), crossprod(m$N, theta)))

# ---- optimisation ----------------------------------------------------------------------

# Start: maximise the complete-data log likelihood with the posteriors `tau` fixed.
m_step <- function(tau, m) {
  theta <- numeric(m$P)
  if (m$K > 1) for (j in 2:m$K) {
    share <- sum(m$w * tau[, j]) / sum(m$w * tau[, 1])
    theta[m$gamma_at(j)[1]] <- log(share)
  }
  for (k in seq_len(m$K)) {
    crude <- crude_start(m$fam, m$y, m$w * tau[, k] + 1e-12, m$trials)
    theta[m$beta_at(k)[1]] <- crude[1]
    if (m$na) theta[m$anc_at(k)] <- crude[2]
  }
  phi <- phi_of(theta, m)
  q_value <- function(f) {
    pt <- mixture_parts(drop(m$N %*% f), m)
    joint <- log(pmax(pt$pi, 1e-300)) +
      sapply(seq_len(m$K), function(k)
        log_density(m$fam, m$y, pt$eta[, k], pt$anc[k], m$trials))
    -sum(m$w * tau * joint)
  }
  q_grad <- function(f) -drop(crossprod(m$N, gradient(drop(m$N %*% f), m, tau)))
  opt <- optim(phi, q_value, q_grad, method = "BFGS",
               control = list(maxit = 2000, reltol = 1e-12))
  drop(m$N %*% opt$par)
}

# Direct maximisation of the observed-data log likelihood: BFGS, then Newton.
polish <- function(theta, m, newton = TRUE) {
  phi <- phi_of(theta, m)
  fn <- function(f) {
    v <- -loglik(drop(m$N %*% f), m)
    if (is.finite(v)) v else 1e300
  }
  gr <- function(f) -drop(crossprod(m$N, gradient(drop(m$N %*% f), m)))
  opt <- optim(phi, fn, gr, method = "BFGS", control = list(maxit = 20000, reltol = 1e-15))
  phi <- opt$par
  if (newton) {
    for (it in 1:40) {
      g <- -gr(phi)
      if (max(abs(g)) < 1e-7) break
      H <- hessian_free(phi, m)
      step <- tryCatch(solve(-H, g), error = function(e) NULL)
      if (is.null(step)) break
      f0 <- fn(phi)
      t <- 1
      while (t > 1e-6 && fn(phi + t * step) > f0 + 1e-9 * abs(f0)) t <- t / 2
      phi <- phi + t * step
    }
  }
  drop(m$N %*% phi)
}

# ---- canonical order ---------------------------------------------------------------------

# rglm's canonical class order: ascending weighted mean linear predictor on the scale of
# the outcome (for the proportional-hazards exponential and weibull, whose eta is a log
# hazard, the mean of -eta).  Class 1 of the ordered fit is the base.
canonical_order <- function(theta, m) {
  pt <- mixture_parts(theta, m)
  sign <- if (identical(m$fam$metric, "ph")) -1 else 1
  order(sign * colSums(m$w * pt$eta) / sum(m$w))
}

permute_classes <- function(theta, ord, m) {
  out <- theta
  G <- matrix(0, m$q, m$K)
  if (m$K > 1) for (j in 2:m$K) G[, j] <- theta[m$gamma_at(j)]
  G <- G[, ord, drop = FALSE] - G[, ord[1]]
  if (m$K > 1) for (j in 2:m$K) out[m$gamma_at(j)] <- G[, j]
  for (k in seq_len(m$K)) {
    out[m$beta_at(k)] <- theta[m$beta_at(ord[k])]
    if (m$na) out[m$anc_at(k)] <- theta[m$anc_at(ord[k])]
  }
  out
}

# ---- standard errors -----------------------------------------------------------------------

sandwich_v <- function(A_inv, meat, m, factor) {
  m$N %*% A_inv %*% crossprod(m$N, meat %*% m$N) %*% A_inv %*% t(m$N) * factor
}

class_probabilities <- function(theta, m) colSums(m$w * mixture_parts(theta, m)$pi) / sum(m$w)

summaries <- function(theta, m) {
  phi <- phi_of(theta, m)
  H <- hessian_free(phi, m)
  A <- -H
  A_inv <- solve(A)
  V_oim <- m$N %*% A_inv %*% t(m$N)
  S <- row_scores(theta, m)
  fweight <- identical(m$weight_type, "fweight") || is.null(m$weight_type)
  Sw <- m$w * S
  meat <- if (fweight) crossprod(S, m$w * S) else crossprod(Sw)
  n_eff <- if (fweight) sum(m$w) else m$n
  V_opg <- m$N %*% solve(crossprod(m$N, meat %*% m$N)) %*% t(m$N)
  V_rob <- sandwich_v(A_inv, meat, m, n_eff / (n_eff - 1))
  V_cl <- NULL
  if (!is.null(m$cluster)) {
    sums <- rowsum(Sw, as.character(m$cluster))
    G <- nrow(sums)
    V_cl <- sandwich_v(A_inv, crossprod(sums), m, G / (G - 1))
  }
  J <- numDeriv::jacobian(function(t) class_probabilities(t, m), theta)
  pt <- mixture_parts(theta, m)
  eig <- eigen(A, symmetric = TRUE, only.values = TRUE)$values
  list(
    loglik = loglik(theta, m),
    theta = theta,
    se_oim = sqrt(diag(V_oim)),
    se_opg = sqrt(diag(V_opg)),
    se_robust = sqrt(diag(V_rob)),
    se_cluster = if (is.null(V_cl)) NULL else sqrt(diag(V_cl)),
    class_prob = class_probabilities(theta, m),
    # under the fit's variance: pweights imply the robust one (Stata)
    class_prob_se = sqrt(pmax(diag(J %*% (if (identical(m$weight_type, "pweight")) V_rob
                                         else V_oim) %*% t(J)), 0)),
    posterior_mean = colSums(m$w * pt$tau) / sum(m$w),
    gradient_max = max(abs(crossprod(m$N, gradient(theta, m)))),
    hessian_eigen = c(min(eig), max(eig)),
    classid = max.col(pt$tau, ties.method = "first"),
    nobs = n_eff,
    rank = ncol(m$N)
  )
}

# ---- starts ----------------------------------------------------------------------------

# flexmix's stand-in model for a family: (response transform, FLXMRglm family).
flexmix_standin <- function(fam) {
  switch(fam_key(fam),
    gaussian = list(y = identity, family = "gaussian"),
    bernoulli = list(y = NULL, family = "binomial"),
    binomial = list(y = NULL, family = "binomial"),
    poisson = list(y = identity, family = "poisson"),
    nbinomial_mean = list(y = identity, family = "poisson"),
    nbinomial_constant = list(y = identity, family = "poisson"),
    beta = list(y = qlogis, family = "gaussian"),
    list(y = log, family = "gaussian"))
}

flexmix_posteriors <- function(spec, data, m) {
  standin <- flexmix_standin(spec$fam)
  rhs <- sub("^[^~]*~", "", spec$formula)
  d <- data
  if (standin$family == "binomial") {
    trials <- if (is.null(m$trials)) rep(1, m$n) else m$trials
    d$.succ <- m$y
    d$.fail <- trials - m$y
    f <- as.formula(paste("cbind(.succ, .fail) ~", rhs))
  } else {
    d$.y <- standin$y(m$y)
    f <- as.formula(paste(".y ~", rhs))
  }
  conc <- if (is.null(spec$lcprob)) FLXPconstant() else FLXPmultinom(as.formula(spec$lcprob))
  wts <- if (is.null(spec$weights)) NULL else as.integer(d[[spec$weights]])
  set.seed(spec$seed, kind = "Mersenne-Twister", normal.kind = "Inversion",
           sample.kind = "Rejection")
  fits <- lapply(seq_len(spec$nrep), function(r) {
    tryCatch(flexmix(f, data = d, k = spec$k, model = FLXMRglm(family = standin$family),
                     concomitant = conc, weights = wts,
                     control = list(minprior = 0, iter.max = 300, tolerance = 1e-8)),
             error = function(e) NULL)
  })
  fits <- Filter(function(x) !is.null(x) && ncol(posterior(x)) == spec$k, fits)
  list(tau = lapply(fits, posterior),
       loglik = vapply(fits, function(x) as.numeric(logLik(x)), 0),
       native = standin$family == spec$fam$name ||
         (spec$fam$name == "bernoulli" && standin$family == "binomial"))
}

# ---- models ---------------------------------------------------------------------------

fam <- function(name, link = NULL, dispersion = NULL, metric = "ph") {
  default <- c(gaussian = "identity", bernoulli = "logit", beta = "logit",
               binomial = "logit", poisson = "log", nbinomial = "log", exponential = "log",
               gamma = "log", lognormal = "log", loglogistic = "log", weibull = "log")
  list(name = name, link = if (is.null(link)) unname(default[name]) else link,
       dispersion = if (name == "nbinomial") (if (is.null(dispersion)) "mean" else dispersion),
       metric = if (name %in% c("exponential", "weibull")) metric)
}

model <- function(id, data, formula, family, k, lcprob = NULL, lcinvariant = character(),
                  weights = NULL, weight_type = NULL, trials = NULL, cluster = NULL,
                  nrep = 10, seed = 1234, se_check = TRUE, note = NULL) {
  list(id = id, data = data, formula = formula, fam = family, k = k, lcprob = lcprob,
       lcinvariant = lcinvariant, weights = weights,
       weight_type = if (is.null(weights)) NULL else weight_type %||% "fweight",
       trials = trials, cluster = cluster, nrep = nrep, seed = seed, se_check = se_check,
       note = note)
}
`%||%` <- function(a, b) if (is.null(a)) b else a

NMES <- "visits ~ hospital + health + chronic + gender + school + insurance"
MODELS <- list(
  model("npreg_poisson", "NPreg", "yp ~ x", fam("poisson"), 2, cluster = "id1", nrep = 20),
  model("npreg_gaussian", "NPreg", "yn ~ x", fam("gaussian"), 2, nrep = 20),
  model("npreg_quadratic", "NPreg", "yn ~ x + I(x^2)", fam("gaussian"), 2, nrep = 20),
  model("npreg_quadratic_errvar", "NPreg", "yn ~ x + I(x^2)", fam("gaussian"), 2,
        lcinvariant = "errvar", nrep = 20),
  model("npreg_poisson_cons", "NPreg", "yp ~ x", fam("poisson"), 2, lcinvariant = "cons",
        nrep = 20),
  model("npreg_poisson_1class", "NPreg", "yp ~ x", fam("poisson"), 1, nrep = 1),
  model("patent_lcprob", "patent", "Patents ~ lgRD", fam("poisson"), 3, lcprob = "~ RDS",
        nrep = 20, se_check = FALSE,
        note = "Hessian nearly singular (notes section 2.6 (d)): SEs not compared"),
  model("patent_lcprob_coef", "patent", "Patents ~ lgRD", fam("poisson"), 3,
        lcprob = "~ RDS", lcinvariant = "coef", nrep = 20, se_check = FALSE,
        note = "weakly identified class-probability slope: SEs not compared"),
  model("nmes_poisson_1class", "NMES1988", NMES, fam("poisson"), 1, nrep = 1),
  model("nmes_nb2_1class", "NMES1988", NMES, fam("nbinomial"), 1, nrep = 1),
  model("nmes_poisson", "NMES1988", NMES, fam("poisson"), 2, nrep = 10),
  model("nmes_nb2", "NMES1988", NMES, fam("nbinomial", dispersion = "mean"), 2, nrep = 10),
  model("nmes_nb1", "NMES1988", NMES, fam("nbinomial", dispersion = "constant"), 2,
        nrep = 10),
  model("sim_gaussian_log", "fmmsim", "y_lognormal ~ x", fam("gaussian", "log"), 2),
  model("sim_bernoulli", "fmmsim", "y_bern ~ x", fam("bernoulli"), 2),
  model("sim_binomial", "fmmsim", "y_binom ~ x", fam("binomial"), 2, trials = "trials"),
  model("sim_binomial_probit", "fmmsim", "y_binom ~ x", fam("binomial", "probit"), 2,
        trials = "trials"),
  model("sim_binomial_cloglog", "fmmsim", "y_binom ~ x", fam("binomial", "cloglog"), 2,
        trials = "trials"),
  model("sim_beta", "fmmsim", "y_beta ~ x", fam("beta"), 2),
  model("sim_poisson_lcprob_fw", "fmmsim", "y_pois ~ x", fam("poisson"), 2, lcprob = "~ z",
        weights = "fw", weight_type = "fweight", cluster = "cl"),
  model("sim_poisson_pw", "fmmsim", "y_pois ~ x", fam("poisson"), 2,
        weights = "fw", weight_type = "pweight", cluster = "cl"),
  model("sim_poisson_iw", "fmmsim", "y_pois ~ x", fam("poisson"), 2,
        weights = "fw", weight_type = "iweight", cluster = "cl"),
  model("sim_exponential", "fmmsim", "y_exponential ~ x", fam("exponential"), 2),
  model("sim_gamma", "fmmsim", "y_gamma ~ x", fam("gamma"), 2),
  model("sim_gamma_scale", "fmmsim", "y_gamma ~ x", fam("gamma"), 2, lcinvariant = "scale"),
  model("sim_lognormal", "fmmsim", "y_lognormal ~ x", fam("lognormal"), 2),
  model("sim_lognormal_lcprob", "fmmsim", "y_lognormal ~ x", fam("lognormal"), 2,
        lcprob = "~ z"),
  model("sim_loglogistic", "fmmsim", "y_loglogistic ~ x", fam("loglogistic"), 2),
  model("sim_weibull", "fmmsim", "y_weibull ~ x", fam("weibull"), 2),
  model("sim_weibull_aft", "fmmsim", "y_weibull ~ x", fam("weibull", metric = "aft"), 2),
  model("sim_exponential_aft", "fmmsim", "y_exponential ~ x",
        fam("exponential", metric = "aft"), 2)
)

run_model <- function(spec) {
  t0 <- proc.time()[["elapsed"]]
  data <- read_rglm_dataset(spec$data)
  m <- mixture_model(spec, data)
  if (spec$k == 1) {
    starts <- list(tau = list(matrix(1, m$n, 1)), loglik = NA_real_, native = FALSE)
  } else {
    starts <- flexmix_posteriors(spec, data, m)
  }
  thetas <- lapply(starts$tau, function(tau) polish(m_step(tau, m), m, newton = FALSE))
  lls <- vapply(thetas, loglik, 0, m = m)
  best <- which.max(lls)
  theta <- polish(thetas[[best]], m)
  theta <- permute_classes(theta, canonical_order(theta, m), m)
  theta <- polish(theta, m)
  out <- summaries(theta, m)
  fm <- spec$fam
  res <- c(list(
    id = spec$id, data = spec$data, formula = spec$formula, family = fm$name,
    link = fm$link, dispersion = fm$dispersion, metric = fm$metric, k = spec$k,
    lcprob = spec$lcprob, lcinvariant = I(spec$lcinvariant), weights = spec$weights,
    weight_type = spec$weight_type, trials = spec$trials, cluster = spec$cluster,
    param_names = I(m$names), se_check = spec$se_check, note = spec$note,
    n_starts = length(starts$tau),
    optima = exact_json(sort(unique(round(lls, 4)), decreasing = TRUE)),
    flexmix_loglik = if (isTRUE(starts$native)) exact_json(max(starts$loglik)) else NULL
  ), exact_json(out[setdiff(names(out), c("classid", "nobs", "rank"))]),
  list(classid = I(out$classid), nobs = exact_json(out$nobs), rank = out$rank))
  cat(sprintf("%-26s loglik %.6f  |grad| %.1e  eig [%.3g, %.3g]  %d starts, %.0fs\n",
              spec$id, out$loglik, out$gradient_max, out$hessian_eigen[1],
              out$hessian_eigen[2], length(starts$tau), proc.time()[["elapsed"]] - t0))
  res
}

# Run when called by Rscript; make_fmm_post.R sources this file for its functions and
# models only (sys.nframe() is 0 at a script's top level, positive inside source()).
if (sys.nframe() == 0L) {
  only <- commandArgs(trailingOnly = TRUE)
  if (length(only)) MODELS <- Filter(function(s) s$id %in% only, MODELS)
  results <- lapply(MODELS, run_model)
  if (!length(only)) {
    write_json_file(list(
      r_version = R.version.string,
      flexmix_version = as.character(packageVersion("flexmix")),
      note = paste("Exact maximum likelihood of finite mixtures in Stata's fmm",
                   "parameterisation; see tests/reference/make_fmm.R"),
      models = results), OUT)
    cat("wrote", OUT, "\n")
  }
}
