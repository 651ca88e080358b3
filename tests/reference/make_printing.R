# Generates tests/reference/printing.json: R's own text for rglm's printing tests.
#
# Run from the repository root with a UTF-8 locale (curly quotes in the signif legend):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_printing.R
# Needs jsonlite, MASS, sandwich and lmtest.
#
# Doubles are stored as strings written with sprintf("%.17g") so that they round-trip
# exactly ("NA", "NaN", "Inf", "-Inf" for the special values); texts are stored as
# capture.output() joined by "\n" plus a final "\n".
suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))
options(digits = 7, width = 80, scipen = 0, OutDec = ".", show.signif.stars = TRUE,
        useFancyQuotes = TRUE)

num <- function(x) format_num(x, digits = 17, na = "NA", nan = "NaN", inf = c("Inf", "-Inf"))
out <- list()

## ---------------------------------------------------------------- deparse
# A language object as a JSON tree (the shape of rglm.formula.ast).
ast <- function(e) {
  if (is.call(e)) {
    nms <- names(e)
    args <- lapply(seq_along(e)[-1], function(i)
      list(n = if (is.null(nms) || !nzchar(nms[i])) NA else nms[i], v = ast(e[[i]])))
    return(list(t = "call", fn = ast(e[[1]]), args = args))
  }
  if (is.symbol(e)) return(list(t = "sym", v = as.character(e)))
  if (is.null(e)) return(list(t = "const", v = "NULL"))
  if (is.logical(e)) return(list(t = "const", v = if (is.na(e)) "NA" else as.character(e)))
  if (is.character(e)) return(list(t = "str", v = e))
  if (is.integer(e)) return(list(t = "num", v = num(e), int = TRUE))
  if (is.double(e)) {
    if (is.infinite(e) || is.nan(e)) return(list(t = "const", v = num(e)))
    return(list(t = "num", v = num(e), int = FALSE))
  }
  stop("unsupported")
}
dep_texts <- c(
  "y ~ x", "~x", "y ~ .", "counts ~ outcome + treatment", "SF ~ sex * ldose",
  "cbind(numdead, numalive = 20 - numdead) ~ sex * ldose", "lot1 ~ log(u)",
  "y ~ x + I(x^2) + log(z, base = 2)", "y ~ a/b + c:d + e %in% f",
  "y ~ poly(x, 2) + offset(log(n))", "y ~ -1 + x", "y ~ 0 + x", "y ~ (a + b + c)^2",
  "y ~ a * (b + c) - a:b", "-x", "!a", "a & b | c", "a && b || c", "a == b", "a != b",
  "a <= b", "a >= b", "a < b", "a > b", "x[1]", "x[, 2]", "x[[1]]", "x$y", "x@y",
  "stats::glm", "base:::f(x)", "a %% b", "a %/% b", "a %*% b", "1e5", "100000L",
  "123456.7", "0.001", "1e-04", "0.333333333333333333", "2.675", "1e-300", "1e15",
  "123456789012345", "1e300", "0.1", "3.14159265358979323", "2147483648", "0x10",
  "1234.5678", "1e-5", "0.0001234", "12345678.9", "-2.5", "c(1.5, 2, NA, Inf, NaN)",
  "\"a\\\"b\\\\c\\n\\t\"", "\"caf\u00e9\"", "`a b` + c", "f(`x y` = 1)", "`my fun`(x)",
  "f(TRUE, FALSE, NULL, NA, Inf, NaN, -Inf)", "f(`TRUE`, `if`)", "(a + b) * c",
  "a - (b - c)", "a - b - c", "a^b^c", "(a^b)^c", "-a^2", "(-a)^2", "--a",
  "y ~ x | g", "log(y) ~ sqrt(x) + exp(-z)", "f(x, ...)", "f(a = , b)",
  "glm(formula = lot1 ~ log(u), family = Gamma, data = clotting, weights = w)",
  "glm(formula = counts ~ outcome + treatment, family = poisson())",
  paste("glm(formula = cbind(numdead, numalive = 20 - numdead) ~ sex * ldose,",
        "family = binomial(link = \"probit\"), data = budworm, subset = ldose > 1,",
        "na.action = na.exclude)"),
  paste("y ~", paste0("x", 1:30, collapse = " + ")),
  paste("glm(formula = y ~", paste0("variable", 1:12, collapse = " + "),
        ", family = binomial, data = d)"),
  paste("glm(formula = y ~ a + b, family = quasi(link = \"log\", variance = \"mu^2\"),",
        "data = some.long.data.frame.name, start = c(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7),",
        "control = glm.control(epsilon = 1e-10, maxit = 100, trace = TRUE))"),
  paste0("c(", paste(seq(0.5, 40, by = 1.5), collapse = ", "), ")"),
  paste0("f(g(h(", paste0("argument", 1:8, " = ", 1:8, collapse = ", "),
         "), k(", paste0("other", 1:8, collapse = ", "), ")), last = TRUE)"),
  paste("glm.nb(formula = Days ~ Sex/(Age + Eth * Lrn), data = quine,",
        "init.theta = 1.597990733, link = log)"),
  paste("glm(formula = cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp,",
        "family = binomial(), data = esoph)")
)
dep_exprs <- lapply(dep_texts, function(t) parse(text = t, keep.source = FALSE)[[1]])
# Constructed calls where deparse must add parentheses itself.
dep_exprs <- c(dep_exprs, list(
  call("*", quote(a + b), quote(c)), call("-", quote(a), quote(b - c)),
  call("^", quote(-a), 2), call("-", quote(-a)), call("+", quote(a), quote(!b)),
  call("^", call("^", quote(a), quote(b)), quote(c)), call(":", quote(a + b), quote(c)),
  call("/", quote(a), quote(b * c)), call("~", quote(y), call("+", quote(a), quote(b))),
  call("==", quote(a < b), quote(c)), call("%in%", quote(a + b), quote(c)),
  call("$", quote(a + b), quote(c)), call("log", quote(x), base = 2),
  call("f", -1), call("f", 100000L), call("f", NA_integer_), call("f", NA_real_)
))
dep_src <- c(dep_texts, rep(NA, length(dep_exprs) - length(dep_texts)))
out$deparse <- lapply(seq_along(dep_exprs), function(i) { e <- dep_exprs[[i]]; list(
  text = dep_src[i], ast = ast(e), lines = I(deparse(e)), lines30 = I(deparse(e, width.cutoff = 30L)),
  one = paste(deparse(e, width.cutoff = 500L), collapse = " ")) })

