"""Every printed result shows R's text the same way: ``str``, ``repr`` and IPython's
pretty printer give ``format()``; tables give markdown and Jupyter HTML
(:mod:`rglm.render.display`). The texts themselves are compared with R's elsewhere."""

from __future__ import annotations

import pytest


class _Pretty:
    """Enough of IPython's pretty printer for ``_repr_pretty_``."""

    def __init__(self):
        self.out = ""

    def text(self, s):
        self.out += s


@pytest.fixture(scope="module")
def results(dataset):
    import rglm

    quine = dataset("quine")
    dobson = dataset("dobson")
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
    nb1 = rglm.glm_nb("Days ~ Sex", data=quine)
    nb2 = rglm.glm_nb("Days ~ Sex + Eth", data=quine)
    return {"glm": fit, "summary": rglm.summary(fit), "anova": rglm.anova(fit),
            "coeftest": rglm.coeftest(fit), "influence": rglm.influence_measures(fit),
            "glm.nb": nb2, "summary.negbin": rglm.summary(nb2),
            "anova.negbin": rglm.anova(nb1, nb2)}


@pytest.mark.parametrize("name", ["glm", "summary", "anova", "coeftest", "influence",
                                  "glm.nb", "summary.negbin", "anova.negbin"])
def test_str_repr_and_ipython_show_the_printout(results, name):
    obj = results[name]
    text = obj.format()
    pretty = _Pretty()
    obj._repr_pretty_(pretty, False)
    assert str(obj) == repr(obj) == pretty.out == text
    assert "Call" in text or "Analysis of Deviance" in text or "test of coefficients" in text \
        or "Influence measures" in text or "Likelihood ratio tests" in text


@pytest.mark.parametrize("name", ["summary", "anova", "coeftest", "summary.negbin",
                                  "anova.negbin"])
def test_tables_show_as_markdown_and_html(results, name):
    import rglm

    obj = results[name]
    assert obj.to_markdown() == rglm.to_markdown(obj)
    assert obj._repr_html_() == obj.to_html() == rglm.to_html(obj)
    assert obj.to_html().startswith('<div class="rglm-table">')
