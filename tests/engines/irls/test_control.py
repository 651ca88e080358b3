"""glm_control: R's defaults, validation messages, and the record of given arguments."""

from __future__ import annotations

import pytest

from rglm.errors import RError
from rglm.engines.irls.control import GlmControl, as_control, glm_control


def test_defaults_are_rs():
    control = glm_control()
    assert (control.epsilon, control.maxit, control.trace) == (1e-8, 25, False)
    assert control.given == ()


def test_given_arguments_are_remembered_in_r_order():
    assert glm_control(trace=True, maxit=50).given == ("maxit", "trace")


@pytest.mark.parametrize("epsilon", [0, -1e-8, "a"])
def test_bad_epsilon(epsilon):
    with pytest.raises(RError) as err:
        glm_control(epsilon=epsilon)
    assert str(err.value) == "value of 'epsilon' must be > 0"


@pytest.mark.parametrize("maxit", [0, -3, "a"])
def test_bad_maxit(maxit):
    with pytest.raises(RError) as err:
        glm_control(maxit=maxit)
    assert str(err.value) == "maximum number of iterations must be > 0"


def test_as_control():
    assert as_control(None) == glm_control()
    record = glm_control(maxit=3)
    assert as_control(record) is record
    assert as_control({"maxit": 3, "epsilon": 1e-10}) == GlmControl(
        epsilon=1e-10, maxit=3, trace=False, given=("epsilon", "maxit"))


def test_record_is_frozen():
    with pytest.raises(AttributeError):
        glm_control().maxit = 3
