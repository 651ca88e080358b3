"""The datasets of the mixed-model references load with R's own types and factor levels.

Expected values: the ``datasets`` section of ``tests/reference/mixed.json``, written by
``tests/reference/make_mixed.R`` from the data frames R fits (lme4's and mlmRev's data,
checked there to be equal to the packages' own, the InstEval subset and the simulated
``mixedsim``), independently of the ``data/<name>.json`` sidecars the loader reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rglm.datasets import list_datasets, load

cases = pytest.mark.r_cases("mixed", "datasets", arg="name,spec")


def test_every_dataset_of_the_references_is_shipped(reference):
    mixed = reference("mixed")
    named = {d for section in ("models", "errors") for case in mixed[section]
             for d in case["data"]}
    assert named <= set(mixed["datasets"])
    assert set(mixed["datasets"]) <= set(list_datasets())


@cases
def test_columns_have_rs_types(name, spec):
    df = load(name)
    assert df.shape == (spec["nrow"], len(spec["columns"]))
    assert list(df.columns) == [c["name"] for c in spec["columns"]]
    for col in spec["columns"]:
        x = df[col["name"]]
        has_na = col["n_na"] > 0
        if col["class"] in ("factor", "ordered"):
            assert isinstance(x.dtype, pd.CategoricalDtype), col["name"]
            assert list(x.cat.categories) == col["levels"], col["name"]
            assert x.cat.ordered is col["ordered"], col["name"]
            counts = x.value_counts(sort=False).reindex(col["levels"])
            assert counts.tolist() == col["counts"], col["name"]
        elif col["class"] == "integer":
            assert x.dtype == ("Int64" if has_na else np.int64), col["name"]
        elif col["class"] == "numeric":
            assert x.dtype == np.float64, col["name"]
        else:
            pytest.fail(f"{name}${col['name']}: unexpected R class {col['class']}")
        assert int(x.isna().sum()) == col["n_na"], col["name"]

