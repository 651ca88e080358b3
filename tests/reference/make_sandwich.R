# R reference for robust covariances and coefficient tests: tests/reference/sandwich.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_sandwich.R
# Needs the R packages sandwich, lmtest and jsonlite.  The UTF-8 locale gives the curly
# quotes of the significance legend and of match.arg's message, as an R user sees them.
#
# Datasets are read BACK from data/<name>.csv (read_rglm_dataset() in common.R), so R
# fits exactly the data rglm's loader returns.
#
# Output: {"r_version", "packages", "models": [...], "cases": [...]}.
#   model: id, r (R code making the fit), py (its rglm translation), data.
#   case:  id, model, kind ("matrix" | "coeftest" | "error"), r (R code with the fit
#          bound to `fit`), py (its translation, evaluated with `fit`, `rglm` and the
#          datasets bound), tol, and R's results:
#          matrix   -> rownames, colnames, values (rows), warnings
#          coeftest -> rownames, colnames, values (rows), method, df, print, warnings
#          error    -> error (conditionMessage)
# Numbers at full double precision (json_nums() in common.R); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
  library(lmtest)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "sandwich.json")

data_env <- rglm_data_env()

TOL <- 1e-8

# ---- the models ----------------------------------------------------------------------

model <- function(id, r, py) list(id = id, r = r, py = py)

MODELS <- list(
  model("dobson_poisson",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  model("budworm_binomial_cbind",
        'glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
  model("infert_binomial",
        'glm(case ~ spontaneous + induced, family = binomial(), data = infert)',
        'rglm.glm("case ~ spontaneous + induced", family=rglm.binomial(), data=infert)'),
  model("clotting_gamma",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting)'),
  model("mtcars_gaussian",
        'glm(mpg ~ wt + hp, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp", data=mtcars)'),
  model("mtcars_gaussian_log",
        'glm(mpg ~ wt + qsec, family = gaussian(link = "log"), data = mtcars)',
        'rglm.glm("mpg ~ wt + qsec", family=rglm.gaussian(link="log"), data=mtcars)'),
  model("quine_quasipoisson",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = quasipoisson, data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.quasipoisson, data=quine)'),
  model("clotting_gamma_weights",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, weights = lot2)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, weights="lot2")'),
  model("menarche_binomial_weights",
        'glm(Menarche/Total ~ Age, family = binomial, data = menarche, weights = Total)',
        'rglm.glm("Menarche/Total ~ Age", family=rglm.binomial, data=menarche, weights="Total")'),
  model("insurance_poisson_offset",
        'glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + Group + Age + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("clotting_invgauss",
        'glm(lot1 ~ log(u), family = inverse.gaussian, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.inverse_gaussian, data=clotting)'),
  model("mtcars_poisson_aliased",
        'glm(carb ~ wt + I(2 * wt), family = poisson, data = mtcars)',
        'rglm.glm("carb ~ wt + I(2 * wt)", family=rglm.poisson, data=mtcars)'),
  model("airquality_poisson_na_omit",
        'glm(Ozone ~ Solar.R + Wind + Temp, family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=airquality)'),
  model("mtcars_gaussian_zero_weights",
        'glm(mpg ~ wt, data = mtcars, weights = am)',
        'rglm.glm("mpg ~ wt", data=mtcars, weights="am")'),
  model("mtcars_gaussian_leverage_one",
        'glm(mpg ~ wt + factor(carb), data = mtcars)',
        'rglm.glm("mpg ~ wt + factor(carb)", data=mtcars)')
)
names(MODELS) <- vapply(MODELS, `[[`, "", "id")

# ---- the cases ----------------------------------------------------------------------

case <- function(id, model, kind, r, py, tol = TOL, tol_reason = NULL) {
  list(id = id, model = model, kind = kind, r = r, py = py, tol = tol,
       tol_reason = tol_reason)
}

HC_TYPES <- c("HC3", "const", "HC", "HC0", "HC1", "HC2", "HC4", "HC4m", "HC5")
# Hat values need every row in the last IRLS step: zero prior weights make R recycle a
# shorter hatvalues() vector (see tests/inference/test_sandwich.py), so only the types
# without hat values are recorded for the zero-weight model; the leverage-one model gets
# those types here and its hat-value types (NaN, with a warning) below.
HAT_FREE <- c("const", "HC", "HC0", "HC1")
hc_types_for <- function(id) {
  if (id %in% c("mtcars_gaussian_zero_weights", "mtcars_gaussian_leverage_one")) HAT_FREE
  else HC_TYPES
}

CASES <- list()
add <- function(...) CASES[[length(CASES) + 1L]] <<- case(...)

# vcovHC: every model x every type, plus the default type
for (m in MODELS) {
  if (identical(hc_types_for(m$id), HC_TYPES)) {
    add(paste0(m$id, "__vcovHC_default"), m$id, "matrix",
        'vcovHC(fit)', 'rglm.vcovHC(fit)')
  }
  for (type in hc_types_for(m$id)) {
    add(paste0(m$id, "__vcovHC_", type), m$id, "matrix",
        sprintf('vcovHC(fit, type = "%s")', type),
        sprintf('rglm.vcovHC(fit, type="%s")', type))
  }
  add(paste0(m$id, "__bread"), m$id, "matrix", 'bread(fit)', 'rglm.bread(fit)')
}

# hat values of 1 (one car each with 6 and 8 carburettors): a warning, and NaN entries
for (type in c("HC2", "HC3", "HC5")) {
  add(paste0("mtcars_gaussian_leverage_one__vcovHC_", type, "_warns"),
      "mtcars_gaussian_leverage_one", "matrix",
      sprintf('vcovHC(fit, type = "%s")', type), sprintf('rglm.vcovHC(fit, type="%s")', type))
}

# estfun and meat
for (id in c("dobson_poisson", "clotting_gamma", "mtcars_gaussian", "quine_quasipoisson",
             "insurance_poisson_offset", "mtcars_poisson_aliased",
             "airquality_poisson_na_omit")) {
  add(paste0(id, "__estfun"), id, "matrix", 'estfun(fit)', 'rglm.estfun(fit)')
}
add("mtcars_gaussian__meatHC_HC1", "mtcars_gaussian", "matrix",
    'meatHC(fit, type = "HC1")', 'rglm.meatHC(fit, type="HC1")')
add("mtcars_gaussian__vcovHC_HC3_meat_only", "mtcars_gaussian", "matrix",
    'vcovHC(fit, type = "HC3", sandwich = FALSE)', 'rglm.vcovHC(fit, type="HC3", sandwich=False)')
add("clotting_gamma__vcovHC_omega_function", "clotting_gamma", "matrix",
    'vcovHC(fit, omega = function(residuals, diaghat, df) residuals^2 / (1 - diaghat)^3)',
    'rglm.vcovHC(fit, omega=lambda residuals, diaghat, df: residuals**2 / (1 - diaghat)**3)')

# vcovCL: one-way, defaults and non-defaults
add("infert_binomial__vcovCL_stratum_vector", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = infert$stratum)', 'rglm.vcovCL(fit, cluster=infert["stratum"])')
add("infert_binomial__vcovCL_stratum_formula", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = ~ stratum)', 'rglm.vcovCL(fit, cluster="~ stratum")')
add("infert_binomial__vcovCL_HC0_no_cadjust", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = ~ stratum, type = "HC0", cadjust = FALSE)',
    'rglm.vcovCL(fit, cluster="stratum", type="HC0", cadjust=False)')
