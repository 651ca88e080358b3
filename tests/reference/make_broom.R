# R reference values for rglm.tidy / glance / augment: tests/reference/broom.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_broom.R
#
# broom here is 1.0.3 (Debian's r-cran-broom); the target is current broom (1.0.13,
# whose sources were read for this). The documented differences are converted
# explicitly (each case lists the conversions that changed it):
#   B1  broom 1.0.4 (#1147): augment.glm's .std.resid is rstandard(x, type =
#       type.residuals) -- 1.0.3 overwrote it with the deviance type -- and comes last,
#       after .cooksd (current add_hat_sigma_cols() creates .hat, .sigma, .cooksd,
#       .std.resid in that order).
#   B2  broom 1.0.5 (#1159): tidy.anova renames Deviance -> deviance, Resid..Df ->
#       df.residual, Resid..Dev -> residual.deviance (1.0.3 kept the names and warned);
#       the warning about unknown columns then names only the others.
#   A1  R 4.4.0: anova() of a glm tests by default ("Chisq" for a fixed dispersion):
#       the case of rglm.anova(fit) without a test asks R 4.2 for that test.
# Profile intervals: tidy(conf.int = TRUE) calls confint(), which for a glm is MASS's
# profile-likelihood confint.glm here and stats' in R >= 4.4 -- the same code with
# test = "LRT" by default (r-glm-behaviour.md section 8.4): R >= 4.4's numbers.
# broom.mixed's tidiers of lme4 fits: tests/reference/make_broom_mixed.R.
#
# Output: `tidy`, `glance`, `augment`, `anova` -- lists of cases, each with
#   id, r (the R call), py (its rglm translation), data, fit (the model's R call) and
#   fit_py, and the result as `columns` (names, in order) and `values` (per column: a
#   list of numbers, or of strings for text columns), `warnings`, `conversions`.
# Numbers at full precision (json_nums in common.R).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(broom)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))
env <- rglm_data_env()

# A data frame (tibble) as columns: numbers exactly, factors and text as strings, a
# matrix column as its columns "name[,1]", "name[,2]".
frame_json <- function(df) {
  df <- as.data.frame(df, check.names = FALSE, stringsAsFactors = FALSE)
  cols <- list()
  kinds <- list()
  for (nm in names(df)) {
    v <- df[[nm]]
    if (is.matrix(v)) {
      for (j in seq_len(ncol(v))) {
        key <- paste0(nm, "[,", j, "]")
        cols[[key]] <- json_nums(v[, j])
        kinds[[key]] <- "number"
      }
    } else if (is.numeric(v) || is.logical(v)) {
      cols[[nm]] <- json_nums(as.numeric(v))
      kinds[[nm]] <- "number"
    } else {
      cols[[nm]] <- I(as.character(v))
      kinds[[nm]] <- "text"
    }
  }
  list(columns = I(names(cols)), kinds = kinds, values = cols)
}

run_case <- function(id, fit_r, fit_py, call_r, call_py, convert = NULL) {
  fit <- eval(parse(text = fit_r)[[1]], envir = env)
  local_env <- new.env(parent = env)
  assign("fit", fit, envir = local_env)
  res <- eval_collecting(call_r, local_env)
  out <- res$value
  conversions <- character()
  warns <- res$warnings
  if (!is.null(convert)) {
    conv <- convert(out, fit, warns)
    out <- conv$value
    warns <- conv$warnings
    conversions <- conv$conversions
  }
  c(list(id = id, fit = fit_r, fit_py = fit_py, r = call_r, py = call_py,
         data = I(datasets_used(fit_r))),
    frame_json(out),
    list(warnings = I(warns), conversions = I(conversions)))
}

# ---- B1: augment.glm's .std.resid (broom 1.0.4) --------------------------------------

