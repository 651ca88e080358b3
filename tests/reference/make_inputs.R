# R reference for inputs a real data set brings (issue #7 section 4):
# tests/reference/inputs.json, read by tests/models/glm/test_inputs.py.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_inputs.R
# Needs jsonlite, MASS and sandwich.
#
# Output: {"r_version", "one_sided", "long_formula", "deep_formula", "big_factor",
#          "duplicated_labels"}.
#
# one_sided: a formula without a response.  R's glm() has no check for it: the response
#   is NULL, glm.fit() warns "no observations informative at iteration 1" and "algorithm
#   did not converge", then fails with "object 'fit' not found" (binomial: its
#   initialize fails first; MASS's glm.nb: "NAs in V(mu)").  rglm refuses the formula
#   before fitting, in the words R's own check for the same mistake uses
#   (stats:::ftable.formula).  Fields: `wording_r` and `error` (the R call whose error
#   is rglm's text, and that text), `cases` (each: id, r, py, data, and what R's fitter
#   does: `r_error`, `r_warnings`).
#
# long_formula: y ~ x1 + ... + x500, a formula 500 calls deep.  The data are integers
#   built by a recipe that Python repeats exactly (no file: 300,000 numbers); `checks`
#   holds R's column sums, to prove both sides built the same data.  Fields: n, k,
#   modulus, checks {x_sums, y}, r, coefficients, se, call_deparse (deparse(fit$call),
#   R's line breaking), formula_deparse (deparse(formula(fit))), print (print(fit)),
#   summary_print (R >= 4.3 layout, see common.R), update_formula (deparse of
#   formula(update(fit, . ~ . - x1))), update_coefficients; inside_r and
#   inside_coefficients: y ~ I(x1 + ... + x500), a 500-deep expression evaluated.
#
# deep_formula: y ~ x1 + ... + x2000, the formula layer only: R's deparse (`deparse`),
#   the number of term labels, and deparse(update(f, . ~ . - x1 - x2000 + z)); R's
#   parser's nesting limit: y ~ ((...(x)...)) with 50 parentheses (`nested_ok`, its term
#   labels) and with 51 (`nested_too_deep`, R's error `nested_error`).
#
# big_factor: a factor of 1e5 levels over 1e6 rows (f = L1..L100000 repeated, y = 0, 1,
#   3 repeated).  R's glm fails building the 1e5 x 1e5 treatment contrasts (`r_error`);
#   rglm builds no such matrix and refuses the 1e6 x 1e5 model matrix before allocating
#   it, with R's message for a matrix of that size (`error`, from `matrix_r`).  Fields:
#   n, k, r, py, r_error, matrix_r, error.
#
# duplicated_labels: clustered and HC covariances of fits whose rows are not all kept
#   (NAs, subset, na.exclude).  R's data frames have unique row names: R fits the data
#   with its own; the Python side gives the same data duplicated row labels (`setup`),
#   which must not change any number.  Fields: models (id, r, py), cases (id, model, r,
#   py, rownames, values (rows)).
#
# Numbers at full double precision (json_nums() in common.R); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(sandwich)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "inputs.json")
data_env <- rglm_data_env()

# ---- one-sided formula ----------------------------------------------------------------

wording_r <- 'ftable(~ outcome, data = dobson)'
one_sided_case <- function(id, r, py) {
  got <- eval_collecting(r, new.env(parent = data_env), catch_error = TRUE)
  if (is.null(got$error)) stop(id, ": R did not fail")
  list(id = id, r = r, py = py, data = I(datasets_used(r)),
       r_error = got$error, r_warnings = I(got$warnings))
}
one_sided <- list(
  wording_r = wording_r,
  error = error_text(wording_r, new.env(parent = data_env), "one_sided wording"),
  cases = list(
    one_sided_case("gaussian", 'glm(~ outcome, data = dobson)',
                   'rglm.glm("~ outcome", data=dobson)'),
    one_sided_case("poisson", 'glm(~ outcome + treatment, family = poisson, data = dobson)',
                   'rglm.glm("~ outcome + treatment", family=rglm.poisson, data=dobson)'),
    one_sided_case("binomial", 'glm(~ outcome, family = binomial, data = dobson)',
                   'rglm.glm("~ outcome", family=rglm.binomial, data=dobson)'),
    one_sided_case("intercept_only", 'glm(~ 1, family = poisson, data = dobson)',
                   'rglm.glm("~ 1", family=rglm.poisson, data=dobson)'),
    one_sided_case("glm_nb", 'glm.nb(~ outcome, data = dobson)',
                   'rglm.glm_nb("~ outcome", data=dobson)')
  )
)

