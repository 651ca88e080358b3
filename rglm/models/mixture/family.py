"""``fmm()``'s ``family`` and ``link`` arguments: Stata's family options, or rglm's families.

Stata writes ``family(nbinomial constant)``, ``family(binomial 10)``, ``family(binomial
n)``, ``link(probit)``; ``fmm()`` takes the same as a name or a pair::

    family="poisson"                      family=("nbinomial", "constant")
    family=("binomial", 10)               family=("binomial", "n")     # a column
    family=("weibull", "aft")             family="gamma", link="log"

and rglm's family objects for the families that are GLMs (``rglm.poisson()``,
``rglm.binomial(link="probit")``, ``rglm.Gamma(link="log")``, ``rglm.gaussian()``,
``rglm.negative_binomial(theta)`` -- theta is estimated here, per class: its value is
not used). The link is the object's unless ``link`` says otherwise; a link Stata does
not allow for the family (R's ``Gamma()`` has the inverse link) is an error.

R: (none; Stata: ``fmm: glm ..., family() link()``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from rglm.errors import RError
from rglm.families import Family, as_family
from rglm.families.densities import FAMILY_LINKS, FAMILY_NAMES, FmmFamily, fmm_family

__all__ = ["FamilySpec", "family_spec", "MODEL_NAMES"]

# R's family name -> Stata's (the GLM families fmm shares with glm())
_FROM_R = {"gaussian": "gaussian", "binomial": "binomial", "poisson": "poisson",
           "Gamma": "gamma"}

#: How the class header names each family (Stata's ``family()`` option).
MODEL_NAMES = {"nbinomial": {"mean": "nbinomial mean", "constant": "nbinomial constant"}}


@dataclass(frozen=True)
class FamilySpec:
    """The outcome model as ``fmm()`` was asked for it.

    Attributes
    ----------
    family : FmmFamily
    trials : int, float, str, array or None
        ``binomial`` only: the number of trials (a number, or a column / R expression /
        values evaluated in the data); None otherwise (and for a ``cbind()`` response).
    """

    family: FmmFamily
    trials: Any = None

    @property
    def option_text(self) -> str:
        """Stata's ``family(...) link(...)`` text of this model (for the class header)."""
        fam = self.family
        name = fam.name
        if name == "nbinomial":
            name = MODEL_NAMES["nbinomial"][fam.dispersion]
        elif name == "binomial" and isinstance(self.trials, (int, float)) \
                and not isinstance(self.trials, bool):
            name = f"binomial {self.trials:g}"
        elif name == "binomial" and isinstance(self.trials, str):
            name = f"binomial {self.trials}"
        elif name in ("exponential", "weibull") and fam.metric == "aft":
            name = f"{name} aft"
        text = f"family({name})"
        if fam.link != FAMILY_LINKS[fam.name][0]:
            text += f" link({fam.link})"
        return text


def _from_r_family(obj: Family, link: Optional[str]) -> FmmFamily:
    name = obj.family
    if name.startswith("Negative Binomial"):
        stata = "nbinomial"
    else:
        stata = _FROM_R.get(name)
    if stata is None:
        listed = ", ".join(f"'{n}'" for n in FAMILY_NAMES)
        raise RError(f"the '{name}' family is not one of fmm's families; use one of "
                     f"{listed}")
    return fmm_family(stata, obj.link if link is None else link)


def family_spec(family: Any = "gaussian", link: Optional[str] = None) -> FamilySpec:
    """The :class:`FamilySpec` of ``fmm()``'s ``family`` and ``link`` (module notes).

    Raises
    ------
    RError
        An unknown family, an option the family does not take, or a link Stata does not
        allow with it (``link "identity" not available for poisson family; available
        links are 'log'``).
    """
    if link is not None and not isinstance(link, str):
        raise RError("'link' must be a character string")
    if isinstance(family, tuple):
        if len(family) != 2 or not isinstance(family[0], str):
            raise RError("a 'family' pair is (name, option), e.g. ('nbinomial', 'constant')")
        name, option = family
        return _with_option(name, option, link)
    if isinstance(family, str):
        if family in FAMILY_NAMES:
            return FamilySpec(fmm_family(family, link))
        if family in _FROM_R:  # R's spelling ("Gamma")
            return FamilySpec(fmm_family(_FROM_R[family], link))
        listed = ", ".join(f'"{n}"' for n in FAMILY_NAMES)
        raise RError(f"'family' should be one of {listed}")
    return FamilySpec(_from_r_family(as_family(family), link))


def _with_option(name: str, option: Any, link: Optional[str]) -> FamilySpec:
    if name not in FAMILY_NAMES:
        listed = ", ".join(f'"{n}"' for n in FAMILY_NAMES)
        raise RError(f"'family' should be one of {listed}")
    if name == "nbinomial":
        return FamilySpec(fmm_family(name, link, dispersion=option))
    if name in ("exponential", "weibull"):
        return FamilySpec(fmm_family(name, link, metric=option))
    if name == "binomial":
        if isinstance(option, bool) or option is None:
            raise RError("binomial trials must be a positive number or a column")
        if isinstance(option, (int, float)) and not (option >= 1 and float(option).is_integer()):
            raise RError("binomial trials must be positive integers")
        return FamilySpec(fmm_family(name, link), trials=option)
    raise RError(f"the {name} family takes no option")
