"""Every printable result shows in a notebook as a table: ``_repr_html_()`` and
``to_markdown()`` lay out the cells of what ``print()`` shows, and ``print()`` stays R's
(or Stata's) text.

The walk below holds a representative object of every kind rglm prints. For each, the
numbers the object holds (its coefficients, its table, its margins: read from the object,
never typed here) must appear among the table's cells, to the digits R prints; the HTML
and the markdown must hold the same cells; and the plain text must be the object's
``format()``, R's printout, which other tests compare with R. Not R output: R prints
text only (:mod:`rglm.render.tables`).
"""

from __future__ import annotations

import html.parser
import re
import warnings

import numpy as np
import pandas as pd
import pytest


# ---- reading the layouts back ------------------------------------------------------------


class _Cells(html.parser.HTMLParser):
    """The text of the <th>/<td> cells of every <table>, row by row."""

    def __init__(self):
        super().__init__()
        self.rows, self.tables, self._cell = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def html_rows(text: str) -> tuple[list, int]:
    parser = _Cells()
    parser.feed(text)
    parser.close()
    return parser.rows, parser.tables


def markdown_rows(text: str) -> tuple[list, int]:
    """The cells of the pipe tables (separator lines dropped) and how many tables."""
    rows, tables, inside = [], 0, False
    for line in text.splitlines():
        if line.startswith("|"):
            if re.fullmatch(r"[|:\- ]+", line):
                continue
            tables += not inside
            inside = True
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            rows.append([c.strip().replace("\\|", "|").replace("\\*", "*") for c in cells])
        else:
            inside = False
    return rows, tables


def _number(cell: str):
    """A cell as a number (R's ``1.2e-05``, Stata's ``-.0285952``), or None."""
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


def numbers_in(rows: list) -> np.ndarray:
    found = [_number(c) for r in rows for c in r]
    return np.array([v for v in found if v is not None], dtype=float)


def printed_among(expected, cells: np.ndarray, rel: float) -> list:
    """The expected numbers that no cell shows to ``rel`` relative precision (values
    within 1e-6 of 0 are skipped: rounding noise prints with any digits)."""
    missing = []
    for x in np.asarray(expected, dtype=float).ravel():
        if not np.isfinite(x) or abs(x) < 1e-6:
            continue
        if not np.any(np.abs(cells - x) <= rel * abs(x)):
            missing.append(x)
    return missing


# ---- the objects ---------------------------------------------------------------------------


def _numeric(frame: pd.DataFrame, skip=("Pr(", "P(", "p-v", "Df", "df")) -> np.ndarray:
    cols = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not str(c).strip().startswith(skip)]
    return frame[cols].to_numpy(dtype=float, na_value=np.nan)


def _sds(vc: pd.DataFrame) -> pd.Series:
    return vc.loc[vc["var2"].isna(), "sdcor"]


