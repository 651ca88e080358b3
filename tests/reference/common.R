# Helpers shared by the make_*.R scripts (each sources this file from the repo root):
#
#   datasets   read_rglm_dataset(), rglm_dataset_names(), rglm_data_env(), datasets_used()
#   running    collecting(), eval_collecting(): a call's value, warnings, error, output;
#              error_text(): the error an error case raises; run_statements(): code run
#              as the top level runs it, messages collected too
#   text       text_of(), printed(), summary_to_r43()
#   numbers    format_num(), json_nums(), json_num(), json_rows(), exact_json(),
#              table_record(), write_json_file()

# ---- datasets -----------------------------------------------------------------------

# Read an rglm dataset back from data/<name>.csv using its data/<name>.json sidecar.
#
# Shared by make_datasets.R (to prove the files round-trip exactly) and the scripts that
# fit models (so that R fits exactly the data rglm's Python loader sees).
read_rglm_dataset <- function(name, data_dir = "data") {
  meta <- jsonlite::fromJSON(file.path(data_dir, paste0(name, ".json")),
                             simplifyVector = FALSE)
  raw <- utils::read.csv(file.path(data_dir, paste0(name, ".csv")),
                         colClasses = "character", na.strings = "",
                         check.names = FALSE, strip.white = FALSE)
  cols <- lapply(meta$columns, function(col) {
    x <- raw[[col$name]]
    switch(col$type,
      numeric = as.numeric(x),
      integer = as.integer(x),
      logical = as.logical(x),
      character = x,
      factor = factor(x, levels = unlist(col$levels), ordered = isTRUE(col$ordered)),
      stop("unknown column type ", col$type))
  })
  names(cols) <- vapply(meta$columns, function(col) col$name, "")
  df <- as.data.frame(cols, check.names = FALSE, stringsAsFactors = FALSE)
  if (!is.null(meta$row_names)) rownames(df) <- unlist(meta$row_names)
  df
}

# The names of the datasets in data/ (one <name>.json sidecar each).
rglm_dataset_names <- function(data_dir = "data") {
  sub("\\.json$", "", list.files(data_dir, pattern = "\\.json$"))
}

# An environment (child of the global one) holding every dataset, read back from data/.
rglm_data_env <- function(names = rglm_dataset_names(), data_dir = "data") {
  env <- new.env(parent = globalenv())
  for (nm in names) assign(nm, read_rglm_dataset(nm, data_dir), envir = env)
  env
}

# The datasets R code names (a reference case's `data`: what the Python side binds).
datasets_used <- function(code, names = rglm_dataset_names()) {
  sort(intersect(all.names(parse(text = code)), names))
}

# ---- running R code -----------------------------------------------------------------

# Evaluate `expr` (pass the call itself: it is evaluated here, lazily), collecting
#   value     its value (NULL after an error)
#   warnings  the texts of the warnings it issued, in order (each muffled, so the
#             evaluation goes on as R's would at top level)
#   error     the text of its error, or NULL (an error stops the script unless
#             catch_error = TRUE)
#   output    the lines it printed (capture.output)
# Messages (e.g. "Waiting for profiling to be done...") are suppressed.
collecting <- function(expr, catch_error = FALSE) {
  warns <- character()
  error <- NULL
  value <- NULL
  output <- capture.output(
    value <- withCallingHandlers(
      if (catch_error) {
        tryCatch(suppressMessages(expr),
                 error = function(e) { error <<- conditionMessage(e); NULL })
      } else {
        suppressMessages(expr)
      },
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        invokeRestart("muffleWarning")
      }))
  list(value = value, warnings = warns, error = error, output = output)
}

# collecting() of R code given as text, evaluated in `env`.
eval_collecting <- function(code, env, catch_error = FALSE) {
  collecting(eval(parse(text = code)[[1]], envir = env), catch_error = catch_error)
}

# The text of the error R code raises; stops if it raises none (an error case).
error_text <- function(code, env, id) {
  msg <- eval_collecting(code, env, catch_error = TRUE)$error
  if (is.null(msg)) stop(id, ": R did not raise an error")
  msg
}

