# R's generics on MASS::glm.nb fits: tests/reference/negbin_generics.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_negbin_generics.R
#
# The statements of MASS's scripts/ch07.R on quine (Venables & Ripley, section 7.4),
# with step() in place of MASS's stepAIC(), and the same generics on a glm.nb fit with
# link = sqrt (quine, subset) and one with link = identity and an offset (nbcounts, a
# simulated dataset of make_datasets.R): update, step, drop1, add1, extractAIC, logLik,
# AIC, BIC and anova (one model: MASS's warning and anova.glm with theta fixed; several:
# MASS's likelihood-ratio table).
#
# The statements run in order in one environment, as a user's script: a statement with
# `assign` binds its value to that name for the statements after it; `py` is its rglm
# translation (the test evaluates them in order too, in one namespace holding `rglm`,
# the datasets and the names bound so far).  Each statement records, by `kind`:
#   fit       a glm.nb fit: its call (deparsed) and formula, coefficients, theta,
#             SE.theta, twologlik, aic, deviances, df, rank, names(), print(fit)
#   step      everything step() printed (`trace`), the `$anova` path table and its
#             heading, and the final fit (as `fit`)
#   table     an "anova" data frame (drop1, add1, anova of one model): columns, heading,
#             print
#   anova_nb  MASS's "Anova" LR table of several fits: columns, heading, print
#   numbers   a numeric vector (extractAIC, AIC, c(theta, SE))
#   loglik    a logLik: value, df, nobs, print
#   aic_table AIC()/BIC() of several fits: the df and AIC/BIC columns, row names
#   error     the error R raises
# and `warnings`, the texts of the warnings the statement issued, in order.
#
# Versions.  R here is 4.2.2 with MASS 7.3-58.2; rglm follows R >= 4.3 and current MASS.
# None of what is recorded here differs: drop1.glm, add1.glm, step, print.anova and
# printCoefmat are the same in R 4.2.2 and R 4.4/4.5 (make_anova.R's header), and so are
# update.default and extractAIC.negbin (compared with R-devel's sources); MASS's
# R/negbin.R differs from 7.3-58.2 to 7.3-65 (2025) only in glm.nb calling
# glm.fitter(weights = w) where it called glm.fitter(w = w), the same argument by partial
# matching.  The one R >= 4.4 change that touches these objects, anova.glm's default
# test, does not apply: anova.negbin passes test = "Chisq" and summary.negbin's
# dispersion 1, so R 4.2 and R 4.4 give the same table.  Numbers at full precision
# (json_nums); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "negbin_generics.json")
data_env <- rglm_data_env()

statement <- function(id, kind, r, py, assign = NULL) {
  list(id = id, kind = kind, r = r, py = py, assign = assign)
}