# ---- a 500-term formula ---------------------------------------------------------------

# x_j[i] = (i^2 j + 3 i j^2 + 7 i + j) mod 1009 - 504, y[i] = (37 i^2 + 11 i) mod 101:
# integers, exact in doubles on both sides (the largest intermediate is below 2^31).
N <- 600
K <- 500
MOD <- 1009
i <- seq_len(N)
wide <- as.data.frame(lapply(seq_len(K), function(j) (i^2 * j + 3 * i * j^2 + 7 * i + j) %% MOD - 504))
names(wide) <- paste0("x", seq_len(K))
wide$y <- (37 * i^2 + 11 * i) %% 101
long_r <- paste0("glm(y ~ ", paste(names(wide)[seq_len(K)], collapse = " + "), ", data = wide)")
env <- new.env(parent = data_env)
assign("wide", wide, envir = env)
fit <- eval(str2lang(long_r), env)
if (any(is.na(coef(fit)))) stop("long_formula: the design is not of full rank")
upd <- update(fit, . ~ . - x1)
inside_r <- paste0("glm(y ~ I(", paste(names(wide)[seq_len(K)], collapse = " + "),
                   "), data = wide)")
inside <- eval(str2lang(inside_r), env)
long_formula <- list(
  n = N, k = K, modulus = MOD,
  checks = list(x_sums = json_nums(colSums(wide[seq_len(K)])), y = json_nums(wide$y)),
  r = long_r,
  coefficients = json_nums(coef(fit)),
  se = json_nums(sqrt(diag(vcov(fit)))),
  call_deparse = I(deparse(fit$call)),
  formula_deparse = I(deparse(formula(fit))),
  print = printed(print(fit)),
  summary_print = text_of(summary_to_r43(capture.output(print(summary(fit))))),
  update_formula = I(deparse(formula(upd))),
  update_coefficients = json_nums(coef(upd)),
  inside_r = inside_r,
  inside_coefficients = json_nums(coef(inside))
)

# y ~ x1 + ... + x2000 without data: the formula layer alone (terms, update, deparse).
K2 <- 2000
deep <- as.formula(paste("y ~", paste0("x", seq_len(K2), collapse = " + ")))
nested <- function(k) paste0("y ~ ", strrep("(", k), "x", strrep(")", k))
deep_formula <- list(
  k = K2,
  deparse = I(deparse(deep)),
  term_labels = length(attr(terms(deep), "term.labels")),
  update_deparse = I(deparse(update(deep, . ~ . - x1 - x2000 + z))),
  # R's parser allows 50 open brackets
  nested_ok = nested(50),
  nested_ok_labels = I(attr(terms(as.formula(nested(50))), "term.labels")),
  nested_too_deep = nested(51),
  nested_error = tryCatch({str2lang(nested(51)); stop("R parsed it")},
                          error = conditionMessage)
)

# ---- a factor of 1e5 levels -----------------------------------------------------------------

