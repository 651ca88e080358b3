# Reference values for tests/families: links, variance, dev.resids, aic, validmu,
# initialize, messages and printed text of every R family (stats + MASS::negative.binomial).
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_families.R
# writes tests/reference/families.json (doubles with 17 significant digits; non-finite
# numbers as the strings "NA", "NaN", "Inf", "-Inf").
suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))

out <- list(R_version = R.version.string)

err_text <- function(expr) collecting(expr, catch_error = TRUE)$error

# ---- links -----------------------------------------------------------------------------
eta <- c(-1e16, -1.5e15, -800, -701, -40, -36.05, -36, -31, -30, -29.9, -9, -8.2, -8.12,
         -5, -1, -0.5, 0, 1e-8, 0.5, 1, 3.6, 3.7, 5, 8.12, 8.2, 9, 29.9, 30, 31, 40,
         699, 700, 701, 800, 1e15, 1e16)
mu_unit <- c(0, 1e-12, 1e-6, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-6, 1)
mu_pos <- c(1e-12, 1e-3, 0.5, 1, 2, 10, 1e3, 1e8)
valideta_cases <- list(c(1, 2), c(0, 1), c(-1, 1), c(1, Inf), c(1, NaN), c(-3, 0, 3))

link_specs <- list(
  logit = make.link("logit"), probit = make.link("probit"),
  cauchit = make.link("cauchit"), cloglog = make.link("cloglog"),
  identity = make.link("identity"), log = make.link("log"), sqrt = make.link("sqrt"),
  "1/mu^2" = make.link("1/mu^2"), inverse = make.link("inverse"),
  "power(1/3)" = power(1/3), "power(2)" = power(2), "power(0.5)" = power(0.5),
  "power(0)" = power(0), "power(1)" = power(1), "power(-2)" = power(-2)
)
links <- list()
for (key in names(link_specs)) {
  lk <- link_specs[[key]]
  unit <- key %in% c("logit", "probit", "cauchit", "cloglog")
  mu <- if (unit) mu_unit else c(mu_unit[-1], mu_pos)
  links[[key]] <- list(
    name = lk$name,
    mu = mu,
    linkfun = suppressWarnings(lk$linkfun(mu)),
    eta = eta,
    linkinv = suppressWarnings(lk$linkinv(eta)),
    mu_eta = suppressWarnings(lk$mu.eta(eta)),
    valideta = vapply(valideta_cases, function(e) isTRUE(lk$valideta(e)), TRUE)
  )
}
out$links <- links
out$valideta_cases <- valideta_cases
out$thresholds <- list(probit = -qnorm(.Machine$double.eps),
                       cauchit = -qcauchy(.Machine$double.eps))
out$power_names <- list(
  lambda = c(1/3, 2, 0.5, 1e5/3, 1.23456, 0.0001, 2/3, 1.5),
  name = vapply(c(1/3, 2, 0.5, 1e5/3, 1.23456, 0.0001, 2/3, 1.5),
                function(l) power(l)$name, ""))

# ---- families: variance, validmu, dev.resids, aic ----------------------------------------
fam_case <- function(label, fam, y, mu, wt, n = rep(1, length(y))) {
  dr <- fam$dev.resids(y, mu, wt)
  dev <- sum(dr)
  aic <- collecting(fam$aic(y, n, mu, wt, dev))
  list(label = label, family = fam$family, link = fam$link,
       varfun = if (is.null(fam$varfun)) NULL else fam$varfun,
       y = y, mu = mu, wt = wt, n = n,
       variance = fam$variance(mu), validmu = isTRUE(fam$validmu(mu)),
       dev_resids = dr, dev = dev, aic = as.numeric(aic$value), aic_warnings = aic$warnings,
       print = printed(print(fam)),
       dispersion = if (is.null(fam$dispersion)) NULL else fam$dispersion)
}

