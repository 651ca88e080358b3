# Finite mixtures after the fit: Stata's fmm postestimation (estat lcprob, estat lcmean,
# predict) at the exact optima of make_fmm.R, and two fits with an offset / exposure:
# the references of rglm.fmm()'s front end (tests/models/mixture/).
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_fmm_post.R
# Writes tests/reference/fmm_post.json.  Sources make_fmm.R for its functions and model
# list (make_fmm.R runs nothing when sourced) and reads the optima it wrote to
# tests/reference/fmm.json.  Needs flexmix, MASS, numDeriv, jsonlite.  About 2 minutes.
#
# What is computed here, in R, from a model's parameter vector theta (Stata's
# parameterisation, rglm's layout: see make_fmm.R's header):
#   * offsets: make_fmm.R's models have none; here a model's linear predictor gets
#     `offset` (an R expression evaluated in the data) and log(`exposure`) as m$offset,
#     by wrapping mixture_model() (R finds the wrapper at call time, so make_fmm.R's
#     run_model() uses it; its mixture_parts() adds m$offset to eta);
#   * class means mu_ik (fmm-behaviour.md section 1.6, Stata's predict mu, class()):
#     g^-1(eta) (gaussian, bernoulli, beta, poisson, negative binomials), trials g^-1(eta)
#     (binomial), exp(eta) (gamma), exp(eta + s^2/2) (lognormal), exp(eta) Gamma(1 + s)
#     Gamma(1 - s) (loglogistic), exp(-eta) / exp(eta) (exponential ph / aft),
#     exp(-eta/p) Gamma(1 + 1/p) / exp(eta) Gamma(1 + 1/p) (weibull ph / aft);
#   * estat lcmean: the weighted sample mean of mu_ik per class; estat lcprob: of the
#     prior class probabilities pi_ik and (classposteriorpr) of the posteriors tau_ik;
#     their delta-method standard errors J V J' with J numDeriv's Richardson Jacobian of
#     these means in theta and V the fit's variance (the inverse negative Hessian of the
#     free parameters, mapped back; for pweights the robust sandwich, as Stata);
#   * predict at the data's first six rows: pi, tau, mu, eta and log f_k(y) per class,
#     the marginal mean sum pi mu, the posterior-weighted mean sum tau mu (pmarginal)
#     and the marginal density sum pi f.

source("tests/reference/make_fmm.R")

OUT_POST <- "tests/reference/fmm_post.json"

base_mixture_model <- mixture_model
mixture_model <- function(spec, data) {
  m <- base_mixture_model(spec, data)
  off <- rep(0, m$n)
  if (!is.null(spec$offset)) off <- off + eval(parse(text = spec$offset), data)
  if (!is.null(spec$exposure)) off <- off + log(data[[spec$exposure]])
  m$offset <- off
  m
}

class_mean <- function(fam, eta, anc, trials) {
  switch(fam_key(fam),
    binomial = trials * LINKINV[[fam$link]](eta),
    gamma = exp(eta),
    lognormal = exp(eta + exp(2 * anc) / 2),
    loglogistic = { s <- exp(anc); exp(eta) * gamma(1 + s) * gamma(1 - s) },
    exponential = if (fam$metric == "ph") exp(-eta) else exp(eta),
    weibull = {
      p <- exp(anc)
      (if (fam$metric == "ph") exp(-eta / p) else exp(eta)) * gamma(1 + 1 / p)
    },
    LINKINV[[fam$link]](eta))
}

class_means <- function(theta, m) {
  pt <- mixture_parts(theta, m)
  sapply(seq_len(m$K), function(k) class_mean(m$fam, pt$eta[, k], pt$anc[k], m$trials))
}

weighted_means <- function(a, m) colSums(m$w * a) / sum(m$w)

fit_variance <- function(theta, m) {
  A_inv <- solve(-hessian_free(phi_of(theta, m), m))
  if (!identical(m$weight_type, "pweight")) return(m$N %*% A_inv %*% t(m$N))
  Sw <- m$w * row_scores(theta, m)
  sandwich_v(A_inv, crossprod(Sw), m, m$n / (m$n - 1))
}

