"""termplot, plot(profile(fit)) and lme4's dotplot(ranef(fit, condVar = TRUE)): the
plotted data against R's.

Expected values: ``termplot``, ``profile_plot`` and ``ranef_dotplot`` of
``tests/reference/plots.json`` (``tests/reference/make_plots.R``). termplot and
plot.profile are base graphics, read back from R's display list (every ``points()`` /
``lines()`` call with its colour and line type); the dotplot is lattice, read from the
trellis object lme4 returns, converted to current lme4 (D1: ``qnorm(0.975)`` half-widths
instead of 1.96).

Tolerances: 1e-8 relative for the glm plots (assert_close's noise floor for values that
are zero in exact arithmetic). The dotplot shows a mixed model's conditional modes and
sds, which lme4 leaves where its optimiser stopped: the tolerances are mixed.json's for
the same model (``tol_scaled["condval"]``, ``tol["condsd"]``; see
tests/models/mixed/test_fits.py).
"""

from __future__ import annotations

import numpy as np
import pytest

TOL = 1e-8

#: R's colours in termplot -> the records' colours
_TERM, _SE, _POINTS, _SMOOTH = "2", "orange", "gray", "darkred"


def _evaluate(case, r_fit, r_eval):
    fit = r_fit(case["fit"]["py"], case["data"]).value
    return r_eval(case["py"], case["data"], {"fit": fit})


# ---- termplot ---------------------------------------------------------------------------


@pytest.mark.r_cases("plots", "termplot")
def test_termplot_panels_match_r(case, r_fit, r_eval, assert_close):
    got = _evaluate(case, r_fit, r_eval)
    assert got.warnings == case["warnings"]
    panels = got.value
    assert len(panels) == len(case["panels"])
    for panel, want in zip(panels, case["panels"]):
        what = f"{case['id']} {panel.name}"
        assert (panel.xlab, panel.ylab) == (want["xlab"], want["ylab"]), what
        assert_close(panel.xlim, want["xlim"], TOL, f"{what} xlim")
        assert_close(panel.ylim, want["ylim"], TOL, f"{what} ylim")
        calls = want["xy"]
        # the term's curve (or its level segments) and the +-2 se curves, in R's order
        lines = [c for c in calls if c["type"] == "l" and c["col"] in (_TERM, _SE)]
        assert len(panel.lines) == len(lines), what
        scale = float(np.max(np.abs(want["ylim"])))
        for got_line, line in zip(panel.lines, lines):
            assert got_line.color == ("red" if line["col"] == _TERM else "orange"), what
            assert got_line.style == ("solid" if line["lty"] == "solid" else "dashed")
            assert_close(got_line.x, line["x"], TOL, f"{what} line x")
            # contributions are centred (zero in exact arithmetic at the mean)
            assert_close(got_line.y, line["y"], TOL, f"{what} line y", atol=TOL * scale)
        points = [c for c in calls if c["type"] == "p"]
        if points:
            assert panel.type == "p" and panel.point_color == _POINTS, what
            assert_close(panel.x, points[0]["x"], TOL, f"{what} x")
            assert_close(panel.y, points[0]["y"], TOL, f"{what} partial residuals",
                         atol=TOL * scale)
        else:
            assert panel.type == "n", what
        smooth = [c for c in calls if c["type"] == "l" and c["col"] == _SMOOTH]
        assert (panel.smooth is not None) == bool(smooth), what
        if smooth:
            assert (panel.smooth_color, panel.smooth_style) == ("darkred", "dashed")
            assert_close(panel.smooth[0], smooth[0]["x"], TOL, f"{what} smoother x")
            assert_close(panel.smooth[1], smooth[0]["y"], TOL, f"{what} smoother y",
                         atol=TOL * scale)
        assert len(panel.axes) == len(want["axes"]), what
        for got_axis, axis in zip(panel.axes, want["axes"]):
            assert got_axis.side == axis["side"], what
            assert list(got_axis.labels) == axis["labels"], what
            assert_close(got_axis.at, axis["at"], TOL, f"{what} axis")


def test_termplot_smooth_needs_partial_residuals(r_fit, reference):
    """R draws panel.smooth in place of the partial residuals' points: no smoother
    without them."""
    from rglm.plots.others import termplot_data

    case = next(c for c in reference("plots")["termplot"]
                if c["id"] == "clotting_gamma_smooth")
    fit = r_fit(case["fit"]["py"], case["data"]).value
    (panel,) = termplot_data(fit, smooth=True)
    assert panel.smooth is None and panel.type == "n"


def test_termplot_bad_ylim_is_an_error(r_fit, reference):
    from rglm.errors import RError
    from rglm.plots.others import termplot_data

    case = reference("plots")["termplot"][0]
    fit = r_fit(case["fit"]["py"], case["data"]).value
    with pytest.raises(RError, match="ylim"):
        termplot_data(fit, ylim="fixed")


# ---- plot(profile(fit)) -------------------------------------------------------------------


