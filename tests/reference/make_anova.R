# Analysis of deviance and model selection: tests/reference/anova.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_anova.R
#
# R's anova() (anova.glm, anova.glmlist, stat.anova, print.anova), drop1(), add1() and
# step() on glm fits, with their rglm translations.  Datasets are read back from
# data/*.csv (read_rglm_dataset() in common.R), so R and rglm fit the same bytes.
#
# Output: {"r_version", "note", "models": [...], "cases": [...]}.
# Each model: `id`, `r` (the glm() call R evaluates, bound to the name `id`), `py` (its
# rglm translation, bound to the same name by the tests), `data`.
# Each case: `id`, `kind` ("anova", "drop1", "add1", "step"), `r` (the R code, as an
# R >= 4.4 user writes it), `py` (its rglm translation, evaluated in a namespace holding
# `rglm`, the datasets and the models named in `models`), `models`, and what R gave:
#   * `error`: conditionMessage of the error (then nothing else), or
#   * `warnings` (texts, in order), `table` (`colnames`, `rownames`, `columns`: one
#     array per column at full precision; NA -> null, NaN -> "NaN"), `heading` (the
#     heading attribute), `print` (capture.output(print(result)));
#   * for step: `trace` (everything step() printed), `table` = the `$anova` component,
#     `formula` (deparse(formula(fit)) of the final fit), `coef_names`, `coefficients`,
#     `fit_print` (print(fit) of the final fit), `keep` (the `keep` matrix, by column).
#
# R here is 4.2; rglm follows R >= 4.4 where anova() changed (r-glm-behaviour.md §7.3,
# §9).  anova() is therefore evaluated through anova_r44() below, which applies the
# R >= 4.4 rules explicitly and lets R 4.2's own code compute.  drop1, add1, step,
# stat.anova, print.anova and printCoefmat are identical in R 4.2.2 and R 4.4/4.5
# (compared function by function against the R sources).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))  # rglm sorts character levels by code point

out_file <- file.path("tests", "reference", "anova.json")

dataset_names <- rglm_dataset_names()
data_env <- rglm_data_env(dataset_names)

# ---- R >= 4.4 anova() for glm fits, emulated on R 4.2 ---------------------------------
#
# R 4.4.0 NEWS: "anova() for glm computes test statistics and p-values by default,
# chi-squared or F depending on whether the dispersion is fixed or free"; test = FALSE
# suppresses them.  Two rules cannot be asked of R 4.2 by its arguments:
#  * the default test: "Chisq" when a dispersion is supplied, else from the family's
#    `dispersion` element (present in R >= 4.3 families): "F" when NA (estimated),
#    "Chisq" when fixed, no test for a family without the element
#    (MASS::negative.binomial);
#  * the F test's denominator df: the residual df of the (biggest) model when that
#    element is NA — also when a dispersion is supplied, where R 4.2 used Inf — Inf when
#    it is fixed, and R 4.2's rule (Inf if the dispersion is 1) without the element; an
#    F test on 0 df is dropped.
# family_dispersion() is the element R >= 4.3 families carry.  anova_r44() picks the
# test and the df as R >= 4.4 does, then lets R 4.2's anova() and stat.anova() compute;
# wherever R 4.2 would use the same df it checks that its own result is identical.

family_dispersion <- function(fam) {
  switch(fam$family,
         binomial = , poisson = 1,
         gaussian = , Gamma = , inverse.gaussian = , quasi = , quasibinomial = ,
         quasipoisson = NA_real_,
         NULL)
}

# R 4.2's anova() on a list of fits, without a test (and the Rao scores when asked).
# The dispersion given does not enter such a table; passing one keeps R 4.2 from calling
# summary() (R >= 4.4 calls it only for a test) and from failing on an undefined (NaN)
# estimate, as R 4.2 does for a saturated quasi model where R >= 4.4 does not.
anova_r42_table <- function(fits, rao) {
  tab <- do.call(stats::anova, c(fits, list(dispersion = 1, test = if (rao) "Rao")))
  if (rao) {  # drop the p-values computed with the dummy dispersion
    tab <- structure(tab[, -ncol(tab)], heading = attr(tab, "heading"))
  }
  tab
}