yg <- c(-1.5, 0, 2.3, 4, 10.5); mug <- c(-1, 0.5, 2, 5, 9); wg <- c(1, 2, 0.5, 1, 3)
yb <- c(0, 0.25, 0.5, 1, 1, 0); mub <- c(0.1, 0.3, 0.5, 0.9, 0.999, 1e-6)
wb <- c(1, 4, 2, 1, 3, 5)
yp <- c(0, 1, 2, 5, 10, 3); mup <- c(0.5, 1.2, 2, 4.5, 12, 3.3); wp <- c(1, 2, 1, 0.5, 1, 3)
ypos <- c(0.5, 1.2, 2, 4.5, 12, 3.3); mupos <- c(0.7, 1, 2.5, 4, 10, 3.5)
set.seed(1)
ytight <- rgamma(20, shape = 3, rate = 1); mutight <- ytight * (1 + rnorm(20, sd = 1e-3))

cases <- list(
  fam_case("gaussian", gaussian(), yg, mug, wg),
  fam_case("gaussian zero weight", gaussian(), yg, mug, c(1, 0, 1, 1, 1)),
  fam_case("gaussian log", gaussian(link = "log"), ypos, mupos, rep(1, 6)),
  fam_case("binomial", binomial(), yb, mub, wb),
  fam_case("binomial wt=1", binomial(link = "probit"), c(0, 1, 1, 0), c(0.2, 0.6, 0.9, 0.4), rep(1, 4)),
  fam_case("binomial n>1", binomial(link = "cloglog"), c(0.5, 0.25, 0, 1, 2/3),
           c(0.4, 0.3, 0.1, 0.95, 0.6), c(2, 4, 3, 1, 6), n = c(2, 4, 3, 1, 6)),
  fam_case("binomial n zero", binomial(), c(0.5, 0, 0.2), c(0.4, 0.3, 0.3),
           c(2, 0, 5), n = c(2, 0, 5)),
  fam_case("quasibinomial", quasibinomial(link = "cauchit"), yb, mub, wb),
  fam_case("poisson", poisson(), yp, mup, wp),
  fam_case("poisson noninteger", poisson(link = "sqrt"), c(0, 1.5, 2, 2.25), c(1, 1, 2, 2), rep(1, 4)),
  fam_case("poisson zero weight", poisson(link = "identity"), yp, mup, c(1, 0, 1, 1, 1, 1)),
  fam_case("quasipoisson", quasipoisson(), yp, mup, wp),
  fam_case("Gamma", Gamma(), ypos, mupos, wp),
  fam_case("Gamma log tight", Gamma(link = "log"), ytight, mutight, rep(1, 20)),
  fam_case("Gamma identity", Gamma(link = "identity"), ypos, mupos, c(1, 0, 1, 2, 1, 1)),
  fam_case("inverse.gaussian", inverse.gaussian(), ypos, mupos, wp),
  fam_case("inverse.gaussian log", inverse.gaussian(link = "log"), ytight, mutight, rep(2, 20)),
  fam_case("quasi", quasi(), yg, mug, wg),
  fam_case("quasi mu(1-mu)", quasi(link = "logit", variance = "mu(1-mu)"), yb, mub, wb),
  fam_case("quasi mu", quasi(link = "log", variance = "mu"), yp, mup, wp),
  fam_case("quasi mu^2", quasi(link = "inverse", variance = "mu^2"), c(0, ypos), c(0.3, mupos), c(1, wp)),
  fam_case("quasi mu^3", quasi(link = "1/mu^2", variance = "mu^3"), ypos, mupos, wp),
  fam_case("quasi power", quasi(link = power(1/3), variance = "mu"), yp, mup, wp),
  fam_case("negbin", negative.binomial(1.5), yp, mup, wp),
  fam_case("negbin sqrt", negative.binomial(1e6 / 7, link = "sqrt"), yp, mup, wp),
  fam_case("negbin identity", negative.binomial(0.25, link = "identity"), c(0, 0, 7, 30), c(2, 0.5, 3, 12), rep(1, 4)),
  fam_case("binomial identity", binomial(link = "identity"), yb, mub, wb),
  fam_case("poisson power", poisson(link = power(0.5)), yp, mup, wp)
)
out$families <- cases
out$validmu_edges <- list(
  mu = list(c(0.5, 1), c(0, 0.5), c(0.5, Inf), c(1e-300, 0.5), c(-1, 2)),
  binomial = vapply(list(c(0.5, 1), c(0, 0.5), c(0.5, Inf), c(1e-300, 0.5), c(-1, 2)),
                    function(m) isTRUE(binomial()$validmu(m)), TRUE),
  poisson = vapply(list(c(0.5, 1), c(0, 0.5), c(0.5, Inf), c(1e-300, 0.5), c(-1, 2)),
                   function(m) isTRUE(poisson()$validmu(m)), TRUE),
  quasi_mu = vapply(list(c(0.5, 1), c(0, 0.5), c(0.5, Inf), c(1e-300, 0.5), c(-1, 2)),
                    function(m) isTRUE(quasi(variance = "mu")$validmu(m)), TRUE),
  quasi_mu1mu = vapply(list(c(0.5, 1), c(0, 0.5), c(0.5, Inf), c(1e-300, 0.5), c(-1, 2)),
                       function(m) isTRUE(quasi(variance = "mu(1-mu)")$validmu(m)), TRUE)
)

