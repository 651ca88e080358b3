# Reference values for statmod::tweedie() and quasi(variance = <list>) (issue #12 section 3):
# tests/reference/tweedie.json, read by tests/families/test_tweedie.py and
# tests/families/test_quasi_custom.py. Whole glm() fits with both families are in
# make_reference.R (glm_models.json).
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_tweedie.R
# Needs statmod (written with statmod 1.5.0, recorded as `statmod_version`).
#
# Each family case has `r` (the R expression making the family), `py` (its rglm
# translation) and R's values of every element: family, link, print(family), the
# messages its construction gives, variance, validmu, dev.resids, aic, linkfun,
# linkinv, mu.eta, valideta and what initialize sets (y, n, mustart). `deparse` is R's
# deparse() of `r`, as glm() prints the family argument. Error cases have `r`, `py`
# and R's conditionMessage (`setup`/`py_setup` bind the variance list a case names).
# Numbers at full double precision (json_nums() in common.R): NA -> null, NaN/Inf ->
# "NaN"/"Inf"/"-Inf".

suppressPackageStartupMessages({
  library(jsonlite)
  library(statmod)
})
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "tweedie.json")

# What evaluating `expr` gives, with the texts of its messages (statmod's "Setting
# var.power = 1"), which collecting() suppresses.
with_messages <- function(expr) {
  msgs <- character()
  value <- withCallingHandlers(expr, message = function(m) {
    msgs <<- c(msgs, sub("\n$", "", conditionMessage(m)))
    invokeRestart("muffleMessage")
  })
  list(value = value, messages = msgs)
}

# initialize evaluated as glm.fit evaluates it: in a frame holding y, weights, nobs.
run_initialize <- function(fam, y, weights) {
  env <- new.env()
  env$y <- y; env$weights <- weights; env$nobs <- length(y)
  env$etastart <- NULL; env$start <- NULL; env$mustart <- NULL
  eval(fam$initialize, env)
  list(y = json_nums(env$y), weights = json_nums(env$weights), n = json_nums(env$n),
       mustart = json_nums(env$mustart))
}

# y with zeros (allowed for 0 <= p < 2 and, by statmod's y1 = 0.1, at p = 2), a small and
# a large value; mu spread around them; weights with a zero. `y_pos` for p > 2, where a
# zero response gives an infinite deviance; `y_neg` (a negative response) for p = 0.
Y <- c(0, 0, 0.5, 1, 2.5, 7, 30, 1e-3)
MU <- c(0.3, 2, 0.5, 1.4, 2, 6.2, 35, 0.01)
WT <- c(1, 2, 0.5, 0, 1, 3, 1, 1)
Y_POS <- c(0.2, 0.5, 1, 2.5, 7, 30, 1e-3, 4)
Y_NEG <- c(-2, 0, 0.5, -0.1, 2.5, 7, 30, 1e-3)
ETA <- c(-2, -0.5, 0, 1e-3, 0.3, 1, 2.5, 40)
MU_CASES <- list(c(0.5, 1), c(0, 1), c(-1, 1), c(1e-300, 2), c(NaN, 1))
ETA_CASES <- list(c(1, 2), c(0, 1), c(-1, 1), c(NaN, 1))

family_case <- function(label, r, py, y = Y, mu = MU, wt = WT) {
  made <- with_messages(eval(parse(text = r)[[1]]))
  fam <- made$value
  dr <- fam$dev.resids(y, mu, wt)
  list(
    label = label, r = r, py = py,
    deparse = paste(deparse(parse(text = r)[[1]]), collapse = "\n"),
    messages = I(made$messages),
    family = fam$family, link = fam$link, print = printed(print(fam)),
    has_dispersion = !is.null(fam$dispersion),
    y = json_nums(y), mu = json_nums(mu), wt = json_nums(wt),
    variance = json_nums(fam$variance(mu)),
    dev_resids = json_nums(dr),
    aic = json_num(fam$aic(y, rep(1, length(y)), mu, wt, sum(dr))),
    validmu = vapply(MU_CASES, function(m) isTRUE(fam$validmu(m)), TRUE),
    eta = json_nums(ETA),
    linkfun = json_nums(suppressWarnings(fam$linkfun(mu))),
    linkinv = json_nums(suppressWarnings(fam$linkinv(ETA))),
    mu_eta = json_nums(suppressWarnings(fam$mu.eta(ETA))),
    valideta = vapply(ETA_CASES, function(e) isTRUE(fam$valideta(e)), TRUE),
    initialize = run_initialize(fam, y, wt)
  )
}

