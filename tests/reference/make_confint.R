# R reference values for profile-likelihood and Wald confidence intervals:
# tests/reference/confint.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_confint.R
#
# R here is 4.2, where confint(<glm>) and profile(<glm>) are MASS's methods
# (MASS::confint.glm, MASS:::profile.glm, MASS:::confint.profile.glm).  R >= 4.4 moved
# them into stats with an extra `test = c("LRT", "Rao")` argument whose default "LRT"
# runs the same code (r-glm-behaviour.md §8.4), so the numbers and the printed matrices
# below are R >= 4.4's too.  "Waiting for profiling to be done..." is a message (stderr):
# it is not part of capture.output() and is not recorded.
#
# Output:
#   models   - each: id, r (the fit), py (its rglm translation), data, calls: each with
#              r / py (the confint call), kind ("matrix" or "vector"), rownames, colnames
#              (matrix) or names (vector), values (rows), print (capture.output text),
#              warnings (texts issued by the call).
#   profiles - profile(fit) of some models: per parameter the statistic name, its values
#              and the par.vals rows (all coefficients at each profile point).
#   spline   - spline() / approx() / seq.int() cases on fixed numbers.
#   errors   - id, r, py, data, error (conditionMessage).
# Numbers at full precision (json_nums in common.R); NA -> null.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "confint.json")

data_env <- rglm_data_env()

ci_call <- function(r, py) list(r = r, py = py)

# Each model: the fit, and the confint calls made on it (`fit` is the fitted model).
# Python positions are 0-based: R's parm = 2:3 is parm=[1, 2].
model <- function(id, r, py, calls) list(id = id, r = r, py = py, calls = calls)

standard_calls <- list(
  ci_call("confint(fit)", "rglm.confint(fit)"),
  ci_call("confint(fit, level = 0.9)", "rglm.confint(fit, level=0.9)"),
  ci_call("confint.default(fit)", "rglm.confint_default(fit)"),
  ci_call("confint.default(fit, level = 0.9)", "rglm.confint_default(fit, level=0.9)")
)

