# MASS's model-selection tools and dose.p: tests/reference/mass.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_mass.R
#
# MASS::dropterm, addterm (their glm methods, and the default methods MASS uses for
# glm.nb fits, which refit each candidate with glm.nb), stepAIC and dose.p with its
# print, on glm and glm.nb fits of the rglm datasets (read back from data/*.csv, so R
# and rglm fit the same bytes), with their rglm translations.  Printed at R's default
# options (digits = 7, width = 80); ch07.R's options are make_ch07.R's.
#
# Output: {"r_version", "mass_version", "note", "models": [...], "cases": [...]}.
# Each model: `id`, `r` (the call R evaluates, bound to the name `id`), `py` (its rglm
# translation, bound to the same name by the tests), `data`.
# Each case: `id`, `kind` ("dropterm", "addterm", "stepAIC", "dose.p"), `r`, `py`
# (evaluated in a namespace holding `rglm`, the datasets and the models named in
# `models`), `models`, and what R gave:
#   * `error`: conditionMessage of the error (then nothing else), or
#   * `warnings`, `messages` (texts of message(), in order: the "trying - x" lines),
#     and per kind:
#     - dropterm/addterm: `table` (`colnames`, `rownames`, `columns`, one array per
#       column at full precision, NA -> null), `heading`, `print`;
#     - stepAIC: `trace` (what it printed on stdout), `table` (the `$anova` path,
#       `Step` as strings), `heading`, `anova_print` (print(fit$anova)), `formula`,
#       `coef_names`, `coefficients`, `deviance`, `fit_print`, `theta` (glm.nb fits),
#       `keep` (`rownames`, `columns`);
#     - dose.p: `names`, `dose`, `se`, `p`, `print`.
#
# MASS here is 7.3-58.2; current MASS (7.3-65, cran/MASS) behaves identically in these
# functions: between the two, R/add.R, R/stepAIC.R, R/dose.p.R and R/negbin.R changed
# only in addterm.glm's `contrasts =` -> `contrasts.arg =` (the argument partial
# matching already found), glm.nb's `w =` -> `weights =` (likewise) and
# extractAIC.loglm (not used here).  Nothing they print changed between R 4.2 and
# R >= 4.4 (print.anova, printCoefmat, format.data.frame, print.default of a matrix are
# the same), so no conversion is needed.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))  # rglm sorts character levels by code point

out_file <- file.path("tests", "reference", "mass.json")

dataset_names <- rglm_dataset_names()
data_env <- rglm_data_env(dataset_names)

model <- function(id, r, py) list(id = id, r = r, py = py)

