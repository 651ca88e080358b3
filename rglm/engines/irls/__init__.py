"""R's ``glm.fit`` (IRLS) and ``glm.control``."""

from rglm.engines.irls.control import GlmControl, as_control, glm_control
from rglm.engines.irls.irls import glm_fit
from rglm.engines.irls.records import GlmFitResult, GlmQR

__all__ = ["glm_fit", "glm_control", "as_control", "GlmControl", "GlmFitResult", "GlmQR"]
