# MASS's ch07.R (Venables & Ripley, MASS 4th ed., chapter 7: generalized linear models),
# statement by statement, with rglm's translation: tests/reference/ch07.json.
#
# Run from the repository root (after make_datasets.R):
#   LC_ALL=C.UTF-8 Rscript tests/reference/make_ch07.R
#
# Every statement of MASS/scripts/ch07.R is listed below in the script's order, as
# `st()` (a statement rglm translates: `py`, Python executed in one namespace holding
# `rglm`, `np`, `pd`, `math`, `scipy` and the datasets, statement after statement, as
# the R script is) or `skip()` (with the reason rglm has no translation: plots,
# tables, gam, loglm, multinom, polr; `output_skip`: why a translated statement's printed
# output is not compared).  R runs the statements in one environment under
# the script's options(width = 65, digits = 5) and records, per statement:
#   `output`  what it printed (an assignment prints nothing; a visible value is printed
#             as at top level), after the conversions in `conversions`;
#   `values`  numbers to compare at full precision: each `{name, r, py, numbers}` is an R
#             expression evaluated after the statement and its rglm translation
#             (flattened column by column, as R's c(as.matrix(x)));
#   `warnings`, `messages`.
# Skipped statements R still runs when later statements need what they make (`run`).
#
# The data are rglm's files (read_rglm_dataset(): MASS's anorexia, birthwt, housing,
# quine as data/*.csv hold them), so R and rglm use the same bytes.
#
# Conversions to the print target (current R), each by a named function:
#   summary_r43  print.summary.glm of R 4.2 prints a "Deviance Residuals:" block that
#                R >= 4.3 prints no more (common.R's summary_to_r43());
# anova() is called here with test = "Chisq" only: then R 4.2 and R >= 4.4 compute the
# same table (R 4.4 changed the default test and the F test's df; make_anova.R's
# anova_r44() checks R 4.2 against its R 4.4 emulation for every non-F test).
# MASS 7.3-58.2 (here) and current MASS behave alike in what is used here (see
# make_mass.R's header).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
source(file.path("tests", "reference", "common.R"))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_file <- file.path("tests", "reference", "ch07.json")

st <- function(id, r, py, values = list(), conversions = character(), output_skip = NULL) {
  list(id = id, r = r, py = py, values = values, conversions = conversions, skip = NULL,
       run = TRUE, output_skip = output_skip)
}
skip <- function(id, r, reason, run = FALSE) {
  list(id = id, r = r, py = NULL, values = list(), conversions = character(),
       skip = reason, run = run, output_skip = NULL)
}
v <- function(name, r, py) list(name = name, r = r, py = py)

NO_PLOT <- "R's base graphics of the data (plot, text, abline, qqnorm): rglm draws a model's own plots (rglm.plot(fit), termplot), not base graphics"
NO_TABLE <- "table() of R's base: not a GLM object (the predictions it counts are compared)"
NO_GAM <- "gam() (packages gam, mgcv): a model kind rglm lacks"

