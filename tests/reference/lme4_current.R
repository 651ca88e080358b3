# lme4 1.1-31 (installed here) -> current lme4 (rglm's print target): the conversions
# make_mixed.R applies to the local lme4's values and texts, one named function each.
# Sourced by make_mixed.R after library(lme4); the list of conversions (C1..C7), with the
# lme4 version that introduced each, is in make_mixed.R's header and in
# tests/reference/README.md ("Mixed models").

SINGULAR_MSG <- "boundary (singular) fit: see help('isSingular')"
HELP_SUFFIX <- "\n  See ?lme4::convergence and ?lme4::troubleshooting."

# The messages of lme4's derivative-based checks (checkConv/checkHess).
is_derivative_message <- function(text) {
  grepl(paste("^Model failed to converge", "^Model is nearly unidentifiable",
              "Hessian is numerically singular", "^unable to evaluate scaled gradient",
              "^Problem with Hessian check", "^Gradient contains NAs", sep = "|"), text)
}

# C3: the gradient and degenerate-Hessian messages gain lme4's help pointer.
help_suffix <- function(text) {
  ifelse(grepl("^Model failed to converge", text), paste0(text, HELP_SUFFIX), text)
}

# C3 + C4 on a warning or message text.
convert_text <- function(text) {
  scale_old <- "Some predictor variables are on very different scales: consider rescaling"
  if (identical(text, scale_old)) {
    return(paste(paste0(scale_old, "."),
                 "\nYou may also use (g)lmerControl(autoscale = TRUE) to improve numerical stability."))
  }
  help_suffix(text)
}

# C2: what current lme4 does after the optimiser, from the fit's size and its theta.
#   calc_derivs   derivatives wanted (nobs < 1e4 and top-level parameters < 20 / 10)
#   derivs        derivatives computed (and not singular; never for glmer nAGQ = 0)
#   checked       checkConv() runs (glmer only when calc_derivs; lmer always)
current_rules <- function(m) {
  glmm <- isGLMM(m)
  nagq <- if (glmm) m@devcomp$dims[["nAGQ"]] else NA_integer_
  ntheta <- length(m@theta)
  npar <- if (glmm && nagq > 0) ntheta + length(m@beta) else ntheta
  nobs <- nrow(m@frame)
  calc <- nobs < 1e4 && npar < (if (glmm) 20 else 10)
  singular <- any((m@theta - m@lower) < 1e-4)
  list(glmm = glmm, nagq = nagq, npar = npar, nobs = nobs, calc_derivs = calc,
       singular = singular, derivs = calc && !singular && !(glmm && nagq == 0),
       checked = if (glmm) calc else TRUE)
}

# The warnings and messages current lme4 issues, from the ones 1.1-31 issued.
convert_conditions <- function(conds, rules) {
  keep <- vapply(conds, function(cd) {
    if (is_derivative_message(cd$text)) return(rules$derivs)
    if (identical(cd$text, SINGULAR_MSG)) return(rules$checked)
    TRUE
  }, logical(1))
  lapply(conds[keep], function(cd) list(type = cd$type, text = convert_text(cd$text)))
}

# The fit as current lme4 stores it: no derivatives where it computes none (so vcov()
# and summary() fall back to RX), and its convergence messages.
current_fit <- function(m, rules) {
  cur <- m
  if (!rules$derivs) cur@optinfo$derivs <- NULL
  conv <- cur@optinfo$conv$lme4
  if (!rules$checked) {
    cur@optinfo$conv$lme4 <- list()
  } else if (length(conv$messages)) {
    msgs <- unlist(conv$messages)
    keep <- if (rules$derivs) rep(TRUE, length(msgs)) else !is_derivative_message(msgs)
    msgs <- help_suffix(msgs[keep])
    conv$messages <- if (is.list(conv$messages)) as.list(msgs) else msgs
    if (!any(keep)) conv$code <- NULL
    cur@optinfo$conv$lme4 <- conv
  }
  if (rules$glmm && "||" %in% all.names(cur@call$formula)) {
    f <- cur@call$formula
    f[[3]] <- lme4::expandDoubleVerts(f[[3]])
    cur@call$formula <- f
  }
  cur
}

# C5: VarCorr() of a GLMM with a dispersion reports theta (1.1-31: sigma * theta) and has
# no Residual row.
varcorr_current <- function(vc, glmm) {
  if (!glmm || !isTRUE(attr(vc, "useSc"))) return(vc)
  sc <- attr(vc, "sc")
  for (i in seq_along(vc)) {
    v <- vc[[i]]
    unscaled <- v / sc^2
    attr(unscaled, "stddev") <- attr(v, "stddev") / sc
    attr(unscaled, "correlation") <- attr(v, "correlation")
    vc[[i]] <- unscaled
  }
  attr(vc, "useSc") <- FALSE
  vc
}