anova_r44 <- function(object, ..., dispersion = NULL, test = NULL) {
  fits <- c(list(object), list(...))
  responses <- vapply(fits, function(f) paste(deparse(formula(f)[[2L]]), collapse = " "), "")
  kept <- fits[responses == responses[1L]]
  single <- length(kept) == 1L
  resdf <- vapply(kept, function(f) f$df.residual, 0)
  big <- if (single) kept[[1L]] else kept[[order(resdf)[1L]]]
  fam_disp <- family_dispersion(big$family)
  if (is.null(test)) {
    test <- if (!is.null(dispersion)) "Chisq"
            else if (!is.null(fam_disp)) (if (is.na(fam_disp)) "F" else "Chisq")
            else FALSE
  }
  base <- anova_r42_table(fits, isTRUE(test == "Rao"))
  heading <- attr(base, "heading")
  if (isFALSE(test)) return(base)
  disp <- if (is.null(dispersion)) summary(big)$dispersion else dispersion
  df_disp <- if (is.null(fam_disp)) (if (isTRUE(disp == 1)) Inf else big$df.residual)
             else if (is.na(fam_disp)) big$df.residual
             else Inf
  if (isTRUE(test == "F") && df_disp == 0) return(base)
  if (isTRUE(test == "F") && df_disp == Inf) {
    fam <- big$family$family
    if (fam == "binomial" || fam == "poisson")
      warning(sprintf("using F test with a '%s' family is inappropriate", fam), call. = FALSE)
    else
      warning("using F test with a fixed dispersion is inappropriate", call. = FALSE)
  }
  n <- if (single) NROW(model.matrix(big)) else length(big$residuals)
  table <- stats:::stat.anova(table = base, test = test, scale = disp, df.scale = df_disp, n = n)
  table <- structure(table, heading = heading, class = c("anova", "data.frame"))
  # Where R 4.2 uses the same dispersion df (and does not fail), it must agree exactly.
  df_r42 <- if (!single || is.null(dispersion)) (if (isTRUE(disp == 1)) Inf else min(resdf)) else Inf
  same <- tryCatch(suppressWarnings(do.call(stats::anova,
                                            c(fits, list(dispersion = dispersion, test = test)))),
                   error = function(e) NULL)
  if (!is.null(same) && (!isTRUE(test == "F") || df_r42 == df_disp) &&
      !(identical(as.matrix(same), as.matrix(table)) &&
        identical(attr(same, "heading"), attr(table, "heading"))))
    stop("anova_r44: R 4.2 and the emulation disagree")
  table
}

# ---- the models ------------------------------------------------------------------------

model <- function(id, r, py) list(id = id, r = r, py = py)

