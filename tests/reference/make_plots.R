# R reference values for rglm's plots: tests/reference/plots.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_plots.R
#
# What R drew, not pixels: each plot is drawn on a null pdf device with the display list
# enabled, and the graphics calls it recorded (recordPlot()) are read back -- the window
# (xlim, ylim), the points, the red lowess smoother, the contour lines, the labels
# (text(): positions, texts, pos), the reference lines (abline()), the axes drawn with
# labels of their own, the titles -- so the coordinates are R's own, however R computes
# them. Labels of negative residuals are drawn strheight(" ")/3 lower than their point, a
# device-dependent amount: `strheight` records it (the point itself is `label_points`).
#
# termplot, plot.profile and lme4's dotplot are read the same way (termplot, profile:
# base graphics) or from the trellis object (dotplot: lattice); see their sections.
#
# plot.lm (R 4.2 here; the target is current R): R 4.3.0 changed plot.lm for glm fits
# (NEWS 4.3.0; r-source plot.lm.R, 2023-03). Each change is converted explicitly:
#   L1  which = 1: the y label of a glm is "Pearson Residuals" (was "Residuals"); the
#       points (Pearson residuals against the linear predictor) are unchanged.
#   L2  which = 2: for a glm, a half-normal Q-Q plot of the absolute standardized deviance
#       residuals (was: normal Q-Q of the standardized Pearson residuals), caption
#       "Q-Q Residuals" (was "Normal Q-Q"), y label abs(`Std. Deviance resid.`), the
#       three largest |deviance residuals| labelled, the line through the quartiles of
#       the half-normal distribution qnorm((p + 1)/2). Recomputed below
#       (halfnormal_qq_panel) from R's rstandard(), ppoints(), qnorm() and quantile(),
#       as R 4.3's plot.lm does.
#   Panels 3 to 6 are drawn by R 4.2 as by current R.
#
# Output:
#   plot_lm - each model: id, r, py, data, and per panel (`panels`, which = 1..6): which,
#             caption, sub, xlab, ylab (a plotmath expression deparsed), xlim, ylim,
#             points (x, y, type), smooth (x, y) or null, lines (other line pieces:
#             Cook's contours), labels (x, y as drawn, text, pos), label_points (y of the
#             labelled points), strheight, ablines (a, b, h, v), axes (side, at, labels:
#             those drawn with labels of their own), warnings, messages, conversions.
#   termplot - termplot() calls: id, r, py, fit (r, py), data, and per panel (one per
#             term drawn, trace_panels()): xlim, ylim, main, xlab, ylab, xy (every
#             points()/lines() call: x, y, type, pch, lty, col), axes, ablines;
#             warnings, messages.
#   profile_plot - plot(profile(fit)) calls, the same record.
#   ranef_dotplot - lme4's dotplot(ranef(fit, condVar = TRUE)) of mixed.json's models:
#             per grouping factor (grpvar, main, y_labels: the levels bottom to top) and
#             term (panel): x (modes), y (positions), se, lo, hi, xlim (converted: D1),
#             xlim_lme4_1_1_31, levels_fos.
# Numbers at full precision (json_nums in common.R).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))
env <- rglm_data_env()

# ---- reading back what a plot drew ------------------------------------------------------

