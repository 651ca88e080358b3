# flexmix's side of bench/fmm_bench.py: NMES1988's 2-class negative binomial (NB2)
# mixture with stepFlexmix(nrep = <starts>), and the 2-class Poisson mixture for context.
#
#   Rscript bench/fmm_bench.R <starts> <seed> <out.json>
#
# flexmix 2.3 has no negative binomial component; FLXMRnegbin2() below is one written
# for this benchmark with flexmix's documented extension mechanism (a FLXMRglm object
# with its own fit and defineComponent): the M-step of a class is the weighted NB2
# maximum likelihood, alternating MASS::theta.ml() and glm.fit() with
# negative.binomial(theta), warm-started at the class's previous estimates. Times are
# taken inside R (proc.time), so R's start-up and the data load are not counted.

suppressPackageStartupMessages({
  library(flexmix)
  library(MASS)
  library(jsonlite)
})
source(file.path("tests", "reference", "common.R"))

args <- commandArgs(trailingOnly = TRUE)
starts <- as.integer(args[1])
seed <- as.integer(args[2])
out <- args[3]

FLXMRnegbin2 <- function(formula = . ~ .) {
  z <- new("FLXMRglm", weighted = TRUE, formula = formula, name = "FLXMRglm:negbin2",
           family = "negbin2", refit = function(x, y, w) stop("not used"))
  z@defineComponent <- function(para) {
    predict <- function(x, ...) exp(drop(x %*% para$coef))
    logLik <- function(x, y, ...) dnbinom(y, size = para$theta, mu = predict(x, ...),
                                          log = TRUE)
    new("FLXcomponent", parameters = list(coef = para$coef, theta = para$theta),
        logLik = logLik, predict = predict, df = para$df)
  }
  z@fit <- function(x, y, w, component) {
    coef <- component$coef
    theta <- if (is.null(component$theta)) 1 else component$theta
    for (i in 1:25) {
      fit <- suppressWarnings(glm.fit(x, y, weights = w, start = coef,
                                      family = negative.binomial(theta)))
      coef <- coef(fit)
      old <- theta
      theta <- suppressWarnings(theta.ml(y, fit$fitted.values, sum(w), w, limit = 50))
      if (abs(theta - old) < 1e-8 * (abs(old) + 1e-8)) break
    }
    z@defineComponent(list(coef = coef, theta = as.numeric(theta), df = ncol(x) + 1))
  }
  z
}

nmes <- read_rglm_dataset("NMES1988")
f <- visits ~ hospital + health + chronic + gender + school + insurance

timed <- function(model) {
  set.seed(seed)
  t0 <- proc.time()[["elapsed"]]
  fit <- stepFlexmix(f, data = nmes, k = 2, nrep = starts, verbose = FALSE,
                     model = model, control = list(minprior = 0))
  list(seconds = proc.time()[["elapsed"]] - t0, loglik = as.numeric(logLik(fit)),
       starts = starts)
}

res <- list(
  nb2 = timed(FLXMRnegbin2()),
  poisson = timed(FLXMRglm(family = "poisson")),
  r_version = R.version.string,
  flexmix_version = as.character(packageVersion("flexmix"))
)
write_json(res, out, auto_unbox = TRUE, digits = NA)
