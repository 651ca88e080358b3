# Datasets for the finite-mixture references (make_fmm.R; rglm/engines/em/), sourced by
# make_datasets.R, which writes them to data/ like every other dataset.
# fmm_datasets(rd_meta) returns list(<name> = list(data = <data.frame>,
# meta = list(title, source))); rd_meta() is make_datasets.R's help-page reader.
# Nothing here reads data/.
#
# NPreg     flexmix's artificial regression data (Leisch 2004), unchanged.
# patent    flexmix's patent data (Wang, Cockburn & Puterman 1998); the company names
#           lose their trailing blanks (flexmix pads them to 40 characters).
# NMES1988  AER's NMES1988 (Deb & Trivedi 1997), the columns the fmm references and the
#           vignette use; `health` has AER's reference level "average" as its first
#           level, so that R's default treatment coding gives AER's (and the reference
#           notes') coefficients healthpoor and healthexcellent. AER sets that base with a
#           contrasts attribute, which a CSV cannot carry; the values are unchanged.
# fmmsim    500 rows simulated after set.seed(20250917) with R's Mersenne-Twister /
#           Inversion / Rejection generators: two-class mixtures, one response per
#           family of Stata's fmm, values rounded so that the CSV stays readable.
#           Class 2 has probability plogis(-0.3 + 1.2 z). Columns:
#     x        covariate, U(0, 2)
#     z        class-membership covariate, N(0, 1)
#     cls      the simulated class (1, 2)
#     fw       frequency weights 1..3
#     cl       clusters c01..c50 (10 consecutive rows each)
#     trials   binomial trials 5..15
#     y_gamma  gamma, mean exp(0.5 + 0.8 x) | exp(2 - 0.6 x), shape 4 | 2
#     y_lognormal  log y ~ N(0.5 + 0.8 x, 0.3^2) | N(2 - 0.6 x, 0.6^2)
#     y_loglogistic  log y = (0.5 + 0.8 x | 2 - 0.6 x) + (0.2 | 0.4) logistic noise
#     y_exponential  rate exp(-0.5 + 0.8 x) | exp(-2.5 + 0.2 x)     (hazard scale)
#     y_weibull  hazard p y^(p-1) exp(eta), eta = -1 + 1.2 x | -4 - 0.4 x, p = 1.5 | 3
#     y_beta   beta, mean plogis(-1 + 1.2 x) | plogis(1.2 - 0.8 x), precision 30 | 8
#     y_bern   0/1, P = plogis(-3 + 4 x) | plogis(2.5 - 3.5 x)
#     y_binom  successes of `trials`, P = plogis(-1.5 + 1.5 x) | plogis(1.5 - 1.2 x)
#     y_pois   Poisson, mean exp(0.3 + 0.7 x) | exp(2.2 - 0.4 x)

fmm_package_data <- function(name, package) {
  e <- new.env()
  utils::data(list = name, package = package, envir = e)
  e[[name]]
}

