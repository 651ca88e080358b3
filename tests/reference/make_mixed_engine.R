# lme4 references for rglm's mixed-model engine (rglm/formula/bars.py, rglm/engines/mixed/).
#
# Run from the repository root:  LC_ALL=C.UTF-8 Rscript tests/reference/make_mixed_engine.R
# Writes tests/reference/mixed_engine.json (read by tests/formula/test_bars.py and
# tests/engines/).  Datasets are read back from data/ (read_rglm_dataset), as rglm loads
# them.
#
# Sections of the JSON:
#   bars      findbars / nobars / subbars of formula texts (deparsed, as lme4 gives them)
#   reterms   lFormula()/glFormula() random-effects structures: Zt and Lambdat (CSC:
#             i, p, x, 0-based), Lind, theta, lower, Gp, cnms, flist (levels, assign),
#             nl, term names, theta names, rows of the frame, X's column names
#   devfun    lme4's objective functions (devFunOnly = TRUE) at given points -- see the
#             protocol below
#   fits      whole fits: theta, beta, -2 log L (or REML criterion), vcov (Hessian and
#             RX), u, b, conditional variances, devcomp, derivatives, stage-1 theta,
#             convergence messages, evaluation counts
#   errors    lme4's error texts for bad structures
#
# Protocol for the GLMM objective (glmm-behaviour.md section 1.3: every evaluation
# restarts PIRLS from a stored linear predictor lp0, which decides the last digits):
#   * nAGQ = 0: glmer(..., nAGQ = 0, devFunOnly = TRUE) -- lp0 is the eta of the initial
#     joint PIRLS at the starting theta (from mustart); rglm computes the same start.
#   * nAGQ >= 1: glmer(..., nAGQ = k, devFunOnly = TRUE) runs stage 1 first; its lp0 is
#     the linear predictor of the nAGQ = 0 objective evaluated at stage 1's optimum
#     theta1, recorded here at full precision (`stage1_theta`). rglm re-creates lp0 by
#     evaluating its own nAGQ = 0 objective at theta1 from the initial lp0 (checked
#     against `lp0_sum` and `lp0_head`), then evaluates the Laplace/AGQ objective at
#     each point. lme4's evaluations do not depend on each other (each restarts from
#     lp0), so the points are evaluated in any order.
#   * lmer's profiled deviance has no state.
#
# Version notes: the local lme4 is 1.1-31. Nothing printed is recorded here; the numbers
# do not differ between 1.1-31 and current lme4 except where noted per fit
# (`derivs_current`: lme4 >= 1.1-38 computes the derivatives only for fewer than 1e4
# observations and fewer than 20 (glmer) / 10 (lmer) parameters -- true for every model
# here, so 1.1-31's Hessian-based vcov is current lme4's too).

source("tests/reference/common.R")
suppressPackageStartupMessages(library(lme4))

OUT <- "tests/reference/mixed_engine.json"
data_env <- rglm_data_env(c("cbpp", "grouseticks", "sleepstudy", "Penicillin", "Pastes",
                            "VerbAgg", "Contraception"))

# Derived columns used by the formulas (the Python tests apply the same `py_prep`).
PREP <- list(
  cbpp = list(r = "cbpp$obs <- factor(seq_len(nrow(cbpp))); cbpp$pn <- as.numeric(cbpp$period)",
              py = "cbpp = cbpp.assign(obs=pd.Categorical([str(i + 1) for i in range(len(cbpp))], categories=[str(i + 1) for i in range(len(cbpp))]), pn=cbpp['period'].cat.codes.astype(float) + 1)"),
  sleepstudy = list(r = "sleepstudy$subj_num <- as.numeric(as.character(sleepstudy$Subject)); sleepstudy$subj_chr <- paste0('s', as.character(sleepstudy$Subject)); sleepstudy$subj_na <- sleepstudy$Subject; sleepstudy$subj_na[c(3, 50, 51)] <- NA",
                    py = "sleepstudy = sleepstudy.assign(subj_num=sleepstudy['Subject'].astype(str).astype(float), subj_chr='s' + sleepstudy['Subject'].astype(str), subj_na=sleepstudy['Subject'].where(~sleepstudy.index.isin([2, 49, 50])))")
)
for (nm in names(PREP)) eval(parse(text = PREP[[nm]]$r), envir = data_env)
prep_of <- function(data) if (is.null(PREP[[data]])) NULL else PREP[[data]]$py

fam_py <- c(binomial = "binomial", poisson = "poisson", gaussian = NA)

# ---- bars --------------------------------------------------------------------------------

