## Reference values for rglm.formula's evaluator, R functions, contrasts and poly/scale.
## Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_eval.R
## Writes tests/reference/eval.json (read by tests/formula/test_{evaluate,rfunctions,
## contrasts,poly}.py).
library(jsonlite)
source(file.path("tests", "reference", "common.R"))
options(warn = 1, useFancyQuotes = TRUE)
## rglm sorts character levels by code point (R in the C locale). R built with ICU sorts
## by ICU collation even in C.UTF-8 ("a" "A" "b" "B"), so collation is set explicitly.
invisible(Sys.setlocale("LC_COLLATE", "C"))

d <- data.frame(
  x  = c(1.5, 2, NA, 4, 0.5, -1, 3, 10),
  k  = c(1L, 2L, 2L, 3L, 3L, 1L, 4L, 2L),
  s  = c("b", "a", "B", "A", "b", NA, "_x", "a"),
  lg = c(TRUE, FALSE, NA, TRUE, TRUE, FALSE, FALSE, TRUE),
  z  = c(0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2.1, 3.4),
  f  = factor(c("lo", "hi", "mid", "lo", "hi", "mid", "lo", "hi")),
  o  = factor(c("L", "M", "H", "M", "L", "H", "H", "M"), levels = c("L", "M", "H"),
              ordered = TRUE),
  stringsAsFactors = FALSE)

describe <- function(v) {
  out <- list()
  if (is.factor(v)) {
    out$type <- "factor"
    out$levels <- levels(v)
    out$codes <- as.integer(v)
    out$ordered <- is.ordered(v)
    ctr <- attr(v, "contrasts")
    if (!is.null(ctr)) {
      out$contrasts <- if (is.character(ctr)) list(name = ctr) else
        list(matrix = unname(ctr), colnames = colnames(ctr))
    }
  } else if (is.matrix(v)) {
    out$type <- "matrix"
    out$values <- unname(unclass(v)[, , drop = FALSE])
    attributes(out$values) <- list(dim = dim(v))
    out$colnames <- colnames(v)
    cf <- attr(v, "coefs")
    if (!is.null(cf)) out$coefs <- cf
    if (!is.null(attr(v, "scaled:center"))) out$center <- unname(attr(v, "scaled:center"))
    if (!is.null(attr(v, "scaled:scale"))) out$scale <- unname(attr(v, "scaled:scale"))
  } else {
    out$type <- if (is.logical(v)) "logical" else if (is.character(v)) "character" else
      if (is.integer(v)) "integer" else "double"
    out$values <- unname(as.vector(v))
  }
  out
}

run <- function(expr) {
  res <- collecting(describe(eval(parse(text = expr)[[1]], d, globalenv())),
                    catch_error = TRUE)
  c(list(expr = expr),
    if (is.null(res$error)) list(value = res$value) else list(error = res$error),
    list(warnings = res$warnings))
}

