# R reference for the `rglm` console command: tests/reference/cli.json.
#
# Run from the repository root (after make_datasets.R and make_mixed.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_cli.R
#
# `rglm fit FORMULA --data NAME --family FAMILY [--weights W] [--offset O] [--anova]
# [--confint]` prints summary(glm(...)) of a bundled dataset, then anova(fit) and
# confint(fit) when asked for; a family given as a bare name ("Gamma") is passed to
# glm() as a string, one given as a call ("binomial()", 'binomial(link = "probit")') as
# the family object; no --family leaves it out of the call (gaussian).  --weights and
# --offset are R expressions in the data (rglm/cli/).  Each case holds the command's
# arguments, the R code they stand for (run as a script: each visible value printed) and
# what R prints for it.  (The command without arguments prints the Dobson summary of
# glm_models.json, model "dobson_poisson".)
#
# `rglm glmer FORMULA --data D --family F [--offset O] [--nAGQ n]` and `rglm lmer ...`
# print lme4's summary(fit).  Their texts are those make_mixed.R makes for current lme4
# (mixed.json, "summary_print": lme4 1.1-31 here, converted to the current layout
# there): each mixed case names its mixed.json model, whose call this script checks is
# the one the arguments stand for; the test reads the text from mixed.json (so a
# regenerated mixed.json, which regenerate.sh makes after this script, is used as is,
# and the test checks the call again).
#
# Version differences handled here (R here is 4.2; rglm prints current R):
#  * R >= 4.3 summary layout: summary_to_r43() (common.R) removes the Deviance
#    Residuals block of R 4.2's print.summary.glm.
#  * R >= 4.4 anova(fit) tests by default (R 4.4.0 NEWS: "anova() for glm computes test
#    statistics and p-values by default, chi-squared or F depending on whether the
#    dispersion is fixed or free"): `rglm fit --anova` prints R >= 4.4's anova(fit),
#    written here as R 4.2's anova(fit, test = "Chisq") for binomial and poisson and
#    anova(fit, test = "F") for Gamma, which R 4.4 computes the same way (see
#    make_anova.R, which checks the R >= 4.4 rules case by case).
#  * confint(fit) of a glm: profile-likelihood intervals by MASS's confint.glm on R 4.2,
#    by the same code moved into stats in R 4.4.0; its "Waiting for profiling to be
#    done..." is a message (standard error), not printed output.
#
# Datasets are read back from data/*.csv (read_rglm_dataset() in common.R).
#
# Output: {"r_version", "cases": [{"id", "argv", "r", "print"}],
#          "mixed_cases": [{"id", "argv", "model", "r"}]}.

suppressPackageStartupMessages(library(jsonlite))
suppressPackageStartupMessages(library(MASS))
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "cli.json")
data_env <- rglm_data_env(c("budworm", "clotting", "menarche", "Insurance"))

case <- function(id, argv, r) list(id = id, argv = argv, r = r)

