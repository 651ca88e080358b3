# R reference values for rglm.tidy / glance / augment of lme4 fits (broom.mixed):
# tests/reference/broom_mixed.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_broom_mixed.R
#
# broom.mixed here is 0.2.9.4 (Debian's r-cran-broom.mixed); its lme4 tidiers
# (R/lme4_tidiers.R, R/utilities.R: tidy.merMod, glance.merMod, augment.merMod) read in
# the current sources (bbolker/broom.mixed) are the same code: no conversion.
# lme4 here is 1.1-31, the target current lme4: each fit is converted to what current
# lme4 stores (tests/reference/lme4_current.R's current_fit(): derivatives, hence
# vcov() and the standard errors, only where current lme4 computes them -- C2 of
# make_mixed.R) before broom.mixed sees it. The models are make_mixed.R's (same ids):
# the tests take their tolerances from mixed.json. Gamma/inverse-Gaussian GLMMs (C5:
# VarCorr of a GLMM with a dispersion) are left out.
#
# What broom.mixed calls, for the record (its columns are documented in rglm's
# docstrings):
#   tidy     fixed: coef(summary(x)) renamed (estimate, std.error, statistic, p.value --
#            no p.value for lmer), conf.int: confint(x, parm = "beta_", method = "Wald");
#            ran_pars: as.data.frame(VarCorr(x), order = "lower.tri") as
#            group, term ("sd__(Intercept)", "cor__(Intercept).Days", "sd__Observation"),
#            estimate; ran_vals: as.data.frame(ranef(x, condVar = TRUE)) with
#            estimate +- qnorm((1 + level)/2) std.error; ran_coefs: coef(x) stacked.
#            Rows: fixed, ran_pars, ran_vals, ran_coefs (in that order, whatever the
#            order of `effects`); exponentiate: exp(estimate, conf.*), std.error x
#            exp(estimate).
#   glance   nobs, sigma, logLik, AIC, BIC, deviance (REMLcrit for a REML fit),
#            df.residual; NA values dropped.
#   augment  model.frame(x), .fitted (predict(x)), .resid (residuals(x)), .hat
#            (hatvalues.merMod; with lme4's warning for a GLMM), .cooksd
#            (cooks.distance.merMod), .fixed (predict(x, re.form = NA)), then x@resp's
#            mu, offset, sqrtXwt, sqrtrwt, weights, wtres, eta (those of full length).
#
# Output: `tidy`, `glance`, `augment` -- lists of cases as in broom.json (id, r, py,
# fit, fit_py, data, columns, kinds, values, warnings), plus `model`: the mixed.json id.

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
  library(broom.mixed)
})
source(file.path("tests", "reference", "common.R"))
source(file.path("tests", "reference", "lme4_current.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))
env <- rglm_data_env()

frame_json <- function(df) {
  df <- as.data.frame(df, check.names = FALSE, stringsAsFactors = FALSE)
  cols <- list()
  kinds <- list()
  for (nm in names(df)) {
    v <- df[[nm]]
    if (is.matrix(v)) {
      for (j in seq_len(ncol(v))) {
        key <- paste0(nm, "[,", j, "]")
        cols[[key]] <- json_nums(v[, j])
        kinds[[key]] <- "number"
      }
    } else if (is.numeric(v) || is.logical(v) && !all(is.na(v))) {
      cols[[nm]] <- json_nums(as.numeric(v))
      kinds[[nm]] <- "number"
    } else if (is.logical(v)) {  # a column of NA only (group of the fixed effects)
      cols[[nm]] <- I(rep(NA_character_, length(v)))
      kinds[[nm]] <- "text"
    } else {
      cols[[nm]] <- I(as.character(v))
      kinds[[nm]] <- "text"
    }
  }
  list(columns = I(names(cols)), kinds = kinds, values = cols)
}

MODELS <- list(
  cbpp_laplace = c(
    "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial())",
    'rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp, family=rglm.binomial())'),
  sleepstudy_reml = c(
    "lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy)",
    'rglm.lmer("Reaction ~ Days + (Days | Subject)", data=sleepstudy)'),
  sleepstudy_glmer_poisson_slope = c(
    "glmer(round(Reaction) ~ Days + (Days | Subject), data = sleepstudy, family = poisson())",
    'rglm.glmer("round(Reaction) ~ Days + (Days | Subject)", data=sleepstudy, family=rglm.poisson())')
)

fits <- lapply(MODELS, function(m) {
  fit <- suppressWarnings(suppressMessages(eval(parse(text = m[1])[[1]], envir = env)))
  current_fit(fit, current_rules(fit))
})

run_case <- function(id, model, call_r, call_py) {
  local_env <- new.env(parent = env)
  assign("fit", fits[[model]], envir = local_env)
  res <- eval_collecting(call_r, local_env)
  if (is.null(res$value)) stop(id, ": ", paste(res$error, collapse = " "))
  c(list(id = id, model = model, fit = MODELS[[model]][1], fit_py = MODELS[[model]][2],
         r = call_r, py = call_py, data = I(datasets_used(MODELS[[model]][1]))),
    frame_json(res$value), list(warnings = I(unique(res$warnings))))
}

TIDY <- list(
  list("cbpp_laplace", "default", "tidy(fit)", "rglm.tidy(fit)"),
  list("cbpp_laplace", "conf_90_exp",
       "tidy(fit, conf.int = TRUE, conf.level = 0.9, exponentiate = TRUE)",
       "rglm.tidy(fit, conf_int=True, conf_level=0.9, exponentiate=True)"),
  list("cbpp_laplace", "ran_vals", 'tidy(fit, effects = "ran_vals", conf.int = TRUE)',
       'rglm.tidy(fit, effects="ran_vals", conf_int=True)'),
  list("sleepstudy_reml", "default", "tidy(fit)", "rglm.tidy(fit)"),
  list("sleepstudy_reml", "conf_int", "tidy(fit, conf.int = TRUE)",
       "rglm.tidy(fit, conf_int=True)"),
  list("sleepstudy_reml", "vcov_scale",
       'tidy(fit, effects = c("ran_pars", "fixed"), scales = c("vcov", NA))',
       'rglm.tidy(fit, effects=["ran_pars", "fixed"], scales=["vcov", None])'),
  list("sleepstudy_reml", "ran_vals_coefs", 'tidy(fit, effects = c("ran_coefs", "ran_vals"))',
       'rglm.tidy(fit, effects=["ran_coefs", "ran_vals"])'),
  list("sleepstudy_glmer_poisson_slope", "default", "tidy(fit)", "rglm.tidy(fit)"),
  list("sleepstudy_glmer_poisson_slope", "fixed_only", 'tidy(fit, effects = "fixed")',
       'rglm.tidy(fit, effects="fixed")')
)
tidy_cases <- lapply(TIDY, function(a) run_case(paste0(a[[1]], "_", a[[2]]), a[[1]], a[[3]], a[[4]]))

glance_cases <- lapply(names(MODELS), function(m) {
  run_case(m, m, "glance(fit)", "rglm.glance(fit)")
})

augment_cases <- lapply(names(MODELS), function(m) {
  run_case(m, m, "augment(fit)", "rglm.augment(fit)")
})

write_json_file(list(r_version = R.version.string,
                     lme4_version = as.character(packageVersion("lme4")),
                     broom_mixed_version = as.character(packageVersion("broom.mixed")),
                     tidy = tidy_cases, glance = glance_cases, augment = augment_cases),
                file.path("tests", "reference", "broom_mixed.json"))
