# R reference for the printed text of rglm's bigglm fits: tests/reference/bigglm.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_bigglm.R
#
# The oracle is glm(), not biglm.  rglm.bigglm() runs glm()'s IRLS chunk by chunk and
# claims glm()'s numbers and glm()'s printouts (print.glm, print.summary.glm,
# anova.glmlist), under its own call; biglm::bigglm approximates glm() with its own
# updating QR and prints another layout ("Large data regression model: ..."), which
# rglm does not imitate.  (biglm is not in Debian's archive either, so it could not be
# run here.)  Each case therefore fits glm() on the same data and replaces the fit's
# `call` by the bigglm() call that the Python test makes: print.glm and
# print.summary.glm print `x$call` as stored, so the text is what glm() prints for the
# call rglm shows.
#
# Datasets are read back from data/*.csv (read_rglm_dataset() in common.R), so R and
# rglm fit the same bytes.
#
# Output: {"r_version", "note", "cases": [...]}.  Each case: `id`, `data` (the
# datasets the Python side binds), `setup_r` / `setup_py` (code run first, in R and in
# Python), `r` (the R expression printed, after `setup_r`), `py` (its rglm translation,
# evaluated after `setup_py` in a namespace holding rglm, np, pd and the datasets),
# `calls` (the bigglm() call standing in for each glm() call of `r`, in order), and
# `print`: what R printed.
#
# R here is 4.2; rglm prints R >= 4.4 (r-glm-behaviour.md §7.3, §7.5, §9):
#  * print.summary.glm: summary_to_r43() (common.R) removes R 4.2's Deviance Residuals
#    block;
#  * anova() of two fits without a `test`: R >= 4.4 adds an F test when the biggest
#    model's family has a free dispersion (Gamma) and a chi-squared test when it is
#    fixed (poisson); R 4.2 adds none.  anova_r44() below passes that test explicitly,
#    after checking that R 4.2 then divides by the same F denominator df as R >= 4.4
#    (R 4.2: the smallest residual df unless the dispersion is exactly 1; R >= 4.4: the
#    biggest model's residual df).  anova(..., test = "Cp") is the same in both.

suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "bigglm.json")

DATASETS <- c("clotting", "dobson")
data_env <- rglm_data_env(DATASETS)

# Families of stats whose R >= 4.3 `dispersion` element is NA (estimated).
FREE_DISPERSION <- c("gaussian", "Gamma", "inverse.gaussian", "quasi", "quasibinomial",
                     "quasipoisson")

anova_r44 <- function(m1, m2) {
  big <- if (m2$df.residual <= m1$df.residual) m2 else m1
  free <- big$family$family %in% FREE_DISPERSION
  if (free && summary(big)$dispersion == 1) {
    stop("anova_r44: R 4.2 would use an infinite F denominator df here")
  }
  anova(m1, m2, test = if (free) "F" else "Chisq")
}

# anova(m1, m2, dispersion = <given>, test = "F") for a family with a free dispersion:
# R 4.2 divides by the smallest residual df (the given dispersion is not 1), R >= 4.4 by
# the biggest model's residual df; this checks that they are the same here.
anova_given_dispersion <- function(m1, m2, dispersion) {
  big <- if (m2$df.residual <= m1$df.residual) m2 else m1
  if (!(big$family$family %in% FREE_DISPERSION) || dispersion == 1 ||
      big$df.residual != min(m1$df.residual, m2$df.residual)) {
    stop("anova_given_dispersion: R 4.2 and R >= 4.4 would differ here")
  }
  anova(m1, m2, dispersion = dispersion, test = "F")
}

# A glm() fit carrying the bigglm() call `call` (text), as rglm prints it.
as_bigglm <- function(fit, call) {
  fit$call <- str2lang(call)
  fit
}

case <- function(id, r, py, calls, setup_r = NULL, setup_py = NULL) {
  list(id = id, r = r, py = py, calls = calls, setup_r = setup_r, setup_py = setup_py)
}

NA_SETUP_R <- "clotting_na <- clotting; clotting_na$lot1[3] <- NA; clotting_na$u[7] <- NA"
NA_SETUP_PY <- paste0("clotting_na = clotting.copy()\n",
                      "clotting_na.loc[2, 'lot1'] = np.nan\n",
                      "clotting_na.loc[6, 'u'] = np.nan")