augment_current <- function(type_residuals) {
  function(out, fit, warns) {
    conv <- character()
    if (".std.resid" %in% names(out)) {
      std <- rstandard(fit, infl = influence(fit, do.coef = FALSE), type = type_residuals)
      changed <- !isTRUE(all.equal(unname(out$.std.resid), unname(std), tolerance = 0))
      out$.std.resid <- NULL
      out$.std.resid <- unname(std)
      conv <- "B1"
    }
    list(value = out, warnings = warns, conversions = conv)
  }
}

# ---- B2: tidy.anova's new names (broom 1.0.5) ---------------------------------------

B2_NAMES <- c(Deviance = "deviance", Resid..Df = "df.residual",
              Resid..Dev = "residual.deviance")

anova_current <- function(out, fit, warns) {
  hit <- intersect(names(out), names(B2_NAMES))
  if (!length(hit)) return(list(value = out, warnings = warns, conversions = character()))
  names(out)[match(hit, names(out))] <- B2_NAMES[hit]
  # 1.0.3's warning listed every unknown column; current broom's names only the others
  prefix <- "The following column names in ANOVA output were not recognized or transformed: "
  keep <- character()
  for (w in warns) {
    if (startsWith(w, prefix)) {
      rest <- setdiff(strsplit(substring(w, nchar(prefix) + 1), ", ")[[1]], names(B2_NAMES))
      if (length(rest)) keep <- c(keep, paste0(prefix, paste(rest, collapse = ", ")))
    } else {
      keep <- c(keep, w)
    }
  }
  list(value = out, warnings = keep, conversions = "B2")
}

# ---- the cases ---------------------------------------------------------------------------

FITS <- list(
  dobson = c('glm(counts ~ outcome + treatment, family = poisson(), data = dobson)',
             'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  budworm = c('glm(cbind(numdead, numalive) ~ sex + ldose, family = binomial, data = budworm)',
              'rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial, data=budworm)'),
  clotting = c('glm(lot1 ~ log(u), data = clotting, family = Gamma)',
               'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)'),
  mtcars = c('glm(am ~ wt + hp, family = binomial, data = mtcars)',
             'rglm.glm("am ~ wt + hp", family=rglm.binomial, data=mtcars)'),
  gaussian_subset = c('glm(mpg ~ wt + factor(cyl), data = mtcars, subset = hp > 100)',
                      'rglm.glm("mpg ~ wt + factor(cyl)", data=mtcars, subset="hp > 100")'),
  aliased = c('glm(breaks ~ wool + tension + I(wool == "A"), family = poisson, data = warpbreaks)',
              'rglm.glm("breaks ~ wool + tension + I(wool == \\"A\\")", family=rglm.poisson, data=warpbreaks)'),
  offset = c('glm(Claims ~ District + Group + offset(log(Holders)), family = poisson, data = Insurance)',
             'rglm.glm("Claims ~ District + Group + offset(log(Holders))", family=rglm.poisson, data=Insurance)'),
  negbin = c('glm.nb(Days ~ Sex + Age, data = quine)',
             'rglm.glm_nb("Days ~ Sex + Age", data=quine)')
)

TIDY <- list(
  list("default", "tidy(fit)", "rglm.tidy(fit)"),
  list("conf_int", "tidy(fit, conf.int = TRUE)", "rglm.tidy(fit, conf_int=True)"),
  list("conf_90_exp", "tidy(fit, conf.int = TRUE, conf.level = 0.9, exponentiate = TRUE)",
       "rglm.tidy(fit, conf_int=True, conf_level=0.9, exponentiate=True)"),
  list("exp", "tidy(fit, exponentiate = TRUE)", "rglm.tidy(fit, exponentiate=True)")
)
tidy_cases <- list()
for (nm in names(FITS)) {
  for (t in TIDY) {
    if (nm %in% c("aliased", "offset", "gaussian_subset") && t[[1]] != "conf_int") next
    tidy_cases[[length(tidy_cases) + 1L]] <- run_case(
      paste0(nm, "_", t[[1]]), FITS[[nm]][1], FITS[[nm]][2], t[[2]], t[[3]])
  }
}