# The graphics calls of the display list after evaluating `expr` on a fresh null device:
# a list of (fn, args), plus strheight(" ") and par("usr") of the last plot, the warnings
# and the messages.
trace_plot <- function(expr) {
  pdf(NULL)
  on.exit(dev.off())
  dev.control("enable")
  warns <- character()
  msgs <- character()
  withCallingHandlers(force(expr),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) { msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage") })
  dl <- recordPlot()[[1]]
  calls <- lapply(dl, function(e) {
    a <- as.list(e[[2]])
    list(fn = a[[1]]$name, args = a[-1])
  })
  list(calls = calls, strheight = strheight(" "), usr = par("usr"), warnings = warns,
       messages = msgs)
}

label_text <- function(x) {
  if (is.null(x)) return(NULL)
  if (is.language(x) || is.expression(x)) {
    if (is.expression(x)) x <- x[[1]]
    return(paste(deparse(x, width.cutoff = 500L), collapse = ""))
  }
  as.character(x)
}

# The semantic pieces of one traced panel.
panel_record <- function(tr) {
  rec <- list(xlim = NULL, ylim = NULL, points = NULL, smooth = NULL, lines = list(),
              labels = NULL, texts = list(), ablines = list(), axes = list(), caption = NULL, sub = NULL,
              xlab = NULL, ylab = NULL)
  for (cl in tr$calls) {
    a <- cl$args
    switch(cl$fn,
      C_plot_window = { rec$xlim <- a[[1]]; rec$ylim <- a[[2]] },
      C_plotXY = {
        xy <- a[[1]]
        type <- a[[2]]
        col <- a[[5]]
        if (type %in% c("p", "h")) {
          rec$points <- list(x = json_nums(xy$x), y = json_nums(xy$y), type = type)
        } else if (type == "l" && is.numeric(col) && identical(as.numeric(col), 2)) {
          rec$smooth <- list(x = json_nums(xy$x), y = json_nums(xy$y))
        } else if (type == "l") {
          rec$lines[[length(rec$lines) + 1L]] <- list(x = json_nums(xy$x), y = json_nums(xy$y))
        }
      },
      C_text = {
        xy <- a[[1]]
        pos <- a[[4]]
        rec$texts[[length(rec$texts) + 1L]] <- list(
          x = json_nums(xy$x), y = json_nums(xy$y), text = I(as.character(a[[2]])))
        rec$label_y <- xy$y
        rec$labels <- list(x = json_nums(xy$x), y = json_nums(xy$y),
                           text = I(as.character(a[[2]])),
                           pos = if (is.null(pos)) NULL else I(as.integer(pos)))
      },
      C_abline = {
        rec$ablines[[length(rec$ablines) + 1L]] <- list(
          a = if (is.null(a[[1]])) NULL else json_num(a[[1]]),
          b = if (is.null(a[[2]])) NULL else json_num(a[[2]]),
          h = if (is.null(a[[3]])) NULL else json_nums(a[[3]]),
          v = if (is.null(a[[4]])) NULL else json_nums(a[[4]]))
      },
      C_axis = {
        if (!is.null(a[[2]])) {
          rec$axes[[length(rec$axes) + 1L]] <- list(
            side = as.integer(a[[1]]), at = json_nums(a[[2]]),
            labels = I(as.character(a[[3]])))
        }
      },
      C_title = {
        if (!is.null(a[[2]])) rec$sub <- label_text(a[[2]])
        if (!is.null(a[[3]])) rec$xlab <- label_text(a[[3]])
        if (!is.null(a[[4]])) rec$ylab <- label_text(a[[4]])
      },
      C_mtext = {
        if (identical(as.numeric(a[[2]]), 3) && is.null(rec$caption)) {
          rec$caption <- label_text(a[[1]])
        }
      },
      NULL)
  }
  rec$xlim <- if (is.null(rec$xlim)) NULL else json_nums(rec$xlim)
  rec$ylim <- if (is.null(rec$ylim)) NULL else json_nums(rec$ylim)
  rec$strheight <- json_num(tr$strheight)
  rec$usr <- json_nums(tr$usr)
  rec$warnings <- I(tr$warnings)
  rec$messages <- I(tr$messages)
  rec
}

# ---- L2: R >= 4.3's half-normal Q-Q panel of a glm ---------------------------------------

# What R 4.3's plot.lm(which = 2) draws for a glm, from R's own pieces: the standardized
# deviance residuals (NaN at leverage one), their absolute values against the half-normal
# quantiles of ppoints(n) in rank order (ties in order of appearance), the line through
# the quartiles (qqline with the half-normal quantile function), the three largest
# |residuals| labelled at their points with pos 4 or 2 (left of centre: right; else left).
halfnormal_qq_panel <- function(fit, sub, id.n = 3L) {
  w <- weights(fit)
  hii <- influence(fit, do.coef = FALSE)$hat
  rds <- suppressWarnings(rstandard(fit, type = "deviance"))
  rds[hii >= 1] <- NaN
  labels.id <- names(residuals(fit))
  if (!is.null(w)) labels.id <- labels.id[w != 0]
  absr <- abs(rds)
  ok <- !is.na(absr)
  qhalfnorm <- function(p) qnorm((p + 1) / 2)
  x <- rep(NA_real_, length(absr))
  x[ok] <- qhalfnorm(ppoints(sum(ok)))[order(order(absr[ok]))]
  ylim <- c(0, max(absr, na.rm = TRUE) * 1.075)
  xlim <- range(x, na.rm = TRUE)
  probs <- c(0.25, 0.75)
  yq <- as.vector(quantile(absr, probs, names = FALSE, type = 7, na.rm = TRUE))
  xq <- qhalfnorm(probs)
  slope <- diff(yq) / diff(xq)
  int <- yq[[1L]] - slope * xq[[1L]]
  show <- sort.list(abs(rds), decreasing = TRUE)[seq_len(id.n)]
  pos <- c(4L, 2L)[(x[show] > mean(xlim)) + 1L]
  list(xlim = json_nums(xlim), ylim = json_nums(ylim),
       points = list(x = json_nums(x), y = json_nums(absr), type = "p"),
       smooth = NULL, lines = list(), texts = list(),
       labels = list(x = json_nums(x[show]), y = json_nums(absr[show]),
                     text = I(labels.id[show]), pos = I(pos)),
       label_points = json_nums(absr[show]),
       ablines = list(list(a = json_num(int), b = json_num(slope), h = NULL, v = NULL)),
       axes = list(), caption = "Q-Q Residuals", sub = sub,
       xlab = "Theoretical Quantiles",
       ylab = label_text(quote(abs(`Std. Deviance resid.`))),
       strheight = NULL, usr = NULL, warnings = I(character()), messages = I(character()),
       conversions = I("L2"))
}

# ---- the models ------------------------------------------------------------------------

MODELS <- list(
  list(id = "dobson_poisson",
       r = "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
       py = 'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
  list(id = "budworm_binomial",
       r = "glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)",
       py = 'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
  list(id = "clotting_gamma",
       r = "glm(lot1 ~ log(u), data = clotting, family = Gamma)",
       py = 'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)'),
  list(id = "birthwt_logit",
       r = "glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)",
       py = 'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, data=birthwt)'),
  list(id = "mtcars_zero_weights",
       r = "glm(mpg ~ wt + hp, data = mtcars, weights = as.numeric(cyl != 6))",
       py = 'rglm.glm("mpg ~ wt + hp", data=mtcars, weights="as.numeric(cyl != 6)")'),
  list(id = "plantgrowth_constant_leverage",
       r = "glm(weight ~ group, data = PlantGrowth)",
       py = 'rglm.glm("weight ~ group", data=PlantGrowth)'),
  list(id = "mtcars_intercept_only",
       r = "glm(mpg ~ 1, data = mtcars)",
       py = 'rglm.glm("mpg ~ 1", data=mtcars)'),
  list(id = "dobson_leverage_one",
       r = "glm(counts ~ outcome + treatment, family = poisson(), data = dobson, subset = -c(1, 4))",
       py = 'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson, subset="-c(1, 4)")'),
  list(id = "quine_negbin",
       r = "glm.nb(Days ~ Sex + Age, data = quine)",
       py = 'rglm.glm_nb("Days ~ Sex + Age", data=quine)')
)

plot_lm <- lapply(MODELS, function(m) {
  fit <- eval(parse(text = m$r)[[1]], envir = env)
  panels <- lapply(1:6, function(k) {
    tr <- trace_plot(plot(fit, which = k))
    rec <- panel_record(tr)
    rec$conversions <- I(character())
    if (k == 1L) {  # L1
      stopifnot(identical(rec$ylab, "Residuals"))
      rec$ylab <- "Pearson Residuals"
      rec$conversions <- I("L1")
    }
    if (k == 2L) {  # L2; R 4.2 and 4.3 issue the same warnings (both compute `rs`)
      warns <- rec$warnings
      rec <- halfnormal_qq_panel(fit, rec$sub)
      rec$warnings <- warns
    }
    if (!is.null(rec$labels) && is.null(rec$label_points)) {
      # the labelled points: R draws a negative one strheight(" ")/3 lower
      y <- rec$label_y
      shift <- if (k %in% c(1L, 5L)) ifelse(y < 0, tr$strheight / 3, 0) else 0
      rec$label_points <- json_nums(y + shift)
    }
    rec$label_y <- NULL
    rec$which <- k
    rec
  })
  list(id = m$id, r = m$r, py = m$py, data = I(datasets_used(m$r)), panels = panels)
})

# ---- generic panels: termplot and plot(profile(fit)) ------------------------------------

# Every panel of a multi-panel base plot drawn on one page (par(mfrow) set large enough
# beforehand), split at each plot.new() of the display list: per panel the window, the
# titles, every points()/lines() call (x, y, type, col, lty, pch: what was drawn and
# how), the axes drawn with labels of their own, and the ablines.
trace_panels <- function(expr, nmax = 16L) {
  tr <- trace_plot({
    par(mfrow = c(4L, 4L))
    force(expr)
  })
  panels <- list()
  cur <- NULL
  flush <- function() if (!is.null(cur)) panels[[length(panels) + 1L]] <<- cur
  for (cl in tr$calls) {
    a <- cl$args
    if (identical(cl$fn, "C_plot_new")) {
      flush()
      cur <- list(xlim = NULL, ylim = NULL, main = NULL, xlab = NULL, ylab = NULL,
                  xy = list(), axes = list(), ablines = list())
      next
    }
    if (is.null(cur)) next
    switch(cl$fn,
      C_plot_window = { cur$xlim <- json_nums(a[[1]]); cur$ylim <- json_nums(a[[2]]) },
      C_plotXY = {
        xy <- a[[1]]
        cur$xy[[length(cur$xy) + 1L]] <- list(
          x = json_nums(xy$x), y = json_nums(xy$y), type = a[[2]],
          pch = if (is.null(a[[3]])) NULL else as.character(a[[3]]),
          lty = if (is.null(a[[4]])) NULL else as.character(a[[4]]),
          col = if (is.null(a[[5]])) NULL else as.character(a[[5]]))
      },
      C_axis = {
        if (!is.null(a[[2]])) {
          cur$axes[[length(cur$axes) + 1L]] <- list(
            side = as.integer(a[[1]]), at = json_nums(a[[2]]),
            labels = I(as.character(a[[3]])))
        }
      },
      C_abline = {
        cur$ablines[[length(cur$ablines) + 1L]] <- list(
          h = if (is.null(a[[3]])) NULL else json_nums(a[[3]]),
          v = if (is.null(a[[4]])) NULL else json_nums(a[[4]]))
      },
      C_title = {
        if (!is.null(a[[1]])) cur$main <- label_text(a[[1]])
        if (!is.null(a[[3]])) cur$xlab <- label_text(a[[3]])
        if (!is.null(a[[4]])) cur$ylab <- label_text(a[[4]])
      },
      NULL)
  }
  flush()
  list(panels = panels, warnings = I(tr$warnings), messages = I(tr$messages))
}

# termplot (stats::termplot; R 4.2 here). Its code is unchanged in current R as far as
# R's NEWS for 4.3-4.5 says (no entry names termplot): no conversion. What it draws per
# term: the term's contribution (predict(type = "terms"), col 2) against its carrier, a
# horizontal segment per factor level (level +- 0.4), the +-2 se curves (orange, lty 2),
# the partial residuals (gray points), panel.smooth's lowess (span 2/3, iter 3; darkred,
# lty 2) of them for numeric terms when smooth = panel.smooth.
TERMPLOTS <- list(
  list(id = "clotting_gamma_smooth",
       fit = list(r = "glm(lot1 ~ log(u), data = clotting, family = Gamma)",
                  py = 'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)'),
       r = "termplot(fit, partial.resid = TRUE, se = TRUE, smooth = panel.smooth)",
       py = "rglm.termplot(fit, partial_resid=True, se=True, smooth=True, plot=False)"),
  list(id = "birthwt_logit_partial",
       fit = list(r = "glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)",
                  py = 'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, data=birthwt)'),
       r = "termplot(fit, partial.resid = TRUE, se = TRUE)",
       py = "rglm.termplot(fit, partial_resid=True, se=True, plot=False)"),
  list(id = "birthwt_logit_terms_free",
       fit = list(r = "glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)",
                  py = 'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, data=birthwt)'),
       r = 'termplot(fit, terms = c("lwt", "factor(race)"), partial.resid = TRUE, ylim = "free")',
       py = 'rglm.termplot(fit, terms=["lwt", "factor(race)"], partial_resid=True, ylim="free", plot=False)'),
  list(id = "budworm_interaction_warns",
       fit = list(r = "glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm)",
                  py = 'rglm.glm("cbind(numdead, numalive) ~ sex * ldose", family=rglm.binomial, data=budworm)'),
       r = "termplot(fit, partial.resid = TRUE)",
       py = "rglm.termplot(fit, partial_resid=True, plot=False)"),
  list(id = "dobson_poisson_se",
       fit = list(r = "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
                  py = 'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
       r = "termplot(fit, se = TRUE)",
       py = "rglm.termplot(fit, se=True, plot=False)")
)

run_traced <- function(m) {
  fit <- eval(parse(text = m$fit$r)[[1]], envir = env)
  callenv <- new.env(parent = env)
  assign("fit", fit, envir = callenv)
  tr <- trace_panels(eval(parse(text = m$r)[[1]], envir = callenv))
  list(id = m$id, r = m$r, py = m$py, fit = m$fit, data = I(datasets_used(m$fit$r)),
       panels = tr$panels, warnings = tr$warnings, messages = tr$messages)
}

termplot_cases <- lapply(TERMPLOTS, run_traced)

# plot(profile(fit)): MASS:::plot.profile here; R >= 4.4 moved profile.glm and its plot
# method into stats with the same plotting code (one panel per profiled coefficient:
# the statistic, labelled "tau", against the coefficient, a cross at the estimate,
# spline(parval, tau) through the points). The profiles themselves are those of
# make_confint.R (MASS's profile.glm = R >= 4.4's for test = "LRT").
PROFILE_PLOTS <- list(
  list(id = "dobson_poisson",
       fit = list(r = "glm(counts ~ outcome + treatment, family = poisson(), data = dobson)",
                  py = 'rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)'),
       r = "plot(profile(fit))", py = "rglm.plot_data(rglm.profile(fit))"),
  list(id = "clotting_gamma",
       fit = list(r = "glm(lot1 ~ log(u), data = clotting, family = Gamma)",
                  py = 'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)'),
       r = "plot(profile(fit, alpha = 0.05, maxsteps = 6))",
       py = "rglm.plot_data(rglm.profile(fit, alpha=0.05, maxsteps=6))"),
  list(id = "birthwt_logit_which",
       fit = list(r = "glm(low ~ age + lwt + factor(race) + smoke, family = binomial, data = birthwt)",
                  py = 'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, data=birthwt)'),
       r = "plot(profile(fit, which = c(2, 4)))",
       py = "rglm.plot_data(rglm.profile(fit, which=[1, 3]))")
)

profile_cases <- lapply(PROFILE_PLOTS, function(m) {
  rec <- suppressMessages(run_traced(m))
  rec
})

# ---- lme4's dotplot(ranef(fit, condVar = TRUE)) ------------------------------------------

# A lattice plot: its data are read from the trellis objects dotplot.ranef.mer returns
# (one per grouping factor): per panel (term) the conditional modes it plots (x), their
# positions (as.numeric of the reordered level factor), the level labels in the order of
# the y axis (y.limits), the conditional sds it was given (se), the title (main) and the
# strip (term).
# D1  lme4 1.1-31 (here) draws the intervals as x +- 1.96 se; current lme4 (plots.R,
#     dotplot.ranef.mer(..., level = 0.95)) as x +- qnorm((1 + level)/2) se. The panel
#     data (x, se, positions) are the same; `lo`, `hi` and `xlim` are converted: computed
#     with qnorm(0.975), after checking that the installed prepanel function gives the
#     1.96 range (`xlim_lme4_1_1_31`).
suppressPackageStartupMessages({
  library(lme4)
  library(lattice)
})

DOTPLOTS <- list(
  list(id = "cbpp_laplace",
       fit = list(r = "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial())",
                  py = 'rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", data=cbpp, family=rglm.binomial())')),
  list(id = "sleepstudy_glmer_poisson_slope",
       fit = list(r = "glmer(round(Reaction) ~ Days + (Days | Subject), data = sleepstudy, family = poisson())",
                  py = 'rglm.glmer("round(Reaction) ~ Days + (Days | Subject)", data=sleepstudy, family=rglm.poisson())')),
  list(id = "penicillin_crossed",
       fit = list(r = "lmer(diameter ~ 1 + (1 | plate) + (1 | sample), data = Penicillin)",
                  py = 'rglm.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", data=Penicillin)'))
)

dotplot_cases <- lapply(DOTPLOTS, function(m) {
  fit <- suppressWarnings(suppressMessages(eval(parse(text = m$fit$r)[[1]], envir = env)))
  plots <- dotplot(ranef(fit, condVar = TRUE))
  rng <- qnorm(0.975)
  groups <- lapply(names(plots), function(g) {
    p <- plots[[g]]
    se_all <- p$panel.args.common$se
    panels <- lapply(seq_along(p$panel.args), function(k) {
      a <- p$panel.args[[k]]
      x <- as.numeric(a$x)
      se <- as.numeric(se_all[a$subscripts])
      old <- p$prepanel(x = a$x, y = a$y, se = se_all, subscripts = a$subscripts)$xlim
      stopifnot(isTRUE(all.equal(old, range(x - 1.96 * se, x + 1.96 * se), tolerance = 0)))
      list(term = p$condlevels[[1]][k], x = json_nums(x), y = json_nums(as.numeric(a$y)),
           se = json_nums(se), lo = json_nums(x - rng * se), hi = json_nums(x + rng * se),
           xlim = json_nums(range(x - rng * se, x + rng * se)),
           xlim_lme4_1_1_31 = json_nums(old),
           levels_fos = json_nums(unique(as.numeric(a$y))))
    })
    list(grpvar = g, main = p$main, y_labels = I(as.character(p$y.limits)),
         panels = panels)
  })
  list(id = m$id, fit = m$fit, r = "dotplot(ranef(fit, condVar = TRUE))",
       py = "rglm.plot_data(rglm.ranef(fit, condVar=True))",
       data = I(datasets_used(m$fit$r)), groups = groups, conversions = I("D1"))
})

write_json_file(list(r_version = R.version.string,
                     lme4_version = as.character(packageVersion("lme4")),
                     plot_lm = plot_lm, termplot = termplot_cases,
                     profile_plot = profile_cases, ranef_dotplot = dotplot_cases),
                file.path("tests", "reference", "plots.json"))
