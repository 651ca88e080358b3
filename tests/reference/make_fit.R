## Reference values for rglm.linalg (dqrdc2/dqrls) and rglm.fit (glm.fit).
## Run from the repository root:
##   LC_ALL=C.UTF-8 Rscript tests/reference/make_fit.R
## Writes tests/reference/fit.json (full double precision, NA -> null).
suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))

## jsonlite's digits = NA stops at 15 significant digits; every double is written with
## 17 (exact round trip) as verbatim JSON by exact_json() in common.R: NA/NaN -> null,
## +-Inf -> "Inf"/"-Inf".

out_path <- "tests/reference/fit.json"

## --- QR cases ---------------------------------------------------------------
set.seed(20240501)
x1 <- rnorm(8); x2 <- rnorm(8); x3 <- rnorm(8)
qr_inputs <- list(
  full_rank      = list(x = cbind(1, x1, x2), tol = 1e-7),
  collinear      = list(x = cbind(1, x1, x2, x1 + x2, x3), tol = 1e-7),
  duplicate_first = list(x = cbind(x1, x1, x2), tol = 1e-7),
  near_collinear_drop = list(x = cbind(1, x1, x1 + 1e-9 * x2, x3), tol = 1e-7),
  near_collinear_keep = list(x = cbind(1, x1, x1 + 1e-9 * x2, x3), tol = 1e-11),
  zero_column    = list(x = cbind(1, x1, 0, x2), tol = 1e-7),
  all_zero       = list(x = matrix(0, 8, 2), tol = 1e-7),
  zero_first     = list(x = cbind(0, 1, x1, x1), tol = 1e-7),
  p_gt_n         = list(x = matrix(c(x1[1:3], x2[1:3], x3[1:3], x1[4:6], x2[4:6]), 3, 5), tol = 1e-7),
  scaled_columns = list(x = cbind(1e6, 1e-6 * x1, 1e3 * x2), tol = 1e-7),
  single_row     = list(x = matrix(c(2, 3, 4), 1, 3), tol = 1e-7),
  ## nothing below the diagonal in the first two columns: LINPACK still reflects them
  triangular     = list(x = cbind(c(-2, 0, 0, 0, 0), c(1, 3, 0, 0, 0), c(1, 1, 1, 1, 2)), tol = 1e-7)
)
y_qr <- rnorm(8)

qr_case <- function(case) {
  x <- case$x; tol <- case$tol
  y <- y_qr[seq_len(nrow(x))]
  q <- qr(x, tol = tol)
  ls <- .Call(stats:::C_Cdqrls, x, y, tol, FALSE)
  r <- q$rank
  list(x = unname(x), y = y, tol = tol,
       qr = unname(q$qr), qraux = q$qraux, pivot = q$pivot, rank = q$rank,
       qty = as.vector(qr.qty(q, y)), qy = as.vector(qr.qy(q, y)),
       coef = unname(qr.coef(q, y)),
       ls_coefficients = ls$coefficients, ls_residuals = ls$residuals,
       ls_effects = ls$effects, ls_pivoted = ls$pivoted,
       chol2inv = if (r > 0) unname(chol2inv(q$qr[1:r, 1:r, drop = FALSE])) else NULL)
}

## --- glm.fit cases ----------------------------------------------------------
counts <- c(18, 17, 15, 20, 10, 20, 25, 13, 12)
outcome <- gl(3, 1, 9); treatment <- gl(3, 3)
X_dobson <- model.matrix(~ outcome + treatment)

ldose <- rep(0:5, 2)
numdead <- c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16)
sex <- factor(rep(c("M", "F"), c(6, 6)))
X_bud <- model.matrix(~ sex * ldose)
Y_bud <- cbind(numdead, numalive = 20 - numdead)
## a group with no trials: weight 0 after initialize, excluded from df
Y_bud0 <- Y_bud; Y_bud0[3, ] <- c(0, 0)

u <- c(5, 10, 15, 20, 30, 40, 60, 80, 100)
lot1 <- c(118, 58, 42, 35, 27, 25, 21, 19, 18)
X_clot <- cbind("(Intercept)" = 1, "log(u)" = log(u))

set.seed(7)
nb <- 40
xb1 <- rnorm(nb); xb2 <- runif(nb)
yb <- rbinom(nb, 1, plogis(-0.3 + 1.2 * xb1 - xb2))
wb <- rep(1, nb); wb[c(3, 11, 30)] <- 0
X_b <- cbind("(Intercept)" = 1, xb1 = xb1, xb2 = xb2)

