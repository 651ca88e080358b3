# R's generics on each model kind rglm has: tests/reference/generics.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_generics.R
#
# Three parts, read by tests/test_generics.py:
#
# `no_method`: the error R's UseMethod() gives for an object of a class with no method,
#   `no applicable method for 'vcov' applied to an object of class "character"`, for the
#   generics to which R gives no default method, on one object of each basic type and on
#   classed objects (a user's class "foo"; biglm's c("bigglm", "biglm")).  rglm's
#   generics give this error for every class without a method.
#
# `kinds`: coef, vcov, predict (new data, link scale), residuals, logLik, nobs, deviance,
#   df.residual, formula, confint and update on one fit of each kind: glm(), MASS's
#   glm.nb() and bigglm().
#
# `bigglm_cases`: drop1, add1, update and step on bigglm fits, what they print and return.
#
# bigglm.  rglm's bigglm() gives glm()'s numbers under its own call (make_bigglm.R says
# why glm(), not biglm, is the oracle; biglm is not installed here either).  Its methods
# are those biglm documents for class c("bigglm", "biglm") -- coef, vcov, summary,
# predict, deviance, family, formula, AIC -- with glm()'s numbers, plus R's default
# methods where biglm has none: confint.default (Wald), update.default (the call
# evaluated again), drop1.default and add1.default (refits through update(), compared by
# extractAIC) and so step().  The oracle here is therefore a glm() fit under a bigglm()
# call, of class c("bigglm", "biglm"), whose methods are exactly those: glm's numbers
# (coef.default, vcov.glm, predict.glm, logLik.glm, extractAIC.glm, nobs.glm,
# formula(terms)) and nothing for drop1/add1/confint/update, so that R dispatches them to
# its default methods, as it would for rglm's bigglm fit.  The `bigglm()` below is that
# oracle's constructor: update() evaluates the call again through it.
#
# Versions.  R here is 4.2.2; rglm follows R >= 4.3.  None of what is recorded differs:
# UseMethod's error text, drop1.default, add1.default, update.default, step,
# confint.default, print.anova and printCoefmat are the same in R 4.2.2 and R-devel
# (compared with wch/r-source, October 2024); the profile intervals of glm and glm.nb
# fits are MASS's confint.glm in R 4.2 and stats' in R >= 4.4, the same numbers
# (make_confint.R's header).  Numbers at full precision (json_nums); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(sandwich)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "generics.json")
data_env <- rglm_data_env()

# ---- the bigglm oracle --------------------------------------------------------------

bigglm <- function(formula, data, family = gaussian(), chunksize = 100000) {
  fit <- glm(formula, family = family, data = data)
  fit$call <- match.call()
  class(fit) <- c("bigglm", "biglm")
  fit
}
# glm()'s numbers through glm's own methods (as_glm: the same list, classed as glm)
as_glm <- function(x) structure(x, class = c("glm", "lm"))
vcov.bigglm <- function(object, ...) vcov(as_glm(object), ...)
predict.bigglm <- function(object, newdata, ...) predict(as_glm(object), newdata, ...)
formula.bigglm <- function(x, ...) formula(x$terms)
family.bigglm <- function(object, ...) object$family
logLik.bigglm <- function(object, ...) logLik(as_glm(object), ...)
extractAIC.bigglm <- function(fit, scale = 0, k = 2, ...) {
  extractAIC(as_glm(fit), scale, k, ...)
}
nobs.bigglm <- function(object, ...) nobs(as_glm(object), ...)

# ---- no applicable method -------------------------------------------------------------

NO_DEFAULT <- c("vcov", "predict", "logLik", "family", "anova", "extractAIC", "estfun",
                "hatvalues", "influence", "rstandard", "rstudent", "cooks.distance",
                "dfbeta", "dfbetas", "profile")
# name -> (R object, its rglm counterpart in the test: tests/test_generics.py)
OBJECTS <- list(
  character = "a", double = 1.5, integer = 1L, logical = TRUE, null = NULL,
  list = list(), "function" = function(x) x, data_frame = data.frame(a = 1),
  matrix = matrix(1.5), foo = structure(list(), class = "foo"),
  bigglm = structure(list(), class = c("bigglm", "biglm")))

