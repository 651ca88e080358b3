"""GLM families and links, as R's stats (and MASS's ``negative.binomial``) define them.

A family is a link (:mod:`~rglm.families.links`) plus a variance function
(:mod:`~rglm.families.variance`), with deviance residuals
(:mod:`~rglm.families.deviance`), an aic (:mod:`~rglm.families.distributions`), an
initialization step (:mod:`~rglm.families.initialize`) and a simulator
(:mod:`~rglm.families.simulate`); :mod:`~rglm.families.constructors` assembles them,
:mod:`~rglm.families.tweedie` is statmod's family and :mod:`~rglm.families.custom` a
user's variance list for ``quasi``.

R: stats::family, stats::make.link, stats::power, MASS::negative.binomial,
statmod::tweedie
"""

from rglm.families.constructors import (Gamma, as_family, binomial, gaussian,
                                        inverse_gaussian, negative_binomial, poisson, quasi,
                                        quasibinomial, quasipoisson, tweedie)
from rglm.families.family import Family
from rglm.families.initialize import Initialized
from rglm.families.links import Link, make_link, power

__all__ = [
    "Family", "Link", "Initialized", "make_link", "power", "as_family",
    "gaussian", "binomial", "poisson", "Gamma", "inverse_gaussian", "quasi",
    "quasibinomial", "quasipoisson", "negative_binomial", "tweedie",
]
