# R reference values for MASS::glm.nb and its methods: tests/reference/negbin.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_negbin.R
#
# Datasets are read back from data/<name>.csv (read_rglm_dataset() in common.R), so R
# fits exactly the data rglm sees.  Each model has `r` (the glm.nb call) and `py` (its
# rglm translation, evaluated by tests/models/negbin/test_glm_nb.py in a namespace holding `rglm`
# and the datasets named in `data`).
#
# R 4.2 -> R >= 4.3: print.summary.negbin calls print.summary.glm (NextMethod), whose
# R 4.2 version always prints the "Deviance Residuals:" block; R >= 4.3 does not
# (r-glm-behaviour.md §4.4, §6.11, §9, §11.4).  summary_to_r43() in common.R deletes
# that block (the conversion every script uses, with its layout checks); the raw R 4.2
# text is kept as summary_print_r42.  print.glm, the Theta footer and print.Anova are the same
# in both versions.
#
# Output: {"models": [...], "anova": [...], "anova_single": [...], "confint": [...],
# "theta_ml": [...], "errors": [...]}; numbers at full precision (json_nums); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "negbin.json")

data_env <- rglm_data_env()

model <- function(id, r, py, tol = 1e-8, tol_reason = NULL) {
  list(id = id, r = r, py = py, tol = tol, tol_reason = tol_reason)
}

MODELS <- list(
  model("quine_sex_eth",
        "glm.nb(Days ~ Sex + Eth, data = quine)",
        'rglm.glm_nb("Days ~ Sex + Eth", data=quine)'),
  model("quine_mass_example",
        "glm.nb(Days ~ Sex/(Age + Eth * Lrn), data = quine)",
        'rglm.glm_nb("Days ~ Sex/(Age + Eth * Lrn)", data=quine)'),
  model("quine_sex",
        "glm.nb(Days ~ Sex, data = quine)",
        'rglm.glm_nb("Days ~ Sex", data=quine)'),
  model("quine_intercept_only",
        "glm.nb(Days ~ 1, data = quine)",
        'rglm.glm_nb("Days ~ 1", data=quine)'),
  model("quine_init_theta",
        "glm.nb(Days ~ Sex + Eth, data = quine, init.theta = 1)",
        'rglm.glm_nb("Days ~ Sex + Eth", data=quine, init_theta=1)'),
  model("quine_weights",
        "glm.nb(Days ~ Sex + Eth, data = quine, weights = as.numeric(Age))",
        'rglm.glm_nb("Days ~ Sex + Eth", data=quine, weights="as.numeric(Age)")'),
  model("quine_subset",
        'glm.nb(Days ~ Eth + Lrn, data = quine, subset = Age != "F3")',
        'rglm.glm_nb("Days ~ Eth + Lrn", data=quine, subset=\'Age != "F3"\')'),
  model("quine_link_sqrt",
        "glm.nb(Days ~ Sex + Eth, data = quine, link = sqrt)",
        'rglm.glm_nb("Days ~ Sex + Eth", data=quine, link="sqrt")'),
  model("quine_link_identity_init",
        "glm.nb(Days ~ Eth, data = quine, init.theta = 1.5, link = identity)",
        'rglm.glm_nb("Days ~ Eth", data=quine, init_theta=1.5, link="identity")'),
  model("insurance_offset",
        "glm.nb(Claims ~ District + Group + Age + offset(log(Holders)), data = Insurance)",
        'rglm.glm_nb("Claims ~ District + Group + Age + offset(log(Holders))", data=Insurance)',
        tol = 1e-5,
        tol_reason = paste("theta ~ 4.5e5 is not identified (barely overdispersed counts):",
                           "theta.ml stops at its iteration limit, each Newton step driven",
                           "by digamma/trigamma differences that cancel to a few digits, so",
                           "last-bit differences between R's and SciPy's special functions",
                           "move theta and SE.theta by ~3e-6 (relative); the printed",
                           "theta digits are compared masked")),
  model("ships_offset_subset",
        "glm.nb(incidents ~ type + factor(period) + offset(log(service)), data = ships, subset = service > 0)",
        'rglm.glm_nb("incidents ~ type + factor(period) + offset(log(service))", data=ships, subset="service > 0")'),
  model("dobson_theta_iteration_limit",
        "glm.nb(counts ~ outcome + treatment, data = dobson)",
        'rglm.glm_nb("counts ~ outcome + treatment", data=dobson)',
        tol = 1e-4,
        tol_reason = paste("Poisson-like data: theta ~ 5e5 is not identified (theta.ml hits",
                           "its iteration limit, see insurance_offset): theta and SE.theta",
                           "agree to ~1e-5, the two treatment coefficients (rounding noise",
                           "around 0, ~1e-6) likewise; the printed theta digits are",
                           "compared masked")),
  model("quine_maxit_2",
        "glm.nb(Days ~ Sex + Eth, data = quine, control = glm.control(maxit = 2))",
        'rglm.glm_nb("Days ~ Sex + Eth", data=quine, control=rglm.glm_control(maxit=2))')
)

