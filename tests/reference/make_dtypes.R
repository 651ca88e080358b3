## Reference values for how R codes each type of column in glm(): numeric, integer,
## logical, character, factor, Date, POSIXct and difftime predictors (coefficients and
## predict() on new data of the same types), and R's errors for columns it refuses.
## Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_dtypes.R
## Writes tests/reference/dtypes.json (read by tests/formula/test_dtypes.py, which builds
## the same columns in every pandas / Arrow / numpy dtype rglm maps to each R type).
##
## The values are chosen to be exact in every dtype the test uses: x is a multiple of
## 1/8 (exact in float32 and as a decimal), the times' fractions are halves and
## quarters of a second, the durations whole seconds.
library(jsonlite)
source(file.path("tests", "reference", "common.R"))
options(warn = 1, useFancyQuotes = TRUE)
invisible(Sys.setlocale("LC_COLLATE", "C"))

t0 <- as.POSIXct("2020-03-01 00:00:00", tz = "UTC")
d <- data.frame(
  y  = c(2.31, 3.05, 2.77, 4.12, 3.96, 5.21, 4.48, 6.03, 5.57, 6.92, 6.11, 7.45),
  x  = c(0.125, 1.5, 0.75, 2.25, 1.875, 3, 2.625, 3.5, 4.125, 4.75, 3.875, 5.25),
  k  = c(1L, 3L, 2L, NA, 4L, 2L, 5L, 3L, 6L, 4L, 7L, 5L),
  b  = c(TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE, FALSE, TRUE, TRUE, FALSE, FALSE),
  bn = c(TRUE, FALSE, NA, TRUE, FALSE, FALSE, TRUE, TRUE, NA, TRUE, FALSE, TRUE),
  s  = c("b", "a", "c", "a", NA, "b", "c", "a", "b", "c", "a", "b"),
  f  = factor(c("lo", "mid", "hi", "lo", "hi", "mid", "lo", "hi", "mid", "hi", "lo", "mid"),
              levels = c("lo", "mid", "hi")),
  d  = as.Date("2020-01-01") + c(0, 3, 7, 8, 20, 31, 45, 46, 60, 75, 90, 100),
  t  = t0 + c(0, 1800.5, 3600, 7200.25, 10800, 14400, 18000, 21600, 25200.75, 28800,
              32400, 36000),
  dt = as.difftime(c(30, 90, 45, 300, 600, 1200, 75, 2400, 3600, 5400, 7200, 60),
                   units = "secs"),
  stringsAsFactors = FALSE)

nd <- data.frame(
  x  = c(0.5, 2.875, 4.375, 6),
  k  = c(2L, 4L, 6L, 8L),
  b  = c(FALSE, TRUE, TRUE, FALSE),
  bn = c(TRUE, FALSE, TRUE, FALSE),
  s  = c("c", "a", "b", "a"),
  f  = factor(c("hi", "lo", "mid", "hi"), levels = c("lo", "mid", "hi")),
  d  = as.Date("2020-01-01") + c(5, 50, 95, 120),
  t  = t0 + c(900.25, 12600, 30600.5, 43200),
  dt = as.difftime(c(15, 1000, 4000, 9000), units = "secs"),
  stringsAsFactors = FALSE)

## A data frame as JSON: numbers at full precision, Dates as "YYYY-MM-DD", times as UTC
## "YYYY-MM-DD HH:MM:SS.sss", difftimes as their seconds, factors with their levels.
frame_json <- function(df) {
  lapply(df, function(v) {
    if (is.factor(v)) return(list(levels = levels(v), values = as.character(v)))
    if (inherits(v, "Date")) return(format(v, "%Y-%m-%d"))
    if (inherits(v, "POSIXct")) return(format(v, "%Y-%m-%d %H:%M:%OS3", tz = "UTC"))
    if (inherits(v, "difftime")) return(json_nums(as.numeric(v, units = "secs")))
    if (is.double(v)) return(json_nums(v))
    I(v)
  })
}

MODELS <- list(
  list(id = "numeric", formula = "y ~ x", varies = "x"),
  list(id = "integer", formula = "y ~ k", varies = "k"),
  list(id = "logical", formula = "y ~ x + b", varies = "b"),
  list(id = "logical_na", formula = "y ~ x + bn", varies = "bn"),
  list(id = "character", formula = "y ~ s", varies = "s"),
  list(id = "factor", formula = "y ~ f", varies = "f"),
  list(id = "date", formula = "y ~ d", varies = "d"),
  list(id = "posixct", formula = "y ~ t", varies = "t"),
  list(id = "difftime", formula = "y ~ dt", varies = "dt"),
  list(id = "all", formula = "y ~ x + bn + s + f + d", varies = NULL))

models <- lapply(MODELS, function(m) {
  fit <- glm(as.formula(m$formula), data = d)
  stopifnot(!anyNA(coef(fit)))
  list(id = m$id, formula = m$formula, varies = m$varies,
       classes = vapply(d[all.vars(as.formula(m$formula))[-1]], function(v) class(v)[1], ""),
       coef_names = names(coef(fit)), coefficients = json_nums(unname(coef(fit))),
       nobs = nobs(fit),
       predict = json_nums(unname(predict(fit, newdata = nd))))
})

## Column labels that are not syntactic names, referred to with backticks.
numbered <- data.frame(y = d$y, `0` = d$x, `1` = as.numeric(d$b), check.names = FALSE)
fit_numbered <- glm(y ~ `0` + `1`, data = numbered)

## What R does with a name two columns share: the formula's x is the first column; `.`
## is refused. (rglm refuses both; the first is kept here only as a record.)
dup <- data.frame(y = d$y, x = d$x, x = rev(d$x), check.names = FALSE)

listcol <- data.frame(y = d$y)
listcol$l <- I(as.list(c(1, 2, 3, "a", 5, 6, 7, 8, 9, 10, 11, 12)))
cplx <- data.frame(y = d$y, z = complex(real = d$x, imaginary = 1))
fit_date <- glm(y ~ d, data = d)

err <- function(id, r, expr) {
  list(id = id, r = r, error = collecting(expr, catch_error = TRUE)$error)
}
errors <- list(
  err("list_column", "model.frame(y ~ l, data = listcol)", model.frame(y ~ l, data = listcol)),
  err("complex_column", "glm(y ~ z, data = cplx)", glm(y ~ z, data = cplx)),
  err("date_fitted_numeric_new", "predict(glm(y ~ d, data = d), data.frame(d = as.numeric(nd$d)))",
      predict(fit_date, newdata = data.frame(d = as.numeric(nd$d)))),
  err("dot_with_duplicated_names", "glm(y ~ ., data = dup)", glm(y ~ ., data = dup)))
for (e in errors) if (is.null(e$error)) stop(e$id, ": R raised no error")

out <- list(
  r_version = R.version.string,
  note = paste("glm(formula, data = d) (gaussian) for each model; predict = predict(fit,",
               "newdata = nd). Dates are days since 1970-01-01, POSIXct seconds since",
               "1970-01-01 UTC, difftime seconds (units = 'secs') in R's model matrix."),
  data = frame_json(d),
  newdata = frame_json(nd),
  models = models,
  numbered = list(formula = "y ~ `0` + `1`", coef_names = names(coef(fit_numbered)),
                  coefficients = json_nums(unname(coef(fit_numbered)))),
  duplicated_first = list(formula = "y ~ x", coefficients =
                            json_nums(unname(coef(glm(y ~ x, data = dup))))),
  errors = errors)

write_json_file(out, "tests/reference/dtypes.json")
