"""The noise-aware comparison of printed text (``compare_printed`` in tests/conftest.py).

R's texts: ``tests/reference/noise.json`` (``tests/reference/make_noise.R``): Dobson's
print, summary and coeftest, a named vector and an add1 table, each printed by R with its
own noise ("base") and with other noise in its place ("variants": other digits, other
signs, an exact zero), in R's layout for that noise. The comparator must accept each of
R's texts against each other, and reject every real difference made to any of them.
"""

from __future__ import annotations

import pytest

texts = pytest.mark.r_cases("noise", "texts")


def all_texts(case) -> list[str]:
    return [case["base"], *(v["text"] for v in case["variants"])]


def all_printed(case) -> list[tuple[str, list]]:
    """Each of R's texts of the case with the values it prints."""
    return [(case["base"], case["values"]), *((v["text"], v["values"]) for v in case["variants"])]


@pytest.fixture(scope="module")
def cases(reference):
    return {c["id"]: c for c in reference("noise")["texts"]}


@texts
def test_noise_variants_are_accepted(case, compare_printed, noise_among):
    """Each of R's texts against each other: R's noise of one is replaced by the noise
    of another, and the columns move as R moves them."""
    for want, values in all_printed(case):
        noise = noise_among(values)
        assert noise.values, "R's text prints noise"
        for got in all_texts(case):
            assert compare_printed(got, want, noise) == []
    assert all(v["text"] != case["base"] for v in case["variants"])


@texts
def test_any_small_number_is_noise_without_r_values(case, compare_printed, noise_among):
    """With a bound only (no R values at hand: the vignettes), as with R's values --
    except against R's text of an exact zero printed ``0``: without values, a fixed
    zero is taken as a rounded number, not as noise."""
    for want, values in all_printed(case):
        noise = noise_among(values)
        zero_printed_0 = case["id"] == "add1_D93" and 0.0 in noise.values
        for got in all_texts(case):
            accepted = compare_printed(got, want, noise.below) == []
            assert accepted or (zero_printed_0 and got != want)


@texts
def test_without_a_noise_bound_the_texts_must_be_identical(case, compare_printed):
    assert compare_printed(case["base"], case["base"]) == []
    for v in case["variants"]:
        assert compare_printed(v["text"], case["base"]) != [], v["id"]


def test_some_variants_move_columns(cases):
    """A negative noise estimate widens the Estimate column of the summary without
    intercept; in the named vector it widens every entry, moving every column; a
    column of nothing but noise that is exactly 0 is printed ``0``."""

    def moved(case):
        widths = [len(line) for line in case["base"].split("\n")]
        return [v["id"] for v in case["variants"]
                if [len(line) for line in v["text"].split("\n")] != widths]

    assert "negative" in moved(cases["summary_D93_minus_one"])
    assert "negative" in moved(cases["named_vector"])
    assert "zero" in moved(cases["add1_D93"])


# ---- real differences are rejected ----------------------------------------------------


def in_line(anchor: str, old: str, new: str):
    """A mutation: ``old`` -> ``new`` in the first line that holds ``anchor``."""

    def mutate(text: str) -> str:
        lines = text.split("\n")
        i = next(k for k, line in enumerate(lines) if anchor in line)
        lines[i] = lines[i].replace(old, new, 1)
        return "\n".join(lines)

    return mutate


def column_moved(header: str, by: int):
    """A mutation: the table column headed ``header`` (and all to its right) moved right
    by ``by`` blanks in every line of the table."""

    def mutate(text: str) -> str:
        lines = text.split("\n")
        top = next(i for i, line in enumerate(lines) if header in line)
        edge = lines[top].index(header)
        i = top
        while i < len(lines) and lines[i].strip() and not lines[i].startswith("---"):
            lines[i] = lines[i][:edge] + " " * by + lines[i][edge:]
            i += 1
        return "\n".join(lines)

    return mutate


def assert_rejected(compare_printed, noise_among, case, mutate):
    """``mutate`` changes every text of the case, and the changed text is rejected
    against each of them (R's base and R's variants), with R's noise values or with
    their bound only."""
    for want, values in all_printed(case):
        noise = noise_among(values)
        for got in all_texts(case):
            assert mutate(got) != got, "the mutation must change the text"
            assert compare_printed(mutate(got), want, noise) != []
            assert compare_printed(mutate(got), want, noise.below) != []


