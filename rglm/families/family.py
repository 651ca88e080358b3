"""The :class:`Family` record and R's rules for choosing a family's link.

A family is a link plus a variance function, with the deviance residuals, aic,
initialization and simulation that go with them (R class ``"family"``). The constructors
in :mod:`rglm.families.constructors` assemble these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

from rglm.errors import RError
from rglm.render.rformat import format_number
from rglm.families.initialize import Initialized
from rglm.families.links import Link, make_link
from rglm.formula.ast import Arg, Call, Node, Number, String, Symbol

__all__ = ["Family", "MISSING", "resolve_link", "link_arg_node", "constructor_call",
           "exponent_node"]


class _Missing:
    """Marks an argument the user did not pass (R's ``missing()``), for deparsing."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Family:
    """A GLM family: error distribution and link.

    R: stats::family (objects made by stats::binomial, poisson, ..., MASS::negative.binomial)

    Attributes
    ----------
    family : str
        R's ``family$family``: ``"gaussian"``, ``"binomial"``, ``"poisson"``, ``"Gamma"``,
        ``"inverse.gaussian"``, ``"quasi"``, ``"quasibinomial"``, ``"quasipoisson"`` or
        ``"Negative Binomial(<theta>)"``.
    link : str
        The link's name (``family$link``).
    linkobj : Link
        The link functions.
    variance : callable
        ``V(mu)``.
    validmu : callable
        ``validmu(mu) -> bool``.
    dev_resids : callable
        ``dev_resids(y, mu, wt)``: per-observation weighted unit deviances.
    aic : callable
        ``aic(y, n, mu, wt, dev) -> float``: the family's aic without ``2 * rank``
        (NaN for quasi families, ``inf`` where R gives ``Inf``).
    initialize : callable
        ``initialize(y, weights, etastart=None, mustart=None, start=None) ->
        Initialized``; pure (returns new arrays).
    simulator : callable or None
        Used by :meth:`simulate`; None where R's family has no ``simulate``.
    dispersion : float or None
        R >= 4.3's ``family$dispersion``: 1 for binomial and poisson, NaN for families
        that estimate it, None for the negative binomial (MASS sets none).
    constructor : str
        The R function that makes this family (``"inverse.gaussian"``,
        ``"negative.binomial"``, ...).
    call : rglm.formula.ast.Call
        How an R user writes the constructor call, with only the arguments that were
        given (``binomial(link = "probit")``), for deparsing ``glm(..., family = ...)``.
    varfun : str or None
        quasi only: the variance name (``family$varfun``).
    theta : float or None
        negative binomial only: the fixed theta.
    var_power, link_power : float or None
        statmod's tweedie only: ``p`` of ``V(mu) = mu^p`` and ``q`` of the link ``mu^q``
        (R keeps them in the environment of the family's functions).
    """

    family: str
    link: str
    linkobj: Link
    variance: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    validmu: Callable[[np.ndarray], bool] = field(repr=False, compare=False)
    dev_resids: Callable[..., np.ndarray] = field(repr=False, compare=False)
    aic: Callable[..., float] = field(repr=False, compare=False)
    initialize: Callable[..., Initialized] = field(repr=False, compare=False)
    simulator: Optional[Callable[..., np.ndarray]] = field(repr=False, compare=False)
    dispersion: Optional[float]
    constructor: str
    call: Call
    varfun: Optional[str] = None
    theta: Optional[float] = None
    var_power: Optional[float] = None
    link_power: Optional[float] = None

    # -- the link's functions, as R copies them into the family ---------------------------
    @property
    def linkfun(self) -> Callable[[np.ndarray], np.ndarray]:
        """``eta = g(mu)`` (``family$linkfun``)."""
        return self.linkobj.linkfun

    @property
    def linkinv(self) -> Callable[[np.ndarray], np.ndarray]:
        """``mu = g^{-1}(eta)`` (``family$linkinv``)."""
        return self.linkobj.linkinv

    @property
    def mu_eta(self) -> Callable[[np.ndarray], np.ndarray]:
        """``dmu/deta`` (``family$mu.eta``)."""
        return self.linkobj.mu_eta

    @property
    def valideta(self) -> Callable[[np.ndarray], bool]:
        """``valideta(eta) -> bool`` (``family$valideta``)."""
        return self.linkobj.valideta

    @property
    def link_given(self) -> bool:
        """Whether the user passed ``link`` (so the deparsed call shows it)."""
        return any(a.name == "link" for a in self.call.args)

    def simulate(self, mu, nsim: int = 1, weights=None, rng=None,
                 dispersion: Optional[float] = None) -> np.ndarray:
        """Draw ``nsim`` responses for each mean in ``mu``.

        R: the family's ``simulate`` element (via stats::simulate.lm).

        Parameters
        ----------
        mu : array_like
            Fitted means (length n).
        nsim : int
            Number of simulations.
        weights : array_like, optional
            Prior weights (default all 1).
        rng : numpy.random.Generator, optional
            Random source (default: a fresh ``numpy.random.default_rng()``).
        dispersion : float, optional
            Needed by gaussian (deviance/df.residual, as simulate.lm uses), Gamma
            (``1/alpha`` of MASS::gamma.shape, as R uses) and
            inverse.gaussian (the summary dispersion).

        Returns
        -------
        numpy.ndarray
            Shape ``(n, nsim)``.

        Raises
        ------
        RError
            ``family '<name>' not implemented`` where R's family has no simulator.
        """
        if self.simulator is None:
            raise RError(f"family '{self.family}' not implemented")
        rng = np.random.default_rng() if rng is None else rng
        return self.simulator(mu, nsim, weights, rng, dispersion)

    def __str__(self) -> str:
        # R: print.family — cat() puts a space before each newline.
        return f"\nFamily: {self.family} \nLink function: {self.link} \n\n"

    def __repr__(self) -> str:
        return f"Family({self.family!r}, link={self.link!r})"


def _deparse_value(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.number)):
        return format_number(float(value), digits=15)
    return str(value)