MODELS <- list(
  model("dobson_poisson",
        "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
        'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)',
        c(standard_calls, list(
          ci_call('confint(fit, "outcome2")', 'rglm.confint(fit, "outcome2")'),
          ci_call('confint(fit, c("outcome3", "treatment2"))',
                  'rglm.confint(fit, ["outcome3", "treatment2"])'),
          ci_call("confint(fit, 2:3, level = 0.99)", "rglm.confint(fit, [1, 2], level=0.99)"),
          ci_call("confint(fit, level = 0.999)", "rglm.confint(fit, level=0.999)"),
          ci_call("confint(fit, level = 0.5)", "rglm.confint(fit, level=0.5)"),
          ci_call('confint.default(fit, "outcome2")', 'rglm.confint_default(fit, "outcome2")'),
          ci_call("confint.default(fit, c(1, 4))", "rglm.confint_default(fit, [0, 3])"),
          ci_call("confint.default(fit, level = 0.999)",
                  "rglm.confint_default(fit, level=0.999)"),
          ci_call("confint(profile(fit), level = 0.9)",
                  "rglm.profile(fit).confint(level=0.9)")
        ))),
  model("budworm_binomial_sex_x_ldose",
        "glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)",
        'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)',
        c(standard_calls, list(
          ci_call('confint(fit, "sexM:ldose")', 'rglm.confint(fit, "sexM:ldose")')))),
  model("budworm_probit",
        'glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial(link = "probit"), data = budworm)',
        'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial(link="probit"), data=budworm)',
        standard_calls),
  model("clotting_gamma",
        "glm(lot1 ~ log(u), data = clotting, family = Gamma)",
        'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)',
        standard_calls),
  model("mtcars_gaussian",
        "glm(mpg ~ wt + hp, data = mtcars)",
        'rglm.glm("mpg ~ wt + hp", data=mtcars)',
        standard_calls),
  model("dobson_quasipoisson",
        "glm(counts ~ outcome + treatment, family = quasipoisson, data = dobson)",
        'rglm.glm("counts ~ outcome + treatment", family=rglm.quasipoisson, data=dobson)',
        standard_calls),
  model("insurance_poisson_offset",
        "glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = Insurance)",
        'rglm.glm("Claims ~ District + Group + Age + offset(log(Holders))", family=rglm.poisson, data=Insurance)',
        c(standard_calls, list(
          ci_call('confint(fit, c("Age.L", "Age.C"))',
                  'rglm.confint(fit, ["Age.L", "Age.C"])')))),
  model("clotting_gamma_aliased",
        "glm(lot2 ~ log(u) + log(u^2), data = clotting, family = Gamma)",
        'rglm.glm("lot2 ~ log(u) + log(u^2)", data=clotting, family=rglm.Gamma)',
        c(standard_calls, list(
          ci_call('confint(fit, "log(u^2)")', 'rglm.confint(fit, "log(u^2)")')))),
  model("infert_logit",
        "glm(case ~ spontaneous + induced, family = binomial(), data = infert)",
        'rglm.glm("case ~ spontaneous + induced", family=rglm.binomial(), data=infert)',
        standard_calls),
  model("clotting_gaussian_weights",
        "glm(lot1 ~ log(u), data = clotting, weights = u)",
        'rglm.glm("lot1 ~ log(u)", data=clotting, weights="u")',
        standard_calls),
  model("dobson_intercept_only",
        "glm(counts ~ 1, family = poisson, data = dobson)",
        'rglm.glm("counts ~ 1", family=rglm.poisson, data=dobson)',
        list(ci_call("confint(fit)", "rglm.confint(fit)"),
             ci_call("confint.default(fit)", "rglm.confint_default(fit)"))),
  model("menarche_logit_proportion_weights",
        "glm(Menarche/Total ~ Age, family = binomial, data = menarche, weights = Total)",
        'rglm.glm("Menarche/Total ~ Age", family=rglm.binomial, data=menarche, weights="Total")',
        standard_calls)
)

PROFILES <- list(
  list(id = "dobson_poisson", r = "profile(fit)", py = "rglm.profile(fit)"),
  list(id = "clotting_gamma", r = "profile(fit, alpha = 0.05, maxsteps = 6)",
       py = "rglm.profile(fit, alpha=0.05, maxsteps=6)"),
  list(id = "clotting_gamma_aliased", r = 'profile(fit, which = 2)',
       py = "rglm.profile(fit, which=1)")
)

ERRORS <- list(
  list(id = "not_converged",
       r = paste("confint(glm(counts ~ outcome + treatment, family = poisson(), data = dobson,",
                 "start = c(1, 0, 0, 0, 0), control = glm.control(maxit = 1)))"),
       py = paste('rglm.confint(rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(),',
                  'data=dobson, start=[1, 0, 0, 0, 0], control=rglm.glm_control(maxit=1)))'))
)

# ---- evaluation -------------------------------------------------------------------------

ci_record <- function(cl, env) {
  res <- eval_collecting(cl$r, env)
  v <- res$value
  rec <- list(r = cl$r, py = cl$py)
  if (is.matrix(v)) {
    rec$kind <- "matrix"
    rec$rownames <- I(rownames(v))
    rec$colnames <- I(colnames(v))
    rec$values <- json_rows(v)
  } else {
    rec$kind <- "vector"
    rec$names <- I(names(v))
    rec$values <- json_nums(v)
  }
  rec$print <- printed(print(v))
  rec$warnings <- I(res$warnings)
  rec
}

model_record <- function(m) {
  env <- new.env(parent = data_env)
  assign("fit", eval(parse(text = m$r)[[1]], envir = env), envir = env)
  list(id = m$id, r = m$r, py = m$py, data = I(datasets_used(m$r)),
       calls = lapply(m$calls, ci_record, env = env))
}

