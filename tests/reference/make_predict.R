# R reference for what is computed from a fitted glm: predict(), residuals(), the small
# generics, logLik/AIC/BIC/extractAIC, the influence measures and update().
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_predict.R
# Writes tests/reference/predict.json (everything but influence) and
# tests/reference/influence.json (influence, hatvalues, rstandard, rstudent,
# cooks.distance, dfbeta, dfbetas, covratio, influence.measures and its printouts).
#
# Each model has `r`, the glm() call, and `py`, its rglm translation (evaluated by the
# tests in a namespace holding rglm, pandas as pd, numpy as np and the datasets);
# `newdata_r` / `newdata_py` build the same new data in both languages.
#
# R here is 4.2; rglm reproduces R >= 4.3. Where they differ the generator computes the
# R >= 4.3 result explicitly (never by editing numbers):
#   * logLik.glm: R >= 4.3 counts the dispersion as a parameter when the family's
#     `$dispersion` element is NA (gaussian, Gamma, inverse.gaussian and the quasi
#     families; 1 for binomial and poisson) -> logLik_r43(), and AIC/BIC from it;
#   * predict.lm on new data from a rank-deficient fit: R 4.2 always warns "prediction
#     from a rank-deficient fit may be misleading"; R >= 4.3 (rankdeficient = "warnif")
#     warns only when some new rows are not estimable and lists them in attr "non-estim"
#     -> predict_r43() drops the 4.2 warning and applies the 4.3 rule (tol = 1e-6
#     against a basis of the null space of the fit's R factor, see ?predict.lm in 4.3);
#   * sigma(<glm>): R >= 4.3 is sqrt(summary(fit)$dispersion) -> computed so.

suppressPackageStartupMessages(library(jsonlite))
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

predict_file <- file.path("tests", "reference", "predict.json")
influence_file <- file.path("tests", "reference", "influence.json")

data_env <- rglm_data_env()

TOL <- 1e-8

`%||%` <- function(a, b) if (is.null(a)) b else a  # base R has it only from 4.4

model <- function(id, r, py, newdata_r = NULL, newdata_py = NULL, dispersion = NULL,
                  tol = TOL) {
  list(id = id, r = r, py = py, newdata_r = newdata_r, newdata_py = newdata_py,
       dispersion = dispersion, tol = tol)
}