STATEMENTS <- list(
  # ---- MASS scripts/ch07.R, section 7.4 --------------------------------------------
  statement("quine_nb", "fit",
            "glm.nb(Days ~ .^4, data = quine)",
            'rglm.glm_nb("Days ~ .^4", data=quine)', assign = "quine_nb"),
  statement("quine_nb_extractAIC", "numbers", "extractAIC(quine_nb)",
            "rglm.extractAIC(quine_nb)"),
  statement("quine_nb_logLik", "loglik", "logLik(quine_nb)", "rglm.logLik(quine_nb)"),
  statement("quine_nb_AIC_BIC", "numbers", "c(AIC(quine_nb), BIC(quine_nb))",
            "[rglm.AIC(quine_nb), rglm.BIC(quine_nb)]"),
  statement("quine_nb_drop1", "table", 'drop1(quine_nb, test = "Chisq")',
            'rglm.drop1(quine_nb, test="Chisq")'),
  statement("quine_nb3", "fit", "update(quine_nb, . ~ . - Eth:Sex:Age:Lrn)",
            'rglm.update(quine_nb, ". ~ . - Eth:Sex:Age:Lrn")', assign = "quine_nb3"),
  statement("quine_nb3_vs_nb", "anova_nb", "anova(quine_nb3, quine_nb)",
            "rglm.anova(quine_nb3, quine_nb)"),
  statement("quine_nb2", "step", "step(quine_nb)", "rglm.step(quine_nb)",
            assign = "quine_nb2"),
  statement("quine_nb2_drop1", "table", 'drop1(quine_nb2, test = "Chisq")',
            'rglm.drop1(quine_nb2, test="Chisq")'),
  statement("quine_nb2_drop1_rao", "table", 'drop1(quine_nb2, test = "Rao")',
            'rglm.drop1(quine_nb2, test="Rao")'),
  statement("quine_nb2_add1", "table", 'add1(quine_nb2, ~ .^4, test = "Chisq")',
            'rglm.add1(quine_nb2, "~ .^4", test="Chisq")'),
  statement("quine_nb2_add1_F", "table", 'add1(quine_nb2, ~ .^4, test = "F")',
            'rglm.add1(quine_nb2, "~ .^4", test="F")'),
  statement("quine_nb4", "fit",
            "update(quine_nb2, . ~ . - Eth:Age:Lrn - Sex:Age:Lrn)",
            'rglm.update(quine_nb2, ". ~ . - Eth:Age:Lrn - Sex:Age:Lrn")',
            assign = "quine_nb4"),
  statement("quine_nb2_vs_nb4", "anova_nb", "anova(quine_nb2, quine_nb4)",
            "rglm.anova(quine_nb2, quine_nb4)"),
  statement("quine_nb2_theta", "numbers",
            "c(theta = quine_nb2$theta, SE = quine_nb2$SE.theta)",
            "[quine_nb2.theta, quine_nb2.SE_theta]"),
  statement("quine_nb4_anova_single", "table", "anova(quine_nb4)",
            "rglm.anova(quine_nb4)"),
  statement("quine_nb2_nb4_AIC", "aic_table", "AIC(quine_nb2, quine_nb4)",
            "rglm.AIC(quine_nb2, quine_nb4)"),
  statement("quine_nb2_nb4_BIC", "aic_table", "BIC(quine_nb2, quine_nb4)",
            "rglm.BIC(quine_nb2, quine_nb4)"),
  statement("quine_anova_mixed_classes", "error",
            "anova(quine_nb4, glm(Days ~ Eth, family = poisson, data = quine))",
            'rglm.anova(quine_nb4, rglm.glm("Days ~ Eth", family=rglm.poisson(), data=quine))'),
  # forward and backward from a small model: add1 through the glm.nb call
  statement("quine_step_forward", "step",
            "step(glm.nb(Days ~ Eth, data = quine), scope = ~ (Eth + Sex + Age + Lrn)^2)",
            'rglm.step(rglm.glm_nb("Days ~ Eth", data=quine), scope="~ (Eth + Sex + Age + Lrn)^2")'),

  # ---- link = sqrt, subset: the link and the other arguments carried through update --
  statement("quine_sqrt", "fit",
            'glm.nb(Days ~ Sex + Age + Eth, data = quine, subset = Lrn == "AL", link = sqrt)',
            'rglm.glm_nb("Days ~ Sex + Age + Eth", data=quine, subset=\'Lrn == "AL"\', link="sqrt")',
            assign = "quine_sqrt"),
  statement("quine_sqrt_update", "fit", "update(quine_sqrt, . ~ . - Eth)",
            'rglm.update(quine_sqrt, ". ~ . - Eth")', assign = "quine_sqrt2"),
  statement("quine_sqrt_update_link", "fit", "update(quine_sqrt, link = log)",
            'rglm.update(quine_sqrt, link="log")'),
  statement("quine_sqrt_update_init_theta", "fit",
            "update(quine_sqrt2, init.theta = 2, subset = NULL)",
            "rglm.update(quine_sqrt2, init_theta=2, subset=None)"),
  # init.theta removed: glm.nb starts from Poisson, and appends init.theta after link
  statement("quine_sqrt_update_no_init_theta", "fit", "update(quine_sqrt2, init.theta = NULL)",
            "rglm.update(quine_sqrt2, init_theta=None)"),
  # an added argument takes its place in glm.nb's formals order
  statement("quine_sqrt_update_weights", "fit",
            "update(quine_sqrt2, weights = as.numeric(Age))",
            'rglm.update(quine_sqrt2, weights="as.numeric(Age)")'),
  statement("quine_sqrt_drop1", "table", 'drop1(quine_sqrt, test = "Chisq")',
            'rglm.drop1(quine_sqrt, test="Chisq")'),
  statement("quine_sqrt_step", "step", "step(quine_sqrt)", "rglm.step(quine_sqrt)"),
  statement("quine_sqrt_extractAIC", "numbers", "extractAIC(quine_sqrt, k = 3)",
            "rglm.extractAIC(quine_sqrt, k=3)"),

  # ---- link = identity with an offset (simulated counts above a known background) ----
  statement("nb_id", "fit",
            "glm.nb(y ~ dose + site + batch + offset(background), data = nbcounts, link = identity)",
            'rglm.glm_nb("y ~ dose + site + batch + offset(background)", data=nbcounts, link="identity")',
            assign = "nb_id"),
  statement("nb_id_extractAIC", "numbers", "extractAIC(nb_id)", "rglm.extractAIC(nb_id)"),
  statement("nb_id_logLik", "loglik", "logLik(nb_id)", "rglm.logLik(nb_id)"),
  statement("nb_id_drop1", "table", 'drop1(nb_id, test = "Chisq")',
            'rglm.drop1(nb_id, test="Chisq")'),
  statement("nb_id2", "fit", "update(nb_id, . ~ . - batch)",
            'rglm.update(nb_id, ". ~ . - batch")', assign = "nb_id2"),
  statement("nb_id2_vs_id", "anova_nb", "anova(nb_id, nb_id2)",
            "rglm.anova(nb_id, nb_id2)"),
  statement("nb_id_step_bic", "step",
            "step(nb_id, scope = list(lower = ~ dose, upper = ~ dose * site + batch), k = log(120))",
            'rglm.step(nb_id, scope={"lower": "~ dose", "upper": "~ dose * site + batch"}, k=math.log(120))'),
  statement("nb_id_add1", "table",
            'add1(update(nb_id, . ~ . - site), ~ . + site + dose:site, test = "Chisq")',
            'rglm.add1(rglm.update(nb_id, ". ~ . - site"), "~ . + site + dose:site", test="Chisq")'),
  statement("nb_id_step_forward", "step",
            "step(update(nb_id, . ~ 1 + offset(background)), scope = ~ dose * site + batch)",
            'rglm.step(rglm.update(nb_id, ". ~ 1 + offset(background)"), scope="~ dose * site + batch")'),
  statement("nb_id2_anova_single", "table", "anova(nb_id2)", "rglm.anova(nb_id2)")
)

