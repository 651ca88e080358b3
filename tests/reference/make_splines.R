# R reference for splines::bs() and splines::ns() in rglm: tests/reference/splines.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_splines.R
#
# Output: {"r_version", "note", "bases", "design", "fits", "bigglm_errors"}.
#
# bases: one bs()/ns() call each, `call` (R code with the predictor named x: rglm's
#   formula evaluator evaluates the same text) on `x` (the values; NA as null), with R's
#   `values` (rows), `colnames`, the attributes `degree`, `knots`, `boundary_knots`,
#   `intercept`, the `warnings` in order, or the `error`; then `predict` =
#   predict(<basis>, newx) (rows) on `newx` (values beyond the boundary knots, at them,
#   NA) and its `predict_warnings`: the call R's makepredictcall.bs/ns rewrites for new
#   data is the same bs()/ns() call with knots, Boundary.knots (degree) and intercept.
#   `conversions` lists what was converted to R >= 4.3 (below).
# design: splineDesign(knots, x, ord, derivs) -> `values` (rows): the B-splines and
#   their derivatives under both.
# fits: whole glm() fits with spline terms (`r`, its rglm translation `py`, `data`):
#   coefficients (null = aliased) and names, standard errors, deviance, null deviance,
#   aic, df, print(fit), print(summary(fit)) (R >= 4.3 layout, see common.R's
#   summary_to_r43; R 4.2's raw text as summary_print_r42), and predict() on
#   `newdata_r` / `newdata_py` (link and response scale, names, warnings). A fit with
#   `bigglm_py` has its knots and boundary knots given, so rglm.bigglm() can fit it
#   block by block; glm() is its oracle (see make_bigglm.R).
# bigglm_errors: bigglm() calls rglm refuses, naming the term (knots from the whole
#   column); rglm's own message, no R text (biglm would use each block's quantiles).
#
# Target: current R. R here is 4.2.2; splines changed in R 4.3.0 (r84203, PR#18442):
#   * automatic knots (from df) that coincide with a boundary knot -- heavily tied x --
#     are moved inside by 1/8 of the gap to the neighbouring knot, with the warning
#     "shoving 'interior' knots matching boundary knots to inside"; when all of them
#     sit on one boundary knot bs() warns "all interior knots match left/right boundary
#     knot" (and keeps them) and ns() stops with that message. R 4.2 keeps them (a
#     rank-deficient bs(), an error from qr() in ns()). -> shove_r43();
#   * bs() has the argument warn.outside = TRUE (FALSE: no warning for values beyond
#     the boundary knots). -> the call runs without it and the warning is dropped;
#   * given knots must be finite ("non-finite knots"). -> checked here first;
#   * quantile(..., names = FALSE): the knots attribute has no names (unname() here).
# Each conversion is applied only when R is older than 4.3.0, so the script gives the
# same file on current R.