## ---------------------------------------------------------------- rformat
set.seed(20240607)
rand_vec <- function() {
  k <- sample(1:5, 1)
  signs <- sample(c(-1, 1), k, replace = TRUE, prob = c(0.3, 0.7))
  signs * 10^runif(k, -12, 12) * sample(c(1, 1, 1, 0), k, replace = TRUE)
}
fmt_cases <- list(
  list(c(124.8756, 4.9937), 5), list(c(13.863, 7.8648e-10), 5), list(c(1.5, 2.5, 3.5), 1),
  list(99999.7, 3), list(9996, 3), list(1e5, 7), list(123456.7, 7), list(0, 7),
  list(-0.5, 7), list(c(NA, NaN, Inf, -Inf, 1.5), 7), list(c(NA, 2), 7), list(NaN, 7),
  list(c(Inf, -Inf), 7), list(1e-300, 7), list(2.675, 3),
  list(c(3.045, -0.4543, -0.293, 1.218e-15, 8.438e-16), 4), list(0.1 + 0.2, 15),
  list(0.1 + 0.2, 16), list(0.1 + 0.2, 17), list(pi, 1), list(pi, 22), list(1e15, 7),
  list(1e16, 7), list(123456789, 7), list(0.0001234, 3), list(c(1e-5, 1), 7),
  list(1e100, 7), list(1e-100, 7), list(c(1.23456e200, 1e-200), 7), list(0.002446059, 7),
  list(c(10.5814, 5.1291), 5), list(c(0.95, 0.05), 1), list(0.15, 1), list(0.25, 1),
  list(0.35, 1), list(2.5, 1), list(1.005, 3), list(1234.5, 4), list(0.125, 2),
  list(c(-1, 1), 7, 2), list(c(1, -0.25, 0.333), 4, 2), list(1e-15, 7, 2),
  list(c(0.5, 100), 3, 1), list(-0, 7), list(c(9.9999, 99.9999), 4), list(c(0.99999, 1), 4),
  list(999.96, 4), list(c(1e-16, 1e16), 7), list(5e-324, 7), list(1.7976931348623157e308, 7),
  list(c(1e99, 1e100), 7), list(c(1e-99, 1e-100), 7), list(123456, 2), list(0.000123, 7))
for (i in 1:150) fmt_cases[[length(fmt_cases) + 1]] <- list(rand_vec(), sample(1:10, 1),
                                                            sample(c(0, 0, 0, 2), 1))