@pytest.mark.r_cases("plots", "profile_plot")
def test_profile_plot_panels_match_r(case, r_fit, r_eval, assert_close):
    """Profile values are compared at 1e-8 as in tests/models/glm/test_profile.py; the
    spline through them is R's spline() (fmm, 3n points)."""
    panels = _evaluate(case, r_fit, r_eval).value
    assert len(panels) == len(case["panels"])
    for panel, want in zip(panels, case["panels"]):
        what = f"{case['id']} {panel.name}"
        assert (panel.xlab, panel.ylab) == (want["xlab"], want["ylab"]), what
        assert_close(panel.xlim, want["xlim"], TOL, f"{what} xlim", noise_ratio=0)
        assert_close(panel.ylim, want["ylim"], TOL, f"{what} ylim", noise_ratio=0)
        cross = [c for c in want["xy"] if c["type"] == "p"]
        assert panel.type == "+" and [c["pch"] for c in cross] == ["3"] * len(cross)
        if cross:
            scale = max(abs(v) for v in want["xlim"])
            assert_close(panel.x, cross[0]["x"], TOL, f"{what} estimate", atol=TOL * scale)
            assert_close(panel.y, cross[0]["y"], 0, f"{what} tau = 0")
        (curve,) = [c for c in want["xy"] if c["type"] == "l"]
        (line,) = panel.lines
        assert_close(line.x, curve["x"], TOL, f"{what} spline x", noise_ratio=0,
                     atol=TOL * max(abs(v) for v in want["xlim"]))
        assert_close(line.y, curve["y"], TOL, f"{what} spline y",
                     atol=TOL * max(abs(v) for v in want["ylim"]))


# ---- dotplot(ranef(fit, condVar = TRUE)) ---------------------------------------------------


@pytest.fixture(scope="module")
def mixed_tolerances(reference):
    return {m["id"]: (m["tol_scaled"]["condval"], m["tol"]["condsd"])
            for m in reference("mixed")["models"]}


@pytest.mark.r_cases("plots", "ranef_dotplot")
def test_ranef_dotplot_matches_lme4(case, r_fit, r_eval, assert_close, mixed_tolerances):
    panels = list(_evaluate(case, r_fit, r_eval).value)
    tol_val, tol_sd = mixed_tolerances[case["id"]]
    for group in case["groups"]:
        for want in group["panels"]:
            panel = panels.pop(0)
            what = f"{case['id']} {group['grpvar']} {want['term']}"
            assert panel.name == f"{group['grpvar']}: {want['term']}", what
            assert panel.caption == f"{group['main']}\n{want['term']}", what
            scale = float(np.max(np.abs(want["x"])))
            assert_close(panel.x, want["x"], tol_val, f"{what} modes", atol=tol_val * scale)
            # the levels, bottom to top, as lattice labels the y axis: sorted by the
            # first term's modes; levels whose modes tie in exact arithmetic (Penicillin's
            # plates) come in the order of their rounding noise, so only the order of
            # the modes is compared: the level at each point's position must have R's
            # mode of that point
            (axis,) = panel.axes
            assert axis.side == 2 and sorted(axis.labels) == sorted(group["y_labels"])
            first = group["panels"][0]
            mode_of = {group["y_labels"][int(p) - 1]: v
                       for p, v in zip(first["y"], first["x"])}
            first_x = np.asarray(first["x"], dtype=float)
            tie = tol_val * float(np.max(np.abs(first_x)))
            at_position = [mode_of[axis.labels[int(p) - 1]] for p in panel.y]
            assert np.all(np.abs(np.asarray(at_position) - first_x) <= tie), what
            assert panel.ylim == (0.5, len(group["y_labels"]) + 0.5), what
            (bars,) = panel.segments
            assert bars.horizontal
            np.testing.assert_array_equal(bars.x, panel.y)
            # an interval end moves by the mode's error plus qnorm(0.975) x the sd's
            se = np.asarray(want["se"], dtype=float)
            atol = tol_val * scale + 2 * tol_sd * float(np.max(se))
            assert_close(bars.y0, want["lo"], 0, f"{what} lower ends", atol=atol)
            assert_close(bars.y1, want["hi"], 0, f"{what} upper ends", atol=atol)
            assert_close(panel.xlim, want["xlim"], 0, f"{what} xlim", atol=atol)
            (zero,) = panel.ablines
            assert zero.v == (0.0,), what
    assert panels == [], "panels lme4 does not draw"


def test_ranef_dotplot_level_is_current_lme4s(r_fit, reference):
    """current lme4: half-widths qnorm((1 + level)/2) x sd (1.1-31 used 1.96)."""
    from scipy.stats import norm

    import rglm

    case = reference("plots")["ranef_dotplot"][0]
    re = rglm.ranef(r_fit(case["fit"]["py"], case["data"]).value, condVar=True)
    sd = re.as_data_frame()["condsd"].to_numpy()
    for level in (0.95, 0.5):
        (panel,) = rglm.plot_data(re, level=level)
        (bars,) = panel.segments
        # one term: the bars are in the levels' order, as as.data.frame's rows
        np.testing.assert_allclose((bars.y1 - bars.y0) / 2,
                                   norm.ppf((1 + level) / 2) * sd, rtol=1e-12)
