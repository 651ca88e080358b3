## Reference values for rglm.formula: terms, model frames, model matrices, new data.
## Run from the repository root:
##   LC_ALL=C.UTF-8 Rscript tests/reference/make_formula.R
## Writes tests/reference/formula_data.csv, formula_newdata.csv and formula.json
## (jsonlite, digits = NA; NA -> null).
suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))
options(warn = 1)

## --- the shared data --------------------------------------------------------------
set.seed(20240501)
n <- 24
d <- data.frame(
  y = round(rgamma(n, 5, 1), 3),
  x = round(rnorm(n, 10, 2), 3),
  z = round(runif(n, 0, 5), 3),
  Solar.R = round(rnorm(n, 200, 50), 1),
  w = round(runif(n, 0.5, 3), 3),
  s = rpois(n, 5),
  fl = rpois(n, 4),
  cyl = rep(c(4, 6, 8), length.out = n),
  ## level "e" is declared but never used (dropped by drop.unused.levels)
  f = factor(rep(c("a", "b", "c", "d"), length.out = n), levels = c("a", "b", "c", "d", "e")),
  g = factor(rep(c("u", "u", "v"), length.out = n)),
  h = factor(sample(c("p", "q", "r"), n, TRUE)),
  o = factor(rep(c("lo", "mid", "hi", "hi", "mid"), length.out = n),
             levels = c("lo", "mid", "hi"), ordered = TRUE),
  lg = rep(c(TRUE, FALSE, FALSE, TRUE, FALSE), length.out = n),
  ch = sample(c("beta", "alpha", "gamma"), n, TRUE),
  stringsAsFactors = FALSE)
d$x[3] <- NA
d$f[7] <- NA
d$w[11] <- NA
d$ch[15] <- NA
d$y[20] <- NA
rownames(d) <- paste0("r", seq_len(n))

nd <- data.frame(
  y = c(1, 2, 3, 4, 5, 6),
  x = c(9, 10, NA, 12, 8.5, 11),
  z = c(0.5, 1.5, 2.5, 3.5, 4.5, 6),
  Solar.R = c(150, 250, 100, 300, 200, 220),
  w = c(1, 2, 1, 2, 1, 2),
  s = c(1, 2, 3, 4, 5, 6), fl = c(6, 5, 4, 3, 2, 1),
  cyl = c(4, 6, 8, 8, 6, 4),
  f = factor(c("b", "a", "d", NA, "c", "b"), levels = c("a", "b", "c", "d", "e")),
  g = factor(c("v", "u", "v", "u", "v", "u")),
  h = factor(c("p", "p", "q", "r", "q", "p")),
  o = factor(c("hi", "lo", "mid", "hi", "lo", "mid"), levels = c("lo", "mid", "hi"),
             ordered = TRUE),
  lg = c(TRUE, TRUE, FALSE, NA, FALSE, TRUE),
  ch = c("gamma", "alpha", "alpha", "beta", NA, "gamma"),
  stringsAsFactors = FALSE)
rownames(nd) <- paste0("n", seq_len(nrow(nd)))

write_frame <- function(df, path) {
  out <- data.frame(rn = rownames(df), df, check.names = FALSE, stringsAsFactors = FALSE)
  write.csv(out, path, row.names = FALSE, na = "NA")
}
write_frame(d, "tests/reference/formula_data.csv")
write_frame(nd, "tests/reference/formula_newdata.csv")

schema <- list(
  factor = list(f = levels(d$f), g = levels(d$g), h = levels(d$h)),
  ordered = list(o = levels(d$o)),
  logical = c("lg"),
  character = c("ch"))

## --- helpers ------------------------------------------------------------------------
contr_json <- function(cl) {
  if (is.null(cl)) return(NULL)
  lapply(cl, function(v) {
    if (is.character(v)) list(type = "name", value = v)
    else list(type = "matrix", value = unname(v), colnames = colnames(v))
  })
}

na_json <- function(na) {
  if (is.null(na)) return(NULL)
  list(kind = class(na), positions = as.integer(na), labels = names(na))
}

value_json <- function(v) {
  if (is.null(v)) return(NULL)
  if (is.matrix(v)) return(list(matrix = unname(v), colnames = colnames(v)))
  if (is.factor(v)) return(list(factor = as.character(v), levels = levels(v)))
  as.vector(v)
}

