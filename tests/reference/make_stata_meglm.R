# Stata's published meglm-family output: tests/reference/stata_meglm.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_stata_meglm.R
# Needs jsonlite and lme4.
#
# For meglm the oracle is Stata's documented behaviour and its published output; nobody
# here has Stata.  This script is the committed record of that output: each case's text is
# transcribed, as published, from the source it names (a Stata 17 log on a public page),
# and the search that found it (and what it did not find) is recorded beside it.  R adds
# what R can say about the same data: rglm's `Contraception` (mlmRev's copy of the
# Bangladesh survey) is not Stata's bangladesh.dta -- its fixed-effects logit differs from
# the one in Stata's iteration log -- so the estimates cannot be compared at the printed
# precision (tests/models/meglm/test_stata_published.py compares the layout instead).
#
# The source page renders Stata's SMCL rules with box-drawing characters; Stata's plain
# text has '-' for them, '+' for the crossing and '|' for the bar (the tests translate).
#
# Output: {"about", "search", "notes", "r_version", "contraception": {...}, "cases": [...]}.

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
})
source(file.path("tests", "reference", "common.R"))

out_file <- file.path("tests", "reference", "stata_meglm.json")
data_env <- rglm_data_env("Contraception")

about <- "Stata's published output of meglm-family commands, transcribed from the sources named per case: facts to compare rglm.meglm with (the project's oracle for meglm is Stata's documented behaviour and published output). Nothing here is rglm's output. 'text' is the output block as published: the page renders Stata's SMCL rules with box-drawing characters; Stata's plain text (a log, the Results window) has '-' for the rules and their corners (┬ ┴ ─), '+' for ┼ and '|' for │. Tests: tests/models/meglm/test_stata_published.py."
search <- list(
  found = "the two melogit outputs below (Stata 17); the stata.com feature page 'multilevel-ordered-logistic-models' quotes meologit thk prethk cc##tv || school: || class: (Stata 18; stored only as flattened text, cut after the cc#tv row; the TVSFP data are in no R package installed here); public Stata logs in GitHub repositories (meglm/melogit/mestreg/meprobit on data not available in R), used only for the version notes below.",
  not_found = "the Stata manual's own outputs ([ME] melogit, meglm, mepoisson, menbreg, meologit examples): the manual PDFs are stored, but only their first pages come back from the search; no copy of the melanoma (mlmRev::Mmmec) or epilepsy (MASS::epil) outputs was found. Queries tried: 'melogit c_use urban age child district', 'Mixed-effects logistic regression Number of obs = 1,934', 'LR test vs. logistic model: chibar2(01) = 43.39', 'meologit thk prethk cc tv school class', 'mepoisson deaths c.uv##c.uv exposure(expected) nation region', 'menbreg deaths uv ... lnalpha', 'mepoisson seizures treat lbas lbas_trt lage v4', exact strings 'Integration method: mvaghermite', 'LR test vs. logistic model: chibar2(01) =', 'exposure(expected) || nation: || region:', 'nation>region'.")
notes <- c(
  "Data: R's mlmRev::Contraception (rglm.datasets 'Contraception') is the same survey (1,934 women, 60 districts, the same group sizes) but not the same file: its fixed-effects logit has log likelihood -1228.365 (R's glm) where Stata's iteration log shows -1228.5263, so the estimates cannot be compared at the printed precision; the tests compare the layout and check the data difference.",
  "melogit vs meglm: melogit's title is 'Mixed-effects logistic regression' and it prints no 'Family:'/'Link:' lines, and 'Group variable: district' with one space; meglm's title is 'Mixed-effects GLM' with 'Family:' and 'Link:' lines (meglm in Stata 13 logs right-aligns the values, group variable included, to column 32: rglm's layout).",
  "Stata 17+: 'Coefficient', 'Std. err.', '[95% conf. interval]' (Stata <= 16: 'Coef.', 'Std. Err.', '[95% Conf. Interval]', and '(Std. Err. adjusted for N clusters in g)').",
  "Stata 14+: 'Number of obs     =      1,934' with a thousands separator (Stata 13: 'Number of obs      =      1934').",
  "Stata 15+: 'Obs per group:' on its own line with min/avg/max below, and 'Integration pts.  =' (Stata 13/14: 'Obs per group: min =' on one line, 'Integration points =').",
  "Stata 18: the iteration log says 'Log likelihood' (capital L; Stata 17: 'log likelihood'); the output table is unchanged.",
  "Stata 13: the LR test against a Poisson model read 'LR test vs. Poisson regression:' with right-aligned chi2 and Prob; Stata 15+: 'LR test vs. <model> model: chibar2(01) = 43.39' with 'Prob >= chibar2 = 0.0000' ending at column 78.",
  "Stata 17 prints a level's covariances below its variances in a block of their own (the level's name repeated), with z and P>|z|, the label 'cov(urban,_cons)' wrapped after its comma to keep the 13-character stub.")