xg <- seq(0.5, 6, length.out = 15)
set.seed(11)
yg <- 2 + 0.7 * xg + rnorm(15, sd = 0.4)
offg <- 0.25 * (1:15)
X_g <- cbind("(Intercept)" = 1, x = xg)

## aliased: a column that is the sum of two others (dropped, NA), for poisson
X_alias <- cbind(X_dobson[, 1:3], both = X_dobson[, 2] + X_dobson[, 3], X_dobson[, 4:5])

## separation: fitted probabilities 0/1
xs <- c(1, 2, 3, 4, 5, 6, 7, 8)
ys <- c(0, 0, 0, 0, 1, 1, 1, 1)
X_s <- cbind("(Intercept)" = 1, x = xs)

## poisson identity link, start close to the boundary -> step halving (out of bounds)
yid <- c(0, 1, 0, 2, 5, 9, 14)
xid <- 1:7
X_id <- cbind("(Intercept)" = 1, x = xid)

## binomial identity link from a flat start: the first steps leave (0, 1) where the
## deviance is NaN -> "step size truncated due to divergence"; the MLE is interior
X_div <- cbind("(Intercept)" = 1, x = -2:2)
Y_div <- cbind(c(1, 2, 10, 18, 19), 20 - c(1, 2, 10, 18, 19))

## inverse.gaussian
set.seed(3)
xig <- runif(20, 1, 3)
yig <- statmod_like <- 1 / sqrt(0.3 + 0.2 * xig) * exp(rnorm(20, sd = 0.1))
X_ig <- cbind("(Intercept)" = 1, x = xig)

## poisson whose smallest fitted rates are numerically 0, started at its own solution: the
## first iteration converges (a chunked fit then has collected no end-of-fit sums in the
## loop, and must still give glm.fit's warning about those rates)
xz <- c(0, 1, 2, 3, 4, 5, 30)
yz <- c(30, 8, 2, 1, 0, 0, 0)
X_z <- cbind("(Intercept)" = 1, x = xz)
start_z <- suppressWarnings(glm.fit(X_z, yz, family = poisson()))$coefficients

fam <- function(name, link) list(family = name, link = link)

glm_cases <- list(
  list(name = "poisson_dobson", x = X_dobson, y = counts, family = fam("poisson", "log")),
  list(name = "poisson_dobson_trace", x = X_dobson, y = counts, family = fam("poisson", "log"),
       control = list(trace = TRUE)),
  list(name = "binomial_cbind", x = X_bud, y = Y_bud, family = fam("binomial", "logit")),
  list(name = "binomial_cbind_zero_trials", x = X_bud, y = Y_bud0, family = fam("binomial", "logit")),
  list(name = "binomial_zero_weights", x = X_b, y = yb, weights = wb, family = fam("binomial", "logit")),
  list(name = "binomial_probit", x = X_b, y = yb, family = fam("binomial", "probit")),
  list(name = "binomial_cloglog_maxit2", x = X_b, y = yb, family = fam("binomial", "cloglog"),
       control = list(maxit = 2)),
  list(name = "gamma_inverse", x = X_clot, y = lot1, family = fam("Gamma", "inverse")),
  list(name = "gamma_log", x = X_clot, y = lot1, family = fam("Gamma", "log")),
  list(name = "inverse_gaussian", x = X_ig, y = yig, family = fam("inverse.gaussian", "1/mu^2")),
  list(name = "gaussian_offset", x = X_g, y = yg, offset = offg, family = fam("gaussian", "identity")),
  list(name = "gaussian_log_weights", x = X_g, y = yg, weights = rep(c(1, 2, 0.5), 5),
       family = fam("gaussian", "log")),
  list(name = "gaussian_no_intercept", x = X_g[, 2, drop = FALSE], y = yg, intercept = FALSE,
       family = fam("gaussian", "identity")),
  list(name = "poisson_aliased", x = X_alias, y = counts, family = fam("poisson", "log")),
  list(name = "poisson_start", x = X_dobson, y = counts, start = c(3, 0, 0, 0, 0),
       family = fam("poisson", "log")),
  list(name = "poisson_etastart", x = X_dobson, y = counts, etastart = log(counts + 1),
       start = c(1, 2), family = fam("poisson", "log")),
  list(name = "poisson_mustart", x = X_dobson, y = counts, mustart = rep(mean(counts), 9),
       family = fam("poisson", "log")),
  list(name = "poisson_offset_no_intercept", x = X_dobson[, -1], y = counts,
       offset = log(rep(c(2, 3, 4), 3)), intercept = FALSE, family = fam("poisson", "log")),
  list(name = "poisson_empty", x = matrix(numeric(0), 9, 0), y = counts,
       offset = log(rep(c(2, 3, 4), 3)), family = fam("poisson", "log")),
  list(name = "poisson_empty_no_offset", x = matrix(numeric(0), 9, 0), y = counts,
       intercept = FALSE, family = fam("poisson", "log")),
  list(name = "binomial_separation", x = X_s, y = ys, family = fam("binomial", "logit")),
  list(name = "poisson_identity_halving", x = X_id, y = yid, start = c(1, 0.5),
       family = fam("poisson", "identity"), control = list(trace = TRUE)),
  list(name = "binomial_identity_divergence", x = X_div, y = Y_div, start = c(0.5, 0),
       family = fam("binomial", "identity"), control = list(trace = TRUE)),
  list(name = "poisson_rates_zero_started_at_solution", x = X_z, y = yz,
       start = unname(start_z), family = fam("poisson", "log")),
  list(name = "poisson_epsilon", x = X_dobson, y = counts, family = fam("poisson", "log"),
       control = list(epsilon = 1e-12, maxit = 50)),
  list(name = "error_start_length", x = X_dobson, y = counts, start = c(1, 2),
       family = fam("poisson", "log")),
  list(name = "error_start_length_one", x = X_g[, 2, drop = FALSE], y = yg, start = c(1, 2),
       family = fam("gaussian", "identity")),
  list(name = "error_singular", x = X_alias, y = counts, singular_ok = FALSE,
       family = fam("poisson", "log")),
  list(name = "error_weighted_design_not_finite", x = cbind(1, 1:5),
       y = c(5e3, 8e3, 1.2e4, 2e4, 3e4), start = c(0, 0), family = fam("poisson", "log")),
  list(name = "error_no_informative_observations", x = X_dobson, y = counts,
       weights = rep(0, 9), family = fam("poisson", "log")),
  list(name = "error_identity_first_step", x = X_id, y = yid,
       family = fam("poisson", "identity"))
)