terms_json <- function(tt) {
  fac <- attr(tt, "factors")
  list(
    formula = paste(deparse(formula(tt), width.cutoff = 500), collapse = ""),
    variables = vapply(as.list(attr(tt, "variables"))[-1], deparse1, ""),
    term_labels = attr(tt, "term.labels"),
    factors = if (length(fac)) unname(fac) else NULL,
    order = attr(tt, "order"),
    intercept = attr(tt, "intercept"),
    response = attr(tt, "response"),
    offset = attr(tt, "offset"))
}

# A call's value, warnings and error (collecting() in common.R).
capture <- function(expr) collecting(expr, catch_error = TRUE)

## --- cases --------------------------------------------------------------------------
## Each case: formula, and optionally data (a column subset of d), subset, weights,
## offset, na_action, contrasts (R code; its Python twin is in `py_contrasts`), newdata.
case <- function(id, formula, ...) list(id = id, formula = formula, ...)
cases <- list(
  case("x", "y ~ x"),
  case("f", "y ~ f"),
  case("f_colon_g", "y ~ f:g"),
  case("x_plus_fg", "y ~ x + f:g"),
  case("xz_xf", "y ~ x:z + x:f"),
  case("x_in_f", "y ~ x %in% f"),
  case("zero_x_xf", "y ~ 0 + x + x:f"),
  case("f_nest_g", "y ~ f/g"),
  case("fgh_sq", "y ~ (f + g + h)^2"),
  case("dot", "y ~ .", data = c("y", "x", "z", "f")),
  case("dot_minus_x", "y ~ . - x", data = c("y", "x", "z", "f")),
  case("log_dot", "log(y) ~ .", data = c("y", "x", "z", "f")),
  case("dot_interact", "y ~ .^2", data = c("y", "z", "f", "g")),
  case("no_int_fg", "y ~ -1 + f + g"),
  case("paren_minus1", "y ~ (f - 1)"),
  case("offsets", "y ~ x + offset(log(w)) + offset(z)"),
  case("offset_arg", "y ~ x + offset(z)", offset = "log(w)"),
  case("cbind", "cbind(s, fl) ~ x + f"),
  case("I_sq", "y ~ I(x^2) + x"),
  case("log2", "y ~ log(x, 2)"),
  case("poly", "y ~ poly(z, 2)", newdata = TRUE),
  case("poly_raw", "y ~ poly(z, 2, raw = TRUE)"),
  case("factor_cyl", "y ~ factor(cyl)"),
  case("as_factor_cyl_z", "y ~ as.factor(cyl) * z"),
  case("relevel", "y ~ relevel(f, ref = \"c\")"),
  case("contr_sum", "y ~ f + g", contrasts = "list(f = \"contr.sum\")",
       py_contrasts = list(f = "contr.sum"), newdata = TRUE),
  case("contr_helmert_sas", "y ~ f + g + x",
       contrasts = "list(f = \"contr.helmert\", g = \"contr.SAS\")",
       py_contrasts = list(f = "contr.helmert", g = "contr.SAS")),
  case("contr_matrix", "y ~ f",
       contrasts = "list(f = cbind(A = c(1, -1, 0, 0), B = c(0, 0, 1, -1)))",
       py_contrasts = list(f = list(matrix = cbind(c(1, -1, 0, 0), c(0, 0, 1, -1)),
                                    colnames = c("A", "B")))),
  case("ordered", "y ~ o"),
  case("ordered_treat", "y ~ o + f", contrasts = "list(o = \"contr.treatment\")",
       py_contrasts = list(o = "contr.treatment")),
  case("subset_unused", "y ~ f", subset = "f != \"a\""),
  case("subset_num", "y ~ x + g", subset = "z > 1", weights = "w"),
  ## numeric subscripts as R's [.data.frame reads them: a negative one beyond the last
  ## row drops nothing, fractions are truncated, an NA or one beyond the last row gives
  ## a row of NA (na.omit drops it), an NA among negative ones is an error. (One NA row
  ## each: R names a second one "NA.1" by make.unique, rglm does not.)
  case("subset_negative_beyond", "y ~ x + g", subset = "-c(2, 40)"),
  case("subset_fraction_na", "y ~ x", subset = "c(1.7, NA, 5)"),
  case("subset_beyond", "y ~ x", subset = "c(2, 30)", na_action = "na.exclude"),
  case("subset_negative_na", "y ~ x", subset = "-c(1, NA)"),
  case("subset_mixed_signs", "y ~ x", subset = "c(2, -1)"),
  case("logical", "y ~ lg"),
  case("logical_noint", "y ~ 0 + lg"),
  case("character", "y ~ ch", newdata = TRUE),
  case("dotted_name", "y ~ Solar.R + x"),
  case("f_times_x", "y ~ f * x", newdata = TRUE),
  case("f_g_gf", "y ~ f + g + g:f"),
  case("gf_f", "y ~ g:f + f"),
  case("lhs_sum", "y + x ~ z"),
  case("weights_exclude", "y ~ x", weights = "w", na_action = "na.exclude"),
  case("xfg", "y ~ f:x:g + x"),
  case("intercept_only", "y ~ 1"),
  case("empty", "y ~ 0"),
  case("empty_offset", "y ~ -1 + offset(w)"),
  case("f_fgh", "y ~ f + f:g:h"),
  case("scale", "y ~ scale(z) + factor(cyl)", newdata = TRUE),
  case("C_sum", "y ~ C(f, sum)"),
  case("h_lg_h", "y ~ h + lg:h"),
  case("sqrt_exp", "y ~ sqrt(z) + exp(z/10)"),
  case("ifelse_chr", "y ~ ifelse(z > 2, \"hi\", \"lo\")"),
  case("pmin", "y ~ pmin(z, 3)"),
  case("poly_o", "y ~ poly(z, 2) + o + ch + lg", newdata = TRUE),
  case("na_fail", "y ~ x", na_action = "na.fail"),
  case("not_found", "y ~ nonexistent"),
  case("keep_order_int", "y ~ z:g + g + z")
)