out$format <- lapply(fmt_cases, function(cs) {
  nsmall <- if (length(cs) > 2) cs[[3]] else 0
  list(x = I(num(cs[[1]])), digits = cs[[2]], nsmall = nsmall,
       out = I(format(cs[[1]], digits = cs[[2]], nsmall = nsmall)))
})
round_x <- c(2.675, 0.15, 0.25, 0.35, 2.5, -2.5, 1234.5678, 1e-310, 5e-324, 123.456, 0.5,
             1.5, -0.15, 1e300, 0.285, 1.005, 10.5, 0.045, 5.5, 6.5, NA, NaN, Inf, 0)
round_cases <- list(list(round_x, 2), list(round_x, 1), list(round_x, 0), list(round_x, -2),
                    list(round_x, 2.9), list(round_x, 320), list(round_x, 0.4),
                    list(round_x, 15), list(round_x, -400), list(round_x, 400))
for (i in 1:60) round_cases[[length(round_cases) + 1]] <- list(rand_vec(),
                                                               sample(-3:12, 1) + sample(c(0, 0.3, 0.6), 1))
out$round <- lapply(round_cases, function(cs)
  list(x = I(num(cs[[1]])), digits = cs[[2]], out = I(num(round(cs[[1]], cs[[2]])))))
signif_x <- c(2.675, 123456, 1e-310, 1.5e300, 0.15, 9.995, 99999.7, -0.0012345, NA, NaN,
              -Inf, 0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2)
signif_cases <- list(list(signif_x, 3), list(signif_x, 1), list(signif_x, 0),
                     list(signif_x, 6), list(signif_x, 15), list(signif_x, 22),
                     list(signif_x, 30))
for (i in 1:60) signif_cases[[length(signif_cases) + 1]] <- list(rand_vec(), sample(1:16, 1))
out$signif <- lapply(signif_cases, function(cs)
  list(x = I(num(cs[[1]])), digits = cs[[2]], out = I(num(signif(cs[[1]], cs[[2]])))))
zap_cases <- list(list(c(1, 1e-20), 7), list(c(124.8756, 118.7986, 6.7571, 4.9937), 5),
                  list(c(NA, 5.5602, 0), 5), list(c(0, 0), 7), list(c(NA, NA), 7),
                  list(c(1e-300, 1e-310), 7), list(c(-0.04008, 0.08641, 1e-9), 5),
                  list(c(3.045, -0.4543, 1.2e-15), 7), list(c(Inf, 1, 1e-3), 3),
                  list(c(1.5, NaN, 2.25), 2))
out$zapsmall <- lapply(zap_cases, function(cs)
  list(x = I(num(cs[[1]])), digits = cs[[2]], out = I(num(zapsmall(cs[[1]], cs[[2]])))))
pval_cases <- list(
  list(c(6.09e-08, 0.822, 5.89e-08, 0.191), 3), list(c(1e-20, 0.0246, 0.1285, 1, 1), 3),
  list(1e-20, 3), list(c(1e-20, 1e-30), 4), list(c(0.06547, 1), 4), list(2.356e-09, 4),
  list(c(NA, 0.0137, 1e-26, 0.1842), 4), list(c(0.00012, 0.5), 3), list(c(0.00012, 0.5), 1),
  list(c(0.0004, 0.00004), 3), list(c(0, 0.5), 3), list(c(1e-20, 0.5), 1),
  list(c(1e-20, 0.5), 2), list(c(1e-20, 0.51234), 5), list(c(1e-20, 1.234e-10), 3),
  list(c(NA, NA), 3), list(c(1e-20, 0.0001234), 3), list(c(4.28e-07, 2.75e-09), 3),
  list(c(0.001, 0.0009999), 3))
out$format_pval <- lapply(pval_cases, function(cs)
  list(x = I(num(cs[[1]])), digits = cs[[2]], out = I(format.pval(cs[[1]], digits = cs[[2]]))))
out$format_pval_eps <- list(x = I(num(c(0.001, 0.5, 1e-5))), digits = 3, eps = 1e-4,
                            na_form = "-", out = I(format.pval(c(0.001, 0.5, 1e-5, NA), 3, eps = 1e-4, na.form = "-")))
cat_x <- c(1e5, 123456.7, 5, 0.1 + 0.2, 1/3, -2.5, 1e-20, 56.76, 2.220446e-16, NA, NaN, Inf,
           -Inf, 1234567.1, 0, 100, 1e15, 123456789012)
out$cat <- list(x = I(num(cat_x)), out = I(sapply(cat_x, function(v) capture.output(cat(v)))),
                int_x = I(c(100000L, 5L, -3L)), int_out = I(sapply(c(100000L, 5L, -3L),
                                                            function(v) capture.output(cat(v)))))
