# car's Anova() and linearHypothesis() on glm and glm.nb fits: tests/reference/car.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_car.R
#
# Needs car (and MASS, sandwich, jsonlite).  Datasets are read back from data/*.csv
# (read_rglm_dataset() in common.R), so R and rglm fit the same bytes.
#
# Output: {"r_version", "car_version", "target", "note", "models": [...], "cases": [...]}.
# Each model: `id`, `r` (the call R evaluates, bound to the name `id`), `py` (its rglm
# translation, bound to the same name by the tests), `data`.
# Each case: `id`, `kind` ("Anova" or "linearHypothesis"), `r` (the R code), `py` (its
# rglm translation, evaluated in a namespace holding `rglm`, the datasets and the models
# named in `models`), `models`, and what R gave:
#   * `error`: conditionMessage of the error, with `warnings` issued before it, or
#   * `warnings` and `messages` (texts, in order; a message without its final newline),
#     `table` (`colnames`, `rownames`, `columns`: one array per column at full precision;
#     NA -> null, NaN -> "NaN"), `heading` (the heading attribute), `print`
#     (capture.output(print(result)));
#   * linearHypothesis also: `value` (`names`, `values`: the attribute "value", L b - rhs)
#     and `vcov` (`values` by rows: the attribute "vcov", L V L'), and, where the
#     conversion below changed them, `heading_local` and `print_local` (car 3.1-1's).
#
# Target: current car (3.1-3 and later; read in cran/car's sources, 3.1-5).  car here is
# 3.1-1.  What differs for these functions on glm fits, and how it is converted:
#   L1 (car 3.1-3) linearHypothesis()'s heading starts with "\nLinear hypothesis test:"
#      where 3.1-1 had "Linear hypothesis test\n\nHypothesis:";
#   L2 (car 3.1-2) printHypothesis(): a hypothesis whose coefficients have an arithmetic
#      operator (-, +, *, /) in their names ("education6-11yrs") is printed as the text
#      the user gave, with " = " around its first "=" if that is followed by a non-blank;
#      given as a matrix (no text), every hypothesis line becomes one empty line.
# Both change only the heading attribute: linearHypothesis_current() below converts it
# and R's own print.anova prints the converted object.  Anova() on glm fits is the same
# in 3.1-1 and 3.1-5 (functions renamed, Anova.glm's code unchanged; Anova.default's new
# checks of coefficient names against the model matrix cannot fail for a glm).
# print.anova and printCoefmat are the same in R 4.2.2 and R >= 4.4 (make_anova.R).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(car)
  library(sandwich)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "car.json")

dataset_names <- rglm_dataset_names()
data_env <- rglm_data_env(dataset_names)

# ---- current car's linearHypothesis heading (L1, L2 above) ---------------------------

# The hypothesis lines current car prints, from 3.1-1's: rows whose non-zero coefficients
# have an arithmetic operator in their name are the user's text (L2).
hypothesis_lines_current <- function(lines, L, cnames, texts) {
  if (is.null(dim(L))) L <- t(L)
  ops <- vapply(seq_len(nrow(L)), function(i) any(grepl("[-+*/]", cnames[L[i, ] != 0])), NA)
  if (!any(ops)) return(lines)
  if (is.null(texts)) return("")
  spaced <- ifelse(grepl("=[^ ]", texts), sub("=", " = ", texts), texts)
  ifelse(ops, spaced, lines)
}