@pytest.fixture(scope="module")
def shown(dataset):
    """name -> (object, the numbers its table shows, relative precision of its cells)."""
    import rglm

    dobson, quine, budworm = dataset("dobson"), dataset("quine"), dataset("budworm")
    cbpp, sleep, fmmsim = dataset("cbpp"), dataset("sleepstudy"), dataset("fmmsim")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
        small = rglm.glm("counts ~ outcome", family=rglm.poisson(), data=dobson)
        bud = rglm.glm("cbind(numdead, numalive) ~ sex + ldose", family=rglm.binomial(),
                       data=budworm)
        bud1 = rglm.glm("cbind(numdead, numalive) ~ ldose", family=rglm.binomial(),
                        data=budworm)
        nb1 = rglm.glm_nb("Days ~ Sex", data=quine)
        nb2 = rglm.glm_nb("Days ~ Sex + Eth", data=quine)
        big = rglm.bigglm("counts ~ outcome + treatment", data=dobson, family=rglm.poisson())
        gm0 = rglm.glmer("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", data=cbpp,
                         family=rglm.binomial())
        gm = rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                        data=cbpp, family=rglm.binomial())
        lm = rglm.lmer("Reaction ~ Days + (Days | Subject)", data=sleep)
        fm = rglm.fmm("y_pois ~ x", fmmsim, 2, family="poisson")
        sel = rglm.fmm_select("y_pois ~ x", fmmsim, ks=(1, 2), family="poisson", seed=1)
        step = rglm.step(bud, trace=0)
        step_aic = rglm.stepAIC(nb2, trace=0)
    tab = lambda a: _numeric(a.table)  # noqa: E731
    objects = {
        "glm": (fit, fit.coefficients, 6e-3),  # print.glm: 4 digits
        "summary.glm": (rglm.summary(fit), rglm.summary(fit).coefficients.iloc[:, :2], 6e-4),
        "anova": (rglm.anova(fit, test="Chisq"), None, 6e-5),
        "anova(m1, m2)": (rglm.anova(small, fit, test="Chisq"), None, 6e-5),
        "drop1": (rglm.drop1(bud, test="Chisq"), None, 6e-5),
        "add1": (rglm.add1(small, "~ . + treatment", test="Chisq"), None, 6e-5),
        "step": (step, step.coefficients, 6e-3),
        "influence.measures": (rglm.influence_measures(fit),
                               rglm.influence_measures(fit).infmat, 6e-3),
        "coeftest": (rglm.coeftest(fit), rglm.coeftest(fit).table.iloc[:, :2], 6e-5),
        "confint": (rglm.confint(bud), rglm.confint(bud), 6e-7),
        "confint.default": (rglm.confint_default(fit), rglm.confint_default(fit), 6e-7),
        "coef": (rglm.coef(fit), rglm.coef(fit), 6e-7),
        "vcov": (rglm.vcov(fit), rglm.vcov(fit), 6e-7),
        "glm.nb": (nb2, nb2.coefficients, 6e-3),
        "summary.negbin": (rglm.summary(nb2), rglm.summary(nb2).coefficients.iloc[:, :2],
                           6e-4),
        "anova.negbin": (rglm.anova(nb1, nb2), None, 6e-5),
        "bigglm": (big, big.coefficients, 6e-3),
        "summary.bigglm": (rglm.summary(big), rglm.summary(big).coefficients.iloc[:, :2],
                           6e-4),
        "Anova": (rglm.Anova(bud), None, 6e-5),
        "linearHypothesis": (rglm.linearHypothesis(fit, ["outcome2 = 0"]), None, 6e-5),
        "dropterm": (rglm.dropterm(bud, test="Chisq"), None, 6e-5),
        "stepAIC": (step_aic, step_aic.coefficients, 6e-3),
        "dose.p": (rglm.dose_p(bud1, p=[0.25, 0.5]),
                   rglm.dose_p(bud1, p=[0.25, 0.5]).to_frame(), 6e-7),
        "glmer": (gm, rglm.fixef(gm), 6e-4),
        "lmer": (lm, rglm.fixef(lm), 6e-4),
        "summary.merMod": (rglm.summary(gm), rglm.summary(gm).coefficients.iloc[:, :2],
                           6e-4),
        "anova.merMod": (rglm.anova(gm0, gm), None, 6e-5),
        # standard deviations (correlations print with 2 digits fewer)
        "VarCorr": (rglm.VarCorr(lm), _sds(rglm.VarCorr(lm).as_data_frame()), 6e-5),
        "ranef": (rglm.ranef(gm), rglm.ranef(gm).frames[0][1], 6e-7),
        "coef.merMod": (rglm.coef(gm), rglm.coef(gm).frames[0][1], 6e-7),
        "icc": (rglm.icc(lm), None, 6e-5),
        "fmm": (fm, fm.coefficients, 6e-7),  # Stata's %9.0g: 7 digits
        "summary.fmm": (rglm.summary(fm), fm.coefficients, 6e-7),
        "estat lcprob": (rglm.lcprob(fm), rglm.lcprob(fm).table["Margin"], 6e-7),
        "estat lcmean": (rglm.lcmean(fm), rglm.lcmean(fm).table["Margin"], 6e-7),
        "fmm_select": (sel, sel.table[["AIC", "BIC"]], 6e-7),
    }
    out = {}
    for name, (obj, expected, rel) in objects.items():
        if expected is None:  # an analysis-of-deviance record: its table's numbers
            expected = tab(obj)
        elif isinstance(expected, (pd.Series, pd.DataFrame)):
            expected = expected.to_numpy(dtype=float, na_value=np.nan)
        out[name] = (obj, expected, rel)
    return out


