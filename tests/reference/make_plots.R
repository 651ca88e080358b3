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

write_json_file(list(r_version = R.version.string, plot_lm = plot_lm),
                file.path("tests", "reference", "plots.json"))
