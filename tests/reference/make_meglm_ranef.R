# R reference for meglm's ranef(type = "ebmodes"): tests/reference/meglm_ranef.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_meglm_ranef.R
# Needs lme4 and jsonlite.
#
# lme4's conditional modes b = Lambda u and their conditional variances (ranef's
# "postVar") at given parameters: each model is fitted by glmer, then its deviance
# function is evaluated once more at the fitted (theta, beta) with PIRLS converged to
# tolPwrss = 1e-12 (lme4's default 1e-7 leaves the modes ~1e-7 from the mode), and
# the merMod built at that point (mkMerMod) gives ranef(condVar = TRUE).  The modes and
# variances are the same in current lme4 (1.1-35+): ranef.merMod's postVar computation
# has not changed.
#
# Models: cbpp's random intercept (nAGQ = 25: adaptive quadrature, one scalar term);
# a random intercept and slope on herd (Laplace; one unstructured 2 x 2 block); herds
# nested in three regions (Laplace; (1 | region/herd); at given theta, its fitted
# region variance being 0); herds crossed with periods (Laplace: meglm's rule for crossed
# factors).  Stata's modes (ebmodes) are
# the joint posterior modes whatever the integration method: lme4's PIRLS solution.
#
# Output: {"r_version", "lme4_version", "cases": [...]}; a case: id, formula, nAGQ,
# prep (the Python lines adding derived columns to cbpp), theta, theta_names, beta,
# and per grouping factor (lme4's order) its levels, columns, modes (levels x columns,
# row-major) and postVar (levels x p x p, flattened level by level).

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "meglm_ranef.json")
cbpp <- read_rglm_dataset("cbpp")
cbpp$t <- as.numeric(cbpp$period) - 1
cbpp$region <- factor((as.integer(as.character(cbpp$herd)) - 1) %/% 5 + 1)

PREP <- paste(
  "cbpp = cbpp.assign(t=cbpp['period'].cat.codes.astype(float),",
  "    region=pd.Categorical(((cbpp['herd'].astype(int) - 1) // 5 + 1).astype(str)))",
  sep = "\n")

CASES <- list(
  list(id = "cbpp_agq25", formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)",
       nAGQ = 25),
  list(id = "cbpp_slope", formula = "cbind(incidence, size - incidence) ~ t + (1 + t | herd)",
       nAGQ = 1),
  # the regions' variance is 0 at the maximum: the modes are taken at theta = (0.6, 0.5)
  list(id = "cbpp_nested", formula = "cbind(incidence, size - incidence) ~ period + (1 | region/herd)",
       nAGQ = 1, theta = c(0.6, 0.5)),
  list(id = "cbpp_crossed", formula = "cbind(incidence, size - incidence) ~ 1 + (1 | herd) + (1 | period)",
       nAGQ = 1)
)

run_case <- function(cs) {
  fo <- as.formula(cs$formula)
  fit <- glmer(fo, data = cbpp, family = binomial, nAGQ = cs$nAGQ)
  theta <- getME(fit, "theta")
  if (!is.null(cs$theta)) theta[] <- cs$theta
  beta <- fixef(fit)
  dd <- glmer(fo, data = cbpp, family = binomial, nAGQ = cs$nAGQ, devFunOnly = TRUE,
              control = glmerControl(tolPwrss = 1e-12))
  par <- c(theta, beta)
  val <- dd(par)
  rho <- environment(dd)
  gf <- glFormula(fo, data = cbpp, family = binomial)
  m <- mkMerMod(rho, opt = list(par = par, fval = val, conv = 0, message = ""),
                reTrms = gf$reTrms, fr = gf$fr)
  rr <- ranef(m, condVar = TRUE)
  factors <- lapply(names(rr), function(g) {
    x <- rr[[g]]
    pv <- attr(x, "postVar")
    list(group = g, levels = I(rownames(x)), columns = I(colnames(x)),
         modes = json_nums(as.vector(t(as.matrix(x)))),
         postVar = json_nums(as.vector(aperm(pv, c(2, 1, 3)))))
  })
  list(id = cs$id, formula = cs$formula, nAGQ = cs$nAGQ, prep = PREP,
       theta = json_nums(unname(theta)), theta_names = I(names(theta)),
       beta = json_nums(unname(beta)), factors = factors)
}

result <- list(r_version = R.version.string,
               lme4_version = as.character(packageVersion("lme4")),
               cases = lapply(CASES, run_case))
write_json_file(result, out_file)
cat("wrote", out_file, "\n")