# car::linearHypothesis with current car's heading; the local result as attribute "local".
linearHypothesis_current <- function(model, hypothesis.matrix, rhs = NULL, ...,
                                     singular.ok = FALSE, coef. = coef(model)) {
  res <- car::linearHypothesis(model, hypothesis.matrix, rhs = rhs, ...,
                               singular.ok = singular.ok, coef. = coef.)
  b <- coef.[!is.na(coef.)]
  if (is.character(hypothesis.matrix)) {
    L <- car:::makeHypothesis(names(b), hypothesis.matrix, rhs)
    L <- if (is.null(dim(L))) t(L[-length(L)]) else L[, -ncol(L), drop = FALSE]
    texts <- hypothesis.matrix
  } else {
    L <- if (is.null(dim(hypothesis.matrix))) t(hypothesis.matrix) else hypothesis.matrix
    texts <- NULL
  }
  heading <- attr(res, "heading")
  q <- NROW(L)
  local_title <- "Linear hypothesis test\n\nHypothesis:"
  if (heading[1] != local_title) stop("unexpected car 3.1-1 heading")
  lines <- heading[1 + seq_len(q)]
  rest <- heading[-seq_len(1 + q)]
  current <- res
  attr(current, "heading") <- c("\nLinear hypothesis test:",                      # L1
                                hypothesis_lines_current(lines, L, names(b), texts),  # L2
                                rest)
  attr(current, "local") <- res
  current
}

# ---- the models ------------------------------------------------------------------------

model <- function(id, r, py) list(id = id, r = r, py = py)

MODELS <- list(
  model("wb_pois", 'glm(breaks ~ wool * tension, family = poisson(), data = warpbreaks)',
        'rglm.glm("breaks ~ wool * tension", family=rglm.poisson(), data=warpbreaks)'),
  model("wb_qpois", 'glm(breaks ~ wool * tension, family = quasipoisson(), data = warpbreaks)',
        'rglm.glm("breaks ~ wool * tension", family=rglm.quasipoisson(), data=warpbreaks)'),
  # sum-to-zero contrasts: the coding under which type III tests of main effects in the
  # presence of their interaction are meaningful
  model("wb_sum", 'glm(breaks ~ wool * tension, family = poisson(), data = warpbreaks, contrasts = list(wool = "contr.sum", tension = "contr.sum"))',
        'rglm.glm("breaks ~ wool * tension", family=rglm.poisson(), data=warpbreaks, contrasts={"wool": "contr.sum", "tension": "contr.sum"})'),
  model("wb_nb", 'glm.nb(breaks ~ wool * tension, data = warpbreaks)',
        'rglm.glm_nb("breaks ~ wool * tension", data=warpbreaks)'),
  model("wb_alias", 'glm(breaks ~ wool + w2 + tension, family = poisson(), data = transform(warpbreaks, w2 = wool))',
        'rglm.glm("breaks ~ wool + w2 + tension", family=rglm.poisson(), data=warpbreaks.assign(w2=warpbreaks["wool"]))'),
  model("wb_noint", 'glm(breaks ~ 0 + wool + tension, family = poisson(), data = warpbreaks)',
        'rglm.glm("breaks ~ 0 + wool + tension", family=rglm.poisson(), data=warpbreaks)'),
  model("budworm_int", 'glm(cbind(numdead, numalive) ~ ldose * sex, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ ldose * sex", family=rglm.binomial, data=budworm)'),
  model("budworm_nested", 'glm(cbind(numdead, numalive) ~ sex/ldose - 1, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex/ldose - 1", family=rglm.binomial, data=budworm)'),
  model("clot_gamma", 'glm(lot1 ~ log(u), family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting)'),
  model("clot_w", 'glm(lot1 ~ log(u) + u, family = Gamma, data = clotting, weights = 1/u)',
        'rglm.glm("lot1 ~ log(u) + u", family=rglm.Gamma, data=clotting, weights="1/u")'),
  model("clot_null", 'glm(lot1 ~ 1, family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ 1", family=rglm.Gamma, data=clotting)'),
  model("tooth_gamma", 'glm(len ~ supp * dose, family = Gamma(link = "log"), data = ToothGrowth)',
        'rglm.glm("len ~ supp * dose", family=rglm.Gamma(link="log"), data=ToothGrowth)'),
  # gaussian: the F tests are those of the linear model (not ToothGrowth's factors, whose
  # residual sum of squares is a rounding tie, 820.425, printed 820.42 or 820.43 as the
  # last bit falls)
  model("mt_add", 'glm(mpg ~ wt + factor(cyl), data = mtcars)',
        'rglm.glm("mpg ~ wt + factor(cyl)", data=mtcars)'),
  model("mt_full", 'glm(mpg ~ wt * factor(cyl), data = mtcars)',
        'rglm.glm("mpg ~ wt * factor(cyl)", data=mtcars)'),
  model("infert_bin", 'glm(case ~ education + spontaneous + induced, family = binomial(), data = infert)',
        'rglm.glm("case ~ education + spontaneous + induced", family=rglm.binomial(), data=infert)'),
  model("esoph_bin", 'glm(cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp, family = binomial(), data = esoph)',
        'rglm.glm("cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp", family=rglm.binomial(), data=esoph)'),
  # Dobson's treatment adds nothing: its likelihood-ratio statistic is zero in exact
  # arithmetic, rounding noise of either sign depending on the BLAS kernel
  model("d93", 'glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  model("ships_off", 'glm(incidents ~ type + factor(year) + factor(period), family = poisson, data = ships, subset = service > 0, offset = log(service))',
        'rglm.glm("incidents ~ type + factor(year) + factor(period)", family=rglm.poisson, data=ships, subset="service > 0", offset="log(service)")'),
  model("ozone_exclude", 'glm(Ozone ~ Wind + Temp, family = Gamma(link = "log"), data = airquality, na.action = na.exclude)',
        'rglm.glm("Ozone ~ Wind + Temp", family=rglm.Gamma(link="log"), data=airquality, na_action="na.exclude")'),
  model("quine_nb", 'glm.nb(Days ~ Eth * Sex + Age, data = quine)',
        'rglm.glm_nb("Days ~ Eth * Sex + Age", data=quine)')
)

