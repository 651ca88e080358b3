"""Rendering smoke tests: each plot kind draws with matplotlib's Agg backend (no display),
one axes per panel, the panels' data kept on the figure. What is drawn is checked
against R in test_plot_lm.py and test_plot_others.py (the data, not pixels)."""

from __future__ import annotations

import io

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

_FITS = {
    "clotting": 'rglm.glm("lot1 ~ log(u)", data=clotting, family=rglm.Gamma)',
    "birthwt": 'rglm.glm("low ~ age + lwt + factor(race) + smoke", family=rglm.binomial, '
               'data=birthwt)',
    "cbpp": 'rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", '
            'data=cbpp, family=rglm.binomial())',
}


@pytest.fixture
def fit(r_fit):
    return lambda name: r_fit(_FITS[name], (name,)).value


def _renders(fig, n_panels: int) -> None:
    try:
        assert len(fig.plot_data) == n_panels
        drawn = [ax for ax in fig.axes if ax.has_data() or ax.texts]
        assert len(drawn) >= n_panels
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=40)
        assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        plt.close(fig)


def test_plot_lm_renders_all_six_panels(fit, r_warnings):
    import rglm

    with r_warnings():
        fig = rglm.plot(fit("birthwt"), which=range(1, 7))
    _renders(fig, 6)
    titles = [ax.get_title() for ax in fig.axes[:6]]
    assert titles[0] == "Residuals vs Fitted" and titles[1] == "Q-Q Residuals"


def test_termplot_renders(fit):
    import rglm

    _renders(rglm.termplot(fit("birthwt"), partial_resid=True, se=True, smooth=True), 4)


def test_profile_plot_renders(fit):
    import rglm

    _renders(rglm.plot(rglm.profile(fit("clotting"))), 2)


def test_ranef_dotplot_renders(fit):
    import rglm

    _renders(rglm.plot(rglm.ranef(fit("cbpp"), condVar=True)), 1)


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch, fit):
    """matplotlib is optional: without it, drawing is R's error naming the extra (the
    data stay available)."""
    import builtins

    import rglm
    from rglm.errors import RError

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(RError, match=r"pip install 'rglm\[plot\]'"):
        rglm.plot(rglm.profile(fit("clotting")))
    assert len(rglm.plot_data(rglm.profile(fit("clotting")))) == 2