## --- run ----------------------------------------------------------------------------
run_case <- function(cs) {
  data <- if (is.null(cs$data)) d else d[cs$data]
  fml <- as.formula(cs$formula)
  args <- c("fml", "data = data", "drop.unused.levels = TRUE")
  if (!is.null(cs$subset)) args <- c(args, paste("subset =", cs$subset))
  if (!is.null(cs$weights)) args <- c(args, paste("weights =", cs$weights))
  if (!is.null(cs$offset)) args <- c(args, paste("offset =", cs$offset))
  args <- c(args, paste("na.action =", if (is.null(cs$na_action)) "na.omit" else cs$na_action))
  code <- sprintf("model.frame(%s)", paste(args, collapse = ", "))
  res <- capture(eval(parse(text = code)))
  out <- list(id = cs$id, formula = cs$formula, data = cs$data, subset = cs$subset,
              weights = cs$weights, offset = cs$offset, na_action = cs$na_action,
              contrasts = cs$py_contrasts, frame_warnings = res$warnings)
  if (!is.null(res$error)) {
    out$error <- res$error
    return(out)
  }
  mf <- res$value
  tt <- attr(mf, "terms")
  out$terms <- terms_json(tt)
  out$frame <- list(
    names = names(mf), nrow = nrow(mf), row_names = rownames(mf),
    na_action = na_json(attr(mf, "na.action")),
    response = value_json(model.response(mf)),
    weights = value_json(model.weights(mf)),
    offset = value_json(model.offset(mf)))
  ctr <- if (is.null(cs$contrasts)) NULL else eval(parse(text = cs$contrasts))
  mres <- capture(
    if (is.empty.model(tt)) matrix(numeric(0), nrow(mf), 0)
    else model.matrix(tt, mf, contrasts.arg = ctr))
  if (!is.null(mres$error)) {
    out$matrix_error <- mres$error
    return(out)
  }
  mm <- mres$value
  xlev <- .getXlevels(tt, mf)
  out$matrix <- list(
    colnames = colnames(mm), assign = attr(mm, "assign"),
    x = unname(mm), contrasts = contr_json(attr(mm, "contrasts")),
    xlevels = xlev, xlevels_is_null = is.null(xlev), warnings = mres$warnings)
  if (isTRUE(cs$newdata)) {
    dt <- delete.response(tt)
    nres <- capture({
      nmf <- model.frame(dt, nd, na.action = na.pass, xlev = xlev)
      list(mf = nmf, mm = model.matrix(dt, nmf, contrasts.arg = attr(mm, "contrasts")))
    })
    if (!is.null(nres$error)) out$newdata <- list(error = nres$error)
    else out$newdata <- list(colnames = colnames(nres$value$mm), x = unname(nres$value$mm),
                             row_names = rownames(nres$value$mf))
    bad <- nd
    bad$f <- factor(c("b", "e", "e", "a", "c", "b"))
    bad$ch <- c("gamma", "delta", "alpha", "beta", "alpha", "gamma")
    bres <- capture(model.frame(dt, bad, na.action = na.pass, xlev = xlev))
    out$newdata_bad_error <- if (!is.null(bres$error)) bres$error
  }
  out
}