delta_se <- function(f, theta, V) {
  J <- numDeriv::jacobian(f, theta)
  sqrt(pmax(diag(J %*% V %*% t(J)), 0))
}

postestimation <- function(spec, theta, rows = 1:6) {
  data <- read_rglm_dataset(spec$data)
  m <- mixture_model(spec, data)
  V <- fit_variance(theta, m)
  pt <- mixture_parts(theta, m)
  mu <- class_means(theta, m)
  r <- rows
  list(
    id = spec$id, rows = I(r), se_check = spec$se_check, loglik = exact_json(loglik(theta, m)),
    lcmean = exact_json(weighted_means(mu, m)),
    lcmean_se = exact_json(delta_se(function(t) weighted_means(class_means(t, m), m),
                                    theta, V)),
    lcprob = exact_json(weighted_means(pt$pi, m)),
    lcprob_se = exact_json(delta_se(function(t) weighted_means(mixture_parts(t, m)$pi, m),
                                    theta, V)),
    lcprob_post = exact_json(weighted_means(pt$tau, m)),
    lcprob_post_se = exact_json(delta_se(function(t) weighted_means(mixture_parts(t, m)$tau, m),
                                         theta, V)),
    prior = exact_json(pt$pi[r, , drop = FALSE]),
    posterior = exact_json(pt$tau[r, , drop = FALSE]),
    mu = exact_json(mu[r, , drop = FALSE]),
    eta = exact_json(pt$eta[r, , drop = FALSE]),
    log_density = exact_json(pt$log_f[r, , drop = FALSE]),
    marginal_mu = exact_json(rowSums(pt$pi * mu)[r]),
    pmarginal_mu = exact_json(rowSums(pt$tau * mu)[r]),
    marginal_density = exact_json(exp(pt$ll[r]))
  )
}

# ---- fits with an offset or an exposure ------------------------------------------------

with_offset <- function(spec, offset = NULL, exposure = NULL) {
  spec$offset <- offset
  spec$exposure <- exposure
  spec
}

OFFSET_MODELS <- list(
  with_offset(model("sim_poisson_exposure", "fmmsim", "y_pois ~ x", fam("poisson"), 2),
              exposure = "trials"),
  with_offset(model("sim_gamma_offset", "fmmsim", "y_gamma ~ x", fam("gamma"), 2),
              offset = "0.1 * z")
)

offset_results <- lapply(OFFSET_MODELS, function(spec) {
  res <- run_model(spec)
  res$offset <- spec$offset
  res$exposure <- spec$exposure
  res
})

# ---- postestimation --------------------------------------------------------------------

POST_IDS <- c("npreg_poisson", "npreg_gaussian", "npreg_quadratic_errvar", "patent_lcprob",
              "nmes_nb2", "nmes_nb1", "sim_gaussian_log", "sim_bernoulli", "sim_binomial",
              "sim_beta", "sim_poisson_lcprob_fw", "sim_poisson_pw", "sim_exponential",
              "sim_gamma", "sim_lognormal_lcprob", "sim_loglogistic", "sim_weibull",
              "sim_weibull_aft")

optima <- jsonlite::fromJSON("tests/reference/fmm.json", simplifyVector = TRUE)$models
specs <- setNames(MODELS, vapply(MODELS, function(s) s$id, ""))
post <- lapply(POST_IDS, function(id) {
  t0 <- proc.time()[["elapsed"]]
  theta <- as.numeric(optima$theta[[which(optima$id == id)]])
  out <- postestimation(specs[[id]], theta)
  cat(sprintf("%-26s postestimation %.0fs\n", id, proc.time()[["elapsed"]] - t0))
  out
})
post <- c(post, lapply(seq_along(OFFSET_MODELS), function(i) {
  postestimation(OFFSET_MODELS[[i]], as.numeric(jsonlite::fromJSON(
    unclass(offset_results[[i]]$theta))))
}))

write_json_file(list(
  r_version = R.version.string,
  note = paste("fmm postestimation (estat lcprob, estat lcmean, predict) and fits with an",
               "offset or exposure; see tests/reference/make_fmm_post.R"),
  models = offset_results,
  post = post), OUT_POST)
cat("wrote", OUT_POST, "\n")