stars_p <- c(0, 0.001, 0.0011, 0.01, 0.010001, 0.05, 0.0999, 0.1, 0.5, 1, NA)
sy <- symnum(stars_p, corr = FALSE, na = FALSE, cutpoints = c(0, 0.001, 0.01, 0.05, 0.1, 1),
             symbols = c("***", "**", "*", ".", " "))
out$stars <- list(p = I(num(stars_p)), out = I(as.character(sy)), legend = attr(sy, "legend"))

## ---------------------------------------------------------------- vectors and matrices
nv <- function(x, nm = names(x), digits = 7, gap = 1, na.print = NULL) {
  args <- list(unname(x), digits = digits, print.gap = gap)
  if (!is.null(na.print)) args$na.print <- na.print
  xx <- x
  list(x = I(num(x)), names = if (is.null(nm)) NULL else I(nm), digits = digits, gap = gap,
       na_print = if (is.null(na.print)) "NA" else na.print,
       out = printed(do.call(print.default, c(list(xx), args[-1]))))
}
long_x <- setNames(c(seq(-2.5, 3, length.out = 29), NA), paste0("name", 1:30))
out$numeric_vectors <- list(
  nv(c(a = 1.5, bb = -2.25, ccc = NA)),
  nv(c(Min = -0.04008, `1Q` = -0.03756, Median = -0.02637, `3Q` = 0.02905, Max = 0.08641),
     digits = 4, gap = 2, na.print = ""),
  nv(c(`1` = 0.6712, `2` = NA, `3` = -0.9669), digits = 4, gap = 2, na.print = ""),
  nv(long_x, digits = 4), nv(long_x, digits = 4, gap = 2, na.print = ""),
  nv(c(0, 0, 0), nm = NULL, gap = 2), nv(seq(0.5, 60, by = 1.25), nm = NULL),
  nv(c(1e-10, 1, NA, NaN, Inf), nm = NULL, digits = 3),
  nv(setNames(1:3 * 1e6, c("a very long name indeed", "b", "c"))))
cv <- function(x, gap = 1) list(x = I(unname(x)), names = if (is.null(names(x))) NULL else I(names(x)),
                                gap = gap, out = printed(print.default(x, print.gap = gap, quote = FALSE)))
coefs_long <- setNames(c(3.045, -0.4543, -0.293, 1.218e-15, 8.438e-16, 1, 2, 3, 4, 5, 6),
                       c("(Intercept)", "outcome2", "outcome3", "treatment2", "treatment3",
                         paste0("x", 1:6)))
out$char_vectors <- list(
  cv(format(c(`(Intercept)` = -2.9935, sexM = 0.1750, ldose = 0.9060, `sexM:ldose` = 0.3529),
            digits = 4), gap = 2),
  cv(format(coefs_long, digits = 4), gap = 2), cv(c("a", "bbb", "cc")),
  cv(c(x = "a", yyyy = "bbb")), cv(format(c(a = NA, b = 1.5)), gap = 2))
cm <- function(m, right = FALSE) list(
  cells = I(unname(m)), rownames = if (is.null(rownames(m))) NULL else I(rownames(m)),
  colnames = if (is.null(colnames(m))) NULL else I(colnames(m)), right = right,
  out = printed(print.default(m, quote = FALSE, right = right)))
m1 <- matrix(c("0.12", "-0.5", "", "1.00", "a", "bb"), 3,
             dimnames = list(c("row one", "r2", "row3"), c("A", "Bcol")))
m2 <- matrix(c("x", "yy", "zzz", "w"), 2)
m3 <- matrix(sprintf("%.4f", seq(-3, 3, length.out = 36)), 3,
             dimnames = list(c("a", "b", "c"), paste0("column", 1:12)))
m4 <- matrix(c("1", "22"), 1, dimnames = list("only", c("", "")))
out$char_matrices <- list(cm(m1), cm(m1, TRUE), cm(m2), cm(m2, TRUE), cm(m3), cm(m3, TRUE),
                          cm(m4, TRUE))
nm_mat <- matrix(c(1.5, NA, -2.25, 1e-8, 3, 4, 100, 2e5, 0), 3,
                 dimnames = list(c("a", "b", "c"), c("first", "second", "third column")))
out$numeric_matrix <- list(x = I(apply(nm_mat, 2, num)), rownames = I(rownames(nm_mat)),
                           colnames = I(colnames(nm_mat)), out = printed(print(nm_mat)),
                           out3 = printed(print(nm_mat, digits = 3)))