# C6: the random-effects table as reformulas::formatVC lays it out (written from its
# documented behaviour and output): Groups, Name, [Variance], [Std.Dev.], then the lower
# triangles of the correlation matrices padded to the widest one, nothing dropped.
format_vc_current <- function(varcor, digits = max(3, getOption("digits") - 2),
                              comp = "Std.Dev.", formatter = format,
                              useScale = attr(varcor, "useSc")) {
  opts <- c("Variance", "Std.Dev.")
  mcc <- pmatch(comp, opts)
  if (anyNA(mcc)) stop("Illegal 'comp': ", comp[is.na(mcc)])
  use <- opts[opts %in% opts[mcc]]
  sds <- lapply(varcor, attr, "stddev")
  if (any(lengths(sds) > 10)) {
    stop("terms with more than 10 random effects are truncated by formatVC: not needed here")
  }
  corr_digits <- max(2, digits - 2)
  corrs <- lapply(varcor, function(v) {
    cc <- format(round(attr(v, "correlation"), corr_digits), nsmall = corr_digits)
    cc[upper.tri(cc, diag = TRUE)] <- ""
    cc
  })
  groups <- names(varcor)
  if (useScale) {
    sds <- c(sds, list(Residual = unname(attr(varcor, "sc"))))
    corrs <- c(corrs, list(matrix("", 1, 1)))
    groups <- c(groups, "Residual")
  }
  all_sd <- unlist(unname(sds))
  cols <- list()
  if ("Variance" %in% use) cols$Variance <- formatter(all_sd^2, digits = digits)
  if ("Std.Dev." %in% use) cols$`Std.Dev.` <- formatter(all_sd, digits = digits)
  name <- names(all_sd)
  if (is.null(name)) name <- rep("", length(all_sd))
  lens <- lengths(sds)
  group_col <- unlist(Map(function(g, n) c(g, rep("", n - 1L)), groups, lens),
                      use.names = FALSE)
  width <- max(vapply(corrs, ncol, 1L))
  corr <- do.call(rbind, lapply(corrs, function(cc) {
    cbind(cc, matrix("", nrow(cc), width - ncol(cc)))
  }))
  res <- cbind(Groups = group_col, Name = name, do.call(cbind, unname(cols)))
  colnames(res) <- c("Groups", "Name", names(cols))
  if (any(corr != "")) {
    colnames(corr) <- c("Corr", rep("", width - 1L))
    res <- cbind(res, corr)
  }
  rownames(res) <- rep("", nrow(res))
  res
}

# The conversions (C1..C7 above) that change something recorded for fit `m`.
conversion_codes <- function(m, cur, rules, conds, vc_loc, vc_cur) {
  texts_local <- c(vapply(conds, `[[`, "", "text"), unlist(m@optinfo$conv$lme4$messages))
  # C2: derivatives 1.1-31 computed and current lme4 does not, or checks it skips
  dropped <- (!is.null(m@optinfo$derivs) && !rules$derivs) ||
    (!rules$checked && length(texts_local) > 0)
  kept <- if (rules$derivs) texts_local else texts_local[!is_derivative_message(texts_local)]
  c(if (!isREML(m)) "C1",
    if (dropped) "C2",
    if (any(grepl("^Model failed to converge", kept))) "C3",
    if (any(grepl("^Some predictor variables are on very different scales", texts_local))) "C4",
    if (!identical(vc_loc, vc_cur)) "C5",
    if (any(lengths(lapply(vc_loc, attr, "stddev")) > 1)) "C6",
    if (!identical(m@call$formula, cur@call$formula)) "C7")
}

# C1: llikAIC() as current lme4 labels it.
label_minus2logL <- function(llikAIC_local) {
  function(...) {
    res <- llikAIC_local(...)
    nm <- names(res$AICtab)
    names(res$AICtab)[nm == "deviance"] <- "-2*log(L)"
    res
  }
}

# C4 in the printouts: the "fit warnings" block shows the message lme4 attached to X
# (.merMod.msgs), which current lme4 words as its warning (convert_text()).
merMod_msgs_current <- function(msgs_local) {
  function(x) vapply(msgs_local(x), convert_text, "", USE.NAMES = FALSE)
}

# Evaluate `expr` with lme4's printing as current lme4 prints (C1, C4, C5, C6): llikAIC(),
# the random-effects printer .prt.VC() and the fit-warnings texts .merMod.msgs() are
# swapped for the converting versions and put back afterwards.  `glmm`: whether the
# model printed is a GLMM (C5).
with_current_printing <- function(glmm, expr) {
  ns <- asNamespace("lme4")
  saved <- mget(c("llikAIC", ".prt.VC", ".merMod.msgs"), envir = ns)
  on.exit(for (nm in names(saved)) utils::assignInNamespace(nm, saved[[nm]], "lme4"))
  utils::assignInNamespace("llikAIC", label_minus2logL(saved$llikAIC), "lme4")
  utils::assignInNamespace(".merMod.msgs", merMod_msgs_current(saved$.merMod.msgs), "lme4")
  utils::assignInNamespace(".prt.VC", function(varcor, digits, comp = "Std.Dev.",
                                               formatter = format, ...) {
    cat("Random effects:\n")
    print(format_vc_current(varcorr_current(varcor, glmm), digits = digits, comp = comp,
                            formatter = formatter),
          quote = FALSE, digits = digits)
  }, "lme4")
  force(expr)
}

# C1: anova()'s "deviance" column is "-2*log(L)".
anova_current <- function(tab) {
  names(tab)[names(tab) == "deviance"] <- "-2*log(L)"
  tab
}
