# The R reference suite for whole glm() fits: tests/reference/glm_models.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_reference.R
# The UTF-8 locale matters: sQuote() then gives the curly quotes of R's messages and of
# the significance legend, as an R user sees them.
#
# Every dataset is read BACK from data/<name>.csv through its data/<name>.json sidecar
# (read_rglm_dataset() in common.R), so R fits exactly the data rglm's loader returns.
#
# Each model has `r`, the R code evaluated (a glm() call whose printed call rglm must
# reproduce), and `py`, its translation to rglm as an R user would write it.  The test
# harness (tests/models/glm/test_r_reference.py) runs `py` in a namespace where `rglm` and each
# dataset named in `data` are bound, and compares every component recorded here.
#
# Output: {"models": [...], "errors": [...]}; numbers at full double precision
# (json_nums() in common.R); NA -> null, NaN/Inf -> "NaN"/"Inf".

suppressPackageStartupMessages({
  library(jsonlite)
  library(statmod)  # tweedie() (issue #12 section 3)
})
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "glm_models.json")

data_env <- rglm_data_env()

TOL <- 1e-8

# `setup` (R) and `py_setup` (Python): code run first, in the model's environment, to
# bind what the call names besides the data (a quasi variance list, as an R user would
# build it before calling glm(): R prints `variance = vf` for it).
model <- function(id, r, py, tol = TOL, tol_reason = NULL, setup = NULL, py_setup = NULL) {
  list(id = id, r = r, py = py, tol = tol, tol_reason = tol_reason, setup = setup,
       py_setup = py_setup)
}

# ---- the models ----------------------------------------------------------------------
# Argument order in `r` is free: match.call() puts the printed call in glm()'s formals
# order (formula, family, data, weights, subset, na.action, start, etastart, mustart,
# offset, control, ..., singular.ok, contrasts), and rglm does the same.

