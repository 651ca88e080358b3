"""What rglm writes to standard error while it works, against R's ``message()`` output.

R's texts: ``tests/reference/traces.json`` (``tests/reference/make_traces.R``): glm.nb's
alternation trace, theta.ml's Newton steps, profile.glm's "Parameter:" lines and
confint's "Waiting for profiling to be done...". The text is built by
:mod:`rglm.render` and written through :func:`rglm.report.message`, so capturing the
stream captures it all, and nothing goes to standard output.
"""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.r_cases("traces", "cases")
def test_messages_are_rs(case, r_eval, capsys):
    capsys.readouterr()
    result = r_eval(case["py"], case["data"], {"np": np})
    captured = capsys.readouterr()
    assert captured.err == case["messages"]
    assert captured.out == "" and result.output == ""