FAMILIES <- list(
  family_case("default", "tweedie()", "rglm.tweedie()", y = Y_NEG),
  family_case("p0 log", "tweedie(var.power = 0, link.power = 0)",
              "rglm.tweedie(var_power=0, link_power=0)", y = Y_NEG),
  family_case("p0.5", "tweedie(var.power = 0.5)", "rglm.tweedie(var_power=0.5)"),
  family_case("p1", "tweedie(var.power = 1)", "rglm.tweedie(var_power=1)"),
  family_case("p1 identity", "tweedie(var.power = 1, link.power = 1)",
              "rglm.tweedie(var_power=1, link_power=1)"),
  family_case("p1.2", "tweedie(var.power = 1.2)", "rglm.tweedie(var_power=1.2)"),
  family_case("p1.5 log", "tweedie(var.power = 1.5, link.power = 0)",
              "rglm.tweedie(var_power=1.5, link_power=0)"),
  family_case("p1.5 sqrt", "tweedie(var.power = 1.5, link.power = 0.5)",
              "rglm.tweedie(var_power=1.5, link_power=0.5)"),
  family_case("p1.5 default", "tweedie(var.power = 1.5)", "rglm.tweedie(var_power=1.5)"),
  family_case("p2", "tweedie(var.power = 2)", "rglm.tweedie(var_power=2)"),
  family_case("p2 third", "tweedie(var.power = 2, link.power = 1/3)",
              "rglm.tweedie(var_power=2, link_power=1/3)"),
  family_case("p2.5 log", "tweedie(var.power = 2.5, link.power = 0)",
              "rglm.tweedie(var_power=2.5, link_power=0)", y = Y_POS),
  family_case("p3", "tweedie(var.power = 3)", "rglm.tweedie(var_power=3)", y = Y_POS),
  family_case("p3 zero response", "tweedie(var.power = 3, link.power = 0)",
              "rglm.tweedie(var_power=3, link_power=0)"),
  family_case("p-1 log", "tweedie(var.power = -1, link.power = 0)",
              "rglm.tweedie(var_power=-1, link_power=0)"),
  family_case("p1.5 negative response", "tweedie(var.power = 1.5, link.power = 0)",
              "rglm.tweedie(var_power=1.5, link_power=0)", y = Y_NEG),
  family_case("link power 2", "tweedie(var.power = 1.5, link.power = 2)",
              "rglm.tweedie(var_power=1.5, link_power=2)"),
  family_case("link power 1e5", "tweedie(var.power = 1.5, link.power = 1e5)",
              "rglm.tweedie(var_power=1.5, link_power=1e5)"),
  family_case("names", 'tweedie(var.power = "poisson", link.power = "log")',
              'rglm.tweedie(var_power="poisson", link_power="log")'),
  family_case("names Gamma inverse", 'tweedie(var.power = "Gamma", link.power = "inverse")',
              'rglm.tweedie(var_power="Gamma", link_power="inverse")', y = Y_POS),
  family_case("names inverse.gaussian", 'tweedie(var.power = "inverse.gaussian", link.power = 0)',
              'rglm.tweedie(var_power="inverse.gaussian", link_power=0)', y = Y_POS),
  family_case("names gaussian identity",
              'tweedie(var.power = "gaussian", link.power = "identity")',
              'rglm.tweedie(var_power="gaussian", link_power="identity")', y = Y_NEG)
)

# Link names: paste0("mu^", as.character(link.power)) -- 15 significant digits.
LINK_POWERS <- c(0, 1, -1, 0.5, 1/3, 2/3, -0.5, 1 - 1.2, 1 - 1.7, 1e5, 123456, 1e-4,
                 1e-20, 0.1 + 0.2)
link_names <- list(
  link_power = json_nums(LINK_POWERS),
  name = I(vapply(LINK_POWERS, function(q) tweedie(var.power = 1.5, link.power = q)$link, ""))
)

error_case <- function(id, r, py, setup = NULL, py_setup = NULL) {
  env <- new.env(parent = globalenv())
  if (!is.null(setup)) eval(parse(text = setup), envir = env)
  list(id = id, r = r, py = py, setup = setup, py_setup = py_setup,
       error = error_text(r, env, id))
}