MODELS <- list(
  model("D93", 'glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  model("D93_outcome", 'glm(counts ~ outcome, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome", family=rglm.poisson(), data=dobson)'),
  model("D93_inter", 'glm(counts ~ outcome * treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome * treatment", family=rglm.poisson(), data=dobson)'),
  model("D93_null", 'glm(counts ~ 1, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ 1", family=rglm.poisson(), data=dobson)'),
  model("D93_dot", 'glm(counts ~ ., family = poisson(), data = dobson)',
        'rglm.glm("counts ~ .", family=rglm.poisson(), data=dobson)'),
  model("D93_log", 'glm(log(counts) ~ outcome, data = dobson)',
        'rglm.glm("log(counts) ~ outcome", data=dobson)'),
  model("D93_subset", 'glm(counts ~ outcome, family = poisson(), data = dobson, subset = counts > 12)',
        'rglm.glm("counts ~ outcome", family=rglm.poisson(), data=dobson, subset="counts > 12")'),
  model("D93_quasi", 'glm(counts ~ outcome + treatment, family = quasipoisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.quasipoisson(), data=dobson)'),
  model("D93_treatment", 'glm(counts ~ treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ treatment", family=rglm.poisson(), data=dobson)'),
  model("D93_quasi_null", 'glm(counts ~ 1, family = quasipoisson(), data = dobson)',
        'rglm.glm("counts ~ 1", family=rglm.quasipoisson(), data=dobson)'),
  model("D93_quasi_inter", 'glm(counts ~ outcome * treatment, family = quasipoisson(), data = dobson)',
        'rglm.glm("counts ~ outcome * treatment", family=rglm.quasipoisson(), data=dobson)'),
  model("D93_quasi_outcome", 'glm(counts ~ outcome, family = quasipoisson(), data = dobson)',
        'rglm.glm("counts ~ outcome", family=rglm.quasipoisson(), data=dobson)'),
  model("budworm_inter", 'glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
  model("budworm_add", 'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial, data=budworm)'),
  model("budworm_nested", 'glm(cbind(numdead, numalive) ~ sex/ldose - 1, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex/ldose - 1", family=rglm.binomial, data=budworm)'),
  model("clotting1", 'glm(lot1 ~ log(u), family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting)'),
  model("clotting2", 'glm(lot1 ~ log(u) + u, family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ log(u) + u", family=rglm.Gamma, data=clotting)'),
  model("clotting_w", 'glm(lot1 ~ log(u) + u, family = Gamma, data = clotting, weights = 1/u)',
        'rglm.glm("lot1 ~ log(u) + u", family=rglm.Gamma, data=clotting, weights="1/u")'),
  model("mtcars4", 'glm(mpg ~ wt + hp + qsec + am, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp + qsec + am", data=mtcars)'),
  model("mtcars_wt", 'glm(mpg ~ wt, data = mtcars)',
        'rglm.glm("mpg ~ wt", data=mtcars)'),
  model("mtcars_null", 'glm(mpg ~ 1, data = mtcars)',
        'rglm.glm("mpg ~ 1", data=mtcars)'),
  model("mtcars6", 'glm(mpg ~ wt + hp + qsec + am + drat + disp, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp + qsec + am + drat + disp", data=mtcars)'),
  model("mtcars_zero_w", 'glm(mpg ~ wt + hp, data = mtcars, weights = am)',
        'rglm.glm("mpg ~ wt + hp", data=mtcars, weights="am")'),
  model("insurance", 'glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + Group + Age + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("insurance_arg", 'glm(Claims ~ District + Group, family = poisson, data = Insurance, offset = log(Holders))',
        'rglm.glm("Claims ~ District + Group", family=rglm.poisson, data=Insurance, offset="log(Holders)")'),
  model("insurance_null", 'glm(Claims ~ offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("insurance_district", 'glm(Claims ~ District + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("ozone_aliased", 'glm(Ozone ~ Wind + Temp + I(Wind + Temp), family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind + Temp + I(Wind + Temp)", family=rglm.poisson, data=airquality)'),
  model("ozone_exclude", 'glm(Ozone ~ Wind + Temp, family = Gamma(link = "log"), data = airquality, na.action = na.exclude)',
        'rglm.glm("Ozone ~ Wind + Temp", family=rglm.Gamma(link="log"), data=airquality, na_action="na.exclude")'),
  model("ozone_temp", 'glm(Ozone ~ Temp, family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Temp", family=rglm.poisson, data=airquality)'),
  model("quine_nb", 'glm(Days ~ Sex + Eth, family = negative.binomial(theta = 2), data = quine)',
        'rglm.glm("Days ~ Sex + Eth", family=rglm.negative_binomial(2), data=quine)'),
  model("quine_nb_sex", 'glm(Days ~ Sex, family = negative.binomial(theta = 2), data = quine)',
        'rglm.glm("Days ~ Sex", family=rglm.negative_binomial(2), data=quine)'),
  model("birthwt_full",
        'glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv, family = binomial, data = birthwt)',
        'rglm.glm("low ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv", family=rglm.binomial, data=birthwt)'),
  model("birthwt_null", 'glm(low ~ 1, family = binomial, data = birthwt)',
        'rglm.glm("low ~ 1", family=rglm.binomial, data=birthwt)')
)

# mtcars models adding one predictor at a time, for a list of ten models
# ("Model  1:" ... "Model 10:").
MT_VARS <- c("wt", "hp", "qsec", "am", "drat", "disp", "cyl", "gear", "carb", "vs")
for (i in seq_along(MT_VARS)) {
  rhs <- paste(MT_VARS[seq_len(i)], collapse = " + ")
  MODELS[[length(MODELS) + 1L]] <- model(
    sprintf("mtcars_seq%d", i),
    sprintf("glm(mpg ~ %s, data = mtcars)", rhs),
    sprintf('rglm.glm("mpg ~ %s", data=mtcars)', rhs))
}
MT_LIST_R <- paste(sprintf("mtcars_seq%d", seq_along(MT_VARS)), collapse = ", ")

# ---- the cases ---------------------------------------------------------------------------

case <- function(id, kind, r, py) list(id = id, kind = kind, r = r, py = py)

CASES <- list(
  # -- anova, one model: R >= 4.4's default test and every test ------------------------
  case("anova_D93_default", "anova", 'anova(D93)', 'rglm.anova(D93)'),
  case("anova_D93_test_false", "anova", 'anova(D93, test = FALSE)', 'rglm.anova(D93, test=False)'),
  case("anova_D93_chisq", "anova", 'anova(D93, test = "Chisq")', 'rglm.anova(D93, test="Chisq")'),
  case("anova_D93_chi_partial", "anova", 'anova(D93, test = "Chi")', 'rglm.anova(D93, test="Chi")'),
  case("anova_D93_lrt", "anova", 'anova(D93, test = "LRT")', 'rglm.anova(D93, test="LRT")'),
  case("anova_D93_rao", "anova", 'anova(D93, test = "Rao")', 'rglm.anova(D93, test="Rao")'),
  case("anova_D93_F", "anova", 'anova(D93, test = "F")', 'rglm.anova(D93, test="F")'),
  case("anova_D93_cp", "anova", 'anova(D93, test = "Cp")', 'rglm.anova(D93, test="Cp")'),
  case("anova_D93_dispersion", "anova", 'anova(D93, dispersion = 1.5)', 'rglm.anova(D93, dispersion=1.5)'),
  case("anova_D93_dispersion_F", "anova", 'anova(D93, dispersion = 1.5, test = "F")',
       'rglm.anova(D93, dispersion=1.5, test="F")'),
  case("anova_D93_dot", "anova", 'anova(D93_dot, test = "Rao")', 'rglm.anova(D93_dot, test="Rao")'),
  case("anova_D93_null", "anova", 'anova(D93_null)', 'rglm.anova(D93_null)'),
  case("anova_D93_null_rao", "anova", 'anova(D93_null, test = "Rao")', 'rglm.anova(D93_null, test="Rao")'),
  case("anova_D93_inter_rao", "anova", 'anova(D93_inter, test = "Rao")', 'rglm.anova(D93_inter, test="Rao")'),
  case("anova_budworm_default", "anova", 'anova(budworm_inter)', 'rglm.anova(budworm_inter)'),
  case("anova_budworm_rao", "anova", 'anova(budworm_inter, test = "Rao")', 'rglm.anova(budworm_inter, test="Rao")'),
  case("anova_budworm_F", "anova", 'anova(budworm_inter, test = "F")', 'rglm.anova(budworm_inter, test="F")'),
  case("anova_budworm_nested_rao", "anova", 'anova(budworm_nested, test = "Rao")',
       'rglm.anova(budworm_nested, test="Rao")'),
  case("anova_budworm_nested_cp", "anova", 'anova(budworm_nested, test = "Cp")',
       'rglm.anova(budworm_nested, test="Cp")'),
  case("anova_clotting_default", "anova", 'anova(clotting2)', 'rglm.anova(clotting2)'),
  case("anova_clotting_chisq", "anova", 'anova(clotting2, test = "Chisq")', 'rglm.anova(clotting2, test="Chisq")'),
  case("anova_clotting_rao", "anova", 'anova(clotting2, test = "Rao")', 'rglm.anova(clotting2, test="Rao")'),
  case("anova_clotting_cp", "anova", 'anova(clotting2, test = "Cp")', 'rglm.anova(clotting2, test="Cp")'),
  case("anova_clotting_dispersion_F", "anova", 'anova(clotting2, dispersion = 0.002, test = "F")',
       'rglm.anova(clotting2, dispersion=0.002, test="F")'),
  case("anova_clotting_weights", "anova", 'anova(clotting_w)', 'rglm.anova(clotting_w)'),
  case("anova_mtcars_default", "anova", 'anova(mtcars4)', 'rglm.anova(mtcars4)'),
  case("anova_mtcars_rao", "anova", 'anova(mtcars4, test = "Rao")', 'rglm.anova(mtcars4, test="Rao")'),
  case("anova_mtcars_cp", "anova", 'anova(mtcars4, test = "Cp")', 'rglm.anova(mtcars4, test="Cp")'),
  case("anova_mtcars_zero_weights", "anova", 'anova(mtcars_zero_w)', 'rglm.anova(mtcars_zero_w)'),
  case("anova_mtcars_zero_weights_cp", "anova", 'anova(mtcars_zero_w, test = "Cp")',
       'rglm.anova(mtcars_zero_w, test="Cp")'),
  case("anova_quasi_default", "anova", 'anova(D93_quasi)', 'rglm.anova(D93_quasi)'),
  case("anova_quasi_chisq", "anova", 'anova(D93_quasi, test = "Chisq")', 'rglm.anova(D93_quasi, test="Chisq")'),
  case("anova_insurance_default", "anova", 'anova(insurance)', 'rglm.anova(insurance)'),
  case("anova_insurance_rao", "anova", 'anova(insurance, test = "Rao")', 'rglm.anova(insurance, test="Rao")'),
  case("anova_insurance_arg_F", "anova", 'anova(insurance_arg, test = "F")', 'rglm.anova(insurance_arg, test="F")'),
  case("anova_aliased", "anova", 'anova(ozone_aliased)', 'rglm.anova(ozone_aliased)'),
  case("anova_aliased_rao", "anova", 'anova(ozone_aliased, test = "Rao")', 'rglm.anova(ozone_aliased, test="Rao")'),
  case("anova_na_exclude", "anova", 'anova(ozone_exclude)', 'rglm.anova(ozone_exclude)'),
  case("anova_negbin_default", "anova", 'anova(quine_nb)', 'rglm.anova(quine_nb)'),
  case("anova_negbin_chisq", "anova", 'anova(quine_nb, test = "Chisq")', 'rglm.anova(quine_nb, test="Chisq")'),
  case("anova_negbin_F", "anova", 'anova(quine_nb, test = "F")', 'rglm.anova(quine_nb, test="F")'),
  case("anova_birthwt_default", "anova", 'anova(birthwt_full)', 'rglm.anova(birthwt_full)'),

  # -- anova, several models -----------------------------------------------------------
  case("anova_list_default", "anova", 'anova(D93_null, D93_outcome, D93_inter)',
       'rglm.anova(D93_null, D93_outcome, D93_inter)'),
  case("anova_list_rao", "anova", 'anova(D93_null, D93_outcome, D93_inter, test = "Rao")',
       'rglm.anova(D93_null, D93_outcome, D93_inter, test="Rao")'),
  case("anova_list_cp", "anova", 'anova(D93_null, D93_outcome, D93_inter, test = "Cp")',
       'rglm.anova(D93_null, D93_outcome, D93_inter, test="Cp")'),
  case("anova_list_F", "anova", 'anova(D93_null, D93_outcome, D93_inter, test = "F")',
       'rglm.anova(D93_null, D93_outcome, D93_inter, test="F")'),
  case("anova_list_test_false", "anova", 'anova(D93_null, D93_outcome, test = FALSE)',
       'rglm.anova(D93_null, D93_outcome, test=False)'),
  case("anova_list_reversed_rao", "anova", 'anova(D93_inter, D93_null, D93_outcome, test = "Rao")',
       'rglm.anova(D93_inter, D93_null, D93_outcome, test="Rao")'),
  # Dobson's treatment adds nothing: a deviance difference and a Rao statistic that are
  # zero in exact arithmetic, rounding noise of either sign depending on the BLAS kernel
  # (R's p-value for the exact value: 1).
  case("anova_list_zero_chisq", "anova", 'anova(D93_outcome, D93, test = "Chisq")',
       'rglm.anova(D93_outcome, D93, test="Chisq")'),
  case("anova_list_zero_reversed_chisq", "anova", 'anova(D93, D93_outcome, test = "Chisq")',
       'rglm.anova(D93, D93_outcome, test="Chisq")'),
  case("anova_list_zero_rao", "anova", 'anova(D93_outcome, D93, test = "Rao")',
       'rglm.anova(D93_outcome, D93, test="Rao")'),
  case("anova_list_zero_reversed_rao", "anova", 'anova(D93, D93_outcome, test = "Rao")',
       'rglm.anova(D93, D93_outcome, test="Rao")'),
  case("anova_list_zero_F", "anova", 'anova(D93_outcome, D93, test = "F")',
       'rglm.anova(D93_outcome, D93, test="F")'),
  case("anova_list_dispersion", "anova", 'anova(D93_null, D93_outcome, dispersion = 2)',
       'rglm.anova(D93_null, D93_outcome, dispersion=2)'),
  case("anova_list_dispersion_F", "anova", 'anova(D93_null, D93_outcome, dispersion = 2, test = "F")',
       'rglm.anova(D93_null, D93_outcome, dispersion=2, test="F")'),
  case("anova_list_gamma_default", "anova", 'anova(clotting1, clotting2)', 'rglm.anova(clotting1, clotting2)'),
  case("anova_list_gamma_rao", "anova", 'anova(clotting1, clotting2, test = "Rao")',
       'rglm.anova(clotting1, clotting2, test="Rao")'),
  case("anova_list_quasi", "anova", 'anova(D93_quasi_null, D93_quasi_outcome)',
       'rglm.anova(D93_quasi_null, D93_quasi_outcome)'),
  case("anova_list_quasi_saturated", "anova", 'anova(D93_quasi_outcome, D93_quasi_inter)',
       'rglm.anova(D93_quasi_outcome, D93_quasi_inter)'),
  case("anova_quasi_saturated", "anova", 'anova(D93_quasi_inter)', 'rglm.anova(D93_quasi_inter)'),
  case("anova_quasi_saturated_chisq", "anova", 'anova(D93_quasi_inter, test = "Chisq")',
       'rglm.anova(D93_quasi_inter, test="Chisq")'),
  case("anova_list_binomial", "anova", 'anova(budworm_add, budworm_inter, test = "Chisq")',
       'rglm.anova(budworm_add, budworm_inter, test="Chisq")'),
  case("anova_list_offsets_rao", "anova", 'anova(insurance_district, insurance, test = "Rao")',
       'rglm.anova(insurance_district, insurance, test="Rao")'),
  case("anova_list_negbin", "anova", 'anova(quine_nb_sex, quine_nb)', 'rglm.anova(quine_nb_sex, quine_nb)'),
  case("anova_list_ten", "anova", sprintf('anova(%s)', MT_LIST_R), sprintf('rglm.anova(%s)', MT_LIST_R)),
  case("anova_list_response_differs", "anova", 'anova(D93_outcome, D93_inter, D93_log)',
       'rglm.anova(D93_outcome, D93_inter, D93_log)'),
  case("anova_list_one_left", "anova", 'anova(D93_outcome, D93_log, test = "Chisq")',
       'rglm.anova(D93_outcome, D93_log, test="Chisq")'),
  case("anova_list_sizes_differ", "anova", 'anova(D93_outcome, D93_subset)',
       'rglm.anova(D93_outcome, D93_subset)'),
  case("anova_bad_test", "anova", 'anova(D93, test = "foo")', 'rglm.anova(D93, test="foo")'),
  case("anova_bad_test_ambiguous", "anova", 'anova(D93, test = "C")', 'rglm.anova(D93, test="C")'),
  case("anova_test_true", "anova", 'anova(D93, test = TRUE)', 'rglm.anova(D93, test=True)'),
  case("anova_list_bad_test", "anova", 'anova(D93_outcome, D93, test = "foo")',
       'rglm.anova(D93_outcome, D93, test="foo")'),

  # -- drop1 ----------------------------------------------------------------------------
  case("drop1_D93_none", "drop1", 'drop1(D93)', 'rglm.drop1(D93)'),
  case("drop1_D93_chisq", "drop1", 'drop1(D93, test = "Chisq")', 'rglm.drop1(D93, test="Chisq")'),
  case("drop1_D93_lrt", "drop1", 'drop1(D93, test = "LRT")', 'rglm.drop1(D93, test="LRT")'),
  case("drop1_D93_rao", "drop1", 'drop1(D93, test = "Rao")', 'rglm.drop1(D93, test="Rao")'),
  case("drop1_D93_F", "drop1", 'drop1(D93, test = "F")', 'rglm.drop1(D93, test="F")'),
  case("drop1_D93_scale", "drop1", 'drop1(D93, scale = 2, test = "Chisq")',
       'rglm.drop1(D93, scale=2, test="Chisq")'),
  case("drop1_D93_k", "drop1", 'drop1(D93, k = log(9))', 'rglm.drop1(D93, k=math.log(9))'),
  case("drop1_D93_inter", "drop1", 'drop1(D93_inter, test = "Chisq")', 'rglm.drop1(D93_inter, test="Chisq")'),
  case("drop1_budworm_default", "drop1", 'drop1(budworm_inter, test = "Chisq")',
       'rglm.drop1(budworm_inter, test="Chisq")'),
  case("drop1_budworm_scope_formula", "drop1", 'drop1(budworm_inter, ~ sex + ldose, test = "Rao")',
       'rglm.drop1(budworm_inter, "~ sex + ldose", test="Rao")'),
  case("drop1_budworm_scope_dot", "drop1", 'drop1(budworm_inter, ~ . - sex:ldose, test = "LRT")',
       'rglm.drop1(budworm_inter, "~ . - sex:ldose", test="LRT")'),
  case("drop1_budworm_scope_labels", "drop1", 'drop1(budworm_inter, c("sex:ldose", "sex"), test = "F")',
       'rglm.drop1(budworm_inter, ["sex:ldose", "sex"], test="F")'),
  case("drop1_budworm_nested", "drop1", 'drop1(budworm_nested, test = "Rao")',
       'rglm.drop1(budworm_nested, test="Rao")'),
  case("drop1_clotting_F", "drop1", 'drop1(clotting2, test = "F")', 'rglm.drop1(clotting2, test="F")'),
  case("drop1_clotting_lrt", "drop1", 'drop1(clotting2, test = "LRT")', 'rglm.drop1(clotting2, test="LRT")'),
  case("drop1_clotting_rao", "drop1", 'drop1(clotting2, test = "Rao")', 'rglm.drop1(clotting2, test="Rao")'),
  case("drop1_clotting_weights", "drop1", 'drop1(clotting_w, test = "F")', 'rglm.drop1(clotting_w, test="F")'),
  case("drop1_mtcars_none", "drop1", 'drop1(mtcars4)', 'rglm.drop1(mtcars4)'),
  case("drop1_mtcars_F", "drop1", 'drop1(mtcars4, test = "F")', 'rglm.drop1(mtcars4, test="F")'),
  case("drop1_mtcars_lrt", "drop1", 'drop1(mtcars4, test = "LRT")', 'rglm.drop1(mtcars4, test="LRT")'),
  case("drop1_mtcars_rao", "drop1", 'drop1(mtcars4, test = "Rao")', 'rglm.drop1(mtcars4, test="Rao")'),
  case("drop1_mtcars_scale", "drop1", 'drop1(mtcars4, scale = 6.5, test = "Chisq")',
       'rglm.drop1(mtcars4, scale=6.5, test="Chisq")'),
  case("drop1_mtcars_zero_weights", "drop1", 'drop1(mtcars_zero_w, test = "F")',
       'rglm.drop1(mtcars_zero_w, test="F")'),
  case("drop1_quasi", "drop1", 'drop1(D93_quasi, test = "F")', 'rglm.drop1(D93_quasi, test="F")'),
  case("drop1_quasi_none", "drop1", 'drop1(D93_quasi)', 'rglm.drop1(D93_quasi)'),
  case("drop1_insurance_chisq", "drop1", 'drop1(insurance, test = "Chisq")', 'rglm.drop1(insurance, test="Chisq")'),
  case("drop1_insurance_rao", "drop1", 'drop1(insurance, test = "Rao")', 'rglm.drop1(insurance, test="Rao")'),
  case("drop1_aliased", "drop1", 'drop1(ozone_aliased, test = "Chisq")', 'rglm.drop1(ozone_aliased, test="Chisq")'),
  case("drop1_na_exclude", "drop1", 'drop1(ozone_exclude, test = "F")', 'rglm.drop1(ozone_exclude, test="F")'),
  case("drop1_negbin", "drop1", 'drop1(quine_nb, test = "LRT")', 'rglm.drop1(quine_nb, test="LRT")'),
  case("drop1_null_model", "drop1", 'drop1(D93_null)', 'rglm.drop1(D93_null)'),
  case("drop1_bad_scope", "drop1", 'drop1(D93, ~ foo)', 'rglm.drop1(D93, "~ foo")'),
  case("drop1_bad_scope_labels", "drop1", 'drop1(D93, c("outcome", "bar"))', 'rglm.drop1(D93, ["outcome", "bar"])'),
  case("drop1_bad_test", "drop1", 'drop1(D93, test = "foo")', 'rglm.drop1(D93, test="foo")'),

  # -- add1 -----------------------------------------------------------------------------
  case("add1_D93_none", "add1", 'add1(D93_treatment, ~ . + outcome)', 'rglm.add1(D93_treatment, "~ . + outcome")'),
  case("add1_D93_chisq", "add1", 'add1(D93_treatment, ~ . + outcome, test = "Chisq")',
       'rglm.add1(D93_treatment, "~ . + outcome", test="Chisq")'),
  case("add1_D93_rao", "add1", 'add1(D93_treatment, ~ outcome * treatment, test = "Rao")',
       'rglm.add1(D93_treatment, "~ outcome * treatment", test="Rao")'),
  case("add1_D93_F", "add1", 'add1(D93_treatment, ~ . + outcome, test = "F")',
       'rglm.add1(D93_treatment, "~ . + outcome", test="F")'),
  case("add1_D93_noise_chisq", "add1", 'add1(D93_outcome, ~ . + treatment, test = "Chisq")',
       'rglm.add1(D93_outcome, "~ . + treatment", test="Chisq")'),
  case("add1_D93_labels", "add1", 'add1(D93, "outcome:treatment", test = "LRT")',
       'rglm.add1(D93, ["outcome:treatment"], test="LRT")'),
  case("add1_null_model", "add1", 'add1(insurance_null, ~ . + District + Group + Age, test = "Rao")',
       'rglm.add1(insurance_null, "~ . + District + Group + Age", test="Rao")'),
  case("add1_mtcars_none", "add1", 'add1(mtcars_wt, ~ . + hp + qsec + am)',
       'rglm.add1(mtcars_wt, "~ . + hp + qsec + am")'),
  case("add1_mtcars_F", "add1", 'add1(mtcars_wt, ~ . + hp + qsec + am, test = "F")',
       'rglm.add1(mtcars_wt, "~ . + hp + qsec + am", test="F")'),
  case("add1_mtcars_lrt", "add1", 'add1(mtcars_wt, ~ . + hp + qsec + am, test = "LRT")',
       'rglm.add1(mtcars_wt, "~ . + hp + qsec + am", test="LRT")'),
  case("add1_mtcars_rao", "add1", 'add1(mtcars_wt, ~ . + hp + qsec + am, test = "Rao")',
       'rglm.add1(mtcars_wt, "~ . + hp + qsec + am", test="Rao")'),
  case("add1_mtcars_scale", "add1", 'add1(mtcars_wt, ~ . + hp + qsec, scale = 6.5, test = "Chisq")',
       'rglm.add1(mtcars_wt, "~ . + hp + qsec", scale=6.5, test="Chisq")'),
  case("add1_clotting_F", "add1", 'add1(clotting1, ~ . + u, test = "F")', 'rglm.add1(clotting1, "~ . + u", test="F")'),
  case("add1_clotting_rao", "add1", 'add1(clotting1, ~ . + u, test = "Rao")',
       'rglm.add1(clotting1, "~ . + u", test="Rao")'),
  case("add1_budworm_rao", "add1", 'add1(budworm_add, ~ sex * ldose, test = "Rao")',
       'rglm.add1(budworm_add, "~ sex * ldose", test="Rao")'),
  case("add1_insurance_offset_rao", "add1", 'add1(insurance_district, ~ . + Group + Age, test = "Rao")',
       'rglm.add1(insurance_district, "~ . + Group + Age", test="Rao")'),
  case("add1_insurance_offset_chisq", "add1", 'add1(insurance_district, ~ . + Group + Age, test = "Chisq")',
       'rglm.add1(insurance_district, "~ . + Group + Age", test="Chisq")'),
  case("add1_quasi", "add1", 'add1(D93_quasi_null, ~ . + outcome + treatment, test = "F")',
       'rglm.add1(D93_quasi_null, "~ . + outcome + treatment", test="F")'),
  case("add1_combined_rows", "add1", 'add1(ozone_temp, ~ . + Solar.R + Wind, test = "Chisq")',
       'rglm.add1(ozone_temp, "~ . + Solar.R + Wind", test="Chisq")'),
  case("add1_no_scope", "add1", 'add1(D93, ~ .)', 'rglm.add1(D93, "~ .")'),
  case("add1_bad_upper", "add1", 'add1(D93, ~ outcome)', 'rglm.add1(D93, "~ outcome")'),
  case("add1_bad_test", "add1", 'add1(D93_outcome, ~ . + treatment, test = "foo")',
       'rglm.add1(D93_outcome, "~ . + treatment", test="foo")'),

  # -- step -----------------------------------------------------------------------------
  case("step_mtcars_backward", "step", 'step(mtcars6)', 'rglm.step(mtcars6)'),
  case("step_mtcars_both_scope", "step",
       'step(mtcars_wt, scope = list(lower = ~ wt, upper = ~ wt + hp + qsec + am + drat + disp))',
       'rglm.step(mtcars_wt, scope={"lower": "~ wt", "upper": "~ wt + hp + qsec + am + drat + disp"})'),
  case("step_mtcars_forward", "step",
       'step(mtcars_null, scope = ~ wt + hp + qsec + am + drat + disp, direction = "forward")',
       'rglm.step(mtcars_null, scope="~ wt + hp + qsec + am + drat + disp", direction="forward")'),
  case("step_mtcars_forward_bic", "step",
       'step(mtcars_null, scope = ~ wt + hp + qsec + am, direction = "forward", k = log(32))',
       'rglm.step(mtcars_null, scope="~ wt + hp + qsec + am", direction="forward", k=math.log(32))'),
  case("step_mtcars_steps1", "step", 'step(mtcars6, steps = 1)', 'rglm.step(mtcars6, steps=1)'),
  case("step_mtcars_keep", "step",
       'step(mtcars6, trace = 0, keep = function(fit, aic) c(aic = aic, dev = deviance(fit)))',
       'rglm.step(mtcars6, trace=0, keep=lambda fit, aic: {"aic": aic, "dev": fit.deviance})'),
  case("step_birthwt_backward", "step", 'step(birthwt_full)', 'rglm.step(birthwt_full)'),
  case("step_birthwt_both", "step", 'step(birthwt_full, direction = "both")',
       'rglm.step(birthwt_full, direction="both")'),
  case("step_birthwt_forward_bic", "step",
       'step(birthwt_null, scope = ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv, direction = "forward", k = log(189), trace = 0)',
       'rglm.step(birthwt_null, scope="~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv", direction="forward", k=math.log(189), trace=0)'),
  case("step_birthwt_both_scope", "step",
       'step(birthwt_null, scope = list(upper = ~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv))',
       'rglm.step(birthwt_null, scope={"upper": "~ age + lwt + factor(race) + smoke + ptl + ht + ui + ftv"})'),
  case("step_D93", "step", 'step(D93_dot)', 'rglm.step(D93_dot)'),
  case("step_D93_no_change", "step", 'step(D93_outcome)', 'rglm.step(D93_outcome)'),
  case("step_aliased", "step", 'step(ozone_aliased)', 'rglm.step(ozone_aliased)'),
  case("step_quasi", "step", 'step(D93_quasi)', 'rglm.step(D93_quasi)'),
  case("step_bad_lower", "step", 'step(D93, scope = list(lower = ~ outcome * treatment))',
       'rglm.step(D93, scope={"lower": "~ outcome * treatment"})')
)

# ---- evaluation ------------------------------------------------------------------------

fitted_models <- fit_model_specs(MODELS, data_env, dataset_names)
model_env <- fitted_models$env
model_records <- fitted_models$records

# The cases see the models, and anova() is R >= 4.4's (see anova_r44 above).
case_env <- new.env(parent = model_env)
assign("anova", anova_r44, envir = case_env)


case_record <- function(spec) {
  base <- list(id = spec$id, kind = spec$kind, r = spec$r, py = spec$py,
               models = I(models_used(spec$r, MODELS)))
  res <- eval_collecting(spec$r, case_env, catch_error = TRUE)
  if (!is.null(res$error)) return(c(base, list(error = res$error)))
  value <- res$value
  if (spec$kind == "step") {
    return(c(base, list(
      warnings = I(res$warnings),
      trace = if (length(res$output)) text_of(res$output) else "",
      table = table_record(value$anova),
      heading = I(attr(value$anova, "heading"))),
      selected_fit_fields(value),
      list(fit_print = printed(print(value)), keep = keep_record(value$keep))))
  }
  if (!inherits(value, "anova")) stop(spec$id, ": not an anova table")
  c(base, list(
    warnings = I(res$warnings),
    table = table_record(value),
    heading = I(attr(value, "heading")),
    print = printed(print(value))))
}

case_records <- lapply(CASES, case_record)

ids <- c(vapply(MODELS, `[[`, "", "id"), vapply(CASES, `[[`, "", "id"))
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

out <- list(
  r_version = R.version.string,
  note = paste("Generated by tests/reference/make_anova.R. anova() follows R >= 4.4",
               "(default test, F-test df), emulated on R 4.2 by anova_r44() in that script."),
  models = model_records,
  cases = case_records
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models and", length(out$cases), "cases to", out_file, "\n")
