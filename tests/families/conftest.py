"""Shared fixture for the family tests: R's reference values (tests/reference/make_families.R).

Non-finite numbers are stored as the strings "NA", "NaN", "Inf", "-Inf"; they are decoded
to floats here. R's length-one vectors arrive unboxed: tests wrap them with
``numpy.atleast_1d``.
"""

from __future__ import annotations

import math

import pytest

_SPECIAL = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}


def _decode(value):
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        decoded = [_decode(v) for v in value]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in decoded):
            return [_SPECIAL.get(v, v) if isinstance(v, str) else v for v in decoded]
        return decoded
    return value


def _decode_scalar(value):
    return _SPECIAL.get(value, value) if isinstance(value, str) else value


@pytest.fixture(scope="session")
def ref(reference) -> dict:
    """The decoded contents of tests/reference/families.json (a copy: the shared parsed
    file is not modified)."""
    data = _decode(reference("families"))
    for case in data["families"]:
        for key in ("aic", "dev"):
            case[key] = _decode_scalar(case[key])
    return data