exprs <- c(
  # arithmetic and recycling
  "x^2", "x^0.5", "-x", "+x", "x %% 3", "x %/% 3", "-7 %% 3", "-7 %/% 3", "k %% 2L",
  "k + 1L", "k / 2", "k * 2L", "x + z", "x * 2 + 1", "x + c(1, 2)", "x + c(1, 2, 3)",
  "2^10", "TRUE + TRUE", "Inf - Inf", "lg + 1",
  # comparisons and logic
  "x > 2", "x >= z", "x == 4", "s == 'a'", "s < 'b'", "s != 'a'", "f == 'lo'",
  "o > 'L'", "o <= 'M'", "f < 'lo'", "k == 2L", "x > 2 & lg", "x > 2 | lg", "!lg", "!x",
  "NA > 1", "NA & FALSE", "NA | TRUE",
  # %in% and :
  "s %in% c('a', 'b')", "x %in% c(4, NA)", "k %in% 2:3", "f %in% 'lo'", "1:4", "2:-1",
  "1.5:4", "f:o",
  # identity and parentheses
  "I(x^2)", "(x + 1)", "I(1/z)", "offset(log(z))",
  # mathematical functions
  "log(x)", "log(x, 2)", "log(x, base = 10)", "log(z, 3)", "log(z, b = 2)", "log2(z)",
  "log10(z)", "log1p(z)", "exp(z)", "expm1(z)", "sqrt(x)", "abs(x)", "abs(k)", "sin(z)",
  "cos(z)", "tan(z)", "floor(x)", "ceiling(x)", "trunc(x)", "log(-1)",
  "round(x / 3, 2)", "round(x / 3)", "round(k)",
  "round(c(0.15, 0.25, 2.675, 2.5, -0.5, 1234.5678, 0.125, -1.005), 2)",
  "round(c(0.5, 1.5, 2.5, -2.5, 0.49999999999999994))", "round(1234.5678, -2)",
  "round(c(0.15, 2.675, 0.45), 1)", "round(-0.55, 1)", "round(5.5e-9, 9)",
  # elementwise helpers
  "pmin(x, z)", "pmax(x, z)", "pmin(x, 2, na.rm = TRUE)", "pmax(k, 2L)",
  "ifelse(x > 2, 'hi', 'lo')", "ifelse(x > 2, x, 0)", "ifelse(lg, k, NA)",
  "ifelse(x > 100, 'a', 1)", "ifelse(x > 2, f, 0)", "ifelse(lg, 1L, 2L)",
  "is.na(x)", "is.na(s)", "is.na(f)",
  "c(1, 2, 3)", "c(x, 1)", "c('a', 1)", "c(TRUE, 2L)", "c(TRUE, NA)",
  "mean(z)", "z - mean(z)", "mean(x)", "mean(x, na.rm = TRUE)", "sd(z)", "var(z)",
  "sum(k)", "max(x, na.rm = TRUE)", "min(z)", "length(z)", "median(z)",
  # conversions
  "as.numeric(f)", "as.numeric(s == 'a')", "as.numeric(c('1', '2.5', 'x'))",
  "as.integer(x)", "as.integer(c(-1.7, 2.9))", "as.character(x)",
  "as.character(c(1e5, 123456, 1e-4, 1/3, 0.1 + 0.2, 1e15, 0.00012345, 100, 2.50, -1.5e-10))",
  "as.character(f)", "as.character(lg)", "as.character(k)", "as.logical(c('TRUE', 'T', 'no', 'false'))",
  "as.logical(x)",
  # factors
  "factor(s)", "factor(k)", "factor(x)", "factor(lg)",
  "factor(c(0.5, 1, 1e5, 1e-4, 1/3, 123456))", "factor(c(4, 6, 8, 4))",
  "factor(c('b', 'a', 'B', 'A', 'b1', 'a_', 'Z', 'z', '10', '9'))",
  "factor(k, levels = c(3, 2, 1))", "factor(k, labels = c('one', 'two', 'three', 'four'))",
  "factor(k, labels = 'L')", "factor(c('a', 'b', 'c'), labels = c('x', 'x', 'y'))",
  "factor(s, levels = c('b', 'a'))", "factor(f)", "factor(o)", "factor(k, ordered = TRUE)",
  "factor(s, exclude = c('b', NA))", "factor(k, levels = c(1, 2, 2))",
  "factor(k, labels = c('a', 'b'))",
  "ordered(s)", "ordered(k, levels = c(4, 3, 2, 1))", "as.factor(s)", "as.factor(k)",
  "as.factor(f)", "as.factor(x)", "as.ordered(f)",
  "relevel(f, ref = 'mid')", "relevel(factor(s), ref = 'b')", "relevel(f, ref = 2)",
  "relevel(f, 'lo')", "relevel(f, ref = 'zz')", "relevel(o, ref = 'M')",
  "relevel(s, ref = 'a')", "relevel(f, ref = 5)",
  "interaction(f, lg)", "interaction(f, k, sep = '_', lex.order = TRUE)",
  "interaction(f, k, drop = TRUE)", "interaction(s, o)",
  # matrices
  "cbind(x, z)", "cbind(x, z + 1)", "cbind(a = x, z)", "cbind(x + 1, z + 1)",
  "cbind(k, f)", "cbind(z, 1)", "cbind(lg, z)",
  # poly and scale
  "poly(z, 2)", "poly(z, 3)", "poly(z, degree = 2, raw = TRUE)", "poly(z, 2, raw = TRUE)",
  "poly(k, 2)", "poly(k, 3)", "poly(z)", "poly(x, 2)", "poly(k, 4)", "poly(z, 0)",
  "poly(c(1, 1, 2, 3, 5, 8, 13, 21), 4)", "poly(z * 1000, 3)",
  "scale(z)", "scale(x)", "scale(z, center = FALSE)", "scale(z, scale = FALSE)",
  "scale(z, center = 1, scale = 2)", "scale(cbind(x, z))", "scale(k)",
  "scale(z, center = c(1, 2))",
  # contrasts on factors
  "C(f, sum)", "C(f, treatment)", "C(f, contr.treatment)", "C(f, poly)", "C(f, helmert)",
  "C(f, SAS)", "C(o)", "C(f)", "C(f, contr.treatment(3, base = 2))", "C(f, 'contr.sum')",
  "C(f, contr.sum)", "C(f, contr.helmert(3))", "C(s, sum)",
  # errors
  "foo + 1", "foo(x)", "s + 1", "f + 1", "log(f)", "log(s)", "-s", "!s", "exp()", "exp(1, 2)", "log()",
  "log(x, base = 2, 3)", "factor(x, foo = 1)"
)

