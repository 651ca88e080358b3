# R reference values for lme4's glmer() and lmer() fits (issue #9): tests/reference/mixed.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_mixed.R
# Needs lme4 (1.1-31 here) and jsonlite; the data come back from data/*.csv
# (read_rglm_dataset() in common.R), so R fits exactly the bytes rglm's loader reads.
#
# Each model has `r` (the call R evaluates, as lme4 prints it back in "Formula:"/"Data:")
# and `py` (its rglm translation: rglm.glmer()/rglm.lmer(), `family = binomial()` <->
# `family=rglm.binomial()`, `weights = size` <-> `weights="size"`, `REML = FALSE` <->
# `REML=False`, `nAGQ = 9` <-> `nAGQ=9`, `na.action = na.exclude` <->
# `na_action="na.exclude"`).  The layout of mixed.json is described in
# tests/reference/README.md ("Mixed models").
#
# ---- lme4 1.1-31 (local) -> current lme4 (the print target) ---------------------------
# Every value and text is recorded as current lme4 (>= 2.0-6; sources read at
# github:lme4/lme4 2.1-0 and github:bbolker/reformulas 0.4.5) gives it; where 1.1-31 differs,
# the raw local value is kept next to it (`*_local`).  The conversions, each applied by
# a named function of tests/reference/lme4_current.R and listed per model in
# `conversions`:
#   C1 (1.1-37) llikAIC() labels the AIC-table entry "-2*log(L)" instead of "deviance"
#      (every ML fit, glmer and lmer: print/summary share llikAIC), and anova() names its
#      column "-2*log(L)": label_minus2logL() / anova_current().
#   C2 (1.1-38) derivatives (gradient, Hessian) are computed only when nobs < 1e4 and the
#      number of top-level parameters < 20 (glmer: theta + beta) / < 10 (lmer: theta),
#      and never for a singular fit.  Without them there are no derivative-based
#      convergence checks and vcov() of a glmer fit is the RX-based one; for glmer
#      with too many parameters or rows no convergence check runs at all (not even the
#      singular-fit message): current_rules(), current_fit(), convert_conditions().
#   C3 (1.1-38) the messages of the gradient check and of the degenerate-Hessian check
#      end in "\n  See ?lme4::convergence and ?lme4::troubleshooting.": help_suffix().
#   C4 (1.1-38) checkScaleX's warning reads "... consider rescaling. \nYou may also use
#      (g)lmerControl(autoscale = TRUE) to improve numerical stability.": convert_text();
#      the same text is what print()/summary() show under "fit warnings:" (the message
#      lme4 attaches to X): merMod_msgs_current().
#   C5 (2.0-1) for GLMMs with a dispersion (Gamma, inverse.gaussian, gaussian with a
#      non-identity link) VarCorr() reports theta itself (not sigma * theta) and has no
#      "Residual" row (VarCorr's useSc is !isGLMM): varcorr_current().
#   C6 (2.0-1) the random-effects table is formatted by reformulas::formatVC: the last
#      column of the correlation block is no longer dropped (an empty column: one more
#      blank at the end of every line of a table with correlations), and Variance comes
#      before Std.Dev. whatever the order of `comp`: format_vc_current().
#   C7 (2.0-1) glmer() stores its formula with `||` terms expanded, as lmer() always did
#      ("(x || g)" prints as "((1 | g) + (0 + x | g))"): current_fit().
# Not convertible (noted in the JSON, covered by `tol`): 2.0-6 symmetrises the
# Gauss-Hermite nodes and weights (nAGQ > 1 fits move at the optimiser's tolerance) and
# changes the starting values of Gamma GLMMs (the optimiser may stop elsewhere within its
# tolerance).  Nothing else in print.merMod/print.summary.merMod/anova/drop1 and the
# accessors recorded here differs between the two versions for these models (compared
# function by function).
#
# ---- tolerances ------------------------------------------------------------------------
# lme4's estimates are where its optimiser stopped (glmer: Nelder-Mead with FtolAbs 1e-5
# on -2 log L; lmer: NLopt BOBYQA with xtol/ftol 1e-8), not the exact optimum of its
# objective.  Each model is therefore refitted with bobyqa and rhoend = 1e-10 (same
# objective, tighter stop; a model's `refit` may name another control, with the reason in
# its note), and `tol` holds, per quantity class, 10 x the largest
# difference between the two fits (measured the way assert_close in tests/conftest.py
# measures: relative, or relative to the largest magnitude for values below 1e-10 of it),
# rounded up to a power of ten and at least 1e-8.  `objective` (lme4's objective
# evaluated at lme4's own parameters, devcomp) is deterministic: 1e-10, as issue #9 asks.

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(width = 80, digits = 7, lme4.summary.cor.max = 20, show.signif.stars = TRUE,
        useFancyQuotes = TRUE)

# ---- conditions (warnings and messages, in order) ---------------------------------------