MODELS <- list(
  model("dobson_poisson",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)',
        'data.frame(outcome = c("2", "3", "1"), treatment = c("3", "1", "2"))',
        'pd.DataFrame({"outcome": ["2", "3", "1"], "treatment": ["3", "1", "2"]})',
        dispersion = 2),
  model("budworm_binomial_cbind",
        'glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)',
        'data.frame(sex = c("M", "F", "F"), ldose = c(0.5, 2.5, 4))',
        'pd.DataFrame({"sex": ["M", "F", "F"], "ldose": [0.5, 2.5, 4.0]})'),
  model("mtcars_binomial_01",
        'glm(am ~ hp + wt, family = binomial(), data = mtcars)',
        'rglm.glm("am ~ hp + wt", family=rglm.binomial(), data=mtcars)',
        'data.frame(hp = c(100, 150, 250), wt = c(2, 3, 3.5))',
        'pd.DataFrame({"hp": [100.0, 150.0, 250.0], "wt": [2.0, 3.0, 3.5]})'),
  model("birthwt_binomial_rownames",
        'glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)',
        'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, data=birthwt)',
        'birthwt[c(2, 50, 189), ]',
        'birthwt.iloc[[1, 49, 188]]'),
  model("clotting_gamma_na_newdata",
        'glm(lot1 ~ log(u), family = Gamma, data = clotting)',
        'rglm.glm("lot1 ~ log(u)", family=rglm.Gamma, data=clotting)',
        'data.frame(u = c(7, 25, NA, 90))',
        'pd.DataFrame({"u": [7.0, 25.0, np.nan, 90.0]})',
        dispersion = 0.01),
  model("clotting_inverse_gaussian",
        'glm(lot2 ~ log(u), family = inverse.gaussian, data = clotting)',
        'rglm.glm("lot2 ~ log(u)", family=rglm.inverse_gaussian, data=clotting)',
        'data.frame(u = c(12, 50))',
        'pd.DataFrame({"u": [12.0, 50.0]})'),
  model("mtcars_gaussian_zero_weight",
        'glm(mpg ~ wt + hp, data = mtcars, weights = as.numeric(hp != 335))',
        'rglm.glm("mpg ~ wt + hp", data=mtcars, weights="as.numeric(hp != 335)")',
        'data.frame(wt = c(2.5, 3.5), hp = c(100, 200), row.names = c("small", "big"))',
        'pd.DataFrame({"wt": [2.5, 3.5], "hp": [100.0, 200.0]}, index=["small", "big"])'),
  model("dobson_poisson_zero_weight",
        'glm(counts ~ outcome + treatment, family = poisson(), data = dobson, weights = as.numeric(counts != 10))',
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson, weights="as.numeric(counts != 10)")'),
  model("insectsprays_quasipoisson",
        'glm(count ~ spray, family = quasipoisson, data = InsectSprays)',
        'rglm.glm("count ~ spray", family=rglm.quasipoisson, data=InsectSprays)',
        'data.frame(spray = c("A", "F", "C"))',
        'pd.DataFrame({"spray": ["A", "F", "C"]})',
        dispersion = 1),
  model("insurance_offset_argument",
        'glm(Claims ~ District + Group + Age, family = poisson, data = Insurance, offset = log(Holders))',
        'rglm.glm("Claims ~ District + Group + Age", family=rglm.poisson, data=Insurance, offset="log(Holders)")',
        'Insurance[c(1, 20, 64), ]',
        'Insurance.iloc[[0, 19, 63]]'),
  model("ships_offset_formula_subset",
        'glm(incidents ~ type + factor(year) + offset(log(service)), family = poisson, data = ships, subset = service > 0)',
        'rglm.glm("incidents ~ type + factor(year) + offset(log(service))", family=rglm.poisson, data=ships, subset="service > 0")',
        'data.frame(type = c("B", "E"), year = c(60, 75), service = c(1000, 2000))',
        'pd.DataFrame({"type": ["B", "E"], "year": [60, 75], "service": [1000.0, 2000.0]})'),
  model("anorexia_gaussian_offset",
        'glm(Postwt ~ Prewt + Treat + offset(Prewt), family = gaussian, data = anorexia)',
        'rglm.glm("Postwt ~ Prewt + Treat + offset(Prewt)", family=rglm.gaussian, data=anorexia)',
        'data.frame(Prewt = c(80, 90), Treat = c("Cont", "FT"))',
        'pd.DataFrame({"Prewt": [80.0, 90.0], "Treat": ["Cont", "FT"]})'),
  model("warpbreaks_aliased",
        'glm(breaks ~ wool * tension, family = poisson, data = warpbreaks, subset = !(wool == "B" & tension == "H"))',
        'rglm.glm("breaks ~ wool * tension", family=rglm.poisson, data=warpbreaks, subset=\'!(wool == "B" & tension == "H")\')',
        'data.frame(wool = c("A", "B", "B"), tension = c("L", "H", "M"))',
        'pd.DataFrame({"wool": ["A", "B", "B"], "tension": ["L", "H", "M"]})'),
  model("airquality_na_exclude_poly",
        'glm(Ozone ~ poly(Temp, 2) + Wind, family = Gamma(link = "log"), data = airquality, na.action = na.exclude)',
        'rglm.glm("Ozone ~ poly(Temp, 2) + Wind", family=rglm.Gamma(link="log"), data=airquality, na_action="na.exclude")',
        'data.frame(Temp = c(60, 80, NA), Wind = c(10, 5, 8))',
        'pd.DataFrame({"Temp": [60.0, 80.0, np.nan], "Wind": [10.0, 5.0, 8.0]})'),
  model("toothgrowth_poly_factor",
        'glm(len ~ poly(dose, 2) + supp, data = ToothGrowth)',
        'rglm.glm("len ~ poly(dose, 2) + supp", data=ToothGrowth)',
        'data.frame(dose = c(0.5, 1.5, 2), supp = c("VC", "OJ", "VC"))',
        'pd.DataFrame({"dose": [0.5, 1.5, 2.0], "supp": ["VC", "OJ", "VC"]})')
)

