"""rformat primitives against R 4.2 (format, round, signif, zapsmall, format.pval, cat)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rglm.render.rformat import (SIGNIF_LEGEND, format_info, format_number, format_pval,
                                   format_real, fround, signif, signif_legend, signif_stars,
                                   zapsmall)


def values(strings):
    """R doubles stored by make_printing.R as "%.17g" strings; "NA" -> None."""
    return [None if s == "NA" else float(s) for s in strings]


def same_doubles(got, want) -> bool:
    """Exact equality; NA/NaN in R's answer must be NaN in ours."""
    return len(got) == len(want) and all(
        math.isnan(g) if (w is None or math.isnan(w)) else g == w for g, w in zip(got, want))


def by_position(section):
    """Parametrize ``case`` with a section of printing.json, the cases named "0", "1", ..."""
    return pytest.mark.r_cases("printing",
                               lambda ref: {str(i): c for i, c in enumerate(ref[section])})


@by_position("format")
def test_format_real(case):
    got = format_real(values(case["x"]), case["digits"], case["nsmall"])
    assert got == case["out"]


@by_position("round")
def test_fround(case):
    got = fround(values(case["x"]), case["digits"])
    assert same_doubles(list(got), values(case["out"]))


@by_position("signif")
def test_signif(case):
    got = signif(values(case["x"]), case["digits"])
    assert same_doubles(list(got), values(case["out"]))


@by_position("zapsmall")
def test_zapsmall(case):
    got = zapsmall(values(case["x"]), case["digits"])
    assert same_doubles(list(got), values(case["out"]))


@by_position("format_pval")
def test_format_pval(case):
    assert format_pval(values(case["x"]), case["digits"]) == case["out"]


def test_format_pval_eps_and_na_form(reference):
    case = reference("printing")["format_pval_eps"]
    got = format_pval(values(case["x"]) + [None], case["digits"], eps=case["eps"],
                      na_form=case["na_form"])
    assert got == case["out"]


def test_cat_numbers(reference):
    case = reference("printing")["cat"]
    assert [format_number(v) for v in values(case["x"])] == case["out"]
    assert [format_number(int(v)) for v in case["int_x"]] == case["int_out"]


def test_signif_stars_and_legend(reference):
    case = reference("printing")["stars"]
    assert signif_stars(values(case["p"])) == case["out"]
    assert SIGNIF_LEGEND == case["legend"]
    assert signif_legend(False) == reference("printing")["stars_legend_plain"]


@by_position("format_info")
def test_format_info(case):
    assert format_info(values(case["x"]), case["digits"], case["nsmall"]) == tuple(case["out"])


@pytest.mark.parametrize("section", ["round", "signif"])
def test_scalar_inputs_give_scalars(reference, section):
    """A Python float in, a float out: R's value for the first element of each case."""
    fun = {"round": fround, "signif": signif}[section]
    for case in reference("printing")[section]:
        x, want = values(case["x"][:1]), values(case["out"][:1])
        got = fun(x[0], case["digits"])
        assert isinstance(got, float)
        assert same_doubles([got], want), (x, case["digits"])


def test_na_string_pads_to_the_common_width():
    assert format_real([None, 1.5], na_string="") == ["   ", "1.5"]


def test_inputs_not_mutated():
    x = np.array([1.25, 2.5])
    fround(x, 1)
    zapsmall(x, 3)
    assert list(x) == [1.25, 2.5]