# Run the expressions of `code` (text) in `env` one after the other, as the top level
# runs a script: with print_visible, each visible value is printed.  Collects
#   value     the value of the last expression (NULL after an error)
#   output    the lines printed (capture.output)
#   warnings  the texts of the warnings, in order (each muffled)
#   messages  the texts of the messages (message(), e.g. MASS's "trying - x"), without
#             their final newline (each muffled)
#   error     the text of an error (which stops the script unless catch_error = TRUE)
# The top level keeps the last value in .Last.value, which eval() inside a function does
# not: it is bound in `env` instead, for code that reads it (MASS's ch07.R does).
run_statements <- function(code, env, print_visible = TRUE, catch_error = FALSE) {
  warns <- character()
  msgs <- character()
  error <- NULL
  value <- NULL
  run <- function() {
    for (expr in parse(text = code)) {
      res <- withVisible(eval(expr, envir = env))
      value <<- res$value
      assign(".Last.value", res$value, envir = env)
      if (print_visible && res$visible) print(res$value)
    }
  }
  output <- capture.output(
    withCallingHandlers(
      if (catch_error) {
        tryCatch(run(), error = function(e) {
          error <<- conditionMessage(e)
          value <<- NULL
        })
      } else {
        run()
      },
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        invokeRestart("muffleWarning")
      },
      message = function(m) {
        msgs <<- c(msgs, sub("\n$", "", conditionMessage(m)))
        invokeRestart("muffleMessage")
      }))
  list(value = value, output = output, warnings = warns, messages = msgs, error = error)
}

# ---- printed text -------------------------------------------------------------------

# Printed lines as one text: joined by "\n", with a final "\n".
text_of <- function(lines) paste0(paste(lines, collapse = "\n"), "\n")

# What evaluating `expr` prints (a visible value is printed, as at top level), as text.
printed <- function(expr) text_of(capture.output(expr))

# R 4.2 -> R >= 4.3 layout of print.summary.glm (r-glm-behaviour.md §6.11 item 2 and §9):
# R 4.2 always prints "Deviance Residuals: " after the call, then the residuals, then
# an empty line before "Coefficients"; R >= 4.3 prints none of it by default
# (show.residuals = FALSE).  The empty line that follows the call is printed by both
# (4.2: "\n\n" after the call; 4.3: "\n" after the call + "\nCoefficients:"), so the
# block to delete runs from the "Deviance Residuals: " line up to, and including, the
# empty line before "Coefficients:" / "No Coefficients".  `lines`: capture.output().
summary_to_r43 <- function(lines) {
  start <- match("Deviance Residuals: ", lines)
  if (is.na(start)) stop("no Deviance Residuals block in R 4.2 summary output")
  coef <- grep("^(Coefficients|No Coefficients)", lines)
  coef <- coef[coef > start][1]
  if (is.na(coef) || lines[coef - 1] != "" || lines[start - 1] != "") {
    stop("unexpected R 4.2 summary layout")
  }
  lines[-(start:(coef - 1))]
}

# ---- numbers at full precision ------------------------------------------------------
#
# jsonlite writes at most 15 significant digits, whatever `digits` says (jsonlite
# 1.8.4: digits = NA and digits = I(17) both give 0.1 + 0.2 as "0.3").  Numbers are
# therefore formatted here and passed to toJSON(..., json_verbatim = TRUE) as class
# "json" text.

# Doubles as text: by default the shortest of 15/16/17 significant digits that reads
# back to the same double, as JSON (NA -> null; NaN, Inf, -Inf -> the strings "NaN",
# "Inf", "-Inf").  digits = 17 writes "%.17g" always (fit.json, families.json,
# printing.json were made so); `na`, `nan` and `inf` give the texts of the special
# values (printing.json stores numbers as plain strings: "NA", "NaN", "Inf").
format_num <- function(x, digits = NA, na = "null", nan = '"NaN"',
                       inf = c('"Inf"', '"-Inf"')) {
  x <- as.double(x)
  if (is.na(digits)) {
    out <- sprintf("%.15g", x)
    for (d in 16:17) {
      redo <- is.finite(x) & suppressWarnings(as.numeric(out)) != x
      redo[is.na(redo)] <- FALSE
      out[redo] <- sprintf(paste0("%.", d, "g"), x[redo])
    }
  } else {
    out <- sprintf(paste0("%.", digits, "g"), x)
  }
  out[is.na(x)] <- na
  out[is.nan(x)] <- nan
  out[is.infinite(x) & x > 0] <- inf[1]
  out[is.infinite(x) & x < 0] <- inf[2]
  out
}

# A JSON array of numbers (always an array, even of length 0 or 1).
json_nums <- function(x) {
  structure(paste0("[", paste(format_num(x), collapse = ","), "]"), class = "json")
}