# Errors from predict() on bad new data: the model id, the new data, R's message.
PREDICT_ERRORS <- list(
  list(id = "unseen_level", model = "toothgrowth_poly_factor",
       newdata_r = 'data.frame(dose = c(1, 2), supp = c("OJ", "XX"))',
       newdata_py = 'pd.DataFrame({"dose": [1.0, 2.0], "supp": ["OJ", "XX"]})'),
  list(id = "unseen_levels", model = "dobson_poisson",
       newdata_r = 'data.frame(outcome = c("4", "5"), treatment = c("1", "1"))',
       newdata_py = 'pd.DataFrame({"outcome": ["4", "5"], "treatment": ["1", "1"]})'),
  list(id = "missing_variable", model = "dobson_poisson",
       newdata_r = 'data.frame(outcome = c("1", "2"))',
       newdata_py = 'pd.DataFrame({"outcome": ["1", "2"]})'),
  list(id = "missing_offset_variable", model = "ships_offset_formula_subset",
       newdata_r = 'data.frame(type = "B", year = 60)',
       newdata_py = 'pd.DataFrame({"type": ["B"], "year": [60]})'),
  list(id = "wrong_type", model = "budworm_binomial_cbind",
       newdata_r = 'data.frame(sex = c("M", "F"), ldose = c("1", "2"))',
       newdata_py = 'pd.DataFrame({"sex": ["M", "F"], "ldose": ["1", "2"]})')
)

# update(): evaluated with the model bound to `fit` (and `setup_r` run first).
UPDATES <- list(
  list(id = "drop_term", model = "dobson_poisson",
       r = 'update(fit, . ~ . - treatment)', py = 'rglm.update(fit, ". ~ . - treatment")'),
  list(id = "change_family", model = "dobson_poisson",
       r = 'update(fit, family = quasipoisson())',
       py = 'rglm.update(fit, family=rglm.quasipoisson())'),
  list(id = "add_subset", model = "dobson_poisson",
       r = 'update(fit, subset = counts > 10)', py = 'rglm.update(fit, subset="counts > 10")'),
  list(id = "saturate", model = "dobson_poisson",
       r = 'update(fit, ~ . + outcome:treatment)',
       py = 'rglm.update(fit, "~ . + outcome:treatment")'),
  list(id = "new_data", model = "dobson_poisson", setup_r = 'dobson2 <- dobson[-5, ]',
       setup_py = 'dobson2 = dobson.drop(index=4)',
       r = 'update(fit, data = dobson2)', py = 'rglm.update(fit, data=dobson2)'),
  list(id = "drop_interaction", model = "budworm_binomial_cbind",
       r = 'update(fit, . ~ . - sex:ldose)', py = 'rglm.update(fit, ". ~ . - sex:ldose")'),
  list(id = "star_minus_main", model = "budworm_binomial_cbind",
       r = 'update(fit, ~ . - sex)', py = 'rglm.update(fit, "~ . - sex")'),
  list(id = "no_intercept", model = "budworm_binomial_cbind",
       r = 'update(fit, . ~ . - 1)', py = 'rglm.update(fit, ". ~ . - 1")'),
  list(id = "add_term", model = "clotting_gamma_na_newdata",
       r = 'update(fit, . ~ . + u)', py = 'rglm.update(fit, ". ~ . + u")'),
  list(id = "response_transform", model = "clotting_gamma_na_newdata",
       r = 'update(fit, log(.) ~ ., family = gaussian)',
       py = 'rglm.update(fit, "log(.) ~ .", family=rglm.gaussian)'),
  list(id = "offset_argument_kept", model = "insurance_offset_argument",
       r = 'update(fit, . ~ . - Group)', py = 'rglm.update(fit, ". ~ . - Group")'),
  list(id = "offset_formula_kept", model = "ships_offset_formula_subset",
       r = 'update(fit, . ~ . - type)', py = 'rglm.update(fit, ". ~ . - type")'),
  list(id = "interaction_with_dot", model = "toothgrowth_poly_factor",
       r = 'update(fit, . ~ .:supp)', py = 'rglm.update(fit, ". ~ .:supp")'),
  list(id = "remove_weights", model = "mtcars_gaussian_zero_weight",
       r = 'update(fit, weights = NULL)', py = 'rglm.update(fit, weights=None)'),
  list(id = "na_action_changed", model = "airquality_na_exclude_poly",
       r = 'update(fit, na.action = na.omit)', py = 'rglm.update(fit, na_action="na.omit")')
)