# ---- the cases ---------------------------------------------------------------------------

case <- function(id, kind, r, py) list(id = id, kind = kind, r = r, py = py)
av <- function(id, r, py) case(id, "Anova", r, py)
lh <- function(id, r, py) case(id, "linearHypothesis", r, py)

CASES <- list(
  # -- Anova: likelihood-ratio tests (car's default) --------------------------------------
  av("av_wb_II", 'Anova(wb_pois)', 'rglm.Anova(wb_pois)'),
  av("av_wb_III", 'Anova(wb_pois, type = 3)', 'rglm.Anova(wb_pois, type=3)'),
  av("av_wb_II_str", 'Anova(wb_pois, type = "2")', 'rglm.Anova(wb_pois, type="2")'),
  av("av_qpois_II", 'Anova(wb_qpois)', 'rglm.Anova(wb_qpois)'),
  av("av_sum_III", 'Anova(wb_sum, type = "III")', 'rglm.Anova(wb_sum, type="III")'),
  av("av_nb_II", 'Anova(wb_nb)', 'rglm.Anova(wb_nb)'),
  av("av_nb_III", 'Anova(wb_nb, type = 3)', 'rglm.Anova(wb_nb, type=3)'),
  av("av_quine_nb_II", 'Anova(quine_nb)', 'rglm.Anova(quine_nb)'),
  av("av_budworm_II", 'Anova(budworm_int)', 'rglm.Anova(budworm_int)'),
  av("av_budworm_III", 'Anova(budworm_int, type = 3)', 'rglm.Anova(budworm_int, type=3)'),
  av("av_nested_II", 'Anova(budworm_nested)', 'rglm.Anova(budworm_nested)'),
  av("av_nested_III", 'Anova(budworm_nested, type = 3)', 'rglm.Anova(budworm_nested, type=3)'),
  av("av_clot_II", 'Anova(clot_gamma)', 'rglm.Anova(clot_gamma)'),
  av("av_clot_w_II", 'Anova(clot_w)', 'rglm.Anova(clot_w)'),
  av("av_tooth_II", 'Anova(tooth_gamma)', 'rglm.Anova(tooth_gamma)'),
  av("av_tooth_III", 'Anova(tooth_gamma, type = 3)', 'rglm.Anova(tooth_gamma, type=3)'),
  av("av_mt_add_II", 'Anova(mt_add)', 'rglm.Anova(mt_add)'),
  av("av_infert_II", 'Anova(infert_bin)', 'rglm.Anova(infert_bin)'),
  av("av_esoph_II", 'Anova(esoph_bin)', 'rglm.Anova(esoph_bin)'),
  av("av_esoph_III", 'Anova(esoph_bin, type = 3)', 'rglm.Anova(esoph_bin, type=3)'),
  av("av_dobson_II", 'Anova(d93)', 'rglm.Anova(d93)'),
  av("av_dobson_III", 'Anova(d93, type = 3)', 'rglm.Anova(d93, type=3)'),
  av("av_ships_II", 'Anova(ships_off)', 'rglm.Anova(ships_off)'),
  av("av_ships_III", 'Anova(ships_off, type = 3)', 'rglm.Anova(ships_off, type=3)'),
  av("av_ozone_II", 'Anova(ozone_exclude)', 'rglm.Anova(ozone_exclude)'),
  av("av_noint_II", 'Anova(wb_noint)', 'rglm.Anova(wb_noint)'),
  av("av_noint_III", 'Anova(wb_noint, type = 3)', 'rglm.Anova(wb_noint, type=3)'),
  av("av_alias_II", 'Anova(wb_alias)', 'rglm.Anova(wb_alias)'),
  av("av_alias_III", 'Anova(wb_alias, type = 3)', 'rglm.Anova(wb_alias, type=3)'),
  av("av_alias_III_ok", 'Anova(wb_alias, type = 3, singular.ok = TRUE)',
     'rglm.Anova(wb_alias, type=3, singular_ok=True)'),
  av("av_alias_II_not_ok", 'Anova(wb_alias, singular.ok = FALSE)',
     'rglm.Anova(wb_alias, singular_ok=False)'),
  av("av_null_II", 'Anova(clot_null)', 'rglm.Anova(clot_null)'),
  av("av_wb_vcov_ignored", 'Anova(wb_qpois, vcov. = vcovHC)', 'rglm.Anova(wb_qpois, vcov_=rglm.vcovHC)'),

  # -- Anova: Wald tests ------------------------------------------------------------------
  av("wald_wb_II", 'Anova(wb_pois, test.statistic = "Wald")',
     'rglm.Anova(wb_pois, test_statistic="Wald")'),
  av("wald_wb_III", 'Anova(wb_pois, type = "III", test.statistic = "Wald")',
     'rglm.Anova(wb_pois, type="III", test_statistic="Wald")'),
  av("wald_sum_III", 'Anova(wb_sum, type = 3, test.statistic = "Wald")',
     'rglm.Anova(wb_sum, type=3, test_statistic="Wald")'),
  av("wald_nb_II", 'Anova(wb_nb, test.statistic = "Wald")',
     'rglm.Anova(wb_nb, test_statistic="Wald")'),
  av("wald_quine_nb_III", 'Anova(quine_nb, type = 3, test.statistic = "Wald")',
     'rglm.Anova(quine_nb, type=3, test_statistic="Wald")'),
  av("wald_budworm_III", 'Anova(budworm_int, type = 3, test.statistic = "Wald")',
     'rglm.Anova(budworm_int, type=3, test_statistic="Wald")'),
  av("wald_nested_II", 'Anova(budworm_nested, test.statistic = "Wald")',
     'rglm.Anova(budworm_nested, test_statistic="Wald")'),
  av("wald_tooth_II", 'Anova(tooth_gamma, test.statistic = "Wald")',
     'rglm.Anova(tooth_gamma, test_statistic="Wald")'),
  av("wald_infert_II", 'Anova(infert_bin, test.statistic = "Wald")',
     'rglm.Anova(infert_bin, test_statistic="Wald")'),
  av("wald_esoph_II", 'Anova(esoph_bin, test.statistic = "Wald")',
     'rglm.Anova(esoph_bin, test_statistic="Wald")'),
  av("wald_dobson_III", 'Anova(d93, type = 3, test.statistic = "Wald")',
     'rglm.Anova(d93, type=3, test_statistic="Wald")'),
  av("wald_noint_II", 'Anova(wb_noint, test.statistic = "Wald")',
     'rglm.Anova(wb_noint, test_statistic="Wald")'),
  av("wald_noint_III", 'Anova(wb_noint, type = 3, test.statistic = "Wald")',
     'rglm.Anova(wb_noint, type=3, test_statistic="Wald")'),
  av("wald_null", 'Anova(clot_null, test.statistic = "Wald")',
     'rglm.Anova(clot_null, test_statistic="Wald")'),
  av("wald_qpois_vcovHC", 'Anova(wb_qpois, test.statistic = "Wald", vcov. = vcovHC)',
     'rglm.Anova(wb_qpois, test_statistic="Wald", vcov_=rglm.vcovHC)'),
  av("wald_qpois_vcov_matrix", 'Anova(wb_qpois, type = 3, test.statistic = "Wald", vcov. = vcovHC(wb_qpois, type = "HC0"))',
     'rglm.Anova(wb_qpois, type=3, test_statistic="Wald", vcov_=rglm.vcovHC(wb_qpois, type="HC0"))'),
  av("wald_alias_II", 'Anova(wb_alias, test.statistic = "Wald")',
     'rglm.Anova(wb_alias, test_statistic="Wald")'),
  av("wald_alias_II_vcov", 'Anova(wb_alias, test.statistic = "Wald", vcov. = vcov(wb_alias, complete = FALSE))',
     'rglm.Anova(wb_alias, test_statistic="Wald", vcov_=rglm.vcov(wb_alias, complete=False))'),

  # -- Anova: F tests -----------------------------------------------------------------------
  av("f_wb_II", 'Anova(wb_pois, test.statistic = "F")', 'rglm.Anova(wb_pois, test_statistic="F")'),
  av("f_qpois_II", 'Anova(wb_qpois, test.statistic = "F")',
     'rglm.Anova(wb_qpois, test_statistic="F")'),
  av("f_qpois_III", 'Anova(wb_qpois, type = 3, test.statistic = "F")',
     'rglm.Anova(wb_qpois, type=3, test_statistic="F")'),
  av("f_qpois_dispersion", 'Anova(wb_qpois, test.statistic = "F", error.estimate = "dispersion")',
     'rglm.Anova(wb_qpois, test_statistic="F", error_estimate="dispersion")'),
  av("f_sum_III_deviance", 'Anova(wb_sum, type = 3, test.statistic = "F", error.estimate = "deviance")',
     'rglm.Anova(wb_sum, type=3, test_statistic="F", error_estimate="deviance")'),
  av("f_nb_II", 'Anova(wb_nb, test.statistic = "F")', 'rglm.Anova(wb_nb, test_statistic="F")'),
  av("f_budworm_dispersion", 'Anova(budworm_int, test.statistic = "F", error.estimate = "dispersion")',
     'rglm.Anova(budworm_int, test_statistic="F", error_estimate="dispersion")'),
  av("f_clot_II", 'Anova(clot_gamma, test.statistic = "F")',
     'rglm.Anova(clot_gamma, test_statistic="F")'),
  av("f_clot_III_deviance", 'Anova(clot_gamma, type = 3, test.statistic = "F", error.estimate = "deviance")',
     'rglm.Anova(clot_gamma, type=3, test_statistic="F", error_estimate="deviance")'),
  av("f_clot_w", 'Anova(clot_w, test.statistic = "F", error.estimate = "dispersion")',
     'rglm.Anova(clot_w, test_statistic="F", error_estimate="dispersion")'),
  av("f_mt_add_II", 'Anova(mt_add, test.statistic = "F")',
     'rglm.Anova(mt_add, test_statistic="F")'),
  av("f_mt_add_error", 'Anova(mt_add, test.statistic = "F", error = mt_full)',
     'rglm.Anova(mt_add, test_statistic="F", error=mt_full)'),
  av("f_mt_full_III", 'Anova(mt_full, type = 3, test.statistic = "F")',
     'rglm.Anova(mt_full, type=3, test_statistic="F")'),
  av("f_mt_full_II", 'Anova(mt_full, test.statistic = "F")',
     'rglm.Anova(mt_full, test_statistic="F")'),
  av("f_ozone_II", 'Anova(ozone_exclude, test.statistic = "F")',
     'rglm.Anova(ozone_exclude, test_statistic="F")'),
  av("f_dobson_II", 'Anova(d93, test.statistic = "F")', 'rglm.Anova(d93, test_statistic="F")'),
  av("f_alias_II", 'Anova(wb_alias, test.statistic = "F")',
     'rglm.Anova(wb_alias, test_statistic="F")'),
  av("f_alias_III_ok", 'Anova(wb_alias, type = 3, test.statistic = "F", singular.ok = TRUE)',
     'rglm.Anova(wb_alias, type=3, test_statistic="F", singular_ok=True)'),
  av("f_null_III", 'Anova(clot_null, test.statistic = "F")',
     'rglm.Anova(clot_null, test_statistic="F")'),

  # -- Anova: bad arguments ----------------------------------------------------------------
  av("av_bad_type", 'Anova(wb_pois, type = "IV")', 'rglm.Anova(wb_pois, type="IV")'),
  av("av_bad_test", 'Anova(wb_pois, test.statistic = "Score")',
     'rglm.Anova(wb_pois, test_statistic="Score")'),
  av("av_bad_error_estimate", 'Anova(wb_qpois, test.statistic = "F", error.estimate = "x")',
     'rglm.Anova(wb_qpois, test_statistic="F", error_estimate="x")'),

  # -- linearHypothesis ---------------------------------------------------------------------
  lh("lh_wb_two", 'linearHypothesis(wb_pois, c("woolB = 0", "tensionM = tensionH"))',
     'rglm.linearHypothesis(wb_pois, ["woolB = 0", "tensionM = tensionH"])'),
  lh("lh_wb_two_F", 'linearHypothesis(wb_pois, c("woolB = 0", "tensionM = tensionH"), test = "F")',
     'rglm.linearHypothesis(wb_pois, ["woolB = 0", "tensionM = tensionH"], test="F")'),
  lh("lh_qpois_coefs", 'linearHypothesis(wb_qpois, "2*woolB + 3 tensionM = 1", test = "F")',
     'rglm.linearHypothesis(wb_qpois, "2*woolB + 3 tensionM = 1", test="F")'),
  lh("lh_qpois_minus", 'linearHypothesis(wb_qpois, "woolB - 0.5*tensionH + 1 = woolB:tensionM")',
     'rglm.linearHypothesis(wb_qpois, "woolB - 0.5*tensionH + 1 = woolB:tensionM")'),
  lh("lh_negative", 'linearHypothesis(wb_pois, "-woolB = 0.25")',
     'rglm.linearHypothesis(wb_pois, "-woolB = 0.25")'),
  lh("lh_rhs", 'linearHypothesis(wb_pois, c("woolB", "tensionM"), rhs = c(1, 2))',
     'rglm.linearHypothesis(wb_pois, ["woolB", "tensionM"], rhs=[1, 2])'),
  lh("lh_rhs_third", 'linearHypothesis(wb_pois, "tensionH", rhs = 1/3)',
     'rglm.linearHypothesis(wb_pois, "tensionH", rhs=1/3)'),
  lh("lh_vector", 'linearHypothesis(wb_pois, c(0, 1, 0, 0, 0, 0), rhs = 0.5)',
     'rglm.linearHypothesis(wb_pois, [0, 1, 0, 0, 0, 0], rhs=0.5)'),
  lh("lh_matrix", 'linearHypothesis(wb_pois, matrix(c(0, 1, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0), 2, byrow = TRUE), rhs = c(0.5, 0))',
     'rglm.linearHypothesis(wb_pois, np.array([[0, 1, 0, 0, 0, 0], [0, 0, 1, -1, 0, 0]]), rhs=[0.5, 0])'),
  lh("lh_matrix_scaled", 'linearHypothesis(wb_pois, matrix(c(0, 2, 0, 0, -1.5, 0), 1))',
     'rglm.linearHypothesis(wb_pois, np.array([[0, 2, 0, 0, -1.5, 0]]))'),
  lh("lh_intercept", 'linearHypothesis(wb_pois, "(Intercept) = 3.5")',
     'rglm.linearHypothesis(wb_pois, "(Intercept) = 3.5")'),
  lh("lh_vcov_matrix", 'linearHypothesis(wb_qpois, "woolB = 0.5", vcov. = vcovHC(wb_qpois))',
     'rglm.linearHypothesis(wb_qpois, "woolB = 0.5", vcov_=rglm.vcovHC(wb_qpois))'),
  lh("lh_vcov_function", 'linearHypothesis(wb_qpois, c("woolB = 0", "woolB:tensionM = 0"), vcov. = vcovHC, test = "F")',
     'rglm.linearHypothesis(wb_qpois, ["woolB = 0", "woolB:tensionM = 0"], vcov_=rglm.vcovHC, test="F")'),
  lh("lh_infert_ops", 'linearHypothesis(infert_bin, "education6-11yrs = education12+ yrs")',
     'rglm.linearHypothesis(infert_bin, "education6-11yrs = education12+ yrs")'),
  lh("lh_infert_mixed", 'linearHypothesis(infert_bin, c("spontaneous = induced", "education6-11yrs=0"))',
     'rglm.linearHypothesis(infert_bin, ["spontaneous = induced", "education6-11yrs=0"])'),
  lh("lh_infert_matrix", 'linearHypothesis(infert_bin, diag(5)[2:3, ])',
     'rglm.linearHypothesis(infert_bin, np.eye(5)[1:3])'),
  lh("lh_nb", 'linearHypothesis(wb_nb, "woolB:tensionM = woolB:tensionH")',
     'rglm.linearHypothesis(wb_nb, "woolB:tensionM = woolB:tensionH")'),
  lh("lh_esoph", 'linearHypothesis(esoph_bin, c("tobgp.L = 0", "tobgp.Q = 0", "tobgp.C = 0"), test = "F")',
     'rglm.linearHypothesis(esoph_bin, ["tobgp.L = 0", "tobgp.Q = 0", "tobgp.C = 0"], test="F")'),
  lh("lh_constants", 'linearHypothesis(wb_pois, "woolB + 2 = tensionM - 1")',
     'rglm.linearHypothesis(wb_pois, "woolB + 2 = tensionM - 1")'),
  lh("lh_spaced_multiplier", 'linearHypothesis(wb_pois, c("- 2 * woolB = 3", "0.5 woolB:tensionH + tensionH"))',
     'rglm.linearHypothesis(wb_pois, ["- 2 * woolB = 3", "0.5 woolB:tensionH + tensionH"])'),
  lh("lh_minus_coef", 'linearHypothesis(wb_pois, "woolB = -tensionM")',
     'rglm.linearHypothesis(wb_pois, "woolB = -tensionM")'),
  lh("lh_error_df", 'linearHypothesis(wb_qpois, "woolB = 0", test = "F", error.df = 10)',
     'rglm.linearHypothesis(wb_qpois, "woolB = 0", test="F", error_df=10)'),
  lh("lh_rhs_text", 'linearHypothesis(wb_pois, c("woolB", "tensionH"), rhs = c("tensionM", "1"))',
     'rglm.linearHypothesis(wb_pois, ["woolB", "tensionH"], rhs=["tensionM", "1"])'),
  lh("lh_alias_ok", 'linearHypothesis(wb_alias, "woolB = tensionM", singular.ok = TRUE)',
     'rglm.linearHypothesis(wb_alias, "woolB = tensionM", singular_ok=True)'),
  lh("lh_alias", 'linearHypothesis(wb_alias, "woolB = 0")',
     'rglm.linearHypothesis(wb_alias, "woolB = 0")'),
  lh("lh_bad_double_eq", 'linearHypothesis(wb_pois, "woolB == 1")',
     'rglm.linearHypothesis(wb_pois, "woolB == 1")'),
  lh("lh_bad_two_eq", 'linearHypothesis(wb_pois, "woolB = 1 = 2")',
     'rglm.linearHypothesis(wb_pois, "woolB = 1 = 2")'),
  lh("lh_bad_name", 'linearHypothesis(wb_pois, "woolC = 1")',
     'rglm.linearHypothesis(wb_pois, "woolC = 1")'),
  lh("lh_bad_rhs_eq", 'linearHypothesis(wb_pois, "woolB = 1", rhs = 2)',
     'rglm.linearHypothesis(wb_pois, "woolB = 1", rhs=2)'),
  lh("lh_bad_coef", 'linearHypothesis(wb_pois, "a*woolB = 1")',
     'rglm.linearHypothesis(wb_pois, "a*woolB = 1")'),
  lh("lh_bad_twice", 'linearHypothesis(wb_pois, "woolB + woolB = 0")',
     'rglm.linearHypothesis(wb_pois, "woolB + woolB = 0")'),
  lh("lh_bad_rhs_text", 'linearHypothesis(wb_pois, "woolB", rhs = "x")',
     'rglm.linearHypothesis(wb_pois, "woolB", rhs="x")'),
  lh("lh_bad_test", 'linearHypothesis(wb_pois, "woolB = 0", test = "LR")',
     'rglm.linearHypothesis(wb_pois, "woolB = 0", test="LR")'),
  lh("lh_bad_matrix", 'linearHypothesis(wb_pois, matrix(c(0, 1, 0), 1))',
     'rglm.linearHypothesis(wb_pois, np.array([[0, 1, 0]]))')
)