STATEMENTS <- list(
  skip("library_MASS", "library(MASS)", "R's package loading: rglm has MASS's functions"),
  st("options", "options(width=65, digits=5, height=9999)", "rglm.options(width=65, digits=5)"),
  skip("pdf", 'pdf(file="ch07.pdf", width=8, height=6, pointsize=9)',
       "a graphics device: rglm's plots are matplotlib figures (fig.savefig)"),
  skip("contrasts", 'options(contrasts = c("contr.treatment", "contr.poly"))',
       "R's default contrasts, which rglm uses: nothing to set", run = TRUE),

  st("ax.1", "ax.1 <- glm(Postwt ~ Prewt + Treat + offset(Prewt),
            family = gaussian, data = anorexia)",
     'ax_1 = rglm.glm("Postwt ~ Prewt + Treat + offset(Prewt)", family=rglm.gaussian, data=anorexia)',
     list(v("coef", "coef(ax.1)", "rglm.coef(ax_1)"),
          v("deviance", "deviance(ax.1)", "rglm.deviance(ax_1)"))),
  st("summary_ax.1", "summary(ax.1)", "print(rglm.summary(ax_1))",
     list(v("coefficients", "summary(ax.1)$coefficients", "rglm.summary(ax_1).coefficients")),
     conversions = "summary_r43"),

  # 7.2  Binomial data
  skip("contrasts2", 'options(contrasts = c("contr.treatment", "contr.poly"))',
       "R's default contrasts, which rglm uses: nothing to set", run = TRUE),
  st("ldose", "ldose <- rep(0:5, 2)", "ldose = np.tile(np.arange(6), 2)"),
  st("numdead", "numdead <- c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16)",
     "numdead = np.array([1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16], dtype=float)"),
  st("sex", 'sex <- factor(rep(c("M", "F"), c(6, 6)))',
     'sex = pd.Categorical(np.repeat(["M", "F"], 6))'),
  st("SF", "SF <- cbind(numdead, numalive = 20 - numdead)",
     "SF = np.column_stack([numdead, 20 - numdead])"),
  st("budworm.lg", "budworm.lg <- glm(SF ~ sex*ldose, family = binomial)",
     'budworm_lg = rglm.glm("SF ~ sex*ldose", family=rglm.binomial)',
     list(v("coef", "coef(budworm.lg)", "rglm.coef(budworm_lg)"))),
  st("summary_budworm.lg", "summary(budworm.lg)", "print(rglm.summary(budworm_lg))",
     list(v("coefficients", "summary(budworm.lg)$coefficients",
            "rglm.summary(budworm_lg).coefficients")),
     conversions = "summary_r43"),
  skip("plot_budworm", 'plot(c(1,32), c(0,1), type = "n", xlab = "dose",
     ylab = "prob", log = "x")', NO_PLOT, run = TRUE),
  skip("text_budworm", "text(2^ldose, numdead/20, labels = as.character(sex))", NO_PLOT,
       run = TRUE),
  st("ld", "ld <- seq(0, 5, 0.1)", "ld = np.arange(51) * 0.1"),
  st("lines_M", 'lines(2^ld, predict(budworm.lg, data.frame(ldose = ld,
  sex = factor(rep("M", length(ld)), levels = levels(sex))),
  type = "response"), col = 3)',
     'pred_M = rglm.predict(budworm_lg, pd.DataFrame({"ldose": ld, "sex": pd.Categorical(["M"] * len(ld), categories=sex.categories)}), type="response")',
     list(v("predict", 'predict(budworm.lg, data.frame(ldose = ld, sex = factor(rep("M", length(ld)), levels = levels(sex))), type = "response")',
            "pred_M"))),
  st("lines_F", 'lines(2^ld, predict(budworm.lg, data.frame(ldose = ld,
  sex = factor(rep("F", length(ld)), levels = levels(sex))),
  type = "response"), lty = 2, col = 2)',
     'pred_F = rglm.predict(budworm_lg, pd.DataFrame({"ldose": ld, "sex": pd.Categorical(["F"] * len(ld), categories=sex.categories)}), type="response")',
     list(v("predict", 'predict(budworm.lg, data.frame(ldose = ld, sex = factor(rep("F", length(ld)), levels = levels(sex))), type = "response")',
            "pred_F"))),
  st("budworm.lgA", "budworm.lgA <- update(budworm.lg, . ~ sex * I(ldose - 3))",
     'budworm_lgA = rglm.update(budworm_lg, ". ~ sex * I(ldose - 3)")',
     list(v("coef", "coef(budworm.lgA)", "rglm.coef(budworm_lgA)"))),
  st("coef_budworm.lgA", "summary(budworm.lgA, cor = F)$coefficients",
     "print(rglm.summary(budworm_lgA, correlation=False).coefficients)",
     list(v("coefficients", "summary(budworm.lgA)$coefficients",
            "rglm.summary(budworm_lgA).coefficients"))),
  st("anova_budworm", 'anova(update(budworm.lg, . ~ . + sex * I(ldose^2)),
      test = "Chisq")',
     'print(rglm.anova(rglm.update(budworm_lg, ". ~ . + sex * I(ldose^2)"), test="Chisq"))',
     list(v("table", 'as.matrix(anova(update(budworm.lg, . ~ . + sex * I(ldose^2)), test = "Chisq"))',
            'rglm.anova(rglm.update(budworm_lg, ". ~ . + sex * I(ldose^2)"), test="Chisq").table'))),
  st("budworm.lg0", "budworm.lg0 <- glm(SF ~ sex + ldose - 1, family = binomial)",
     'budworm_lg0 = rglm.glm("SF ~ sex + ldose - 1", family=rglm.binomial)',
     list(v("coef", "coef(budworm.lg0)", "rglm.coef(budworm_lg0)"))),
  st("coef_budworm.lg0", "summary(budworm.lg0, cor = F)$coefficients",
     "print(rglm.summary(budworm_lg0, correlation=False).coefficients)",
     list(v("coefficients", "summary(budworm.lg0)$coefficients",
            "rglm.summary(budworm_lg0).coefficients"))),
  st("dose_logit", "dose.p(budworm.lg0, cf = c(1,3), p = 1:3/4)",
     "print(rglm.dose_p(budworm_lg0, cf=(1, 3), p=np.arange(1, 4) / 4))",
     list(v("dose", "c(dose.p(budworm.lg0, cf = c(1,3), p = 1:3/4))",
            "rglm.dose_p(budworm_lg0, cf=(1, 3), p=np.arange(1, 4) / 4).dose"),
          v("SE", 'c(attr(dose.p(budworm.lg0, cf = c(1,3), p = 1:3/4), "SE"))',
            "rglm.dose_p(budworm_lg0, cf=(1, 3), p=np.arange(1, 4) / 4).SE"))),
  st("dose_probit", "dose.p(update(budworm.lg0, family = binomial(link = probit)),
       cf = c(1, 3), p = 1:3/4)",
     'print(rglm.dose_p(rglm.update(budworm_lg0, family=rglm.binomial(link="probit")), cf=(1, 3), p=np.arange(1, 4) / 4))',
     list(v("dose", "c(dose.p(update(budworm.lg0, family = binomial(link = probit)), cf = c(1, 3), p = 1:3/4))",
            'rglm.dose_p(rglm.update(budworm_lg0, family=rglm.binomial(link="probit")), cf=(1, 3), p=np.arange(1, 4) / 4).dose'),
          v("SE", 'c(attr(dose.p(update(budworm.lg0, family = binomial(link = probit)), cf = c(1, 3), p = 1:3/4), "SE"))',
            'rglm.dose_p(rglm.update(budworm_lg0, family=rglm.binomial(link="probit")), cf=(1, 3), p=np.arange(1, 4) / 4).SE'))),

  # birthwt: the data frame bwt, built in R with attach(); in Python in one statement
  skip("contrasts3", 'options(contrasts = c("contr.treatment", "contr.poly"))',
       "R's default contrasts, which rglm uses: nothing to set", run = TRUE),
  skip("attach_birthwt", "attach(birthwt)",
       "building bwt: attach() has no Python equivalent; bwt is built from birthwt's columns in one statement (bwt)",
       run = TRUE),
  skip("race", 'race <- factor(race, labels = c("white", "black", "other"))',
       "building bwt (see bwt)", run = TRUE),
  skip("table_ptl", "table(ptl)", "table() of R's base, on the data: not a GLM object",
       run = TRUE),
  skip("ptd", "ptd <- factor(ptl > 0)", "building bwt (see bwt)", run = TRUE),
  skip("table_ftv", "table(ftv)", "table() of R's base, on the data: not a GLM object",
       run = TRUE),
  skip("ftv", "ftv <- factor(ftv)", "building bwt (see bwt)", run = TRUE),
  skip("ftv_levels", 'levels(ftv)[-(1:2)] <- "2+"', "building bwt (see bwt)", run = TRUE),
  skip("table_ftv2", "table(ftv)  # as a check",
       "table() of R's base, on the data: not a GLM object", run = TRUE),
  st("bwt", "bwt <- data.frame(low = factor(low), age, lwt, race,
   smoke = (smoke > 0), ptd, ht = (ht > 0), ui = (ui > 0), ftv)",
     paste0('bwt = pd.DataFrame({"low": pd.Categorical(birthwt["low"]), "age": birthwt["age"], ',
            '"lwt": birthwt["lwt"], "race": pd.Categorical.from_codes(birthwt["race"] - 1, ["white", "black", "other"]), ',
            '"smoke": birthwt["smoke"] > 0, "ptd": pd.Categorical(birthwt["ptl"] > 0), ',
            '"ht": birthwt["ht"] > 0, "ui": birthwt["ui"] > 0, ',
            '"ftv": pd.Categorical.from_codes(np.minimum(birthwt["ftv"], 2), ["0", "1", "2+"])})')),
  skip("detach", "detach(); rm(race, ptd, ftv)", "building bwt (see bwt)", run = TRUE),
  st("birthwt.glm", "birthwt.glm <- glm(low ~ ., family = binomial, data = bwt)",
     'birthwt_glm = rglm.glm("low ~ .", family=rglm.binomial, data=bwt)',
     list(v("coef", "coef(birthwt.glm)", "rglm.coef(birthwt_glm)"))),
  st("summary_birthwt.glm", "summary(birthwt.glm)", "print(rglm.summary(birthwt_glm))",
     list(v("coefficients", "summary(birthwt.glm)$coefficients",
            "rglm.summary(birthwt_glm).coefficients")),
     conversions = "summary_r43"),
  st("birthwt.step", "birthwt.step <- stepAIC(birthwt.glm, trace = FALSE)",
     "birthwt_step = rglm.stepAIC(birthwt_glm, trace=False)",
     list(v("coef", "coef(birthwt.step)", "rglm.coef(birthwt_step)"))),
  st("birthwt.step_anova", "birthwt.step$anova", "print(birthwt_step.anova)",
     list(v("anova", "as.matrix(birthwt.step$anova[-1])", 'birthwt_step.anova.table.iloc[:, 1:]'))),
  st("birthwt.step2", "birthwt.step2 <- stepAIC(birthwt.glm, ~ .^2 + I(scale(age)^2)
   + I(scale(lwt)^2), trace = FALSE)",
     'birthwt_step2 = rglm.stepAIC(birthwt_glm, "~ .^2 + I(scale(age)^2) + I(scale(lwt)^2)", trace=False)',
     list(v("coef", "coef(birthwt.step2)", "rglm.coef(birthwt_step2)"))),
  st("birthwt.step2_anova", "birthwt.step2$anova", "print(birthwt_step2.anova)",
     list(v("anova", "as.matrix(birthwt.step2$anova[-1])", 'birthwt_step2.anova.table.iloc[:, 1:]'))),
  st("coef_birthwt.step2", "summary(birthwt.step2)$coef",
     'print(rglm.summary(birthwt_step2)["coef"])',
     list(v("coefficients", "summary(birthwt.step2)$coefficients",
            "rglm.summary(birthwt_step2).coefficients"))),
  st("table_birthwt", "table(bwt$low, predict(birthwt.step2) > 0)",
     "eta_step2 = rglm.predict(birthwt_step2)",
     list(v("predict", "predict(birthwt.step2)", "eta_step2")), output_skip = NO_TABLE),
  skip("gam_block", 'if(require(gam)) {
    attach(bwt)
    age1 <- age*(ftv=="1"); age2 <- age*(ftv=="2+")
    birthwt.gam <- gam(low ~ s(age) + s(lwt) + smoke + ptd +
                       ht + ui + ftv + s(age1) + s(age2) + smoke:ui, binomial,
                       bwt, bf.maxit=25)
    print(summary(birthwt.gam))
    print(table(low, predict(birthwt.gam) > 0))
    par(mfrow = c(2, 2))
    if(interactive()) plot(birthwt.gam, ask = TRUE, se = TRUE)
    par(mfrow = c(1, 1))
    detach()
}', NO_GAM),
  skip("library_mgcv", "library(mgcv)", NO_GAM),
  skip("attach_bwt", "attach(bwt)", NO_GAM),
  skip("age1", 'age1 <- age*(ftv=="1"); age2 <- age*(ftv=="2+")', NO_GAM),
  skip("mgcv_gam", "(birthwt.gam <- gam(low ~ s(age) + s(lwt) + smoke + ptd +
    ht + ui + ftv + s(age1) + s(age2) + smoke:ui, binomial, bwt))", NO_GAM),
  skip("table_gam", "table(low, predict(birthwt.gam) > 0)", NO_GAM),
  skip("par_gam", "par(mfrow = c(2, 2))", NO_PLOT),
  skip("plot_gam", "plot(birthwt.gam, se = TRUE)", NO_PLOT),
  skip("par_gam2", "par(mfrow = c(1, 1))", NO_PLOT),
  skip("detach_gam", "detach()", NO_GAM),

  # 7.3  Poisson models
  skip("names_housing", "names(housing)", "names() of a data frame: not a GLM object"),
  st("house.glm0", "house.glm0 <- glm(Freq ~ Infl*Type*Cont + Sat,
                  family = poisson, data = housing)",
     'house_glm0 = rglm.glm("Freq ~ Infl*Type*Cont + Sat", family=rglm.poisson, data=housing)',
     list(v("coef", "coef(house.glm0)", "rglm.coef(house_glm0)"))),
  st("summary_house.glm0", "summary(house.glm0)", "print(rglm.summary(house_glm0))",
     list(v("coefficients", "summary(house.glm0)$coefficients",
            "rglm.summary(house_glm0).coefficients")),
     conversions = "summary_r43"),
  st("addterm_house.glm0", 'addterm(house.glm0, ~. + Sat:(Infl+Type+Cont), test = "Chisq")',
     'print(rglm.addterm(house_glm0, "~. + Sat:(Infl+Type+Cont)", test="Chisq"))',
     list(v("table", 'as.matrix(addterm(house.glm0, ~. + Sat:(Infl+Type+Cont), test = "Chisq"))',
            'rglm.addterm(house_glm0, "~. + Sat:(Infl+Type+Cont)", test="Chisq").table'))),
  st("house.glm1", "house.glm1 <- update(house.glm0, . ~ . + Sat:(Infl+Type+Cont))",
     'house_glm1 = rglm.update(house_glm0, ". ~ . + Sat:(Infl+Type+Cont)")',
     list(v("coef", "coef(house.glm1)", "rglm.coef(house_glm1)"))),
  st("summary_house.glm1", "summary(house.glm1)", "print(rglm.summary(house_glm1))",
     list(v("coefficients", "summary(house.glm1)$coefficients",
            "rglm.summary(house_glm1).coefficients")),
     conversions = "summary_r43"),
  st("pchisq_house.glm1", "1 - pchisq(deviance(house.glm1), house.glm1$df.resid)",
     'print(rglm.RVector(1 - scipy.stats.chi2.cdf(rglm.deviance(house_glm1), house_glm1["df.resid"])))',
     list(v("p", "1 - pchisq(deviance(house.glm1), house.glm1$df.resid)",
            '1 - scipy.stats.chi2.cdf(rglm.deviance(house_glm1), house_glm1["df.resid"])'))),
  st("dropterm_house.glm1", 'dropterm(house.glm1, test = "Chisq")',
     'print(rglm.dropterm(house_glm1, test="Chisq"))',
     list(v("table", 'as.matrix(dropterm(house.glm1, test = "Chisq"))',
            'rglm.dropterm(house_glm1, test="Chisq").table'))),
  st("addterm_house.glm1", 'addterm(house.glm1, ~. + Sat:(Infl+Type+Cont)^2, test = "Chisq")',
     'print(rglm.addterm(house_glm1, "~. + Sat:(Infl+Type+Cont)^2", test="Chisq"))',
     list(v("table", 'as.matrix(addterm(house.glm1, ~. + Sat:(Infl+Type+Cont)^2, test = "Chisq"))',
            'rglm.addterm(house_glm1, "~. + Sat:(Infl+Type+Cont)^2", test="Chisq").table'))),
  st("hnames", "hnames <- lapply(housing[, -5], levels) # omit Freq",
     'hnames = {name: list(housing[name].cat.categories) for name in ["Sat", "Infl", "Type", "Cont"]}'),
  st("house.pm", 'house.pm <- predict(house.glm1, expand.grid(hnames),
                   type = "response")  # poisson means',
     paste0('grid = pd.MultiIndex.from_product([hnames[k] for k in reversed(hnames)], ',
            'names=list(reversed(hnames))).to_frame(index=False)[list(hnames)]; ',
            'grid = grid.astype({k: pd.CategoricalDtype(hnames[k]) for k in hnames}); ',
            'house_pm = rglm.predict(house_glm1, grid, type="response")'),
     list(v("predict", "house.pm", "house_pm"))),
  st("house.pm_matrix", "house.pm <- matrix(house.pm, ncol = 3, byrow = TRUE,
                   dimnames = list(NULL, hnames[[1]]))",
     "house_pm = np.asarray(house_pm).reshape(-1, 3)"),
  st("house.pr", "house.pr <- house.pm/drop(house.pm %*% rep(1, 3))",
     "house_pr = house_pm / house_pm.sum(axis=1, keepdims=True)",
     list(v("house.pr", "house.pr", "house_pr"))),
  st("cbind_house.pr", "cbind(expand.grid(hnames[-1]), round(house.pr, 2))",
     paste0('grid3 = pd.MultiIndex.from_product([hnames[k] for k in ["Cont", "Type", "Infl"]], ',
            'names=["Cont", "Type", "Infl"]).to_frame(index=False)[["Infl", "Type", "Cont"]]; ',
            'print(rglm.RFrame(pd.concat([grid3, pd.DataFrame(np.round(house_pr, 2), ',
            'columns=hnames["Sat"])], axis=1)))')),
  skip("loglm", "loglm(Freq ~ Infl*Type*Cont + Sat*(Infl+Type+Cont),
       data = housing)", "loglm() (MASS's log-linear models by iterative proportional fitting): a model kind rglm lacks"),
  skip("library_nnet", "library(nnet)", "multinom() (package nnet): a model kind rglm lacks"),
  skip("house.mult", "(house.mult <- multinom(Sat ~ Infl + Type + Cont,
                        weights = Freq, data = housing))",
       "multinom() (package nnet): a model kind rglm lacks"),
  skip("house.mult2", "house.mult2 <- multinom(Sat ~ Infl*Type*Cont,
                         weights = Freq, data = housing)",
       "multinom() (package nnet): a model kind rglm lacks"),
  skip("anova_mult", 'anova(house.mult, house.mult2, test = "none")',
       "multinom() (package nnet): a model kind rglm lacks"),
  skip("house.pm_mult", 'house.pm <- predict(house.mult, expand.grid(hnames[-1]),
                    type = "probs")', "multinom() (package nnet): a model kind rglm lacks"),
  skip("cbind_house.pm", "cbind(expand.grid(hnames[-1]), round(house.pm, 2))",
       "multinom() (package nnet): a model kind rglm lacks"),
  st("house.cpr", "house.cpr <- apply(house.pr, 1, cumsum)",
     "house_cpr = np.cumsum(house_pr, axis=1).T"),
  st("logit", "logit <- function(x) log(x/(1-x))", "logit = lambda x: np.log(x / (1 - x))"),
  st("house.ld", "house.ld <- logit(house.cpr[2, ]) - logit(house.cpr[1, ])",
     "house_ld = logit(house_cpr[1, :]) - logit(house_cpr[0, :])",
     list(v("house.ld", "house.ld", "house_ld"))),
  st("sort_house.ld", "sort(drop(house.ld))", "last = np.sort(house_ld); print(rglm.RVector(last))"),
  st("mean_last", "mean(.Last.value)", "print(rglm.RVector(np.mean(last)))",
     list(v("mean", "mean(sort(drop(house.ld)))", "np.mean(last)"))),
  skip("house.plr", "house.plr <- polr(Sat ~ Infl + Type + Cont,
                  data = housing, weights = Freq)",
       "polr() (MASS's proportional-odds models): a model kind rglm lacks"),
  skip("print_house.plr", "house.plr", "polr(): a model kind rglm lacks"),
  skip("house.pr1", 'house.pr1 <- predict(house.plr, expand.grid(hnames[-1]),
                     type = "probs")', "polr(): a model kind rglm lacks"),
  skip("cbind_house.pr1", "cbind(expand.grid(hnames[-1]), round(house.pr1, 2))",
       "polr(): a model kind rglm lacks"),
  skip("Fr", "Fr <- matrix(housing$Freq, ncol = 3, byrow = TRUE)",
       "only used with polr()'s predictions (next statement)"),
  skip("G2_plr", "2 * sum(Fr * log(house.pr/house.pr1))", "polr(): a model kind rglm lacks"),
  skip("house.plr2", "house.plr2 <- stepAIC(house.plr, ~.^2)",
       "stepAIC() on a polr() fit: a model kind rglm lacks"),
  skip("house.plr2_anova", "house.plr2$anova", "stepAIC() on a polr() fit: a model kind rglm lacks"),

  # 7.4  A negative binomial family
  st("quine_poisson", "glm(Days ~ .^4, family = poisson, data = quine)",
     'print(rglm.glm("Days ~ .^4", family=rglm.poisson, data=quine))',
     list(v("coef", "coef(glm(Days ~ .^4, family = poisson, data = quine))",
            'rglm.coef(rglm.glm("Days ~ .^4", family=rglm.poisson, data=quine))'))),
  st("quine.nb_fixed", "quine.nb <- glm(Days ~ .^4, family = negative.binomial(2), data = quine)",
     'quine_nb = rglm.glm("Days ~ .^4", family=rglm.negative_binomial(2), data=quine)',
     list(v("coef", "coef(quine.nb)", "rglm.coef(quine_nb)"))),
  st("quine.nb0", "quine.nb0 <- update(quine.nb, . ~ Sex/(Age + Eth*Lrn))",
     'quine_nb0 = rglm.update(quine_nb, ". ~ Sex/(Age + Eth*Lrn)")',
     list(v("coef", "coef(quine.nb0)", "rglm.coef(quine_nb0)"))),
  st("anova_quine.nb0", 'anova(quine.nb0, quine.nb, test = "Chisq")',
     'print(rglm.anova(quine_nb0, quine_nb, test="Chisq"))',
     list(v("table", 'as.matrix(anova(quine.nb0, quine.nb, test = "Chisq"))',
            'rglm.anova(quine_nb0, quine_nb, test="Chisq").table'))),
  st("quine.nb", "quine.nb <- glm.nb(Days ~ .^4, data = quine)",
     'quine_nb = rglm.glm_nb("Days ~ .^4", data=quine)',
     list(v("coef", "coef(quine.nb)", "rglm.coef(quine_nb)"),
          v("theta", "quine.nb$theta", "quine_nb.theta"))),
  st("quine.nb2", "quine.nb2 <- stepAIC(quine.nb)", "quine_nb2 = rglm.stepAIC(quine_nb)",
     list(v("coef", "coef(quine.nb2)", "rglm.coef(quine_nb2)"),
          v("theta", "quine.nb2$theta", "quine_nb2.theta"))),
  st("quine.nb2_anova", "quine.nb2$anova", "print(quine_nb2.anova)",
     list(v("anova", "as.matrix(quine.nb2$anova[-1])", "quine_nb2.anova.table.iloc[:, 1:]"))),
  st("dropterm_quine.nb2", 'dropterm(quine.nb2, test = "Chisq")',
     'print(rglm.dropterm(quine_nb2, test="Chisq"))',
     list(v("table", 'as.matrix(dropterm(quine.nb2, test = "Chisq"))',
            'rglm.dropterm(quine_nb2, test="Chisq").table'))),
  st("quine.nb3", "quine.nb3 <-
  update(quine.nb2, . ~ . - Eth:Age:Lrn - Sex:Age:Lrn)",
     'quine_nb3 = rglm.update(quine_nb2, ". ~ . - Eth:Age:Lrn - Sex:Age:Lrn")',
     list(v("coef", "coef(quine.nb3)", "rglm.coef(quine_nb3)"),
          v("theta", "quine.nb3$theta", "quine_nb3.theta"))),
  st("anova_quine.nb3", "anova(quine.nb2, quine.nb3)", "print(rglm.anova(quine_nb2, quine_nb3))",
     list(v("table", 'as.matrix(anova(quine.nb2, quine.nb3)[c(2, 3, 4, 6, 7, 8)])',
            'rglm.anova(quine_nb2, quine_nb3).table.iloc[:, [1, 2, 3, 5, 6, 7]]'))),
  st("theta_SE", "c(theta = quine.nb2$theta, SE = quine.nb2$SE)",
     'print(rglm.RVector({"theta": quine_nb2.theta, "SE": quine_nb2["SE"]}))',
     list(v("theta_SE", "c(theta = quine.nb2$theta, SE = quine.nb2$SE)",
            '[quine_nb2.theta, quine_nb2["SE"]]'))),
  skip("par_quine", 'par(mfrow = c(2,2), pty = "m")', NO_PLOT),
  st("rs", 'rs <- resid(quine.nb2, type = "deviance")',
     'rs = rglm.residuals(quine_nb2, type="deviance")',
     list(v("rs", "rs", "rs"))),
  st("plot_rs", 'plot(predict(quine.nb2), rs, xlab = "Linear predictors",
    ylab = "Deviance residuals")', "eta_nb2 = rglm.predict(quine_nb2)",
     list(v("predict", "predict(quine.nb2)", "eta_nb2"))),
  skip("abline", "abline(h = 0, lty = 2)", NO_PLOT),
  skip("qqnorm", 'qqnorm(rs, ylab = "Deviance residuals")', NO_PLOT),
  skip("qqline", "qqline(rs)", NO_PLOT),
  skip("par_quine2", "par(mfrow = c(1,1))", NO_PLOT)
)

