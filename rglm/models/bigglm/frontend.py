"""``bigglm()``: glm() for data that do not fit in memory. R: ``biglm::bigglm``.

The data are read in chunks, once per IRLS iteration (:mod:`rglm.engines.chunked.irls`), with
glm()'s algorithm step for step, so the numbers are glm()'s (coefficients, standard
errors, deviances, AIC, iterations), not biglm's approximations. Plumbing, as glm():
the source of chunks (:mod:`rglm.engines.chunked.sources`, :mod:`rglm.engines.chunked.dask_engine`) →
the factor levels (one pass, unless given) → model frame and matrix per chunk
(:mod:`rglm.models.bigglm.design`) → the chunked fitter → :class:`~rglm.models.bigglm.result.BigGLM`.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any, Mapping, Optional, Union

import pandas as pd

from rglm.models.call import build_call, caller_namespace, data_node, family_node, value_node
from rglm.models.bigglm.design import (ChunkDesign, categorical_names, check_stateless,
                                   expression_node, namespace_for, symbols_of)
from rglm.engines.chunked.sources import SerialEngine, block_reader, is_dask_frame
from rglm.models.glm.frontend import require_response
from rglm.report.progress import Progress
from rglm.errors import RError, WarningsOnce, collecting_warnings, rwarn
from rglm.families import as_family, gaussian
from rglm.engines.chunked.passes import PassKernel, PassTotals
from rglm.engines.chunked.irls import chunked_glm_fit
from rglm.engines.irls.control import as_control
from rglm.formula import ast
from rglm.formula.design import model_matrix
from rglm.formula.parse import parse_formula
from rglm.formula.terms import terms as make_terms
from rglm.models.bigglm.result import BigGLM

__all__ = ["bigglm"]

_NA_ACTIONS = ("na.omit", "na.exclude", "na.fail")


def bigglm(formula: Union[str, ast.Call], data: Any, family: Any = gaussian,
           weights: Any = None, offset: Any = None, chunksize: int = 100_000,
           start: Any = None, control: Any = None,
           levels: Optional[Mapping[str, Any]] = None, progress: bool = False,
           na_action: str = "na.omit") -> BigGLM:
    """Fit a GLM to data read in chunks, with glm()'s numbers.

    R: ``biglm::bigglm`` (interface) and ``stats::glm`` (numbers: the same IRLS, to
    rounding). Each iteration reads the data once; memory holds one chunk at a time.

    Parameters
    ----------
    formula : str
        An R model formula. Transforms needing the whole column (``poly()``,
        ``scale()``) are refused; ``poly(x, 2, raw = TRUE)``, ``log(x)``, ``factor(g)``,
        ``offset(log(n))`` and interactions are fine.
    data : DataFrame, callable, list of DataFrames, path(s), or dask DataFrame
        A pandas DataFrame (cut into ``chunksize`` rows); a function of no arguments
        returning an iterable of DataFrame chunks (called once per pass, e.g.
        ``lambda: pd.read_csv("big.csv", chunksize=100_000)``); CSV or Parquet path(s);
        or a ``dask.dataframe.DataFrame``, whose partitions are processed on the dask
        scheduler in use (a ``dask.distributed.Client``, e.g.
        ``Client("tcp://scheduler:8786")``, when one exists). A plain iterator is
        refused: it cannot be read once per iteration.
    family : Family, family constructor or str
        As glm(); default gaussian.
    weights, offset : str, optional
        Column names or R expressions evaluated in each chunk (``offset="log(n)"``).
    chunksize : int
        Rows per chunk for DataFrames, CSV and Parquet (and within dask partitions).
    start : sequence of float, optional
        Starting coefficients.
    control : GlmControl or dict, optional
        ``rglm.glm_control(epsilon=1e-8, maxit=25, trace=False)``.
    levels : dict, optional
        Levels of factor or character variables of the model frame
        (``{"region": ["N", "S", "E", "W"]}``), used as given; the others are found in a
        first pass over the data (glm's rule: the levels that occur, in declared order
        for a factor, sorted for a character column).
    progress : bool
        Show the progress of each pass (tqdm if installed, else a line on stderr).
    na_action : {"na.omit", "na.exclude", "na.fail"}
        Rows with missing values are dropped (counted for the printed note) or refused.

    Returns
    -------
    BigGLM
        ``print(fit)`` and ``print(rglm.summary(fit))`` give glm()'s text (apart from
        the call).

    Raises
    ------
    RError
        R's errors, plus: a one-shot iterator as ``data``, a stateful transform, a chunk
        that lacks a column or codes differently from the first chunk.
    """
    namespace = caller_namespace()
    fam = as_family(family)
    ctrl = as_control(control)
    if na_action not in _NA_ACTIONS:
        raise RError(f"invalid 'na.action' argument for bigglm(): {na_action!r}")
    chunksize = int(chunksize)
    if chunksize < 1:
        raise RError("'chunksize' must be a positive number of rows")
    for name, value in (("weights", weights), ("offset", offset)):
        if value is not None and not isinstance(value, str):
            raise RError(f"'{name}' must be a column name or an R expression (a string), "
                         "evaluated in each chunk")
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    require_response(formula_node)
    expressions = [formula_node] + [n for n in (expression_node(weights),
                                                expression_node(offset)) if n is not None]
    check_stateless(expressions)

    progress_display = Progress(progress, len(data) if isinstance(data, pd.DataFrame) else None)
    engine = _engine(data, chunksize, expressions, progress_display)
    first = engine.first_block()
    model_terms = make_terms(formula_node, data_names=[str(c) for c in first.columns])
    design = ChunkDesign(terms=model_terms, family=fam, weights=weights, offset=offset,
                         na_action=na_action, namespace=namespace_for(expressions, namespace))
    # glm() evaluates the model frame and the family's initialize and aic once, bigglm()
    # on every block in every pass: each warning they give is issued once.
    once = WarningsOnce()
    with collecting_warnings() as messages:
        xlev, level_passes = _levels(engine, design, first, levels)
        design = replace(design, xlev=xlev)
        mm = model_matrix(design.frame(first))
    once.issue(messages)
    design = replace(design, colnames=tuple(mm.colnames))

    run_pass = functools.partial(_run_pass, engine, design, once)
    fit = chunked_glm_fit(run_pass, len(mm.colnames), fam, control=ctrl, start=start,
                          intercept=bool(model_terms.intercept),
                          offset_given=offset is not None or bool(model_terms.offsets),
                          xnames=mm.colnames)
    call = build_call("bigglm", _call_args(formula_node, data, family, fam, namespace,
                                           weights=weights, offset=offset,
                                           chunksize=chunksize, start=start,
                                           control=control, levels=levels,
                                           na_action=na_action))
    return BigGLM(fit=fit, call=call, terms=model_terms, spec=mm.spec,
                  contrasts=dict(mm.contrasts) or None, xlevels=mm.xlevels,
                  offset_arg=offset, namespace=design.namespace,
                  na_kind="exclude" if na_action == "na.exclude" else "omit",
                  chunksize=chunksize, engine=engine.description, level_passes=level_passes)


def _engine(data, chunksize: int, expressions: list, progress: Progress):
    """The dask engine for a dask DataFrame, else the serial one.

    Only the columns the model names are read (all of them for a formula with ``.``).
    """
    names = symbols_of(expressions)
    columns = None if "." in names else names
    if is_dask_frame(data):
        from rglm.engines.chunked.dask_engine import DaskEngine  # dask is an optional extra

        if columns is not None:
            data = data[[c for c in data.columns if c in columns]]
        return DaskEngine(data, chunksize, progress)
    return SerialEngine(block_reader(data, chunksize, columns), progress)


def _levels(engine, design: ChunkDesign, first: pd.DataFrame,
            given: Optional[Mapping[str, Any]]) -> tuple[dict, int]:
    """Every categorical variable's levels (the given ones, the others from one pass), and
    the number of passes that took."""
    given = {str(k): tuple(str(v) for v in values) for k, values in (given or {}).items()}
    categorical = categorical_names(design.frame(first, fixed_levels=False))
    unknown = sorted(set(given) - set(categorical))
    if unknown:
        raise RError(f"'levels' names {', '.join(unknown)}, which "
                     f"{'is' if len(unknown) == 1 else 'are'} not a factor or character "
                     "variable of the model")
    wanted = tuple(name for name in categorical if name not in given)
    if not wanted:
        return given, 0
    seen = engine.map_reduce(functools.partial(_levels_of, design, wanted),
                             "finding factor levels")
    for message in seen.warnings:
        rwarn(message)
    return {**seen.levels(), **given}, 1


def _levels_of(design: ChunkDesign, names: tuple, block: pd.DataFrame):
    return design.levels_of(names, block)


def _chunk_totals(design: ChunkDesign, kernel: PassKernel, block: pd.DataFrame) -> PassTotals:
    return kernel(design.chunk(block))


def _run_pass(engine, design: ChunkDesign, once: WarningsOnce, kernel: PassKernel,
              label: str) -> PassTotals:
    """One pass: every block through the design and the kernel, totals combined; the
    blocks' warnings not issued before by this bigglm() call are issued."""
    totals = engine.map_reduce(functools.partial(_chunk_totals, design, kernel), label)
    once.issue(totals.warnings)
    return replace(totals, warnings=())