# f = L1, L2, ..., L100000, L1, ... over 1e6 rows: R's glm fails making contr.treatment's
# 1e5 x 1e5 matrix; rglm codes the factor without it and refuses the 1e6 x 1e5 model
# matrix, in the words R uses for a matrix of that size.
NF <- 1e6
KF <- 1e5
big_f <- factor(rep_len(seq_len(KF), NF), labels = paste0("L", seq_len(KF)))
big_env <- new.env(parent = data_env)
assign("big", data.frame(f = big_f, y = rep_len(c(0, 1, 3), NF)), envir = big_env)
big_factor <- list(
  n = NF, k = KF,
  r = 'glm(y ~ f, data = big)',
  py = 'rglm.glm("y ~ f", data=big)',
  r_error = error_text('glm(y ~ f, data = big)', big_env, "big_factor"),
  matrix_r = sprintf("matrix(0, %d, %d)", NF, KF),
  error = error_text(sprintf("matrix(0, %d, %d)", NF, KF), big_env, "big_factor matrix")
)
rm(big_env, big_f)

# ---- duplicated row labels --------------------------------------------------------------

dup_models <- list(
  list(id = "airquality_poisson",
       r = 'glm(Ozone ~ Solar.R + Wind + Temp, family = poisson, data = airquality)',
       py = 'rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=aq)'),
  list(id = "airquality_poisson_exclude_subset",
       r = paste('glm(Ozone ~ Solar.R + Wind + Temp, family = poisson, data = airquality,',
                 'subset = Day != 5, na.action = na.exclude)'),
       py = paste('rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=aq,',
                  'subset="Day != 5", na_action="na.exclude")')),
  list(id = "airquality_gaussian_weights",
       r = 'glm(Ozone ~ Wind + Temp, data = airquality, weights = Day)',
       py = 'rglm.glm("Ozone ~ Wind + Temp", data=aq, weights="Day")')
)
dup_calls <- list(
  list(id = "vcovCL_HC0", r = 'vcovCL(fit, cluster = ~ Month)',
       py = 'rglm.vcovCL(fit, cluster="Month")'),
  list(id = "vcovCL_HC1", r = 'vcovCL(fit, cluster = ~ Month, type = "HC1")',
       py = 'rglm.vcovCL(fit, cluster="~ Month", type="HC1")'),
  list(id = "vcovCL_HC2", r = 'vcovCL(fit, cluster = ~ Month, type = "HC2")',
       py = 'rglm.vcovCL(fit, cluster="Month", type="HC2")'),
  list(id = "vcovCL_HC3", r = 'vcovCL(fit, cluster = ~ Month, type = "HC3")',
       py = 'rglm.vcovCL(fit, cluster="Month", type="HC3")'),
  list(id = "vcovCL_two_way", r = 'vcovCL(fit, cluster = ~ Month + Day)',
       py = 'rglm.vcovCL(fit, cluster="~ Month + Day")'),
  list(id = "vcovHC_HC3", r = 'vcovHC(fit, type = "HC3")',
       py = 'rglm.vcovHC(fit, type="HC3")'),
  list(id = "vcovHC_HC4m", r = 'vcovHC(fit, type = "HC4m")',
       py = 'rglm.vcovHC(fit, type="HC4m")')
)
dup_cases <- list()
for (m in dup_models) {
  env <- new.env(parent = data_env)
  fit <- eval(str2lang(m$r), env)
  assign("fit", fit, envir = env)
  for (cl in dup_calls) {
    v <- eval(str2lang(cl$r), env)
    dup_cases[[length(dup_cases) + 1]] <- list(
      id = paste0(m$id, "__", cl$id), model = m$id, r = cl$r, py = cl$py,
      rownames = I(rownames(v)), values = json_rows(v))
  }
}
duplicated_labels <- list(
  setup = 'aq = airquality.set_axis([f"m{m}" for m in airquality["Month"]])',
  models = dup_models, cases = dup_cases)

write_json_file(list(r_version = R.version.string, one_sided = one_sided,
                     long_formula = long_formula, deep_formula = deep_formula,
                     big_factor = big_factor,
                     duplicated_labels = duplicated_labels),
                out_file)
cat("wrote", out_file, "\n")
