"""The ``rglm`` command: R's printed text for ``fit`` (with weights, offsets, anova and
confint) and lme4's for ``glmer``/``lmer`` (tests/reference/make_cli.R -> cli.json), the
same results as markdown, HTML and JSON, ``fmm`` and ``plot``, and the guarantee that
nothing typed on the command line runs as Python."""

import json
import re

import numpy as np
import pytest

from rglm.cli import main


def run(argv, capsys):
    status = main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_no_arguments_prints_rs_dobson_summary(reference, same_printed, noise_among, capsys):
    """Dobson's treatment effects are zero in exact arithmetic: their printed digits and
    sign are rounding noise of the machine's BLAS, compared as such (conftest's
    ``compare_printed``); every other character is R's."""
    case = next(m for m in reference("glm_models")["models"] if m["id"] == "dobson_poisson")
    status, out, _ = run([], capsys)
    assert status == 0
    same_printed(out, case["summary_print"], noise_among(case["coefficients"]))


@pytest.mark.r_cases("cli", "cases")
def test_fit_subcommand_prints_what_r_prints(case, capsys):
    """R's output for the code the arguments stand for: summary, anova (R >= 4.4's
    default test), profile confint (tests/reference/make_cli.R)."""
    status, out, err = run(case["argv"], capsys)
    assert status == 0
    assert out == case["print"]
    # R's message() goes to standard error, as here
    assert err == ("Waiting for profiling to be done...\n" if "--confint" in case["argv"]
                   else "")


@pytest.mark.r_cases("cli", "mixed_cases")
def test_glmer_and_lmer_subcommands_print_lme4s_summary(case, reference, same_printed,
                                                        capsys):
    """Current lme4's summary of the call the arguments stand for: the text of the
    mixed.json model make_cli.R names (and checked the call of)."""
    model = next(m for m in reference("mixed")["models"] if m["id"] == case["model"])
    assert model["r"] == case["r"]
    assert model["tol_detail"]["summary_digits_stable"]
    status, out, _ = run(case["argv"], capsys)
    assert status == 0
    same_printed(out, model["summary_print"], what=case["id"])


def test_data_from_a_csv_file(reference, dataset, tmp_path, capsys):
    """A CSV file named like the dataset gives the same call, hence R's same text."""
    case = next(c for c in reference("cli")["cases"] if c["id"] == "gamma_by_name")
    path = tmp_path / "clotting.csv"
    dataset("clotting").to_csv(path, index=False)
    argv = list(case["argv"])
    argv[argv.index("--data") + 1] = str(path)
    status, out, _ = run(argv, capsys)
    assert status == 0
    assert out == case["print"]


# ---- the other formats ---------------------------------------------------------------

ANOVA_ARGS = ["fit", "cbind(numdead, numalive) ~ sex + ldose", "--data", "budworm",
              "--family", "binomial()", "--anova", "--confint"]


@pytest.fixture(scope="module")
def budworm_results(dataset):
    import rglm

    fit = rglm.glm("cbind(numdead, numalive) ~ sex + ldose", data=dataset("budworm"),
                   family=rglm.binomial())
    return fit, rglm.summary(fit), rglm.anova(fit), rglm.confint(fit)


def test_markdown_and_html_are_the_tables_of_the_printed_results(budworm_results, capsys):
    _, summary, table, ci = budworm_results
    status, md, _ = run(ANOVA_ARGS + ["--format", "markdown"], capsys)
    assert status == 0
    assert md == "\n".join(x.to_markdown() for x in (summary, table, ci))
    assert len(re.findall(r"^\|[-:| ]+\|$", md, re.M)) == 3  # three pipe tables
    status, page, _ = run(ANOVA_ARGS + ["--format", "html"], capsys)
    assert status == 0
    assert page == "\n".join(x._repr_html_() for x in (summary, table, ci))
    assert page.count("<table>") == 3


def test_json_holds_broom_records_of_the_results(budworm_results, capsys):
    import rglm

    fit, _, table, ci = budworm_results
    status, out, _ = run(ANOVA_ARGS + ["--format", "json"], capsys)
    assert status == 0
    doc = json.loads(out)
    assert set(doc) == {"summary", "anova", "confint"}
    assert doc["summary"]["call"] == ("glm(formula = cbind(numdead, numalive) ~ sex + ldose, "
                                      "family = binomial(), data = budworm)")
    coefs = doc["summary"]["coefficients"]
    assert [c["term"] for c in coefs] == list(fit.coefficients.index)
    assert list(coefs[0]) == list(rglm.tidy(fit).columns)
    np.testing.assert_array_equal([c["estimate"] for c in coefs], fit.coefficients)
    assert doc["summary"]["fit"]["deviance"] == fit.deviance
    assert [r["term"] for r in doc["anova"]] == list(table.table.index)
    assert doc["anova"][0]["Df"] is None  # NA is null
    np.testing.assert_array_equal([[r["2.5 %"], r["97.5 %"]] for r in doc["confint"]],
                                  ci.to_numpy())


