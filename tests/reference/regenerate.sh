#!/usr/bin/env bash
# Regenerate every R reference file: data/ first (make_datasets.R), since the other
# scripts read the datasets back from data/*.csv, then every other
# tests/reference/make_*.R in alphabetical order.
#
# Usage (from anywhere):  tests/reference/regenerate.sh
# Needs Rscript with jsonlite, MASS, lme4, sandwich, lmtest, statmod, car, broom,
# broom.mixed, lattice and ordinal.  The UTF-8 locale makes sQuote() print
# R's curly quotes, as an R user sees them.
# make_datasets.R also needs mlmRev (Contraception, for make_mixed.R).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export LC_ALL=C.UTF-8

echo "== tests/reference/make_datasets.R"
Rscript tests/reference/make_datasets.R

for script in tests/reference/make_*.R; do
    [ "$script" = "tests/reference/make_datasets.R" ] && continue
    echo "== $script"
    Rscript "$script"
done
