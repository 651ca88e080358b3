"""Markdown and HTML tables (rglm's own formats: structure and values, not R text)."""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def dobson_fit(dataset):
    import rglm

    return rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(),
                    data=dataset("dobson"))


@pytest.fixture(scope="module")
def aliased_fit(dataset):
    import rglm

    return rglm.glm("carb ~ wt + I(2 * wt)", family=rglm.poisson, data=dataset("mtcars"))


def pipe_rows(markdown: str) -> list[list[str]]:
    """The cells of the pipe table in a markdown text (the separator line dropped)."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|") and not re.fullmatch(r"[|:\- ]+", line):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


class _Cells(html.parser.HTMLParser):
    """Collect the text of <th>/<td> cells, row by row, and of <p> elements."""

    def __init__(self):
        super().__init__()
        self.rows, self.paragraphs, self._cell, self._p = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "p":
            self._p = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "p":
            self.paragraphs.append(self._p)
            self._p = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._p is not None:
            self._p += data


def html_cells(text: str) -> _Cells:
    parser = _Cells()
    parser.feed(text)
    return parser


# ---- GLMSummary -----------------------------------------------------------------------


def test_summary_markdown_rows_and_values(dobson_fit):
    import rglm

    s = rglm.summary(dobson_fit)
    md = s.to_markdown()
    rows = pipe_rows(md)
    assert rows[0] == ["", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""]
    assert [r[0] for r in rows[1:]] == list(dobson_fit.coefficients.index)
    intercept = rows[1]
    # R's summary prints 3.045e+00 / 1.709e-01 here (noise-sized treatment estimates
    # force scientific notation); the table rounds to the same 4 significant digits
    assert float(intercept[1]) == pytest.approx(3.045, abs=5e-4)
    assert float(intercept[2]) == pytest.approx(0.1709, abs=5e-5)
    assert intercept[4] == "<2e-16" and intercept[5] == "***"
    assert rows[2][5] == "*"
    assert "Call: `glm(formula = counts ~ outcome + treatment, family = poisson()," in md
    assert "(Dispersion parameter for poisson family taken to be 1)" in md
    assert "Null deviance: 10.5814 on 8 degrees of freedom" in md
    assert "Residual deviance: 5.1291 on 4 degrees of freedom" in md
    assert "AIC: 56.761" in md
    assert "Signif. codes:  0 ‘\\*\\*\\*’ 0.001" in md


def test_summary_aliased_row_is_blank(aliased_fit):
    import rglm

    md = rglm.summary(aliased_fit).to_markdown()
    rows = {r[0]: r for r in pipe_rows(md)}
    assert rows["I(2 * wt)"][1:] == ["", "", "", "", ""]
    assert "Coefficients: (1 not defined because of singularities)" in md
    assert "NaN" not in md


def test_summary_html(dobson_fit):
    import rglm

    text = rglm.summary(dobson_fit)._repr_html_()
    cells = html_cells(text)
    assert cells.rows[0] == ["", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""]
    assert cells.rows[2][0] == "outcome2" and cells.rows[2][4] == "0.0246"
    assert "Pr(&gt;|z|)" in text  # escaped
    assert "AIC: 56.761" in cells.paragraphs
    assert text.startswith('<div class="rglm-table">')


def test_floatfmt_overrides_r_digits(dobson_fit):
    import rglm

    rows = pipe_rows(rglm.summary(dobson_fit).to_markdown(floatfmt=".2f"))
    assert rows[1][1:4] == ["3.04", "0.17", "17.81"]


def test_quasi_family_has_t_columns_and_na_aic(dataset):
    import rglm

    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.quasipoisson(),
                   data=dataset("dobson"))
    md = rglm.summary(fit).to_markdown()
    assert pipe_rows(md)[0][3:5] == ["t value", "Pr(>|t|)"]
    assert "AIC: NA" in md
    assert "(Dispersion parameter for quasipoisson family taken to be 1.2933)" in md


# ---- CoefTest -------------------------------------------------------------------------


def test_coeftest_tables_match_its_values(dobson_fit):
    from rglm.printing.tables import to_html, to_markdown
    from rglm.results.coeftest import coeftest
    from rglm.results.sandwich import vcovHC

    ct = coeftest(dobson_fit, vcov=vcovHC(dobson_fit, type="HC0"))
    md = to_markdown(ct)
    assert md.startswith("z test of coefficients:")
    rows = pipe_rows(md)
    assert len(rows) == 1 + len(ct.table)
    for row, (name, values) in zip(rows[1:], ct.table.iterrows()):
        assert row[0] == name
        assert float(row[3]) == pytest.approx(values["z value"], abs=5e-5)
    cells = html_cells(to_html(ct))
    assert [r[0] for r in cells.rows[1:]] == list(ct.table.index)


def test_no_stars_column_without_small_p_values(dataset):
    from rglm.printing.tables import to_markdown
    from rglm.results.coeftest import coeftest

    import rglm

    fit = rglm.glm("counts ~ treatment", family=rglm.poisson(), data=dataset("dobson"))
    ct = coeftest(fit)
    ct_big = type(ct)(table=ct.table.iloc[1:], method=ct.method, df=ct.df,
                      na=ct.na[1:])
    md = to_markdown(ct_big)
    assert pipe_rows(md)[0] == ["", "Estimate", "Std. Error", "z value", "Pr(>|z|)"]
    assert "Signif. codes" not in md
    assert "Signif. codes" not in to_markdown(ct, signif_stars=False)


# ---- anova-like objects and data frames ---------------------------------------------------


@dataclass(frozen=True)
class FakeAnova:
    table: pd.DataFrame
    heading: tuple


@pytest.fixture
def anova_like():
    table = pd.DataFrame({"Df": [np.nan, 2.0, 2.0], "Deviance": [np.nan, 5.452305, 2.6e-15],
                          "Resid. Df": [8.0, 6.0, 4.0],
                          "Resid. Dev": [10.58145, 5.129141, 5.129141],
                          "Pr(>Chi)": [np.nan, 0.06547, 1.0]},
                         index=["NULL", "outcome", "treatment"])
    return FakeAnova(table, ("Analysis of Deviance Table\n\nModel: poisson, link: log\n",
                             "Response: counts\n"))


def test_anova_markdown(anova_like):
    from rglm.printing.tables import to_markdown

    md = to_markdown(anova_like)
    rows = pipe_rows(md)
    assert rows[0] == ["", "Df", "Deviance", "Resid. Df", "Resid. Dev", "Pr(>Chi)", ""]
    assert rows[1][:4] == ["NULL", "", "", "8"] and rows[1][5:] == ["", ""]
    assert float(rows[1][4]) == pytest.approx(10.58145, abs=1e-4)
    assert rows[2][1] == "2" and rows[2][5] == "0.06547" and rows[2][6] == "."
    paragraphs = md.split("\n\n")
    assert paragraphs[:3] == ["Analysis of Deviance Table", "Model: poisson, link: log",
                              "Response: counts"]


def test_anova_html_escapes_and_blanks(anova_like):
    from rglm.printing.tables import to_html

    text = to_html(anova_like)
    cells = html_cells(text)
    assert cells.paragraphs[:3] == ["Analysis of Deviance Table",
                                    "Model: poisson, link: log", "Response: counts"]
    assert cells.rows[1][:3] == ["NULL", "", ""]
    assert "Pr(&gt;Chi)" in text
    assert "nan" not in text.lower()


def test_pipes_in_names_are_escaped():
    from rglm.printing.tables import to_markdown

    frame = pd.DataFrame({"a|b": [1.5, 2.25]}, index=["x|y", "z"])
    md = to_markdown(frame)
    assert "a\\|b" in md and "x\\|y" in md
    assert pipe_rows(md)[1] == ["x|y", "1.50"]


def test_unsupported_object_is_a_type_error():
    from rglm.printing.tables import to_markdown

    with pytest.raises(TypeError):
        to_markdown(42)
