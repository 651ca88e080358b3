"""Inference written once against R's generics (:mod:`rglm.generics`): sandwich
covariances, coeftest, Wald intervals, drop1/add1/step, AIC tables, update."""