# update.formula(old, new) on its own (another engineer's step() builds on it).
FORMULA_UPDATES <- list(
  c("y ~ a*b", "~ . - b"), c("y ~ a + b", ". ~ . - 1"), c("y ~ a + offset(o)", ". ~ .:f"),
  c("y ~ x", "log(.) ~ ."), c("cbind(s, f) ~ sex*ldose", ". ~ . - sex:ldose"),
  c("y ~ a + b", "~ . + a:b + c"), c("~ a", "y ~ .^2"), c("y ~ a + b", "~ . - a - b"),
  c("y ~ a | b", "~ . + c"), c("y ~ a*b", ". ~ . + I(a^2) - a:b"),
  c("y ~ a + b + c", "~ (.)^2"), c("y ~ a + b", ". ~ . - a + 0"),
  c("y ~ a/b", ". ~ . + c %in% a"), c("y ~ poly(x, 2) + f", "sqrt(.) ~ . * g"),
  c("y ~ x + z", "~ . - z + offset(log(n))"), c("y ~ a", "~ b")
)

# ---- helpers ---------------------------------------------------------------------------

# Names are written as lists so that a single name stays a JSON array.
json_vec <- function(x) list(names = as.list(names(x)), values = json_nums(unname(x)))

json_matrix <- function(m) {
  m <- as.matrix(m)
  list(rownames = as.list(rownames(m)), colnames = as.list(colnames(m)),
       columns = lapply(seq_len(ncol(m)), function(j) json_nums(m[, j])))
}

json_logical_matrix <- function(m) {
  list(rownames = as.list(rownames(m)), colnames = as.list(colnames(m)),
       columns = lapply(seq_len(ncol(m)), function(j) as.list(unname(m[, j]))))
}

# R >= 4.3 logLik.glm: an estimated dispersion (family$dispersion NA; R 4.3's families
# carry 1 for binomial and poisson, NA for all others in stats) counts as a parameter.
logLik_r43 <- function(fit) {
  disp43 <- if (fit$family$family %in% c("binomial", "poisson")) 1 else NA
  p <- fit$rank + if (is.na(disp43)) 1 else 0
  structure(p - fit$aic / 2, nobs = sum(!is.na(fit$residuals)), df = p, class = "logLik")
}

