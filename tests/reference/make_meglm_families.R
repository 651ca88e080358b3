# R reference values for rglm.meglm's ordinal and nbinomial families
# (rglm/models/meglm/families.py, start.py): tests/reference/meglm_families.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_meglm_families.R
#
# * "clmm": ordinal::clmm with one random intercept -- Stata's meologit.  nAGQ = 7 is
#   adaptive Gauss-Hermite quadrature at the conditional mode with the curvature there
#   (Stata's mcaghermite with intpoints(7)): the same integral, so the same maximum;
#   nAGQ = 1 is the Laplace approximation (Stata's intmethod(laplace)), with the
#   observed curvature at the mode, as Stata's.  clmm's cutpoints (alpha) are Stata's
#   /cut1 ...; its random-effect SD is sqrt(var(_cons)).  Fitted with gradTol 1e-10 so
#   the optimum is as converged as the optimiser allows.
# * "glmer_nb": lme4::glmer.nb with one random intercept (Laplace) -- Stata's menbreg
#   with intmethod(laplace).  theta (R) = 1 / alpha (Stata): lnalpha = -log(theta).
#   glmer.nb finds theta by an outer one-dimensional optimisation; lme4's Laplace uses
#   PIRLS (Fisher) weights at the mode, Stata's and rglm's the observed curvature: for
#   NB2's log link (not canonical) these differ, so the tests compare at a tolerance
#   (see tests/models/meglm/test_families.py).  The "glm.nb" record is the same model
#   without the random intercept (meglm's fixedonly start and LR comparison model).
# * "polr": MASS::polr of the ordinal data without the random intercept (meglm's
#   fixedonly start and e(ll_c)).
# * "gamma_glm": the gamma GLM (log link) by maximum likelihood -- meglm family(gamma)'s
#   fixedonly start and e(ll_c): glm's coefficients are the ML beta for any shape, and
#   MASS::gamma.shape the ML shape a given them; Stata's /logs = log(1 / a).  (lme4's
#   glmer for Gamma is no oracle for meglm's gamma: its scale is not a likelihood
#   parameter there; the random-effects gamma model is checked against brute force.)
#
# Data simulated here (fixed seed) and stored as inputs.  No printed text is recorded,
# so R 4.2.2 and R >= 4.3 give the same file (no version conversion needed); lme4 and
# ordinal versions are recorded.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(lme4)
  library(ordinal)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "meglm_families.json")

# Random-intercept ordinal data: 40 groups of 10, 4 categories, two covariates.
set.seed(20261204)
G <- 40; m <- 10
ord <- data.frame(g = factor(rep(sprintf("g%02d", 1:G), each = m)), x = rnorm(G * m),
                  z = rbinom(G * m, 1, 0.4))
u <- rnorm(G, sd = 1.1)
lat <- 0.8 * ord$x - 0.6 * ord$z + u[as.integer(ord$g)] + rlogis(G * m)
ord$y <- cut(lat, c(-Inf, -1.2, 0.2, 1.5, Inf), labels = paste0("c", 1:4),
             ordered_result = TRUE)

clmm_record <- function(id, link, nAGQ) {
  fit <- clmm(y ~ x + z + (1 | g), data = ord, link = link, nAGQ = nAGQ,
              control = clmm.control(gradTol = 1e-10, innerCtrl = "noWarn"))
  list(id = id, link = link, nAGQ = nAGQ,
       beta = json_nums(unname(fit$beta)), alpha = json_nums(unname(fit$alpha)),
       sd = json_num(unname(attr(VarCorr(fit)$g, "stddev"))),
       logLik = json_num(as.numeric(logLik(fit))))
}

polr_record <- function(method) {
  fit <- polr(y ~ x + z, data = ord, method = method,
              control = list(reltol = 1e-14, maxit = 10000))
  list(method = method, coefficients = json_nums(unname(coef(fit))),
       zeta = json_nums(unname(fit$zeta)), logLik = json_num(as.numeric(logLik(fit))))
}

# Random-intercept NB2 counts: 30 groups of 12.
set.seed(4242)
G <- 30; m <- 12
nb <- data.frame(g = factor(rep(sprintf("h%02d", 1:G), each = m)), x = runif(G * m))
v <- rnorm(G, sd = 0.6)
mu <- exp(0.5 + 0.9 * nb$x + v[as.integer(nb$g)])
nb$y <- rnbinom(G * m, size = 2.5, mu = mu)

nb_fit <- glmer.nb(y ~ x + (1 | g), data = nb,
                   control = glmerControl(optimizer = "bobyqa",
                                          optCtrl = list(rhobeg = 0.2, rhoend = 1e-10)))
nb_glm <- glm.nb(y ~ x, data = nb, control = glm.control(epsilon = 1e-12, maxit = 100))

# Random-intercept gamma responses (log link, shape 2.5): 30 groups of 10.
set.seed(777)
G <- 30; m <- 10
gam <- data.frame(g = factor(rep(sprintf("k%02d", 1:G), each = m)), x = runif(G * m))
w <- rnorm(G, sd = 0.5)
mu <- exp(0.3 + 0.8 * gam$x + w[as.integer(gam$g)])
gam$y <- rgamma(G * m, shape = 2.5, scale = mu / 2.5)
gam_glm <- glm(y ~ x, family = Gamma("log"), data = gam,
               control = glm.control(epsilon = 1e-14, maxit = 100))
gam_shape <- gamma.shape(gam_glm, it.lim = 100, eps.max = 1e-13)$alpha
gam_ll <- sum(dgamma(gam$y, shape = gam_shape, scale = fitted(gam_glm) / gam_shape,
                     log = TRUE))

write_json_file(list(
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  ordinal_version = as.character(packageVersion("ordinal")),
  ord = list(x = json_nums(ord$x), z = as.integer(ord$z), g = as.integer(ord$g),
             y = as.integer(ord$y)),
  clmm = list(clmm_record("logit_agq7", "logit", 7),
              clmm_record("probit_agq7", "probit", 7),
              clmm_record("logit_laplace", "logit", 1)),
  polr = list(polr_record("logistic"), polr_record("probit")),
  nb = list(x = json_nums(nb$x), g = as.integer(nb$g), y = as.integer(nb$y)),
  glmer_nb = list(beta = json_nums(unname(fixef(nb_fit))),
                  theta = json_num(getME(nb_fit, "glmer.nb.theta")),
                  sd = json_num(unname(attr(VarCorr(nb_fit)$g, "stddev"))),
                  logLik = json_num(as.numeric(logLik(nb_fit)))),
  glm_nb = list(coefficients = json_nums(unname(coef(nb_glm))),
                theta = json_num(nb_glm$theta),
                logLik = json_num(as.numeric(logLik(nb_glm)))),
  gam = list(x = json_nums(gam$x), g = as.integer(gam$g), y = json_nums(gam$y)),
  gamma_glm = list(coefficients = json_nums(unname(coef(gam_glm))),
                   shape = json_num(unname(gam_shape)), logLik = json_num(gam_ll))),
  out_file)