## ---------------------------------------------------------------- printCoefmat
mat_case <- function(x, args = list()) {
  x <- as.matrix(x)
  ind <- function(v) if (is.null(v)) NULL else I(as.integer(v) - 1L)  # 0-based for Python
  list(x = I(apply(x, 2, num)), nrow = nrow(x), rownames = I(rownames(x)),
       colnames = I(colnames(x)),
       digits = if (is.null(args$digits)) NA else args$digits,
       dig_tst = if (is.null(args$dig.tst)) NA else args$dig.tst,
       cs_ind = if ("cs.ind" %in% names(args)) list(given = TRUE, v = ind(args$cs.ind)) else list(given = FALSE),
       tst_ind = if ("tst.ind" %in% names(args)) list(given = TRUE, v = ind(args$tst.ind)) else list(given = FALSE),
       zap_ind = ind(args$zap.ind), has_pvalue = if (is.null(args$has.Pvalue)) NA else args$has.Pvalue,
       p_values = if (is.null(args$P.values)) NA else args$P.values,
       signif_stars = if (is.null(args$signif.stars)) TRUE else args$signif.stars,
       na_print = if (is.null(args$na.print)) "NA" else args$na.print,
       out = printed(do.call(printCoefmat, c(list(x), args))))
}
# print.anova's choice of columns (stats:::print.anova), reproduced to call printCoefmat
anova_case <- function(a) {
  cn <- colnames(a)
  has.P <- grepl("^(P|Pr)\\(", cn[length(cn)])
  zap.i <- 1L:(if (has.P) ncol(a) - 1 else ncol(a))
  i <- which(substr(cn, 2, 7) == " value")
  i <- c(i, which(!is.na(match(cn, c("F", "Cp", "Chisq")))))
  if (length(i)) zap.i <- zap.i[!(zap.i %in% i)]
  tst.i <- i
  if (length(i <- grep("Df$", cn))) zap.i <- zap.i[!(zap.i %in% i)]
  mat_case(a, list(digits = 5, signif.stars = TRUE, has.Pvalue = has.P, P.values = has.P,
                   cs.ind = NULL, zap.ind = zap.i, tst.ind = tst.i, na.print = ""))
}
counts <- c(18, 17, 15, 20, 10, 20, 25, 13, 12)
outcome <- gl(3, 1, 9)
treatment <- gl(3, 3)
glm.D93 <- glm(counts ~ outcome + treatment, family = poisson())
ldose <- rep(0:5, 2)
numdead <- c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16)
sex <- factor(rep(c("M", "F"), c(6, 6)))
SF <- cbind(numdead, numalive = 20 - numdead)
budworm.lg <- glm(SF ~ sex * ldose, family = binomial)
clotting <- data.frame(u = c(5, 10, 15, 20, 30, 40, 60, 80, 100),
                       lot1 = c(118, 58, 42, 35, 27, 25, 21, 19, 18),
                       lot2 = c(69, 35, 26, 21, 18, 16, 13, 12, 12))
fg <- glm(lot1 ~ log(u), data = clotting, family = Gamma)
m_plain <- cbind(Estimate = c(1.5, -0.25, 1e-20), `Std. Error` = c(0.1, 0.2, 0.3),
                 `t value` = c(15, -1.25, 3.3e-20), `Pr(>|t|)` = c(1e-20, 0.25, 1))
rownames(m_plain) <- c("(Intercept)", "x", "z")
m_nan <- m_plain; m_nan[2, 2:4] <- NaN; m_nan[3, ] <- NA
m_big <- cbind(Estimate = c(123456.789, -0.000123), `Std. Error` = c(1234.5, 0.0001),
               `z value` = c(100.0049, -1.23), `Pr(>|z|)` = c(0, 0.2187))
rownames(m_big) <- c("a", "b")
m_three <- cbind(Df = c(1, 2), Deviance = c(10.123456, 0.000012), Chisq = c(3.84, 1e-6))
rownames(m_three) <- c("x", "y")
out$coefmat <- list(
  mat_case(coef(summary(glm.D93)), list(digits = 4)),
  mat_case(coef(summary(budworm.lg)), list(digits = 4)),
  mat_case(coef(summary(fg)), list(digits = 4)),
  mat_case(m_plain), mat_case(m_plain, list(digits = 3)),
  mat_case(m_plain, list(signif.stars = FALSE)), mat_case(m_plain, list(P.values = FALSE)),
  mat_case(m_nan, list(digits = 4)), mat_case(m_big, list(digits = 4)),
  mat_case(m_big, list(digits = 7, dig.tst = 2)),
  mat_case(m_three, list(cs.ind = 2, tst.ind = 3, zap.ind = 2)),
  mat_case(m_three, list(cs.ind = NULL, tst.ind = 3, digits = 3)),
  anova_case(anova(glm.D93, test = "Chisq")), anova_case(anova(budworm.lg, test = "Chisq")),
  anova_case(anova(fg, test = "F")), anova_case(anova(glm.D93, test = "Rao")),
  anova_case(anova(glm.D93)), anova_case(anova(fg, test = "Cp")),
  anova_case(anova(glm(counts ~ outcome, family = poisson()), glm.D93, test = "Chisq")))

