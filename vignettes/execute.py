"""Execute a Markdown vignette: run its ```python blocks, record their output.

A vignette is Markdown whose ```python blocks run in order in one namespace; whatever a block
prints is stored in the ```output block that follows it (created or replaced). R code sits
beside it in ```r blocks and is not run. The test suite re-executes every vignette and
fails if a recorded output differs from what the code prints now, so the outputs shown to
readers are always real.

Usage: ``python vignettes/execute.py vignettes/rglm-for-r-users.md`` rewrites the file.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import warnings
from pathlib import Path

FENCE = re.compile(r"^```(\w*)[ \t]*$")


def _blocks(lines: list[str]):
    """Yield (kind, start, end) of fenced blocks; kind '' for plain text runs."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1):
            j = i + 1
            while j < len(lines) and lines[j] != "```":
                j += 1
            yield m.group(1), i, j + 1
            i = j + 1
        else:
            yield "", i, i + 1
            i += 1


def execute(text: str) -> str:
    """Return ``text`` with every python block's output block brought up to date."""
    lines = text.split("\n")
    pieces = list(_blocks(lines))
    namespace: dict = {"__name__": "__vignette__"}
    out: list[str] = []
    k = 0
    while k < len(pieces):
        kind, s, e = pieces[k]
        out.extend(lines[s:e])
        k += 1
        if kind != "python":
            continue
        code = "\n".join(lines[s + 1:e - 1])
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("always")
            exec(compile(code, "<vignette>", "exec"), namespace)
        printed = buf.getvalue()
        # Skip an existing output block (and the blank line before it).
        nxt = k
        if nxt < len(pieces) and pieces[nxt][0] == "" and lines[pieces[nxt][1]] == "" \
                and nxt + 1 < len(pieces) and pieces[nxt + 1][0] == "output":
            k = nxt + 2
        elif nxt < len(pieces) and pieces[nxt][0] == "output":
            k = nxt + 1
        if printed:
            body = printed[:-1] if printed.endswith("\n") else printed
            out.extend(["", "```output", *body.split("\n"), "```"])
    return "\n".join(out)


def main(paths: list[str]) -> int:
    for p in paths:
        path = Path(p)
        path.write_text(execute(path.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
