# lme4 references for meglm's observation-level sampling weights (rglm's engine:
# agq_response.PWeighted; front end: rglm.meglm(..., weights=)).
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_meglm_weights.R
# Writes tests/reference/meglm_weights.json (read by tests/models/meglm/test_robust.py).
#
# Why lme4 is an oracle here: for a 0/1 response and for counts, glmer's prior weights
# multiply each observation's log density, exactly as Stata's pweights do in the pseudo
# log likelihood:
#   * binomial with y in {0, 1} and integer weights w: R's binomial treats y as a
#     proportion of w trials, log C(w, w y) + w (y log mu + (1 - y) log(1 - mu)), and
#     C(w, 0) = C(w, w) = 1, so the term is w log f(y | mu);
#   * poisson: R's dev.resids and aic are w times the unweighted ones.
# (Not so for a gaussian response, whose prior weights divide the variance.)
#
# The data are simulated here (set.seed; written to the JSON as inputs). For each model:
# lme4's objective (glmer(..., devFunOnly = TRUE)) at lme4's own optimum and at a point
# away from it, for nAGQ = 9 and 25 (mode-curvature adaptive quadrature, one scalar
# random intercept, rglm's "mcaghermite"), and the data constant c(y) (lme4's nAGQ > 1
# objective leaves it out: glmm-behaviour.md section 1.6); lme4's nAGQ = 25 estimates.
#
# tolPwrss = 1e-12 (as make_quadrature.R: lme4's modes converged, so its value is the
# quadrature rule itself). Version notes: as make_quadrature.R (lme4 1.1-31's odd rules
# have a middle node of ~4e-17, symmetrised in lme4 >= 2.0-6: rounding-level effect).

source("tests/reference/common.R")
suppressPackageStartupMessages(library(lme4))

OUT <- "tests/reference/meglm_weights.json"

simulate_data <- function(seed, family) {
  set.seed(seed)
  G <- 14; m <- 7; n <- G * m
  g <- rep(seq_len(G), each = m)
  x <- rnorm(n)
  u <- rnorm(G)
  eta <- -0.3 + 0.8 * x + u[g]
  y <- if (family == "binomial") rbinom(n, 1, plogis(eta)) else rpois(n, exp(0.5 * eta + 0.5))
  data.frame(y = as.numeric(y), x = x, g = factor(sprintf("g%02d", g)),
             w = as.numeric(sample(1:3, n, replace = TRUE)))
}

MODELS <- list(
  list(id = "bernoulli_w", family = "binomial", seed = 11),
  list(id = "poisson_w", family = "poisson", seed = 12)
)
FORMULA <- "y ~ x + (1 | g)"
TOL <- 1e-12

data_constant <- function(d, family) {
  # c(y) = aic - sum of unit deviances (mu-free for integral counts), at glm's means
  fam <- get(family)()
  fit <- glm(y ~ x, data = d, family = fam, weights = w)
  y <- fit$y; mu <- fitted(fit); wt <- fit$prior.weights
  n <- if (family == "binomial") wt else rep(1, length(y))
  dev <- sum(fam$dev.resids(y, mu, wt))
  fam$aic(y, n, mu, wt, dev) - dev
}

model_ref <- function(m) {
  d <- simulate_data(m$seed, m$family)
  ctl <- glmerControl(tolPwrss = TOL)
  fit <- suppressWarnings(glmer(as.formula(FORMULA), data = d, family = get(m$family),
                                weights = w, nAGQ = 25, control = ctl))
  theta <- getME(fit, "theta")
  beta <- fixef(fit)
  pts <- list(c(theta, beta), c(theta * 1.2 + 0.05, beta + 0.05))
  objectives <- lapply(c(9, 25), function(k) {
    f <- suppressWarnings(glmer(as.formula(FORMULA), data = d, family = get(m$family),
                                weights = w, nAGQ = k, devFunOnly = TRUE, control = ctl))
    list(nAGQ = k, values = json_nums(vapply(pts, f, 0)))
  })
  list(id = m$id, family = m$family, formula = FORMULA,
       data = list(y = json_nums(d$y), x = json_nums(d$x), g = I(as.character(d$g)),
                   w = json_nums(d$w)),
       points = lapply(pts, json_nums), cy = json_num(data_constant(d, m$family)),
       objectives = objectives, theta = json_nums(theta), beta = json_nums(beta))
}

ref <- list(generated_by = "tests/reference/make_meglm_weights.R",
            r_version = R.version.string,
            lme4_version = as.character(packageVersion("lme4")),
            models = lapply(MODELS, model_ref))
write_json_file(ref, OUT)