# ---- evaluation ------------------------------------------------------------------------

fitted_models <- fit_model_specs(MODELS, data_env, dataset_names)
model_env <- fitted_models$env
model_records <- fitted_models$records

case_env <- new.env(parent = model_env)
assign("linearHypothesis", linearHypothesis_current, envir = case_env)

# A call's value, warnings, messages and error (common.R's collecting() drops messages,
# which Anova() uses to say where a covariance matrix came from).
collect_all <- function(code, env) {
  warns <- character()
  msgs <- character()
  error <- NULL
  value <- withCallingHandlers(
    tryCatch(eval(parse(text = code)[[1]], envir = env),
             error = function(e) { error <<- conditionMessage(e); NULL }),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(m) {
      msgs <<- c(msgs, sub("\n$", "", conditionMessage(m)))
      invokeRestart("muffleMessage")
    })
  list(value = value, warnings = warns, messages = msgs, error = error)
}



case_record <- function(spec) {
  base <- list(id = spec$id, kind = spec$kind, r = spec$r, py = spec$py,
               models = I(models_used(spec$r, MODELS)))
  res <- collect_all(spec$r, case_env)
  if (!is.null(res$error)) {
    return(c(base, list(error = res$error, warnings = I(res$warnings))))
  }
  value <- res$value
  if (!inherits(value, "anova")) stop(spec$id, ": not an anova table")
  rec <- c(base, list(
    warnings = I(res$warnings),
    messages = I(res$messages),
    table = table_record(value),
    heading = I(attr(value, "heading")),
    print = printed(print(value))))
  if (spec$kind == "linearHypothesis") {
    local <- attr(value, "local")
    val <- attr(value, "value")
    rec$value <- list(names = if (is.null(rownames(val))) NULL else I(rownames(val)),
                      values = json_nums(val))
    rec$vcov <- list(values = json_rows(attr(value, "vcov")))
    if (!identical(attr(local, "heading"), attr(value, "heading"))) {
      rec$heading_local <- I(attr(local, "heading"))
      rec$print_local <- printed(print(local))
    }
  }
  rec
}

case_records <- lapply(CASES, case_record)

ids <- c(vapply(MODELS, `[[`, "", "id"), vapply(CASES, `[[`, "", "id"))
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

out <- list(
  r_version = R.version.string,
  car_version = as.character(packageVersion("car")),
  target = "car >= 3.1-3",
  note = paste("Generated by tests/reference/make_car.R with car", packageVersion("car"),
               "converted to current car (L1: linearHypothesis title; L2: hypotheses on",
               "coefficients named with arithmetic operators printed as given)."),
  models = model_records,
  cases = case_records
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models and", length(out$cases), "cases to", out_file, "\n")