CASES <- list(
  case("gamma_by_name", c("fit", "lot1 ~ log(u)", "--data", "clotting", "--family", "Gamma"),
       'summary(glm(formula = lot1 ~ log(u), family = "Gamma", data = clotting))'),
  case("binomial_object",
       c("fit", "cbind(numdead, numalive) ~ sex * ldose", "--data", "budworm",
         "--family", "binomial()"),
       'summary(glm(formula = cbind(numdead, numalive) ~ sex * ldose, family = binomial(), data = budworm))'),
  case("gaussian_by_default", c("fit", "lot2 ~ log(u)", "--data", "clotting"),
       'summary(glm(formula = lot2 ~ log(u), data = clotting))'),
  case("family_call_with_link",
       c("fit", "cbind(numdead, numalive) ~ sex + ldose", "--data", "budworm",
         "--family", 'binomial(link = "probit")'),
       'summary(glm(formula = cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = "probit"), data = budworm))'),
  case("weights", c("fit", "Menarche/Total ~ Age", "--data", "menarche", "--family",
                    "binomial()", "--weights", "Total"),
       'summary(glm(formula = Menarche/Total ~ Age, family = binomial(), data = menarche, weights = Total))'),
  case("offset", c("fit", "Claims ~ District + Group + Age", "--data", "Insurance",
                   "--family", "poisson()", "--offset", "log(Holders)"),
       'summary(glm(formula = Claims ~ District + Group + Age, family = poisson(), data = Insurance, offset = log(Holders)))'),
  case("anova_binomial", c("fit", "cbind(numdead, numalive) ~ sex * ldose", "--data",
                           "budworm", "--family", "binomial()", "--anova"),
       paste('fit <- glm(formula = cbind(numdead, numalive) ~ sex * ldose, family = binomial(), data = budworm)',
             'summary(fit)', 'anova(fit, test = "Chisq")', sep = "\n")),
  case("anova_gamma", c("fit", "lot1 ~ log(u)", "--data", "clotting", "--family", "Gamma",
                        "--anova"),
       paste('fit <- glm(formula = lot1 ~ log(u), family = "Gamma", data = clotting)',
             'summary(fit)', 'anova(fit, test = "F")', sep = "\n")),
  case("anova_and_confint", c("fit", "cbind(numdead, numalive) ~ sex + ldose", "--data",
                              "budworm", "--family", "binomial()", "--anova", "--confint"),
       paste('fit <- glm(formula = cbind(numdead, numalive) ~ sex + ldose, family = binomial(), data = budworm)',
             'summary(fit)', 'anova(fit, test = "Chisq")', 'confint(fit)', sep = "\n"))
)

cases <- lapply(CASES, function(cs) {
  res <- run_statements(cs$r, data_env)
  if (length(res$warnings)) stop(cs$id, ": unexpected warnings")
  if (!all(res$messages == "Waiting for profiling to be done...")) {
    stop(cs$id, ": unexpected messages")
  }
  list(id = cs$id, argv = I(cs$argv), r = cs$r, print = text_of(summary_to_r43(res$output)))
})

# ---- glmer / lmer: lme4's summaries from mixed.json ------------------------------------

mixed <- fromJSON(file.path("tests", "reference", "mixed.json"), simplifyVector = FALSE)
mixed_case <- function(id, argv, model, r) list(id = id, argv = argv, model = model, r = r)

MIXED <- list(
  mixed_case("glmer_offset",
             c("glmer", "incidence ~ period + (1 | herd)", "--data", "cbpp", "--family",
               "poisson()", "--offset", "log(size)"),
             "cbpp_poisson_offset_argument",
             "glmer(incidence ~ period + (1 | herd), data = cbpp, family = poisson(), offset = log(size))"),
  mixed_case("glmer_nagq",
             c("glmer", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--data",
               "cbpp", "--family", "binomial()", "--nAGQ", "9"),
             "cbpp_nagq9",
             "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial(), nAGQ = 9)"),
  mixed_case("lmer_reml", c("lmer", "Yield ~ 1 + (1 | Batch)", "--data", "Dyestuff"),
             "dyestuff", "lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff)")
)

mixed_cases <- lapply(MIXED, function(cs) {
  m <- Filter(function(x) identical(x$id, cs$model), mixed$models)
  if (length(m) != 1) stop(cs$id, ": no mixed.json model ", cs$model)
  m <- m[[1]]
  if (!identical(m$r, cs$r)) stop(cs$id, ": mixed.json's call is ", m$r)
  if (length(m$summary_conditions)) stop(cs$id, ": the summary has conditions")
  list(id = cs$id, argv = I(cs$argv), model = cs$model, r = cs$r)
})

write_json_file(list(r_version = R.version.string, cases = cases,
                     mixed_cases = mixed_cases), out_file)
cat("wrote", out_file, "\n")
