# R reference for the noise-aware comparison of printed text: tests/reference/noise.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_noise.R
# Needs jsonlite and lmtest.  The UTF-8 locale gives the curly quotes of the
# significance legend, as an R user sees them.
#
# A coefficient that is zero in exact arithmetic (Dobson's treatment2 and treatment3) is
# printed as rounding noise whose digits and sign depend on the BLAS kernel of the
# machine (R here prints 1.218e-15; rglm prints 3.713e-16 or -2.470e-16 depending on the
# kernel), and a sign changes the widths of the printed columns.  This script has R print
# each text twice over: with R's own values ("base") and with the noise entries replaced
# by other noise values ("variants"), so that the test of the comparator
# (tests/test_printed_noise.py) sees R's own layout for every noise it accepts.  The
# replacement values are inputs (noise of the size rglm meets on different kernels, an
# exact zero, signs flipped); everything else in each text is R's.
#
# Output: {"r_version", "packages", "texts": [...]}; each text: id, r (the R code that
# prints it, with `fit` the model and `v` the noise values), values (the numbers printed
# whose scale decides what is noise: the coefficients, the vector, the table's cells
# but its p-values), base (R's text), and variants: [{id, values (with the replacement
# noise), text}].  Summaries in the R >= 4.3
# layout (summary_to_r43() in common.R: R 4.2 prints a "Deviance Residuals" block that
# R >= 4.3 omits).

suppressPackageStartupMessages({
  library(jsonlite)
  library(lmtest)
})
source(file.path("tests", "reference", "common.R"))
options(digits = 7, width = 80, scipen = 0, OutDec = ".", show.signif.stars = TRUE,
        useFancyQuotes = TRUE)

out_file <- file.path("tests", "reference", "noise.json")
dobson <- read_rglm_dataset("dobson")

D93 <- glm(counts ~ outcome + treatment, family = poisson(), data = dobson)
D93_minus_one <- glm(counts ~ outcome + treatment - 1, family = poisson(), data = dobson)
NOISY <- c("treatment2", "treatment3")

# Replacement values for the two noise coefficients: small multiples of 2^-56, as
# rounding noise is, so that their decimal digits do not stop early (R prints as few
# digits as the values need; noise needs them all).
VARIANTS <- lapply(list(
  negative = c(-17, -13),
  mixed = c(27, -19),
  smaller = c(57, -5),
  zero = c(0, 43)
), function(k) k * 2^-56)

# print.glm with the noise coefficients set to `v`.
print_glm <- function(fit, v) {
  fit$coefficients[NOISY] <- v
  printed(print(fit))
}

# print.summary.glm (R >= 4.3 layout) with the noise estimates set to `v` and their z
# values and p-values recomputed as summary.glm does.
print_summary <- function(fit, v) {
  s <- summary(fit)
  cf <- s$coefficients
  cf[NOISY, "Estimate"] <- v
  cf[NOISY, "z value"] <- v / cf[NOISY, "Std. Error"]
  cf[NOISY, "Pr(>|z|)"] <- 2 * pnorm(-abs(cf[NOISY, "z value"]))
  s$coefficients <- cf
  text_of(summary_to_r43(capture.output(print(s))))
}

# lmtest's print.coeftest with the noise estimates set to `v` (z test, as coeftest(fit)).
print_coeftest <- function(fit, v) {
  ct <- coeftest(fit)
  ct[NOISY, 1] <- v
  ct[NOISY, 3] <- v / ct[NOISY, 2]
  ct[NOISY, 4] <- 2 * pnorm(-abs(ct[NOISY, 3]))
  printed(print(ct))
}

# A named vector printed with 3 significant digits whose noise entry is its widest when
# negative: the sign changes the common width of every entry (print.default formats
# them together), so every column shifts.  Not with an exact zero: R then prints the
# whole vector in fixed notation, a change of more than the noise.
VECTOR <- c(a = 1.5, b = 2.25, c = 0.75, noise = 1.2175e-15)
print_vector <- function(v) {
  x <- VECTOR
  x["noise"] <- v
  printed(print(x, digits = 3))
}

# `values` with its noise entries (`noisy`, names) set to `v` (recycled).
with_noise <- function(values, noisy, v) {
  values[noisy] <- v
  values
}

# add1's table for Dobson's treatment (its effect is exactly 0: R's LRT is 6.2172e-15)
# with the LRT set to `v` and its p-value recomputed: a column of nothing but noise,
# which R prints as "0" when the noise happens to be exactly 0.
D93_outcome <- glm(counts ~ outcome, family = poisson(), data = dobson)
ADD1 <- add1(D93_outcome, ~ . + treatment, test = "Chisq")
ADD1_VALUES <- c(Df = ADD1$Df, Deviance = ADD1$Deviance, AIC = ADD1$AIC, LRT = ADD1$LRT)
print_add1 <- function(v) {
  a <- ADD1
  a$LRT[2] <- v
  a[["Pr(>Chi)"]][2] <- pchisq(v, a$Df[2], lower.tail = FALSE)
  printed(print(a))
}

text_case <- function(id, r, values, noisy, make, variants = names(VARIANTS)) {
  list(id = id, r = r, values = json_nums(values), base = make(values[noisy]),
       variants = lapply(variants, function(nm) {
         v <- VARIANTS[[nm]][seq_along(noisy)]
         list(id = nm, values = json_nums(with_noise(values, noisy, v)), text = make(v))
       }))
}

texts <- list(
  text_case("print_glm_D93", "fit$coefficients[NOISY] <- v; print(fit)", coef(D93), NOISY,
            function(v) print_glm(D93, v)),
  text_case("summary_D93", "print(summary(fit)), NOISY estimates set to v",
            coef(D93), NOISY, function(v) print_summary(D93, v)),
  text_case("summary_D93_minus_one", "print(summary(fit)), NOISY estimates set to v",
            coef(D93_minus_one), NOISY, function(v) print_summary(D93_minus_one, v)),
  text_case("coeftest_D93", "print(coeftest(fit)), NOISY estimates set to v",
            coef(D93), NOISY, function(v) print_coeftest(D93, v)),
  text_case("named_vector", "x['noise'] <- v; print(x, digits = 3)", VECTOR, "noise",
            print_vector, c("negative", "mixed", "smaller")),
  text_case("add1_D93", "add1(fit, ~ . + treatment, test = \"Chisq\"), LRT set to v",
            ADD1_VALUES, "LRT2", print_add1, c("mixed", "smaller", "zero"))
)

write_json_file(list(
  r_version = R.version.string,
  packages = list(lmtest = as.character(packageVersion("lmtest"))),
  texts = texts
), out_file)
cat("wrote", out_file, "\n")