ERRORS <- list(
  error_case("var_power_string_without_link_power", 'tweedie(var.power = "poisson")',
             'rglm.tweedie(var_power="poisson")'),
  error_case("var_power_unknown_string", 'tweedie(var.power = "binomial", link.power = 0)',
             'rglm.tweedie(var_power="binomial", link_power=0)'),
  error_case("link_power_unknown_string", 'tweedie(var.power = 1, link.power = "logit")',
             'rglm.tweedie(var_power=1, link_power="logit")'),
  error_case("var_power_na", "tweedie(var.power = NA)", "rglm.tweedie(var_power=float('nan'))"),
  error_case("link_power_na", "tweedie(var.power = 1, link.power = NA)",
             "rglm.tweedie(var_power=1, link_power=float('nan'))"),
  error_case("var_power_null", "tweedie(var.power = NULL, link.power = 0)",
             "rglm.tweedie(var_power=None, link_power=0)"),
  error_case("var_power_vector", "tweedie(var.power = c(1, 2), link.power = 0)",
             "rglm.tweedie(var_power=[1, 2], link_power=0)"),
  error_case("quasi_variance_mu15_string", 'quasi(variance = "mu^1.5")',
             'rglm.quasi(variance="mu^1.5")'),
  error_case("quasi_variance_character_vector", 'quasi(variance = c("mu", "mu^2"))',
             'rglm.quasi(variance=["mu", "mu^2"])'),
  error_case("quasi_variance_number", "quasi(variance = 3)", "rglm.quasi(variance=3)"),
  error_case("quasi_variance_function", "quasi(variance = function(mu) mu^1.5)",
             "rglm.quasi(variance=lambda mu: mu ** 1.5)")
)

# A variance list without initialize: glm() fails where glm.fit first uses what the
# missing mustart would have given, which depends on the link.
NOINIT_SETUP <- paste(
  'vnoinit <- list(name = "mu", varfun = function(mu) mu, validmu = function(mu) all(mu > 0),',
  '  dev.resids = function(y, mu, wt) 2 * wt * (y * log(ifelse(y == 0, 1, y/mu)) - (y - mu)))',
  'counts <- c(18, 17, 15, 20, 10, 20, 25, 13, 12) / 100',
  'outcome <- gl(3, 1, 9)', sep = "\n")
NOINIT_PY_SETUP <- paste(
  'def dev_mu(y, mu, wt):',
  '    return 2 * wt * (y * np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu))',
  'vnoinit = {"name": "mu", "varfun": lambda mu: mu, "validmu": lambda mu: np.all(mu > 0),',
  '           "dev.resids": dev_mu}',
  'd = pd.DataFrame({"counts": np.array([18, 17, 15, 20, 10, 20, 25, 13, 12]) / 100,',
  '                  "outcome": pd.Categorical(["1", "2", "3"] * 3)})', sep = "\n")
for (lk in c("logit", "probit", "cauchit", "cloglog", "identity", "inverse", "log",
             "1/mu^2", "sqrt")) {
  ERRORS[[length(ERRORS) + 1]] <- error_case(
    paste0("quasi_without_initialize_", gsub("[^a-z0-9]", "_", lk)),
    sprintf('glm(counts ~ outcome, family = quasi(link = "%s", variance = vnoinit))', lk),
    sprintf('rglm.glm("counts ~ outcome", family=rglm.quasi(link="%s", variance=vnoinit), data=d)', lk),
    setup = NOINIT_SETUP, py_setup = NOINIT_PY_SETUP)
}

ERRORS[[length(ERRORS) + 1]] <- error_case(
  "quasi_variance_null", "glm(counts ~ outcome, family = quasi(variance = NULL))",
  'rglm.glm("counts ~ outcome", family=rglm.quasi(variance=None), data=d)',
  setup = NOINIT_SETUP, py_setup = NOINIT_PY_SETUP)

# A variance list: the family quasi() makes of it.
CUSTOM_SETUP <- paste(
  'vmu15 <- list(name = "mu^1.5", varfun = function(mu) mu^1.5,',
  '  validmu = function(mu) all(mu > 0),',
  '  dev.resids = function(y, mu, wt) 4 * wt * (sqrt(y) - sqrt(mu))^2 / sqrt(mu),',
  '  initialize = expression({n <- rep.int(1, nobs); mustart <- y + 0.1 * (y == 0)}))',
  sep = "\n")
CUSTOM_PY_SETUP <- paste(
  'vmu15 = {"name": "mu^1.5", "varfun": lambda mu: mu ** 1.5,',
  '         "validmu": lambda mu: np.all(mu > 0),',
  '         "dev.resids": lambda y, mu, wt: 4 * wt * (np.sqrt(y) - np.sqrt(mu)) ** 2 / np.sqrt(mu),',
  '         "initialize": lambda y, weights: y + 0.1 * (y == 0)}', sep = "\n")
