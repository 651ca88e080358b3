"""The summary object's printout with ``show_residuals``: what the summary computes for
the "Deviance Residuals" block (quantiles, or the residuals under R's row names) against
R's print.summary.glm (``tests/reference/printing.json``, section ``summary``: R 4.2's
text, which always shows the block; written by make_printing.R)."""

from __future__ import annotations

import numpy as np
import pytest

# make_printing.R's fits with missing values: clot_na <- clotting;
# clot_na$lot1[c(2, 7)] <- NA, fitted as is (na.omit) and without its row 3 (na.exclude)
FITS = {
    "clot_na": 'rglm.glm("lot1 ~ log(u)", data=clot_na, family=rglm.Gamma)',
    "clot_na_excl": ('rglm.glm("lot1 ~ log(u)", data=clot_na.drop(index=2), '
                     'family=rglm.Gamma, na_action="na.exclude")'),
}


def residual_block(text: str) -> str:
    """The lines from "Deviance Residuals:" up to the coefficient table."""
    return text[text.index("Deviance Residuals:"):text.index("Coefficients:")]


@pytest.mark.parametrize("name", sorted(FITS))
def test_residual_names_are_rs_after_dropped_rows(name, reference, dataset, r_eval):
    case = reference("printing")["summary"][name]
    clot_na = dataset("clotting")
    clot_na.loc[[1, 6], "lot1"] = np.nan  # honesty: R's clot_na$lot1[c(2, 7)] <- NA
    fit = r_eval(FITS[name], bindings={"clot_na": clot_na}).value
    import rglm

    got = rglm.summary(fit).format(show_residuals=True)
    assert residual_block(got) == residual_block(case["out_residuals"])
