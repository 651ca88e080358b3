"""Stata's layout: ``print(fit)``, ``estat lcprob`` and ``estat lcmean`` tables.

There is no Stata here: ``stata_logs/`` holds Stata 17/18 output quoted in public
repositories (see its README). Each log is parsed back into rows -- labels and the
numbers Stata printed -- and rglm's renderer must give the log's text byte for byte
from them: column widths, the stub widening, equation headers, ``(base outcome)``,
``var(e.y)`` rows, ``Delta-method``, and Stata's ``%9.0g`` (every number Stata printed
must come out as printed). The parser below only splits text at the bar and at blanks;
it does not format anything.

rglm's own printouts are then read back with the same parser and their numbers
compared with R's (``make_fmm.R``) to the 7 significant digits ``%9.0g`` shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.models.mixture.margins import Margins
from rglm.models.mixture.summary import FMMSummary
from rglm.render.stata import (StataRow, format_coef_table, format_g, format_nobs_header)

LOGS = Path(__file__).resolve().parent / "stata_logs"
_DASHES = re.compile(r"^-+(\+-+)?$")


def _number(token: str) -> float:
    return float("nan") if token == "." else float(token)


def parse_table(lines: list[str]) -> list[StataRow]:
    """The rows of one Stata table (its lines from the first rule to the last)."""
    inner = lines[1:-1]
    # the headings end at the first rule with a "+"; its width after the "+" says
    # whether the table has tests (64: six columns) or not (48: margin, se, interval)
    start = next(i for i, ln in enumerate(inner) if _DASHES.match(ln) and "+" in ln)
    with_tests = len(inner[start].split("+")[1]) == 64
    rows = []
    for line in inner[start + 1:]:
        if _DASHES.match(line):
            rows.append(StataRow("separator"))
            continue
        stub, rest = line.split("|", 1)
        label = stub.strip()
        if "(base outcome)" in rest:
            rows.append(StataRow("equation", label, note="(base outcome)"))
        elif not rest.strip():
            rows.append(StataRow("equation" if stub[0] != " " else "group", label))
        else:
            values = [_number(t) for t in rest.split()]
            if with_tests and len(values) == 4:  # blank z and P
                values = values[:2] + [None, None] + values[2:]
            kind = ("variance" if not stub.endswith(" ") else
                    "level" if stub.endswith("  ") and label.isdigit() else "coef")
            rows.append(StataRow(kind, label, tuple(values)))
    return rows


def _tables(text: str) -> list[list[str]]:
    """The tables of a printout: runs of lines from a full rule to the next one."""
    lines = text.splitlines()
    out, current = [], None
    for line in lines:
        full_rule = bool(_DASHES.match(line)) and "+" not in line
        if current is None and full_rule:
            current = [line]
        elif current is not None:
            current.append(line)
            if full_rule and len(current) > 2:
                out.append(current)
                current = None
    return out


def _log(name: str) -> str:
    return (LOGS / name).read_text()


def test_format_g_prints_what_stata_printed():
    numbers = set()
    for name in ("fmm_regress_height.txt", "lcprob_delta.txt", "lcmean_gsem.txt",
                 "lcprob_nose.txt"):
        for table in _tables(_log(name)):
            for line in table:
                if "|" in line and not _DASHES.match(line):
                    tokens = line.split("|", 1)[1].split()
                    # the estimates, standard errors and limits (%9.0g); z and P are %f
                    numbers.update(t for t in tokens if re.fullmatch(r"-?\d*\.?\d+(e[-+]\d+)?", t)
                                   and not re.fullmatch(r"-?\d+\.\d\d\d?", t))
    assert len(numbers) > 60
    for token in numbers:
        assert format_g(float(token)) == token, token


def test_fmm_table_is_statas():
    text = _log("fmm_regress_height.txt")
    tables = _tables(text)
    classes = []
    for k, table in zip((1, 2), tables[1:]):
        lines = (("Class", str(k)), ("Response", "height"), ("Model", "regress"))
        classes.append((lines, tuple(parse_table(table))))
    nobs = int(re.search(r"Number of obs = ([\d,]+)", text).group(1).replace(",", ""))
    loglik = float(re.search(r"Log likelihood = (\S+)", text).group(1))
    summary = FMMSummary(nobs=nobs, loglik=loglik, constraints=(),
                         lcprob_rows=tuple(parse_table(tables[0])), classes=tuple(classes),
                         vcetype=None, cluster_line=None, eform=False, level=95.0)
    assert summary.format() == text


def _margins_from_log(name: str, se: bool) -> Margins:
    text = _log(name)
    rows = [r for r in parse_table(_tables(text)[0]) if r.kind == "level"]
    group = next(r.label for r in parse_table(_tables(text)[0]) if r.kind == "group")
    nobs = int(re.search(r"Number of obs = ([\d,]+)", text).group(1).replace(",", ""))
    index = pd.Index([int(r.label) for r in rows], name=group)
    columns = ["Margin", "Std. err.", "2.5 %", "97.5 %"] if se else ["Margin"]
    table = pd.DataFrame([list(r.values) for r in rows], index=index, columns=columns)
    v = pd.DataFrame(np.diag(table["Std. err."] ** 2)) if se else None
    return Margins(title="Latent class marginal probabilities", table=table, V=v, nobs=nobs,
                   level=95.0)


def test_lcprob_tables_are_statas():
    assert _margins_from_log("lcprob_delta.txt", se=True).format() == _log("lcprob_delta.txt")
    assert _margins_from_log("lcprob_nose.txt", se=False).format() == _log("lcprob_nose.txt")


def test_lcmean_table_is_statas():
    text = _log("lcmean_gsem.txt")
    rows = parse_table(_tables(text)[0])
    nobs = int(re.search(r"Number of obs = ([\d,]+)", text).group(1).replace(",", ""))
    got = (format_nobs_header("Latent class marginal means", nobs) + "\n\n"
           + format_coef_table(rows, coef_title="Margin", vcetype="Delta-method"))
    assert got == text


# ---- rglm's printouts, read back -----------------------------------------------------


def _printed(fit, **kwargs) -> dict:
    """{(table number, equation, label): values} of a printed fit."""
    out = {}
    for t, table in enumerate(_tables(fit.format(**kwargs))):
        eq = None
        for row in parse_table(table):
            if row.kind == "separator":
                eq = None
            elif row.kind == "equation":
                eq = row.label
            elif row.kind in ("coef", "variance"):
                out[(t, eq, row.label)] = row.values
    return out


def _r_value(case, name):
    return dict(zip(case["param_names"], case["theta"]))[name], \
        dict(zip(case["param_names"], case["se_oim"]))[name]


@pytest.mark.parametrize("case_id", ["npreg_gaussian", "nmes_nb2", "patent_lcprob"])
def test_printed_numbers_are_rs(case_id, fmm_fit, fmm_case):
    fit, case = fmm_fit(case_id), fmm_case(case_id)
    printed = _printed(fit)
    depvar = fit.depvar
    for name in case["param_names"]:
        kind, k, term = name.split(":")
        b, se = _r_value(case, name)
        stata = "_cons" if term == "(Intercept)" else term
        if kind == "lcprob":
            values = printed[(0, f"{k}.Class", stata)]
        elif term == "lnvar":
            values = printed[(int(k), None, f"var(e.{depvar})")]
            b, se = np.exp(b), np.exp(b) * se
        elif term in ("lnalpha", "lndelta"):
            values = printed[(int(k), f"/{depvar}", term)]
        else:
            values = printed[(int(k), depvar, stata)]
        # %9.0g: 7 significant digits, or 7 decimals below 1
        assert values[0] == pytest.approx(b, rel=6e-7, abs=5e-8), name
        if case["se_check"]:
            assert values[1] == pytest.approx(se, rel=2e-5), name


def test_eform_exponentiates_the_class_coefficients(fmm_fit, fmm_case):
    fit, case = fmm_fit("npreg_poisson"), fmm_case("npreg_poisson")
    printed = _printed(fit, eform=True)
    b, se = _r_value(case, "class:2:x")
    values = printed[(2, "yp", "x")]
    assert values[0] == pytest.approx(np.exp(b), rel=6e-7)
    assert values[1] == pytest.approx(np.exp(b) * se, rel=2e-5)
    assert "exp(b)   Std. err." in fit.format(eform=True)
    # the class-probability equation is not exponentiated
    g, _ = _r_value(case, "lcprob:2:(Intercept)")
    assert printed[(0, "2.Class", "_cons")][0] == pytest.approx(g, rel=6e-7)


def test_header_and_class_lines(fmm_fit):
    fit = fmm_fit("nmes_nb1")
    text = str(fit)
    first = text.splitlines()[0]
    assert first.startswith("Finite mixture model") and first.endswith("Number of obs = 4,406")
    assert len(first) == 78
    lines = text.splitlines()
    at = lines.index("Class:    2")
    assert lines[at + 1:at + 3] == ["Response: visits", "Model:    glm, family(nbinomial constant)"]
    assert str(rglm.summary(fit)) == text
    for table in _tables(text):
        bars = {line.index("|") for line in table if "|" in line}
        assert len(bars) == 1
        assert max(len(line) for line in table) == len(table[0])


def test_robust_heading(fmm_fit):
    text = str(fmm_fit("sim_poisson_pw"))
    assert "             |               Robust\n" in text
    assert "| Coefficient  std. err." in text