def _call_args(formula_node, data, family_arg, fam, namespace, **kw) -> list:
    """``match.call()`` of bigglm: given arguments in the order of the formals."""
    args: list = [("formula", formula_node), ("data", _data_node(data, namespace)),
                  ("family", family_node(family_arg, fam))]
    for name in ("weights", "offset"):
        if kw[name] is not None:
            args.append((name, value_node(kw[name], namespace, name)))
    if kw["chunksize"] != 100_000:
        args.append(("chunksize", ast.Number(float(kw["chunksize"]))))
    for name in ("start", "control", "levels"):
        if kw[name] is not None:
            args.append((name, value_node(kw[name], namespace, name)))
    if kw["na_action"] != "na.omit":
        args.append(("na.action", ast.Symbol(kw["na_action"])))
    return args


def _data_node(data, namespace) -> ast.Node:
    """The data argument as written: a variable's name, or a path as a string."""
    if isinstance(data, str):
        return ast.String(data)
    if isinstance(data, pd.DataFrame):
        return data_node(data, namespace)
    return value_node(data, namespace, "data")


#: bigglm()'s formals, in order: the arguments update() accepts, as the call orders them.
BIGGLM_FORMALS = ("formula", "data", "family", "weights", "offset", "chunksize", "start",
                  "control", "levels", "progress", "na.action")
