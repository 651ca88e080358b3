# lme4's vcov(fit, use.hessian = FALSE) on glmer fits with a Hessian-based vcov: the RX
# matrix and the warning lme4 issues when the two differ (its threshold 1e-4 is pasted as
# R prints it, "1e-04"). The text is the same in lme4 1.1-31 (installed here) and current
# lme4 (vcov.merMod unchanged), so no conversion applies.
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_mixed_vcov.R
# Writes tests/reference/mixed_vcov.json (read by tests/models/mixed/test_vcov.py).

suppressPackageStartupMessages(library(lme4))
source(file.path("tests", "reference", "common.R"))

cbpp <- read_rglm_dataset("cbpp")
grouseticks <- read_rglm_dataset("grouseticks")

CASES <- list(
  list(id = "cbpp_laplace",
       r = "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial())",
       py = 'rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp, family=rglm.binomial())',
       data = "cbpp"),
  list(id = "grouseticks_poisson",
       r = "glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD), data = grouseticks, family = poisson())",
       py = 'rglm.glmer("TICKS ~ YEAR + cHEIGHT + (1 | BROOD)", data=grouseticks, family=rglm.poisson())',
       data = "grouseticks")
)

record <- function(case) {
  m <- eval(parse(text = case$r))
  warned <- character(0)
  V <- withCallingHandlers(
    as.matrix(vcov(m, use.hessian = FALSE)),
    warning = function(w) {
      warned <<- c(warned, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(id = case$id, r = case$r, py = case$py, data = case$data,
       names = I(colnames(V)), vcov_rx = json_rows(V), warnings = I(warned))
}

write_json_file(list(r_version = R.version.string,
                     lme4_version = as.character(packageVersion("lme4")),
                     cases = lapply(CASES, record)),
                file.path("tests", "reference", "mixed_vcov.json"))
