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


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.name)
def test_vignette_output_is_current(path):
    text = path.read_text()
    assert _executor().execute(text) == text, (
        f"{path.name} is out of date: run python vignettes/execute.py {path}")
