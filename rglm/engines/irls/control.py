"""IRLS control parameters (R's ``glm.control``)."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

from rglm.errors import RError

__all__ = ["GlmControl", "glm_control", "as_control"]

_ARGUMENTS = ("epsilon", "maxit", "trace")


@dataclass(frozen=True)
class GlmControl:
    """Convergence settings of the IRLS.

    Attributes
    ----------
    epsilon : float
        Convergence tolerance on the relative change of the deviance.
    maxit : int
        Maximum number of IRLS iterations (also bounds each step-halving loop).
    trace : bool
        Print the deviance of every iteration, as R's ``cat()`` does.
    given : tuple of str
        The argument names the user passed, in R's argument order, so the call can be
        deparsed as written (``glm.control(maxit = 50)``).
    """

    epsilon: float = 1e-8
    maxit: int = 25
    trace: bool = False
    given: tuple[str, ...] = ()


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def glm_control(epsilon=None, maxit=None, trace=None) -> GlmControl:
    """Validate the IRLS settings.

    R: ``stats::glm.control(epsilon = 1e-8, maxit = 25, trace = FALSE)``.

    Parameters
    ----------
    epsilon : float, default 1e-8
        Positive convergence tolerance: the loop stops when
        ``|dev - devold| / (|dev| + 0.1) < epsilon``.
    maxit : int, default 25
        Maximal number of IRLS iterations.
    trace : bool, default False
        Print the deviance at each iteration.

    Returns
    -------
    GlmControl

    Raises
    ------
    RError
        ``value of 'epsilon' must be > 0`` or ``maximum number of iterations must be > 0``.
    """
    given = tuple(name for name, value in zip(_ARGUMENTS, (epsilon, maxit, trace))
                  if value is not None)
    epsilon = 1e-8 if epsilon is None else epsilon
    maxit = 25 if maxit is None else maxit
    trace = False if trace is None else trace
    if not _is_number(epsilon) or not epsilon > 0:
        raise RError("value of 'epsilon' must be > 0")
    if not _is_number(maxit) or not maxit > 0:
        raise RError("maximum number of iterations must be > 0")
    return GlmControl(epsilon=float(epsilon), maxit=maxit, trace=bool(trace), given=given)


def as_control(obj=None) -> GlmControl:
    """Turn the ``control`` argument into a :class:`GlmControl`.

    R: ``do.call("glm.control", control)`` at the top of ``glm.fit``.

    Parameters
    ----------
    obj : GlmControl, dict or None
        A ready record, R's ``control = list(maxit = 50)`` as a dict, or None (defaults).

    Returns
    -------
    GlmControl
    """
    if obj is None:
        return glm_control()
    if isinstance(obj, GlmControl):
        return obj
    if isinstance(obj, dict):
        unknown = [key for key in obj if key not in _ARGUMENTS]
        if unknown:
            # do.call() with a name glm.control does not take
            raise RError(f"unused argument ({unknown[0]} = {obj[unknown[0]]!r})")
        return glm_control(**obj)
    raise TypeError(f"control must be a GlmControl or a dict, not {type(obj).__name__}")
