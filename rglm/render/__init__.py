"""R's text, and tables for notebooks, from plain data — formats only, computes nothing.

What render takes: plain data — numbers, numpy arrays, pandas DataFrames and Series,
strings (R's deparsed calls and formulas, names, row labels) — and the small frozen
records it defines itself (:class:`rglm.render.tables.TablePage`,
:class:`rglm.render.coefmat.CoefmatCells`). It imports nothing above layer 2: no
fitted object, summary or test result; those collect their numbers and call render.

What render gives: ``str`` — the bytes R prints (``print.glm``, ``print.summary.glm``,
``printCoefmat``, ``print.anova``, ``print.coeftest``, ``print.infl``, MASS's printouts,
``print.default`` of vectors and matrices), the lines R writes while it works (step's
trace, glm.nb's and theta.ml's, profile's; headings such as "Analysis of Deviance Table"
that R's objects carry as strings), and markdown/HTML tables (not R output). Writing
the text anywhere is for :mod:`rglm.report` (progress, diagnostics) or the caller.

Modules:

* :mod:`~rglm.render.rformat` — R's number formatting (``formatReal``, ``round``,
  ``signif``, ``zapsmall``, ``format.pval``, ``symnum`` stars): a leaf, importable from
  anywhere;
* :mod:`~rglm.render.vector` — ``print.default`` layouts of vectors and matrices;
* :mod:`~rglm.render.coefmat` — ``printCoefmat`` in named steps (cells, then layout);
* :mod:`~rglm.render.glm`, :mod:`~rglm.render.summary` — ``print.glm``,
  ``print.summary.glm``;
* :mod:`~rglm.render.anova` — ``print.anova``, and the headings and trace lines of
  anova/drop1/add1/step;
* :mod:`~rglm.render.coeftest`, :mod:`~rglm.render.confint`,
  :mod:`~rglm.render.influence`, :mod:`~rglm.render.loglik`, :mod:`~rglm.render.negbin`
  — the other printouts;
* :mod:`~rglm.render.tables` — markdown and HTML of coefficient, anova and data-frame
  tables (the cells printCoefmat prints);
* :mod:`~rglm.render.display` — mixins giving a result object ``str``/``repr``/IPython
  display from its ``format()``, and markdown/HTML from its ``table_page()``;
* :mod:`~rglm.render.stata` — Stata's estimation tables (``fmm``'s output, ``estat
  lcprob``/``lcmean``, ``estimates stats``) from plain rows, and Stata's ``%9.0g``.

The deparser lives in :mod:`rglm.formula.deparse` (the formula layer needs it too).
"""

from rglm.render.rformat import (SIGNIF_LEGEND, format_info, format_number, format_pval,
                                 format_real, fround, signif, signif_legend, signif_stars,
                                 zapsmall)

__all__ = ["SIGNIF_LEGEND", "format_info", "format_number", "format_pval", "format_real",
           "fround", "signif", "signif_legend", "signif_stars", "zapsmall"]