# R >= 4.3 predict.lm rule for rank-deficient fits: rows of the new model matrix with a
# component of relative size >= 1e-6 in the null space of the fit are not estimable.
nonestimable_r43 <- function(fit, newdata) {
  tt <- delete.response(terms(fit))
  m <- model.frame(tt, newdata, na.action = na.pass, xlev = fit$xlevels)
  X <- model.matrix(tt, m, contrasts.arg = fit$contrasts)
  p <- fit$rank
  if (p >= ncol(X)) return(NULL)
  qrX <- fit$qr
  tR <- t(qr.R(qrX))
  pp <- nrow(tR)
  if (ncol(tR) < pp) tR <- cbind(tR, matrix(0, pp, pp - ncol(tR)))
  d <- c(pp, pp)
  tR[.row(d) > p & .row(d) == .col(d)] <- 1
  nbasis <- qr.Q(qr.default(tR))[, (p + 1L):pp, drop = FALSE]
  norm2 <- function(x) sqrt(sum(x * x))
  Xb.norm <- apply(X[, qrX$pivot, drop = FALSE] %*% nbasis, 1L, norm2)
  X.norm <- apply(X, 1L, norm2)
  which(1e-6 * X.norm <= Xb.norm)
}

predict_r43 <- function(fit, newdata = NULL, ...) {
  if (is.null(newdata)) return(predict(fit, ...))
  pred <- withCallingHandlers(predict(fit, newdata = newdata, ...), warning = function(w) {
    if (grepl("rank-deficient", conditionMessage(w))) invokeRestart("muffleWarning")
  })
  nonest <- nonestimable_r43(fit, newdata)
  if (length(nonest)) {
    warning('prediction from rank-deficient fit; attr(*, "non-estim") has doubtful cases')
    # R >= 4.3 marks the link-scale predictor; predict.glm's linkinv keeps attributes.
    type <- list(...)$type
    if (is.null(type) || type != "terms") {
      if (is.list(pred)) attr(pred$fit, "non-estim") <- nonest
      else attr(pred, "non-estim") <- nonest
    }
  }
  pred
}

prediction_record <- function(pred, type, se_fit) {
  fit <- if (se_fit) pred$fit else pred
  out <- list()
  if (type == "terms") {
    out$fit <- json_matrix(fit)
    # NULL where napredict() padded the matrix (subsetting drops the attribute)
    out$constant <- json_num(attr(fit, "constant"))
    if (se_fit) out$se <- json_matrix(pred$se.fit)
  } else {
    out$fit <- json_vec(fit)
    if (se_fit) out$se <- json_vec(pred$se.fit)
    ne <- attr(fit, "non-estim")
    if (!is.null(ne)) out$non_estim <- as.list(names(fit)[ne])
  }
  if (se_fit) out$residual_scale <- json_num(pred$residual.scale)
  out
}

predict_cases <- function(fit, newdata, dispersion) {
  cases <- list()
  for (nd in c(FALSE, TRUE)) {
    if (nd && is.null(newdata)) next
    for (type in c("link", "response", "terms")) {
      for (se in c(FALSE, TRUE)) {
        disps <- if (se && !is.null(dispersion)) list(NULL, dispersion) else list(NULL)
        for (disp in disps) {
          res <- collecting(
            predict_r43(fit, newdata = if (nd) newdata, type = type, se.fit = se,
                        dispersion = disp))
          cases[[length(cases) + 1L]] <- c(
            list(type = type, se_fit = se, newdata = nd,
                 dispersion = if (is.null(disp)) NULL else json_num(disp),
                 warnings = as.list(res$warnings)),
            prediction_record(res$value, type, se))
        }
      }
    }
  }
  cases
}

residual_cases <- function(fit) {
  out <- list()
  for (type in c("deviance", "pearson", "working", "response")) {
    out[[type]] <- json_vec(residuals(fit, type = type))
  }
  part <- residuals(fit, type = "partial")
  out$partial <- c(json_matrix(part), list(constant = json_num(attr(part, "constant"))))
  out
}