def resolve_link(link: Any, default: str, ok_links: Sequence[str],
                 not_available: Callable[[str], str]) -> Link:
    """Choose the link as R's family constructors do.

    A name in ``ok_links`` or any other string goes through :func:`make_link` (so every
    make.link name is accepted, and an unknown string gives ``‘x’ link not recognised``);
    a :class:`Link` (e.g. ``power(1/3)``) is used as it is.

    Parameters
    ----------
    link : str, Link or MISSING
        The user's ``link`` argument.
    default : str
        The family's default link name.
    ok_links : sequence of str
        The family's okLinks (only used in the message).
    not_available : callable
        Builds the family's error message from the deparsed argument.

    Raises
    ------
    RError
        ``not_available(...)`` for anything else.
    """
    if link is MISSING:
        return make_link(default)
    if isinstance(link, str):
        return make_link(link)
    if isinstance(link, Link):
        return link
    raise RError(not_available(_deparse_value(link)))


def ok_links_message(family: str, ok_links: Sequence[str]) -> Callable[[str], str]:
    """R's ``link "%s" not available for %s family; available links are ‘a’, ‘b’``."""
    listed = ", ".join(f"\u2018{name}\u2019" for name in ok_links)
    return lambda arg: (f'link "{arg}" not available for {family} family; '
                        f"available links are {listed}")


def link_arg_node(link: Link, given: Any) -> Node:
    """The R expression for a ``link`` argument: ``"probit"`` or ``power(0.3333)``."""
    if isinstance(given, str):
        return String(given)
    if link.lambda_ is not None:
        return Call(Symbol("power"), (Arg(None, exponent_node(float(link.lambda_))),))
    return Call(Symbol("make.link"), (Arg(None, String(link.name)),))


def constructor_call(constructor: str, link: Link, given_link: Any,
                     **others: Node) -> Call:
    """Build ``constructor(<others...>, link = ...)`` from the arguments actually given.

    ``others`` are passed in R's argument order and inserted before or after ``link``
    by the caller's choice of keys: ``theta`` precedes ``link``, ``variance`` follows it.
    """
    args = []
    if "theta" in others:
        args.append(Arg("theta", others.pop("theta")))
    if given_link is not MISSING:
        args.append(Arg("link", link_arg_node(link, given_link)))
    args.extend(Arg(name, node) for name, node in others.items())
    return Call(Symbol(constructor), tuple(args))


def exponent_node(lam: float):
    """``1/3`` for the float 0.333..., as an R user would have written the number.

    R keeps ``power(1/3)`` unevaluated in the call; Python only sees the float, so a
    small-denominator fraction that reproduces it exactly is written back as ``p/q``.
    """
    from fractions import Fraction

    if len(repr(abs(lam)).replace(".", "").lstrip("0")) <= 6:
        return Number(lam)  # a short decimal such as 0.5 was written as such
    frac = Fraction(lam).limit_denominator(1000)
    if frac.denominator != 1 and frac.numerator / frac.denominator == lam:
        num = Number(float(abs(frac.numerator)))
        node = Call(Symbol("/"), (Arg(None, num), Arg(None, Number(float(frac.denominator)))))
        return Call(Symbol("-"), (Arg(None, node),)) if frac < 0 else node
    return Number(lam)

