"""R's text: number formatting, vectors and matrices, printCoefmat, print.glm and
print.summary.glm — formats only, computes nothing (docs/architecture.md).

The deparser lives in :mod:`rglm.formula.deparse` (the formula layer needs it too).
"""

from rglm.render.rformat import (SIGNIF_LEGEND, format_info, format_number, format_pval,
                                   format_real, fround, signif, signif_legend, signif_stars,
                                   zapsmall)

__all__ = ["SIGNIF_LEGEND", "format_info", "format_number", "format_pval", "format_real",
           "fround", "signif", "signif_legend", "signif_stars", "zapsmall"]