REJECTED = {
    "a changed digit": [
        ("summary_D93", in_line("outcome2", "0.0246", "0.0247")),
        ("summary_D93", in_line("AIC:", "56.761", "56.762")),
        ("summary_D93_minus_one", in_line("outcome2", "13.23", "13.24")),
        ("coeftest_D93", in_line("outcome3", "0.12849", "0.12848")),
        ("print_glm_D93", in_line("3.045e+00", "-4.543e-01", "-4.542e-01")),
        ("named_vector", in_line("1.50e+00", "2.25e+00", "2.26e+00")),
        ("add1_D93", in_line("treatment", "56.761", "56.762")),
    ],
    "a missing star": [
        ("summary_D93", in_line("outcome2", "0.0246 *", "0.0246  ")),
        ("summary_D93_minus_one", in_line("outcome1", "***", "** ")),
        ("coeftest_D93", in_line("(Intercept)", "***", "   ")),
    ],
    "a changed column": [
        ("summary_D93", in_line("Estimate", "z value", "t value")),
        ("summary_D93", in_line("outcome3", "  -1.520", "")),
        ("summary_D93_minus_one", in_line("outcome2", "   13.23", "  13.23 ")),
        ("coeftest_D93", in_line("outcome3", " -1.5201", "-1.5201 ")),
        ("summary_D93", column_moved("Std. Error", 1)),
        ("summary_D93_minus_one", column_moved("Std. Error", 1)),
        ("coeftest_D93", column_moved("z value", 1)),
        ("print_glm_D93", in_line("(Intercept)", "outcome2", " outcome2")),
        ("add1_D93", column_moved("AIC", 1)),
        ("add1_D93", in_line("<none>", "52.761", " 52.761")),
    ],
    "noise printed as a number": [
        ("summary_D93", in_line("treatment3", "e-1", "e-0")),
        ("coeftest_D93", in_line("treatment3", "e-1", "e+0")),
        ("print_glm_D93", in_line("3.045e+00", "e-1", "e-0")),
    ],
    "a p-value bound": [
        ("coeftest_D93", in_line("(Intercept)", "< 2e-16", "< 3e-16")),
    ],
    "a line or trailing blank": [
        ("summary_D93", lambda t: t + "\n"),
        ("summary_D93", in_line("outcome3", "0.1285    ", "0.1285   ")),
    ],
}


@pytest.mark.parametrize("kind", REJECTED)
def test_real_differences_are_rejected(kind, cases, compare_printed, noise_among):
    for case_id, mutate in REJECTED[kind]:
        assert_rejected(compare_printed, noise_among, cases[case_id], mutate)


def test_a_move_larger_than_the_noise_is_rejected(cases, compare_printed, noise_among):
    """R moves the columns of the summary without intercept by one blank when a noise
    estimate turns negative; one more is not noise."""
    case = cases["summary_D93_minus_one"]
    noise = noise_among(case["values"])
    negative = next(v["text"] for v in case["variants"] if v["id"] == "negative")
    assert compare_printed(negative, case["base"], noise) == []
    assert compare_printed(column_moved("Estimate", 1)(negative), case["base"], noise) != []
    assert compare_printed(column_moved("z value", 1)(negative), case["base"], noise) != []


def test_noise_must_be_printed_like_rs_noise(cases, compare_printed, noise_among):
    case = cases["summary_D93"]
    base, noise = case["base"], noise_among(case["values"])
    # an exact zero among noise, as R prints it, is noise
    assert compare_printed(base.replace("8.438e-16", "0.000e+00"), base, noise) == []
    # another notation or another number of digits is not
    assert compare_printed(base.replace("8.438e-16", "    0.000"), base, noise) != []
    assert compare_printed(base.replace("8.438e-16", " 8.44e-16"), base, noise) != []


def test_with_r_values_only_their_printings_are_noise(cases, compare_printed, noise_among):
    """Given R's noise values, a small number of R's text that prints none of them is
    compared exactly (a tiny p-value is not noise), though it is below the bound."""
    case = cases["summary_D93"]
    base, noise = case["base"], noise_among(case["values"])
    other = next(v["text"] for v in case["variants"] if v["id"] == "smaller")
    assert compare_printed(other, base, noise) == []
    first_only = noise._replace(values=noise.values[:1])  # treatment2's estimate only
    assert compare_printed(other, base, first_only) != []
    assert compare_printed(base.replace("1.217e-15", "7.962e-16"), base, first_only) == []