suppressPackageStartupMessages({
  library(jsonlite)
  library(splines)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "splines.json")
OLD_R <- getRversion() < "4.3.0"

`%||%` <- function(a, b) if (is.null(a)) b else a  # base R has it only from 4.4

# ---- R 4.2 -> R >= 4.3 --------------------------------------------------------------

# The interior knots bs()/ns() place for `df`: quantiles of the non-NA x inside the
# boundary knots (`fixed`: the columns a basis without interior knots has).
auto_knots <- function(x, df, fixed, boundary) {
  x <- x[!is.na(x)]
  if (!is.null(boundary)) x <- x[x >= min(boundary) & x <= max(boundary)]
  n <- df - fixed
  if (n <= 0) return(numeric())
  unname(quantile(x, seq.int(0, 1, length.out = n + 2)[-c(1, n + 2)]))
}

# R >= 4.3.0's handling of automatic knots on a boundary knot (NEWS of R 4.3.0, see the
# header): list(knots, warnings, error).
shove_r43 <- function(knots, boundary, is_ns) {
  boundary <- sort(boundary)
  ends <- range(knots) %in% boundary
  out <- list(knots = knots, warnings = character(), error = NULL)
  if (!any(ends)) return(out)
  for (side in 1:2) {
    if (!ends[side]) next
    on <- knots == boundary[side]
    if (all(on)) {
      msg <- sprintf("all interior knots match %s boundary knot", c("left", "right")[side])
      if (is_ns) return(list(knots = knots, warnings = character(), error = msg))
      out$warnings <- c(out$warnings, msg)
      next
    }
    knots[on] <- if (side == 1) {
      knots[on] + (min(knots[knots > boundary[1]]) - boundary[1]) / 8
    } else {
      knots[on] - (boundary[2] - max(knots[knots < boundary[2]])) / 8
    }
  }
  if (!length(out$warnings)) {
    out$warnings <- "shoving 'interior' knots matching boundary knots to inside"
  }
  out$knots <- knots
  out
}

# bs()/ns() with `args` (a named list) on x, as R >= 4.3 computes it: collecting()'s
# value/warnings/error, plus `conversions`.
spline_r43 <- function(fun, x, args) {
  conversions <- character()
  warn_outside <- args$warn.outside %||% TRUE
  pre <- character()
  if (OLD_R) {
    if ("warn.outside" %in% names(args)) {
      args$warn.outside <- NULL
      conversions <- c(conversions, "warn.outside")
    }
    if (!is.null(args$knots) && !all(is.finite(args$knots))) {
      return(list(value = NULL, warnings = character(), error = "non-finite knots",
                  conversions = c(conversions, "non-finite knots")))
    }
    if (!is.null(args$df) && is.null(args$knots)) {
      is_ns <- identical(fun, "ns")
      intercept <- as.integer(isTRUE(args$intercept))
      fixed <- if (is_ns) 1L + intercept else as.integer(args$degree %||% 3) + intercept
      boundary <- args$Boundary.knots %||% range(x, na.rm = TRUE)
      knots <- auto_knots(x, args$df, fixed, args$Boundary.knots)
      if (length(knots) && any(range(knots) %in% boundary)) {
        shoved <- shove_r43(knots, boundary, is_ns)
        conversions <- c(conversions, "shoved knots")
        if (!is.null(shoved$error)) {
          return(list(value = NULL, warnings = character(), error = shoved$error,
                      conversions = conversions))
        }
        pre <- shoved$warnings
        args$knots <- shoved$knots
        args$Boundary.knots <- boundary
      }
    }
  }
  run <- collecting(do.call(fun, c(list(x), args)), catch_error = TRUE)
  outside <- "some 'x' values beyond boundary knots may cause ill-conditioned bases"
  if (!warn_outside) run$warnings <- setdiff(run$warnings, outside)
  run$warnings <- c(pre, run$warnings)
  run$conversions <- conversions
  run
}

# ---- inputs -------------------------------------------------------------------------

set.seed(20240611)
X <- list(
  smooth = round(runif(40, 2, 18), 3),
  # duplicated values and NA
  tied_na = c(5, 3, NA, 8, 8, 8, 1, 12, 3, 3, NA, 7.5, 10, 10, 2, 6, 6, 9, 11, 4),
  # mostly zeros: automatic knots fall on the left boundary knot
  left_ties = c(rep(0, 30), 1:10, 10, 10, 10),
  # mostly at the maximum: knots on the right boundary knot
  right_ties = c(1:10, rep(20, 30)),
  # all automatic knots at the minimum
  left_all = c(rep(0, 40), 1:5),
  ages = c(14, 15, 16, 16, 17, 18, 18, 18, 19, 19, 20, 20, 21, 22, 22, 23, 23, 23, 24,
           25, 25, 26, 28, 29, 30, 31, 32, 33, 35, 36, 45),
  single = 3.5
)

basis <- function(id, fun, x, args = list(), call) {
  list(id = id, fun = fun, x = x, args = args, call = call)
}

BASES <- list(
  basis("bs_default", "bs", "smooth", list(), "bs(x)"),
  basis("bs_df5", "bs", "smooth", list(df = 5), "bs(x, df = 5)"),
  basis("bs_df12", "bs", "smooth", list(df = 12), "bs(x, df = 12)"),
  basis("bs_df_too_small", "bs", "smooth", list(df = 2), "bs(x, df = 2)"),
  basis("bs_intercept", "bs", "smooth", list(df = 6, intercept = TRUE),
        "bs(x, df = 6, intercept = TRUE)"),
  basis("bs_degree1", "bs", "smooth", list(degree = 1, df = 4), "bs(x, degree = 1, df = 4)"),
  basis("bs_degree2_knots", "bs", "smooth", list(degree = 2, knots = c(8, 11)),
        "bs(x, degree = 2, knots = c(8, 11))"),
  basis("bs_degree5", "bs", "smooth", list(degree = 5, df = 8), "bs(x, degree = 5, df = 8)"),
  basis("bs_repeated_knot", "bs", "smooth", list(knots = c(9, 9, 12)),
        "bs(x, knots = c(9, 9, 12))"),
  basis("bs_boundary_inside", "bs", "smooth", list(df = 5, Boundary.knots = c(6, 14)),
        "bs(x, df = 5, Boundary.knots = c(6, 14))"),
  basis("bs_warn_outside_false", "bs", "smooth",
        list(df = 5, Boundary.knots = c(6, 14), warn.outside = FALSE),
        "bs(x, df = 5, Boundary.knots = c(6, 14), warn.outside = FALSE)"),
  basis("bs_tied_na", "bs", "tied_na", list(df = 4), "bs(x, df = 4)"),
  basis("bs_positional_df", "bs", "tied_na", list(4), "bs(x, 4)"),
  basis("bs_right_ties", "bs", "right_ties", list(df = 6), "bs(x, df = 6)"),
  basis("bs_left_all", "bs", "left_all", list(df = 5), "bs(x, df = 5)"),
  basis("bs_wide_boundary", "bs", "ages",
        list(knots = 25, Boundary.knots = c(10, 50), degree = 2, intercept = TRUE),
        "bs(x, knots = 25, Boundary.knots = c(10, 50), degree = 2, intercept = TRUE)"),
  basis("bs_integer_ages", "bs", "ages", list(df = 7), "bs(x, df = 7)"),
  basis("bs_nonfinite_knots", "bs", "smooth", list(knots = c(5, NA)),
        "bs(x, knots = c(5, NA))"),
  basis("bs_degree0", "bs", "smooth", list(degree = 0), "bs(x, degree = 0)"),
  basis("ns_default", "ns", "smooth", list(), "ns(x)"),
  basis("ns_df3", "ns", "smooth", list(df = 3), "ns(x, df = 3)"),
  basis("ns_df9", "ns", "smooth", list(df = 9), "ns(x, df = 9)"),
  basis("ns_df_too_small", "ns", "smooth", list(df = 0), "ns(x, df = 0)"),
  basis("ns_intercept", "ns", "smooth", list(df = 4, intercept = TRUE),
        "ns(x, df = 4, intercept = TRUE)"),
  basis("ns_knots", "ns", "smooth", list(knots = c(8, 11)), "ns(x, knots = c(8, 11))"),
  basis("ns_boundary_inside", "ns", "smooth",
        list(knots = c(8, 11), Boundary.knots = c(6, 14)),
        "ns(x, knots = c(8, 11), Boundary.knots = c(6, 14))"),
  basis("ns_tied_na", "ns", "tied_na", list(df = 3), "ns(x, df = 3)"),
  basis("ns_left_ties", "ns", "left_ties", list(df = 4), "ns(x, df = 4)"),
  basis("ns_left_all", "ns", "left_all", list(df = 3), "ns(x, df = 3)"),
  basis("ns_positional", "ns", "ages", list(3, intercept = TRUE), "ns(x, 3, intercept = TRUE)"),
  basis("ns_integer_ages", "ns", "ages", list(df = 5), "ns(x, df = 5)"),
  basis("ns_single_value", "ns", "single", list(), "ns(x)"),
  basis("ns_nonfinite_knots", "ns", "smooth", list(knots = c(5, Inf)),
        "ns(x, knots = c(5, Inf))")
)

# New values: beyond each boundary knot, at them, inside, NA.
new_x <- function(x, boundary) {
  lo <- boundary[1]
  hi <- boundary[2]
  c(lo - 2, lo, (lo + hi) / 2, hi, hi + 3, NA, lo + (hi - lo) / 7)
}

rows_of <- function(m) json_rows(unclass(m)[, , drop = FALSE])

run_basis <- function(case) {
  x <- X[[case$x]]
  run <- spline_r43(case$fun, x, case$args)
  out <- list(id = case$id, fun = case$fun, call = case$call, x = json_nums(x),
              warnings = I(run$warnings), conversions = I(run$conversions))
  if (!is.null(run$error)) return(c(out, list(error = run$error)))
  b <- run$value
  a <- attributes(b)
  newx <- new_x(x, a$Boundary.knots)
  pred <- collecting(predict(b, newx))
  c(out, list(
    values = rows_of(b), colnames = I(colnames(b)),
    degree = a$degree, knots = json_nums(unname(a$knots)),
    boundary_knots = json_nums(unname(a$Boundary.knots)), intercept = a$intercept,
    newx = json_nums(newx), predict = rows_of(pred$value),
    predict_warnings = I(pred$warnings)))
}

# ---- splineDesign ---------------------------------------------------------------------

DESIGN <- list(
  list(id = "cubic_values", knots = c(0, 0, 0, 0, 2, 3.5, 7, 7, 7, 7),
       x = c(0, 0.5, 2, 2.7, 3.5, 6.9, 7), ord = 4, derivs = 0),
  list(id = "cubic_first", knots = c(0, 0, 0, 0, 2, 3.5, 7, 7, 7, 7),
       x = c(0, 0.5, 2, 2.7, 3.5, 6.9, 7), ord = 4, derivs = 1),
  list(id = "cubic_second", knots = c(0, 0, 0, 0, 2, 3.5, 7, 7, 7, 7),
       x = c(0, 0.5, 2, 2.7, 3.5, 6.9, 7), ord = 4, derivs = 2),
  list(id = "cubic_third", knots = c(0, 0, 0, 0, 2, 3.5, 7, 7, 7, 7),
       x = c(0, 0.5, 2, 2.7, 3.5, 6.9, 7), ord = 4, derivs = 3),
  list(id = "cubic_mixed", knots = c(0, 0, 0, 0, 2, 3.5, 7, 7, 7, 7),
       x = c(0, 0.5, 2, 2.7, 3.5, 6.9, 7), ord = 4, derivs = c(0, 1, 2)),
  list(id = "repeated_interior", knots = c(1, 1, 1, 1, 4, 4, 6, 9, 9, 9, 9),
       x = c(1, 2, 4, 5, 6, 8.5, 9), ord = 4, derivs = c(0, 1, 2, 0, 1, 2, 1)),
  list(id = "linear", knots = c(0, 0, 1, 2, 5, 5), x = c(0, 0.25, 1, 3, 5), ord = 2,
       derivs = 0),
  list(id = "quintic", knots = c(rep(-1, 6), 0, 0.3, rep(2, 6)),
       x = c(-1, -0.5, 0, 0.3, 1, 2), ord = 6, derivs = c(0, 2, 4))
)

run_design <- function(case) {
  values <- splineDesign(case$knots, case$x, case$ord, case$derivs)
  list(id = case$id, knots = json_nums(case$knots), x = json_nums(case$x), ord = case$ord,
       derivs = I(as.integer(case$derivs)), values = json_rows(values))
}

# ---- glm fits -----------------------------------------------------------------------

fit_case <- function(id, r, py, newdata_r, newdata_py, bigglm_py = NULL) {
  list(id = id, r = r, py = py, newdata_r = newdata_r, newdata_py = newdata_py,
       bigglm_py = bigglm_py)
}

FITS <- list(
  fit_case("birthwt_ns",
           'glm(low ~ ns(age, df = 3) + lwt, family = binomial, data = birthwt)',
           'rglm.glm("low ~ ns(age, df = 3) + lwt", family=rglm.binomial, data=birthwt)',
           'data.frame(age = c(10, 14, 25, 45, 50, NA), lwt = c(100, 120, 130, 140, 150, 160))',
           'pd.DataFrame({"age": [10.0, 14.0, 25.0, 45.0, 50.0, np.nan], "lwt": [100.0, 120.0, 130.0, 140.0, 150.0, 160.0]})'),
  fit_case("birthwt_bs_smoke",
           'glm(low ~ bs(age, df = 5) + smoke, family = binomial, data = birthwt)',
           'rglm.glm("low ~ bs(age, df = 5) + smoke", family=rglm.binomial, data=birthwt)',
           'data.frame(age = c(12, 20, 30, 44, 47), smoke = c(0, 1, 0, 1, 1))',
           'pd.DataFrame({"age": [12.0, 20.0, 30.0, 44.0, 47.0], "smoke": [0, 1, 0, 1, 1]})'),
  fit_case("birthwt_ns_interaction",
           'glm(low ~ ns(lwt, df = 2) * smoke, family = binomial, data = birthwt)',
           'rglm.glm("low ~ ns(lwt, df = 2) * smoke", family=rglm.binomial, data=birthwt)',
           'data.frame(lwt = c(90, 130, 260), smoke = c(1, 0, 1))',
           'pd.DataFrame({"lwt": [90.0, 130.0, 260.0], "smoke": [1, 0, 1]})'),
  fit_case("birthwt_subset_positional",
           'glm(low ~ ns(age, 3), family = binomial, data = birthwt, subset = age > 16)',
           'rglm.glm("low ~ ns(age, 3)", family=rglm.binomial, data=birthwt, subset="age > 16")',
           'data.frame(age = c(15, 21, 33))',
           'pd.DataFrame({"age": [15.0, 21.0, 33.0]})'),
  fit_case("airquality_gamma_na_exclude",
           'glm(Ozone ~ ns(Temp, knots = c(70, 80)) + bs(Wind, degree = 2, df = 4), family = Gamma(link = "log"), data = airquality, na.action = na.exclude)',
           'rglm.glm("Ozone ~ ns(Temp, knots = c(70, 80)) + bs(Wind, degree = 2, df = 4)", family=rglm.Gamma(link="log"), data=airquality, na_action="na.exclude")',
           'data.frame(Temp = c(50, 75, 100, NA), Wind = c(1, 10, 25, 8))',
           'pd.DataFrame({"Temp": [50.0, 75.0, 100.0, np.nan], "Wind": [1.0, 10.0, 25.0, 8.0]})'),
  fit_case("mtcars_aliased_intercept",
           'glm(mpg ~ bs(hp, knots = c(100, 200), degree = 1) + ns(wt, df = 2, intercept = TRUE), data = mtcars)',
           'rglm.glm("mpg ~ bs(hp, knots = c(100, 200), degree = 1) + ns(wt, df = 2, intercept = TRUE)", data=mtcars)',
           # no new data: R 4.2's predict() from a rank-deficient fit always warns, R >=
           # 4.3's only for rows not estimable (make_predict.R converts that; not repeated)
           NULL, NULL),
  fit_case("grouseticks_poisson",
           'glm(TICKS ~ ns(HEIGHT, df = 4) + YEAR, family = poisson, data = grouseticks)',
           'rglm.glm("TICKS ~ ns(HEIGHT, df = 4) + YEAR", family=rglm.poisson, data=grouseticks)',
           'data.frame(HEIGHT = c(400, 500, 560), YEAR = c("95", "96", "97"))',
           'pd.DataFrame({"HEIGHT": [400.0, 500.0, 560.0], "YEAR": ["95", "96", "97"]})'),
  fit_case("birthwt_namespaced",
           'glm(low ~ splines::bs(age, knots = c(20, 30), Boundary.knots = c(14, 45)) + lwt, family = binomial, data = birthwt)',
           'rglm.glm("low ~ splines::bs(age, knots = c(20, 30), Boundary.knots = c(14, 45)) + lwt", family=rglm.binomial, data=birthwt)',
           'data.frame(age = c(13, 30, 46), lwt = c(110, 120, 130))',
           'pd.DataFrame({"age": [13.0, 30.0, 46.0], "lwt": [110.0, 120.0, 130.0]})'),
  fit_case("birthwt_fixed_knots",
           'glm(low ~ ns(age, knots = c(20, 25), Boundary.knots = c(14, 45)) + bs(lwt, knots = 120, Boundary.knots = c(80, 250)), family = binomial, data = birthwt)',
           'rglm.glm("low ~ ns(age, knots = c(20, 25), Boundary.knots = c(14, 45)) + bs(lwt, knots = 120, Boundary.knots = c(80, 250))", family=rglm.binomial, data=birthwt)',
           'data.frame(age = c(16, 30, 50), lwt = c(85, 150, 300))',
           'pd.DataFrame({"age": [16.0, 30.0, 50.0], "lwt": [85.0, 150.0, 300.0]})',
           bigglm_py = 'rglm.bigglm("low ~ ns(age, knots = c(20, 25), Boundary.knots = c(14, 45)) + bs(lwt, knots = 120, Boundary.knots = c(80, 250))", data=birthwt, family=rglm.binomial(), chunksize=50)')
)

BIGGLM_ERRORS <- list(
  list(id = "quantile_knots", data = "birthwt", term = "ns(age, df = 3)",
       py = 'rglm.bigglm("low ~ ns(age, df = 3) + lwt", data=birthwt, family=rglm.binomial(), chunksize=50)'),
  list(id = "boundary_from_data", data = "birthwt", term = "bs(age, knots = c(20, 30))",
       py = 'rglm.bigglm("low ~ bs(age, knots = c(20, 30))", data=birthwt, family=rglm.binomial(), chunksize=50)')
)

data_env <- rglm_data_env(c("birthwt", "airquality", "mtcars", "grouseticks"))

run_fit <- function(case) {
  run <- eval_collecting(case$r, data_env)
  fit <- run$value
  if (length(run$warnings)) stop(case$id, ": the fit warned: ", run$warnings)
  coefs <- coef(fit)
  s <- summary(fit)
  summary_lines <- capture.output(print(s))
  predicted <- if (!is.null(case$newdata_r)) {
    newdata <- eval(parse(text = case$newdata_r)[[1]], envir = data_env)
    link <- collecting(predict(fit, newdata))
    response <- collecting(predict(fit, newdata, type = "response"))
    list(predict_names = I(names(link$value)),
         predict_link = json_nums(unname(link$value)),
         predict_response = json_nums(unname(response$value)),
         predict_warnings = I(link$warnings))
  }
  c(list(id = case$id, r = case$r, py = case$py, data = I(datasets_used(case$r)),
       bigglm_py = case$bigglm_py, tol = 1e-8,
       coef_names = I(names(coefs)), coefficients = json_nums(unname(coefs)),
       se = json_nums(unname(sqrt(diag(vcov(fit, complete = TRUE))))),
       deviance = json_num(deviance(fit)), null_deviance = json_num(fit$null.deviance),
       aic = json_num(fit$aic), df_residual = fit$df.residual, rank = fit$rank,
       iter = fit$iter,
       print = printed(print(fit)),
       summary_print = text_of(summary_to_r43(summary_lines)),
       summary_print_r42 = text_of(summary_lines),
       newdata_r = case$newdata_r, newdata_py = case$newdata_py), predicted)
}

# ---- write --------------------------------------------------------------------------

result <- list(
  r_version = R.version.string,
  splines_version = as.character(packageVersion("splines")),
  note = paste(
    "Target: current R (>= 4.3). Converted from R 4.2 where splines changed in 4.3.0:",
    "automatic knots on a boundary knot moved inside (shoved knots), bs()'s",
    "warn.outside, the non-finite knots check; see make_splines.R's header."),
  bases = lapply(BASES, run_basis),
  design = lapply(DESIGN, run_design),
  fits = lapply(FITS, run_fit),
  bigglm_errors = BIGGLM_ERRORS
)
write_json_file(result, out_file)
cat("wrote", out_file, "\n")