# ---- records -------------------------------------------------------------------------

table_record <- function(tab) {
  tab <- as.data.frame(tab)
  cols <- lapply(tab, function(col) if (is.numeric(col)) json_nums(col) else I(as.character(col)))
  names(cols) <- NULL
  list(colnames = I(colnames(tab)), rownames = I(rownames(tab)), columns = cols)
}

fit_record <- function(fit) {
  stopifnot(inherits(fit, "negbin"))
  list(
    call = paste(deparse(fit$call), collapse = "\n"),
    formula = paste(deparse(formula(fit)), collapse = "\n"),
    names = I(names(fit)),
    coef_names = I(names(coef(fit))),
    coefficients = json_nums(coef(fit)),
    theta = json_num(fit$theta),
    SE_theta = json_num(fit$SE.theta),
    twologlik = json_num(fit$twologlik),
    aic = json_num(fit$aic),
    deviance = json_num(fit$deviance),
    null_deviance = json_num(fit$null.deviance),
    df_residual = fit$df.residual,
    rank = fit$rank,
    family = fit$family$family,
    link = fit$family$link,
    print = printed(print(fit))
  )
}

value_record <- function(kind, value, res) {
  switch(kind,
    fit = fit_record(value),
    step = list(trace = if (length(res$output)) text_of(res$output) else "",
                table = table_record(value$anova),
                heading = I(attr(value$anova, "heading")),
                fit = fit_record(value)),
    table = {
      stopifnot(inherits(value, "anova"))
      list(table = table_record(value), heading = I(attr(value, "heading")),
           print = printed(print(value)))
    },
    anova_nb = {
      stopifnot(inherits(value, "Anova"))
      list(table = table_record(value), heading = I(attr(value, "heading")),
           print = printed(print(value)))
    },
    numbers = list(names = if (is.null(names(value))) NULL else I(names(value)),
                   values = json_nums(unname(value))),
    loglik = list(value = json_num(as.numeric(value)), df = attr(value, "df"),
                  nobs = attr(value, "nobs"), print = printed(print(value))),
    aic_table = list(table = table_record(value)),
    stop("unknown kind ", kind))
}

session <- new.env(parent = data_env)

statement_record <- function(st) {
  base <- list(id = st$id, kind = st$kind, r = st$r, py = st$py, assign = st$assign,
               data = I(datasets_used(st$r)))
  if (st$kind == "error") {
    return(c(base, list(error = error_text(st$r, session, st$id))))
  }
  res <- eval_collecting(st$r, session)
  if (!is.null(st$assign)) assign(st$assign, res$value, envir = session)
  c(base, list(warnings = I(res$warnings)), value_record(st$kind, res$value, res))
}

records <- lapply(STATEMENTS, statement_record)
ids <- vapply(STATEMENTS, `[[`, "", "id")
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

out <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  note = paste("Generated by tests/reference/make_negbin_generics.R: R's generics on",
               "glm.nb fits, statements evaluated in order in one session."),
  statements = records
)
write_json_file(out, out_file)
cat("wrote", length(records), "statements to", out_file, "\n")
