"""The ``rglm`` command: the README's first command prints R's Dobson summary."""

import re

import pytest

from rglm.cli import main

def run(argv, capsys):
    status = main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err

def test_no_arguments_prints_rs_dobson_summary(reference, same_printed, noise_among, capsys):
    """Dobson's treatment effects are zero in exact arithmetic: their printed digits and
    sign are rounding noise of the machine's BLAS, compared as such (conftest's
    ``compare_printed``); every other character is R's."""
    case = next(m for m in reference("glm_models")["models"] if m["id"] == "dobson_poisson")
    status, out, _ = run([], capsys)
    assert status == 0
    same_printed(out, case["summary_print"], noise_among(case["coefficients"]))

@pytest.mark.r_cases("cli", "cases")
def test_fit_subcommand_prints_rs_summary(case, capsys):
    """R's summary of the call the arguments stand for (tests/reference/make_cli.R)."""
    status, out, _ = run(case["argv"], capsys)
    assert status == 0
    assert out == case["print"]

def test_datasets_subcommand(capsys):
    status, out, _ = run(["datasets"], capsys)
    assert status == 0
    assert re.search(r"^dobson\s", out, re.M)

def test_errors_are_reported_without_a_traceback(capsys):
    status, _, err = run(["fit", "y ~ x", "--data", "no_such_dataset"], capsys)
    assert status == 1
    assert err.startswith("Error: ")
