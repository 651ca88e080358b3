# R reference values for the ordinal and negative-binomial responses of the quadrature
# engine (rglm/engines/mixed/agq_ordinal.py, agq_negbin.py, fixed_ml.py):
# tests/reference/ordinal.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_ordinal.R
#
# * "polr": MASS::polr(method = "logistic" / "probit" / "cloglog") -- the ordinal model
#   without random effects.  polr's parameterisation is Stata's: P(Y <= k) =
#   F(zeta_k - eta), eta = X beta without an intercept, so zeta are Stata's /cut1...
#   polr's cloglog is F(x) = 1 - exp(-exp(x)) (its pGumbel).  Fitted with reltol 1e-14
#   so the optimum is converged well past the 1e-6 the tests ask of the estimates.
# * "glm_nb": MASS::glm.nb -- NB2 (Var = mu + mu^2 / theta; Stata's alpha = 1 / theta,
#   lnalpha = -log(theta)) without random effects, tightened (epsilon 1e-12, maxit 100).
# * "clmm": ordinal::clmm -- a random-intercept cumulative-link model, the ordinal GLMM
#   oracle: its log likelihood by adaptive Gauss-Hermite quadrature (nAGQ = 10, mode and
#   curvature: Stata's mcaghermite) at its own estimates.  (clmm's non-adaptive
#   nAGQ < 0 is not recorded: its value is not the plain 10-point Gauss-Hermite rule
#   centred at 0 that Stata's ghermite is; the engine's ghermite is checked against
#   brute force instead.  Nor is clmm's cloglog link: ordinal 2022.11-16's clmm reports
#   a log likelihood for it 22 units away from the integral of its own cumulative model
#   at its estimates (clm's and polr's cloglog agree with each other); the engine's
#   cloglog is checked against polr and brute force.)  clmm's random-effect SD is on the linear predictor's scale
#   (theta = sd for one scalar term).  Data simulated here (fixed seed) and stored as
#   inputs.
#
# Every number at full precision (json_nums); R 4.2.2 and R >= 4.3 give the same values
# (no printed text is recorded, so no version conversion is needed).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(ordinal)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "ordinal.json")
housing <- read_rglm_dataset("housing")
quine <- read_rglm_dataset("quine")

# Simulated ordinal data: 5 categories, two covariates, no weights.
set.seed(20261204)
n <- 400
sim <- data.frame(x = rnorm(n), z = runif(n))
lat <- 0.8 * sim$x - 1.2 * sim$z + rlogis(n)
sim$y <- cut(lat, c(-Inf, -2, -0.7, 0.4, 1.5, Inf), labels = paste0("c", 1:5),
             ordered_result = TRUE)

polr_record <- function(id, data_name, formula, method, weights = NULL) {
  data <- get(data_name)
  args <- list(formula = as.formula(formula), data = data, method = method, Hess = TRUE,
               control = list(reltol = 1e-14, maxit = 10000))
  if (!is.null(weights)) args$weights <- data[[weights]]
  fit <- do.call(polr, args)
  list(id = id, data = data_name, formula = formula, method = method,
       weights = weights,
       coef_names = names(coef(fit)), coefficients = json_nums(unname(coef(fit))),
       zeta = json_nums(unname(fit$zeta)),
       logLik = json_num(as.numeric(logLik(fit))),
       vcov = json_rows(unname(vcov(fit))))
}

nb_record <- function(id, data_name, formula) {
  data <- get(data_name)
  fit <- glm.nb(as.formula(formula), data = data,
                control = glm.control(epsilon = 1e-12, maxit = 100))
  list(id = id, data = data_name, formula = formula,
       coef_names = names(coef(fit)), coefficients = json_nums(unname(coef(fit))),
       theta = json_num(fit$theta), logLik = json_num(as.numeric(logLik(fit))))
}

polr_models <- list(
  polr_record("housing_logistic", "housing", "Sat ~ Infl + Type + Cont", "logistic", "Freq"),
  polr_record("housing_probit", "housing", "Sat ~ Infl + Type + Cont", "probit", "Freq"),
  polr_record("housing_cloglog", "housing", "Sat ~ Infl + Type + Cont", "cloglog", "Freq"),
  polr_record("sim_logistic", "sim", "y ~ x + z", "logistic"),
  polr_record("sim_probit", "sim", "y ~ x + z", "probit"),
  polr_record("sim_cloglog", "sim", "y ~ x + z", "cloglog"))

nb_models <- list(
  nb_record("quine_full", "quine", "Days ~ Eth + Sex + Age + Lrn"),
  nb_record("quine_sex_eth", "quine", "Days ~ Sex + Eth"))

# Random-intercept ordinal data: 30 groups of 12, 4 categories.
set.seed(11)
G <- 30; m <- 12
grp <- data.frame(g = factor(rep(sprintf("g%02d", 1:G), each = m)), x = rnorm(G * m))
u <- rnorm(G, sd = 0.9)
lat <- 0.7 * grp$x + u[as.integer(grp$g)] + rlogis(G * m)
grp$y <- cut(lat, c(-Inf, -1, 0.3, 1.4, Inf), labels = paste0("c", 1:4),
             ordered_result = TRUE)

clmm_record <- function(id, link, nAGQ) {
  fit <- clmm(y ~ x + (1 | g), data = grp, link = link, nAGQ = nAGQ,
              control = clmm.control(gradTol = 1e-8, innerCtrl = "noWarn"))
  list(id = id, link = link, nAGQ = nAGQ,
       beta = json_nums(unname(fit$beta)), alpha = json_nums(unname(fit$alpha)),
       sd = json_num(unname(attr(VarCorr(fit)$g, "stddev"))),
       logLik = json_num(as.numeric(logLik(fit))))
}

clmm_models <- list(
  clmm_record("grp_logit_agq10", "logit", 10),
  clmm_record("grp_probit_agq10", "probit", 10))

write_json_file(list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  ordinal_version = as.character(packageVersion("ordinal")),
  sim = list(x = json_nums(sim$x), z = json_nums(sim$z), y = as.integer(sim$y)),
  grp = list(x = json_nums(grp$x), g = as.integer(grp$g), y = as.integer(grp$y)),
  polr = polr_models, glm_nb = nb_models, clmm = clmm_models), out_file)
