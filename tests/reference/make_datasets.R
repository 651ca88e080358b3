# Write the datasets shipped with rglm: data/<name>.csv + data/<name>.json.
#
# Run from the repository root:
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_datasets.R
#
# CSV: one column per variable, header = R's column names (e.g. "Solar.R"), no row
# names.  Doubles are written with the fewest of 15/16/17 significant digits that read
# back identically (so "2.62", not "2.6200000000000001"); integers as integers; factors
# and characters as their labels in double quotes; logicals as TRUE/FALSE; NA as an
# empty field.
#
# JSON sidecar: name, title, source, nrow, columns (name, type, levels, ordered) and,
# only when the row names are meaningful (not 1..n), row_names.
#
# tests/datasets/dataset_checks.json: every numeric value as a C99 hex float ("%a"),
# column sums and a few sample values, so the Python side can check an exact round
# trip without trusting any decimal parser.
#
# The script reads every file back (read_rglm_dataset() in common.R, shared with
# make_reference.R)
# and stops unless the result is identical() to the original data frame.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(lme4)
})

source(file.path("tests", "reference", "common.R"))

data_dir <- "data"
checks_file <- file.path("tests", "datasets", "dataset_checks.json")
dir.create(data_dir, showWarnings = FALSE)

# ---- the ?glm example data (help(glm), "Examples") ---------------------------------

dobson <- data.frame(
  counts = c(18, 17, 15, 20, 10, 20, 25, 13, 12),
  outcome = gl(3, 1, 9),
  treatment = gl(3, 3)
)
budworm <- data.frame(
  ldose = rep(0:5, 2),
  numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
  sex = factor(rep(c("M", "F"), c(6, 6)))
)
budworm$numalive <- 20 - budworm$numdead
budworm <- budworm[c("ldose", "numdead", "numalive", "sex")]
clotting <- data.frame(
  u = c(5, 10, 15, 20, 30, 40, 60, 80, 100),
  lot1 = c(118, 58, 42, 35, 27, 25, 21, 19, 18),
  lot2 = c(69, 35, 26, 21, 18, 16, 13, 12, 12)
)

local_meta <- list(
  dobson = list(
    title = "Dobson's Randomized Controlled Trial (counts by outcome and treatment)",
    source = paste("Dobson, A. J. (1990) An Introduction to Generalized Linear Models.",
                   "London: Chapman and Hall, page 93. Data as in the examples of",
                   "help(glm) in R's stats package.")
  ),
  budworm = list(
    title = "Tobacco Budworm Dose-Response Experiment",
    source = paste("Venables, W. N. and Ripley, B. D. (2002) Modern Applied Statistics",
                   "with S. Fourth edition. Springer, section 7.2. Data as in the",
                   "examples of help(glm) in R's stats package.")
  ),
  clotting = list(
    title = "Blood Clotting Times for Two Lots of Thromboplastin",
    source = paste("McCullagh, P. and Nelder, J. A. (1989) Generalized Linear Models.",
                   "London: Chapman and Hall, pages 300-302. Data as in the examples",
                   "of help(glm) in R's stats package.")
  )
)

# ---- simulated data ----------------------------------------------------------------

# nbcounts: negative binomial counts above a known background, mu = background + 0.8
# dose + site effect (theta = 6): the test data of glm.nb with link = identity and an
# offset (tests/reference/make_negbin_generics.R).  The background is large next to the
# effects, so that every submodel's identity-link fit keeps its means positive.
nbcounts <- local({
  set.seed(20240607, kind = "Mersenne-Twister", normal.kind = "Inversion",
           sample.kind = "Rejection")
  n <- 120
  site <- factor(rep(c("A", "B", "C"), each = n / 3))
  batch <- factor(rep(c("b1", "b2"), times = n / 2))
  dose <- round(runif(n, 0, 10), 1)
  background <- round(runif(n, 10, 20), 1)
  mu <- background + 0.8 * dose + c(0, 2, 5)[as.integer(site)]
  y <- as.integer(rnbinom(n, mu = mu, size = 6))
  data.frame(y = y, dose = dose, site = site, batch = batch, background = background)
})
local_meta$nbcounts <- list(
  title = "Simulated Negative Binomial Counts above a Known Background",
  source = paste("Simulated by tests/reference/make_datasets.R (set.seed(20240607),",
                 "runif, rnbinom(size = 6)): y ~ NB(mu = background + 0.8 * dose +",
                 "c(0, 2, 5)[site], theta = 6); batch has no effect.")
)