generic_values <- function(fit) {
  mm <- model.matrix(fit)
  ll <- logLik_r43(fit)
  list(
    coef = json_vec(coef(fit)),
    fitted = json_vec(fitted(fit)),
    weights_prior = json_vec(weights(fit, type = "prior")),
    weights_working = json_vec(weights(fit, type = "working")),
    deviance = json_num(deviance(fit)),
    df_residual = df.residual(fit),
    nobs = nobs(fit),
    formula = paste(deparse(formula(fit)), collapse = " "),
    family = family(fit)$family,
    model_matrix = c(json_matrix(mm), list(assign = as.list(attr(mm, "assign")))),
    sigma = json_num(sqrt(summary(fit)$dispersion)),
    logLik = json_num(ll), logLik_df = attr(ll, "df"), logLik_nobs = attr(ll, "nobs"),
    logLik_print = printed(ll),
    AIC = json_num(-2 * as.numeric(ll) + 2 * attr(ll, "df")),
    AIC_k3 = json_num(-2 * as.numeric(ll) + 3 * attr(ll, "df")),
    BIC = json_num(-2 * as.numeric(ll) + log(attr(ll, "nobs")) * attr(ll, "df")),
    extractAIC = json_nums(extractAIC(fit)),
    extractAIC_k4 = json_nums(extractAIC(fit, k = 4))
  )
}

influence_values <- function(fit) {
  infl <- collecting(influence(fit))
  im <- collecting(influence.measures(fit))
  rs_dev <- collecting(rstandard(fit))
  rs_pear <- collecting(rstandard(fit, type = "pearson"))
  cook <- collecting(cooks.distance(fit))
  infmat <- im$value$infmat
  # The printed table can only be matched where no entry is rounding noise around an
  # exact zero (e.g. dfbetas of Dobson's balanced design are ~1e-17).
  noisy <- any(apply(infmat, 2L, function(col) {
    a <- abs(col[is.finite(col)])
    length(a) && any(a > 0 & a < 1e-10 * max(a))
  }))
  list(
    hat = json_vec(infl$value$hat),
    coefficients = json_matrix(infl$value$coefficients),
    sigma = json_vec(infl$value$sigma),
    dev_res = json_vec(infl$value$dev.res),
    pear_res = json_vec(infl$value$pear.res),
    influence_warnings = as.list(infl$warnings),
    # hatvalues() is influence()$hat and dfbeta() its coefficients with the QR's column
    # names: checked here, recorded once (the tests compare them with those entries).
    hatvalues_identical = identical(hatvalues(fit), infl$value$hat),
    rstandard = json_vec(rs_dev$value),
    rstandard_warnings = as.list(rs_dev$warnings),
    rstandard_pearson = json_vec(rs_pear$value),
    rstudent = json_vec(rstudent(fit)),
    cooks_distance = json_vec(cook$value),
    cooks_warnings = as.list(cook$warnings),
    dfbeta_identical = isTRUE(all.equal(unname(dfbeta(fit)),
                                        unname(infl$value$coefficients), tolerance = 0)),
    dfbeta_colnames = as.list(colnames(dfbeta(fit))),
    dfbetas = json_matrix(dfbetas(fit)),
    covratio = json_vec(covratio(fit)),
    infmat = json_matrix(infmat),
    is_inf = json_logical_matrix(im$value$is.inf),
    measures_warnings = as.list(im$warnings),
    print_noisy = noisy,
    print = printed(im$value),
    # what summary() prints, without the autoprint of its (visible) value
    summary_print = printed(invisible(summary(im$value)))
  )
}

# ---- run -------------------------------------------------------------------------------

fits <- list()
predict_models <- list()
influence_models <- list()
for (m in MODELS) {
  env <- new.env(parent = data_env)
  fit <- eval(parse(text = m$r), envir = env)
  fits[[m$id]] <- list(fit = fit, env = env)
  newdata <- if (!is.null(m$newdata_r)) eval(parse(text = m$newdata_r), envir = env)
  common <- list(id = m$id, r = m$r, py = m$py, tol = m$tol,
                 newdata_r = m$newdata_r, newdata_py = m$newdata_py)
  predict_models[[length(predict_models) + 1L]] <- c(common, list(
    predict = predict_cases(fit, newdata, m$dispersion),
    residuals = residual_cases(fit),
    generics = generic_values(fit)))
  influence_models[[length(influence_models) + 1L]] <- c(common, influence_values(fit))
}