MODELS <- list(
  # -- the examples of ?glm ---------------------------------------------------------
  model("dobson_poisson",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  model("budworm_sex_x_ldose",
        'glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
  model("budworm_nested_ldose",
        'glm(cbind(numdead, numalive) ~ sex/ldose - 1, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex/ldose - 1", family=rglm.binomial, data=budworm)'),
  model("clotting_gamma_lot1",
        'glm(lot1 ~ log(u), data = clotting, family = Gamma)',
        'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)'),
  model("clotting_gamma_lot2",
        'glm(lot2 ~ log(u), data = clotting, family = Gamma)',
        'rglm.glm("lot2 ~ log(u)", data=clotting, family=rglm.Gamma)'),
  model("anorexia_offset_prewt",
        'glm(Postwt ~ Prewt + Treat + offset(Prewt), family = gaussian, data = anorexia)',
        'rglm.glm("Postwt ~ Prewt + Treat + offset(Prewt)", family=rglm.gaussian, data=anorexia)'),
  model("esoph_agegp_tob_x_alc",
        'glm(cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp, data = esoph, family = binomial())',
        'rglm.glm("cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp", data=esoph, family=rglm.binomial())'),
  model("infert_spontaneous_induced",
        'glm(case ~ spontaneous + induced, data = infert, family = binomial())',
        'rglm.glm("case ~ spontaneous + induced", data=infert, family=rglm.binomial())'),

  # -- gaussian: identity / log / inverse ---------------------------------------------
  model("mtcars_gaussian_default_family",
        'glm(mpg ~ wt + hp, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp", data=mtcars)'),
  model("mtcars_gaussian_log",
        'glm(mpg ~ wt + qsec, family = gaussian(link = "log"), data = mtcars)',
        'rglm.glm("mpg ~ wt + qsec", family=rglm.gaussian(link="log"), data=mtcars)'),
  model("mtcars_gaussian_inverse",
        'glm(mpg ~ wt, family = gaussian(link = "inverse"), data = mtcars)',
        'rglm.glm("mpg ~ wt", family=rglm.gaussian(link="inverse"), data=mtcars)'),
  model("plantgrowth_gaussian_call",
        'glm(weight ~ group, family = gaussian(), data = PlantGrowth)',
        'rglm.glm("weight ~ group", family=rglm.gaussian(), data=PlantGrowth)'),

  # -- binomial: logit / probit / cauchit / cloglog / log ---------------------------
  model("budworm_probit",
        'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = "probit"), data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial(link="probit"), data=budworm)'),
  model("budworm_cauchit",
        'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = "cauchit"), data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial(link="cauchit"), data=budworm)'),
  model("budworm_cloglog",
        'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = "cloglog"), data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial(link="cloglog"), data=budworm)'),
  model("esoph_binomial_log_ordered",
        'glm(cbind(ncases, ncontrols) ~ tobgp, family = binomial(link = "log"), data = esoph)',
        'rglm.glm("cbind(ncases, ncontrols) ~ tobgp", family=rglm.binomial(link="log"), data=esoph)'),
  model("budworm_binomial_log_subset",
        'glm(cbind(numdead, numalive) ~ ldose, family = binomial(link = "log"), data = budworm, subset = sex == "F")',
        'rglm.glm("cbind(numdead, numalive) ~ ldose", family=rglm.binomial(link="log"), data=budworm, subset=\'sex == "F"\')'),
  model("infert_binomial_log_start_step_halving",
        'glm(case ~ spontaneous + induced, family = binomial(link = "log"), data = infert, start = c(-1.5, 0.1, 0.1))',
        'rglm.glm("case ~ spontaneous + induced", family=rglm.binomial(link="log"), data=infert, start=[-1.5, 0.1, 0.1])'),
  model("birthwt_logit_row_names",
        'glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui, family = binomial, data = birthwt)',
        'rglm.glm("low ~ age + lwt + factor(race) + smoke + ptl + ht + ui", family=rglm.binomial, data=birthwt)'),
  model("toothgrowth_factor_response",
        'glm(supp ~ len, family = binomial, data = ToothGrowth)',
        'rglm.glm("supp ~ len", family=rglm.binomial, data=ToothGrowth)'),
  model("menarche_proportion_weights",
        'glm(Menarche/Total ~ Age, family = binomial(link = "logit"), data = menarche, weights = Total)',
        'rglm.glm("Menarche/Total ~ Age", family=rglm.binomial(link="logit"), data=menarche, weights="Total")'),
  model("cbpp_cbind_expression",
        'glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp)',
        'rglm.glm("cbind(incidence, size - incidence) ~ period", family=rglm.binomial, data=cbpp)'),
  model("cbpp_proportion_no_weights_warns",
        'glm(incidence/size ~ period, family = binomial, data = cbpp)',
        'rglm.glm("incidence/size ~ period", family=rglm.binomial, data=cbpp)'),
  model("mtcars_complete_separation",
        'glm(I(mpg > 20) ~ mpg, family = binomial, data = mtcars)',
        'rglm.glm("I(mpg > 20) ~ mpg", family=rglm.binomial, data=mtcars)',
        tol = 1e-6,
        tol_reason = paste(
          "complete separation: the coefficients diverge and IRLS stops at maxit = 25",
          "with working weights near 1e-10, so the last weighted least-squares solves",
          "are ill-conditioned and amplify rounding differences")),

  # -- poisson: log / identity / sqrt ---------------------------------------------------
  model("warpbreaks_poisson_identity",
        'glm(breaks ~ wool + tension, family = poisson(link = "identity"), data = warpbreaks)',
        'rglm.glm("breaks ~ wool + tension", family=rglm.poisson(link="identity"), data=warpbreaks)'),
  model("warpbreaks_poisson_sqrt_interaction",
        'glm(breaks ~ wool * tension, family = poisson(link = "sqrt"), data = warpbreaks)',
        'rglm.glm("breaks ~ wool * tension", family=rglm.poisson(link="sqrt"), data=warpbreaks)'),
  model("dobson_family_string",
        'glm(counts ~ outcome, family = "poisson", data = dobson)',
        'rglm.glm("counts ~ outcome", family="poisson", data=dobson)'),
  model("airquality_poisson_na_omit",
        'glm(Ozone ~ Solar.R + Wind + Temp, family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=airquality)'),
  model("airquality_logical_predictor",
        'glm(Ozone ~ Wind + I(Temp > 80), family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind + I(Temp > 80)", family=rglm.poisson, data=airquality)'),

  # -- Gamma: inverse / identity / log, and a power link -------------------------------
  model("mtcars_gamma_identity",
        'glm(mpg ~ wt, family = Gamma(link = "identity"), data = mtcars)',
        'rglm.glm("mpg ~ wt", family=rglm.Gamma(link="identity"), data=mtcars)'),
  model("clotting_gamma_log",
        'glm(lot1 ~ log(u), family = Gamma(link = "log"), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma(link="log"), data=clotting)'),
  model("clotting_gamma_power_third",
        'glm(lot1 ~ log(u), family = Gamma(link = power(1/3)), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma(link=rglm.power(1/3)), data=clotting)'),

  # -- inverse.gaussian: 1/mu^2 / inverse / identity / log ---------------------------
  model("clotting_invgauss_default",
        'glm(lot1 ~ log(u), family = inverse.gaussian, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.inverse_gaussian, data=clotting)'),
  model("clotting_invgauss_inverse",
        'glm(lot1 ~ log(u), family = inverse.gaussian(link = "inverse"), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.inverse_gaussian(link="inverse"), data=clotting)'),
  model("mtcars_invgauss_identity",
        'glm(mpg ~ wt, family = inverse.gaussian(link = "identity"), data = mtcars)',
        'rglm.glm("mpg ~ wt", family=rglm.inverse_gaussian(link="identity"), data=mtcars)'),
  model("clotting_invgauss_log",
        'glm(lot2 ~ log(u), family = inverse.gaussian(link = "log"), data = clotting)',
        'rglm.glm("lot2 ~ log(u)", family=rglm.inverse_gaussian(link="log"), data=clotting)'),

  # -- statmod::tweedie: var.power 0, 1, 1.2, 1.5, 2, 2.5, 3 (and -1), statmod's link -----
  model("quine_tweedie_p15_log",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = tweedie(var.power = 1.5, link.power = 0), data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.tweedie(var_power=1.5, link_power=0), data=quine)'),
  model("quine_tweedie_p12_default_link",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = tweedie(var.power = 1.2), data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.tweedie(var_power=1.2), data=quine)'),
  model("cbpp_tweedie_p15_weights_offset",
        'glm(incidence ~ period + offset(log(size)), family = tweedie(var.power = 1.5, link.power = 0), data = cbpp, weights = size)',
        'rglm.glm("incidence ~ period + offset(log(size))", family=rglm.tweedie(var_power=1.5, link_power=0), data=cbpp, weights="size")'),
  # y = 0 with var.power = 2: statmod's finite residual (log(0.1/mu)) where the gamma
  # deviance is infinite
  model("quine_tweedie_p2_zeros",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = tweedie(var.power = 2, link.power = 0), data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.tweedie(var_power=2, link_power=0), data=quine)'),
  model("mtcars_tweedie_function",
        'glm(mpg ~ wt + hp, family = tweedie, data = mtcars)',
        'rglm.glm("mpg ~ wt + hp", family=rglm.tweedie, data=mtcars)'),
  model("mtcars_tweedie_p0_log",
        'glm(mpg ~ wt + hp, family = tweedie(var.power = 0, link.power = 0), data = mtcars)',
        'rglm.glm("mpg ~ wt + hp", family=rglm.tweedie(var_power=0, link_power=0), data=mtcars)'),
  model("mtcars_tweedie_negative_power",
        'glm(mpg ~ wt, family = tweedie(var.power = -1, link.power = 0), data = mtcars)',
        'rglm.glm("mpg ~ wt", family=rglm.tweedie(var_power=-1, link_power=0), data=mtcars)'),
  model("warpbreaks_tweedie_p1",
        'glm(breaks ~ wool + tension, family = tweedie(var.power = 1), data = warpbreaks)',
        'rglm.glm("breaks ~ wool + tension", family=rglm.tweedie(var_power=1), data=warpbreaks)'),
  model("clotting_tweedie_p2",
        'glm(lot1 ~ log(u), family = tweedie(var.power = 2), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.tweedie(var_power=2), data=clotting)'),
  model("clotting_tweedie_p2_third",
        'glm(lot1 ~ log(u), family = tweedie(var.power = 2, link.power = 1/3), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.tweedie(var_power=2, link_power=1/3), data=clotting)'),
  model("clotting_tweedie_p25_log",
        'glm(lot2 ~ log(u), family = tweedie(var.power = 2.5, link.power = 0), data = clotting)',
        'rglm.glm("lot2 ~ log(u)", family=rglm.tweedie(var_power=2.5, link_power=0), data=clotting)'),
  model("clotting_tweedie_p3",
        'glm(lot1 ~ log(u), family = tweedie(var.power = 3), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.tweedie(var_power=3), data=clotting)'),

  # -- quasi with a variance list (R's quasi(variance = list(...))) ----------------------
  model("quine_quasi_custom_mu15",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = quasi(link = "log", variance = vmu15), data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.quasi(link="log", variance=vmu15), data=quine)',
        setup = paste(
          'vmu15 <- list(name = "mu^1.5", varfun = function(mu) mu^1.5,',
          '  validmu = function(mu) all(mu > 0),',
          '  dev.resids = function(y, mu, wt) 4 * wt * (sqrt(y) - sqrt(mu))^2 / sqrt(mu),',
          '  initialize = expression({n <- rep.int(1, nobs); mustart <- y + 0.1 * (y == 0)}))',
          sep = "\n"),
        py_setup = paste(
          'vmu15 = {"name": "mu^1.5", "varfun": lambda mu: mu ** 1.5,',
          '         "validmu": lambda mu: np.all(mu > 0),',
          '         "dev.resids": lambda y, mu, wt: 4 * wt * (np.sqrt(y) - np.sqrt(mu)) ** 2 / np.sqrt(mu),',
          '         "initialize": lambda y, weights: y + 0.1 * (y == 0)}',
          sep = "\n")),
  # V(mu) = mu(1-mu)^2; its quasi-deviance 2 wt (y log(y/mu) - y log((1-y)/(1-mu)) -
  # mu (y - mu)/(1 - mu)); mustart from the weights, as binomial's
  model("cbpp_quasi_custom_mu1mu2",
        'glm(incidence/size ~ period, family = quasi(link = "logit", variance = vmu1mu2), data = cbpp, weights = size)',
        'rglm.glm("incidence/size ~ period", family=rglm.quasi(link="logit", variance=vmu1mu2), data=cbpp, weights="size")',
        setup = paste(
          'vmu1mu2 <- list(name = "mu(1-mu)^2", varfun = function(mu) mu * (1 - mu)^2,',
          '  validmu = function(mu) all(mu > 0 & mu < 1),',
          '  dev.resids = function(y, mu, wt)',
          '    2 * wt * (ifelse(y == 0, 0, y * log(y / mu)) - y * log((1 - y) / (1 - mu)) - mu * (y - mu) / (1 - mu)),',
          '  initialize = expression({n <- rep.int(1, nobs); mustart <- (weights * y + 0.5) / (weights + 1)}))',
          sep = "\n"),
        py_setup = paste(
          'def dev_mu1mu2(y, mu, wt):',
          '    with np.errstate(divide="ignore", invalid="ignore"):',
          '        ylogy = np.where(y == 0, 0.0, y * np.log(y / mu))',
          '    return 2 * wt * (ylogy - y * np.log((1 - y) / (1 - mu)) - mu * (y - mu) / (1 - mu))',
          'vmu1mu2 = {"name": "mu(1-mu)^2", "varfun": lambda mu: mu * (1 - mu) ** 2,',
          '           "validmu": lambda mu: np.all((mu > 0) & (mu < 1)),',
          '           "dev.resids": dev_mu1mu2,',
          '           "initialize": lambda y, weights: (weights * y + 0.5) / (weights + 1)}',
          sep = "\n")),
  # R's quasi() keeps a list without initialize; glm.fit then starts from mustart
  model("quine_quasi_custom_no_initialize_mustart",
        'glm(Days ~ Eth + Sex, family = quasi(link = "log", variance = vnoinit), data = quine, mustart = Days + 0.5)',
        'rglm.glm("Days ~ Eth + Sex", family=rglm.quasi(link="log", variance=vnoinit), data=quine, mustart="Days + 0.5")',
        setup = paste(
          'vnoinit <- list(name = "mu", varfun = function(mu) mu, validmu = function(mu) all(mu > 0),',
          '  dev.resids = function(y, mu, wt) 2 * wt * (y * log(ifelse(y == 0, 1, y/mu)) - (y - mu)))',
          sep = "\n"),
        py_setup = paste(
          'def dev_mu(y, mu, wt):',
          '    return 2 * wt * (y * np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu))',
          'vnoinit = {"name": "mu", "varfun": lambda mu: mu, "validmu": lambda mu: np.all(mu > 0),',
          '           "dev.resids": dev_mu}',
          sep = "\n")),

  # -- quasi, quasibinomial, quasipoisson ------------------------------------------------
  model("quine_quasi_log_mu",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = quasi(link = "log", variance = "mu"), data = quine)',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.quasi(link="log", variance="mu"), data=quine)'),
  model("mtcars_quasi_identity_constant",
        'glm(mpg ~ wt + hp, family = quasi(link = "identity", variance = "constant"), data = mtcars)',
        'rglm.glm("mpg ~ wt + hp", family=rglm.quasi(link="identity", variance="constant"), data=mtcars)'),
  model("clotting_quasi_inverse_mu2",
        'glm(lot2 ~ log(u), family = quasi(link = "inverse", variance = "mu^2"), data = clotting)',
        'rglm.glm("lot2 ~ log(u)", family=rglm.quasi(link="inverse", variance="mu^2"), data=clotting)'),
  model("clotting_quasi_1mu2_mu3",
        'glm(lot1 ~ log(u), family = quasi(link = "1/mu^2", variance = "mu^3"), data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.quasi(link="1/mu^2", variance="mu^3"), data=clotting)'),
  model("menarche_quasi_logit_mu1mu",
        'glm(Menarche/Total ~ Age, family = quasi(link = "logit", variance = "mu(1-mu)"), data = menarche, weights = Total)',
        'rglm.glm("Menarche/Total ~ Age", family=rglm.quasi(link="logit", variance="mu(1-mu)"), data=menarche, weights="Total")'),
  model("budworm_quasibinomial",
        'glm(cbind(numdead, numalive) ~ sex * ldose, family = quasibinomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.quasibinomial, data=budworm)'),
  model("dobson_quasipoisson",
        'glm(counts ~ outcome + treatment, family = quasipoisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.quasipoisson(), data=dobson)'),

  # -- weights ----------------------------------------------------------------------
  model("clotting_weights_column",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, weights = lot2)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, weights="lot2")'),
  model("clotting_weights_expression",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, weights = 1/u)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, weights="1/u")'),
  model("mtcars_gaussian_zero_weights",
        'glm(mpg ~ wt, data = mtcars, weights = am)',
        'rglm.glm("mpg ~ wt", data=mtcars, weights="am")'),
  model("mtcars_poisson_zero_weights",
        'glm(carb ~ wt, family = poisson, data = mtcars, weights = vs)',
        'rglm.glm("carb ~ wt", family=rglm.poisson, data=mtcars, weights="vs")'),

  # -- offsets ----------------------------------------------------------------------
  model("insurance_offset_formula",
        'glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = Insurance)',
        'rglm.glm("Claims ~ District + Group + Age + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  model("insurance_offset_argument",
        'glm(Claims ~ District + Group + Age, family = poisson, data = Insurance, offset = log(Holders))',
        'rglm.glm("Claims ~ District + Group + Age", family=rglm.poisson, data=Insurance, offset="log(Holders)")'),
  model("insurance_offset_both",
        'glm(Claims ~ Group + Age + offset(0.5 * log(Holders)), family = poisson, data = Insurance, offset = 0.5 * log(Holders))',
        'rglm.glm("Claims ~ Group + Age + offset(0.5 * log(Holders))", family=rglm.poisson, data=Insurance, offset="0.5 * log(Holders)")'),
  model("anorexia_offset_no_intercept",
        'glm(Postwt ~ Treat - 1 + offset(Prewt), data = anorexia)',
        'rglm.glm("Postwt ~ Treat - 1 + offset(Prewt)", data=anorexia)'),
  model("ships_subset_offset",
        'glm(incidents ~ type + factor(year) + factor(period) + offset(log(service)), family = poisson, data = ships, subset = service > 0)',
        'rglm.glm("incidents ~ type + factor(year) + factor(period) + offset(log(service))", family=rglm.poisson, data=ships, subset="service > 0")'),

  # -- NA handling --------------------------------------------------------------------
  model("airquality_gamma_na_exclude",
        'glm(Ozone ~ Wind + Temp, family = Gamma(link = "log"), data = airquality, na.action = na.exclude)',
        'rglm.glm("Ozone ~ Wind + Temp", family=rglm.Gamma(link="log"), data=airquality, na_action="na.exclude")'),

  # -- rank deficiency ---------------------------------------------------------------
  model("airquality_aliased_sum",
        'glm(Ozone ~ Wind + Temp + I(Wind + Temp), family = poisson, data = airquality)',
        'rglm.glm("Ozone ~ Wind + Temp + I(Wind + Temp)", family=rglm.poisson, data=airquality)'),
  model("clotting_aliased_log_u2",
        'glm(lot2 ~ log(u) + log(u^2), data = clotting, family = Gamma)',
        'rglm.glm("lot2 ~ log(u) + log(u^2)", data=clotting, family=rglm.Gamma)'),
  model("quine_quasipoisson_empty_cells",
        'glm(Days ~ Eth * Sex * Age * Lrn, family = quasipoisson, data = quine)',
        'rglm.glm("Days ~ Eth * Sex * Age * Lrn", family=rglm.quasipoisson, data=quine)'),

  # -- intercepts, interactions, codings ---------------------------------------------
  model("dobson_minus_one",
        'glm(counts ~ outcome + treatment - 1, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment - 1", family=rglm.poisson(), data=dobson)'),
  model("warpbreaks_zero_plus",
        'glm(breaks ~ 0 + wool + tension, family = quasipoisson, data = warpbreaks)',
        'rglm.glm("breaks ~ 0 + wool + tension", family=rglm.quasipoisson, data=warpbreaks)'),
  model("dobson_intercept_only",
        'glm(counts ~ 1, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ 1", family=rglm.poisson(), data=dobson)'),
  model("dobson_empty_model",
        'glm(counts ~ 0, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ 0", family=rglm.poisson(), data=dobson)'),
  model("toothgrowth_factor_x_numeric",
        'glm(len ~ supp * dose, data = ToothGrowth)',
        'rglm.glm("len ~ supp * dose", data=ToothGrowth)'),
  model("mtcars_poly2",
        'glm(mpg ~ poly(hp, 2), family = Gamma(link = "log"), data = mtcars)',
        'rglm.glm("mpg ~ poly(hp, 2)", family=rglm.Gamma(link="log"), data=mtcars)'),
  model("mtcars_I_square",
        'glm(mpg ~ hp + I(hp^2), family = gaussian, data = mtcars)',
        'rglm.glm("mpg ~ hp + I(hp^2)", family=rglm.gaussian, data=mtcars)'),
  model("warpbreaks_contr_sum",
        'glm(breaks ~ wool + tension, family = poisson, data = warpbreaks, contrasts = list(tension = "contr.sum"))',
        'rglm.glm("breaks ~ wool + tension", family=rglm.poisson, data=warpbreaks, contrasts={"tension": "contr.sum"})'),
  model("insectsprays_contr_helmert",
        'glm(count ~ spray, family = poisson, data = InsectSprays, contrasts = list(spray = "contr.helmert"))',
        'rglm.glm("count ~ spray", family=rglm.poisson, data=InsectSprays, contrasts={"spray": "contr.helmert"})'),

  # -- starting values and control -----------------------------------------------------
  model("clotting_start",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, start = c(-0.01, 0.015))',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, start=[-0.01, 0.015])'),
  model("dobson_etastart",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson, etastart = log(counts))',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson, etastart="log(counts)")'),
  model("dobson_mustart",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson, mustart = counts)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson, mustart="counts")'),
  model("quine_maxit3_not_converged",
        'glm(Days ~ Eth + Sex + Age + Lrn, family = Gamma(link = "log"), data = quine, subset = Days > 0, control = glm.control(maxit = 3))',
        'rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.Gamma(link="log"), data=quine, subset="Days > 0", control=rglm.glm_control(maxit=3))')
)

