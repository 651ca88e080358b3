# R reference values for stats::lowess(): tests/reference/lowess.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_lowess.R
#
# lowess() (R's C clowess) is unchanged from R 4.2 to current R (src/library/stats/src/
# lowess.c: last change 2016), so the local R's values are current R's.
#
# Output:
#   cases  - each: id, x, y (the inputs, as R generated them), f, iter, delta (null: the
#            default 0.01 * diff(range(x))), and R's result: x_out (sorted x), y_out.
#   errors - each: id, x, y, f, iter, delta, error (conditionMessage of the C entry point).
# Numbers at full precision (json_nums in common.R).

suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))

set.seed(20240513)
n50 <- 50
x_rand <- runif(n50, 0, 10)
y_rand <- sin(x_rand) + rnorm(n50, sd = 0.3)
y_out <- y_rand
y_out[c(5, 17, 33)] <- y_out[c(5, 17, 33)] + c(6, -8, 10)  # outliers: robustness matters
x_ties <- round(runif(80, 0, 5), 1)                          # many ties
y_ties <- x_ties^2 / 5 + rnorm(80)
x_few <- sample(1:4, 60, replace = TRUE)                     # four distinct x only
y_few <- x_few + rnorm(60)
x_big <- sort(rnorm(2000))
y_big <- x_big^3 - x_big + rnorm(2000)
x_scale <- 1e6 + (1:40) * 1e-3                               # large offset, small spread
y_scale <- 1e8 + cumsum(rnorm(40))

cases <- list()
case <- function(id, x, y, f = 2/3, iter = 3L, delta = NULL) {
  args <- list(x, y, f = f, iter = iter)
  if (!is.null(delta)) args$delta <- delta
  out <- do.call(lowess, args)
  cases[[length(cases) + 1L]] <<- list(
    id = id, x = json_nums(x), y = json_nums(y), f = json_num(f), iter = iter,
    delta = if (is.null(delta)) NULL else json_num(delta),
    x_out = json_nums(out$x), y_out = json_nums(out$y))
}

for (it in 0:3) {
  case(paste0("rand_iter", it), x_rand, y_rand, iter = it)
  case(paste0("outliers_iter", it), x_rand, y_out, iter = it)
  case(paste0("ties_iter", it), x_ties, y_ties, iter = it)
}
for (f in c(0.01, 0.05, 0.2, 0.5, 1, 2, 10)) {
  case(paste0("rand_f", f), x_rand, y_out, f = f)
  case(paste0("ties_f", f), x_ties, y_ties, f = f)
}
for (d in c(0, 0.05, 0.5, 3, 20)) {
  case(paste0("rand_delta", d), x_rand, y_out, delta = d)
  case(paste0("ties_delta", d), x_ties, y_ties, delta = d)
}
case("few_x", x_few, y_few)
case("few_x_iter0", x_few, y_few, iter = 0L)
case("few_x_small_f", x_few, y_few, f = 0.1)
case("big", x_big, y_big)
case("big_f0.1_delta0", x_big, y_big, f = 0.1, delta = 0)
case("large_offset", x_scale, y_scale)
case("cars", cars$speed, cars$dist)
case("cars_f0.2", cars$speed, cars$dist, f = 0.2)
case("constant_x", rep(2, 10), as.double(1:10))
case("constant_y", x_rand, rep(3, n50))
case("linear", as.double(1:30), 2 * (1:30) + 1)
case("n1", 3, 5)
case("n2", c(2, 1), c(5, 7))
case("n3", c(1, 2, 3), c(1, 5, 2))
case("unsorted_int", c(5, 3, 9, 1, 7, 2, 8), c(1, 4, 2, 8, 5, 7, 3))
case("step", as.double(1:40), c(rep(0, 20), rep(1, 20)), f = 0.3)
case("integers_iter2", x_few, y_few, iter = 2L, f = 0.4)

errors <- list()
err_case <- function(id, x, y, f = 2/3, iter = 3L, delta = NULL) {
  args <- list(x, y, f = f, iter = iter)
  if (!is.null(delta)) args$delta <- delta
  msg <- tryCatch({ do.call(lowess, args); NULL }, error = conditionMessage)
  if (is.null(msg)) stop(id, ": no error")
  errors[[length(errors) + 1L]] <<- list(
    id = id, x = json_nums(x), y = json_nums(y), f = json_num(f), iter = iter,
    delta = if (is.null(delta)) NULL else json_num(delta), error = msg)
}
err_case("f_zero", x_rand[1:5], y_rand[1:5], f = 0)
err_case("f_negative", x_rand[1:5], y_rand[1:5], f = -1)
err_case("iter_negative", x_rand[1:5], y_rand[1:5], iter = -1L)
err_case("delta_negative", x_rand[1:5], y_rand[1:5], delta = -1)
err_case("lengths_differ", x_rand[1:5], y_rand[1:4])

write_json_file(list(r_version = R.version.string, cases = cases, errors = errors),
                file.path("tests", "reference", "lowess.json"))
