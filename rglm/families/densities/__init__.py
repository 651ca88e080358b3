"""The outcome densities of Stata's ``fmm: glm``, for finite mixtures of GLMs.

Eleven families in Stata's parameterisation (fmm-behaviour.md section 1.4), each with
its log density and two derivatives in the linear predictor and the (log-scale)
ancillary, vectorised over observations and classes: :func:`fmm_family` builds an
:class:`FmmFamily` and enforces Stata's family-link table.

R: (none; Stata: ``fmm: glm``, ``help gsem_family_and_link_options``)
"""

from rglm.families.densities.family import FAMILY_LINKS, FAMILY_NAMES, FmmFamily, fmm_family
from rglm.families.densities.record import Derivatives, Response

__all__ = ["FmmFamily", "fmm_family", "FAMILY_LINKS", "FAMILY_NAMES", "Derivatives",
           "Response"]