ANOVAS <- list(
  list(id = "quine_three",
       r = "anova(quine_sex, quine_sex_eth, quine_mass_example)",
       py = "rglm.anova_negbin(quine_sex, quine_sex_eth, quine_mass_example)"),
  list(id = "quine_two_unsorted",
       r = "anova(quine_mass_example, quine_sex_eth)",
       py = "rglm.anova_negbin(quine_mass_example, quine_sex_eth)")
)

# anova() of one glm.nb fit: MASS warns and runs anova.glm with theta fixed, test
# "Chisq" and the dispersion summary.negbin gives (1).  anova.negbin passes test =
# "Chisq" explicitly, so R >= 4.4's new default test changes nothing here.
SINGLE_ANOVAS <- list(
  list(id = "quine_sex_eth_single", r = "anova(quine_sex_eth)",
       py = "rglm.anova_negbin(quine_sex_eth)")
)

CONFINTS <- list(
  list(id = "quine_sex_eth", r = "confint(quine_sex_eth)",
       py = "rglm.confint(quine_sex_eth)"),
  list(id = "quine_sex_eth", r = "confint.default(quine_sex_eth)",
       py = "rglm.confint_default(quine_sex_eth)")
)

ERRORS <- list(
  list(id = "negative_weights",
       r = "glm.nb(Days ~ Sex, data = quine, weights = as.numeric(Age) - 2)",
       py = 'rglm.glm_nb("Days ~ Sex", data=quine, weights="as.numeric(Age) - 2")')
)

# ---- evaluation -------------------------------------------------------------------------

fits <- new.env(parent = data_env)

model_record <- function(m) {
  res <- eval_collecting(m$r, data_env)
  fit <- res$value
  stopifnot(inherits(fit, "negbin"))
  assign(m$id, fit, envir = fits)
  s <- summary(fit)
  s42 <- capture.output(print(s))
  ll <- logLik(fit)
  list(
    id = m$id, r = m$r, py = m$py, data = I(datasets_used(m$r)), tol = m$tol,
    tol_reason = m$tol_reason,
    names = I(names(fit)),
    coef_names = I(names(coef(fit))),
    coefficients = json_nums(coef(fit)),
    se = json_nums(sqrt(diag(vcov(fit)))),
    theta = json_num(fit$theta),
    SE_theta = json_num(fit$SE.theta),
    twologlik = json_num(fit$twologlik),
    aic = json_num(fit$aic),
    deviance = json_num(fit$deviance),
    null_deviance = json_num(fit$null.deviance),
    df_residual = fit$df.residual,
    df_null = fit$df.null,
    rank = fit$rank,
    iter = fit$iter,
    converged = fit$converged,
    family = fit$family$family,
    link = fit$family$link,
    th_warn = fit$th.warn,
    fitted_values = json_nums(fitted(fit)),
    prior_weights = json_nums(fit$prior.weights),
    loglik = json_num(as.numeric(ll)),
    loglik_df = attr(ll, "df"),
    summary_dispersion = json_num(s$dispersion),
    summary_coefficients = json_rows(coef(s)),
    summary_colnames = I(colnames(coef(s))),
    warnings = I(res$warnings),
    print = printed(print(fit)),
    summary_print = text_of(summary_to_r43(s42)),
    summary_print_r42 = text_of(s42)
  )
}