CASES <- list(
  case("summary_aliased",
       'summary(glm(lot2 ~ log(u) + log(u^2), family = Gamma, data = clotting))',
       'rglm.summary(rglm.bigglm("lot2 ~ log(u) + log(u^2)", clotting, family=rglm.Gamma, chunksize=4))',
       'bigglm(formula = lot2 ~ log(u) + log(u^2), data = clotting, family = Gamma, chunksize = 4)'),
  case("print_aliased",
       'glm(lot2 ~ log(u) + log(u^2), family = Gamma, data = clotting)',
       'rglm.bigglm("lot2 ~ log(u) + log(u^2)", clotting, family=rglm.Gamma, chunksize=4)',
       'bigglm(formula = lot2 ~ log(u) + log(u^2), data = clotting, family = Gamma, chunksize = 4)'),
  case("print_na_rows",
       'glm(lot1 ~ log(u), family = Gamma, data = clotting_na)',
       'rglm.bigglm("lot1 ~ log(u)", clotting_na, family=rglm.Gamma, chunksize=3)',
       'bigglm(formula = lot1 ~ log(u), data = clotting_na, family = Gamma, chunksize = 3)',
       NA_SETUP_R, NA_SETUP_PY),
  case("summary_na_rows_correlation",
       'summary(glm(lot1 ~ log(u), family = Gamma, data = clotting_na), correlation = TRUE)',
       'rglm.summary(rglm.bigglm("lot1 ~ log(u)", clotting_na, family=rglm.Gamma, chunksize=3), correlation=True)',
       'bigglm(formula = lot1 ~ log(u), data = clotting_na, family = Gamma, chunksize = 3)',
       NA_SETUP_R, NA_SETUP_PY),
  case("anova_gamma_f",
       'anova_r44(glm(lot1 ~ log(u), family = Gamma, data = clotting), glm(lot1 ~ log(u) + u, family = Gamma, data = clotting))',
       'rglm.anova(rglm.bigglm("lot1 ~ log(u)", clotting, family=rglm.Gamma, chunksize=4), rglm.bigglm("lot1 ~ log(u) + u", clotting, family=rglm.Gamma, chunksize=4))',
       c('bigglm(formula = lot1 ~ log(u), data = clotting, family = Gamma, chunksize = 4)',
         'bigglm(formula = lot1 ~ log(u) + u, data = clotting, family = Gamma, chunksize = 4)')),
  case("anova_gamma_f_dispersion_given",
       'anova_given_dispersion(glm(lot1 ~ log(u), family = Gamma, data = clotting), glm(lot1 ~ log(u) + u, family = Gamma, data = clotting), dispersion = 0.002)',
       'rglm.anova(rglm.bigglm("lot1 ~ log(u)", clotting, family=rglm.Gamma, chunksize=4), rglm.bigglm("lot1 ~ log(u) + u", clotting, family=rglm.Gamma, chunksize=4), dispersion=0.002, test="F")',
       c('bigglm(formula = lot1 ~ log(u), data = clotting, family = Gamma, chunksize = 4)',
         'bigglm(formula = lot1 ~ log(u) + u, data = clotting, family = Gamma, chunksize = 4)')),
  case("anova_poisson_chisq",
       'anova_r44(glm(counts ~ outcome, family = poisson(), data = dobson), glm(counts ~ outcome * treatment, family = poisson(), data = dobson))',
       'rglm.anova(rglm.bigglm("counts ~ outcome", dobson, family=rglm.poisson(), chunksize=2), rglm.bigglm("counts ~ outcome*treatment", dobson, family=rglm.poisson(), chunksize=2))',
       c('bigglm(formula = counts ~ outcome, data = dobson, family = poisson(), chunksize = 2)',
         'bigglm(formula = counts ~ outcome * treatment, data = dobson, family = poisson(), chunksize = 2)')),
  case("anova_poisson_cp",
       'anova(glm(counts ~ outcome, family = poisson(), data = dobson), glm(counts ~ outcome * treatment, family = poisson(), data = dobson), test = "Cp")',
       'rglm.anova(rglm.bigglm("counts ~ outcome", dobson, family=rglm.poisson(), chunksize=2), rglm.bigglm("counts ~ outcome*treatment", dobson, family=rglm.poisson(), chunksize=2), test="Cp")',
       c('bigglm(formula = counts ~ outcome, data = dobson, family = poisson(), chunksize = 2)',
         'bigglm(formula = counts ~ outcome * treatment, data = dobson, family = poisson(), chunksize = 2)'))
)

# `r` with its i-th glm() call wrapped as as_bigglm(glm(...), calls[i]): the printed
# object then carries the bigglm() call.
with_bigglm_calls <- function(expr, calls) {
  i <- 0L
  walk <- function(e) {
    if (!is.call(e)) return(e)
    if (identical(e[[1L]], as.name("glm"))) {
      i <<- i + 1L
      return(call("as_bigglm", e, calls[[i]]))
    }
    as.call(lapply(as.list(e), walk))
  }
  out <- walk(expr)
  if (i != length(calls)) stop("number of glm() calls and bigglm() calls differ")
  out
}

cases <- lapply(CASES, function(cs) {
  env <- new.env(parent = data_env)
  if (!is.null(cs$setup_r)) eval(parse(text = cs$setup_r), envir = env)
  expr <- with_bigglm_calls(parse(text = cs$r, keep.source = FALSE)[[1L]], cs$calls)
  res <- collecting(print(eval(expr, envir = env)))
  if (length(res$warnings)) stop(cs$id, ": unexpected warnings")
  lines <- res$output
  if (grepl("^summary\\(", cs$r)) lines <- summary_to_r43(lines)
  c(cs[c("id", "r", "py", "setup_r", "setup_py")],
    list(calls = I(cs$calls), data = I(datasets_used(paste(c(cs$setup_r, cs$r), collapse = "\n"),
                                             DATASETS)),
         print = text_of(lines)))
})

write_json_file(list(
  r_version = R.version.string,
  note = paste("glm()'s printouts under the bigglm() call (rglm's bigglm claims glm's",
               "behaviour); R >= 4.3 summary layout and R >= 4.4 anova default test",
               "applied explicitly (see the script header)."),
  cases = cases), out_file)
cat("wrote", out_file, "\n")