make_family <- function(f) {
  switch(f$family,
         poisson = poisson(link = f$link), binomial = binomial(link = f$link),
         Gamma = Gamma(link = f$link), gaussian = gaussian(link = f$link),
         inverse.gaussian = inverse.gaussian(link = f$link))
}

run_glm_case <- function(case) {
  control <- if (is.null(case$control)) list() else case$control
  x <- case$x
  run <- collecting(
    glm.fit(x, case$y, weights = case$weights, start = case$start,
            etastart = case$etastart, mustart = case$mustart, offset = case$offset,
            family = make_family(case$family), control = control,
            intercept = if (is.null(case$intercept)) TRUE else case$intercept,
            singular.ok = if (is.null(case$singular_ok)) TRUE else case$singular_ok),
    catch_error = TRUE)
  value <- run$value
  input <- list(name = case$name, x = unname(x), xnames = colnames(x), y = unname(case$y),
                weights = case$weights, start = case$start, etastart = case$etastart,
                mustart = case$mustart, offset = case$offset, family = case$family,
                control = control, intercept = case$intercept, singular_ok = case$singular_ok)
  res <- NULL
  if (!is.null(value)) {
    res <- list(
      coefficients = unname(value$coefficients), residuals = unname(value$residuals),
      fitted_values = unname(value$fitted.values), effects = unname(value$effects),
      R = unname(value$R), rank = value$rank,
      qr = if (!is.null(value$qr)) list(qr = unname(value$qr$qr), qraux = value$qr$qraux,
                                        pivot = value$qr$pivot, rank = value$qr$rank,
                                        tol = value$qr$tol),
      effects_names = names(value$effects), R_colnames = colnames(value$R),
      linear_predictors = unname(value$linear.predictors), deviance = value$deviance,
      aic = value$aic, null_deviance = value$null.deviance, iter = value$iter,
      weights = unname(value$weights), prior_weights = unname(value$prior.weights),
      df_residual = value$df.residual, df_null = value$df.null, y = unname(value$y),
      converged = value$converged, boundary = value$boundary)
  }
  list(input = input, result = res, error = run$error, warnings = run$warnings,
       trace = run$output)
}

ref <- list(
  r_version = R.version.string,
  qr = lapply(qr_inputs, qr_case),
  glm_fit = lapply(glm_cases, run_glm_case)
)
names(ref$glm_fit) <- vapply(glm_cases, `[[`, "", "name")

write_json_file(exact_json(ref, digits = 17, nan = "null"), out_path, pretty = FALSE,
                matrix = "rowmajor")
cat("wrote", out_path, "\n")