for (type in c("HC1", "HC2", "HC3")) {
  add(paste0("infert_binomial__vcovCL_", type), "infert_binomial", "matrix",
      sprintf('vcovCL(fit, cluster = ~ stratum, type = "%s")', type),
      sprintf('rglm.vcovCL(fit, cluster="stratum", type="%s")', type))
}
add("infert_binomial__vcovCL_meat_only", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = ~ stratum, sandwich = FALSE)',
    'rglm.vcovCL(fit, cluster="stratum", sandwich=False)')
add("infert_binomial__meatCL", "infert_binomial", "matrix",
    'meatCL(fit, cluster = ~ stratum, type = "HC1")',
    'rglm.meatCL(fit, cluster="stratum", type="HC1")')
add("infert_binomial__vcovCL_multi0_one_way", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = ~ stratum, multi0 = TRUE)',
    'rglm.vcovCL(fit, cluster="stratum", multi0=True)')
for (type in c("HC0", "HC1", "HC2", "HC3")) {
  add(paste0("mtcars_gaussian__vcovCL_cyl_", type), "mtcars_gaussian", "matrix",
      sprintf('vcovCL(fit, cluster = mtcars$cyl, type = "%s")', type),
      sprintf('rglm.vcovCL(fit, cluster=mtcars["cyl"], type="%s")', type))
}
add("mtcars_gaussian__vcovCL_default", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl)', 'rglm.vcovCL(fit, cluster="cyl")')
add("mtcars_gaussian__vcovCL_fix", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl, fix = TRUE)', 'rglm.vcovCL(fit, cluster="cyl", fix=True)')
add("dobson_poisson__vcovCL_no_cluster", "dobson_poisson", "matrix",
    'vcovCL(fit)', 'rglm.vcovCL(fit)')
