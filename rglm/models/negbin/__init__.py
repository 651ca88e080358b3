"""``glm.nb()`` (MASS): negative binomial GLMs with theta estimated by ML."""