## ---------------------------------------------------------------- print.glm, print.summary.glm
# Plain inputs of rglm.render.glm.format_glm / summary.format_summary_glm, taken from
# R's fitted objects, with the text R prints for them.
II <- function(x) if (is.null(x)) NULL else I(x)  # I() of NULL fails
n_deleted <- function(fit) if (length(fit$na.action)) length(fit$na.action) else NULL
glm_inputs <- function(fit) list(
  call_lines = II(deparse(fit$call)), coef_names = II(names(coef(fit))),
  coef_values = II(num(coef(fit))), df_null = fit$df.null, df_residual = fit$df.residual,
  n_deleted = n_deleted(fit), null_deviance = num(fit$null.deviance),
  deviance = num(fit$deviance), aic = num(fit$aic), out = printed(print(fit)))
# R 4.2 prints the "Deviance Residuals" block that R >= 4.3 shows only with
# show.residuals = TRUE: the 4.2 text is the show_residuals layout, and the default
# (R >= 4.3) text is obtained by deleting the block (summary_to_r43() in common.R).
summary_inputs <- function(fit, ...) {
  s <- summary(fit, ...)
  coefs <- s$coefficients
  aliased <- s$aliased
  if (any(aliased)) {  # the table print.summary.glm prints: all coefficients, NA rows
    full <- matrix(NA, length(aliased), ncol(coefs), dimnames = list(names(aliased), colnames(coefs)))
    full[!aliased, ] <- coefs
    coefs <- full
  }
  lines42 <- capture.output(print(s))
  list(call_lines = II(deparse(s$call)),
       coef_table = II(if (nrow(coefs)) unname(t(apply(coefs, 1, num))) else list()),
       coef_rownames = II(rownames(coefs)), coef_colnames = II(colnames(coefs)),
       n_aliased = s$df[3L] - s$df[1L], family = s$family$family,
       dispersion = num(s$dispersion), null_deviance = num(s$null.deviance),
       df_null = s$df.null, deviance = num(s$deviance), df_residual = s$df.residual,
       n_deleted = n_deleted(fit), aic = num(s$aic), iter = s$iter,
       deviance_resid = II(num(s$deviance.resid)), resid_names = II(names(s$deviance.resid)),
       correlation = if (is.null(s$correlation)) NULL else II(unname(apply(s$correlation, 2, num))),
       correlation_names = if (is.null(s$correlation)) NULL else II(colnames(s$correlation)),
       symbolic_cor = isTRUE(s$symbolic.cor),
       out = text_of(summary_to_r43(lines42)),
       out_residuals = text_of(lines42))
}
suppressPackageStartupMessages(library(MASS))
anorexia_fit <- glm(Postwt ~ Prewt + Treat + offset(Prewt), family = gaussian, data = anorexia)
clot_na <- clotting; clot_na$lot1[c(2, 7)] <- NA
d_alias <- data.frame(y = c(2, 3, 6, 7, 8, 9, 10, 12, 15), x1 = 1:9)
d_alias$x2 <- 2 * d_alias$x1
d_alias$x3 <- c(1, 0, 1, 0, 1, 1, 0, 0, 1)
esoph_fit <- glm(cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp, data = esoph,
                 family = binomial())
quasi_fit <- glm(counts ~ outcome + treatment, family = quasipoisson())
satur <- glm(lot1 ~ factor(u), data = clotting, family = Gamma)
empty_fit <- glm(counts ~ 0, family = poisson())
bigp <- glm(cbind(ncases, ncontrols) ~ agegp, data = esoph, family = binomial)
fits <- list(glm.D93 = glm.D93, budworm = budworm.lg, clotting = fg,
             anorexia = anorexia_fit,
             clot_na = glm(lot1 ~ log(u), data = clot_na, family = Gamma),
             clot_na_excl = glm(lot1 ~ log(u), data = clot_na[-c(3), ], family = Gamma,
                                na.action = na.exclude),
             aliased = glm(y ~ x1 + x2 + x3, data = d_alias),
             esoph = esoph_fit, quasi = quasi_fit, saturated = satur, empty = empty_fit,
             bigp = bigp, quine = glm.nb(Days ~ Sex/(Age + Eth * Lrn), data = quine))
