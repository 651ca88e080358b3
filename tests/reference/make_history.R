# The IRLS iterations of glm.fit, one by one: tests/reference/history.json, read by
# tests/models/glm/test_history.py (rglm's fit.history / rglm.irls_history(fit)).
#
# R keeps no record of its iterations; two things show them:
#
#   * glm.control(trace = TRUE): glm.fit cat()s "Deviance = <dev> Iterations - <k>" after
#     each step and "Step halved: new deviance = <dev>" after a step-halving. cat() writes
#     getOption("digits") significant digits: digits = 17 here, so every traced deviance
#     reads back as the double R computed;
#   * glm.control(maxit = k): glm.fit stops after k iterations (with a warning that it did
#     not converge) and returns the coefficients, deviance and working weights of
#     iteration k -- the k-th row of the history.
#
# Each fit's glm.fit call is recorded (glm(method = <a function>) and glm.nb(method =
# "<its name>") both hand their fitter glm.fit's arguments) and replayed with those two
# controls: for glm.nb that is the last fit of MASS's alternation, the one its result
# reports. The deviance at the starting values (R's `devold` before iteration 1, which the
# first convergence criterion compares with) is glm.fit's own steps: the family's
# initialize, then eta from etastart, start or mustart.
#
# Each case: id, r (the R code), py (its rglm translation; `np` and `pd` are bound),
# data (the datasets it names), coef_names, iter, converged, start_deviance,
# trace = {deviance, halved} (the last deviance each iteration printed; whether it printed
# a step-halving), maxit = {deviance, coefficients (rows; null = NA), weights (rows of
# min, median, max of fit$weights over the rows with positive working weight), error
# (R's error where maxit = k fails, else null)}.
# `bigglm` cases: an rglm bigglm call whose iterations are those of the glm case `same_as`;
# `maxit_errors`: a fit R refuses to stop after maxit iterations, with R's error.
#
# R versions: the numbers are glm.fit's (and MASS's glm.nb alternation), unchanged from
# R 4.2 to current R; so are the trace lines' text (glm.control's help page: "calls to cat
# produce the output for each IWLS iteration. Hence, options(digits = *) can be used to
# increase the precision"). No conversion is needed for R >= 4.3. `%||%` is defined
# here since base R has it only from 4.4 (the same definition).
#
# Run from the repository root: LC_ALL=C.UTF-8 Rscript tests/reference/make_history.R

source("tests/reference/common.R")
suppressPackageStartupMessages(library(MASS))

env <- rglm_data_env(c("dobson", "budworm", "birthwt", "clotting", "mtcars", "quine"))

`%||%` <- function(a, b) if (is.null(a)) b else a  # base R has it from 4.4 only

calls <- list()
# glm.fit, recording its arguments first (the formals are glm.fit's: glm.nb's `w = w`
# matches `weights`, as it does for glm.fit).
recording_fit <- function(x, y, weights = NULL, start = NULL, etastart = NULL,
                          mustart = NULL, offset = rep.int(0, NROW(y)), family = gaussian(),
                          control = list(), intercept = TRUE, singular.ok = TRUE) {
  calls[[length(calls) + 1L]] <<- list(x = x, y = y, weights = weights, start = start,
                                      etastart = etastart, mustart = mustart,
                                      offset = offset, family = family, control = control,
                                      intercept = intercept, singular.ok = singular.ok)
  glm.fit(x = x, y = y, weights = weights, start = start, etastart = etastart,
          mustart = mustart, offset = offset, family = family, control = control,
          intercept = intercept, singular.ok = singular.ok)
}
assign("recording_fit", recording_fit, envir = globalenv())

# The glm.fit call a fit makes: the first for glm (a null-deviance refit would come
# after), the last for glm.nb (the alternation's last fit; no offset, so no refit).
fitter_call <- function(code, which) {
  calls <<- list()
  code <- sub(")$", paste0(", method = ", if (which == "first") "recording_fit"
                           else "\"recording_fit\"", ")"), code)
  res <- eval_collecting(code, env)
  if (which == "first") calls[[1]] else calls[[length(calls)]]
}

replay <- function(a, control) {
  glm.fit(x = a$x, y = a$y, weights = a$weights, start = a$start, etastart = a$etastart,
          mustart = a$mustart, offset = a$offset, family = a$family, control = control,
          intercept = a$intercept, singular.ok = a$singular.ok)
}

# glm.fit's deviance at its starting values (R's devold before the first iteration).
start_deviance <- function(a) {
  x <- a$x; y <- a$y; nobs <- NROW(y)
  weights <- if (is.null(a$weights)) rep.int(1, nobs) else a$weights
  offset <- if (is.null(a$offset)) rep.int(0, nobs) else a$offset
  family <- a$family; etastart <- a$etastart; start <- a$start; mustart <- a$mustart
  if (is.null(mustart)) {
    eval(family$initialize)
  } else {
    mukeep <- mustart
    eval(family$initialize)
    mustart <- mukeep
  }
  eta <- if (!is.null(etastart)) etastart
         else if (!is.null(start)) offset + as.vector(x %*% start)
         else family$linkfun(mustart)
  sum(family$dev.resids(y, family$linkinv(eta), weights))
}

# The traced deviances: the last one each iteration printed, and whether it was halved.
traced <- function(a) {
  old <- options(digits = 17)
  on.exit(options(old))
  out <- collecting(replay(a, glm.control(epsilon = a$control$epsilon %||% 1e-8,
                                          maxit = a$control$maxit %||% 25,
                                          trace = TRUE)))$output
  dev <- numeric(); halved <- logical()
  for (line in out) {
    if (startsWith(line, "Deviance = ")) {
      dev <- c(dev, as.numeric(sub("^Deviance = (\\S+) Iterations - \\d+$", "\\1", line)))
      halved <- c(halved, FALSE)
    } else if (startsWith(line, "Step halved: new deviance = ")) {
      dev[length(dev)] <- as.numeric(sub("^Step halved: new deviance = ", "", line))
      halved[length(halved)] <- TRUE
    } else {
      stop("unexpected trace line: ", line)
    }
  }
  list(deviance = json_nums(dev), halved = I(halved))
}

