"""The ``rglm`` command: the README's first command prints R's Dobson summary."""

import re

from rglm.cli import main

# Digits of coefficients that are rounding noise around an exact zero (Dobson's treatment
# effects, ~1e-16) depend on the BLAS kernels: numbers below 1e-12 (printed with an
# exponent of -13 or less; exact zeros excepted) are compared as noise, padding kept.
NOISE_BOUND = 1e-12

def run(argv, capsys):
    status = main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err

def test_no_arguments_prints_rs_dobson_summary(reference, mask_noise, capsys):
    case = next(m for m in reference("glm_models")["models"] if m["id"] == "dobson_poisson")
    status, out, _ = run([], capsys)
    assert status == 0
    assert mask_noise(out, NOISE_BOUND, keep_spaces=True, keep_zeros=True) == \
        mask_noise(case["summary_print"], NOISE_BOUND, keep_spaces=True, keep_zeros=True)

def test_fit_subcommand(reference, capsys):
    status, out, _ = run(["fit", "lot1 ~ log(u)", "--data", "clotting", "--family", "Gamma"],
                         capsys)
    assert status == 0
    assert 'family = "Gamma"' in out
    assert "(Dispersion parameter for Gamma family taken to be 0.002446059)" in out

def test_datasets_subcommand(capsys):
    status, out, _ = run(["datasets"], capsys)
    assert status == 0
    assert re.search(r"^dobson\s", out, re.M)

def test_errors_are_reported_without_a_traceback(capsys):
    status, _, err = run(["fit", "y ~ x", "--data", "no_such_dataset"], capsys)
    assert status == 1
    assert err.startswith("Error: ")