custom_env <- new.env(parent = globalenv())
eval(parse(text = CUSTOM_SETUP), envir = custom_env)
custom_case <- function(label, r, py) {
  fam <- eval(parse(text = r)[[1]], envir = custom_env)
  dr <- fam$dev.resids(Y, MU, WT)
  list(label = label, r = r, py = py, setup = CUSTOM_SETUP, py_setup = CUSTOM_PY_SETUP,
       deparse = paste(deparse(parse(text = r)[[1]]), collapse = "\n"),
       family = fam$family, link = fam$link, varfun = fam$varfun,
       print = printed(print(fam)),
       y = json_nums(Y), mu = json_nums(MU), wt = json_nums(WT),
       variance = json_nums(fam$variance(MU)), dev_resids = json_nums(dr),
       aic = json_num(fam$aic(Y, rep(1, length(Y)), MU, WT, sum(dr))),
       validmu = vapply(MU_CASES, function(m) isTRUE(fam$validmu(m)), TRUE),
       initialize = run_initialize(fam, Y, WT))
}
CUSTOM <- list(
  custom_case("log", 'quasi(link = "log", variance = vmu15)',
              'rglm.quasi(link="log", variance=vmu15)'),
  custom_case("identity", "quasi(variance = vmu15)", "rglm.quasi(variance=vmu15)"),
  custom_case("power link", "quasi(link = power(1/3), variance = vmu15)",
              "rglm.quasi(link=rglm.power(1/3), variance=vmu15)")
)

# R's generics on a tweedie fit and on a quasi fit with a variance list: what glm's
# methods do with a family that has no dispersion element (tweedie) or a user's
# functions (quasi). `fit` names the model in glm_models.json.
METHODS_MODELS <- list(
  tweedie = list(
    fit = "quine_tweedie_p15_log",
    r = 'glm(Days ~ Eth + Sex + Age + Lrn, family = tweedie(var.power = 1.5, link.power = 0), data = quine)'),
  quasi_custom = list(
    fit = "quine_quasi_custom_mu15",
    r = 'glm(Days ~ Eth + Sex + Age + Lrn, family = quasi(link = "log", variance = vmu15), data = quine)')
)
data_env <- rglm_data_env("quine")
method_record <- function(spec) {
  env <- new.env(parent = data_env)
  eval(parse(text = CUSTOM_SETUP), envir = env)
  fit <- eval(parse(text = spec$r)[[1]], envir = env)
  quine <- get("quine", data_env)
  p <- predict(fit, newdata = quine[c(1, 50, 146), ], type = "response", se.fit = TRUE)
  ci <- suppressMessages(confint(fit))
  aov <- anova(fit, test = "F")
  d1 <- drop1(fit, test = "F")
  table <- function(tab) list(colnames = I(colnames(tab)), rownames = I(rownames(tab)),
                              columns = unname(lapply(tab, json_nums)))
  list(fit = spec$fit,
       residuals = lapply(list(deviance = "deviance", pearson = "pearson",
                               working = "working", response = "response"),
                          function(type) json_nums(residuals(fit, type))),
       rstandard = json_nums(rstandard(fit)),
       cooks_distance = json_nums(cooks.distance(fit)),
       newdata_rows = I(c(1L, 50L, 146L)),
       predict_response = json_nums(p$fit), predict_se = json_nums(p$se.fit),
       residual_scale = json_num(p$residual.scale),
       confint = list(rownames = I(rownames(ci)), lower = json_nums(ci[, 1]),
                      upper = json_nums(ci[, 2]), print = printed(print(ci))),
       anova = c(table(aov), print = printed(print(aov))),
       drop1 = c(table(d1), print = printed(print(d1))))
}

out <- list(
  r_version = R.version.string,
  statmod_version = as.character(packageVersion("statmod")),
  note = "Generated by tests/reference/make_tweedie.R.",
  families = FAMILIES,
  mu_cases = lapply(MU_CASES, json_nums),
  eta_cases = lapply(ETA_CASES, json_nums),
  link_names = link_names,
  errors = ERRORS,
  custom = CUSTOM,
  methods = lapply(METHODS_MODELS, method_record)
)
write_json_file(out, out_file)
cat("wrote", length(FAMILIES), "tweedie families,", length(CUSTOM), "quasi variance lists and",
    length(ERRORS), "error cases to", out_file, "\n")