results <- lapply(cases, run_case)

## --- parse errors and term-algebra-only cases ---------------------------------------
parse_err <- function(txt) capture(str2lang(txt))$error
parse_cases <- c("y ~ x)", "y ~ x +", "y ~ (x", "y ~ x x", "y ~ x + 'a' 'b'",
                 "y ~ a < b < c", "y ~ f(x,, )", "y ~ 1 2")
parse_out <- lapply(parse_cases, function(t) list(text = t, error = parse_err(t)))

deparse_cases <- c("y~x+f:g", "log(y)~I(x^2)+poly(Temp,2)", "y ~ a %in% b",
                   "cbind(numdead, numalive) ~ sex*ldose", "y ~ -1 + x", "~ a + b",
                   "y ~ x + offset(log(n))", "y ~ a/b - 1", "y ~ (a+b)^2",
                   "y ~ !a == b", "y ~ -a:b", "y ~ -2^2", "y ~ `odd name` + Solar.R",
                   "y ~ f(x, base = 2L, s = \"a\", t = TRUE) + 1e-3 + .5",
                   "y ~ a & b | c && d || e", "y ~ x[, 1] + l$a + l[[2]]")
deparse_out <- lapply(deparse_cases, function(t)
  list(text = t, deparsed = paste(deparse(str2lang(t), width.cutoff = 500), collapse = "")))

terms_only <- c("y ~ b:a + a", "y ~ a*b*c - a:b:c", "y ~ (a + b + c)^3 - a:b",
                "y ~ a/(b + c)", "y ~ (a + b)/c", "y ~ a %in% (b + c)", "y ~ a + b %in% a",
                "y ~ a*b - 1", "y ~ 0 + a", "y ~ a - 0", "y ~ a + 1 + b - 1 + 1",
                "~ a + b", "y ~ y + x", "y ~ a:b + a:c + b:c + a", "y ~ (a + b)^1",
                "y ~ offset(o) + a:offset(o)", "offset(y) ~ a", "y ~ log(a) + log(a) + a:b:a",
                ## one variable when the calls match, argument names included (MatchVar)
                "y ~ g(a, h = 1) + g(a, k = 1) + g(a, h = 1) + log(b):g(a, k = 1)")
terms_out <- lapply(terms_only, function(t) {
  r <- capture(terms(as.formula(t)))
  if (!is.null(r$error)) list(text = t, error = r$error)
  else list(text = t, terms = terms_json(r$value))
})

dot_terms <- lapply(c("y ~ .", "log(y) ~ . + log(x)", "y ~ . + zz", "y ~ a:.", "y ~ .*a",
                      "y ~ (. - a)^2", "cbind(y, a) ~ .", "~ ."),
                    function(t) {
  r <- capture(terms(as.formula(t), data = data.frame(y = 1, a = 1, x = 1, b = 1)))
  if (!is.null(r$error)) list(text = t, error = r$error)
  else list(text = t, terms = terms_json(r$value))
})

out <- list(schema = schema, cases = results, parse = parse_out, deparse = deparse_out,
            terms = terms_out, dot_terms = dot_terms, dot_data = c("y", "a", "x", "b"))
write_json_file(out, "tests/reference/formula.json", pretty = FALSE)
cat("wrote tests/reference/formula.json:", length(results), "cases\n")