# ---- fmm and plot ------------------------------------------------------------------------


def test_fmm_subcommand_prints_the_fits_stata_output(dataset, capsys):
    import rglm

    argv = ["fmm", "y_pois ~ x", "--data", "fmmsim", "--k", "2", "--family", "poisson"]
    status, out, _ = run(argv, capsys)
    assert status == 0
    fit = rglm.fmm("y_pois ~ x", dataset("fmmsim"), 2, family="poisson")
    assert out == fit.format()
    assert out.startswith("Finite mixture model")


def test_plot_subcommand_draws_rs_panels(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / "fit.png"
    argv = ["plot", "counts ~ outcome + treatment", "--data", "dobson", "--family",
            "poisson()", "--which", "1,2", "--out", str(target)]
    status, out, _ = run(argv, capsys)
    assert status == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, _, err = run(argv[:-4] + ["--which", "one", "--out", str(target)], capsys)
    assert status == 1 and err == "Error: 'which' must be in 1:6\n"


# ---- nothing typed runs as Python ----------------------------------------------------------

MARK = "rglm_cli_marker"


@pytest.mark.parametrize("where, text, error", [
    ("formula", "counts ~ __import__('os').system('touch %s')",
     "Error: <text>:1:10: unexpected input"),
    ("formula", "counts ~ system('touch %s')", 'Error: could not find function "system"'),
    ("formula", "counts ~ eval(parse(text = 'system(\"touch %s\")'))",
     'Error: could not find function "eval"'),
    ("formula", "counts ~ outcome; open('%s', 'w')", "Error: <text>:1:17: unexpected ';'"),
    ("--family", "__import__('os').system('touch %s')", "Error: <text>:1:1: unexpected input"),
    ("--family", "system('touch %s')", 'Error: could not find function "system"'),
    ("--weights", "__import__('os').system('touch %s')",
     "Error: <text>:1:1: unexpected input"),
    ("--offset", "system('touch %s')", 'Error: could not find function "system"'),
])
def test_command_line_text_is_parsed_as_r_only(where, text, error, tmp_path, monkeypatch,
                                               capsys):
    """R's grammar and R's functions only: Python code is a syntax error or an unknown R
    function, and runs nothing (no marker file appears)."""
    monkeypatch.chdir(tmp_path)
    code = text % MARK
    argv = ["fit", "counts ~ outcome", "--data", "dobson", "--family", "poisson"]
    if where == "formula":
        argv[1] = code
    elif where == "--family":
        argv[argv.index("--family") + 1] = code
    else:
        argv += [where, code]
    status, out, err = run(argv, capsys)
    assert status == 1 and out == ""
    assert err.splitlines()[0] == error
    assert not (tmp_path / MARK).exists()


@pytest.mark.parametrize("name", ["main", "json", "run", "argv", "os", "sys"])
def test_formulas_see_the_data_only(name, capsys):
    """Names missing from the data are not looked up among Python's variables (the
    namespace the front ends see from the command line holds nothing R can name)."""
    argv = ["fit", f"counts ~ outcome + {name}", "--data", "dobson", "--family", "poisson"]
    status, _, err = run(argv, capsys)
    assert status == 1
    assert err == f"Error: object '{name}' not found\n"


def test_warnings_follow_the_output_as_r_reports_them(reference, capsys):
    """lme4's warning (mixed.json: glmer with family gaussian), after the summary, under
    R's ``Warning message:``."""
    model = next(m for m in reference("mixed")["models"]
                 if m["id"] == "sleepstudy_glmer_gaussian")
    argv = ["glmer", "Reaction ~ Days + (1 | Subject)", "--data", "sleepstudy",
            "--family", "gaussian()"]
    status, out, err = run(argv, capsys)
    assert status == 0 and out.startswith("Linear mixed model fit by REML")
    assert [c["type"] for c in model["conditions"]] == ["warning"]
    assert err == "Warning message:\n" + model["conditions"][0]["text"] + "\n"


def test_datasets_subcommand(capsys):
    status, out, _ = run(["datasets"], capsys)
    assert status == 0
    assert re.search(r"^dobson\s", out, re.M)


@pytest.mark.parametrize("argv, message", [
    (["fit", "y ~ x", "--data", "no_such_dataset"],
     "Error: object 'no_such_dataset' not found"),
    (["fit", "y ~ x", "--data", "missing.csv"],
     "Error: cannot open file 'missing.csv': No such file or directory"),
    (["fit", "counts ~", "--data", "dobson"], "Error: <text>:2:0: unexpected end of input"),
])
def test_errors_are_reported_without_a_traceback(argv, message, capsys):
    status, out, err = run(argv, capsys)
    assert status == 1 and out == ""
    assert err.startswith(message)
