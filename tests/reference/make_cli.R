# R reference for the `rglm fit` console command: tests/reference/cli.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_cli.R
#
# `rglm fit FORMULA --data NAME --family FAMILY` prints summary(glm(...)) of a bundled
# dataset; a family given as a bare name ("Gamma") is passed to glm() as a string, one
# given with parentheses ("binomial()") as the family object (rglm/cli/__init__.py).
# Each case holds the command's arguments, the R call they stand for and what R
# prints for it.  (The command without arguments prints the Dobson summary of
# glm_models.json, model "dobson_poisson".)
#
# Datasets are read back from data/*.csv (read_rglm_dataset() in common.R).  R here is
# 4.2; rglm prints the R >= 4.3 summary layout: summary_to_r43() (common.R) removes the
# Deviance Residuals block.
#
# Output: {"r_version", "cases": [{"id", "argv", "r", "print"}]}.

suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "cli.json")
data_env <- rglm_data_env(c("budworm", "clotting"))

case <- function(id, argv, r) list(id = id, argv = argv, r = r)

CASES <- list(
  case("gamma_by_name", c("fit", "lot1 ~ log(u)", "--data", "clotting", "--family", "Gamma"),
       'summary(glm(formula = lot1 ~ log(u), family = "Gamma", data = clotting))'),
  case("binomial_object",
       c("fit", "cbind(numdead, numalive) ~ sex * ldose", "--data", "budworm",
         "--family", "binomial()"),
       'summary(glm(formula = cbind(numdead, numalive) ~ sex * ldose, family = binomial(), data = budworm))')
)

cases <- lapply(CASES, function(cs) {
  res <- eval_collecting(sprintf("print(%s)", cs$r), data_env)
  if (length(res$warnings)) stop(cs$id, ": unexpected warnings")
  list(id = cs$id, argv = I(cs$argv), r = cs$r, print = text_of(summary_to_r43(res$output)))
})

write_json_file(list(r_version = R.version.string, cases = cases), out_file)
cat("wrote", out_file, "\n")
