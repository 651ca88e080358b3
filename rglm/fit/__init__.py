"""R's ``glm.fit`` (IRLS) and ``glm.control``."""

from rglm.fit.control import GlmControl, as_control, glm_control
from rglm.fit.irls import glm_fit
from rglm.fit.records import GlmFitResult, GlmQR

__all__ = ["glm_fit", "glm_control", "as_control", "GlmControl", "GlmFitResult", "GlmQR"]