# ---- evaluation ------------------------------------------------------------------------

CONVERSIONS <- list(summary_r43 = summary_to_r43)

data_env <- rglm_data_env(c("anorexia", "birthwt", "housing", "quine"))
env <- new.env(parent = data_env)
grDevices::pdf(NULL)  # the plots go nowhere

records <- lapply(STATEMENTS, function(s) {
  rec <- list(id = s$id, r = s$r, py = s$py, skip = s$skip, run = s$run,
              output_skip = s$output_skip)
  if (!s$run) return(rec)
  res <- run_statements(s$r, env)
  out <- res$output
  for (conv in s$conversions) out <- CONVERSIONS[[conv]](out)
  rec$output <- if (length(out)) text_of(out) else ""
  rec$conversions <- I(s$conversions)
  rec$warnings <- I(res$warnings)
  rec$messages <- I(res$messages)
  rec$values <- lapply(s$values, function(val) {
    x <- eval(parse(text = val$r), envir = env)
    list(name = val$name, r = val$r, py = val$py, numbers = json_nums(c(as.matrix(x))))
  })
  rec
})
options(width = 80, digits = 7)
invisible(grDevices::dev.off())

ids <- vapply(STATEMENTS, `[[`, "", "id")
if (anyDuplicated(ids)) stop("duplicated ids: ", paste(ids[duplicated(ids)], collapse = ", "))

# ch07.R itself, to check that the statements above are its statements, in its order
script <- system.file("scripts", "ch07.R", package = "MASS")
script_exprs <- vapply(as.list(parse(script)), function(e) paste(deparse(e), collapse = "\n"), "")
listed_exprs <- unlist(lapply(STATEMENTS, function(s) {
  vapply(as.list(parse(text = s$r)), function(e) paste(deparse(e), collapse = "\n"), "")
}))
if (!identical(script_exprs, listed_exprs)) {
  stop("the statements listed are not ch07.R's: first difference at ",
       which(script_exprs[seq_along(listed_exprs)] != listed_exprs)[1])
}

out <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  note = paste("Generated by tests/reference/make_ch07.R: MASS/scripts/ch07.R statement",
               "by statement under options(width = 65, digits = 5), with rglm translations."),
  datasets = I(c("anorexia", "birthwt", "housing", "quine")),
  statements = records
)
write_json_file(out, out_file)
cat("wrote", length(records), "statements to", out_file, "\n")