ERRORS <- list(
  model("binomial_y_outside_01",
        'glm(counts ~ outcome, family = binomial, data = dobson)',
        'rglm.glm("counts ~ outcome", family=rglm.binomial, data=dobson)'),
  model("poisson_negative_counts",
        'glm(I(-counts) ~ outcome, family = poisson, data = dobson)',
        'rglm.glm("I(-counts) ~ outcome", family=rglm.poisson, data=dobson)'),
  model("gamma_non_positive",
        'glm(I(counts - 15) ~ outcome, family = Gamma, data = dobson)',
        'rglm.glm("I(counts - 15) ~ outcome", family=rglm.Gamma, data=dobson)'),
  model("inverse_gaussian_non_positive",
        'glm(I(counts - 15) ~ outcome, family = inverse.gaussian, data = dobson)',
        'rglm.glm("I(counts - 15) ~ outcome", family=rglm.inverse_gaussian, data=dobson)'),
  model("missing_column",
        'glm(counts ~ nosuch, family = poisson, data = dobson)',
        'rglm.glm("counts ~ nosuch", family=rglm.poisson, data=dobson)'),
  model("weights_wrong_length",
        'glm(counts ~ outcome, family = poisson, data = dobson, weights = c(1, 2))',
        'rglm.glm("counts ~ outcome", family=rglm.poisson, data=dobson, weights=[1.0, 2.0])'),
  model("negative_weights",
        'glm(counts ~ outcome, family = poisson, data = dobson, weights = counts - 15)',
        'rglm.glm("counts ~ outcome", family=rglm.poisson, data=dobson, weights="counts - 15")'),
  model("unknown_family_string",
        'glm(counts ~ outcome, family = "poison", data = dobson)',
        'rglm.glm("counts ~ outcome", family="poison", data=dobson)'),
  model("unknown_link",
        'glm(counts ~ outcome, family = poisson(link = "logarithm"), data = dobson)',
        'rglm.glm("counts ~ outcome", family=rglm.poisson(link="logarithm"), data=dobson)'),
  # R's poisson() accepts any link make.link() knows (only the error message lists
  # log/identity/sqrt); this one then fails in linkfun(mustart) = qlogis(y + 0.1).
  model("poisson_logit_link_fails_in_qlogis",
        'glm(counts ~ outcome, family = poisson(link = "logit"), data = dobson)',
        'rglm.glm("counts ~ outcome", family=rglm.poisson(link="logit"), data=dobson)'),
  model("log_binomial_needs_start",
        'glm(case ~ spontaneous + induced, family = binomial(link = "log"), data = infert)',
        'rglm.glm("case ~ spontaneous + induced", family=rglm.binomial(link="log"), data=infert)'),
  model("singular_not_ok",
        'glm(lot2 ~ log(u) + log(u^2), family = Gamma, data = clotting, singular.ok = FALSE)',
        'rglm.glm("lot2 ~ log(u) + log(u^2)", family=rglm.Gamma, data=clotting, singular_ok=False)'),
  model("start_wrong_length",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, start = c(1, 2, 3))',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, start=[1.0, 2.0, 3.0])'),
  model("control_maxit_zero",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, control = glm.control(maxit = 0))',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, control=rglm.glm_control(maxit=0))'),
  model("offset_wrong_length",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, offset = c(1, 2))',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, offset=[1.0, 2.0])'),
  model("weights_not_numeric",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting, weights = letters[1:9])',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting, weights=list("abcdefghi"))'),
  # Malformed formulas: R's parser reports where it failed; the formula is parsed from
  # text here because the R script itself could not contain it.
  model("formula_incomplete",
        'glm(eval(parse(text = "lot1 ~ log(u) +")), data = clotting)',
        'rglm.glm("lot1 ~ log(u) +", data=clotting)'),
  # -- quasi's variance lists: what R's quasi() keeps, glm() then rejects ------------------
  model("quasi_custom_without_varfun",
        'glm(Days ~ Eth, family = quasi(variance = vbad), data = quine)',
        'rglm.glm("Days ~ Eth", family=rglm.quasi(variance=vbad), data=quine)',
        setup = 'vbad <- list(name = "mu", variance = function(mu) mu, validmu = function(mu) TRUE)',
        py_setup = 'vbad = {"name": "mu", "variance": lambda mu: mu, "validmu": lambda mu: True}'),
  model("quasi_custom_without_dev_resids",
        'glm(Days ~ Eth, family = quasi(variance = vnodev), data = quine)',
        'rglm.glm("Days ~ Eth", family=rglm.quasi(variance=vnodev), data=quine)',
        setup = paste(
          'vnodev <- list(name = "mu", varfun = function(mu) mu, validmu = function(mu) TRUE,',
          '  initialize = expression({n <- rep.int(1, nobs); mustart <- y + 0.1}))', sep = "\n"),
        py_setup = paste(
          'vnodev = {"name": "mu", "varfun": lambda mu: mu, "validmu": lambda mu: True,',
          '          "initialize": lambda y, weights: y + 0.1}', sep = "\n")),
  model("quasi_custom_without_initialize",
        'glm(Days ~ Eth, family = quasi(link = "log", variance = vnoinit), data = quine)',
        'rglm.glm("Days ~ Eth", family=rglm.quasi(link="log", variance=vnoinit), data=quine)',
        setup = paste(
          'vnoinit <- list(name = "mu", varfun = function(mu) mu, validmu = function(mu) all(mu > 0),',
          '  dev.resids = function(y, mu, wt) 2 * wt * (y * log(ifelse(y == 0, 1, y/mu)) - (y - mu)))',
          sep = "\n"),
        py_setup = paste(
          'def dev_mu(y, mu, wt):',
          '    return 2 * wt * (y * np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu))',
          'vnoinit = {"name": "mu", "varfun": lambda mu: mu, "validmu": lambda mu: np.all(mu > 0),',
          '           "dev.resids": dev_mu}',
          sep = "\n")),
  model("formula_unbalanced",
        'glm(eval(parse(text = "lot1 ~ log(u))")), data = clotting)',
        'rglm.glm("lot1 ~ log(u))", data=clotting)')
)

