# Datasets for the mixed-model references (make_mixed.R) that make_datasets.R's list of
# packaged data cannot name: lme4's sleepstudy (its help page has references but no
# source section), lme4's Dyestuff2 (documented on the Dyestuff help page),
# mlmRev's Contraception (its row names "1".."1934" are stored as text; made automatic
# here, as they mean nothing else), a subset of lme4's InstEval, and a simulated set for
# the glmer families lme4 ships no data for.
#
# Sourced by make_datasets.R, which writes them to data/ like every other dataset;
# mixed_datasets(rd_meta, rd_text) returns list(<name> = list(data = <data.frame>,
# meta = list(title, source))); rd_meta() and rd_text() are make_datasets.R's help-page
# readers.  Nothing here reads data/.
#
# InstEval_subset: the 3,790 ratings of department "5" of lme4::InstEval (302 students,
#   53 instructors, unused levels dropped): a crossed (1 | s) + (1 | d) design small
#   enough for data/ (InstEval itself has 73,421 rows).  `dept` keeps its one level: a
#   grouping factor with a single level is one of lme4's error cases.
# mixedsim: 200 rows, 10 groups of 20, simulated after set.seed(20250901) with R's
#   Mersenne-Twister / Inversion / Rejection generators (named, so that the data do not
#   depend on the session's RNG kind), values rounded so that the CSV stays readable.
#   Columns:
#     g        grouping factor, levels g01..g10
#     g_na     g with 4 values set to NA (rows 3, 47, 101, 158): NA in a grouping variable
#     x        covariate, N(0, 1)
#     y_gamma  Gamma, log link: mean exp(1 + 0.5 x + u_g), shape 4, u_g ~ N(0, 0.4^2)
#     y_gauss  gaussian, log link: exp(1 + 0.5 x + u_g) + N(0, 0.3^2) noise
#     y_invgauss inverse Gaussian, canonical link 1/mu^2 = 2 + 0.3 x + v_g, v_g ~ N(0, 0.4^2),
#              shape 20 (Michael, Schucany & Haas (1976) transformation method)
#     y_bin    0/1 with logit P = -0.2 + 0.3 x and no group effect: the random-intercept
#              fit is singular (theta = 0)

# Inverse Gaussian variates IG(mu, shape) by the transformation of a chi-square(1) variate
# (Michael, Schucany & Haas 1976, The American Statistician 30, 88-90).
r_inverse_gaussian <- function(n, mu, shape) {
  chi <- stats::rnorm(n)^2
  root <- mu + mu^2 * chi / (2 * shape) -
    mu / (2 * shape) * sqrt(4 * mu * shape * chi + mu^2 * chi^2)
  ifelse(stats::runif(n) <= mu / (mu + root), root, mu^2 / root)
}

mixed_sim <- function() {
  set.seed(20250901, kind = "Mersenne-Twister", normal.kind = "Inversion",
           sample.kind = "Rejection")
  n_g <- 10L
  per <- 20L
  n <- n_g * per
  g <- factor(sprintf("g%02d", rep(seq_len(n_g), each = per)))
  x <- round(stats::rnorm(n), 3)
  u <- stats::rnorm(n_g, sd = 0.4)[g]
  v <- stats::rnorm(n_g, sd = 0.4)[g]
  mu_log <- exp(1 + 0.5 * x + u)
  y_gamma <- signif(stats::rgamma(n, shape = 4, rate = 4 / mu_log), 5)
  y_gauss <- round(mu_log + stats::rnorm(n, sd = 0.3), 4)
  eta_ig <- 2 + 0.3 * x + v
  stopifnot(all(eta_ig > 0))
  y_invgauss <- signif(r_inverse_gaussian(n, 1 / sqrt(eta_ig), shape = 20), 5)
  y_bin <- stats::rbinom(n, 1, stats::plogis(-0.2 + 0.3 * x))
  g_na <- g
  g_na[c(3L, 47L, 101L, 158L)] <- NA
  data.frame(g = g, g_na = g_na, x = x, y_gamma = y_gamma, y_gauss = y_gauss,
             y_invgauss = y_invgauss, y_bin = y_bin)
}

insteval_subset <- function() {
  inst <- lme4_data("InstEval")
  d <- droplevels(inst[inst$dept == "5", ])
  rownames(d) <- NULL
  d
}

lme4_data <- function(name, package = "lme4") {
  e <- new.env()
  utils::data(list = name, package = package, envir = e)
  e[[name]]
}

contraception <- function() {
  d <- lme4_data("Contraception", "mlmRev")
  rownames(d) <- NULL
  d
}

mixed_datasets <- function(rd_meta, rd_text) {
  inst <- rd_meta("InstEval", "lme4")
  dyestuff <- rd_meta("Dyestuff", "lme4")
  sleep_rd <- tools::Rd_db("lme4")[["sleepstudy.Rd"]]
  list(
    sleepstudy = list(
      data = lme4_data("sleepstudy"),
      meta = list(title = rd_meta("sleepstudy", "lme4")$title,
                  source = rd_text(tools:::.Rd_get_section(sleep_rd, "references")))
    ),
    Contraception = list(data = contraception(), meta = rd_meta("Contraception", "mlmRev")),
    Dyestuff2 = list(
      data = lme4_data("Dyestuff2"),
      meta = list(title = dyestuff$title, source = dyestuff$source)
    ),
    InstEval_subset = list(
      data = insteval_subset(),
      meta = list(
        title = paste(inst$title, "(the ratings of department 5)"),
        source = paste(inst$source, "Subset made by rglm's",
                       "tests/reference/mixed_datasets.R: the rows of lme4::InstEval with",
                       "dept == \"5\", unused factor levels dropped.")
      )
    ),
    mixedsim = list(
      data = mixed_sim(),
      meta = list(
        title = "Simulated Grouped Data for Mixed Models with Gamma, Gaussian-Log, Inverse Gaussian and Binary Responses",
        source = paste("Simulated by rglm's tests/reference/mixed_datasets.R (set.seed(20250901)):",
                       "10 groups of 20 rows; see that file for the generating models.")
      )
    )
  )
}