BAR_FORMULAS <- c(
  "y ~ x + (1 | g)",
  "y ~ x + (x | g)",
  "y ~ x + (x || g)",
  "y ~ (1 + x + z || g)",
  "y ~ 1 + (1 | a/b)",
  "y ~ x + (1 | a:b) + (0 + x | c)",
  "y ~ (1 | g)",
  "y ~ x * z + (1 | g) + (1 | h)",
  "cbind(s, f) ~ period + (1 | herd) + offset(log(n))",
  "y ~ x + ((1 | g))"
)
bars_ref <- lapply(BAR_FORMULAS, function(f) {
  fo <- as.formula(f)
  list(formula = f,
       findbars = vapply(findbars(fo), deparse1, ""),
       nobars = deparse1(nobars(fo)),
       subbars = deparse1(subbars(fo)))
})

# ---- reterms -----------------------------------------------------------------------------

csc <- function(m) {
  m <- as(m, "CsparseMatrix")
  list(dim = dim(m), i = m@i, p = m@p, x = json_nums(m@x))
}
theta_names <- function(cnms) {
  pfun <- lme4:::mkPfun()
  I(as.character(unlist(mapply(pfun, names(cnms), cnms, SIMPLIFY = FALSE))))
}

RETERMS <- list(
  list(id = "cbpp_herd", data = "cbpp", formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)", glmm = TRUE),
  list(id = "cbpp_obs", data = "cbpp", formula = "cbind(incidence, size - incidence) ~ period + (1 | herd) + (1 | obs)", glmm = TRUE),
  list(id = "cbpp_slope", data = "cbpp", formula = "cbind(incidence, size - incidence) ~ pn + (pn | herd)", glmm = TRUE),
  list(id = "cbpp_slope_indep", data = "cbpp", formula = "cbind(incidence, size - incidence) ~ pn + (pn || herd)", glmm = TRUE),
  list(id = "verbagg_factor_slope", data = "VerbAgg", formula = "r2 ~ btype + (0 + btype | item)", glmm = TRUE),
  list(id = "cbpp_interaction", data = "cbpp", formula = "cbind(incidence, size - incidence) ~ 1 + (1 | herd:period)", glmm = TRUE),
  list(id = "sleep_slope", data = "sleepstudy", formula = "Reaction ~ Days + (Days | Subject)", glmm = FALSE),
  list(id = "sleep_indep", data = "sleepstudy", formula = "Reaction ~ Days + (Days || Subject)", glmm = FALSE),
  list(id = "sleep_two_terms", data = "sleepstudy", formula = "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", glmm = FALSE),
  list(id = "sleep_numeric_group", data = "sleepstudy", formula = "Reaction ~ Days + (1 | subj_num)", glmm = FALSE),
  list(id = "sleep_character_group", data = "sleepstudy", formula = "Reaction ~ Days + (Days | subj_chr)", glmm = FALSE),
  list(id = "sleep_na_group", data = "sleepstudy", formula = "Reaction ~ Days + (1 | subj_na)", glmm = FALSE),
  list(id = "pastes_nested", data = "Pastes", formula = "strength ~ 1 + (1 | batch/cask)", glmm = FALSE),
  list(id = "penicillin_crossed", data = "Penicillin", formula = "diameter ~ 1 + (1 | plate) + (1 | sample)", glmm = FALSE),
  list(id = "grouse_three", data = "grouseticks", formula = "TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", glmm = TRUE),
  list(id = "verbagg_crossed", data = "VerbAgg", formula = "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", glmm = TRUE),
  list(id = "contraception_slope", data = "Contraception", formula = "use ~ age + I(age^2) + urban + livch + (urban | district)", glmm = TRUE)
)

reterms_ref <- lapply(RETERMS, function(case) {
  d <- get(case$data, envir = data_env)
  fo <- as.formula(case$formula)
  fam <- if (case$data == "grouseticks") poisson else binomial
  lf <- if (case$glmm) glFormula(fo, data = d, family = fam) else lFormula(fo, data = d)
  rt <- lf$reTrms
  list(id = case$id, data = case$data, formula = case$formula, prep = prep_of(case$data),
       nrow = nrow(lf$fr), xnames = colnames(lf$X),
       Zt = csc(rt$Zt), Lambdat = csc(rt$Lambdat), Lind = rt$Lind - 1L,
       theta = json_nums(rt$theta), lower = json_nums(rt$lower), Gp = rt$Gp,
       nl = unname(rt$nl), term_names = names(rt$Ztlist),
       cnms = lapply(seq_along(rt$cnms), function(k)
         list(group = names(rt$cnms)[k], columns = I(rt$cnms[[k]]))),
       flist = lapply(names(rt$flist), function(nm)
         list(name = nm, levels = I(levels(rt$flist[[nm]])),
              codes = as.integer(rt$flist[[nm]]) - 1L)),
       flist_assign = attr(rt$flist, "assign") - 1L,
       theta_names = theta_names(rt$cnms))
})

