"""Markdown and HTML tables: rglm's own formats, holding the cells R prints.

R prints text only; ``to_markdown``/``to_html`` lay out the same cells (and the lines
around the table) as markdown and HTML. R's cells: ``tests/reference/printing.json``,
section ``tables`` (``tests/reference/make_printing.R``).
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest


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


# ---- R's cells ---------------------------------------------------------------------
#
# tests/reference/printing.json ("tables", written by make_printing.R) holds the cells R
# prints for each table, cut out of its printed lines, with the table's numbers. A table
# shows R's cells, except that NA shows blank; a cell of a number that is rounding noise
# around an exact zero (a Dobson treatment estimate, ~1e-16) has digits no arithmetic
# reproduces: it must still read as a noise-sized number.


def values(strings) -> np.ndarray:
    """R doubles as make_printing.R stores them ("%.17g" strings, "NA")."""
    return np.array([np.nan if s == "NA" else float(s) for s in strings])


def expected_rows(table) -> list[list[str]]:
    """R's rows as the table shows them: row name, cells (NA blank), stars if any."""
    stars = any(table["stars"])
    return [[name] + ["" if c == "NA" else c for c in cells] + ([star] if stars else [])
            for name, cells, star in zip(table["rownames"], table["cells"], table["stars"])]


def assert_cells(got_rows, table):
    """Rows equal to R's, noise cells compared by size only."""
    want = expected_rows(table)
    assert [r[0] for r in got_rows] == [r[0] for r in want]
    assert [len(r) for r in got_rows] == [len(r) for r in want]
    cols = [values(c) for c in table["columns"]]
    for i, (got, exp) in enumerate(zip(got_rows, want)):
        for j, col in enumerate(cols):
            scale = np.nanmax(np.abs(col))
            pvalue = table["colnames"][j].startswith("Pr(")  # tiny p-values are not noise
            if not pvalue and abs(col[i]) < 1e-10 * scale:  # noise around an exact zero
                assert abs(float(got[j + 1])) < 1e-10 * scale, (got[0], table["colnames"][j])
            else:
                assert got[j + 1] == exp[j + 1], (got[0], table["colnames"][j])
        assert got[len(cols) + 1:] == exp[len(cols) + 1:], got[0]


def header_of(table) -> list[str]:
    return [""] + table["colnames"] + ([""] if any(table["stars"]) else [])


def paragraphs(markdown: str) -> list[str]:
    """The paragraphs around the table (the table itself as "<table>")."""
    return ["<table>" if p.startswith("|") else p for p in markdown.rstrip("\n").split("\n\n")]


def md_escaped(text: str) -> str:
    return text.replace("*", "\\*")


summaries = pytest.mark.r_cases("printing", lambda ref: ref["tables"]["summaries"])


@summaries
def test_summary_markdown_is_rs_table(case, r_fit):
    s = r_fit(case["py"], ["dobson", "mtcars"]).value
    md = s.to_markdown()
    rows = pipe_rows(md)
    assert rows[0] == header_of(case)
    assert_cells(rows[1:], case)
    legend = ["Signif. codes:  " + md_escaped(case["legend"])] if any(case["stars"]) else []
    assert paragraphs(md) == ["Call: `%s`" % case["call"], case["heading"], "<table>",
                              *legend, *case["footer"]]
    assert "NaN" not in md and "nan" not in md


@summaries
def test_summary_html_is_rs_table(case, r_fit):
    s = r_fit(case["py"], ["dobson", "mtcars"]).value
    text = s._repr_html_()
    assert text.startswith('<div class="rglm-table">')
    cells = html_cells(text)
    assert cells.rows[0] == header_of(case)
    assert_cells(cells.rows[1:], case)
    legend = ["Signif. codes:  " + case["legend"]] if any(case["stars"]) else []
    assert cells.paragraphs == ["Call: " + case["call"], case["heading"], *legend,
                                *case["footer"]]
    assert "Pr(&gt;|" in text  # escaped


@summaries
def test_floatfmt_overrides_r_digits(case, r_fit):
    s = r_fit(case["py"], ["dobson", "mtcars"]).value
    rows = pipe_rows(s.to_markdown(floatfmt=".2f"))[1:]
    for j, col in enumerate(case["columns"][:3]):
        col = values(col)
        scale = np.nanmax(np.abs(col))
        for row, v in zip(rows, col):
            if np.isnan(v):
                assert row[j + 1] == ""
            elif abs(v) >= 1e-10 * scale:  # a noise value's sign is not R's
                assert row[j + 1] == format(v, ".2f")


# ---- CoefTest -------------------------------------------------------------------------


def test_coeftest_tables_are_rs_table(reference, r_fit, r_eval):
    from rglm.inference.tables import to_html, to_markdown

    case = reference("printing")["tables"]["coeftest"]
    fit = r_fit(case["fit_py"], ["dobson"]).value
    ct = r_eval(case["py"], bindings={"fit": fit}).value
    md = to_markdown(ct)
    assert paragraphs(md) == [case["method"], "<table>",
                              "Signif. codes:  " + md_escaped(case["legend"])]
    rows = pipe_rows(md)
    assert rows[0] == header_of(case)
    assert_cells(rows[1:], case)
    cells = html_cells(to_html(ct))
    assert cells.rows[0] == header_of(case)
    assert_cells(cells.rows[1:], case)


