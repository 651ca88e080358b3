"""Every vignette's recorded output is what its code prints today."""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VIGNETTES = sorted((ROOT / "vignettes").glob("*.md"))


def _executor():
    spec = importlib.util.spec_from_file_location("vignette_execute",
                                                  ROOT / "vignettes" / "execute.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_is_a_vignette():
    assert any(p.name == "rglm-for-r-users.md" for p in VIGNETTES)


# Coefficients whose true value is 0 print as rounding noise (e.g. 5.045e-16); its digits
# depend on the BLAS kernels of the machine, so numbers below 1e-12 (printed with an
# exponent of -13 or less; exact zeros excepted) are compared as "noise", not digit by
# digit. Everything else must be identical.
NOISE_BOUND = 1e-12


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.name)
def test_vignette_output_is_current(path, mask_noise):
    def mask(text):
        return mask_noise(text, NOISE_BOUND, keep_spaces=True, keep_zeros=True)

    text = path.read_text()
    assert mask(_executor().execute(text)) == mask(text), (
        f"{path.name} is out of date: run python vignettes/execute.py {path}")