predict_errors <- lapply(PREDICT_ERRORS, function(e) {
  f <- fits[[e$model]]
  newdata <- eval(parse(text = e$newdata_r), envir = f$env)
  c(e, list(error = collecting(predict(f$fit, newdata = newdata), catch_error = TRUE)$error))
})

updates <- lapply(UPDATES, function(u) {
  env <- new.env(parent = fits[[u$model]]$env)
  assign("fit", fits[[u$model]]$fit, envir = env)
  if (!is.null(u$setup_r)) eval(parse(text = u$setup_r), envir = env)
  res <- collecting(eval(parse(text = u$r), envir = env))
  new <- res$value
  c(u, list(coef = json_vec(coef(new)), deviance = json_num(deviance(new)),
            call = as.list(deparse(new$call)),
            formula = paste(deparse(formula(new)), collapse = " "),
            warnings = as.list(res$warnings)))
})

# AIC/BIC of several fits: row names are the deparsed arguments.
aic_env <- new.env(parent = data_env)
assign("m1", fits$dobson_poisson$fit, envir = aic_env)
assign("m2", fits$dobson_poisson_zero_weight$fit, envir = aic_env)
assign("m3", fits$mtcars_gaussian_zero_weight$fit, envir = aic_env)
ic_table <- function(a, b, k = 2, bic = FALSE) {
  lls <- list(logLik_r43(a), logLik_r43(b))
  df <- sapply(lls, attr, "df")
  ll <- sapply(lls, as.numeric)
  pen <- if (bic) log(sapply(lls, attr, "nobs")) else k
  nos <- sapply(lls, attr, "nobs")
  w <- if (any(nos != nos[1L]))
    "models are not all fitted to the same number of observations" else character()
  list(df = df, value = -2 * ll + pen * df, warnings = w)
}
multi_ic <- list(
  list(r = "AIC(m1, m2)", py = "rglm.AIC(m1, m2)", column = "AIC",
       table = ic_table(aic_env$m1, aic_env$m2), names = c("m1", "m2")),
  list(r = "AIC(m1, m3, k = 3)", py = "rglm.AIC(m1, m3, k=3)", column = "AIC",
       table = ic_table(aic_env$m1, aic_env$m3, k = 3), names = c("m1", "m3")),
  list(r = "BIC(m2, m3)", py = "rglm.BIC(m2, m3)", column = "BIC",
       table = ic_table(aic_env$m2, aic_env$m3, bic = TRUE), names = c("m2", "m3"))
)
multi_ic <- lapply(multi_ic, function(x) {
  # print.data.frame of the R >= 4.3 values, as AIC()/BIC() would print them
  df <- data.frame(df = x$table$df, v = x$table$value, row.names = x$names)
  names(df)[2L] <- x$column
  list(r = x$r, py = x$py, column = x$column, names = as.list(x$names),
       df = json_nums(x$table$df), values = json_nums(x$table$value),
       warnings = as.list(x$table$warnings), print = printed(df))
})

formula_updates <- lapply(FORMULA_UPDATES, function(x) {
  list(old = x[1], new = x[2],
       result = paste(deparse(update(as.formula(x[1]), as.formula(x[2]))), collapse = " "))
})

write_json_file(list(
  r_version = R.version.string,
  note = paste("R >= 4.3 rules for logLik df, rank-deficient predict and sigma are",
               "computed explicitly (see the script header)."),
  models = predict_models, errors = predict_errors, updates = updates,
  multi_ic = multi_ic, formula_updates = formula_updates), predict_file, pretty = FALSE)
write_json_file(list(r_version = R.version.string, models = influence_models),
                influence_file, pretty = FALSE)
cat("wrote", predict_file, "and", influence_file, "\n")