# name -> package of the R help page the title/source come from
packaged <- c(
  anorexia = "MASS", esoph = "datasets", infert = "datasets",
  warpbreaks = "datasets", mtcars = "datasets", airquality = "datasets",
  InsectSprays = "datasets", ToothGrowth = "datasets", PlantGrowth = "datasets",
  Insurance = "MASS", quine = "MASS", ships = "MASS", cbpp = "lme4",
  birthwt = "MASS", menarche = "MASS",
  housing = "MASS"  # MASS's ch07.R (tests/reference/make_ch07.R)
)
# lme4's and mlmRev's data for the mixed-model references (make_mixed.R)
packaged <- c(packaged,
  grouseticks = "lme4", Dyestuff = "lme4", Penicillin = "lme4",
  Pastes = "lme4", VerbAgg = "lme4", Arabidopsis = "lme4"
)

# ---- help-page text ----------------------------------------------------------------

# Flatten an Rd fragment to plain text: keep the text leaves, drop the markup
# (\emph{x} -> x) and Rd comments, squash white space.  Good enough for titles and references.
rd_text <- function(x) {
  if (is.null(x)) return("")
  leaves <- unlist(lapply(x, function(e) {
    if (identical(attr(e, "Rd_tag"), "COMMENT")) return("")  # Rd "% ..." comments
    if (is.list(e)) rd_text(e) else as.character(e)
  }))
  txt <- paste(leaves, collapse = "")
  txt <- gsub("[[:space:]]+", " ", txt)
  trimws(txt)
}

rd_meta <- function(name, package) {
  db <- tools::Rd_db(package)
  rd <- db[[paste0(name, ".Rd")]]
  if (is.null(rd)) stop("no help page for ", name, " in ", package)
  list(
    title = rd_text(tools:::.Rd_get_section(rd, "title")),
    source = rd_text(tools:::.Rd_get_section(rd, "source"))
  )
}

# ---- writing ------------------------------------------------------------------------

# Shortest decimal (15, 16 or 17 significant digits) that R reads back to the same
# double (format_num() in common.R); "%.17g" always would, the shorter forms keep the
# CSV readable.  The CSV spells the special values without JSON's quotes.
format_double <- function(x) {
  out <- format_num(x)
  out[is.na(x) & !is.nan(x)] <- ""
  out[is.nan(x)] <- "NaN"
  out[is.infinite(x)] <- ifelse(x[is.infinite(x)] > 0, "Inf", "-Inf")
  out
}

quote_label <- function(x) {
  ifelse(is.na(x), "", paste0('"', gsub('"', '""', x, fixed = TRUE), '"'))
}

column_text <- function(x) {
  if (is.factor(x)) return(quote_label(as.character(x)))
  if (is.character(x)) return(quote_label(x))
  if (is.logical(x)) return(ifelse(is.na(x), "", ifelse(x, "TRUE", "FALSE")))
  if (is.integer(x)) return(ifelse(is.na(x), "", as.character(x)))
  if (is.double(x)) return(format_double(x))
  stop("unsupported column class: ", paste(class(x), collapse = "/"))
}