out$glm <- lapply(fits, glm_inputs)
# (MASS's summary.negbin has its own print method: not print.summary.glm)
out$summary <- c(lapply(fits[names(fits) != "quine"], summary_inputs), list(
  correlation = summary_inputs(budworm.lg, correlation = TRUE),
  correlation_D93 = summary_inputs(glm.D93, correlation = TRUE),
  symbolic = summary_inputs(esoph_fit, correlation = TRUE, symbolic.cor = TRUE),
  symbolic_small = summary_inputs(fg, correlation = TRUE, symbolic.cor = TRUE)))

## ---------------------------------------------------------------- small formatters
# format.info(x, digits, nsmall) of every `format` case: (width, digits, exponent width).
out$format_info <- lapply(fmt_cases, function(cs) {
  nsmall <- if (length(cs) > 2) cs[[3]] else 0
  list(x = I(num(cs[[1]])), digits = cs[[2]], nsmall = nsmall,
       out = I(format.info(cs[[1]], digits = cs[[2]], nsmall = nsmall)))
})
# deparse() of single doubles and as.character() of doubles (factor labels of numbers).
dep_x <- c(1e5, 123456.7, 0.001, 1e-4, -2.5, 1e-300, Inf, 0, 1/3, 1e15, 100000.5, 1e-15,
           2.675, 123456789012345)
out$deparse_numbers <- list(x = I(num(dep_x)), out = I(vapply(dep_x, deparse, "")))
char_x <- c(4, 0.5, 1e5, 1e-4, 123456, 1/3, -2, NA, 2.675, 1e15, 1e-15, 100000.5)
out$as_character <- list(x = I(num(char_x)), out = I(as.character(char_x)))
# print.logLik.
loglik_cases <- list(list(NA_real_, 7), list(-23.380659, 5), list(c(logLik(glm.D93)), 5),
                     list(-552.42751234, 3.5), list(1234567.891, 12))
out$loglik <- lapply(loglik_cases, function(cs) list(
  x = num(cs[[1]]), df = num(cs[[2]]),
  out = printed(print(structure(cs[[1]], df = cs[[2]], class = "logLik")))))
# The significance legend without fancy quotes (a non-UTF-8 locale).
local({
  op <- options(useFancyQuotes = FALSE)
  on.exit(options(op))
  sy <- symnum(stars_p, corr = FALSE, na = FALSE, cutpoints = c(0, 0.001, 0.01, 0.05, 0.1, 1),
               symbols = c("***", "**", "*", ".", " "))
  out$stars_legend_plain <<- attr(sy, "legend")
})
# Column names of confint.default() (Wald) and of MASS's confint() (profile) at
# several levels; `a` = (1 - level)/2 in both languages.
out$percent_labels <- lapply(c(0.95, 0.9, 0.999, 1 - 2e-7), function(level) list(
  level = num(level),
  wald = I(colnames(confint.default(glm.D93, level = level))),
  profile = if (level < 0.9999) I(colnames(suppressMessages(confint(glm.D93, level = level))))))

## ---------------------------------------------------------------- cells of printed tables
# rglm's to_markdown()/to_html() (rglm.render.tables) show the cells R prints in a
# coefficient or anova table.  They are cut out of R's printed lines here: the header
# line is the one above the first row; a column ends where its right-aligned name ends
# in it; the row names are the left-aligned first column; what follows the last column
# is the significance stars.  Also kept: the table's numbers, column by column (to build
# an anova-like object from R's values, and to tell rounding noise), and the lines
# printed around it.
columns_of <- function(x) lapply(seq_len(ncol(x)), function(j) I(num(as.matrix(x)[, j])))
table_cells <- function(lines, x) {
  rn <- rownames(x)
  cn <- colnames(x)
  k <- which(startsWith(lines[-1L], rn[1L]) & grepl(cn[1L], lines[-length(lines)],
                                                   fixed = TRUE))[1L]
  header <- lines[k]
  rows <- lines[k + seq_along(rn)]
  w0 <- max(nchar(rn))
  if (!all(startsWith(rows, rn)) || trimws(substr(header, 1L, w0)) != "") {
    stop("table_cells: unexpected layout")
  }
  ends <- integer(length(cn))
  pos <- w0
  for (j in seq_along(cn)) {
    hit <- regexpr(cn[j], substring(header, pos + 1L), fixed = TRUE)
    if (hit < 0) stop("table_cells: column ", cn[j], " not found")
    ends[j] <- pos + hit + nchar(cn[j]) - 1L
    pos <- ends[j]
  }
  starts <- c(w0 + 1L, ends[-length(ends)] + 1L)
  cells <- t(vapply(rows, function(l) trimws(substring(l, starts, ends)), character(length(cn))))
  list(rownames = I(rn), colnames = I(cn), columns = columns_of(x),
       cells = I(unname(cells)), stars = I(trimws(substring(rows, pos + 1L))),
       header_line = k, lines = I(lines))
}
# The footer lines of print.summary.glm that the tables show as paragraphs (runs of
# blanks collapsed: markdown and HTML collapse them anyway).
summary_footer <- function(lines) {
  first <- grep("^\\(Dispersion parameter", lines)
  last <- grep("^AIC:", lines)
  gsub(" +", " ", trimws(lines[first:last][nzchar(lines[first:last])]))
}
tables_env <- rglm_data_env(c("dobson", "mtcars"))
fit_code <- list(
  D93 = c('glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
          'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  D93_quasi = c('glm(counts ~ outcome + treatment, family = quasipoisson(), data = dobson)',
                'rglm.glm("counts ~ outcome + treatment", family=rglm.quasipoisson(), data=dobson)'),
  mtcars_aliased = c('glm(carb ~ wt + I(2 * wt), family = poisson, data = mtcars)',
                     'rglm.glm("carb ~ wt + I(2 * wt)", family=rglm.poisson, data=mtcars)'))