anova_record <- function(a) {
  res <- eval_collecting(a$r, fits)
  tab <- res$value
  list(
    id = a$id, r = a$r, py = a$py, models = I(all.vars(parse(text = a$r)[[1]])),
    heading = I(attr(tab, "heading")),
    columns = I(names(tab)),
    row_names = I(rownames(tab)),
    model = I(as.character(tab$Model)),
    theta = json_nums(tab$theta),
    resid_df = json_nums(tab[["Resid. df"]]),
    twologlik = json_nums(tab[["   2 x log-lik."]]),
    test = I(as.character(tab$Test)),
    df = json_nums(tab[["   df"]]),
    lr_stat = json_nums(tab[["LR stat."]]),
    p_value = json_nums(tab[["Pr(Chi)"]]),
    warnings = I(res$warnings),
    print = printed(print(tab))
  )
}

single_anova_record <- function(a) {
  res <- eval_collecting(a$r, fits)
  tab <- res$value
  list(id = a$id, r = a$r, py = a$py, models = I(all.vars(parse(text = a$r)[[1]])),
       columns = I(names(tab)), row_names = I(rownames(tab)),
       values = I(lapply(names(tab), function(nm) json_nums(tab[[nm]]))),
       warnings = I(res$warnings),
       print = printed(print(tab)))
}

confint_record <- function(cc) {
  res <- eval_collecting(cc$r, fits)
  v <- res$value
  list(id = cc$id, r = cc$r, py = cc$py, rownames = I(rownames(v)),
       colnames = I(colnames(v)),
       values = json_rows(v),
       warnings = I(res$warnings),
       print = printed(print(v)))
}

error_record <- function(e) {
  list(id = e$id, r = e$r, py = e$py, data = I(datasets_used(e$r)),
       error = error_text(e$r, data_env, e$id))
}

# theta.ml on its own: y and mu from the Poisson fit of quine's Days ~ Sex + Eth
theta_ml_records <- function() {
  quine <- get("quine", envir = data_env)
  pf <- glm(Days ~ Sex + Eth, family = poisson, data = quine)
  y <- quine$Days
  mu <- fitted(pf)
  lapply(list(list(limit = 10), list(limit = 2), list(limit = 25, w = rep(c(1, 2), 73))),
         function(a) {
    w <- if (is.null(a$w)) rep(1, length(y)) else a$w
    res <- collecting(theta.ml(y, mu, sum(w), w, limit = a$limit))
    th <- res$value
    list(y = json_nums(y), mu = json_nums(mu), weights = json_nums(w), limit = a$limit,
         theta = json_num(as.vector(th)), SE = json_num(attr(th, "SE")),
         warn = attr(th, "warn"), warnings = I(res$warnings))
  })
}

models <- lapply(MODELS, model_record)
out <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  note = paste("Generated by tests/reference/make_negbin.R; summary_print is R 4.2's",
               "print(summary(fit)) converted to the R >= 4.3 layout, summary_print_r42",
               "the raw R 4.2 text."),
  models = models,
  anova = lapply(ANOVAS, anova_record),
  anova_single = lapply(SINGLE_ANOVAS, single_anova_record),
  confint = lapply(CONFINTS, confint_record),
  theta_ml = theta_ml_records(),
  errors = lapply(ERRORS, error_record)
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models to", out_file, "\n")