def test_no_stars_column_without_small_p_values(dataset):
    from rglm.inference.tables import to_markdown
    from rglm.inference.coeftest import coeftest

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
def anova_case(reference):
    return reference("printing")["tables"]["anova"]


@pytest.fixture
def anova_like(anova_case):
    """An object with R's anova table and heading (anything with `table` and `heading`)."""
    table = pd.DataFrame({name: values(col) for name, col in
                          zip(anova_case["colnames"], anova_case["columns"])},
                         index=anova_case["rownames"])
    return FakeAnova(table, tuple(anova_case["heading"]))


def test_anova_markdown(anova_like, anova_case):
    from rglm.inference.tables import to_markdown

    md = to_markdown(anova_like)
    rows = pipe_rows(md)
    assert rows[0] == header_of(anova_case)
    assert_cells(rows[1:], anova_case)
    assert paragraphs(md) == [*anova_case["heading_lines"], "<table>",
                              "Signif. codes:  " + md_escaped(anova_case["legend"])]


def test_anova_html_escapes_and_blanks(anova_like, anova_case):
    from rglm.inference.tables import to_html

    text = to_html(anova_like)
    cells = html_cells(text)
    assert cells.paragraphs == [*anova_case["heading_lines"],
                                "Signif. codes:  " + anova_case["legend"]]
    assert cells.rows[0] == header_of(anova_case)
    assert_cells(cells.rows[1:], anova_case)
    assert "Pr(&gt;Chi)" in text
    assert "nan" not in text.lower()


def test_data_frame_columns_are_formatted_as_r_formats_them(reference):
    from rglm.inference.tables import to_markdown

    case = reference("printing")["tables"]["frame"]
    frame = pd.DataFrame({name: values(col) for name, col in
                          zip(case["colnames"], case["columns"])}, index=case["rownames"])
    md = to_markdown(frame)
    assert "a\\|b" in md and "x\\|y" in md  # pipes in names are escaped
    rows = pipe_rows(md)
    assert rows[0] == [""] + case["colnames"]
    assert rows[1:] == [[name] + cells for name, cells in zip(case["rownames"], case["cells"])]


def test_unsupported_object_is_a_type_error():
    from rglm.inference.tables import to_markdown

    with pytest.raises(TypeError):
        to_markdown(42)


# ---- the same cells as printCoefmat -------------------------------------------------------
#
# The coefficient and anova tables lay out printCoefmat's own cells (rglm.render.coefmat's
# steps): for every R printCoefmat case with R's default column roles (coefficient
# tables) or print.anova's roles (anova tables) in printing.json ("coefmat"), the table's
# cells are R's printed cells, NA and NaN blank.


def printed_cells(out: str, rownames: list, colnames: list) -> list[list[str]]:
    """R's printed table cut into cells (as make_printing.R's table_cells): a column ends
    where its right-aligned name ends in the header; the stars follow the last column."""
    lines = out.split("\n")
    header, rows = lines[0], lines[1:1 + len(rownames)]
    pos = max(len(r) for r in rownames)
    ends = []
    for name in colnames:
        pos = header.index(name, pos) + len(name)
        ends.append(pos)
    starts = [max(len(r) for r in rownames)] + ends[:-1]
    cells = []
    for name, row in zip(rownames, rows):
        shown = [row[s:e].strip() for s, e in zip(starts, ends)]
        cells.append([name] + ["" if c in ("NA", "NaN") else c for c in shown]
                     + ([row[pos:].strip()] if len(row) > pos else []))
    return cells


def coefmat_frame(case) -> pd.DataFrame:
    rows = case["x"] if case["nrow"] > 1 else [case["x"]]
    x = [[np.nan if s in ("NA", "NaN") else float(s) for s in row] for row in rows]
    return pd.DataFrame(x, index=case["rownames"], columns=case["colnames"])


def _default_roles(case) -> bool:
    return (not case["cs_ind"]["given"] and not case["tst_ind"]["given"]
            and case["zap_ind"] is None and case["p_values"] is None
            and case["dig_tst"] is None)


def _anova_roles(case) -> bool:
    return case["na_print"] == "" and case["cs_ind"] == {"given": True, "v": None}


@pytest.mark.r_cases("printing", lambda ref: {str(i): c for i, c in enumerate(ref["coefmat"])},
                     where=_default_roles)
def test_coefficient_table_cells_are_printcoefmats(case):
    from rglm.render.tables import coef_page

    page = coef_page(coefmat_frame(case), digits=case["digits"] or 5,
                     signif_stars=case["signif_stars"])
    want = printed_cells(case["out"], case["rownames"], case["colnames"])
    assert [list(r) for r in page.rows] == [r + [""] * (len(page.header) - len(r))
                                            for r in want]


@pytest.mark.r_cases("printing", lambda ref: {str(i): c for i, c in enumerate(ref["coefmat"])},
                     where=_anova_roles)
def test_anova_table_cells_are_print_anovas(case):
    from rglm.render.anova import anova_column_roles
    from rglm.render.tables import anova_page

    has_p, tst, zap = anova_column_roles(case["colnames"])
    assert (has_p, tst, zap) == (case["has_pvalue"], case["tst_ind"]["v"], case["zap_ind"])
    page = anova_page(coefmat_frame(case), digits=case["digits"])
    want = printed_cells(case["out"], case["rownames"], case["colnames"])
    assert [list(r) for r in page.rows] == [r + [""] * (len(page.header) - len(r))
                                            for r in want]