profile_record <- function(p) {
  m <- Filter(function(m) m$id == p$id, MODELS)[[1]]
  env <- new.env(parent = data_env)
  fit <- eval(parse(text = m$r)[[1]], envir = env)
  assign("fit", fit, envir = env)
  prof <- eval(parse(text = p$r)[[1]], envir = env)
  params <- lapply(names(prof), function(nm) {
    pr <- prof[[nm]]
    if (is.null(pr)) return(list(name = nm, profile = NULL))
    pv <- pr$par.vals
    list(name = nm, stat = names(pr)[1], values = json_nums(pr[[1]]),
         par_vals_names = I(colnames(pv)),
         par_vals = json_rows(pv))
  })
  list(id = p$id, r = p$r, py = p$py, fit_r = m$r, fit_py = m$py,
       data = I(datasets_used(m$r)), parameters = params)
}

error_record <- function(e) {
  list(id = e$id, r = e$r, py = e$py, data = I(datasets_used(e$r)),
       error = error_text(e$r, new.env(parent = data_env), e$id))
}

# ---- spline / approx / seq.int on fixed numbers ---------------------------------------

spline_cases <- function() {
  set.seed(20240611)
  x8 <- sort(runif(8, -3, 2)); y8 <- tanh(x8) + rnorm(8, sd = 0.1)
  cases <- list(
    list(id = "eight_points", x = x8, y = y8),
    list(id = "unsorted", x = rev(x8), y = rev(y8)),
    list(id = "five_points", x = c(-1, -0.4, 0, 0.7, 1.9), y = c(-2, -0.9, 0, 1.2, 2.6)),
    list(id = "four_points", x = c(0, 1, 3, 4), y = c(1, -1, 2, 0.5)),
    list(id = "three_points", x = c(0, 1, 3), y = c(1, -1, 2)),
    list(id = "two_points", x = c(0, 2), y = c(1, 5)),
    list(id = "tied_x", x = c(0, 1, 1, 2, 3, 3, 4), y = c(0, 1, 2, 1.5, 3, 5, 4)),
    list(id = "tied_y", x = c(0, 1, 2, 3, 4, 5), y = c(0, 1, 1, 2, 3, 3.5))
  )
  lapply(cases, function(cs) {
    sp <- collecting(spline(cs$x, cs$y))
    xout <- c(min(cs$y) - 1, quantile(cs$y, c(0.1, 0.37, 0.5, 0.9), names = FALSE),
              max(cs$y), max(cs$y) + 1)
    ap <- collecting(approx(cs$y, cs$x, xout = xout))
    list(id = cs$id, x = json_nums(cs$x), y = json_nums(cs$y),
         spline_x = json_nums(sp$value$x), spline_y = json_nums(sp$value$y),
         spline_warnings = I(sp$warnings),
         approx_xout = json_nums(xout), approx_y = json_nums(ap$value$y),
         approx_warnings = I(ap$warnings))
  })
}

seq_cases <- function() {
  lapply(list(c(-1.3, 2.9, 27), c(0.1, 0.7, 3), c(1e-3, 5.123456789, 60)), function(a) {
    list(from = json_num(a[1]), to = json_num(a[2]), n = a[3],
         values = json_nums(seq.int(a[1], a[2], length.out = a[3])))
  })
}

out <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  note = paste("Generated by tests/reference/make_confint.R (MASS's confint/profile",
               "methods, identical to R >= 4.4 stats for test = \"LRT\")."),
  models = lapply(MODELS, model_record),
  profiles = lapply(PROFILES, profile_record),
  spline = spline_cases(),
  seq = seq_cases(),
  errors = lapply(ERRORS, error_record)
)
write_json_file(out, out_file)
cat("wrote", length(out$models), "models to", out_file, "\n")