summary_table <- function(id) {
  fit <- eval(parse(text = fit_code[[id]][1]), envir = tables_env)
  s <- summary(fit)
  coefs <- coef(s)
  if (any(s$aliased)) {  # printed with NA rows for the aliased coefficients
    full <- matrix(NA_real_, length(s$aliased), ncol(coefs),
                   dimnames = list(names(s$aliased), colnames(coefs)))
    full[!s$aliased, ] <- coefs
    coefs <- full
  }
  lines <- summary_to_r43(capture.output(print(s)))
  tab <- table_cells(lines, coefs)
  c(list(id = id, kind = "summary", r = fit_code[[id]][1],
         py = sprintf("rglm.summary(%s)", fit_code[[id]][2]),
         call = deparse1(fit$call), heading = lines[tab$header_line - 1L],
         legend = sub("^Signif. codes:  ", "", grep("^Signif. codes:", lines, value = TRUE)),
         footer = I(summary_footer(lines))), tab)
}
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})
coeftest_table <- function() {
  fit <- eval(parse(text = fit_code$D93[1]), envir = tables_env)
  ct <- coeftest(fit, vcov = vcovHC(fit, type = "HC0"))
  lines <- capture.output(print(ct))
  c(list(id = "D93_coeftest_HC0", kind = "coeftest",
         r = sprintf('coeftest(%s, vcov = vcovHC(fit, type = "HC0"))', "fit"),
         py = 'rglm.coeftest(fit, vcov=rglm.vcovHC(fit, type="HC0"))',
         fit_py = fit_code$D93[2], method = trimws(lines[2L]),
         legend = sub("^Signif. codes:  ", "", grep("^Signif. codes:", lines, value = TRUE))),
    table_cells(lines, unclass(ct)[, , drop = FALSE]))
}
anova_table <- function() {
  fit <- eval(parse(text = fit_code$D93[1]), envir = tables_env)
  a <- anova(fit, test = "Chisq")
  lines <- capture.output(print(a))
  heading <- capture.output(cat(attr(a, "heading"), sep = "\n"))
  c(list(id = "D93_anova_chisq", kind = "anova", r = "anova(fit, test = \"Chisq\")",
         heading = I(attr(a, "heading")), heading_lines = I(heading[nzchar(heading)]),
         legend = sub("^Signif. codes:  ", "", grep("^Signif. codes:", lines, value = TRUE))),
    table_cells(lines, as.matrix(a)))
}
plain_frame <- data.frame(`a|b` = c(1.5, 2.25), n = c(3, 10), small = c(0.000123, 45.6),
                          row.names = c("x|y", "z"), check.names = FALSE)
out$tables <- list(
  summaries = lapply(names(fit_code), summary_table),
  coeftest = coeftest_table(),
  anova = anova_table(),
  # a data frame: each numeric column as format(column, digits = 5) (integers as such)
  frame = list(rownames = I(rownames(plain_frame)), colnames = I(colnames(plain_frame)),
               columns = columns_of(plain_frame),
               cells = I(unname(vapply(plain_frame, function(v) trimws(format(v, digits = 5)),
                                       character(nrow(plain_frame)))))))

## ---------------------------------------------------------------- write
write_json_file(out, "tests/reference/printing.json")