cases <- list(
list(
  id = "bangladesh_ri",
  stata_version = "17",
  command = "melogit c_use urban age child1 child2 child3 || district:",
  data = "webuse bangladesh (https://www.stata-press.com/data/r17/bangladesh.dta): 1,934 women, 60 districts",
  source = "Germán Rodríguez, 'Contraceptive Use in Bangladesh', Pop 510 Multilevel Models, Princeton University, https://grodri.github.io/multilevel/bangladesh (the site's source: GitHub grodri/grodri.github.io, multilevel/bangladesh.html, commit e633ad53774ec78a7201506efc23dc8efe76aaf0; updated Fall 2022), section 'A Random-Intercept Model'",
  fixed_effects_loglik = -1228.5263,
  text = c(
    "Mixed-effects logistic regression               Number of obs     =      1,934",
    "Group variable: district                        Number of groups  =         60",
    "",
    "                                                Obs per group:",
    "                                                              min =          2",
    "                                                              avg =       32.2",
    "                                                              max =        118",
    "",
    "Integration method: mvaghermite                 Integration pts.  =          7",
    "",
    "                                                Wald chi2(5)      =     109.60",
    "Log likelihood = -1206.8322                     Prob > chi2       =     0.0000",
    "─────────────┬────────────────────────────────────────────────────────────────",
    "       c_use │ Coefficient  Std. err.      z    P>|z|     [95% conf. interval]",
    "─────────────┼────────────────────────────────────────────────────────────────",
    "       urban │   .7322765   .1194857     6.13   0.000     .4980888    .9664641",
    "         age │  -.0264981   .0078916    -3.36   0.001    -.0419654   -.0110309",
    "      child1 │   1.116001   .1580921     7.06   0.000     .8061465    1.425856",
    "      child2 │   1.365895   .1746691     7.82   0.000      1.02355     1.70824",
    "      child3 │   1.344031   .1796549     7.48   0.000     .9919139    1.696148",
    "       _cons │   -1.68929   .1477591   -11.43   0.000    -1.978892   -1.399687",
    "─────────────┼────────────────────────────────────────────────────────────────",
    "district     │",
    "   var(_cons)│    .215618   .0733222                      .1107208    .4198954",
    "─────────────┴────────────────────────────────────────────────────────────────",
    "LR test vs. logistic model: chibar2(01) = 43.39       Prob >= chibar2 = 0.0000")),
list(
  id = "bangladesh_rs",
  stata_version = "17",
  command = "melogit c_use urban age child1 child2 child3 || district: urban, covariance(unstructured)",
  data = "as bangladesh_ri",
  source = "Germán Rodríguez, 'Contraceptive Use in Bangladesh', Pop 510 Multilevel Models, Princeton University, https://grodri.github.io/multilevel/bangladesh (the site's source: GitHub grodri/grodri.github.io, multilevel/bangladesh.html, commit e633ad53774ec78a7201506efc23dc8efe76aaf0; updated Fall 2022), section 'A Random Slope Model'",
  fixed_effects_loglik = -1228.5263,
  text = c(
    "Mixed-effects logistic regression               Number of obs     =      1,934",
    "Group variable: district                        Number of groups  =         60",
    "",
    "                                                Obs per group:",
    "                                                              min =          2",
    "                                                              avg =       32.2",
    "                                                              max =        118",
    "",
    "Integration method: mvaghermite                 Integration pts.  =          7",
    "",
    "                                                Wald chi2(5)      =      97.50",
    "Log likelihood = -1199.315                      Prob > chi2       =     0.0000",
    "─────────────┬────────────────────────────────────────────────────────────────",
    "       c_use │ Coefficient  Std. err.      z    P>|z|     [95% conf. interval]",
    "─────────────┼────────────────────────────────────────────────────────────────",
    "       urban │   .8157875   .1715519     4.76   0.000     .4795519    1.152023",
    "         age │   -.026415    .008023    -3.29   0.001    -.0421398   -.0106902",
    "      child1 │    1.13252   .1603285     7.06   0.000      .818282    1.446758",
    "      child2 │   1.357739   .1770522     7.67   0.000     1.010723    1.704755",
    "      child3 │   1.353827   .1828801     7.40   0.000     .9953882    1.712265",
    "       _cons │   -1.71165   .1605618   -10.66   0.000    -2.026345   -1.396954",
    "─────────────┼────────────────────────────────────────────────────────────────",
    "district     │",
    "   var(urban)│   .6663237   .3224689                       .258074    1.720387",
    "   var(_cons)│   .3897448   .1292463                       .203473    .7465413",
    "─────────────┼────────────────────────────────────────────────────────────────",
    "district     │",
    "   cov(urban,│",
    "       _cons)│  -.4058861   .1755414    -2.31   0.021    -.7499408   -.0618313",
    "─────────────┴────────────────────────────────────────────────────────────────",
    "LR test vs. logistic model: chi2(3) = 58.42               Prob > chi2 = 0.0000",
    "",
    "Note: LR test is conservative and provided only for reference.")))

# Stata's bangladesh.dta coded from R's Contraception: 0/1 dummies for use, urban and
# the number of living children; age (mean-centred) as it is.
bd <- with(data_env$Contraception, data.frame(
  district = district, age = age, c_use = as.numeric(use == "Y"),
  urban = as.numeric(urban == "Y"), child1 = as.numeric(livch == "1"),
  child2 = as.numeric(livch == "2"), child3 = as.numeric(livch == "3+")))
fe <- glm(c_use ~ urban + age + child1 + child2 + child3, family = binomial, data = bd)
ri <- glmer(c_use ~ urban + age + child1 + child2 + child3 + (1 | district), data = bd,
            family = binomial, nAGQ = 7)
contraception <- list(
  note = paste("R's values on rglm's Contraception coded as Stata's variables: the",
               "fixed-effects logit (Stata's iteration log on its own file: see each",
               "case's fixed_effects_loglik) and glmer's 7-point quadrature fit of",
               "bangladesh_ri's model"),
  fixed_effects_loglik = json_num(as.numeric(logLik(fe))),
  glmer_nagq7_loglik = json_num(as.numeric(logLik(ri))))

write_json_file(list(about = about, search = search, notes = notes,
                     r_version = R.version.string, contraception = contraception,
                     cases = cases), out_file)