glance_cases <- lapply(names(FITS), function(nm) {
  run_case(nm, FITS[[nm]][1], FITS[[nm]][2], "glance(fit)", "rglm.glance(fit)")
})

AUGMENT <- list(
  list("dobson", "default", "augment(fit)", "rglm.augment(fit)", "deviance"),
  list("dobson", "response_pearson",
       'augment(fit, type.predict = "response", type.residuals = "pearson")',
       'rglm.augment(fit, type_predict="response", type_residuals="pearson")', "pearson"),
  list("dobson", "se_fit", "augment(fit, se_fit = TRUE)", "rglm.augment(fit, se_fit=True)",
       "deviance"),
  list("dobson", "data", "augment(fit, data = dobson)", "rglm.augment(fit, data=dobson)",
       "deviance"),
  list("dobson", "newdata", "augment(fit, newdata = dobson[c(2, 5, 9), ])",
       "rglm.augment(fit, newdata=dobson.iloc[[1, 4, 8]])", "deviance"),
  list("dobson", "newdata_se_response",
       'augment(fit, newdata = dobson[c(2, 5, 9), ], type.predict = "response", se_fit = TRUE)',
       'rglm.augment(fit, newdata=dobson.iloc[[1, 4, 8]], type_predict="response", se_fit=True)',
       "deviance"),
  list("budworm", "default", "augment(fit)", "rglm.augment(fit)", "deviance"),
  list("clotting", "default", "augment(fit)", "rglm.augment(fit)", "deviance"),
  list("mtcars", "rownames", "augment(fit)", "rglm.augment(fit)", "deviance"),
  list("gaussian_subset", "subset", 'augment(fit, type.residuals = "pearson")',
       'rglm.augment(fit, type_residuals="pearson")', "pearson"),
  list("offset", "default", "augment(fit)", "rglm.augment(fit)", "deviance"),
  list("negbin", "default", "augment(fit)", "rglm.augment(fit)", "deviance")
)
augment_cases <- lapply(AUGMENT, function(a) {
  run_case(paste0(a[[1]], "_", a[[2]]), FITS[[a[[1]]]][1], FITS[[a[[1]]]][2], a[[3]], a[[4]],
           convert = augment_current(a[[5]]))
})

ANOVA <- list(
  list("dobson_chisq", "dobson", 'tidy(anova(fit, test = "Chisq"))',
       'rglm.tidy(rglm.anova(fit, test="Chisq"))'),
  # A1: R >= 4.4's anova(fit) tests by default, with "Chisq" for a fixed dispersion
  # (make_anova.R's header): R 4.2 is asked for that test explicitly
  list("dobson_default_test", "dobson", 'tidy(anova(fit, test = "Chisq"))',
       "rglm.tidy(rglm.anova(fit))"),
  list("clotting_f", "clotting", 'tidy(anova(fit, test = "F"))',
       'rglm.tidy(rglm.anova(fit, test="F"))'),
  list("dobson_two_models", "dobson",
       'tidy(anova(update(fit, . ~ outcome), fit, test = "Chisq"))',
       'rglm.tidy(rglm.anova(rglm.update(fit, ". ~ outcome"), fit, test="Chisq"))'),
  list("dobson_drop1", "dobson", 'tidy(drop1(fit, test = "Chisq"))',
       'rglm.tidy(rglm.drop1(fit, test="Chisq"))')
)
anova_cases <- lapply(ANOVA, function(a) {
  run_case(a[[1]], FITS[[a[[2]]]][1], FITS[[a[[2]]]][2], a[[3]], a[[4]],
           convert = anova_current)
})

write_json_file(list(r_version = R.version.string,
                     broom_version = as.character(packageVersion("broom")),
                     target = "broom 1.0.13",
                     tidy = tidy_cases, glance = glance_cases, augment = augment_cases,
                     anova = anova_cases),
                file.path("tests", "reference", "broom.json"))