cases <- lapply(exprs, run)

## contrast matrices --------------------------------------------------------------
mat_desc <- function(m) list(values = unname(m), colnames = colnames(m),
                             rownames = rownames(m))
contr <- list()
for (k in 2:6) {
  for (fn in c("contr.treatment", "contr.sum", "contr.helmert", "contr.poly", "contr.SAS")) {
    contr[[length(contr) + 1]] <- c(list(fn = fn, n = k, args = list()),
                                    mat_desc(get(fn)(k)))
    contr[[length(contr) + 1]] <- c(list(fn = fn, n = letters[1:k], args = list()),
                                    mat_desc(get(fn)(letters[1:k])))
  }
  contr[[length(contr) + 1]] <- c(list(fn = "contr.treatment", n = k, args = list(base = 2)),
                                  mat_desc(contr.treatment(k, base = 2)))
  contr[[length(contr) + 1]] <- c(list(fn = "contr.treatment", n = k,
                                       args = list(contrasts = FALSE)),
                                  mat_desc(contr.treatment(k, contrasts = FALSE)))
  contr[[length(contr) + 1]] <- c(list(fn = "contr.poly", n = k, args = list(contrasts = FALSE)),
                                  mat_desc(contr.poly(k, contrasts = FALSE)))
  sc <- c(1, 2, 4, 8, 16, 32)[1:k]
  contr[[length(contr) + 1]] <- c(list(fn = "contr.poly", n = k, args = list(scores = sc)),
                                  mat_desc(contr.poly(k, scores = sc)))
}
for (k in c(8, 12)) {
  contr[[length(contr) + 1]] <- c(list(fn = "contr.poly", n = k, args = list()),
                                  mat_desc(contr.poly(k)))
}
err <- function(expr) collecting(expr, catch_error = TRUE)$error
contr_errors <- list(
  list(fn = "contr.treatment", n = 1, args = list(), error = err(contr.treatment(1))),
  list(fn = "contr.treatment", n = "a", args = list(), error = err(contr.treatment("a"))),
  list(fn = "contr.treatment", n = 3, args = list(base = 4), error = err(contr.treatment(3, base = 4))),
  list(fn = "contr.sum", n = 1, args = list(), error = err(contr.sum(1))),
  list(fn = "contr.helmert", n = 1, args = list(), error = err(contr.helmert(1))),
  list(fn = "contr.poly", n = 1, args = list(), error = err(contr.poly(1))),
  list(fn = "contr.poly", n = 3, args = list(scores = c(1, 1, 2)),
       error = err(contr.poly(3, scores = c(1, 1, 2)))),
  list(fn = "contr.poly", n = 3, args = list(scores = c(1, 2)),
       error = err(contr.poly(3, scores = c(1, 2)))),
  list(fn = "contr.SAS", n = 1, args = list(), error = err(contr.SAS(1))))