no_method <- list()
for (g in NO_DEFAULT) {
  for (nm in names(OBJECTS)) {
    if (nm == "bigglm" && g %in% c("vcov", "predict", "logLik", "family", "extractAIC",
                                    "anova")) {
      # the oracle has these methods, and so has rglm's bigglm (anova: glm's
      # anova.glmlist for nested bigglm fits, rglm's own, tests/models/bigglm/)
      next
    }
    msg <- tryCatch({
      do.call(g, list(OBJECTS[[nm]]))
      stop("no error for ", g, " on ", nm)
    }, error = function(e) conditionMessage(e))
    if (!startsWith(msg, "no applicable method")) stop(g, " on ", nm, ": ", msg)
    no_method[[length(no_method) + 1]] <- list(generic = g, object = nm, message = msg)
  }
}

# ---- one fit of each kind ------------------------------------------------------------

kind <- function(id, r, py, newdata_r, newdata_py, update_r, update_py) {
  list(id = id, r = r, py = py, newdata_r = newdata_r, newdata_py = newdata_py,
       update_r = update_r, update_py = update_py)
}

KINDS <- list(
  kind("glm", "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
       'rglm.glm("counts ~ outcome + treatment", data=dobson, family=rglm.poisson())',
       "dobson[c(1, 5, 9), ]", "dobson.iloc[[0, 4, 8]]",
       "update(fit, . ~ . - treatment)", 'rglm.update(fit, ". ~ . - treatment")'),
  kind("negbin", "glm.nb(Days ~ Sex + Age, data = quine)",
       'rglm.glm_nb("Days ~ Sex + Age", data=quine)',
       "quine[c(1, 40, 100), ]", "quine.iloc[[0, 39, 99]]",
       "update(fit, . ~ . - Sex)", 'rglm.update(fit, ". ~ . - Sex")'),
  kind("bigglm", "bigglm(counts ~ outcome + treatment, data = dobson, family = poisson(), chunksize = 4)",
       'rglm.bigglm("counts ~ outcome + treatment", dobson, family=rglm.poisson(), chunksize=4)',
       "dobson[c(1, 5, 9), ]", "dobson.iloc[[0, 4, 8]]",
       "update(fit, . ~ . - treatment)", 'rglm.update(fit, ". ~ . - treatment")'))

named <- function(x) list(names = I(names(x)), values = json_nums(unname(x)))
matrix_of <- function(m) {
  list(rownames = I(rownames(m)), colnames = I(colnames(m)), rows = json_rows(unname(m)))
}

kinds <- list()
for (k in KINDS) {
  env <- new.env(parent = data_env)
  fit <- eval(parse(text = k$r)[[1]], envir = env)
  assign("fit", fit, envir = env)
  newdata <- eval(parse(text = k$newdata_r)[[1]], envir = env)
  ll <- logLik(fit)
  ci <- suppressMessages(confint(fit))
  new <- eval(parse(text = k$update_r)[[1]], envir = env)
  kinds[[k$id]] <- c(k, list(
    data = I(datasets_used(k$r)),
    class = I(class(fit)),
    coef = named(coef(fit)),
    vcov = matrix_of(vcov(fit)),
    predict = named(predict(fit, newdata)),
    residuals = if (k$id == "bigglm") NULL else named(residuals(fit)),
    logLik = list(value = json_num(as.numeric(ll)), df = attr(ll, "df"),
                  nobs = attr(ll, "nobs")),
    nobs = nobs(fit),
    deviance = json_num(deviance(fit)),
    df_residual = df.residual(fit),
    formula = paste(deparse(formula(fit)), collapse = "\n"),
    confint = matrix_of(ci),
    update = list(call = paste(deparse(new$call), collapse = "\n"),
                  class = I(class(new)), coef = named(coef(new)))))
}

# ---- drop1, add1, update, step on bigglm fits ---------------------------------------------

