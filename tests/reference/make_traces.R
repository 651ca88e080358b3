# What R writes to standard error while it works (message()), with the rglm calls that
# must write the same: tests/reference/traces.json, read by tests/render/test_traces.py.
#
# Each case: `id`, `r` (the R code), `py` (its rglm translation, evaluated with `rglm`,
# `np` and the named datasets bound), `data` (the datasets it names), `messages` (what R's
# message() calls wrote, in order, newlines included).
#
#   * glm.nb(control = glm.control(trace = TRUE)): one "Theta(k) = ..." line per
#     alternation (MASS's glm.nb);
#   * theta.ml(trace = TRUE): the starting value and each Newton step (MASS);
#   * profile(fit, trace = TRUE): "\nParameter: <name> down/up" before each direction
#     (MASS's profile.glm in R 4.2, stats' since R 4.4: the same message);
#   * confint(fit): "Waiting for profiling to be done..." (the same in both).
#
# Run from the repository root: LC_ALL=C.UTF-8 Rscript tests/reference/make_traces.R

source("tests/reference/common.R")
suppressPackageStartupMessages(library(MASS))

env <- rglm_data_env(c("quine", "dobson"))

# Everything message() wrote while evaluating `code`; the value and output are dropped.
messages_of <- function(code) {
  msgs <- character()
  withCallingHandlers(
    capture.output(suppressWarnings(eval(parse(text = code)[[1]], envir = env))),
    message = function(m) {
      msgs <<- c(msgs, conditionMessage(m))
      invokeRestart("muffleMessage")
    })
  paste(msgs, collapse = "")
}

case <- function(id, r, py) {
  list(id = id, r = r, py = py, data = I(datasets_used(r)), messages = messages_of(r))
}

out <- list(r_version = R.version.string, cases = list(
  case("glm_nb_trace",
       "glm.nb(Days ~ Sex/(Age + Eth * Lrn), data = quine, control = glm.control(trace = TRUE))",
       paste0('rglm.glm_nb("Days ~ Sex/(Age + Eth * Lrn)", data=quine, ',
              'control=rglm.glm_control(trace=True))')),
  case("theta_ml_trace",
       paste0("theta.ml(quine$Days, fitted(glm(Days ~ Eth + Sex, family = poisson, ",
              "data = quine)), trace = TRUE)"),
       paste0('rglm.theta_ml(quine["Days"].to_numpy(dtype=float), ',
              'rglm.glm("Days ~ Eth + Sex", family=rglm.poisson, ',
              'data=quine).fitted_values.to_numpy(), trace=True)')),
  case("profile_trace",
       paste0('profile(glm(counts ~ outcome + treatment, family = poisson(), data = dobson), ',
              'which = 2:3, trace = TRUE)'),
       paste0('rglm.profile(rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), ',
              'data=dobson), which=[1, 2], trace=True)')),
  case("confint_waiting",
       "confint(glm(counts ~ outcome + treatment, family = poisson(), data = dobson))",
       paste0('rglm.confint(rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), ',
              'data=dobson))'))))

write_json_file(out, "tests/reference/traces.json")
