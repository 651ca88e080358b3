# R's print of the pandas objects rglm returns as R vectors, matrices and data frames
# (rglm.RVector / RMatrix / RFrame), under R's options(digits, width); R's `$` partial
# matching; R's names of a logical factor's coefficients: tests/reference/rprint.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_rprint.R
#
# Each case: `r` (the R expression printed), `py` (rglm's translation, evaluated by
# tests/render/test_rframes.py in a namespace holding the fits made by `setup_py`),
# `digits`/`width` (the options in force) and `out` (capture.output(print(value)) joined
# with newlines, final newline added). `values` cases hold numbers instead of text.
# print.default of vectors, matrices and data frames is the same in R 4.2 and current R
# (>= 4.3/4.4), so no conversion is needed here.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))

clotting <- read_rglm_dataset("clotting")
budworm <- read_rglm_dataset("budworm")
birthwt <- read_rglm_dataset("birthwt")
quine <- read_rglm_dataset("quine")

budworm$SF <- cbind(budworm$numdead, budworm$numalive)
clot <- glm(lot1 ~ log(u), family = Gamma, data = clotting)
bud <- glm(SF ~ sex * ldose, family = binomial, data = budworm)
bw <- with(birthwt, data.frame(low = low, age = age, lwt = lwt,
                               race = factor(race, labels = c("white", "black", "other")),
                               smoke = smoke > 0, ptd = factor(ptl > 0)))
bw.glm <- glm(low ~ ., family = binomial, data = bw)
bw.step <- step(bw.glm, trace = 0)
nb <- glm.nb(Days ~ Eth + Sex + Age + Lrn, data = quine)

setup_py <- paste(
  'clot = rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting)',
  'bud = rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)',
  paste0('bw = pd.DataFrame({"low": birthwt["low"], "age": birthwt["age"], ',
         '"lwt": birthwt["lwt"], "race": pd.Categorical.from_codes(birthwt["race"] - 1, ',
         '["white", "black", "other"]), "smoke": birthwt["smoke"] > 0, ',
         '"ptd": pd.Categorical(birthwt["ptl"] > 0)})'),
  'bw_glm = rglm.glm("low ~ .", family=rglm.binomial, data=bw)',
  'bw_step = rglm.step(bw_glm, trace=0)',
  'nb = rglm.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=quine)',
  sep = "\n")

cases <- list()
add <- function(id, r, py, digits = 7, width = 80) {
  old <- options(digits = digits, width = width)
  on.exit(options(old))
  value <- eval(parse(text = r))
  out <- paste0(paste(capture.output(print(value)), collapse = "\n"), "\n")
  cases[[length(cases) + 1]] <<- list(id = id, r = r, py = py, digits = digits,
                                      width = width, out = out)
}

for (o in list(c(7, 80), c(5, 65), c(3, 30))) {
  tag <- sprintf("_d%d_w%d", o[1], o[2])
  add(paste0("coef_clot", tag), "coef(clot)", "rglm.coef(clot)", o[1], o[2])
  add(paste0("coef_bud", tag), "coef(bud)", "rglm.coef(bud)", o[1], o[2])
  add(paste0("summary_coef_bud", tag), "summary(bud)$coefficients",
      'rglm.summary(bud)["coefficients"]', o[1], o[2])
  add(paste0("vcov_bud", tag), "vcov(bud)", "rglm.vcov(bud)", o[1], o[2])
  add(paste0("confint_default_bud", tag), "confint.default(bud)",
      "rglm.confint_default(bud)", o[1], o[2])
  add(paste0("residuals_clot", tag), "residuals(clot)", "rglm.residuals(clot)", o[1], o[2])
  add(paste0("step_anova", tag), "bw.step$anova", 'bw_step["anova"]', o[1], o[2])
  add(paste0("theta_SE", tag), "c(theta = nb$theta, SE = nb$SE)",
      'rglm.RVector({"theta": nb.theta, "SE": nb["SE"]})', o[1], o[2])
  add(paste0("mean_fitted", tag), "mean(fitted(clot))",
      "rglm.RVector(np.mean(rglm.fitted(clot)))", o[1], o[2])
  add(paste0("sorted_unnamed", tag), "sort(unname(fitted(bud)))",
      "rglm.RVector(np.sort(rglm.fitted(bud).to_numpy()))", o[1], o[2])
  add(paste0("logical_named", tag), "fitted(bud) > 0.5", "rglm.fitted(bud) > 0.5",
      o[1], o[2])
}
add("coef_logical_factor", "coef(bw.glm)", "rglm.coef(bw_glm)")
add("dollar_df_resid", "clot$df.resid", 'rglm.RVector(clot["df.resid"])')
add("dollar_summary_coef", "summary(clot)$coef", 'rglm.summary(clot)["coef"]')
add("dollar_nb_SE", "nb$SE", 'rglm.RVector(nb["SE"])')

ambiguous <- list(
  list(r = "clot$df", py = 'clot["df"]', r_value = is.null(clot$df)),
  list(r = "summary(clot)$cov", py = 'rglm.summary(clot)["cov"]',
       r_value = is.null(summary(clot)$cov))
)

write_json_file(list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  datasets = c("clotting", "budworm", "birthwt", "quine"),
  setup_py = setup_py,
  cases = cases,
  ambiguous = ambiguous
), file.path("tests", "reference", "rprint.json"))
