# R side of bench/run_bench.py: time glm() + summary() on the benchmark data.
#
# Usage: Rscript bench/glm_bench.R DATA FAMILY REPEATS OUT.json
#   DATA is a .csv (read with data.table::fread when installed, else read.csv) or a
#   .parquet file (arrow::read_parquet).
#   FAMILY is poisson, binomial or Gamma (log link for Gamma).
# Writes JSON: R's version, the seconds to read the data, the elapsed seconds of each
# repeat of glm() + summary() (proc.time around those two calls only), the
# coefficients (printed with 17 significant digits) and gc()'s "max used" memory.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 4L) stop("usage: glm_bench.R DATA FAMILY REPEATS OUT.json")
path <- args[1L]
family_name <- args[2L]
repeats <- as.integer(args[3L])
out <- args[4L]

reader <- if (grepl("[.]parquet$", path)) {
  "arrow::read_parquet"
} else if (requireNamespace("data.table", quietly = TRUE)) {
  "data.table::fread"
} else {
  "read.csv"
}
load_start <- proc.time()[["elapsed"]]
d <- switch(reader,
  "arrow::read_parquet" = as.data.frame(arrow::read_parquet(path)),
  "data.table::fread" = data.table::fread(path, data.table = FALSE),
  read.csv(path)
)
d$f <- factor(d$f)
load_seconds <- proc.time()[["elapsed"]] - load_start

spec <- switch(family_name,
  poisson = list(response = "y_pois", family = poisson()),
  binomial = list(response = "y_binom", family = binomial()),
  Gamma = list(response = "y_gamma", family = Gamma(link = "log")),
  stop("unknown family ", family_name)
)
covariates <- c(paste0("x", 1:15), "f")
formula <- reformulate(covariates, response = spec$response)

mb_used <- function(g) sum(g[, 2L])      # "(Mb)" next to "used"
mb_max <- function(g) sum(g[, 6L])       # "(Mb)" next to "max used"

seconds <- numeric(repeats)
peak_mb <- numeric(repeats)
for (i in seq_len(repeats)) {
  before <- mb_used(gc(reset = TRUE))
  t0 <- proc.time()[["elapsed"]]
  fit <- glm(formula, family = spec$family, data = d)
  s <- summary(fit)
  seconds[i] <- proc.time()[["elapsed"]] - t0
  peak_mb[i] <- mb_max(gc()) - before
  coefs <- coef(fit)
  rm(fit, s)
}

num <- function(x) sprintf("%.17g", x)
json <- paste0(
  "{\n",
  '  "r_version": "', R.version.string, '",\n',
  '  "reader": "', reader, '",\n',
  '  "load_seconds": ', num(load_seconds), ",\n",
  '  "seconds": [', paste(num(seconds), collapse = ", "), "],\n",
  '  "gc_peak_extra_mb": [', paste(num(peak_mb), collapse = ", "), "],\n",
  '  "coefficients": {', paste0('"', names(coefs), '": ', num(coefs), collapse = ", "), "}\n",
  "}\n"
)
writeLines(json, out)