NAMES = ["glm", "summary.glm", "anova", "anova(m1, m2)", "drop1", "add1", "step",
         "influence.measures", "coeftest", "confint", "confint.default", "coef", "vcov",
         "glm.nb", "summary.negbin", "anova.negbin", "bigglm", "summary.bigglm", "Anova",
         "linearHypothesis", "dropterm", "stepAIC", "dose.p", "glmer", "lmer",
         "summary.merMod", "anova.merMod", "VarCorr", "ranef", "coef.merMod", "icc", "fmm",
         "summary.fmm", "estat lcprob", "estat lcmean", "fmm_select"]


def test_the_walk_covers_every_kind(shown):
    assert sorted(shown) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_html_is_a_table_of_the_printed_numbers(shown, name):
    obj, expected, rel = shown[name]
    text = obj._repr_html_()
    assert text.startswith('<div class="rglm-table">') and text.rstrip().endswith("</div>")
    rows, tables = html_rows(text)
    assert tables >= 1 and rows
    missing = printed_among(expected, numbers_in(rows), rel)
    assert not missing, f"{name}: numbers not shown: {missing[:5]}"


@pytest.mark.parametrize("name", NAMES)
def test_markdown_holds_the_same_cells(shown, name):
    obj, _, _ = shown[name]
    md = obj.to_markdown()
    rows, tables = markdown_rows(md)
    h_rows, h_tables = html_rows(obj._repr_html_())
    assert tables == h_tables
    assert rows == h_rows


@pytest.mark.parametrize("name", NAMES)
def test_print_stays_the_printed_text(shown, name):
    obj, _, _ = shown[name]
    text = obj.format()
    assert str(obj) == repr(obj) == text
    assert "<table" not in text and "|---" not in text


@pytest.mark.parametrize("name", ["glm", "summary.glm", "anova", "coeftest", "fmm",
                                  "glmer", "influence.measures", "dose.p", "confint",
                                  "coef", "ranef"])
def test_rglm_functions_dispatch_to_the_objects_tables(shown, name):
    import rglm

    obj = shown[name][0]
    assert rglm.to_markdown(obj) == obj.to_markdown()
    assert rglm.to_html(obj) == obj._repr_html_()


def test_html_escapes_what_it_shows():
    from rglm.render.tables import cells_page, html, markdown

    page = cells_page([["<b>", "a|b"]], ["x&y"], ["c<1", "d"], heading=["a*b*c"])
    text = html(page)
    assert "<b>" not in text and "&lt;b&gt;" in text and "x&amp;y" in text
    md = markdown(page)
    assert "a\\|b" in md and "a\\*b\\*c" in md


def test_several_tables_share_one_block():
    from rglm.render.tables import cells_page, html, markdown, text_page

    pages = [cells_page([["1"]], ["a"], ["x"]), text_page(["between"]),
             cells_page([["2"]], ["b"], ["y"])]
    assert html(pages).count('<div class="rglm-table">') == 1
    assert html_rows(html(pages))[1] == 2
    assert markdown_rows(markdown(pages))[1] == 2


def test_pandas_arguments_give_pandas_markdown(shown):
    """An RMatrix is a DataFrame: given pandas' arguments, ``to_markdown`` is pandas'."""
    ci = shown["confint.default"][0]
    assert ci.to_markdown(tablefmt="grid") == pd.DataFrame(ci).to_markdown(tablefmt="grid")
    assert ci.to_markdown() != pd.DataFrame(ci).to_markdown()


@pytest.mark.parametrize("name", ["confint", "coef"])
def test_floatfmt_formats_rs_vectors_and_matrices(shown, name):
    """``rglm.to_markdown(x, floatfmt=...)`` uses the Python format for every number."""
    import rglm

    obj, expected, _ = shown[name]
    rows, _ = markdown_rows(rglm.to_markdown(obj, floatfmt=".2f"))
    cells = [c for r in rows for c in r if _number(c) is not None]
    assert sorted(cells) == sorted(format(v, ".2f") for v in np.ravel(expected))