big_case <- function(id, kind, r, py, setup_r = NULL, setup_py = NULL) {
  list(id = id, kind = kind, r = r, py = py, setup_r = setup_r, setup_py = setup_py)
}

MTCARS_R <- "big_mtcars <- bigglm(mpg ~ wt + hp + qsec + am, data = mtcars, family = gaussian(), chunksize = 10)"
MTCARS_PY <- 'big_mtcars = rglm.bigglm("mpg ~ wt + hp + qsec + am", mtcars, family=rglm.gaussian(), chunksize=10)'
WARP_R <- "big_warp <- bigglm(breaks ~ wool + tension, data = warpbreaks, family = poisson(), chunksize = 20)"
WARP_PY <- 'big_warp = rglm.bigglm("breaks ~ wool + tension", warpbreaks, family=rglm.poisson(), chunksize=20)'

BIG_CASES <- list(
  big_case("drop1_mtcars", "table", "drop1(big_mtcars)", "rglm.drop1(big_mtcars)",
           MTCARS_R, MTCARS_PY),
  big_case("drop1_mtcars_chisq", "table", 'drop1(big_mtcars, test = "Chisq")',
           'rglm.drop1(big_mtcars, test="Chisq")', MTCARS_R, MTCARS_PY),
  big_case("drop1_warp_scope", "table", 'drop1(big_warp, ~ tension, test = "Chisq", k = log(54))',
           'rglm.drop1(big_warp, "~ tension", test="Chisq", k=math.log(54))', WARP_R, WARP_PY),
  big_case("add1_mtcars", "table",
           'add1(update(big_mtcars, . ~ wt), ~ . + hp + qsec + am, test = "Chisq")',
           'rglm.add1(rglm.update(big_mtcars, ". ~ wt"), "~ . + hp + qsec + am", test="Chisq")',
           MTCARS_R, MTCARS_PY),
  big_case("update_warp", "fit", "update(big_warp, . ~ . + wool:tension)",
           'rglm.update(big_warp, ". ~ . + wool:tension")', WARP_R, WARP_PY),
  big_case("step_mtcars", "step", "step(big_mtcars)", "rglm.step(big_mtcars)",
           MTCARS_R, MTCARS_PY),
  big_case("step_warp_both", "step",
           "step(update(big_warp, . ~ 1), scope = ~ wool * tension)",
           'rglm.step(rglm.update(big_warp, ". ~ 1"), scope="~ wool * tension")',
           WARP_R, WARP_PY))

table_of <- function(aod) {
  list(colnames = I(names(aod)), rownames = I(row.names(aod)),
       columns = lapply(names(aod), function(nm) {
         v <- aod[[nm]]
         if (is.numeric(v)) json_nums(v) else I(v)
       }),
       heading = I(attr(aod, "heading")))
}

fit_of <- function(fit) {
  list(call = paste(deparse(fit$call), collapse = "\n"),
       formula = paste(deparse(formula(fit)), collapse = "\n"),
       coef = named(coef(fit)), deviance = json_num(deviance(fit)),
       aic = json_num(AIC(fit)))
}

big_cases <- list()
for (case in BIG_CASES) {
  env <- new.env(parent = data_env)
  eval(parse(text = case$setup_r)[[1]], envir = env)
  res <- eval_collecting(case$r, env)
  out <- c(case, list(data = I(datasets_used(paste(case$setup_r, case$r, sep = "; "))),
                      warnings = I(res$warnings)))
  if (case$kind == "table") {
    out$table <- table_of(res$value)
    out$print <- printed(print(res$value))
  } else if (case$kind == "fit") {
    out$fit <- fit_of(res$value)
  } else {
    out$trace <- text_of(res$output)
    out$path <- table_of(res$value$anova)
    out$fit <- fit_of(res$value)
    out$last_name <- tail(names(res$value), 1)  # R's step() appends $anova
  }
  big_cases[[length(big_cases) + 1]] <- out
}

write_json_file(list(r_version = R.version.string, no_method = no_method, kinds = kinds,
                     bigglm_cases = big_cases), out_file)
cat("wrote", out_file, "\n")