fmm_sim <- function() {
  set.seed(20250917, kind = "Mersenne-Twister", normal.kind = "Inversion",
           sample.kind = "Rejection")
  n <- 500L
  x <- round(stats::runif(n, 0, 2), 3)
  z <- round(stats::rnorm(n), 3)
  cls <- 1L + stats::rbinom(n, 1, stats::plogis(-0.3 + 1.2 * z))
  two <- cls == 2L
  pick <- function(a, b) ifelse(two, b, a)
  fw <- sample(1:3, n, replace = TRUE)
  cl <- factor(sprintf("c%02d", rep(1:50, each = 10)))
  trials <- sample(5:15, n, replace = TRUE)
  mu_g <- exp(pick(0.5 + 0.8 * x, 2 - 0.6 * x))
  shape <- pick(4, 2)
  y_gamma <- signif(stats::rgamma(n, shape = shape, scale = mu_g / shape), 7)
  y_lognormal <- signif(exp(stats::rnorm(n, pick(0.5 + 0.8 * x, 2 - 0.6 * x),
                                         pick(0.3, 0.6))), 7)
  y_loglogistic <- signif(exp(pick(0.5 + 0.8 * x, 2 - 0.6 * x) +
                              pick(0.2, 0.4) * stats::rlogis(n)), 7)
  y_exponential <- signif(stats::rexp(n, rate = exp(pick(-0.5 + 0.8 * x, -2.5 + 0.2 * x))), 7)
  p <- pick(1.5, 3)
  y_weibull <- signif(stats::rweibull(n, shape = p,
                                      scale = exp(-pick(-1 + 1.2 * x, -4 - 0.4 * x) / p)), 7)
  mu_b <- stats::plogis(pick(-1 + 1.2 * x, 1.2 - 0.8 * x))
  phi <- pick(30, 8)
  y_beta <- signif(stats::rbeta(n, mu_b * phi, (1 - mu_b) * phi), 7)
  stopifnot(all(y_beta > 0 & y_beta < 1))
  y_bern <- stats::rbinom(n, 1, stats::plogis(pick(-3 + 4 * x, 2.5 - 3.5 * x)))
  y_binom <- stats::rbinom(n, trials, stats::plogis(pick(-1.5 + 1.5 * x, 1.5 - 1.2 * x)))
  y_pois <- stats::rpois(n, exp(pick(0.3 + 0.7 * x, 2.2 - 0.4 * x)))
  data.frame(x = x, z = z, cls = cls, fw = fw, cl = cl, trials = trials,
             y_gamma = y_gamma, y_lognormal = y_lognormal, y_loglogistic = y_loglogistic,
             y_exponential = y_exponential, y_weibull = y_weibull, y_beta = y_beta,
             y_bern = y_bern, y_binom = y_binom, y_pois = y_pois)
}

fmm_datasets <- function(rd_meta) {
  patent <- fmm_package_data("patent", "flexmix")
  patent$Company <- trimws(patent$Company)
  nmes <- fmm_package_data("NMES1988", "AER")
  nmes <- nmes[c("visits", "hospital", "health", "chronic", "adl", "age", "gender",
                 "school", "income", "insurance", "medicaid")]
  nmes$health <- factor(as.character(nmes$health),
                        levels = c("average", "poor", "excellent"))
  nmes_meta <- rd_meta("NMES1988", "AER")
  patent_meta <- rd_meta("patent", "flexmix")
  npreg <- fmm_package_data("NPreg", "flexmix")
  rownames(npreg) <- NULL  # stored as the text "1".."200"; they mean nothing else
  rownames(patent) <- NULL
  rownames(nmes) <- NULL
  list(
    NPreg = list(
      data = npreg,
      meta = list(title = rd_meta("ExNPreg", "flexmix")$title,  # NPreg's help page
                  source = paste("flexmix's data(NPreg); Leisch, F. (2004) FlexMix: A",
                                 "general framework for finite mixture models and latent",
                                 "class regression in R. Journal of Statistical Software",
                                 "11(8)."))
    ),
    patent = list(
      data = patent,
      meta = list(title = patent_meta$title,
                  source = paste(patent_meta$source, "Company names without flexmix's",
                                 "trailing blanks (tests/reference/fmm_datasets.R)."))
    ),
    NMES1988 = list(
      data = nmes,
      meta = list(
        title = nmes_meta$title,
        source = paste(nmes_meta$source, "Columns visits, hospital, health, chronic,",
                       "adl, age, gender, school, income, insurance and medicaid of",
                       "AER's NMES1988; health with its reference level \"average\"",
                       "first (tests/reference/fmm_datasets.R).")
      )
    ),
    fmmsim = list(
      data = fmm_sim(),
      meta = list(
        title = "Simulated Two-Class Mixtures, One Response per Family of Stata's fmm",
        source = paste("Simulated by rglm's tests/reference/fmm_datasets.R",
                       "(set.seed(20250917)): 500 rows; see that file for the",
                       "generating models.")
      )
    )
  )
}
