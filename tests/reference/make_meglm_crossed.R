# R reference values for rglm.meglm's ordinal family with crossed random effects
# (rglm/engines/mixed/laplace_general.py): tests/reference/meglm_crossed.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_meglm_crossed.R
#
# ordinal::clmm(y ~ x + (1 | a) + (1 | b)) with nAGQ = 1 (clmm allows only the Laplace
# approximation with more than one random-effects term) -- Stata's meologit with
# crossed effects, which Stata fits by the Laplace approximation only.  clmm's Laplace
# is the one Stata uses: its inner Newton iterations (ordinal:::update.u) use the
# observed curvature of the ordinal log likelihood in eta (ordinal:::hess.u:
# w [((p1 - p2) / P)^2 - (g1 - g2) / P], p = the density and g its derivative at the
# two cutpoints), and its value (ordinal:::getNLA) is
#   -log L = -sum w log P - sum log phi(u) + log|L| - q log(2 pi) / 2,
# L the Cholesky factor of U' W U + I, i.e. log L = sum log P - |u|^2 / 2 - log|A| / 2.
# (Matrix >= 1.6-2 changed determinant(<CHMfactor>) and ordinal >= 2023.12 adapted to
# it, keeping this value: the test checks our value at clmm's estimates against its
# logLik, so a difference would show.)  clmm's inner iterations stop at
# max|gradient| < gradTol (1e-3 by default); gradTol = 1e-10 here so that the modes,
# and the optimum, are converged.
#
# ranef() and condVar() are clmm's conditional modes of b and their variances, from
# the inverse of the same observed-curvature system at the modes.
#
# Data simulated here (fixed seed) and stored as inputs: 24 levels of a crossed with
# 15 levels of b, 480 observations, 4 categories.  No printed text is recorded, so
# R 4.2.2 and R >= 4.3 give the same file; R, ordinal and Matrix versions recorded.

suppressPackageStartupMessages({
  library(jsonlite)
  library(ordinal)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "meglm_crossed.json")

set.seed(20261205)
A <- 24; B <- 15; n <- 480
cr <- data.frame(a = factor(sprintf("a%02d", sample(A, n, replace = TRUE))),
                 b = factor(sprintf("b%02d", sample(B, n, replace = TRUE))),
                 x = rnorm(n))
ua <- rnorm(A, sd = 0.9)
ub <- rnorm(B, sd = 0.6)
lat <- 0.7 * cr$x + ua[as.integer(cr$a)] + ub[as.integer(cr$b)] + rlogis(n)
cr$y <- cut(lat, c(-Inf, -1.0, 0.3, 1.6, Inf), labels = paste0("c", 1:4),
            ordered_result = TRUE)

clmm_record <- function(link) {
  fit <- clmm(y ~ x + (1 | a) + (1 | b), data = cr, link = link, nAGQ = 1,
              control = clmm.control(gradTol = 1e-10, innerCtrl = "noWarn"))
  vc <- VarCorr(fit)
  list(link = link, beta = json_nums(unname(fit$beta)),
       alpha = json_nums(unname(fit$alpha)),
       sd_a = json_num(unname(attr(vc$a, "stddev"))),
       sd_b = json_num(unname(attr(vc$b, "stddev"))),
       logLik = json_num(as.numeric(logLik(fit))),
       # conditional modes b of each level (Stata's predict, reffects ebmodes) and
       # their conditional variances (Stata's reses()^2), at clmm's estimates
       ranef_a = json_nums(ranef(fit)$a[, 1]), ranef_b = json_nums(ranef(fit)$b[, 1]),
       condvar_a = json_nums(condVar(fit)$a[, 1]),
       condvar_b = json_nums(condVar(fit)$b[, 1]),
       optimizer_message = fit$optRes$message)
}

write_json_file(list(
  r_version = R.version.string,
  ordinal_version = as.character(packageVersion("ordinal")),
  matrix_version = as.character(packageVersion("Matrix")),
  data = list(x = json_nums(cr$x), a = as.integer(cr$a), b = as.integer(cr$b),
              y = as.integer(cr$y)),
  clmm = list(clmm_record("logit"), clmm_record("probit"))),
  out_file)