add("dobson_poisson__vcovCL_no_cluster_HC2", "dobson_poisson", "matrix",
    'vcovCL(fit, type = "HC2")', 'rglm.vcovCL(fit, type="HC2")')
add("dobson_poisson__vcovCL_no_cluster_HC3", "dobson_poisson", "matrix",
    'vcovCL(fit, type = "HC3")', 'rglm.vcovCL(fit, type="HC3")')
# (not a regressor's levels: Dobson's balanced design makes those cluster sums exactly 0)
add("dobson_poisson__vcovCL_uneven_groups", "dobson_poisson", "matrix",
    'vcovCL(fit, cluster = rep(1:3, times = c(4, 3, 2)), type = "HC1")',
    'rglm.vcovCL(fit, cluster=[1, 1, 1, 1, 2, 2, 2, 3, 3], type="HC1")')
add("insurance_poisson_offset__vcovCL_district", "insurance_poisson_offset", "matrix",
    'vcovCL(fit, cluster = ~ District)', 'rglm.vcovCL(fit, cluster="District")')
# (HC2/HC3 need clusters that are not a regressor's levels: else I - H_gg is singular)
add("insurance_poisson_offset__vcovCL_interleaved_HC3", "insurance_poisson_offset", "matrix",
    'vcovCL(fit, cluster = rep(1:8, times = 8), type = "HC3")',
    'rglm.vcovCL(fit, cluster=[1, 2, 3, 4, 5, 6, 7, 8] * 8, type="HC3")')
add("quine_quasipoisson__vcovCL_age", "quine_quasipoisson", "matrix",
    'vcovCL(fit, cluster = ~ Age, type = "HC1")', 'rglm.vcovCL(fit, cluster="Age", type="HC1")')
add("quine_quasipoisson__vcovCL_interleaved_HC2", "quine_quasipoisson", "matrix",
    'vcovCL(fit, cluster = rep(1:10, length.out = 146), type = "HC2")',
    'rglm.vcovCL(fit, cluster=[i % 10 + 1 for i in range(146)], type="HC2")')
add("clotting_gamma_weights__vcovCL_groups_HC2", "clotting_gamma_weights", "matrix",
    'vcovCL(fit, cluster = rep(1:3, each = 3), type = "HC2")',
    'rglm.vcovCL(fit, cluster=[1, 1, 1, 2, 2, 2, 3, 3, 3], type="HC2")')
add("clotting_gamma_weights__vcovCL_groups_HC3", "clotting_gamma_weights", "matrix",
    'vcovCL(fit, cluster = rep(1:3, each = 3), type = "HC3")',
    'rglm.vcovCL(fit, cluster=[1, 1, 1, 2, 2, 2, 3, 3, 3], type="HC3")')
add("budworm_binomial_cbind__vcovCL_interleaved_HC2", "budworm_binomial_cbind", "matrix",
    'vcovCL(fit, cluster = rep(1:3, 4), type = "HC2")',
    'rglm.vcovCL(fit, cluster=[1, 2, 3] * 4, type="HC2")')
add("budworm_binomial_cbind__vcovCL_interleaved_HC3", "budworm_binomial_cbind", "matrix",
    'vcovCL(fit, cluster = rep(1:3, 4), type = "HC3")',
    'rglm.vcovCL(fit, cluster=[1, 2, 3] * 4, type="HC3")')
add("mtcars_poisson_aliased__vcovCL_cyl", "mtcars_poisson_aliased", "matrix",
    'vcovCL(fit, cluster = ~ cyl)', 'rglm.vcovCL(fit, cluster="cyl")')
add("airquality_poisson_na_omit__vcovCL_month_vector", "airquality_poisson_na_omit", "matrix",
    'vcovCL(fit, cluster = airquality$Month)',
    'rglm.vcovCL(fit, cluster=airquality["Month"])')
add("airquality_poisson_na_omit__vcovCL_month_formula", "airquality_poisson_na_omit", "matrix",
    'vcovCL(fit, cluster = ~ Month, type = "HC1")',
    'rglm.vcovCL(fit, cluster="~ Month", type="HC1")')
add("mtcars_gaussian_zero_weights__vcovCL_cyl", "mtcars_gaussian_zero_weights", "matrix",
    'vcovCL(fit, cluster = ~ cyl)', 'rglm.vcovCL(fit, cluster="cyl")')

