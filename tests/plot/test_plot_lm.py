"""R's plot.lm panels for glm fits: the plotted data against what R drew.

Expected values: ``plot_lm`` of ``tests/reference/plots.json``
(``tests/reference/make_plots.R``), read back from R's display list (the coordinates R
passed to its graphics calls), converted to current R where R 4.3 changed plot.lm (see
the script's header: L1, L2). Tolerance 1e-8 relative (assert_close's noise floor for
values that are zero in exact arithmetic) except where a note says why.
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.plots.lm import plot_lm_data

TOL = 1e-8


def _fit(case, r_fit):
    return r_fit(case["py"], case["data"]).value


def _noise_level_x(values) -> bool:
    """Whether the values differ only by rounding noise (constant leverages: where R's
    own smoother of them is noise, and no test may depend on it)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 0 and (v.max() - v.min()) <= 1e-10 * np.abs(v).max()


@pytest.mark.r_cases("plots", "plot_lm")
def test_panels_match_rs_plotted_data(case, r_fit, r_warnings, assert_close):
    fit = _fit(case, r_fit)
    for expected in case["panels"]:
        k = expected["which"]
        what = f"{case['id']} which={k}"
        with r_warnings() as warned:
            (panel,) = plot_lm_data(fit, which=k)
        assert warned == expected["warnings"], what
        if expected["messages"]:
            assert [panel.message + "\n"] == expected["messages"], what
            assert panel.type == "n"
            continue
        assert panel.caption == expected["caption"], what
        assert (panel.xlab, panel.ylab) == (expected["xlab"], expected["ylab"]), what
        assert panel.sub == (expected["sub"] or ""), what
        assert_close(panel.xlim, expected["xlim"], TOL, f"{what} xlim")
        assert_close(panel.ylim, expected["ylim"], TOL, f"{what} ylim")
        points = expected["points"]
        assert panel.type == points["type"], what
        assert_close(panel.x, points["x"], TOL, f"{what} x")
        assert_close(panel.y, points["y"], TOL, f"{what} y")
        smooth = expected["smooth"]
        assert (panel.smooth is None) == (smooth is None), what
        if smooth is not None and not _noise_level_x(smooth["x"]):
            assert_close(panel.smooth[0], smooth["x"], TOL, f"{what} smoother x")
            # a weighted mean of the points: its rounding error is relative to them
            # (the smooth of Pearson residuals can be zero in exact arithmetic)
            scale = float(np.nanmax(np.abs(np.asarray(panel.y, dtype=float))))
            assert_close(panel.smooth[1], smooth["y"], TOL, f"{what} smoother y",
                         atol=TOL * scale)
        labels = expected["labels"]
        if labels is not None:
            assert list(panel.labels.text) == labels["text"], what
            assert_close(panel.labels.x, labels["x"], TOL, f"{what} label x")
            assert_close(panel.labels.y, expected["label_points"], TOL, f"{what} label y")
            pos = labels["pos"] * (len(labels["text"]) if len(labels["pos"]) == 1 else 1)
            assert list(panel.labels.pos) == pos, what


@pytest.mark.r_cases("plots", "plot_lm")
def test_reference_lines_and_axes_match_r(case, r_fit, r_warnings, assert_close):
    fit = _fit(case, r_fit)
    for expected in case["panels"]:
        k = expected["which"]
        what = f"{case['id']} which={k}"
        if expected["messages"]:
            continue
        with r_warnings():
            (panel,) = plot_lm_data(fit, which=k)
        if k == 6:
            # contour lines through the origin: R's abline(0, b^2) where the line leaves
            # the plot on the right, else a segment to near the top, whose end depends on
            # the device's font (strheight): its slope is compared
            slopes = [ab["b"] for ab in expected["ablines"] if ab["a"] is not None]
            assert_close([ab.b for ab in panel.ablines], slopes, TOL, f"{what} slopes")
            assert len(panel.lines) == len(expected["lines"]), what
            for got, line in zip(panel.lines, expected["lines"]):
                assert_close(got.y[1] / got.x[1], line["y"][1] / line["x"][1], TOL, what)
            contour_texts = [t["text"] for t in expected["texts"][:-1]]
            assert [[t.text] for t in panel.texts] == contour_texts, what
        else:
            got = [(ab.a, ab.b, ab.h, ab.v) for ab in panel.ablines]
            want = [(ab["a"], ab["b"], tuple(ab["h"] or ()), tuple(ab["v"] or ()))
                    for ab in expected["ablines"]]
            assert len(got) == len(want), what
            for g, w in zip(got, want):
                for a, b in zip(g, w):
                    if b is None or b == ():
                        assert a in (None, ()), what
                    else:
                        assert_close(a, b, TOL, f"{what} abline")
            assert len(panel.lines) == len(expected["lines"]), what
            for got_line, line in zip(panel.lines, expected["lines"]):
                assert_close(got_line.x, line["x"], TOL, f"{what} contour x")
                assert_close(got_line.y, line["y"], TOL, f"{what} contour y")
        assert len(panel.axes) == len(expected["axes"]), what
        for got_axis, axis in zip(panel.axes, expected["axes"]):
            assert got_axis.side == axis["side"], what
            assert list(got_axis.labels) == axis["labels"], what
            assert_close(got_axis.at, axis["at"], TOL, f"{what} axis")
        legends = [t["text"][0] for t in expected["texts"] if t["text"] == ["Cook's distance"]]
        if k == 5:
            assert panel.legend == (legends[0] if legends else None), what


def test_several_panels_share_one_computation(r_fit, reference, r_warnings):
    case = next(c for c in reference("plots")["plot_lm"] if c["id"] == "dobson_poisson")
    fit = _fit(case, r_fit)
    panels = plot_lm_data(fit, which=[5, 1, 2, 3])
    assert [p.name for p in panels] == ["which=1", "which=2", "which=3", "which=5"]
    one = {p.name: p for p in plot_lm_data(fit, which=range(1, 7))}
    for p in panels:
        np.testing.assert_array_equal(p.y, one[p.name].y)


@pytest.mark.parametrize("which", [0, 7, [1, 9], "1"])
def test_which_outside_1_to_6_is_rs_error(which, r_fit, reference):
    from rglm.errors import RError

    case = reference("plots")["plot_lm"][0]
    with pytest.raises(RError, match=r"'which' must be in 1:6"):
        plot_lm_data(_fit(case, r_fit), which=which)


def test_id_n_outside_range_is_rs_error(r_fit, reference):
    from rglm.errors import RError

    case = reference("plots")["plot_lm"][0]
    with pytest.raises(RError, match=r"'id.n' must be in \{1,..,9\}"):
        plot_lm_data(_fit(case, r_fit), id_n=10)


def test_id_n_zero_labels_nothing(r_fit, reference):
    case = reference("plots")["plot_lm"][0]
    for panel in plot_lm_data(_fit(case, r_fit), which=range(1, 7), id_n=0):
        assert panel.labels is None
