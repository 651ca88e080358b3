# R reference for rglm.lrtest: tests/reference/lrtest.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_lrtest.R
# Needs lmtest, MASS, lme4 and jsonlite.  The UTF-8 locale gives the curly quotes of the
# significance legend, as an R user sees them.
#
# lmtest::lrtest (0.9-40 here; lrtest.default has not changed since 0.9-38, so current
# lmtest prints the same) on glm, glm.nb and glmer fits: the table (#Df, LogLik, Df,
# Chisq, Pr(>Chisq)), its printout, its warnings, or its error.  Models given as fits,
# as a formula, as term labels and as term numbers (lrtest's modelUpdate), one model
# alone (compared with `. ~ 1`).
#
# print.anova of a glmer comparison is the same in lme4 1.1-31 and current lme4: the
# printout is lmtest's, and logLik.merMod's value, df and nobs have not changed.
#
# Output: {"r_version", "packages", "cases": [...]}; a case: id, data (datasets used),
# setup_r / setup_py (statements fitting the models), r / py (the lrtest call and its
# rglm translation), and R's colnames, rownames, values (rows), heading, print,
# warnings; or error.  Numbers at full double precision (json_nums() in common.R);
# NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(lmtest)
  library(MASS, exclude = "select")
  library(lme4)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "lrtest.json")
data_env <- rglm_data_env(c("birthwt", "quine", "cbpp", "esoph", "airquality"))

case <- function(id, data, setup_r, setup_py, r, py)
  list(id = id, data = data, setup_r = setup_r, setup_py = setup_py, r = r, py = py)

BW_R <- paste(
  "m1 <- glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)",
  "m2 <- glm(low ~ age + lwt + smoke, family = binomial, data = birthwt)",
  "m3 <- glm(low ~ lwt, family = binomial, data = birthwt)", sep = "\n")
BW_PY <- paste(
  "m1 = rglm.glm('low ~ age + lwt + factor(race) + smoke', data=birthwt, family=rglm.binomial())",
  "m2 = rglm.glm('low ~ age + lwt + smoke', data=birthwt, family=rglm.binomial())",
  "m3 = rglm.glm('low ~ lwt', data=birthwt, family=rglm.binomial())", sep = "\n")
NB_R <- paste(
  "n1 <- glm.nb(Days ~ Sex + Age + Eth + Lrn, data = quine)",
  "n2 <- glm.nb(Days ~ Sex + Eth, data = quine)", sep = "\n")
NB_PY <- paste(
  "n1 = rglm.glm_nb('Days ~ Sex + Age + Eth + Lrn', data=quine)",
  "n2 = rglm.glm_nb('Days ~ Sex + Eth', data=quine)", sep = "\n")
MER_R <- paste(
  "g1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), family = binomial, data = cbpp)",
  "g0 <- glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd), family = binomial, data = cbpp)",
  "gl <- glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp)",
  sep = "\n")
MER_PY <- paste(
  "g1 = rglm.glmer('cbind(incidence, size - incidence) ~ period + (1 | herd)', data=cbpp, family=rglm.binomial())",
  "g0 = rglm.glmer('cbind(incidence, size - incidence) ~ 1 + (1 | herd)', data=cbpp, family=rglm.binomial())",
  "gl = rglm.glm('cbind(incidence, size - incidence) ~ period', data=cbpp, family=rglm.binomial())",
  sep = "\n")
LONG_R <- paste(
  "e1 <- glm(cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp + agegp:tobgp, family = binomial, data = esoph)",
  "e2 <- glm(cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp, family = binomial, data = esoph)",
  sep = "\n")
LONG_PY <- paste(
  "e1 = rglm.glm('cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp + agegp:tobgp', data=esoph, family=rglm.binomial())",
  "e2 = rglm.glm('cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp', data=esoph, family=rglm.binomial())",
  sep = "\n")
AQ_R <- paste(
  "a1 <- glm(Ozone ~ Wind + Temp, family = poisson, data = airquality)",
  "a2 <- glm(Ozone ~ Wind + Temp + Solar.R, family = poisson, data = airquality)",
  sep = "\n")
AQ_PY <- paste(
  "a1 = rglm.glm('Ozone ~ Wind + Temp', data=airquality, family=rglm.poisson())",
  "a2 = rglm.glm('Ozone ~ Wind + Temp + Solar.R', data=airquality, family=rglm.poisson())",
  sep = "\n")

CASES <- list(
  case("glm_two", "birthwt", BW_R, BW_PY, "lrtest(m1, m2)", "rglm.lrtest(m1, m2)"),
  case("glm_three", "birthwt", BW_R, BW_PY, "lrtest(m3, m2, m1)",
       "rglm.lrtest(m3, m2, m1)"),
  case("glm_alone", "birthwt", BW_R, BW_PY, "lrtest(m2)", "rglm.lrtest(m2)"),
  case("glm_formula", "birthwt", BW_R, BW_PY, "lrtest(m1, . ~ . - smoke)",
       "rglm.lrtest(m1, '. ~ . - smoke')"),
  case("glm_terms", "birthwt", BW_R, BW_PY, 'lrtest(m1, c("age", "smoke"))',
       "rglm.lrtest(m1, ['age', 'smoke'])"),
  case("glm_numbers", "birthwt", BW_R, BW_PY, "lrtest(m1, 3, 1)",
       "rglm.lrtest(m1, 3, 1)"),
  case("glm_unknown_term", "birthwt", BW_R, BW_PY, 'lrtest(m1, c("age", "ht"))',
       "rglm.lrtest(m1, ['age', 'ht'])"),
  case("glm_long_formula", "esoph", LONG_R, LONG_PY, "lrtest(e1, e2)",
       "rglm.lrtest(e1, e2)"),
  case("glm_nobs_differ", "airquality", AQ_R, AQ_PY, "lrtest(a1, a2)",
       "rglm.lrtest(a1, a2)"),
  case("negbin_two", "quine", NB_R, NB_PY, "lrtest(n1, n2)", "rglm.lrtest(n1, n2)"),
  case("glmer_two", "cbpp", MER_R, MER_PY, "lrtest(g0, g1)", "rglm.lrtest(g0, g1)"),
  case("glmer_vs_glm", "cbpp", MER_R, MER_PY, "lrtest(g1, gl)", "rglm.lrtest(g1, gl)"),
  # the class warning compares each model with the first one's class, not the previous
  case("glmer_glm_glmer", "cbpp", MER_R, MER_PY, "lrtest(g1, gl, g0)",
       "rglm.lrtest(g1, gl, g0)")
)

run_case <- function(cs) {
  env <- new.env(parent = data_env)
  for (line in strsplit(cs$setup_r, "\n")[[1]]) eval(parse(text = line)[[1]], envir = env)
  res <- eval_collecting(cs$r, env, catch_error = TRUE)
  out <- cs
  out$warnings <- I(res$warnings)
  if (!is.null(res$error)) {
    out$error <- res$error
    return(out)
  }
  tab <- res$value
  out$colnames <- I(colnames(tab))
  out$rownames <- I(rownames(tab))
  out$values <- json_rows(as.matrix(tab))
  out$heading <- I(attr(tab, "heading"))
  out$print <- printed(print(tab))
  out
}

result <- list(
  r_version = R.version.string,
  packages = list(lmtest = as.character(packageVersion("lmtest")),
                  lme4 = as.character(packageVersion("lme4")),
                  MASS = as.character(packageVersion("MASS"))),
  cases = lapply(CASES, run_case))
write_json_file(result, out_file)
cat("wrote", out_file, "\n")