## the columns model.matrix makes for each way of giving contrasts
g <- data.frame(f = factor(c("a", "b", "c", "d")))
specs <- list(
  treatment_name = "contr.treatment", treatment_fun = contr.treatment,
  sum_name = "contr.sum", sum_fun = contr.sum, helmert_name = "contr.helmert",
  poly_name = "contr.poly", poly_fun = contr.poly, SAS_name = "contr.SAS",
  SAS_fun = contr.SAS,
  matrix_named = matrix(c(1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 1, -1), 4,
                        dimnames = list(NULL, c("A", "B", "C"))),
  matrix_unnamed = matrix(c(1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 1, -1), 4),
  matrix_short = matrix(c(-3, -1, 1, 3), 4, dimnames = list(NULL, "lin")),
  matrix_short_unnamed = matrix(c(-3, -1, 1, 3), 4))
mm <- lapply(names(specs), function(nm) {
  X <- model.matrix(~ f, g, contrasts.arg = list(f = specs[[nm]]))
  list(spec = nm, colnames = colnames(X), values = unname(X[, -1, drop = FALSE]))
})
one_level <- err(model.matrix(~ f, data.frame(f = factor(c("a", "a")), y = 1:2)))

## poly coefficients and prediction on new data ----------------------------------
poly_cases <- list(
  list(x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), degree = 3, new = c(0, 2.5, 11, 5)),
  list(x = c(0.5, 2.3, 1.1, 7.9, 4.4, 3.3, 9.1, 2.2), degree = 3, new = c(0, 1.5, 10, 3.3, NA)),
  list(x = c(1, 1, 2, 3, 5, 8, 13, 21), degree = 4, new = c(1, 4, 30)),
  list(x = c(12.3, 15.1, 9.8, 22.0, 17.5, 11.1, 30.2, 25.5, 19.9, 14.4, 16.6, 21.2),
       degree = 5, new = c(10, 20, 31)),
  list(x = c(0, 1), degree = 1, new = c(-1, 0.5, 2)))
polys <- lapply(poly_cases, function(pc) {
  p <- poly(pc$x, pc$degree)
  list(x = pc$x, degree = pc$degree, new = pc$new, values = unname(unclass(p)[, , drop = FALSE]),
       alpha = attr(p, "coefs")$alpha, norm2 = attr(p, "coefs")$norm2,
       predicted = unname(unclass(predict(p, pc$new))[, , drop = FALSE]),
       raw = unname(unclass(poly(pc$x, pc$degree, raw = TRUE))[, , drop = FALSE]))
})

## data for the Python side
data_out <- list(
  x = d$x, k = d$k, s = d$s, lg = d$lg, z = d$z,
  f = list(levels = levels(d$f), codes = as.integer(d$f)),
  o = list(levels = levels(d$o), codes = as.integer(d$o)))

out <- list(r_version = R.version.string, data = data_out, cases = cases,
            contrasts = contr, contrast_errors = contr_errors, model_matrix = mm,
            one_level_error = one_level, poly = polys)
write_json_file(out, "tests/reference/eval.json", pretty = FALSE, auto_unbox = FALSE,
                matrix = "rowmajor")
