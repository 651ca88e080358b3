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


# Coefficients whose true value is 0 (Dobson's treatment effects) print as rounding noise
# (e.g. 3.713e-16, or -2.470e-16 on another BLAS kernel, which also widens its column):
# such numbers are compared as noise by conftest's compare_printed -- any digits and
# sign, the columns around them moved as R would move them -- and every other character
# must be identical. The vignette prints no other number below 1e-12 (p-values this
# small print as "<2e-16", which is never noise).
NOISE_BOUND = 1e-12


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.name)
def test_vignette_output_is_current(path, compare_printed):
    text = path.read_text()
    problems = compare_printed(_executor().execute(text), text, NOISE_BOUND)
    assert not problems, (f"{path.name} is out of date: run python vignettes/execute.py "
                          f"{path}\n" + "\n".join(problems[:8]))