# ---- fits and objective functions ----------------------------------------------------------

MODELS <- list(
  list(id = "cbpp_laplace", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "cbpp_nagq0", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 0,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "cbpp_agq25", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 25,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "grouse_laplace", kind = "glmer", data = "grouseticks", family = "poisson", nAGQ = 1,
       formula = "TICKS ~ YEAR + cHEIGHT + (1 | BROOD)"),
  list(id = "grouse_agq9", kind = "glmer", data = "grouseticks", family = "poisson", nAGQ = 9,
       formula = "TICKS ~ YEAR + cHEIGHT + (1 | BROOD)"),
  list(id = "grouse_three", kind = "glmer", data = "grouseticks", family = "poisson", nAGQ = 1,
       formula = "TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)"),
  list(id = "cbpp_obs", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd) + (1 | obs)"),
  list(id = "cbpp_slope", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = "cbind(incidence, size - incidence) ~ pn + (pn | herd)"),
  list(id = "cbpp_slope_indep", kind = "glmer", data = "cbpp", family = "binomial", nAGQ = 1,
       formula = "cbind(incidence, size - incidence) ~ pn + (pn || herd)"),
  list(id = "verbagg_id", kind = "glmer", data = "VerbAgg", family = "binomial", nAGQ = 1,
       formula = "r2 ~ Anger + Gender + btype + situ + (1 | id)"),
  list(id = "verbagg_crossed", kind = "glmer", data = "VerbAgg", family = "binomial", nAGQ = 1,
       formula = "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)"),
  list(id = "contraception", kind = "glmer", data = "Contraception", family = "binomial", nAGQ = 1,
       formula = "use ~ age + I(age^2) + urban + livch + (1 | district)"),
  list(id = "sleep_reml", kind = "lmer", data = "sleepstudy", REML = TRUE,
       formula = "Reaction ~ Days + (Days | Subject)"),
  list(id = "sleep_ml", kind = "lmer", data = "sleepstudy", REML = FALSE,
       formula = "Reaction ~ Days + (Days | Subject)"),
  list(id = "sleep_indep_reml", kind = "lmer", data = "sleepstudy", REML = TRUE,
       formula = "Reaction ~ Days + (Days || Subject)"),
  list(id = "penicillin_reml", kind = "lmer", data = "Penicillin", REML = TRUE,
       formula = "diameter ~ 1 + (1 | plate) + (1 | sample)"),
  list(id = "pastes_reml", kind = "lmer", data = "Pastes", REML = TRUE,
       formula = "strength ~ 1 + (1 | batch/cask)"),
  list(id = "pastes_ml", kind = "lmer", data = "Pastes", REML = FALSE,
       formula = "strength ~ 1 + (1 | batch/cask)")
)

fit_call <- function(m, nAGQ = m$nAGQ, ...) {
  d <- get(m$data, envir = data_env)
  fo <- as.formula(m$formula)
  if (m$kind == "glmer") {
    glmer(fo, data = d, family = get(m$family), nAGQ = nAGQ, ...)
  } else {
    lmer(fo, data = d, REML = m$REML, ...)
  }
}

cond_var <- function(fit) {
  # Per term, the conditional variances of b (lme4's postVar), as (levels, p, p) arrays
  # flattened level by level; computed from the fit's Lambda and L like ranef(condVar).
  rr <- ranef(fit, condVar = TRUE)
  lapply(names(rr), function(g) {
    pv <- attr(rr[[g]], "postVar")
    if (is.list(pv)) pv <- pv  # several terms on one factor: one array per term
    list(group = g, postVar = if (is.list(pv)) lapply(pv, function(a) json_nums(aperm(a, c(2, 1, 3)))) else json_nums(aperm(pv, c(2, 1, 3))),
         dim = if (is.list(pv)) lapply(pv, dim) else dim(pv))
  })
}

points_around <- function(par, ntheta) {
  # The optimum and two nearby points (theta kept inside its bounds).
  p1 <- par; p1[seq_len(ntheta)] <- par[seq_len(ntheta)] * 1.1 + 0.01
  p2 <- par; p2[-seq_len(ntheta)] <- par[-seq_len(ntheta)] + 0.05
  list(par, p1, p2)
}