# Evaluate `expr`, recording each warning and message (muffled, so the evaluation goes on
# as at top level) as list(type, text) in order; message() texts lose their final "\n".
with_conditions <- function(expr, catch_error = FALSE) {
  conds <- list()
  error <- NULL
  add <- function(type, text) conds[[length(conds) + 1L]] <<- list(type = type, text = text)
  value <- withCallingHandlers(
    if (catch_error) {
      tryCatch(expr, error = function(e) { error <<- conditionMessage(e); NULL })
    } else expr,
    warning = function(w) { add("warning", conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) {
      add("message", sub("\n$", "", conditionMessage(m)))
      invokeRestart("muffleMessage")
    })
  list(value = value, conditions = conds, error = error)
}

conditions_json <- function(conds) {
  I(lapply(conds, function(cd) list(type = cd$type, text = cd$text)))
}

# ---- reproducible fits ------------------------------------------------------------
#
# lme4's arithmetic depends on where its arrays lie in memory (vectorised Eigen loops take
# another path for data that is not aligned), so with address-space layout randomisation
# one fit differs from process to process in its last bits, and the optimiser amplifies
# that: Penicillin's theta comes out as one of two values 1e-10 apart, at random, and
# glmer estimates of crossed models move by up to ~1e-5 (printed digits with them).
# Hence (1) the script runs itself again under `setarch -R` (no randomisation; the
# environment variable MAKE_MIXED_NO_ASLR marks that run), and (2) every fit and refit
# (tolerance refits, anova's ML refits, drop1) runs in a fresh
# `Rscript tests/reference/make_mixed.R --fresh-eval <dir>`, which evaluates one piece of
# R code with the datasets and fitted models it needs and saves with_conditions() of it,
# so that a fit does not depend on what this session did before (adding a model leaves
# the others' references alone).  Accessors and printing run in this session.

script_file <- file.path("tests", "reference", "make_mixed.R")

if (!nzchar(Sys.getenv("MAKE_MIXED_NO_ASLR"))) {
  if (!nzchar(Sys.which("setarch"))) stop("make_mixed.R needs setarch (util-linux)")
  status <- system2("setarch", c(Sys.info()[["machine"]], "-R",
                                 file.path(R.home("bin"), "Rscript"), script_file,
                                 commandArgs(trailingOnly = TRUE)),
                    env = "MAKE_MIXED_NO_ASLR=1")
  quit(save = "no", status = status)
}

# with_conditions(<code>) in a fresh R process: `data` the datasets to bind, `bindings`
# named R objects (fitted models) to bind next to them.  `code` may also be a function of
# that environment, called there (with this script's functions at hand).
fresh_eval <- function(code, data = character(), bindings = list(), catch_error = FALSE) {
  dir <- tempfile("make_mixed_")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  saveRDS(list(code = code, data = as.character(data), bindings = bindings,
               catch_error = catch_error), file.path(dir, "job.rds"))
  log <- system2(file.path(R.home("bin"), "Rscript"), c(script_file, "--fresh-eval", dir),
                 stdout = TRUE, stderr = TRUE)
  result <- file.path(dir, "result.rds")
  if (!file.exists(result)) stop("fresh R process failed for: ", code, "\n", paste(log, collapse = "\n"))
  readRDS(result)
}

args <- commandArgs(trailingOnly = TRUE)
child <- length(args) == 2 && args[1] == "--fresh-eval"

out_file <- file.path("tests", "reference", "mixed.json")
data_env <- if (!child) rglm_data_env()

# ---- the models -------------------------------------------------------------------------

# refit: the control of the tolerance refit (NULL: bobyqa with rhoend = 1e-10, see
# refit_call()).
model <- function(id, r, py, refit = NULL, newdata = TRUE, note = NULL,
                  kind = sub("\\(.*", "", r)) {
  list(id = id, r = r, py = py, refit = refit, newdata = newdata, note = note, kind = kind)
}

cbpp_formula <- "cbind(incidence, size - incidence) ~ period + (1 | herd)"

MODELS <- list(
  # -- cbpp: binomial with cbind() and proportion responses, Laplace / nAGQ 0, 9, 25 ------
  model("cbpp_laplace",
        sprintf("glmer(%s, data = cbpp, family = binomial())", cbpp_formula),
        sprintf('rglm.glmer("%s", data=cbpp, family=rglm.binomial())', cbpp_formula)),
  model("cbpp_nagq0",
        sprintf("glmer(%s, data = cbpp, family = binomial(), nAGQ = 0)", cbpp_formula),
        sprintf('rglm.glmer("%s", data=cbpp, family=rglm.binomial(), nAGQ=0)', cbpp_formula)),
  model("cbpp_nagq9",
        sprintf("glmer(%s, data = cbpp, family = binomial(), nAGQ = 9)", cbpp_formula),
        sprintf('rglm.glmer("%s", data=cbpp, family=rglm.binomial(), nAGQ=9)', cbpp_formula)),
  model("cbpp_nagq25",
        sprintf("glmer(%s, data = cbpp, family = binomial(), nAGQ = 25)", cbpp_formula),
        sprintf('rglm.glmer("%s", data=cbpp, family=rglm.binomial(), nAGQ=25)', cbpp_formula)),
  model("cbpp_proportion_weights",
        "glmer(incidence/size ~ period + (1 | herd), data = cbpp, family = binomial(), weights = size)",
        'rglm.glmer("incidence/size ~ period + (1 | herd)", data=cbpp, family=rglm.binomial(), weights="size")'),
  model("cbpp_probit",
        sprintf('glmer(%s, data = cbpp, family = binomial(link = "probit"))', cbpp_formula),
        sprintf('rglm.glmer("%s", data=cbpp, family=rglm.binomial(link="probit"))', cbpp_formula)),
  model("cbpp_poisson_offset_term",
        "glmer(incidence ~ period + offset(log(size)) + (1 | herd), data = cbpp, family = poisson())",
        'rglm.glmer("incidence ~ period + offset(log(size)) + (1 | herd)", data=cbpp, family=rglm.poisson())'),
  model("cbpp_poisson_offset_argument",
        "glmer(incidence ~ period + (1 | herd), data = cbpp, family = poisson(), offset = log(size))",
        'rglm.glmer("incidence ~ period + (1 | herd)", data=cbpp, family=rglm.poisson(), offset="log(size)")'),

  # -- grouseticks: Poisson, AGQ, unscaled covariate, three crossed/nested intercepts -----
  model("grouseticks_poisson",
        "glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD), data = grouseticks, family = poisson())",
        'rglm.glmer("TICKS ~ YEAR + cHEIGHT + (1 | BROOD)", data=grouseticks, family=rglm.poisson())'),
  model("grouseticks_poisson_nagq9",
        "glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD), data = grouseticks, family = poisson(), nAGQ = 9)",
        'rglm.glmer("TICKS ~ YEAR + cHEIGHT + (1 | BROOD)", data=grouseticks, family=rglm.poisson(), nAGQ=9)'),
  model("grouseticks_unscaled_height",
        "glmer(TICKS ~ YEAR + HEIGHT + (1 | BROOD), data = grouseticks, family = poisson())",
        'rglm.glmer("TICKS ~ YEAR + HEIGHT + (1 | BROOD)", data=grouseticks, family=rglm.poisson())',
        note = "lme4's convergence warnings (max|grad|, large eigenvalues): HEIGHT is unscaled"),
  model("grouseticks_three_terms",
        "glmer(TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION), data = grouseticks, family = poisson())",
        'rglm.glmer("TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", data=grouseticks, family=rglm.poisson())',
        note = "INDEX has one level per row: an observation-level random effect (glmer allows it)"),

  # -- sleepstudy: lmer REML/ML, correlated, uncorrelated and slope-only terms, weights ---
  model("sleepstudy_reml",
        "lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy)",
        'rglm.lmer("Reaction ~ Days + (Days | Subject)", data=sleepstudy)'),
  model("sleepstudy_ml",
        "lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = FALSE)",
        'rglm.lmer("Reaction ~ Days + (Days | Subject)", data=sleepstudy, REML=False)'),
  model("sleepstudy_uncorrelated",
        "lmer(Reaction ~ Days + (Days || Subject), data = sleepstudy)",
        'rglm.lmer("Reaction ~ Days + (Days || Subject)", data=sleepstudy)'),
  model("sleepstudy_slope_only",
        "lmer(Reaction ~ Days + (0 + Days | Subject), data = sleepstudy)",
        'rglm.lmer("Reaction ~ Days + (0 + Days | Subject)", data=sleepstudy)'),
  model("sleepstudy_intercept",
        "lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy)",
        'rglm.lmer("Reaction ~ Days + (1 | Subject)", data=sleepstudy)'),
  model("sleepstudy_intercept_ml",
        "lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, REML = FALSE)",
        'rglm.lmer("Reaction ~ Days + (1 | Subject)", data=sleepstudy, REML=False)'),
  model("sleepstudy_minutes",
        "lmer(Reaction ~ I(Days * 1440) + (1 | Subject), data = sleepstudy)",
        'rglm.lmer("Reaction ~ I(Days * 1440) + (1 | Subject)", data=sleepstudy)',
        note = "time in minutes: lme4's checkScaleX warning (converted text, C4)"),
  model("sleepstudy_weights",
        "lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, weights = Days + 1)",
        'rglm.lmer("Reaction ~ Days + (1 | Subject)", data=sleepstudy, weights="Days + 1")'),
  model("sleepstudy_glmer_gaussian",
        "glmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, family = gaussian())",
        'rglm.glmer("Reaction ~ Days + (1 | Subject)", data=sleepstudy, family=rglm.gaussian())',
        note = "glmer() with gaussian identity is redirected to lmer() with a deprecation warning"),
  model("sleepstudy_glmer_poisson_slope",
        "glmer(round(Reaction) ~ Days + (Days | Subject), data = sleepstudy, family = poisson())",
        'rglm.glmer("round(Reaction) ~ Days + (Days | Subject)", data=sleepstudy, family=rglm.poisson())',
        note = "a correlated random slope in glmer"),
  model("sleepstudy_glmer_poisson_uncorrelated",
        "glmer(round(Reaction) ~ Days + (Days || Subject), data = sleepstudy, family = poisson())",
        'rglm.glmer("round(Reaction) ~ Days + (Days || Subject)", data=sleepstudy, family=rglm.poisson())',
        note = "an uncorrelated random slope in glmer: current lme4 prints the formula expanded (C7)"),

  # -- classical designs: one-way, singular, crossed, nested -----------------------------
  model("dyestuff",
        "lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff)",
        'rglm.lmer("Yield ~ 1 + (1 | Batch)", data=Dyestuff)'),
  model("dyestuff_ml",
        "lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff, REML = FALSE)",
        'rglm.lmer("Yield ~ 1 + (1 | Batch)", data=Dyestuff, REML=False)'),
  model("dyestuff2_singular",
        "lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff2)",
        'rglm.lmer("Yield ~ 1 + (1 | Batch)", data=Dyestuff2)'),
  model("penicillin_crossed",
        "lmer(diameter ~ 1 + (1 | plate) + (1 | sample), data = Penicillin)",
        'rglm.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", data=Penicillin)'),
  model("pastes_nested",
        "lmer(strength ~ 1 + (1 | batch/cask), data = Pastes)",
        'rglm.lmer("strength ~ 1 + (1 | batch/cask)", data=Pastes)'),
  model("pastes_explicit",
        "lmer(strength ~ 1 + (1 | batch) + (1 | batch:cask), data = Pastes)",
        'rglm.lmer("strength ~ 1 + (1 | batch) + (1 | batch:cask)", data=Pastes)'),
  model("insteval_crossed",
        "lmer(y ~ service + (1 | s) + (1 | d), data = InstEval_subset)",
        'rglm.lmer("y ~ service + (1 | s) + (1 | d)", data=InstEval_subset)'),
  model("insteval_crossed_ml",
        "lmer(y ~ service + lectage + (1 | s) + (1 | d), data = InstEval_subset, REML = FALSE)",
        'rglm.lmer("y ~ service + lectage + (1 | s) + (1 | d)", data=InstEval_subset, REML=False)',
        note = "lectage is an ordered factor: polynomial contrasts"),

  # -- binary responses: VerbAgg (the benchmark model), Contraception (the issue's example)
  model("verbagg_id",
        "glmer(r2 ~ Anger + Gender + btype + situ + (1 | id), data = VerbAgg, family = binomial())",
        'rglm.glmer("r2 ~ Anger + Gender + btype + situ + (1 | id)", data=VerbAgg, family=rglm.binomial())',
        note = "the benchmark model of issue #9"),
  model("verbagg_crossed",
        "glmer(r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item), data = VerbAgg, family = binomial())",
        'rglm.glmer("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", data=VerbAgg, family=rglm.binomial())'),
  model("contraception",
        "glmer(use ~ age + urban + (1 | district), data = Contraception, family = binomial())",
        'rglm.glmer("use ~ age + urban + (1 | district)", data=Contraception, family=rglm.binomial())',
        note = "the example of issue #9"),
  model("contraception_quadratic",
        "glmer(use ~ age + I(age^2) + urban + livch + (1 | district), data = Contraception, family = binomial())",
        'rglm.glmer("use ~ age + I(age^2) + urban + livch + (1 | district)", data=Contraception, family=rglm.binomial())'),
  model("contraception_slope",
        "glmer(use ~ age + urban + (urban | district), data = Contraception, family = binomial())",
        'rglm.glmer("use ~ age + urban + (urban | district)", data=Contraception, family=rglm.binomial())',
        note = "a random slope on a factor in glmer"),
  model("contraception_many_parameters",
        "glmer(use ~ urban * livch * poly(age, 2) + (urban | district), data = Contraception, family = binomial())",
        'rglm.glmer("use ~ urban * livch * poly(age, 2) + (urban | district)", data=Contraception, family=rglm.binomial())',
        refit = 'glmerControl(optimizer = "bobyqa", calc.derivs = FALSE)',
        note = paste("27 top-level parameters (24 fixed effects, 3 theta): current lme4 computes",
                     "no derivatives (conversion C2), so its vcov is RX-based and it issues no",
                     "convergence warning; 1.1-31 warns.  The likelihood is flat: the tolerance",
                     "refit (bobyqa with its default rhoend; rhoend = 1e-10 would take 95,000",
                     "evaluations) stops at its 10,000 evaluations, and the estimates differ",
                     "by up to ~10% while log L agrees to ~1e-6")),

  # -- Arabidopsis: Poisson with three nested grouping factors, an integer grouping variable
  model("arabidopsis",
        "glmer(total.fruits ~ factor(nutrient) * amd + factor(rack) + status + (1 | reg) + (1 | popu) + (1 | gen), data = Arabidopsis, family = poisson())",
        'rglm.glmer("total.fruits ~ factor(nutrient) * amd + factor(rack) + status + (1 | reg) + (1 | popu) + (1 | gen)", data=Arabidopsis, family=rglm.poisson())',
        note = "gen is an integer column: lme4 makes the grouping factor of it"),
  model("arabidopsis_crossed",
        "glmer(total.fruits ~ factor(nutrient) + amd + (1 | popu) + (1 | rack:popu) + (1 | gen), data = Arabidopsis, family = poisson())",
        'rglm.glmer("total.fruits ~ factor(nutrient) + amd + (1 | popu) + (1 | rack:popu) + (1 | gen)", data=Arabidopsis, family=rglm.poisson())',
        note = "rack:popu crosses the rack (integer) with the population"),

  # -- families with a dispersion, simulated (mixedsim) ---------------------------------
  model("sim_gamma_log",
        'glmer(y_gamma ~ x + (1 | g), data = mixedsim, family = Gamma(link = "log"))',
        'rglm.glmer("y_gamma ~ x + (1 | g)", data=mixedsim, family=rglm.Gamma(link="log"))'),
  model("sim_gaussian_log",
        'glmer(y_gauss ~ x + (1 | g), data = mixedsim, family = gaussian(link = "log"))',
        'rglm.glmer("y_gauss ~ x + (1 | g)", data=mixedsim, family=rglm.gaussian(link="log"))'),
  model("sim_inverse_gaussian",
        "glmer(y_invgauss ~ x + (1 | g), data = mixedsim, family = inverse.gaussian())",
        'rglm.glmer("y_invgauss ~ x + (1 | g)", data=mixedsim, family=rglm.inverse_gaussian())'),
  model("sim_binary_singular",
        "glmer(y_bin ~ x + (1 | g), data = mixedsim, family = binomial())",
        'rglm.glmer("y_bin ~ x + (1 | g)", data=mixedsim, family=rglm.binomial())',
        note = "no group effect in the data: a singular fit (theta = 0)"),
  model("sim_na_group_lmer",
        "lmer(y_gauss ~ x + (1 | g_na), data = mixedsim)",
        'rglm.lmer("y_gauss ~ x + (1 | g_na)", data=mixedsim)',
        note = "4 rows with NA in the grouping variable, dropped by na.omit"),
  model("sim_na_group_exclude",
        'glmer(y_gamma ~ x + (1 | g_na), data = mixedsim, family = Gamma(link = "log"), na.action = na.exclude)',
        'rglm.glmer("y_gamma ~ x + (1 | g_na)", data=mixedsim, family=rglm.Gamma(link="log"), na_action="na.exclude")',
        note = "na.exclude: fitted/residuals/predict padded with NA at the 4 dropped rows")
)

# update() of a fitted model: a model record of its own; `base` is bound under its id.
UPDATES <- list(
  list(id = "contraception_update_livch", base = "contraception",
       r = "update(contraception, . ~ . + livch)",
       py = 'rglm.update(contraception, ". ~ . + livch")')
)

# Likelihood-ratio tables; each model is bound under its id (`models`).
ANOVAS <- list(
  list(id = "contraception_glmer_pair",
       r = "anova(contraception, contraception_quadratic)",
       py = "rglm.anova(contraception, contraception_quadratic)"),
  list(id = "sleepstudy_ml_pair",
       r = "anova(sleepstudy_intercept_ml, sleepstudy_ml)",
       py = "rglm.anova(sleepstudy_intercept_ml, sleepstudy_ml)"),
  list(id = "sleepstudy_reml_pair_refitted",
       r = "anova(sleepstudy_intercept, sleepstudy_reml)",
       py = "rglm.anova(sleepstudy_intercept, sleepstudy_reml)",
       note = "REML fits: anova() refits both with ML first (message)"),
  list(id = "cbpp_glmer_vs_glm",
       r = "anova(cbpp_laplace, cbpp_glm)",
       py = "rglm.anova(cbpp_laplace, cbpp_glm)",
       glm = list(id = "cbpp_glm",
                  r = "glm(cbind(incidence, size - incidence) ~ period, family = binomial(), data = cbpp)",
                  py = 'rglm.glm("cbind(incidence, size - incidence) ~ period", family=rglm.binomial(), data=cbpp)')),
  list(id = "grouseticks_three_vs_one",
       r = "anova(grouseticks_poisson, grouseticks_three_terms)",
       py = "rglm.anova(grouseticks_poisson, grouseticks_three_terms)",
       note = "not nested in the fixed part (cHEIGHT vs scale(HEIGHT)); lme4 tabulates them all the same")
)

DROP1S <- list(
  list(id = "contraception_quadratic_drop1", base = "contraception_quadratic",
       r = 'drop1(contraception_quadratic, test = "Chisq")',
       py = 'rglm.drop1(contraception_quadratic, test="Chisq")')
)

ERRORS <- list(
  list(id = "one_level_grouping_factor",
       r = "lmer(y ~ service + (1 | dept), data = InstEval_subset)",
       py = 'rglm.lmer("y ~ service + (1 | dept)", data=InstEval_subset)'),
  list(id = "as_many_levels_as_rows",
       r = "lmer(age ~ urban + (1 | woman), data = Contraception)",
       py = 'rglm.lmer("age ~ urban + (1 | woman)", data=Contraception)'),
  list(id = "nagq_vector_term",
       r = "glmer(TICKS ~ YEAR + cHEIGHT + (cHEIGHT | BROOD), data = grouseticks, family = poisson(), nAGQ = 9)",
       py = 'rglm.glmer("TICKS ~ YEAR + cHEIGHT + (cHEIGHT | BROOD)", data=grouseticks, family=rglm.poisson(), nAGQ=9)'),
  list(id = "nagq_two_terms",
       r = "glmer(TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION), data = grouseticks, family = poisson(), nAGQ = 9)",
       py = 'rglm.glmer("TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION)", data=grouseticks, family=rglm.poisson(), nAGQ=9)'),
  list(id = "quasi_family",
       r = "glmer(TICKS ~ YEAR + (1 | BROOD), data = grouseticks, family = quasipoisson())",
       py = 'rglm.glmer("TICKS ~ YEAR + (1 | BROOD)", data=grouseticks, family=rglm.quasipoisson())'),
  list(id = "binomial_response_above_one",
       r = "glmer(TICKS ~ YEAR + (1 | BROOD), data = grouseticks, family = binomial())",
       py = 'rglm.glmer("TICKS ~ YEAR + (1 | BROOD)", data=grouseticks, family=rglm.binomial())'),
  list(id = "poisson_negative_response",
       r = "glmer(cHEIGHT ~ YEAR + (1 | BROOD), data = grouseticks, family = poisson())",
       py = 'rglm.glmer("cHEIGHT ~ YEAR + (1 | BROOD)", data=grouseticks, family=rglm.poisson())'),
  list(id = "gamma_nonpositive_response",
       r = "glmer(cHEIGHT ~ YEAR + (1 | BROOD), data = grouseticks, family = Gamma())",
       py = 'rglm.glmer("cHEIGHT ~ YEAR + (1 | BROOD)", data=grouseticks, family=rglm.Gamma())'),
  list(id = "lmer_no_random_effects",
       r = "lmer(Reaction ~ Days, data = sleepstudy)",
       py = 'rglm.lmer("Reaction ~ Days", data=sleepstudy)'),
  list(id = "glmer_no_random_effects",
       r = "glmer(TICKS ~ YEAR, data = grouseticks, family = poisson())",
       py = 'rglm.glmer("TICKS ~ YEAR", data=grouseticks, family=rglm.poisson())'),
  # on a fitted model (`base`, bound under its id) with `newdata` (that model's
  # predict$newdata: a herd the fit has not seen)
  list(id = "predict_unseen_level", base = "cbpp_laplace",
       r = "predict(cbpp_laplace, newdata = newdata)",
       py = "rglm.predict(cbpp_laplace, newdata=newdata)")
)

# ---- conversions 1.1-31 -> current lme4 -------------------------------------------------

source(file.path("tests", "reference", "lme4_current.R"))

# ---- numbers and tables -----------------------------------------------------------------

named_nums <- function(x) list(names = I(names(x)), values = json_nums(unname(x)))

# A character vector as a JSON array (also when empty or NULL).
texts <- function(x) I(as.character(unlist(x)))

matrix_json <- function(m) {
  m <- as.matrix(m)
  list(rownames = I(rownames(m)), colnames = I(colnames(m)), values = json_rows(m))
}

# A data frame as {columns, rows?, values per column}: numbers at full precision, factors
# and characters as text.
frame_json <- function(df) {
  list(columns = I(names(df)),
       values = lapply(df, function(x) {
         if (is.numeric(x)) json_nums(as.double(x)) else I(as.character(x))
       }))
}

# A data frame with R's column types, for data rglm must rebuild (newdata).
typed_frame_json <- function(df) {
  I(lapply(names(df), function(nm) {
    x <- df[[nm]]
    col <- list(name = nm)
    if (is.factor(x)) {
      c(col, list(type = "factor", levels = I(levels(x)), ordered = is.ordered(x),
                  values = I(as.character(x))))
    } else if (is.integer(x)) {
      c(col, list(type = "integer", values = I(x)))
    } else if (is.double(x)) {
      c(col, list(type = "numeric", values = json_nums(x)))
    } else if (is.logical(x)) {
      c(col, list(type = "logical", values = I(x)))
    } else {
      c(col, list(type = "character", values = I(as.character(x))))
    }
  }))
}

# The rows of per-observation vectors kept in the JSON: all of them up to 40 rows, else
# the first 20 and 20 spread over the rest, the last included (the file stays small;
# `rows` says which).
kept_rows <- function(n) {
  if (n <= 40) return(seq_len(n))
  unique(c(seq_len(20), round(seq(21, n, length.out = 20))))
}

triplets <- function(mat) {
  t <- as(mat, "TsparseMatrix")
  list(dim = I(dim(t)), i = I(t@i + 1L), j = I(t@j + 1L), x = json_nums(t@x))
}

# ---- tolerances -----------------------------------------------------------------------

# The largest difference of `a` from `e` as assert_close (tests/conftest.py) measures it.
close_diff <- function(a, e) {
  a <- as.double(a)
  e <- as.double(e)
  ok <- is.finite(a) & is.finite(e)
  if (!any(ok)) return(0)
  a <- a[ok]
  e <- e[ok]
  scale <- max(abs(e))
  if (scale == 0) return(max(abs(a)))
  noise <- abs(e) < 1e-10 * scale
  max(ifelse(noise, abs(a - e) / scale, abs(a - e) / abs(e)))
}

# The same relative to the largest magnitude of `e` (for vectors centred on zero, such
# as conditional modes and residuals: the scale-relative rule of assert_close with
# noise_ratio = 1).
scaled_diff <- function(a, e) {
  a <- as.double(a)
  e <- as.double(e)
  ok <- is.finite(a) & is.finite(e)
  if (!any(ok)) return(0)
  scale <- max(abs(e[ok]))
  if (scale == 0) return(max(abs(a[ok])))
  max(abs(a[ok] - e[ok])) / scale
}

tol_of <- function(d) max(1e-8, 10^ceiling(log10(max(10 * d, 1e-300))))

# ---- the quantities of a fit ----------------------------------------------------------

# The variables a model uses from its data: those of its formula, offset and weights.
model_vars <- function(m, data) {
  cl <- getCall(m)
  v <- c(all.vars(formula(m)), all.vars(cl$offset), all.vars(cl$weights))
  intersect(unique(v), names(data))
}

# The grouping variables of the random-effects terms.
grouping_vars <- function(m) {
  unique(unlist(lapply(findbars(formula(m)), function(b) all.vars(b[[3]]))))
}

# newdata for predict(): the first 3 complete rows of the model's variables, then the
# first row again with every grouping variable at a level the fit has not seen ("new",
# or one more than the largest value of an integer grouping variable).
make_newdata <- function(m, data) {
  vars <- model_vars(m, data)
  complete <- which(stats::complete.cases(data[vars]))
  nd <- data[complete[1:3], vars, drop = FALSE]
  extra <- nd[1, , drop = FALSE]
  for (v in grouping_vars(m)) {
    if (is.factor(data[[v]])) {
      lev <- c(levels(data[[v]]), "new")
      nd[[v]] <- factor(as.character(nd[[v]]), levels = lev)
      extra[[v]] <- factor("new", levels = lev)
    } else {
      extra[[v]] <- max(data[[v]], na.rm = TRUE) + 1L
    }
  }
  nd <- rbind(nd, extra)
  rownames(nd) <- NULL
  nd
}

fam_link <- function(m) {
  if (isGLMM(m)) {
    f <- family(m)
    list(family = f$family, link = f$link)
  } else list(family = "gaussian", link = "identity")
}

# ICC (issue #9): sigma2_u / (sigma2_u + sigma2_e) with sigma2_e the residual variance for
# gaussian identity, pi^2/3 for binomial logit, 1 for binomial probit; NaN otherwise.  The
# issue defines it for one random intercept; with several scalar intercept terms each
# term's share sigma2_k / (sum_j sigma2_j + sigma2_e) is given; with any random slope
# it is NaN (the share depends on the covariate).
icc_record <- function(vc_df, m) {
  fl <- fam_link(m)
  re <- vc_df[vc_df$grp != "Residual" & is.na(vc_df$var2), ]
  intercepts_only <- all(re$var1 == "(Intercept)")
  s2e <- if (fl$family == "gaussian" && fl$link == "identity") sigma(m)^2
         else if (fl$family == "binomial" && fl$link == "logit") pi^2 / 3
         else if (fl$family == "binomial" && fl$link == "probit") 1
         else NaN
  note <- if (is.nan(s2e)) {
    sprintf("no residual variance is defined for %s with link %s", fl$family, fl$link)
  } else if (!intercepts_only) {
    "random slopes: the variance share depends on the covariate"
  } else if (nrow(re) > 1) {
    "several random intercepts: each term's share sigma2_k / (sum of sigma2 + sigma2_e)"
  } else NULL
  icc <- if (is.nan(s2e) || !intercepts_only) rep(NaN, nrow(re))
         else re$vcov / (sum(re$vcov) + s2e)
  tab <- data.frame(grpvar = re$grp, term = re$var1, variance = re$vcov,
                    residual_variance = rep(s2e, nrow(re)), icc = icc)
  rownames(tab) <- NULL
  list(grpvar = I(re$grp), term = I(re$var1), variance = json_nums(re$vcov),
       residual_variance = json_num(s2e), icc = json_nums(icc), note = note,
       print = printed(print(tab)))
}

# BLUP table (issue #9): per grouping factor with a random intercept, one row per level:
# Group, Random Intercept (conditional mode), Std. Error (conditional SD), Rank (1 = the
# largest intercept; ties share the smallest rank, R's rank(ties.method = "min")).  The
# two numeric columns are `ranef`'s condval and condsd of the term "(Intercept)", in the
# same order; stored there only.
blup_tables <- function(re_df) {
  re_df <- re_df[re_df$term == "(Intercept)", ]
  lapply(split(re_df, factor(re_df$grpvar, levels = unique(re_df$grpvar))), function(d) {
    rank <- as.integer(rank(-d$condval, ties.method = "min"))
    tab <- data.frame(Group = as.character(d$grp), `Random Intercept` = d$condval,
                      `Std. Error` = d$condsd, Rank = rank, check.names = FALSE)
    list(grpvar = d$grpvar[1],
         Group = I(as.character(d$grp)),
         Rank = I(rank),
         print = printed(print(tab)))
  })
}

# Fixed-effects table (issue #9): Estimate, Std. Error, Wald CI; for logit links OR, for
# poisson log IRR, for other log links exp(Est.), each with its exp(CI).
fixef_table <- function(beta, V, m, level = 0.95) {
  se <- sqrt(diag(V))
  a <- (1 - level) / 2
  z <- stats::qnorm(1 - a)
  pct <- paste(format(100 * c(a, 1 - a), trim = TRUE, scientific = FALSE, digits = 3), "%")
  cols <- list(Estimate = unname(beta), `Std. Error` = unname(se))
  cols[[pct[1]]] <- unname(beta - z * se)
  cols[[pct[2]]] <- unname(beta + z * se)
  fl <- fam_link(m)
  ex <- if (fl$link == "logit") "OR"
        else if (fl$link == "log" && fl$family == "poisson") "IRR"
        else if (fl$link == "log") "exp(Est.)"
        else NULL
  if (!is.null(ex)) {
    cols[[ex]] <- exp(unname(beta))
    cols[[paste(ex, pct[1])]] <- exp(unname(beta - z * se))
    cols[[paste(ex, pct[2])]] <- exp(unname(beta + z * se))
  }
  frame <- as.data.frame(cols, check.names = FALSE, row.names = names(beta))
  c(list(level = level, exp_column = ex, names = I(names(beta))), lapply(cols, json_nums),
    list(print = printed(print(frame))))
}

varcorr_df <- function(vc) {
  d <- as.data.frame(vc)
  list(grp = I(d$grp), var1 = I(d$var1), var2 = I(d$var2), vcov = json_nums(d$vcov),
       sdcor = json_nums(d$sdcor))
}

ranef_df <- function(m) {
  d <- as.data.frame(ranef(m, condVar = TRUE))
  d$grpvar <- as.character(d$grpvar)
  d$term <- as.character(d$term)
  d$grp <- as.character(d$grp)
  d
}

# Printed text of `expr` and the warnings/messages it issued (print.summary.merMod tells
# by message() that a correlation matrix is not shown).
printed_with <- function(expr) {
  conds <- list()
  txt <- capture.output(withCallingHandlers(expr,
    warning = function(w) { conds[[length(conds) + 1L]] <<- list(type = "warning", text = conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(mm) { conds[[length(conds) + 1L]] <<- list(type = "message", text = sub("\n$", "", conditionMessage(mm))); invokeRestart("muffleMessage") }))
  list(text = text_of(txt), lines = txt, conditions = conds)
}

# Print `value` as R prints it at top level (auto-printing binds it to `x`: the name
# print.summary.merMod's message about an unshown correlation matrix quotes).
print_as_x <- function(value) {
  x <- value
  print(x)
}

# The printed lines that must not move between two fits of the same model at lme4's
# tolerance: all but the "Control:" line (and its continuation lines) and the optimizer
# footer.
stable_lines <- function(lines) {
  ctrl <- grep("^Control:", lines)
  if (length(ctrl)) {
    end <- ctrl
    while (end < length(lines) && grepl("^    ", lines[end + 1L])) end <- end + 1L
    lines <- lines[-(ctrl:end)]
  }
  foot <- grep("^optimizer \\(", lines)
  if (length(foot)) lines <- lines[seq_len(foot[1] - 1L)]
  lines
}

refit_call <- function(r, m, control = NULL) {
  if (is.null(control)) {
    control <- sprintf('%s(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10, maxfun = 1e5))',
                       if (isGLMM(m)) "glmerControl" else "lmerControl")
  }
  sub("\\)$", sprintf(", control = %s)", control), r)
}

# Everything recorded for one fitted model `m` (`res`: with_conditions() of the fit).
fit_record <- function(spec, m, res, data_name) {
  rules <- current_rules(m)
  cur <- current_fit(m, rules)
  glmm <- isGLMM(m)
  data <- get(data_name[[1]], envir = data_env)
  conds_cur <- convert_conditions(res$conditions, rules)

  # vcov: current (RX where current lme4 has no Hessian) and the local one
  V_cur <- as.matrix(vcov(cur))
  V_loc <- as.matrix(suppressWarnings(vcov(m)))
  V_rx <- as.matrix(suppressWarnings(vcov(m, use.hessian = FALSE)))
  beta <- fixef(m)

  vc_loc <- VarCorr(m)
  vc_cur <- varcorr_current(vc_loc, glmm)
  vc_df <- as.data.frame(vc_cur)

  re <- ranef_df(m)
  ll <- logLik(m)
  dev <- with_conditions(deviance(m))
  n <- length(fitted(m))
  rows <- kept_rows(n)
  vec <- function(x) json_nums(unname(x)[rows])

  # predict: without newdata, and on newdata with a level the fit has not seen
  pr <- list(
    link = vec(predict(m, type = "link")),
    response = vec(predict(m, type = "response")),
    link_fixed = vec(predict(m, re.form = NA, type = "link")),
    response_fixed = vec(predict(m, re.form = NA, type = "response")))
  nd <- NULL
  if (spec$newdata) {
    nd <- make_newdata(m, data)
    pr$newdata <- typed_frame_json(nd)
    pr$newdata_link <- json_nums(unname(predict(m, newdata = nd, type = "link",
                                                allow.new.levels = TRUE)))
    pr$newdata_response <- json_nums(unname(predict(m, newdata = nd, type = "response",
                                                    allow.new.levels = TRUE)))
    pr$newdata_link_fixed <- json_nums(unname(predict(m, newdata = nd, re.form = NA,
                                                      type = "link")))
    pr$newdata_response_fixed <- json_nums(unname(predict(m, newdata = nd, re.form = NA,
                                                          type = "response")))
    pr$newdata_new_levels_error <- with_conditions(predict(m, newdata = nd),
                                                   catch_error = TRUE)$error
  }

  # printed text: current (converted) and local (raw)
  p_loc <- printed_with(print(m))
  s_loc <- printed_with(print_as_x(summary(m)))
  p_cur <- with_current_printing(glmm, printed_with(print(cur)))
  s_cur <- with_current_printing(glmm, printed_with(print_as_x(summary(cur))))
  vcp_cur <- with_current_printing(glmm, text_of(capture.output(
    print(format_vc_current(vc_cur), quote = FALSE))))
  vcp_loc <- printed_with(print(vc_loc))$text
  conversions <- conversion_codes(m, cur, rules, res$conditions, vc_loc, vc_cur)

  ci_cur <- confint(cur, method = "Wald")
  ci_loc <- suppressWarnings(confint(m, method = "Wald"))

  fl <- fam_link(m)
  cf <- coef(m)
  rec <- list(
    id = spec$id, r = spec$r, py = spec$py, data = I(data_name),
    kind = spec$kind, class = class(m)[1], note = spec$note,
    family = fl$family, link = fl$link,
    REML = isREML(m), nAGQ = if (glmm) m@devcomp$dims[["nAGQ"]] else NULL,
    conversions = texts(conversions),
    fixef = named_nums(beta),
    beta = json_nums(getME(m, "beta")),
    theta = named_nums(getME(m, "theta")),
    lower = json_nums(getME(m, "lower")),
    sigma = json_num(sigma(m)),
    vcov = matrix_json(V_cur),
    se = json_nums(sqrt(diag(V_cur))),
    vcov_local = if (!identical(V_loc, V_cur)) matrix_json(V_loc),
    vcov_rx = matrix_json(V_rx),
    derivs = if (!is.null(m@optinfo$derivs)) list(
      gradient = json_nums(m@optinfo$derivs$gradient),
      Hessian = json_rows(m@optinfo$derivs$Hessian)) else NULL,
    varcorr = varcorr_df(vc_cur),
    varcorr_local = if (!identical(vc_loc, vc_cur)) varcorr_df(vc_loc),
    varcorr_print = vcp_cur,
    varcorr_print_local = vcp_loc,
    ranef = list(grpvar = I(re$grpvar), term = I(re$term), grp = I(re$grp),
                 condval = json_nums(re$condval), condsd = json_nums(re$condsd)),
    coef = I(lapply(names(cf), function(g) {
      tab <- cf[[g]]
      c(list(grpvar = g, n_levels = nrow(tab)),
        matrix_json(tab[seq_len(min(nrow(tab), 20)), , drop = FALSE]))
    })),
    loglik = list(value = json_num(as.numeric(ll)), df = attr(ll, "df"),
                  nobs = attr(ll, "nobs")),
    aic = json_num(AIC(m)), bic = json_num(BIC(m)),
    deviance = json_num(dev$value), deviance_conditions = conditions_json(dev$conditions),
    remlcrit = if (isREML(m)) json_num(REMLcrit(m)) else NULL,
    df_residual = df.residual(m), nobs = nobs(m),
    ngrps = I(lapply(names(ngrps(m)), function(g) list(grpvar = g, n = ngrps(m)[[g]]))),
    is_singular = isSingular(m),
    n_rows = n, rows = if (length(rows) < n) I(rows) else NULL,
    row_names = I(names(fitted(m))[rows]),
    na_action = if (!is.null(na <- attr(model.frame(m), "na.action"))) {
      list(class = class(na), rows = I(as.integer(na)))
    } else NULL,
    fitted = vec(fitted(m)),
    residuals = list(deviance = vec(residuals(m, type = "deviance")),
                     pearson = vec(residuals(m, type = "pearson")),
                     working = vec(residuals(m, type = "working")),
                     response = vec(residuals(m, type = "response"))),
    predict = pr,
    getME = list(
      u = json_nums(getME(m, "u")), b = json_nums(as.vector(getME(m, "b"))),
      Lambda = triplets(getME(m, "Lambda")),
      Z = if (n <= 60) triplets(getME(m, "Z"))
          else list(dim = I(dim(getME(m, "Z"))), nnz = length(getME(m, "Z")@x)),
      X_dim = I(dim(getME(m, "X"))),
      Gp = I(getME(m, "Gp")),
      cnms = I(lapply(seq_along(m@cnms), function(k) {
        list(grpvar = names(m@cnms)[k], names = I(m@cnms[[k]]))
      })),
      flist = I(lapply(names(m@flist), function(g) list(grpvar = g, levels = I(levels(m@flist[[g]])))))),
    devcomp = list(cmp = lapply(as.list(m@devcomp$cmp), json_num),
                   dims = as.list(m@devcomp$dims)),
    optinfo = list(
      optimizer = m@optinfo$optimizer, feval = m@optinfo$feval,
      conv_opt = m@optinfo$conv$opt, message = m@optinfo$message,
      val = json_nums(m@optinfo$val),
      warnings = texts(m@optinfo$warnings),
      lme4_messages = texts(cur@optinfo$conv$lme4$messages),
      lme4_messages_local = texts(m@optinfo$conv$lme4$messages),
      derivatives_computed = rules$derivs,
      derivatives_computed_local = !is.null(m@optinfo$derivs)),
    conditions = conditions_json(conds_cur),
    conditions_local = conditions_json(res$conditions),
    print = p_cur$text, summary_print = s_cur$text,
    # print(ranef(m)) for models with at most 40 levels in all
    ranef_print = if (sum(ngrps(m)) <= 40) printed(print(ranef(m, condVar = TRUE))),
    # the five numbers of the summary's "Scaled residuals" block (quantile() of the
    # scaled Pearson residuals), for printing R's numbers through rglm's renderer
    summary_residual_quantiles = json_nums(unname(quantile(summary(cur)$residuals,
                                                           na.rm = TRUE))),
    summary_conditions = conditions_json(s_cur$conditions),
    print_local = p_loc$text, summary_print_local = s_loc$text,
    confint_wald = matrix_json(ci_cur),
    confint_wald_local = if (!identical(ci_loc, ci_cur)) matrix_json(ci_loc),
    icc = icc_record(vc_df, m),
    blup_table = blup_tables(re),
    fixef_table = fixef_table(beta, V_cur, m)
  )
  rec
}

# tol per quantity class: 10 x the difference to a bobyqa refit with rhoend = 1e-10.
tolerances <- function(m, m2, call) {
  rules2 <- current_rules(m2)
  cur2 <- current_fit(m2, rules2)
  cur <- current_fit(m, current_rules(m))
  # (refit, lme4's fit): lme4's values are what rglm is compared with
  pairs <- list(
    theta = list(m2@theta, m@theta),
    beta = list(fixef(m2), fixef(m)),
    se = list(sqrt(diag(as.matrix(vcov(cur2)))), sqrt(diag(as.matrix(vcov(cur))))),
    sigma = list(sigma(m2), sigma(m)),
    loglik = list(logLik(m2), logLik(m)),
    varcorr = list(as.data.frame(VarCorr(m2))$sdcor, as.data.frame(VarCorr(m))$sdcor),
    condval = list(ranef_df(m2)$condval, ranef_df(m)$condval),
    condsd = list(ranef_df(m2)$condsd, ranef_df(m)$condsd),
    fitted = list(fitted(m2), fitted(m)),
    residuals = list(residuals(m2), residuals(m)))
  d <- lapply(pairs, function(p) close_diff(p[[1]], p[[2]]))
  ds <- lapply(pairs, function(p) scaled_diff(p[[1]], p[[2]]))
  glmm <- isGLMM(m)
  p1 <- with_current_printing(glmm, capture.output(suppressMessages(print(summary(cur)))))
  p2 <- with_current_printing(glmm, capture.output(suppressMessages(print(summary(cur2)))))
  q1 <- with_current_printing(glmm, capture.output(print(cur)))
  q2 <- with_current_printing(glmm, capture.output(print(cur2)))
  list(
    tol = c(lapply(d, tol_of), list(objective = 1e-10)),
    tol_scaled = lapply(ds, tol_of),
    measured = lapply(d, json_num),
    measured_scaled = lapply(ds, json_num),
    refit = call,
    refit_loglik_difference = json_num(as.numeric(logLik(m2)) - as.numeric(logLik(m))),
    print_digits_stable = identical(stable_lines(q1), stable_lines(q2)),
    summary_digits_stable = identical(stable_lines(p1), stable_lines(p2)))
}

# ---- a fresh process's job ----------------------------------------------------------------

if (child) {
  job <- readRDS(file.path(args[2], "job.rds"))
  env <- new.env(parent = rglm_data_env(job$data))
  for (nm in names(job$bindings)) assign(nm, job$bindings[[nm]], envir = env)
  res <- if (is.function(job$code)) {
    job$code(env)
  } else {
    with_conditions(eval(parse(text = job$code)[[1]], env), catch_error = job$catch_error)
  }
  saveRDS(res, file.path(args[2], "result.rds"))
  quit(save = "no")
}

# A model's fit and its tolerance refit, in one fresh process.
fit_and_refit <- function(r, refit) {
  function(env) {
    fit <- with_conditions(eval(parse(text = r)[[1]], env))
    call <- refit_call(r, fit$value, refit)
    list(fit = fit, call = call, refit = with_conditions(eval(parse(text = call)[[1]], env)))
  }
}

# ---- evaluation --------------------------------------------------------------------------

fits <- new.env(parent = data_env)
records <- list()

run_model <- function(spec, data_name = NULL, bindings = list()) {
  cat(spec$id, "\n")
  if (is.null(data_name)) data_name <- datasets_used(spec$r)
  both <- fresh_eval(fit_and_refit(spec$r, spec$refit), data_name, bindings)
  res <- both$fit
  m <- res$value
  assign(spec$id, m, envir = fits)
  rec <- fit_record(spec, m, res, data_name)
  tl <- tolerances(m, both$refit$value, both$call)
  rec$tol <- tl$tol
  rec$tol_scaled <- tl$tol_scaled
  rec$tol_detail <- tl[setdiff(names(tl), c("tol", "tol_scaled"))]
  rec
}

for (spec in MODELS) records[[spec$id]] <- run_model(spec)

updates <- lapply(UPDATES, function(u) {
  spec <- model(u$id, u$r, u$py, kind = records[[u$base]]$kind)
  rec <- run_model(spec, data_name = records[[u$base]]$data,
                   bindings = setNames(list(get(u$base, envir = fits)), u$base))
  rec$base <- u$base
  rec
})

# ---- anova, drop1 --------------------------------------------------------------------

anova_record <- function(a) {
  cat(a$id, "\n")
  if (!is.null(a$glm)) {
    assign(a$glm$id, eval(parse(text = a$glm$r)[[1]], data_env), envir = fits)
  }
  mods <- all.vars(parse(text = a$r)[[1]])
  data <- unique(unlist(lapply(mods, function(id) datasets_used(deparse(getCall(get(id, envir = fits)))))))
  res <- fresh_eval(a$r, data, mget(mods, envir = fits))
  tab <- res$value
  cur <- anova_current(tab)
  list(id = a$id, r = a$r, py = a$py, note = a$note, models = I(mods),
       glm = a$glm,
       heading = I(attr(tab, "heading")),
       columns = I(names(cur)), columns_local = I(names(tab)),
       row_names = I(rownames(tab)),
       values = lapply(setNames(names(cur), names(cur)), function(nm) json_nums(cur[[nm]])),
       conditions = conditions_json(res$conditions),
       print = printed(print(cur)), print_local = printed(print(tab)))
}

drop1_record <- function(d) {
  cat(d$id, "\n")
  m <- get(d$base, envir = fits)
  res <- fresh_eval(d$r, records[[d$base]]$data, setNames(list(m), d$base))
  tab <- res$value
  rules <- current_rules(m)
  list(id = d$id, r = d$r, py = d$py, base = d$base,
       heading = I(attr(tab, "heading")), columns = I(names(tab)),
       row_names = I(rownames(tab)),
       values = lapply(setNames(names(tab), names(tab)), function(nm) json_nums(tab[[nm]])),
       conditions = conditions_json(convert_conditions(res$conditions, rules)),
       conditions_local = conditions_json(res$conditions),
       print = printed(print(tab)))
}

error_record <- function(e) {
  env <- data_env
  newdata <- NULL
  if (!is.null(e$base)) {
    env <- new.env(parent = fits)
    newdata <- make_newdata(get(e$base, envir = fits),
                            get(records[[e$base]]$data[[1]], envir = data_env))
    assign("newdata", newdata, envir = env)
  }
  res <- with_conditions(eval(parse(text = e$r)[[1]], env), catch_error = TRUE)
  if (is.null(res$error)) stop(e$id, ": R raised no error")
  list(id = e$id, r = e$r, py = e$py,
       data = if (is.null(e$base)) I(datasets_used(e$r)) else records[[e$base]]$data,
       base = e$base, newdata = if (!is.null(newdata)) typed_frame_json(newdata),
       error = res$error, conditions = conditions_json(res$conditions))
}

# The datasets as R's packages ship them, for checking rglm's loader against R's own
# factor levels (not only against the sidecars written from them).
dataset_record <- function(name) {
  df <- get(name, envir = data_env)
  list(nrow = nrow(df), columns = I(lapply(names(df), function(nm) {
    x <- df[[nm]]
    c(list(name = nm, class = class(x)[1]),
      if (is.factor(x)) list(levels = I(levels(x)), ordered = is.ordered(x),
                             counts = I(as.integer(table(x, useNA = "no")))),
      list(n_na = sum(is.na(x))))
  })))
}

check_against_package <- function(name, package) {
  e <- new.env()
  utils::data(list = name, package = package, envir = e)
  orig <- e[[name]]
  rownames(orig) <- NULL
  back <- get(name, envir = data_env)
  if (!isTRUE(all.equal(back, orig, check.attributes = TRUE))) {
    stop("data/", name, " differs from ", package, "::", name)
  }
}

for (nm in c("cbpp", "grouseticks", "sleepstudy", "Dyestuff", "Dyestuff2", "Penicillin",
             "Pastes", "VerbAgg", "Arabidopsis")) {
  check_against_package(nm, "lme4")
}
check_against_package("Contraception", "mlmRev")

used <- sort(unique(unlist(lapply(records, `[[`, "data"))))

out <- list(
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  matrix_version = as.character(packageVersion("Matrix")),
  target = "current lme4 (>= 2.0-6; sources of 2.1-0 read)",
  note = I(c(
    "Generated by tests/reference/make_mixed.R with the local lme4; values and texts converted to current lme4 where they differ (the *_local fields keep the raw ones):",
    "C1 (1.1-37): the AIC-table entry and anova()'s column are labelled -2*log(L) (was deviance), for every ML fit.",
    "C2 (1.1-38): no derivatives when nobs >= 1e4, top-level parameters >= 20 (glmer: theta + beta) / >= 10 (lmer: theta), or a singular fit: RX-based vcov for glmer, no derivative-based convergence checks; glmer with too many rows/parameters runs no check at all.",
    "C3 (1.1-38): the max|grad| and degenerate-Hessian messages end in '\\n  See ?lme4::convergence and ?lme4::troubleshooting.'.",
    "C4 (1.1-38): checkScaleX's warning text gains '. \\nYou may also use (g)lmerControl(autoscale = TRUE) to improve numerical stability.' (also under 'fit warnings:' in print and summary).",
    "C5 (2.0-1): GLMMs with a dispersion report theta (not sigma * theta) in VarCorr, without a Residual row.",
    "C6 (2.0-1): the random-effects table is reformulas::formatVC's: the last correlation column (empty) is kept; Variance before Std.Dev.",
    "C7 (2.0-1): glmer() stores (and prints) its formula with || terms expanded, as lmer() does.",
    "Not convertible: 2.0-6 symmetrised Gauss-Hermite rules (nAGQ > 1) and new Gamma starting values move those fits within the optimiser's tolerance (see each model's tol)."
  )),
  datasets = lapply(setNames(used, used), dataset_record),
  models = unname(c(records, updates)),
  anova = lapply(ANOVAS, anova_record),
  drop1 = lapply(DROP1S, drop1_record),
  errors = lapply(ERRORS, error_record)
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models to", out_file, "\n")