# ---- evaluation -------------------------------------------------------------------------

json_contrasts <- function(ctr) {
  if (is.null(ctr)) return(NULL)
  lapply(ctr, function(v) {
    if (is.character(v)) return(v)
    v <- as.matrix(v)
    list(matrix = json_rows(v), rownames = I(rownames(v)), colnames = I(colnames(v)))
  })
}

json_na_action <- function(na) {
  if (is.null(na)) return(NULL)
  list(class = class(na), rows = I(as.integer(na)), names = I(names(na)))
}

strings <- function(x) if (is.null(x)) NULL else I(as.character(x))

# The environment a case's `r` is evaluated in: the data, and what its `setup` binds.
case_env <- function(spec) {
  env <- new.env(parent = data_env)
  if (!is.null(spec$setup)) eval(parse(text = spec$setup), envir = env)
  env
}

fit_record <- function(spec) {
  env <- case_env(spec)
  res <- eval_collecting(spec$r, env)
  fit <- res$value
  if (!inherits(fit, "glm")) stop(spec$id, ": not a glm fit")
  sres <- eval_collecting("summary(fit)", list2env(list(fit = fit), parent = env))
  s <- sres$value
  summary42 <- capture.output(print(s))
  # vcov() calls summary.glm() again: its warnings are already in summary_warnings.
  se <- suppressWarnings(sqrt(diag(vcov(fit))))
  list(
    id = spec$id,
    r = spec$r,
    py = spec$py,
    setup = spec$setup,
    py_setup = spec$py_setup,
    data = I(datasets_used(spec$r)),
    tol = spec$tol,
    tol_reason = spec$tol_reason,
    coef_names = strings(names(coef(fit))),
    coefficients = json_nums(coef(fit)),
    se = json_nums(se),
    deviance = json_num(fit$deviance),
    null_deviance = json_num(fit$null.deviance),
    aic = json_num(fit$aic),
    iter = fit$iter,
    rank = fit$rank,
    df_residual = fit$df.residual,
    df_null = fit$df.null,
    converged = fit$converged,
    boundary = fit$boundary,
    row_names = strings(names(fit$fitted.values)),
    fitted_values = json_nums(fit$fitted.values),
    linear_predictors = json_nums(fit$linear.predictors),
    residuals = json_nums(fit$residuals),
    weights = json_nums(fit$weights),
    prior_weights = json_nums(fit$prior.weights),
    y = json_nums(fit$y),
    offset = if (is.null(fit$offset)) NULL else json_nums(fit$offset),
    effects = if (is.null(fit$effects)) NULL else json_nums(fit$effects),
    effects_names = strings(names(fit$effects)),
    R = json_rows(fit$R),
    R_names = strings(colnames(fit$R)),
    qr_pivot = if (is.null(fit$qr)) NULL else I(fit$qr$pivot),
    qr_rank = if (is.null(fit$qr)) NULL else fit$qr$rank,
    qraux = if (is.null(fit$qr)) NULL else json_nums(fit$qr$qraux),
    family = fit$family$family,
    link = fit$family$link,
    xlevels = if (is.null(fit$xlevels)) NULL else lapply(fit$xlevels, I),
    contrasts = json_contrasts(fit$contrasts),
    na_action = json_na_action(fit$na.action),
    dispersion = json_num(s$dispersion),
    summary_coef_names = strings(rownames(coef(s))),
    warnings = I(res$warnings),
    summary_warnings = I(sres$warnings),
    print = printed(print(fit)),
    summary_print = text_of(summary_to_r43(summary42)),
    summary_print_r42 = text_of(summary42)
  )
}

error_record <- function(spec) {
  list(id = spec$id, r = spec$r, py = spec$py, setup = spec$setup, py_setup = spec$py_setup,
       data = I(datasets_used(spec$r)), error = error_text(spec$r, case_env(spec), spec$id))
}

ids <- c(vapply(MODELS, `[[`, "", "id"), vapply(ERRORS, `[[`, "", "id"))
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

out <- list(
  r_version = R.version.string,
  note = paste("Generated by tests/reference/make_reference.R; summary_print is R 4.2's",
               "print(summary(fit)) converted to the R >= 4.3 layout, summary_print_r42",
               "the raw R 4.2 text."),
  models = lapply(MODELS, fit_record),
  errors = lapply(ERRORS, error_record)
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models and", length(out$errors), "error cases to",
    out_file, "\n")
