"""R's formula semantics: parser, terms, model frame, model matrix, coding of new data.

R: ``stats::terms.formula``, ``stats::model.frame``, ``stats::model.matrix``,
``stats::model.response``, ``stats::model.weights``, ``stats::model.offset``.

Typical use (what ``glm()`` does)::

    mf = model_frame("cbind(s, f) ~ x * g + offset(log(n))", data, weights="w")
    y = model_response(mf)
    mm = model_matrix(mf, contrasts={"g": "contr.sum"})
    new = mm.spec.model_matrix(mm.spec.model_frame(newdata))
"""

from .design import ModelMatrix, ModelSpec, get_xlevels, model_matrix
from .frame import ModelFrame, NaAction, model_frame
from .parse import parse_expr, parse_formula
from .response import model_extra, model_offset, model_response, model_weights
from .terms import Terms, delete_response, drop_terms, terms

__all__ = [
    "parse_expr", "parse_formula", "Terms", "terms", "drop_terms", "delete_response",
    "ModelFrame", "NaAction", "model_frame", "model_response", "model_weights",
    "model_offset", "model_extra", "ModelMatrix", "ModelSpec", "model_matrix",
    "get_xlevels",
]