model_ref <- function(m) {
  t0 <- proc.time()[["elapsed"]]
  res <- collecting(fit_call(m))
  elapsed <- proc.time()[["elapsed"]] - t0
  fit <- res$value
  theta <- getME(fit, "theta")
  ntheta <- length(theta)
  beta <- fixef(fit)
  out <- list(id = m$id, kind = m$kind, data = m$data, formula = m$formula,
              prep = prep_of(m$data), family = if (m$kind == "glmer") m$family else NULL,
              nAGQ = if (m$kind == "glmer") m$nAGQ else NULL,
              REML = if (m$kind == "lmer") m$REML else NULL,
              seconds = elapsed,
              theta = json_nums(theta), theta_names = I(names(theta)),
              beta = json_nums(beta), beta_names = names(beta),
              objective = json_num(if (m$kind == "lmer" && m$REML) REMLcrit(fit) else -2 * c(logLik(fit))),
              loglik = json_num(c(logLik(fit))),
              sigma = json_num(sigma(fit)),
              vcov = exact_json(as.matrix(vcov(fit))),
              vcov_rx = exact_json(as.matrix(suppressWarnings(vcov(fit, use.hessian = FALSE)))),
              u = json_nums(getME(fit, "u")), b = json_nums(getME(fit, "b")),
              cond_var = cond_var(fit),
              devcomp = exact_json(as.list(getME(fit, "devcomp")$cmp)),
              singular = isSingular(fit),
              feval = fit@optinfo$feval,
              conv_messages = I(as.character(unlist(fit@optinfo$conv$lme4$messages))),
              warnings = I(as.character(res$warnings)),
              gradient = if (!is.null(fit@optinfo$derivs)) json_nums(fit@optinfo$derivs$gradient) else NULL,
              hessian = if (!is.null(fit@optinfo$derivs)) exact_json(fit@optinfo$derivs$Hessian) else NULL)
  if (m$kind == "glmer") {
    df0 <- fit_call(m, devFunOnly = TRUE, nAGQ = 0)
    e0 <- environment(df0)
    th_pts <- list(theta, theta * 0.8 + 0.01, theta * 1.3 + 0.05)
    th_pts <- lapply(th_pts, function(t) pmax(t, getME(fit, "lower")))
    out$devfun0 <- list(lp0_sum = json_num(sum(e0$lp0)), lp0_head = json_nums(head(e0$lp0, 5)),
                        points = lapply(th_pts, json_nums),
                        values = json_nums(vapply(th_pts, df0, 0)))
    if (m$nAGQ > 0) {
      df <- fit_call(m, devFunOnly = TRUE)
      e <- environment(df)
      theta1 <- e$pp$theta
      beta1 <- e$pp$beta(1)
      pts <- c(points_around(c(theta, beta), ntheta), list(c(theta1, beta1)))
      out$stage1_theta <- json_nums(theta1)
      out$devfun <- list(lp0_sum = json_num(sum(e$lp0)), lp0_head = json_nums(head(e$lp0, 5)),
                         points = lapply(pts, json_nums),
                         values = json_nums(vapply(pts, df, 0)))
    }
  } else {
    df <- fit_call(m, devFunOnly = TRUE)
    th_pts <- list(theta, theta * 0.8 + 0.01, theta * 1.3 + 0.05)
    th_pts <- lapply(th_pts, function(t) pmax(t, getME(fit, "lower")))
    out$devfun <- list(points = lapply(th_pts, json_nums), values = json_nums(vapply(th_pts, df, 0)))
  }
  out
}

fits_ref <- lapply(MODELS, function(m) { message(m$id); model_ref(m) })

# ---- errors --------------------------------------------------------------------------------

ERRORS <- list(
  list(id = "nagq_vector", data = "cbpp", family = "binomial", nAGQ = 5,
       formula = "cbind(incidence, size - incidence) ~ pn + (pn | herd)"),
  list(id = "nagq_two_terms", data = "cbpp", family = "binomial", nAGQ = 5,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd) + (1 | obs)"),
  list(id = "quasi", data = "cbpp", family = "quasibinomial", nAGQ = 1,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "lmer_nlev_eq_n", data = "cbpp", family = NA, nAGQ = NA,
       formula = "incidence ~ period + (1 | obs)")
)
errors_ref <- lapply(ERRORS, function(e) {
  d <- get(e$data, envir = data_env)
  fo <- as.formula(e$formula)
  msg <- tryCatch({
    if (is.na(e$family)) lmer(fo, data = d) else glmer(fo, data = d, family = get(e$family), nAGQ = e$nAGQ)
    NULL
  }, error = function(err) conditionMessage(err))
  if (is.null(msg)) stop(e$id, ": lme4 raised no error")
  list(id = e$id, data = e$data, formula = e$formula, prep = prep_of(e$data),
       family = if (is.na(e$family)) NULL else e$family,
       nAGQ = if (is.na(e$nAGQ)) NULL else e$nAGQ, error = msg)
})

write_json_file(list(r_version = R.version.string,
                     lme4_version = as.character(packageVersion("lme4")),
                     note = paste("Generated by tests/reference/make_mixed_engine.R;",
                                  "see its header for the objective-function protocol."),
                     bars = bars_ref, reterms = reterms_ref, fits = fits_ref,
                     errors = errors_ref), OUT)
message("wrote ", OUT)
