# Read an rglm dataset back from data/<name>.csv using its data/<name>.json sidecar.
#
# Shared by make_datasets.R (to prove the files round-trip exactly) and
# make_reference.R (so that R fits exactly the data rglm's Python loader sees).

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

# ---- JSON numbers at full precision -------------------------------------------------
#
# jsonlite writes at most 15 significant digits, whatever `digits` says (jsonlite
# 1.8.4: digits = NA and digits = I(17) both give 0.1 + 0.2 as "0.3").  Numbers are
# therefore formatted here, as the shortest of 15/16/17 significant digits that reads
# back to the same double, and passed to toJSON(..., json_verbatim = TRUE) as class
# "json" text.  NA -> null; NaN, Inf, -Inf -> the strings "NaN", "Inf", "-Inf".

format_num <- function(x) {
  x <- as.double(x)
  out <- sprintf("%.15g", x)
  for (d in 16:17) {
    redo <- is.finite(x) & suppressWarnings(as.numeric(out)) != x
    redo[is.na(redo)] <- FALSE
    out[redo] <- sprintf(paste0("%.", d, "g"), x[redo])
  }
  out[is.na(x)] <- "null"
  out[is.nan(x)] <- '"NaN"'
  out[is.infinite(x) & x > 0] <- '"Inf"'
  out[is.infinite(x) & x < 0] <- '"-Inf"'
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

write_json_file <- function(x, path, pretty = TRUE) {
  txt <- jsonlite::toJSON(x, auto_unbox = TRUE, pretty = pretty, na = "null",
                          null = "null", json_verbatim = TRUE, digits = NA)
  writeLines(txt, path, useBytes = TRUE)
}