case <- function(id, r, py, which = "first") {
  a <- fitter_call(r, which)
  ctl <- glm.control(epsilon = a$control$epsilon %||% 1e-8, maxit = a$control$maxit %||% 25)
  full <- collecting(replay(a, ctl))$value
  runs <- lapply(seq_len(full$iter), function(k) {
    collecting(replay(a, glm.control(epsilon = ctl$epsilon, maxit = k)), catch_error = TRUE)
  })
  # glm.fit's step-halvings stop at maxit halvings too: where iteration k halved more than
  # k times, maxit = k is an error (recorded; that row's numbers are NA)
  errors <- vapply(runs, function(r) r$error %||% NA_character_, "")
  by_k <- lapply(runs, `[[`, "value")
  weights <- t(vapply(by_k, function(f) {
    if (is.null(f)) return(rep(NA_real_, 3))
    w <- f$weights[f$weights > 0]
    c(min(w), median(w), max(w))
  }, numeric(3)))
  coefs <- t(vapply(by_k, function(f) {
    if (is.null(f)) rep(NA_real_, ncol(a$x)) else unname(f$coefficients)
  }, numeric(ncol(a$x))))
  devs <- vapply(by_k, function(f) if (is.null(f)) NA_real_ else f$deviance, 0)
  list(id = id, r = r, py = py, data = I(datasets_used(r)),
       coef_names = I(colnames(a$x)), iter = full$iter, converged = full$converged,
       start_deviance = json_num(start_deviance(a)), trace = traced(a),
       maxit = list(deviance = json_nums(devs), coefficients = exact_json(coefs),
                    weights = exact_json(weights), error = I(errors)))
}

separated <- "data.frame(x = 1:10, y = rep(c(0, 1), each = 5))"
assign("separated", eval(parse(text = separated)), envir = env)

out <- list(r_version = R.version.string, cases = list(
  # canonical link: Fisher scoring is Newton's method
  case("poisson",
       "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
       'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  case("binomial",
       "glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)",
       paste0('rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, ',
              'data=budworm)')),
  # log-binomial from a poor start: both of glm.fit's step-halvings at the first
  # iteration (a NaN deviance, then fitted probabilities out of (0, 1)); the optimum is
  # inside the parameter space, so no later step is near the boundary (where whether a
  # step is out of bounds would be decided by rounding)
  case("binomial_log_halving",
       paste0("glm(low ~ age + smoke, family = binomial(link = \"log\"), data = birthwt, ",
              "start = c(-2.5, 0, 0))"),
       paste0('rglm.glm("low ~ age + smoke", family=rglm.binomial(link="log"), ',
              'data=birthwt, start=[-2.5, 0, 0])')),
  # non-canonical links: Fisher scoring (expected information) is not Newton
  case("gamma_log",
       "glm(lot1 ~ log(u), family = Gamma(link = \"log\"), data = clotting)",
       'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma(link="log"), data=clotting)'),
  case("gamma_identity",
       "glm(lot1 ~ log(u), family = Gamma(link = \"identity\"), data = clotting)",
       'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma(link="identity"), data=clotting)'),
  # an aliased column: NA in every iteration's coefficients
  case("aliased",
       "glm(mpg ~ wt + I(2 * wt) + hp, family = Gamma(link = \"log\"), data = mtcars)",
       'rglm.glm("mpg ~ wt + I(2 * wt) + hp", family=rglm.Gamma(link="log"), data=mtcars)'),
  # complete separation: the deviance creeps to 0 and the slope grows every iteration
  case("separation",
       "glm(y ~ x, family = binomial, data = separated)",
       paste0('rglm.glm("y ~ x", family=rglm.binomial, data=pd.DataFrame({"x": ',
              'np.arange(1.0, 11.0), "y": np.repeat([0.0, 1.0], 5)}))')),
  case("negbin",
       "glm.nb(Days ~ Eth + Sex + Age, data = quine)",
       'rglm.glm_nb("Days ~ Eth + Sex + Age", data=quine)', which = "last")),
  # glm.fit halves a step at most maxit times: stopped after one iteration, a fit whose
  # first step needs two halvings fails (and rglm must fail in R's words)
  maxit_errors = list(
    list(id = "halvings_beyond_maxit",
         r = paste0("glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = ",
                    "\"log\"), data = budworm, start = c(-3, 0, 0.3), ",
                    "control = glm.control(maxit = 1))"),
         py = paste0('rglm.glm("cbind(numdead, numalive) ~ sex + ldose", ',
                     'family=rglm.binomial(link="log"), data=budworm, start=[-3, 0, 0.3], ',
                     'control=rglm.glm_control(maxit=1))'))),
  bigglm = list(
    list(id = "bigglm_poisson", same_as = "poisson",
         py = paste0('rglm.bigglm("counts ~ outcome + treatment", family=rglm.poisson(), ',
                     'data=dobson, chunksize=4)')),
    list(id = "bigglm_gamma_log", same_as = "gamma_log",
         py = paste0('rglm.bigglm("lot1 ~ log(u)", family=rglm.Gamma(link="log"), ',
                     'data=clotting, chunksize=5)'))))

out$maxit_errors <- lapply(out$maxit_errors, function(e) {
  c(e, list(data = I(datasets_used(e$r)), error = error_text(e$r, env, e$id)))
})

write_json_file(out, "tests/reference/history.json")