MODELS <- list(
  model("budworm_lg", 'glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
  model("budworm_add", 'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial, data=budworm)'),
  model("budworm_lg0", 'glm(cbind(numdead, numalive) ~ sex + ldose - 1, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose - 1", family=rglm.binomial, data=budworm)'),
  model("budworm_ldose", 'glm(cbind(numdead, numalive) ~ ldose, family = binomial(link = "cloglog"), data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ ldose", family=rglm.binomial(link="cloglog"), data=budworm)'),
  model("menarche_logit", 'glm(cbind(Menarche, Total - Menarche) ~ Age, family = binomial, data = menarche)',
        'rglm.glm("cbind(Menarche, Total - Menarche) ~ Age", family=rglm.binomial, data=menarche)'),
  model("birthwt_full",
        'glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv, family = binomial, data = birthwt)',
        'rglm.glm("low ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv", family=rglm.binomial, data=birthwt)'),
  model("birthwt_small", 'glm(low ~ lwt + smoke + ht, family = binomial, data = birthwt)',
        'rglm.glm("low ~ lwt + smoke + ht", family=rglm.binomial, data=birthwt)'),
  model("insurance", 'glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + Group + Age + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("insurance_district", 'glm(Claims ~ District + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("insurance_arg", 'glm(Claims ~ Group + Age, family = poisson, data = Insurance, offset = log(Holders))',
        'rglm.glm("Claims ~ Group + Age", family=rglm.poisson, data=Insurance, offset="log(Holders)")'),
  model("mtcars4", 'glm(mpg ~ wt + hp + qsec + am, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp + qsec + am", data=mtcars)'),
  model("mtcars_wt", 'glm(mpg ~ wt, data = mtcars)', 'rglm.glm("mpg ~ wt", data=mtcars)'),
  model("mtcars_null", 'glm(mpg ~ 1, data = mtcars)', 'rglm.glm("mpg ~ 1", data=mtcars)'),
  model("mtcars6", 'glm(mpg ~ wt + hp + qsec + am + drat + disp, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp + qsec + am + drat + disp", data=mtcars)'),
  model("ozone_quasi", 'glm(Ozone ~ Wind + Temp, family = quasipoisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind + Temp", family=rglm.quasipoisson, data=airquality)'),
  model("ozone_quasi_wind", 'glm(Ozone ~ Wind, family = quasipoisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind", family=rglm.quasipoisson, data=airquality)'),
  model("ozone_temp", 'glm(Ozone ~ Temp, family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Temp", family=rglm.poisson, data=airquality)'),
  model("ozone_aliased", 'glm(Ozone ~ Wind + Temp + I(Wind + Temp), family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind + Temp + I(Wind + Temp)", family=rglm.poisson, data=airquality)'),
  model("quine_nb4", 'glm.nb(Days ~ .^4, data = quine)', 'rglm.glm_nb("Days ~ .^4", data=quine)'),
  model("quine_nb_main", 'glm.nb(Days ~ Eth + Sex + Age + Lrn, data = quine)',
        'rglm.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=quine)'),
  model("quine_nb_eth", 'glm.nb(Days ~ Eth, data = quine)', 'rglm.glm_nb("Days ~ Eth", data=quine)')
)

case <- function(id, kind, r, py) list(id = id, kind = kind, r = r, py = py)

CASES <- list(
  # -- dropterm: glm's method -----------------------------------------------------------
  case("dropterm_budworm", "dropterm", 'dropterm(budworm_lg)', 'rglm.dropterm(budworm_lg)'),
  case("dropterm_budworm_chisq", "dropterm", 'dropterm(budworm_lg, test = "Chisq")',
       'rglm.dropterm(budworm_lg, test="Chisq")'),
  case("dropterm_budworm_trace", "dropterm", 'dropterm(budworm_add, test = "Chisq", trace = TRUE)',
       'rglm.dropterm(budworm_add, test="Chisq", trace=True)'),
  case("dropterm_birthwt_sorted", "dropterm", 'dropterm(birthwt_full, test = "Chisq", sorted = TRUE)',
       'rglm.dropterm(birthwt_full, test="Chisq", sorted=True)'),
  case("dropterm_birthwt_F", "dropterm", 'dropterm(birthwt_full, test = "F")',
       'rglm.dropterm(birthwt_full, test="F")'),
  case("dropterm_birthwt_scope_formula", "dropterm", 'dropterm(birthwt_full, ~ age + lwt + ftv, test = "Chisq")',
       'rglm.dropterm(birthwt_full, "~ age + lwt + ftv", test="Chisq")'),
  case("dropterm_birthwt_scope_labels", "dropterm", 'dropterm(birthwt_full, c("ftv", "age"))',
       'rglm.dropterm(birthwt_full, ["ftv", "age"])'),
  case("dropterm_insurance_chisq", "dropterm", 'dropterm(insurance, test = "Chisq")',
       'rglm.dropterm(insurance, test="Chisq")'),
  case("dropterm_insurance_arg_F", "dropterm", 'dropterm(insurance_arg, test = "F", sorted = TRUE)',
       'rglm.dropterm(insurance_arg, test="F", sorted=True)'),
  case("dropterm_mtcars_F", "dropterm", 'dropterm(mtcars4, test = "F")', 'rglm.dropterm(mtcars4, test="F")'),
  case("dropterm_mtcars_chisq", "dropterm", 'dropterm(mtcars4, test = "Chisq")',
       'rglm.dropterm(mtcars4, test="Chisq")'),
  case("dropterm_mtcars_scale", "dropterm", 'dropterm(mtcars4, scale = 6.5, test = "Chisq")',
       'rglm.dropterm(mtcars4, scale=6.5, test="Chisq")'),
  case("dropterm_mtcars_bic_sorted", "dropterm", 'dropterm(mtcars6, k = log(32), sorted = TRUE)',
       'rglm.dropterm(mtcars6, k=math.log(32), sorted=True)'),
  case("dropterm_quasi_F_sorted", "dropterm", 'dropterm(ozone_quasi, test = "F", sorted = TRUE)',
       'rglm.dropterm(ozone_quasi, test="F", sorted=True)'),
  case("dropterm_quasi_chisq", "dropterm", 'dropterm(ozone_quasi, test = "Chisq")',
       'rglm.dropterm(ozone_quasi, test="Chisq")'),
  case("dropterm_aliased", "dropterm", 'dropterm(ozone_aliased, test = "Chisq")',
       'rglm.dropterm(ozone_aliased, test="Chisq")'),
  case("dropterm_bad_scope", "dropterm", 'dropterm(budworm_lg, ~ foo)', 'rglm.dropterm(budworm_lg, "~ foo")'),
  case("dropterm_bad_test", "dropterm", 'dropterm(budworm_lg, test = "Rao")',
       'rglm.dropterm(budworm_lg, test="Rao")'),
  # -- dropterm: glm.nb fits (MASS's default method: theta re-estimated per candidate) --
  case("dropterm_nb_chisq", "dropterm", 'dropterm(quine_nb_main, test = "Chisq")',
       'rglm.dropterm(quine_nb_main, test="Chisq")'),
  case("dropterm_nb_sorted_trace", "dropterm", 'dropterm(quine_nb_main, sorted = TRUE, trace = TRUE)',
       'rglm.dropterm(quine_nb_main, sorted=True, trace=True)'),
  case("dropterm_nb_bic", "dropterm", 'dropterm(quine_nb_main, k = log(146), test = "Chisq")',
       'rglm.dropterm(quine_nb_main, k=math.log(146), test="Chisq")'),
  case("dropterm_nb_bad_test", "dropterm", 'dropterm(quine_nb_main, test = "F")',
       'rglm.dropterm(quine_nb_main, test="F")'),

  # -- addterm: glm's method ------------------------------------------------------------
  case("addterm_budworm_chisq", "addterm", 'addterm(budworm_add, ~ . + sex:ldose, test = "Chisq")',
       'rglm.addterm(budworm_add, "~ . + sex:ldose", test="Chisq")'),
  case("addterm_birthwt", "addterm", 'addterm(birthwt_small, ~ . + age + ptl + ui + ftv + factor(race), test = "Chisq")',
       'rglm.addterm(birthwt_small, "~ . + age + ptl + ui + ftv + factor(race)", test="Chisq")'),
  case("addterm_birthwt_sorted_trace", "addterm", 'addterm(birthwt_small, ~ .^2, sorted = TRUE, trace = TRUE)',
       'rglm.addterm(birthwt_small, "~ .^2", sorted=True, trace=True)'),
  case("addterm_insurance_chisq", "addterm", 'addterm(insurance_district, ~ . + Group + Age, test = "Chisq")',
       'rglm.addterm(insurance_district, "~ . + Group + Age", test="Chisq")'),
  case("addterm_insurance_F", "addterm", 'addterm(insurance_district, ~ . + Group + Age, test = "F")',
       'rglm.addterm(insurance_district, "~ . + Group + Age", test="F")'),
  case("addterm_insurance_arg", "addterm", 'addterm(insurance_arg, ~ .^2, test = "Chisq", sorted = TRUE)',
       'rglm.addterm(insurance_arg, "~ .^2", test="Chisq", sorted=True)'),
  case("addterm_mtcars_F", "addterm", 'addterm(mtcars_wt, ~ . + hp + qsec + am, test = "F")',
       'rglm.addterm(mtcars_wt, "~ . + hp + qsec + am", test="F")'),
  case("addterm_mtcars_chisq_sorted", "addterm", 'addterm(mtcars_wt, ~ . + hp + qsec + am, test = "Chisq", sorted = TRUE)',
       'rglm.addterm(mtcars_wt, "~ . + hp + qsec + am", test="Chisq", sorted=True)'),
  case("addterm_mtcars_labels", "addterm", 'addterm(mtcars_null, c("wt", "hp"))',
       'rglm.addterm(mtcars_null, ["wt", "hp"])'),
  case("addterm_quasi_F", "addterm", 'addterm(ozone_quasi_wind, ~ . + Temp + Month, test = "F")',
       'rglm.addterm(ozone_quasi_wind, "~ . + Temp + Month", test="F")'),
  case("addterm_no_scope", "addterm", 'addterm(budworm_add)', 'rglm.addterm(budworm_add)'),
  case("addterm_nothing_to_add", "addterm", 'addterm(budworm_lg, ~ .)', 'rglm.addterm(budworm_lg, "~ .")'),
  case("addterm_rows_differ", "addterm", 'addterm(ozone_temp, ~ . + Solar.R)',
       'rglm.addterm(ozone_temp, "~ . + Solar.R")'),
  # -- addterm: glm.nb fits ----------------------------------------------------------------
  case("addterm_nb_chisq", "addterm", 'addterm(quine_nb_main, ~ .^2, test = "Chisq")',
       'rglm.addterm(quine_nb_main, "~ .^2", test="Chisq")'),
  case("addterm_nb_sorted_trace", "addterm", 'addterm(quine_nb_eth, ~ . + Sex + Age + Lrn, sorted = TRUE, trace = TRUE)',
       'rglm.addterm(quine_nb_eth, "~ . + Sex + Age + Lrn", sorted=True, trace=True)'),

  # -- stepAIC --------------------------------------------------------------------------
  case("stepAIC_quine_nb", "stepAIC", 'stepAIC(quine_nb4)', 'rglm.stepAIC(quine_nb4)'),
  case("stepAIC_quine_nb_both", "stepAIC",
       'stepAIC(quine_nb_eth, scope = list(upper = ~ Eth * Sex * Age, lower = ~ Eth), trace = 2)',
       'rglm.stepAIC(quine_nb_eth, scope={"upper": "~ Eth * Sex * Age", "lower": "~ Eth"}, trace=2)'),
  case("stepAIC_budworm", "stepAIC", 'stepAIC(budworm_lg)', 'rglm.stepAIC(budworm_lg)'),
  case("stepAIC_birthwt", "stepAIC", 'stepAIC(birthwt_full)', 'rglm.stepAIC(birthwt_full)'),
  case("stepAIC_birthwt_forward_bic", "stepAIC",
       'stepAIC(birthwt_small, scope = ~ . + age + ptl + ui + ftv, direction = "forward", k = log(189))',
       'rglm.stepAIC(birthwt_small, scope="~ . + age + ptl + ui + ftv", direction="forward", k=math.log(189))'),
  case("stepAIC_insurance", "stepAIC", 'stepAIC(insurance_arg, ~ . + District)',
       'rglm.stepAIC(insurance_arg, "~ . + District")'),
  case("stepAIC_mtcars_both_scope", "stepAIC",
       'stepAIC(mtcars_wt, scope = list(lower = ~ wt, upper = ~ wt + hp + qsec + am + drat + disp))',
       'rglm.stepAIC(mtcars_wt, scope={"lower": "~ wt", "upper": "~ wt + hp + qsec + am + drat + disp"})'),
  case("stepAIC_mtcars_steps1", "stepAIC", 'stepAIC(mtcars6, steps = 1)', 'rglm.stepAIC(mtcars6, steps=1)'),
  case("stepAIC_mtcars_keep", "stepAIC",
       'stepAIC(mtcars6, trace = 0, keep = function(fit, aic) c(aic = aic, dev = deviance(fit)))',
       'rglm.stepAIC(mtcars6, trace=0, keep=lambda fit, aic: {"aic": aic, "dev": fit.deviance})'),
  case("stepAIC_use_start", "stepAIC", 'stepAIC(mtcars4, use.start = TRUE, trace = FALSE)',
       'rglm.stepAIC(mtcars4, use_start=True, trace=False)'),
  case("stepAIC_aliased", "stepAIC", 'stepAIC(ozone_aliased)', 'rglm.stepAIC(ozone_aliased)'),
  case("stepAIC_quasi", "stepAIC", 'stepAIC(ozone_quasi)', 'rglm.stepAIC(ozone_quasi)'),

  # -- dose.p ---------------------------------------------------------------------------
  case("dose_logit", "dose.p", 'dose.p(budworm_lg0, cf = c(1, 3), p = 1:3/4)',
       'rglm.dose_p(budworm_lg0, cf=(1, 3), p=[0.25, 0.5, 0.75])'),
  case("dose_probit", "dose.p",
       'dose.p(update(budworm_lg0, family = binomial(link = probit)), cf = c(1, 3), p = 1:3/4)',
       'rglm.dose_p(rglm.update(budworm_lg0, family=rglm.binomial(link="probit")), cf=(1, 3), p=[0.25, 0.5, 0.75])'),
  case("dose_names", "dose.p", 'dose.p(budworm_lg0, cf = c("sexM", "ldose"), p = c(0.01, 0.5, 0.999))',
       'rglm.dose_p(budworm_lg0, cf=("sexM", "ldose"), p=[0.01, 0.5, 0.999])'),
  case("dose_default", "dose.p", 'dose.p(menarche_logit)', 'rglm.dose_p(menarche_logit)'),
  case("dose_menarche", "dose.p", 'dose.p(menarche_logit, p = c(0.05, 0.1, 0.5, 0.9, 0.95))',
       'rglm.dose_p(menarche_logit, p=[0.05, 0.1, 0.5, 0.9, 0.95])'),
  case("dose_cloglog", "dose.p", 'dose.p(budworm_ldose, p = c(0.1, 0.5, 0.9))',
       'rglm.dose_p(budworm_ldose, p=[0.1, 0.5, 0.9])')
)

# ---- evaluation ------------------------------------------------------------------------

fitted_models <- fit_model_specs(MODELS, data_env, dataset_names)
model_env <- fitted_models$env
model_records <- fitted_models$records
case_env <- new.env(parent = model_env)


case_record <- function(spec) {
  base <- list(id = spec$id, kind = spec$kind, r = spec$r, py = spec$py,
               models = I(models_used(spec$r, MODELS)), data = I(datasets_used(spec$r)))
  res <- run_statements(spec$r, case_env, print_visible = FALSE, catch_error = TRUE)
  if (!is.null(res$error)) return(c(base, list(error = res$error)))
  value <- res$value
  base <- c(base, list(warnings = I(res$warnings), messages = I(res$messages)))
  if (spec$kind == "stepAIC") {
    return(c(base, list(
      trace = if (length(res$output)) text_of(res$output) else "",
      table = table_record(value$anova),
      heading = I(attr(value$anova, "heading")),
      anova_print = printed(print(value$anova))),
      selected_fit_fields(value),
      list(theta = if (inherits(value, "negbin")) json_num(value$theta),
           fit_print = printed(print(value)), keep = keep_record(value$keep))))
  }
  if (spec$kind == "dose.p") {
    if (!inherits(value, "glm.dose")) stop(spec$id, ": not a glm.dose")
    return(c(base, list(
      names = I(names(value)),
      dose = json_nums(as.vector(value)),
      se = json_nums(as.vector(attr(value, "SE"))),
      p = json_nums(attr(value, "p")),
      print = printed(print(value)))))
  }
  if (!inherits(value, "anova")) stop(spec$id, ": not an anova table")
  c(base, list(
    table = table_record(value),
    heading = I(attr(value, "heading")),
    print = printed(print(value))))
}

case_records <- lapply(CASES, case_record)

ids <- c(vapply(MODELS, `[[`, "", "id"), vapply(CASES, `[[`, "", "id"))
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

out <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  note = paste("Generated by tests/reference/make_mass.R: MASS's dropterm, addterm,",
               "stepAIC and dose.p at R's default print options."),
  models = model_records,
  cases = case_records
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models and", length(out$cases), "cases to", out_file, "\n")