# ---- log densities (the aic building blocks) ------------------------------------------------
dx <- c(0, 0, 1, 3, 10, 50, 1e4, 1e6, 2, 0)
dl <- c(0, 2.5, 0, 3.2, 9.7, 80, 1.0001e4, 999000, 1e-300, 1e-320)
bx <- c(0, 1, 3, 5, 0, 7, 500, 9e5, 2, 0, 3)
bn <- c(0, 1, 5, 5, 5, 10, 1000, 1e6, 2, 4, 2)
bp <- c(0.3, 0.999, 0.4, 0.99, 0.01, 0.7, 0.5, 0.9, 0, 1, 0.5)
gx <- c(0, 0, 0, 0.5, 1, 2.5, 7, 1e-3, 3, 3)
ga <- c(0.5, 1, 2, 0.3, 1, 4, 1e6, 1e-2, 1e9, 2)
gs <- c(1, 2, 1, 2, 1, 0.5, 7e-6, 3, 3e-9, 1e-8)
out$densities <- list(
  pois = list(x = dx, lambda = dl, log = dpois(dx, dl, log = TRUE)),
  binom = list(x = bx, size = bn, prob = bp, log = dbinom(bx, bn, bp, log = TRUE)),
  gamma = list(x = gx, shape = ga, scale = gs, log = dgamma(gx, ga, scale = gs, log = TRUE))
)