column_meta <- function(name, x) {
  if (is.factor(x)) {
    return(list(name = name, type = "factor", levels = I(levels(x)),
                ordered = is.ordered(x)))
  }
  type <- if (is.logical(x)) "logical" else if (is.integer(x)) "integer"
          else if (is.double(x)) "numeric" else if (is.character(x)) "character"
          else stop("unsupported column class")
  list(name = name, type = type)
}

has_real_row_names <- function(df) {
  !identical(rownames(df), as.character(seq_len(nrow(df))))
}

write_dataset <- function(name, df, meta) {
  # Plain data.frame: drops tibble/other classes and any "terms"-like attributes.
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  cols <- lapply(df, column_text)
  header <- paste0('"', names(df), '"', collapse = ",")
  body <- do.call(paste, c(cols, sep = ","))
  writeLines(c(header, body), file.path(data_dir, paste0(name, ".csv")), useBytes = TRUE)

  sidecar <- list(
    name = name,
    title = meta$title,
    source = meta$source,
    nrow = nrow(df),
    columns = unname(Map(column_meta, names(df), df))
  )
  if (has_real_row_names(df)) sidecar$row_names <- rownames(df)
  writeLines(toJSON(sidecar, auto_unbox = TRUE, pretty = TRUE, digits = NA),
             file.path(data_dir, paste0(name, ".json")), useBytes = TRUE)
  df
}

# Exact values for the Python round-trip test.
hexfloat <- function(x) ifelse(is.na(x), NA_character_, sprintf("%a", as.double(x)))

dataset_checks <- function(df) {
  num <- names(df)[vapply(df, is.numeric, logical(1))]
  list(
    nrow = nrow(df),
    hex = lapply(df[num], hexfloat),
    sums = lapply(df[num], function(x) json_num(sum(as.double(x), na.rm = TRUE))),
    n_na = lapply(df, function(x) sum(is.na(x))),
    first_row = lapply(df, function(x) {
      if (is.numeric(x)) json_num(x[1]) else as.character(x[1])
    }),
    level_counts = lapply(df[vapply(df, is.factor, logical(1))],
                          function(x) as.list(table(x, useNA = "no")))
  )
}

# ---- main ---------------------------------------------------------------------------

all_data <- list(dobson = dobson, budworm = budworm, clotting = clotting)
all_data$nbcounts <- nbcounts
metas <- local_meta
for (nm in names(packaged)) {
  e <- new.env()
  utils::data(list = nm, package = packaged[[nm]], envir = e)
  all_data[[nm]] <- e[[nm]]
  metas[[nm]] <- rd_meta(nm, packaged[[nm]])
}
# A subset of InstEval and simulated data for the mixed-model references
# (tests/reference/mixed_datasets.R; make_mixed.R)
source(file.path("tests", "reference", "mixed_datasets.R"))
mixed <- mixed_datasets(rd_meta, rd_text)
all_data[names(mixed)] <- lapply(mixed, `[[`, "data")
metas[names(mixed)] <- lapply(mixed, `[[`, "meta")
# flexmix's and AER's data and simulated mixtures for the finite-mixture references
# (tests/reference/fmm_datasets.R; make_fmm.R)
source(file.path("tests", "reference", "fmm_datasets.R"))
fmm <- fmm_datasets(rd_meta)
all_data[names(fmm)] <- lapply(fmm, `[[`, "data")
metas[names(fmm)] <- lapply(fmm, `[[`, "meta")

checks <- list()
for (nm in names(all_data)) {
  df <- write_dataset(nm, all_data[[nm]], metas[[nm]])
  back <- read_rglm_dataset(nm, data_dir)
  if (!identical(back, df)) {
    print(all.equal(back, df))
    stop("round trip through data/", nm, ".csv is not exact")
  }
  checks[[nm]] <- dataset_checks(df)
}

dir.create(dirname(checks_file), showWarnings = FALSE, recursive = TRUE)
write_json_file(checks, checks_file, pretty = FALSE)
cat("wrote", length(all_data), "datasets to", data_dir, "and", checks_file, "\n")