# A JSON number (NULL -> null).
json_num <- function(x) {
  if (length(x) == 0) return(structure("null", class = "json"))
  stopifnot(length(x) == 1)
  structure(format_num(x), class = "json")
}

# A matrix as a JSON array of its rows, each a json_nums() array (NULL -> NULL).
json_rows <- function(m) {
  if (is.null(m)) return(NULL)
  I(lapply(seq_len(nrow(m)), function(i) json_nums(m[i, ])))
}

# `obj` with every double in it (through nested lists) written by format_num(x, ...) as
# JSON text: a matrix as an array of its rows, a length-one vector without dim as a
# number, any other vector as an array.
exact_json <- function(obj, ...) {
  if (is.list(obj)) return(lapply(obj, exact_json, ...))
  if (!is.double(obj)) return(obj)
  if (is.matrix(obj)) {
    rows <- apply(obj, 1, function(r) {
      paste0("[", paste(format_num(r, ...), collapse = ","), "]")
    })
    if (nrow(obj) == 0) rows <- character()
    return(structure(paste0("[", paste(rows, collapse = ","), "]"), class = "json"))
  }
  if (length(obj) == 1 && is.null(dim(obj))) {
    return(structure(format_num(obj, ...), class = "json"))
  }
  structure(paste0("[", paste(format_num(obj, ...), collapse = ","), "]"), class = "json")
}

# An anova-like table (a data frame: anova, drop1, MASS's "Anova" tables) as
# {colnames, rownames, columns}: each column an array, numbers at full precision
# (json_nums: NA -> null), other columns as strings.
table_record <- function(tab) {
  tab <- as.data.frame(tab)
  cols <- lapply(tab, function(col) if (is.numeric(col)) json_nums(col) else I(as.character(col)))
  names(cols) <- NULL
  list(colnames = I(colnames(tab)), rownames = I(rownames(tab)), columns = cols)
}

# Write `x` as JSON: numbers made by the writers above verbatim, NA and NULL as null,
# length-one vectors unboxed; `...` overrides any of these toJSON() arguments.
write_json_file <- function(x, path, pretty = TRUE, ...) {
  args <- utils::modifyList(
    list(auto_unbox = TRUE, pretty = pretty, na = "null", null = "null",
         json_verbatim = TRUE, digits = NA),
    list(...))
  txt <- do.call(jsonlite::toJSON, c(list(x), args))
  writeLines(txt, path, useBytes = TRUE)
}

# ---- model specs --------------------------------------------------------------------

# Fit each spec (list(id, r, py)) in a new environment below `parent`, bound to its id;
# each must give a glm fit, and no id may shadow a dataset. Returns list(env, records):
# the records (id, r, py, the datasets used, warnings while fitting) are the JSON's
# `models`. Shared by make_anova.R, make_car.R and make_mass.R.
fit_model_specs <- function(models, parent, dataset_names) {
  if (any(vapply(models, `[[`, "", "id") %in% dataset_names))
    stop("a model id is a dataset name")
  env <- new.env(parent = parent)
  records <- lapply(models, function(spec) {
    res <- eval_collecting(spec$r, env)
    if (!inherits(res$value, "glm")) stop(spec$id, ": not a glm fit")
    assign(spec$id, res$value, envir = env)
    list(id = spec$id, r = spec$r, py = spec$py, data = I(datasets_used(spec$r)),
         warnings = I(res$warnings))
  })
  list(env = env, records = records)
}

# The ids of the models (specs as above) that a piece of R code uses.
models_used <- function(code, models) {
  ids <- vapply(models, `[[`, "", "id")
  ids[ids %in% all.names(parse(text = code))]
}

# The final fit a step()/stepAIC() selected: its formula, coefficients and deviance
# (make_anova.R's step cases, make_mass.R's stepAIC cases).
selected_fit_fields <- function(fit) {
  list(formula = paste(deparse(formula(fit)), collapse = "\n"),
       coef_names = I(names(coef(fit))),
       coefficients = json_nums(coef(fit)),
       deviance = json_num(deviance(fit)))
}

# step()'s `keep` matrix (NULL when no keep function was given), column by column.
keep_record <- function(keep) {
  if (is.null(keep)) return(NULL)
  list(rownames = I(rownames(keep)),
       columns = lapply(seq_len(ncol(keep)), function(j) json_nums(keep[, j])))
}