# ---- initialize ---------------------------------------------------------------------------
run_init <- function(label, family, y, weights = rep(1, NROW(y)), mustart = NULL) {
  env <- new.env()
  env$y <- y; env$weights <- weights; env$nobs <- NROW(y)
  env$etastart <- NULL; env$start <- NULL; env$mustart <- mustart; env$family <- family
  run <- collecting(eval(family$initialize, env), catch_error = TRUE)
  res <- list(label = label, family = family$family, link = family$link,
              varfun = if (is.null(family$varfun)) NULL else family$varfun,
              y_in = if (is.matrix(y)) lapply(seq_len(ncol(y)), function(j) y[, j]) else y,
              y_cols = NCOL(y), weights_in = weights,
              mustart_given = !is.null(mustart), warnings = run$warnings)
  if (!is.null(run$error)) {
    res$error <- run$error
  } else {
    res$y <- as.numeric(env$y); res$weights <- env$weights; res$n <- env$n
    res$mustart <- env$mustart
  }
  res
}
inits <- list(
  run_init("binomial", binomial(), c(0, 1, 1, 0, 0.5), c(1, 1, 2, 0, 2)),
  run_init("binomial zero weight NA", binomial(), c(0, 1, NA, 0.25), c(1, 3, 0, 4)),
  run_init("binomial non-integer", binomial(), c(0, 0.3, 1), c(1, 1, 2)),
  run_init("quasibinomial non-integer", quasibinomial(), c(0, 0.3, 1), c(1, 1, 2)),
  run_init("binomial out of range", binomial(), c(0, 1.5, 1)),
  run_init("binomial negative", quasibinomial(), c(0, -0.5, 1)),
  run_init("binomial two columns", binomial(), cbind(c(1, 0, 3, 2), c(2, 0, 1, 5)), c(1, 1, 2, 0.5)),
  run_init("binomial two columns non-integer", binomial(), cbind(c(1, 0.5), c(2, 1))),
  run_init("quasibinomial two columns", quasibinomial(), cbind(c(1, 0.5), c(2, 1))),
  run_init("binomial three columns", binomial(), cbind(c(1, 0), c(2, 1), c(1, 1))),
  run_init("quasibinomial three columns", quasibinomial(), cbind(c(1, 0), c(2, 1), c(1, 1))),
  run_init("poisson", poisson(), c(0, 1, 2.5, 7), c(1, 2, 1, 1)),
  run_init("poisson negative", poisson(), c(0, -1, 2)),
  run_init("quasipoisson negative", quasipoisson(), c(0, -1, 2)),
  run_init("gaussian", gaussian(), c(-1, 0, 2)),
  run_init("gaussian inverse zero", gaussian(link = "inverse"), c(1, 0, 2)),
  run_init("gaussian log nonpositive", gaussian(link = "log"), c(1, 0, 2)),
  run_init("gaussian log mustart", gaussian(link = "log"), c(1, 0, 2), mustart = c(1, 1, 2)),
  run_init("Gamma", Gamma(), c(0.5, 1, 2)),
  run_init("Gamma nonpositive", Gamma(), c(0.5, 0, 2)),
  run_init("inverse.gaussian", inverse.gaussian(), c(0.5, 1, 2)),
  run_init("inverse.gaussian nonpositive", inverse.gaussian(), c(0.5, -1, 2)),
  run_init("quasi constant", quasi(), c(-1, 0, 2)),
  run_init("quasi mu(1-mu)", quasi(variance = "mu(1-mu)"), c(0, 0.0001, 0.5, 0.9999, 1)),
  run_init("quasi mu", quasi(variance = "mu"), c(0, 1, 3)),
  run_init("quasi mu^2", quasi(variance = "mu^2"), c(0, 1, 3)),
  run_init("quasi mu^3", quasi(variance = "mu^3"), c(0, 1, 3)),
  run_init("negbin", negative.binomial(2), c(0, 1, 3)),
  run_init("negbin negative", negative.binomial(2), c(0, -1, 3))
)
out$initialize <- inits

# ---- messages and names ----------------------------------------------------------------------
out$errors <- list(
  make_link_unknown = err_text(make.link("foo")),
  poisson_unknown_string = err_text(poisson(link = "x")),
  poisson_numeric = err_text(poisson(link = 3)),
  binomial_numeric = err_text(binomial(link = 3)),
  gaussian_numeric = err_text(gaussian(link = 3)),
  Gamma_numeric = err_text(Gamma(link = 3)),
  inverse_gaussian_numeric = err_text(inverse.gaussian(link = 3)),
  quasibinomial_numeric = err_text(quasibinomial(link = 3)),
  quasipoisson_numeric = err_text(quasipoisson(link = 3)),
  negbin_numeric = err_text(negative.binomial(2, link = 3)),
  negbin_no_theta = err_text(negative.binomial()),
  quasi_variance = err_text(quasi(variance = "foo")),
  power_character = err_text(power("a")),
  power_na = err_text(power(NA_real_)),
  logit_range = err_text(binomial()$linkfun(c(0.5, 1.5, -2))),
  logit_range_neg = err_text(binomial()$linkfun(c(0.5, -0.25)))
)
out$negbin_names <- list(
  theta = c(1.59799, 1/3, 1e6 / 7, 2, 1234.56789, 1e-5, 0.00012345, 1.17138, 1e10),
  name = vapply(c(1.59799, 1/3, 1e6 / 7, 2, 1234.56789, 1e-5, 0.00012345, 1.17138, 1e10),
                function(t) negative.binomial(t)$family, ""))
out$quasi_spaces <- quasi(variance = "mu ^ 2")$varfun
out$any_string_link <- list(binomial(link = "identity")$link, poisson(link = "inverse")$link,
                            Gamma(link = "sqrt")$link, quasibinomial(link = "cloglog")$link)

# jsonlite writes at most 15 significant digits: every double is written with 17
# (round-trip exact) by exact_json() in common.R, NA as the string "NA".
write_json_file(exact_json(out, digits = 17, na = '"NA"'), "tests/reference/families.json",
                na = "string")