# vcovCL: two-way (inclusion-exclusion)
add("mtcars_gaussian__vcovCL_two_way", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl + gear)', 'rglm.vcovCL(fit, cluster=["cyl", "gear"])')
add("mtcars_gaussian__vcovCL_two_way_data_frame", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = mtcars[, c("cyl", "gear")], type = "HC1")',
    'rglm.vcovCL(fit, cluster=mtcars[["cyl", "gear"]], type="HC1")')
add("mtcars_gaussian__vcovCL_two_way_multi0", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl + gear, multi0 = TRUE)',
    'rglm.vcovCL(fit, cluster="~ cyl + gear", multi0=True)')
add("mtcars_gaussian__vcovCL_two_way_multi0_HC1", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl + gear, type = "HC1", multi0 = TRUE)',
    'rglm.vcovCL(fit, cluster=["cyl", "gear"], type="HC1", multi0=True)')
add("mtcars_gaussian__vcovCL_two_way_fix", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl + gear, fix = TRUE)',
    'rglm.vcovCL(fit, cluster=["cyl", "gear"], fix=True)')
add("infert_binomial__vcovCL_two_way", "infert_binomial", "matrix",
    'vcovCL(fit, cluster = ~ stratum + education)',
    'rglm.vcovCL(fit, cluster=["stratum", "education"])')
add("insurance_poisson_offset__vcovCL_two_way", "insurance_poisson_offset", "matrix",
    'vcovCL(fit, cluster = list(Insurance$District, Insurance$Age), cadjust = FALSE)',
    'rglm.vcovCL(fit, cluster=[Insurance["District"], Insurance["Age"]], cadjust=False)')
add("mtcars_gaussian__vcovCL_three_way", "mtcars_gaussian", "matrix",
    'vcovCL(fit, cluster = ~ cyl + gear + am)', 'rglm.vcovCL(fit, cluster=["cyl", "gear", "am"])')

# coeftest
ct <- function(id, model, r, py) add(id, model, "coeftest", r, py)
ct("dobson_poisson__coeftest_default", "dobson_poisson",
   'coeftest(fit)', 'rglm.coeftest(fit)')
ct("dobson_poisson__coeftest_vcovHC_function", "dobson_poisson",
   'coeftest(fit, vcov. = vcovHC)', 'rglm.coeftest(fit, vcov=rglm.vcovHC)')
ct("dobson_poisson__coeftest_vcovHC_dots", "dobson_poisson",
   'coeftest(fit, vcov. = vcovHC, type = "HC0")', 'rglm.coeftest(fit, vcov=rglm.vcovHC, type="HC0")')
ct("dobson_poisson__coeftest_vcovHC_matrix", "dobson_poisson",
   'coeftest(fit, vcov. = vcovHC(fit, type = "HC1"))',
   'rglm.coeftest(fit, vcov=rglm.vcovHC(fit, type="HC1"))')
ct("dobson_poisson__coeftest_df_null", "dobson_poisson",
   'coeftest(fit, df = NULL)', 'rglm.coeftest(fit, df=None)')
ct("mtcars_gaussian__coeftest_default", "mtcars_gaussian",
   'coeftest(fit)', 'rglm.coeftest(fit)')
ct("mtcars_gaussian__coeftest_df_residual", "mtcars_gaussian",
   'coeftest(fit, df = fit$df.residual)', 'rglm.coeftest(fit, df=fit.df_residual)')
ct("mtcars_gaussian__coeftest_vcovCL", "mtcars_gaussian",
   'coeftest(fit, vcov. = vcovCL, cluster = ~ cyl)',
   'rglm.coeftest(fit, vcov=rglm.vcovCL, cluster="cyl")')
ct("mtcars_gaussian__coeftest_function", "mtcars_gaussian",
   'coeftest(fit, vcov. = function(f) vcovHC(f, type = "HC0"))',
   'rglm.coeftest(fit, vcov=lambda f: rglm.vcovHC(f, type="HC0"))')
ct("infert_binomial__coeftest_vcovCL", "infert_binomial",
   'coeftest(fit, vcov. = vcovCL(fit, cluster = ~ stratum))',
   'rglm.coeftest(fit, vcov=rglm.vcovCL(fit, cluster="stratum"))')
ct("clotting_gamma__coeftest_HC4m", "clotting_gamma",
   'coeftest(fit, vcov. = vcovHC, type = "HC4m")',
   'rglm.coeftest(fit, vcov=rglm.vcovHC, type="HC4m")')
ct("quine_quasipoisson__coeftest_df", "quine_quasipoisson",
   'coeftest(fit, df = 100)', 'rglm.coeftest(fit, df=100)')
