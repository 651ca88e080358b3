# lme4 references for rglm's multivariate quadrature engine (rglm/engines/mixed/agq_*.py).
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_quadrature.R
# Writes tests/reference/quadrature.json (read by tests/engines/test_quadrature_lme4.py).
#
# For each model: lme4's objective function (glmer(..., devFunOnly = TRUE)) at fixed
# points (theta, beta) -- lme4's Laplace optimum and a point away from it -- for several
# nAGQ, and the data constant c(y) = aic - sum of unit deviances.
#
# What the numbers are (glmm-behaviour.md sections 1.4 and 1.6):
#   * nAGQ = 1: -2 log L (Laplace) *with* the constant c(y) (R's family$aic);
#   * nAGQ > 1: -2 log L (adaptive Gauss-Hermite) *without* c(y) (lme4 issue #161).
# rglm's engine reports the log likelihood with all constants; the test compares
# -2 logLik - c(y) with the nAGQ > 1 values.
#
# tolPwrss = 1e-12: lme4's default PIRLS tolerance (1e-7 on the relative change of the
# penalised deviance) stops before the conditional modes converge and keeps the
# curvature of the weights before the last update (glmm-behaviour.md 1.3.2); these
# change lme4's Laplace value in the 7th digit and its AGQ value with few nodes. At
# 1e-12 lme4's modes and curvatures are converged, so its value is the integral rule
# itself, which is what the rglm engine computes (it iterates its modes to convergence).
# For Contraception (1934 rows, a penalised deviance ~2400) 1e-12 is below the rounding
# of the deviance sum and lme4's step-halving check fails ("(maxstephalfit) PIRLS
# step-halvings failed"); its models use 1e-11 (`tolPwrss` is recorded per model).
# The default-tolerance values are recorded too (`values_default`), for information.
#
# Version notes: lme4 1.1-31 (local) stores a Gauss-Hermite table whose odd rules have a
# middle node of ~4e-17 instead of 0; lme4 >= 2.0-6 symmetrises the rule (as rglm's
# gh_rule does). The effect on these values is at rounding level (1e-16 relative), far
# below the test tolerance, so no conversion is needed for current lme4.

source("tests/reference/common.R")
suppressPackageStartupMessages(library(lme4))

OUT <- "tests/reference/quadrature.json"
data_env <- rglm_data_env(c("cbpp", "grouseticks", "Contraception"))

PREP <- list(
  cbpp = list(r = "cbpp$obs <- factor(seq_len(nrow(cbpp))); cbpp$pn <- as.numeric(cbpp$period)",
              py = "cbpp = cbpp.assign(obs=pd.Categorical([str(i + 1) for i in range(len(cbpp))], categories=[str(i + 1) for i in range(len(cbpp))]), pn=cbpp['period'].cat.codes.astype(float) + 1)")
)
for (nm in names(PREP)) eval(parse(text = PREP[[nm]]$r), envir = data_env)
prep_of <- function(data) if (is.null(PREP[[data]])) NULL else PREP[[data]]$py

CBPP <- "cbind(incidence, size - incidence)"
MODELS <- list(
  list(id = "cbpp_int", data = "cbpp", family = "binomial", nAGQ = c(1, 2, 3, 5, 9, 25),
       formula = paste(CBPP, "~ period + (1 | herd)")),
  list(id = "grouse_int", data = "grouseticks", family = "poisson", nAGQ = c(1, 3, 9, 25),
       formula = "TICKS ~ YEAR + cHEIGHT + (1 | BROOD)"),
  list(id = "contraception_int", data = "Contraception", family = "binomial",
       nAGQ = c(1, 3, 9, 25), tol = 1e-11,
       formula = "use ~ age + I(age^2) + urban + livch + (1 | district)"),
  # Laplace only (lme4 has no AGQ for these): a 2-dimensional random effect (binomial
  # counts and 0/1 data) and nested scalar intercepts (obs within herd).
  list(id = "cbpp_slope", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = paste(CBPP, "~ pn + (pn | herd)")),
  list(id = "contraception_slope", data = "Contraception", family = "binomial", nAGQ = 1,
       tol = 1e-11,
       formula = "use ~ age + I(age^2) + urban + livch + (urban | district)"),
  list(id = "cbpp_nested", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = paste(CBPP, "~ period + (1 | herd) + (1 | obs)"))
)

devfun_of <- function(m, nAGQ, tol) {
  d <- get(m$data, envir = data_env)
  suppressWarnings(glmer(as.formula(m$formula), data = d, family = get(m$family),
                         nAGQ = nAGQ, devFunOnly = TRUE,
                         control = glmerControl(tolPwrss = tol)))
}

data_constant <- function(m) {
  # c(y) = aic - sum of unit deviances (mu-free for integral counts), at glm's means.
  d <- get(m$data, envir = data_env)
  fam <- get(m$family)()
  g <- glm(lme4::nobars(as.formula(m$formula)), data = d, family = fam)
  y <- g$y; mu <- fitted(g); wt <- g$prior.weights
  n <- if (m$family == "binomial") wt else rep(1, length(y))
  dev <- sum(fam$dev.resids(y, mu, wt))
  fam$aic(y, n, mu, wt, dev) - dev
}

model_ref <- function(m) {
  d <- get(m$data, envir = data_env)
  fit <- glmer(as.formula(m$formula), data = d, family = get(m$family))
  theta <- getME(fit, "theta")
  beta <- fixef(fit)
  far <- c(theta * 1.2 + 0.05, beta + 0.05)
  pts <- list(c(theta, beta), far)
  tol <- if (is.null(m$tol)) 1e-12 else m$tol
  values <- lapply(m$nAGQ, function(k) {
    f <- devfun_of(m, k, tol)
    f0 <- devfun_of(m, k, 1e-7)
    list(nAGQ = k, values = json_nums(vapply(pts, f, 0)),
         values_default = json_nums(vapply(pts, f0, 0)))
  })
  list(id = m$id, data = m$data, formula = m$formula, family = m$family,
       prep = prep_of(m$data), ntheta = length(theta), tolPwrss = tol,
       points = lapply(pts, json_nums), cy = json_num(data_constant(m)),
       objectives = values)
}

ref <- list(generated_by = "tests/reference/make_quadrature.R",
            r_version = R.version.string,
            lme4_version = as.character(packageVersion("lme4")),
            models = lapply(MODELS, function(m) { message(m$id); model_ref(m) }))
write_json_file(ref, OUT)