ct("quine_quasipoisson__coeftest_vcovHC", "quine_quasipoisson",
   'coeftest(fit, vcov. = vcovHC)', 'rglm.coeftest(fit, vcov=rglm.vcovHC)')
ct("insurance_poisson_offset__coeftest_vcovHC", "insurance_poisson_offset",
   'coeftest(fit, vcov. = vcovHC(fit, type = "HC0"))',
   'rglm.coeftest(fit, vcov=rglm.vcovHC(fit, type="HC0"))')
ct("mtcars_poisson_aliased__coeftest_default", "mtcars_poisson_aliased",
   'coeftest(fit)', 'rglm.coeftest(fit)')
ct("mtcars_poisson_aliased__coeftest_vcovHC", "mtcars_poisson_aliased",
   'coeftest(fit, vcov. = vcovHC)', 'rglm.coeftest(fit, vcov=rglm.vcovHC)')
ct("airquality_poisson_na_omit__coeftest_vcovCL", "airquality_poisson_na_omit",
   'coeftest(fit, vcov. = vcovCL(fit, cluster = airquality$Month))',
   'rglm.coeftest(fit, vcov=rglm.vcovCL(fit, cluster=airquality["Month"]))')
ct("mtcars_gaussian_zero_weights__coeftest_HC0", "mtcars_gaussian_zero_weights",
   'coeftest(fit, vcov. = vcovHC, type = "HC0")',
   'rglm.coeftest(fit, vcov=rglm.vcovHC, type="HC0")')

# bad input
err <- function(id, model, r, py) add(id, model, "error", r, py)
err("mtcars_gaussian__vcovCL_cluster_wrong_length", "mtcars_gaussian",
    'vcovCL(fit, cluster = 1:3)', 'rglm.vcovCL(fit, cluster=[1, 2, 3])')
err("airquality_poisson_na_omit__vcovCL_cluster_wrong_length", "airquality_poisson_na_omit",
    'vcovCL(fit, cluster = airquality$Month[1:100])',
    'rglm.vcovCL(fit, cluster=airquality["Month"].iloc[:100])')
err("mtcars_gaussian__vcovCL_cluster_na", "mtcars_gaussian",
    'vcovCL(fit, cluster = replace(mtcars$cyl, 3, NA))',
    'rglm.vcovCL(fit, cluster=mtcars["cyl"].mask(mtcars.index == mtcars.index[2]))')
err("mtcars_gaussian__vcovCL_bad_type", "mtcars_gaussian",
    'vcovCL(fit, cluster = ~ cyl, type = "HC4")', 'rglm.vcovCL(fit, cluster="cyl", type="HC4")')
err("mtcars_gaussian__vcovHC_bad_type", "mtcars_gaussian",
    'vcovHC(fit, type = "HC9")', 'rglm.vcovHC(fit, type="HC9")')

# ---- evaluation ---------------------------------------------------------------------

fits <- lapply(MODELS, function(m) {
  suppressWarnings(eval(parse(text = m$r)[[1]], envir = new.env(parent = data_env)))
})

case_record <- function(spec) {
  env <- new.env(parent = data_env)
  assign("fit", fits[[spec$model]], envir = env)
  out <- spec[c("id", "model", "kind", "r", "py", "tol", "tol_reason")]
  out$data <- I(sort(union(datasets_used(spec$r), datasets_used(MODELS[[spec$model]]$r))))
  if (spec$kind == "error") {
    out$error <- error_text(spec$r, env, spec$id)
    return(out)
  }
  res <- eval_collecting(spec$r, env)
  out$warnings <- I(res$warnings)
  m <- unclass(res$value)
  out$rownames <- I(rownames(m))
  out$colnames <- I(colnames(m))
  out$values <- json_rows(m)
  if (spec$kind == "coeftest") {
    out$method <- attr(res$value, "method")
    out$df <- json_num(attr(res$value, "df"))
    out$nobs <- attr(res$value, "nobs")
    out$print <- printed(print(res$value))
  }
  out
}

ids <- vapply(CASES, `[[`, "", "id")
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

model_record <- function(m) list(id = m$id, r = m$r, py = m$py, data = I(datasets_used(m$r)))

out <- list(
  r_version = R.version.string,
  packages = list(sandwich = as.character(packageVersion("sandwich")),
                  lmtest = as.character(packageVersion("lmtest"))),
  note = "Generated by tests/reference/make_sandwich.R.",
  models = unname(lapply(MODELS, model_record)),
  cases = lapply(CASES, case_record)
)
write_json_file(out, out_file)
cat("wrote", out_file, ":", length(MODELS), "models,", length(CASES), "cases\n")
